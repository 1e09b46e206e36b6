"""Characters that hide or reorder text (bidi controls, zero-width, C1 controls) reach the
database visibly, whichever way the text comes in: an interchange file or the services."""

from __future__ import annotations

import json

import pytest

from firstfile.domain.disclosure import DisclosureDraft, InventorEntry
from firstfile.interchange import dump_document
from firstfile.interchange.reader import parse_document
from firstfile.services import counsel, directory, disclosures, sessions
from firstfile.services.importer import import_document
from firstfile.storage.engine import Store
from tests.factories import seed_basics
from tests.integration.sessions_fixtures import seeded_session
from tests.unit.interchange_cases import TODAY, edit
from tests.unit.test_text_cleaning import CLASSES


@pytest.mark.parametrize(("char", "visible"), CLASSES.values(), ids=CLASSES.keys())
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_importer_stores_each_class_visibly(sqlite_store: Store, fmt: str, char: str,
                                                visible: str) -> None:
    escaped = f"\\u{ord(char):04x}"
    text = edit("    title: Sensorless start-up of a BLDC motor",
                f'    title: "Sensorless{escaped} start-up"')
    text = edit("    name: Jane Doe", f'    name: "Jane{escaped} Doe"', text)
    if fmt == "json":
        # The same file as JSON, with the character itself written as a JSON escape.
        cleaned = dump_document(parse_document(text, "a.yaml", today=TODAY), "json")
        text = cleaned.replace(visible, escaped)
        assert json.loads(text)["disclosures"][0]["title"] == f"Sensorless{char} start-up"
    doc = parse_document(text, f"acme.{fmt}", today=TODAY)
    import_document(sqlite_store, doc, actor="tester")
    view = disclosures.get_disclosure(sqlite_store, "FF-2026-0001")
    assert view.title == f"Sensorless{visible} start-up"
    assert view.inventors[0].name == f"Jane{visible} Doe"
    assert char not in view.title


@pytest.mark.parametrize(("char", "visible"), CLASSES.values(), ids=CLASSES.keys())
def test_the_services_store_each_class_visibly(store: Store, char: str, visible: str) -> None:
    seed_basics(store)
    made = disclosures.create_disclosure(
        store, DisclosureDraft(title=f"Pay{char}roll", summary=f"Line{char}one",
                               engagement_key="ACME-2026",
                               inventors=(InventorEntry("jdoe", "inventor", 100),)),
        actor="tester")
    assert (made.title, made.summary) == (f"Pay{visible}roll", f"Line{visible}one")
    state = counsel.set_reviewer_notes(store, made.key, f"Note{char}", actor="counsel")
    assert state.reviewer_notes == f"Note{visible}"
    person = directory.add_person(store, f"Eve{char} Doe", actor="tester")
    assert directory_name(store, person.key) == f"Eve{visible} Doe"


def directory_name(store: Store, key: str) -> str:
    from sqlalchemy import select

    from firstfile.storage.tables import Person

    with store.read() as db:
        return str(db.execute(select(Person.name).where(Person.key == key)).scalar_one())


@pytest.mark.parametrize(("char", "visible"), CLASSES.values(), ids=CLASSES.keys())
def test_an_idea_is_stored_visibly(sqlite_store: Store, char: str, visible: str) -> None:
    view = seeded_session(sqlite_store)
    idea = sessions.capture_idea(sqlite_store, session_id=view.id, text=f"Idea{char}text",
                                 author="jdoe", actor="tester")
    assert idea.text == f"Idea{visible}text"

