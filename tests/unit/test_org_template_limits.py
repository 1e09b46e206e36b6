"""Organisation forms that would exhaust the machine are stopped, and the message says which
limit they hit. Every form is a real .docx file written in the test; the tags run in the real
child process with its real resource limits."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import docx
import pytest

from firstfile.rendering.form_process import fill_forms
from firstfile.rendering.org_template import (
    FormLimitError,
    FormLimits,
    OrgTemplateError,
    render_org_template,
    template_context,
)
from tests.unit.disclosure_samples import sample_view
from tests.unit.hostile_forms import (
    MIB,
    form_with,
    form_with_bloated_xml,
    form_with_many_parts,
    write,
    zip_bomb_form,
)

CONTEXT = template_context(sample_view())
KEY = CONTEXT["disclosure"]["key"]
# Five nested loops over the title: about 10^8 turns, minutes of processor time.
NESTED_LOOPS = "{% for a in disclosure.title %}" * 5 + "." + "{% endfor %}" * 5


def _refusal(path: Path, limits: FormLimits | None = None) -> str:
    with pytest.raises(FormLimitError) as caught:
        render_org_template(path, CONTEXT, name="form.docx",
                            **({"limits": limits} if limits else {}))
    return str(caught.value)


def test_a_huge_string_product_is_refused_before_it_is_made(tmp_path: Path) -> None:
    message = _refusal(write(tmp_path, form_with("{{ ('x'*200000000)|length }}")))
    assert message.startswith("form.docx was stopped: a tag multiplies a text or list to "
                              "200,000,000 characters")
    assert "(1,000,000)" in message


def test_a_huge_power_is_refused_before_it_is_computed(tmp_path: Path) -> None:
    message = _refusal(write(tmp_path, form_with("{{ (9 ** 999999999) % 7 }}")))
    assert "raises a number to a power" in message


def test_nested_loops_are_stopped_by_the_processor_time_limit(tmp_path: Path) -> None:
    message = _refusal(write(tmp_path, form_with(NESTED_LOOPS)), FormLimits(cpu_seconds=1))
    assert message == (f"form.docx was stopped: filling it in for {KEY} used more than 1 s of "
                       "processor time; check the loops in its tags")


def test_a_tag_asking_for_gigabytes_is_stopped_by_the_memory_limit(tmp_path: Path) -> None:
    message = _refusal(write(tmp_path, form_with("{{ 'x'|center(3000000000) }}")),
                       FormLimits(memory=256 * MIB))
    assert message == (f"form.docx was stopped: filling it in for {KEY} needed more than "
                       "256 MB of memory; check the loops and filters in its tags")


def test_a_form_that_would_fill_in_too_large_is_stopped(tmp_path: Path) -> None:
    # The description written 123 x 40 x 40 times: about 24 MB of text.
    loop = ("{% for a in disclosure.description %}{% for b in disclosure.title %}"
            "{% for c in disclosure.title %}{{ disclosure.description }}"
            "{% endfor %}{% endfor %}{% endfor %}")
    message = _refusal(write(tmp_path, form_with(loop)), FormLimits(max_output=2 * MIB))
    assert message == ("form.docx was stopped: filled in, its text would be more than a "
                       "document may be (2.0 MB); check the loops in its tags")


def test_a_form_that_runs_past_the_waiting_limit_is_killed(tmp_path: Path) -> None:
    message = _refusal(write(tmp_path, form_with(NESTED_LOOPS)),
                       FormLimits(cpu_seconds=600, wall_seconds=1))
    assert message == (f"form.docx was stopped: filling it in for {KEY} took longer than 1 s; "
                       "check the loops in its tags")


def test_a_small_file_with_forty_megabytes_of_xml_is_refused_unparsed(tmp_path: Path) -> None:
    path = write(tmp_path, form_with_bloated_xml(40 * MIB))
    assert path.stat().st_size < 200_000  # about 95 KB on disk
    message = _refusal(path)
    assert message.startswith("form.docx has a part 'word/document.xml' of 40.0 MB unpacked")
    assert "(8.0 MB)" in message


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = write(tmp_path, zip_bomb_form(1500))
    assert path.stat().st_size < 2 * MIB
    # A real bomb: it inflates to what it declares.
    with zipfile.ZipFile(path) as package, package.open("word/media/image1.png") as part:
        assert part.read(8 * MIB) == bytes(8 * MIB)
    message = _refusal(path)
    assert message.startswith("form.docx would unpack to 1.5 GB")
    assert "(32.0 MB)" in message


def test_a_package_of_thousands_of_parts_is_refused(tmp_path: Path) -> None:
    message = _refusal(write(tmp_path, form_with_many_parts(5000)))
    assert message.startswith("form.docx holds 5,01")
    assert "more than a form may hold (1,000)" in message


def test_an_endless_file_is_not_read_to_its_end(tmp_path: Path) -> None:
    endless = Path("/dev/zero")
    if not endless.exists():
        pytest.fail("this test needs /dev/zero")
    message = _refusal(endless)
    assert message == "/dev/zero is larger than a form may be (32.0 MB); save the form " \
                      "without large pictures or embedded files"


def test_a_good_form_fills_every_document_of_a_batch_in_one_child() -> None:
    contexts = [template_context(sample_view()) for _ in range(3)]
    for n, context in enumerate(contexts):
        context["disclosure"]["key"] = f"FF-2026-{n + 1:04d}"
    seen: list[tuple[int, str]] = []
    filled = list(fill_forms(form_with("Key: {{ disclosure.key }}"), contexts, name="form.docx",
                             progress=lambda done, key: seen.append((done, key))))
    texts = [[p.text for p in docx.Document(BytesIO(data)).paragraphs] for data in filled]
    assert [t[-1] for t in texts] == ["Key: FF-2026-0001", "Key: FF-2026-0002",
                                      "Key: FF-2026-0003"]
    assert seen == [(1, "FF-2026-0001"), (2, "FF-2026-0002"), (3, "FF-2026-0003")]


def test_a_batch_stops_at_the_first_document_that_hits_a_limit() -> None:
    contexts = [template_context(sample_view()) for _ in range(3)]
    contexts[1]["disclosure"]["title"] = "long title " * 10
    contexts[1]["disclosure"]["key"] = "FF-2026-0002"
    form = form_with("{% if disclosure.key == 'FF-2026-0002' %}" + NESTED_LOOPS + "{% endif %}")
    made: list[bytes] = []
    with pytest.raises(FormLimitError, match="filling it in for FF-2026-0002 used more than"):
        for data in fill_forms(form, contexts, name="form.docx",
                               limits=FormLimits(cpu_seconds=1)):
            made.append(data)
    assert len(made) == 1


def test_a_sandbox_refusal_inside_the_child_is_reported_as_such() -> None:
    with pytest.raises(OrgTemplateError, match="tries to reach Python internals"):
        render_org_template(form_with("{{ ''.__class__.__mro__ }}"), CONTEXT)
