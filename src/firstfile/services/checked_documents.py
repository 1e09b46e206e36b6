"""The documents an import of several files has checked, kept until each is written.

Every file is read and checked before anything is written (one bad file stops the lot), but
a portfolio of big files does not fit in memory together. So each checked document is put
aside on disk and taken back when its turn to be written comes: what is written is exactly
what was checked, even if the file changes in between, and taking it back costs a fifth of
reading and checking the file again (a 10,000-disclosure file: 0.7 s to put aside and 0.8 s
to take back, against 3.7 s to read it).

Disclosures are confidential, so a document is put aside in a temporary file without a
name (`tempfile.TemporaryFile`, O_TMPFILE on Linux): no other process can open it, and it is
gone when the import ends, however it ends, a kill included. It is written with pickle and
read back by the same process through the same open file, so nothing from outside ever
reaches pickle. A document that cannot be put aside (a full disk, too many open files) is
read from its file again instead, and refused if the file changed since its check.
"""

from __future__ import annotations

import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from firstfile.interchange.acyclic import acyclic_objects
from firstfile.interchange.document import InterchangeDocument
from firstfile.interchange.problems import InterchangeError
from firstfile.interchange.reader import read_document_and_digest
from firstfile.services.process_memory import keep_big_buffers_apart


@dataclass(slots=True)
class Checked:
    """One checked file: where it is, the SHA-256 of the bytes checked, and its document,
    held in memory or put aside in an unnamed file (neither: read it again)."""

    path: Path
    digest: str
    aside: IO[bytes] | None = None
    held: InterchangeDocument | None = None


class CheckedDocuments:
    """Checked documents in file order, put aside until they are written. A context manager:
    leaving it lets go of whatever is still put aside."""

    def __init__(self, under: Path | None = None) -> None:
        self.files: list[Checked] = []
        self._under = under  # the file system to put documents aside on (default: temp)

    def __enter__(self) -> CheckedDocuments:
        # One big document after another: each one's memory is for the next
        # (services/process_memory.py).
        keep_big_buffers_apart()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for checked in self.files:
            if checked.aside is not None:
                checked.aside.close()
                checked.aside = None
            checked.held = None

    def add(self, path: Path, digest: str, document: InterchangeDocument, *,
            hold: bool = False) -> None:
        """Keep document, read from path with digest, until take() gives it back: in memory
        when hold (an import of one file), else put aside on disk."""
        if hold:
            self.files.append(Checked(path, digest, held=document))
            return
        aside: IO[bytes] | None = None
        try:
            aside = tempfile.TemporaryFile(dir=self._under)  # noqa: SIM115 - kept open
            with acyclic_objects():
                pickle.dump(document, aside, protocol=pickle.HIGHEST_PROTOCOL)
            aside.flush()
        except OSError:
            if aside is not None:
                aside.close()
            aside = None  # read from the file again, checked against digest
        self.files.append(Checked(path, digest, aside=aside))

    def take(self, checked: Checked) -> InterchangeDocument:
        """The document checked for checked, once (let go of afterwards). One that could not
        be put aside is read from its file again, and refused (InterchangeError) when the
        file is no longer the one checked: what is written is always what was checked."""
        if checked.held is not None:
            document, checked.held = checked.held, None
            return document
        if checked.aside is None:
            document, digest = read_document_and_digest(checked.path)
            if digest != checked.digest:
                raise InterchangeError([
                    f"{checked.path}: the file changed after it was checked, so it is not "
                    "written (the files before it are): import it again"])
            return document
        with checked.aside as kept, acyclic_objects():
            kept.seek(0)
            document = pickle.load(kept)  # noqa: S301 - written by this process, see above
        checked.aside = None
        if not isinstance(document, InterchangeDocument):
            raise TypeError(f"{checked.path}: what was put aside is not a document")
        return document
