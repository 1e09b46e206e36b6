"""Settings the CLI builds once and hands to services and the TUI.

Nothing here touches the disk at import; paths are resolved when settings are built.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

ENV_USER = "FIRSTFILE_USER"
ENV_TEMPLATES = "FIRSTFILE_TEMPLATES"


def current_actor() -> str:
    """Who is acting, for the audit trail: $FIRSTFILE_USER, else the login name."""
    name = os.environ.get(ENV_USER)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a bare container
        return "unknown"


def user_templates_dir() -> Path | None:
    """The user's own template folder, looked in before the shipped templates, or None.

    $FIRSTFILE_TEMPLATES when set (kept even if missing, so that a wrong path is reported
    rather than ignored), else <user config folder>/firstfile/templates when it exists: most
    users never make one, and then only the shipped templates are used.
    """
    given = os.environ.get(ENV_TEMPLATES)
    if given:
        return Path(given).expanduser()
    from platformdirs import user_config_path

    default = user_config_path("firstfile", appauthor=False) / "templates"
    return default if default.is_dir() else None


@dataclass(frozen=True)
class Settings:
    db: str | None  # --db as given; None means $FIRSTFILE_DB or the default file
    actor: str
    templates_dir: Path | None  # the user's template folder; None: shipped templates only

    @property
    def template_dirs(self) -> list[Path]:
        """The user's template folders, for loaders that take a list (prompt decks)."""
        return [self.templates_dir] if self.templates_dir is not None else []

    @classmethod
    def build(cls, db: str | None = None) -> Settings:
        return cls(db=db, actor=current_actor(), templates_dir=user_templates_dir())
