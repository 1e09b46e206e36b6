"""The status message after an export names each folder once, whole, after its files."""

from pathlib import Path

from firstfile.ui.written import written_message


def test_files_differing_only_in_suffix_are_named_once() -> None:
    folder = Path("/exports/a folder")
    message = written_message([folder / "aq7-risk.docx", folder / "aq7-risk.md"])
    assert message == "Wrote aq7-risk (.docx, .md) to /exports/a folder"


def test_each_folder_is_named_once_after_its_files() -> None:
    message = written_message(
        [
            Path("/out/vendor/checklist.docx"),
            Path("/out/internal/checklist.docx"),
            Path("/out/vendor/terms.md"),
        ]
    )
    assert message == (
        "Wrote checklist.docx and terms.md to /out/vendor; checklist.docx to /out/internal"
    )


def test_nothing_written_says_so() -> None:
    assert written_message([]) == "Nothing written"
