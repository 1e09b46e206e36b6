"""Where the user's own templates are looked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstfile.settings import Settings


def test_no_template_folder_means_shipped_templates_only(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME into tmp_path, where no folder has been made.
    settings = Settings.build()
    assert settings.templates_dir is None
    assert settings.template_dirs == []


def test_the_default_folder_is_used_once_it_exists(tmp_path: Path) -> None:
    folder = tmp_path / "xdg-config" / "firstfile" / "templates"
    folder.mkdir(parents=True)
    settings = Settings.build()
    assert settings.templates_dir == folder
    assert settings.template_dirs == [folder]


def test_a_folder_named_in_the_environment_is_kept_even_if_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wrong path must be reported by whoever reads it, not silently ignored.
    monkeypatch.setenv("FIRSTFILE_TEMPLATES", str(tmp_path / "typo"))
    assert Settings.build().templates_dir == tmp_path / "typo"
