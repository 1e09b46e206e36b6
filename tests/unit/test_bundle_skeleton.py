"""The skeleton that fills bundle documents writes exactly what the builder writes."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import docx
from hypothesis import given, settings
from hypothesis import strategies as st
from pathvalidate import sanitize_filename

from firstfile.rendering.bundle import PLAIN_KEY, docx_name
from firstfile.rendering.disclosure_docx import render_disclosure_docx
from firstfile.rendering.disclosure_skeleton import DisclosureSkeleton, _as_prose, _is_clean
from firstfile.rendering.disclosure_values import clean_view
from firstfile.resources import shipped_templates
from tests.unit.disclosure_samples import sample_view

SKELETON = DisclosureSkeleton.build()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as package:
        assert package.testzip() is None
        return {name: package.read(name) for name in package.namelist()}


def test_the_shipped_templates_get_a_skeleton_that_matches_the_builder() -> None:
    assert SKELETON is not None
    view = sample_view()
    filled = SKELETON.render(view)
    assert _parts(filled) == _parts(render_disclosure_docx(view))
    assert docx.Document(BytesIO(filled)).core_properties.title.startswith(view.key)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=40, deadline=None)
@given(title=_text, summary=_text, description=_text, name=_text, note=_text)
def test_any_text_gives_the_builder_s_bytes(title: str, summary: str, description: str,
                                            name: str, note: str) -> None:
    assert SKELETON is not None
    base = sample_view()
    people = (replace(base.inventors[0], name=name), *base.inventors[1:])
    events = (replace(base.events[0], note=note), *base.events[1:])
    view = replace(base, title=title, summary=summary, description=description,
                   inventors=people, events=events)
    assert _parts(SKELETON.render(view)) == _parts(render_disclosure_docx(view))


def test_wording_that_reads_the_disclosure_falls_back_to_the_builder(tmp_path: Path) -> None:
    wording = tmp_path / "disclosure" / "wording"
    wording.mkdir(parents=True)
    shipped = (shipped_templates() / "disclosure" / "wording" / "summary.j2").read_text()
    (wording / "summary.j2").write_text(
        shipped + '{% set heading = "Summary of " ~ disclosure.key %}\n')
    assert DisclosureSkeleton.build(tmp_path) is None


@settings(max_examples=60, deadline=None)
@given(title=_text, summary=_text, name=_text, note=_text, component=_text)
def test_a_view_taken_as_clean_is_one_cleaning_leaves_alone(
    title: str, summary: str, name: str, note: str, component: str
) -> None:
    base = sample_view()
    view = replace(base, title=title, summary=summary, components=(component,),
                   inventors=(replace(base.inventors[0], name=name), *base.inventors[1:]),
                   events=(replace(base.events[0], note=note), *base.events[1:]))
    cleaned = clean_view(view)
    if _is_clean(view):
        # Only the line breaks of its multi-line fields are laid out as prose.
        assert cleaned == _as_prose(view)
    # Text cleaned once (as services store it) takes the fast path.
    assert _is_clean(cleaned)


def test_dirty_text_is_never_taken_as_clean() -> None:
    base = sample_view()
    assert _is_clean(clean_view(base))
    for dirty in (" lead", "trail ", "two\nlines", "cr\r", "nul\x00", "esc\x1b"):
        assert not _is_clean(replace(base, title=dirty))
    assert not _is_clean(replace(base, summary="carriage\r\nreturn"))
    assert not _is_clean(replace(base, components=(" spaced ",)))


@settings(max_examples=200, deadline=None)
@given(key=st.from_regex(PLAIN_KEY, fullmatch=True)
       | st.sampled_from(["CON-1", "NUL-0", "COM1-2", "LPT9-X", "AUX-AUX", "FF-2026-0001"]))
def test_keys_taken_as_plain_are_ones_pathvalidate_keeps(key: str) -> None:
    assert sanitize_filename(key) == key
    assert docx_name(key) == f"docx/{key}.docx"
