"""A database with every part a disclosure's views show, for the tests of plain reads."""

from __future__ import annotations

from datetime import date

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.domain.views import EventView
from firstfile.interchange.reader import read_document
from firstfile.resources import sample_sessions
from firstfile.services import disclosures
from firstfile.services.attachments import NewFile, attach_files
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe"
       b"\xa7V\x9a\xc5\x00\x00\x00\x00IEND\xaeB`\x82")


def build_portfolio(store: Store) -> Store:
    """The two sample engagements, plus what they lack: a disclosure with no engagement and
    a filing that claims priority (restored), attachments, inventor details, a deleted
    disclosure."""
    for sample in sorted(sample_sessions().glob("*.yaml")):
        import_document(store, read_document(sample), actor="tester")
    keys = [v.key for v in disclosures.all_views(store)]
    loose = disclosures.create_disclosure(
        store,
        DisclosureDraft(title="Loose idea, no engagement", summary="Ünïcode — and\nlines",
                        submitter="mhartmann", conception_date=date(2026, 3, 2),
                        reverse_engineerable=True, made_in_us=True,
                        inventors=(InventorEntry("mhartmann", contribution=62.5,
                                                 postal_address="1 Main St\nSpringfield",
                                                 citizenship="DE"),)),
        actor="tester",
        # Given latest first: a view lists events by date, not in the order they were given.
        events=(EventView("pct-filed", date(2027, 4, 6), "WO", "PCT/US2027/000001",
                          claims_priority_of=("US 63/000,001",), restored=True),
                EventView("provisional-filed", date(2026, 4, 1), "US", "US 63/000,001")),
    )
    attach_files(store, keys[0], [NewFile("figure-1.png", PNG, "The cell stack"),
                                  NewFile("notes.txt", b"bench notes\n")], actor="tester")
    disclosures.delete_disclosure(store, keys[1], actor="tester")
    assert loose.key not in keys
    return store


