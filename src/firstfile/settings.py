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
ENV_TSA_URL = "FIRSTFILE_TSA_URL"
ENV_TSA_CA = "FIRSTFILE_TSA_CA"
ENV_EXPORTS = "FIRSTFILE_EXPORTS"


def current_actor() -> str:
    """The name the audit trail shows beside who acts: $FIRSTFILE_USER, else the login name.

    Who acts is not this name: it is the database role on PostgreSQL and the login on SQLite
    (storage/identity.py), which no environment variable changes."""
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


def default_export_dir() -> Path:
    """The one folder every export goes to when none is chosen: $FIRSTFILE_EXPORTS, else
    <the user's documents folder>/firstfile (platformdirs: ~/Documents/firstfile on most
    systems). Made when the first file is written into it, not before."""
    given = os.environ.get(ENV_EXPORTS)
    if given:
        return Path(given).expanduser().absolute()
    from platformdirs import user_documents_path

    return user_documents_path() / "firstfile"


def user_state_dir() -> Path:
    """Where the app keeps small choices between runs (services/remembered.py): the user's
    state folder (platformdirs: ~/.local/state/firstfile on Linux)."""
    from platformdirs import user_state_path

    return user_state_path("firstfile", appauthor=False)


def tsa_url(given: str | None = None) -> str | None:
    """The RFC 3161 timestamp authority's URL: --tsa, else $FIRSTFILE_TSA_URL, else None
    (nothing is timestamped, and documents say so)."""
    return given or os.environ.get(ENV_TSA_URL) or None


def tsa_ca(given: str | None = None) -> Path | None:
    """The PEM file of the timestamp authority's CA certificate(s): --tsa-ca, else
    $FIRSTFILE_TSA_CA, else None (a token's imprint is then checked but not its signature,
    unless a CA was recorded when it was made)."""
    value = given or os.environ.get(ENV_TSA_CA)
    return Path(value).expanduser() if value else None


@dataclass(frozen=True)
class Settings:
    db: str | None  # --db as given; None means $FIRSTFILE_DB or the default file
    actor: str  # the display name (current_actor)
    templates_dir: Path | None  # the user's template folder; None: shipped templates only
    tsa_url: str | None = None  # the timestamp authority (tsa_url)
    tsa_ca: Path | None = None  # its CA certificate(s) (tsa_ca)
    export_dir: Path | None = None  # where exports go; None: default_export_dir()
    state_dir: Path | None = None  # small choices kept between runs; None: none are kept

    @property
    def exports(self) -> Path:
        """The export folder: the one given, else the default (default_export_dir)."""
        return self.export_dir if self.export_dir is not None else default_export_dir()

    @property
    def template_dirs(self) -> list[Path]:
        """The user's template folders, for loaders that take a list (prompt decks)."""
        return [self.templates_dir] if self.templates_dir is not None else []

    @classmethod
    def build(cls, db: str | None = None, *, tsa: str | None = None,
              tsa_ca_file: str | None = None) -> Settings:
        return cls(db=db, actor=current_actor(), templates_dir=user_templates_dir(),
                   tsa_url=tsa_url(tsa), tsa_ca=tsa_ca(tsa_ca_file),
                   export_dir=default_export_dir(), state_dir=user_state_dir())
