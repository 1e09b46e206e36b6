"""The skeleton that fills bundle documents writes exactly what the builder writes."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import docx
from hypothesis import given, settings
from hypothesis import strategies as st

from firstfile.rendering.disclosure_docx import render_disclosure_docx
from firstfile.rendering.disclosure_skeleton import DisclosureSkeleton
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
