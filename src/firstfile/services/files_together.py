"""Files imported together must not disagree with each other: checked one file at a time,
keeping only what later files are compared with.

Each file is checked against the database on its own before anything is written, so two
files of one run must not disagree with each other either: an engagement or a disclosure
key in both, or a vendor or person given different values in each. What is kept of a file
is its engagement key, its disclosure keys with where they are, and its vendors and people
(a few per file): an import of many big files reads, checks and writes them one at a time
and never holds them all (cli.py).

The disclosure keys are kept as numbers in arrays, not as a dictionary of the file's own
strings. Those strings were made while the file was read, among its hundreds of thousands
of other values; kept alive, a few of them in each block of the allocator's memory kept
those blocks from being given back (9 MB of a 10,000-disclosure file's; docs/PERFORMANCE.md,
"Memory").
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass

from firstfile.domain.keys import parse_disclosure_key
from firstfile.interchange.document import InterchangeDocument, PersonDoc, VendorDoc

# "FF-YYYY-" before the number
_NUMBER_STARTS = 8
_NUMBER_SPAN = 10**9  # the number has at most nine digits (domain/keys.py)


def packed_key(key: str) -> int | None:
    """key as one number that no other key shares (its year, how many digits its number is
    written with, and the number), or None for what is not a disclosure key."""
    parsed = parse_disclosure_key(key)
    if parsed is None:
        return None
    year, number = parsed
    # A parsed key is FF-YYYY- and four to nine ASCII digits, so these three give it back.
    digits = len(key) - _NUMBER_STARTS
    return (year * 10 + digits) * _NUMBER_SPAN + number


@dataclass(slots=True)
class _FileKeys:
    """One earlier file's disclosure keys, sorted, with the index and line of each."""

    source: str
    keys: array[int]
    indexes: array[int]
    lines: array[int]

    def find(self, packed: int) -> int | None:
        """The position of packed among the keys, or None."""
        at = bisect_left(self.keys, packed)
        return at if at < len(self.keys) and self.keys[at] == packed else None


class FilesTogether:
    """Problems between each file added and the files added before it."""

    def __init__(self) -> None:
        self.files = 0
        # Each entry names the file it came from by its number in the run (two files may
        # share a name, in different folders).
        self.engagements: dict[str, tuple[int, str]] = {}
        self._keys: list[_FileKeys] = []
        # Keys that are not disclosure keys (a document built in code may hold one; the
        # reader refuses them): where each was first seen.
        self._other_keys: dict[str, tuple[int, str, int, str]] = {}
        self.shared: dict[tuple[str, str], tuple[int, str, VendorDoc | PersonDoc]] = {}

    def add(self, doc: InterchangeDocument) -> list[str]:
        """Problems between doc and the files added before it."""
        self.files += 1
        number = self.files
        problems: list[str] = []
        source = doc.source or "another file"
        first = self.engagements.setdefault(doc.engagement.key, (number, source))
        if first[0] != number:
            problems.append(f"{doc.where('engagement.key')}: the engagement "
                            f"{doc.engagement.key} is also in {first[1]}: "
                            "import one file per engagement")
        problems.extend(self._add_keys(doc, number))
        groups: tuple[tuple[str, tuple[VendorDoc | PersonDoc, ...]], ...] = (
            ("vendor", doc.vendors), ("person", doc.people))
        for kind, records in groups:
            plural = "vendors" if kind == "vendor" else "people"
            for index, record in enumerate(records):
                path = f"{plural}[{index}]"
                seen_record = self.shared.setdefault((kind, record.key),
                                                     (number, doc.where(path), record))
                if seen_record[0] != number and seen_record[2] != record:
                    problems.append(
                        f"{doc.where(path)}: the {kind} {record.key} differs from "
                        f"{seen_record[1]}: give it the same values in "
                        "both files, or import them one at a time")
        return problems

    def _add_keys(self, doc: InterchangeDocument, number: int) -> list[str]:
        """Problems with doc's disclosure keys (a key in an earlier file), after which its
        keys are kept for the files after it."""
        problems: list[str] = []
        here: list[tuple[int, int]] = []  # (packed key, index), only while doc is checked
        for index, d in enumerate(doc.disclosures):
            if d.key is None:
                continue
            path = f"disclosures[{index}].key"
            packed = packed_key(d.key)
            if packed is None:
                seen = self._other_keys.setdefault(
                    d.key, (number, doc.source, doc.line(path), path))
                if seen[0] != number:
                    problems.append(f"{doc.where(path)}: {d.key} is also in "
                                    f"{_where(*seen[1:])}: a key names one disclosure")
                continue
            here.append((packed, index))
            # The first file it is in, as files are kept in the order they were added.
            for earlier in self._keys:
                at = earlier.find(packed)
                if at is not None:
                    first = _where(earlier.source, earlier.lines[at],
                                   _key_path(earlier.indexes[at]))
                    problems.append(f"{doc.where(path)}: {d.key} is also in {first}: a key "
                                    "names one disclosure")
                    break
        here.sort()
        self._keys.append(_FileKeys(
            doc.source,
            array("q", (packed for packed, _ in here)),
            array("q", (index for _, index in here)),
            array("q", (doc.line(_key_path(index)) for _, index in here)),
        ))
        return problems


def documents_together(docs: list[InterchangeDocument]) -> list[str]:
    """Problems between files imported together, as ``file:line: path: message``
    (FilesTogether, for documents already in memory)."""
    together = FilesTogether()
    return [problem for doc in docs for problem in together.add(doc)]


def _key_path(index: int) -> str:
    return f"disclosures[{index}].key"


def _where(source: str, line: int, path: str) -> str:
    """``file:line: path``, as InterchangeDocument.where writes it."""
    place = f"{source}:{line}" if line else source or "<document>"
    return f"{place}: {path}"
