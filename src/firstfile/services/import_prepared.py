"""The work on an import's disclosures that needs no database, done once, and ahead of the
write where there is time for it.

After each second of holding the write lock, an import leaves the lock free for a moment so
that other writers get their turn (services/importer.py, _Turns). It spends that moment here,
on the disclosures of the groups still to come: each one's cleaned draft with the problems
found in it, and the changes its "create" audit record will hold if the import creates it
(services/disclosures.creation_changes, already in the text the row stores). The write takes
them from here instead of working them out while it holds the lock. Each is a function of the
file's record alone, so it is the same whenever it is worked out. Each is let go of when it
is taken, or once the write has passed its disclosure without taking it (an update needs no
"create" record), so what waits here stays small.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from firstfile.domain.disclosure import DisclosureDraft, Problem, errors, validate
from firstfile.interchange import InterchangeDocument
from firstfile.services.disclosures import creation_changes
from firstfile.storage import audit


class Preparation:
    """The prepared disclosures of one document, by their index in it."""

    def __init__(self, doc: InterchangeDocument) -> None:
        self._doc = doc
        self._drafts: dict[int, tuple[DisclosureDraft, list[Problem]]] = {}
        self._creations: dict[int, audit.PreparedChanges] = {}

    def draft(self, index: int) -> tuple[DisclosureDraft, list[Problem]]:
        """The disclosure's cleaned draft and the errors in it (taken: not kept here).

        A pass takes the disclosures in order, so a "create" record prepared for one before
        index and not taken (it was stored already, an update) is let go of here."""
        while self._creations:
            first = next(iter(self._creations))
            if first >= index:
                break
            del self._creations[first]
        found = self._drafts.pop(index, None)
        return found if found is not None else self._cleaned(index)

    def creation(self, index: int, draft: DisclosureDraft) -> audit.PreparedChanges:
        """What the disclosure's "create" audit record holds; draft is its cleaned draft
        (taken: not kept here)."""
        found = self._creations.pop(index, None)
        return found if found is not None else self._created(index, draft)

    def ahead(self, indexes: Iterable[int], until: float) -> int:
        """Prepare the disclosures at indexes in order, until time.monotonic() reaches until;
        the number prepared."""
        done = 0
        for index in indexes:
            if time.monotonic() >= until:
                break
            cleaned = self._drafts.get(index)
            if index in self._creations or (cleaned is not None and cleaned[1]):
                continue  # prepared already (one with problems has no "create" record)
            if cleaned is None:
                cleaned = self._drafts[index] = self._cleaned(index)
            if not cleaned[1]:
                self._creations[index] = self._created(index, cleaned[0])
            done += 1
        return done

    def _cleaned(self, index: int) -> tuple[DisclosureDraft, list[Problem]]:
        draft = self._doc.disclosures[index].draft.cleaned()
        return draft, errors(validate(draft))

    def _created(self, index: int, draft: DisclosureDraft) -> audit.PreparedChanges:
        d = self._doc.disclosures[index]
        return audit.prepared(creation_changes(draft, d.events, submitted_on=d.submitted_on))
