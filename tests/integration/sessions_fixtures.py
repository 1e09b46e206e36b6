"""A session set up on the basic test data (tests/factories.py), shared by session tests."""

from __future__ import annotations

from datetime import date

from firstfile.domain.sessions import SessionSetup, SessionView
from firstfile.services import sessions
from firstfile.storage.engine import Store
from tests.factories import seed_basics

SETUP = SessionSetup(
    engagement_key="ACME-2026", key="pre-1", title="Before the RFQ goes out", phase="pre",
    facilitator="jdoe", held_on=date(2026, 2, 10),
    goal="Anticipate what the PCBA house will improve.",
    participants=("jdoe", "rsmith", "wli"), components=("bms-fw",),
    decks=("scamper", "design-around"), time_box_minutes=60, prompt_minutes=5,
    dots_per_participant=3,
)


def seeded_session(store: Store) -> SessionView:
    """The basic engagement and people, and a planned session with all three in the room."""
    seed_basics(store)
    return sessions.create_session(store, SETUP, actor="tester")
