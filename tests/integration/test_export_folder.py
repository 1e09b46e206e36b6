"""One export folder everywhere: every export command writes into it when -o is left out,
and says where the file went; -o still chooses another place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from firstfile.resources import sample_sessions
from firstfile.settings import ENV_EXPORTS, Settings, default_export_dir
from tests.integration.cli_run import run


@pytest.fixture
def exports_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "Documents" / "firstfile"  # made by the first export
    monkeypatch.setenv(ENV_EXPORTS, str(folder))
    return folder


def test_every_export_goes_to_the_export_folder_and_says_where(
    tmp_path: Path, exports_dir: Path
) -> None:
    db = str(tmp_path / "firstfile.db")
    run("init", "--organization", "Northfield Power GmbH", db=db)
    run("import", str(sample_sessions() / "bms-shenzhen.yaml"), db=db)
    key = run("disclosures", "list", db=db).stdout.split()[0]

    def written(*args: str) -> Path:
        """The path the command printed as the last line it wrote."""
        result = run(*args, db=db)
        said = (result.stdout.strip().splitlines() or [""])[-1]
        path = Path(said.removeprefix("wrote ").split(" (")[0])
        assert path.is_file(), (args, result.stdout, result.stderr)
        return path

    assert written("export", "disclosure", key) == exports_dir / f"{key}.docx"
    assert written("export", "disclosure", key, "--format", "md") == exports_dir / f"{key}.md"
    assert written("export", "minutes", "bms48-shenzhen/pre-1") == \
        exports_dir / "minutes-bms48-shenzhen-pre-1.docx"
    checklist = written("export", "checklist", "bms48-shenzhen", "huaxin-pcba")
    assert checklist.parent == exports_dir
    assert written("export", "risk", "bms48-shenzhen").parent == exports_dir
    assert written("export", "engagement", "bms48-shenzhen") == \
        exports_dir / "bms48-shenzhen.yaml"
    assert written("transfers", "export") == exports_dir / "transfer-register.xlsx"
    assert written("export", "bundle") == \
        exports_dir / f"counsel-bundle-{date.today().isoformat()}.zip"

    # -o still decides when it is given.
    elsewhere = tmp_path / "elsewhere"
    assert written("export", "disclosure", key, "-o", str(elsewhere)) == \
        elsewhere / f"{key}.docx"


def test_the_default_folder_is_in_the_documents_folder(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    from platformdirs import user_documents_path

    monkeypatch.delenv(ENV_EXPORTS, raising=False)
    assert default_export_dir() == user_documents_path() / "firstfile"
    assert Settings.build().exports == user_documents_path() / "firstfile"
    monkeypatch.setenv(ENV_EXPORTS, "~/somewhere")
    assert default_export_dir() == Path("~/somewhere").expanduser()
    given = Settings(db=None, actor="a", templates_dir=None, export_dir=tmp_path)
    assert given.exports == tmp_path
