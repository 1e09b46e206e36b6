"""Fixtures of the UI tests."""

from __future__ import annotations

import pytest

from firstfile.interchange.reader import read_document
from firstfile.resources import sample_sessions
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store


@pytest.fixture
def loaded(sqlite_store: Store) -> Store:
    """The two sample engagements: engagements, vendors, sessions and disclosures."""
    for path in sorted(sample_sessions().glob("*.yaml")):
        import_document(sqlite_store, read_document(path), actor="tester")
    return sqlite_store
