"""Interchange files of many disclosures, for the import tests that need several groups and
for benchmarks/bench_import_lock.py."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.views import EventView
from firstfile.interchange import (
    ComponentDoc,
    DisclosureDoc,
    EngagementDoc,
    IdeaDoc,
    InterchangeDocument,
    PersonDoc,
    SessionDoc,
    VendorDoc,
    dump_document,
)

ENGAGEMENT_KEY = "big-2025"
PEOPLE = 12


def big_document(disclosures: int, *, ideas: int = 30) -> InterchangeDocument:
    """One engagement with a vendor, people, two components, a session of ideas and
    disclosures FF-2025-0001 onwards, each with two inventors, an event and a component."""
    people = tuple(
        PersonDoc(key=f"p{i:02d}", name=f"Person {i}", email=f"p{i:02d}@example.com",
                  organization="sz-pcba" if i == PEOPLE - 1 else "internal")
        for i in range(PEOPLE)
    )
    session = SessionDoc(
        key="pre-1", title="Before the RFQ", phase="pre", date=date(2025, 1, 10),
        facilitator="p00", participants=tuple(p.key for p in people[:4]),
        ideas=tuple(IdeaDoc(text=f"Idea {n}", author=f"p{n % 4:02d}", votes=n % 3)
                    for n in range(ideas)),
    )
    return InterchangeDocument(
        engagement=EngagementDoc(key=ENGAGEMENT_KEY, name="Big engagement", phase="during"),
        vendors=(VendorDoc(key="sz-pcba", name="Shenzhen PCBA Co.",
                           kind="contract-manufacturer", country="CN"),),
        people=people,
        components=tuple(
            ComponentDoc(key=key, name=key.title(), value_add=3, differentiation=3,
                         reverse_engineering_difficulty=3, vendors=("sz-pcba",))
            for key in ("firmware", "pcb")
        ),
        sessions=(session,),
        disclosures=tuple(_disclosure(n) for n in range(1, disclosures + 1)),
    )


def _disclosure(n: int) -> DisclosureDoc:
    first, second = f"p{n % PEOPLE:02d}", f"p{(n + 1) % PEOPLE:02d}"
    draft = DisclosureDraft(
        title=f"Invention number {n}",
        summary=f"Summary of invention {n}. " * 5,
        description=f"How invention {n} works, with its parameters. " * 40,
        engagement_key=ENGAGEMENT_KEY,
        status="submitted" if n % 3 == 0 else "draft",
        conception_date=date(2025, 1, 1) + timedelta(days=n % 300),
        inventors=(InventorEntry(first, contribution=60.0),
                   InventorEntry(second, contribution=40.0)),
        components=("firmware",) if n % 2 else ("firmware", "pcb"),
    )
    return DisclosureDoc(
        draft=draft, key=f"FF-2025-{n:04d}",
        events=(EventView("vendor-disclosure-nda", date(2025, 3, 1) + timedelta(days=n % 90),
                          "CN", f"NNN {n}"),),
    )


def write_big_file(path: Path, disclosures: int, *, ideas: int = 30) -> InterchangeDocument:
    """Write big_document(disclosures) to path as YAML and return the document."""
    doc = big_document(disclosures, ideas=ideas)
    path.write_text(dump_document(doc), encoding="utf-8")
    return doc
