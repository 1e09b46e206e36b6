"""Files imported together: a disclosure key in two files is reported with where it was
first seen, whatever file it was seen in, and two keys are never taken for one."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from firstfile.services.files_together import documents_together, packed_key
from tests.unit.interchange_cases import edit, line_of, parse


def _file(engagement: str, keys: tuple[str, ...], source: str):  # type: ignore[no-untyped-def]
    """BASE as engagement's file, with one disclosure for each of keys."""
    text = edit("key: acme-2026", f"key: {engagement}")
    disclosure = text[text.index("  - key: FF-2026-0001"):]
    text = text[:text.index("  - key: FF-2026-0001")]
    for number, key in enumerate(keys):
        text += (disclosure.replace("FF-2026-0001", key)
                 .replace("Sensorless start-up", f"Sensorless start-up {number}"))
    return parse(text, source), text


def test_a_key_in_an_earlier_file_is_reported_where_it_was_first_seen() -> None:
    first, first_text = _file("acme-2026", ("FF-2026-0001", "FF-2026-0002"), "a.yaml")
    second, _ = _file("beta-2026", ("FF-2026-0003",), "b.yaml")
    third, third_text = _file("gamma-2026", ("FF-2026-0004", "FF-2026-0002"), "c.yaml")
    found = documents_together([first, second, third])
    second_key = third_text.index("FF-2026-0002")
    line = third_text.count("\n", 0, second_key) + 1
    assert found == [
        f"c.yaml:{line}: disclosures[1].key: FF-2026-0002 is also in "
        f"a.yaml:{line_of(first_text, 'key: FF-2026-0002')}: disclosures[1].key: a key "
        "names one disclosure"
    ]


def test_files_that_share_no_key_have_nothing_to_report() -> None:
    first, _ = _file("acme-2026", ("FF-2026-0001", "FF-2025-0001"), "a.yaml")
    # The same number written with more digits, or in another year, is another key.
    second, _ = _file("beta-2026", ("FF-2026-00001", "FF-2024-0001"), "b.yaml")
    assert documents_together([first, second]) == []


def test_a_key_that_cannot_be_packed_is_compared_as_written() -> None:
    # The reader refuses such a key; a document built in code may still hold one.
    first, _ = _file("acme-2026", ("FF-2026-0001",), "a.yaml")
    second, _ = _file("beta-2026", ("FF-2026-0002",), "b.yaml")
    third, _ = _file("gamma-2026", ("FF-2026-0003",), "c.yaml")
    odd = "legacy-7"
    first, second, third = (
        replace(doc, disclosures=(replace(doc.disclosures[0], key=key),))
        for doc, key in ((first, odd), (second, "FF-2026-0001"), (third, odd)))
    found = documents_together([first, second, third])
    assert len(found) == 1 and found[0].startswith("c.yaml:")
    assert f"{odd} is also in a.yaml:" in found[0]
    assert packed_key(odd) is None


_KEYS = st.builds(
    lambda year, digits, number: f"FF-{year:04d}-{number % 10**digits:0{digits}d}",
    st.integers(1000, 9999), st.integers(4, 9), st.integers(0, 10**9 - 1),
)


@given(_KEYS, _KEYS)
def test_two_keys_pack_to_one_number_only_when_they_are_the_same_key(a: str, b: str) -> None:
    assert packed_key(a) is not None and packed_key(b) is not None
    assert (packed_key(a) == packed_key(b)) == (a == b)
