"""Every kind of mistake is reported with its file, line and path, and all of them at once."""

from __future__ import annotations

import pytest

from tests.unit.interchange_cases import BASE, edit, line_of, parse, problems


def only_problem(text: str) -> str:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_base_file_is_valid() -> None:
    doc = parse(BASE)
    assert doc.engagement.key == "acme-2026"
    assert doc.disclosures[0].draft.inventors[1].person_key == "wli"
    assert doc.warnings == ()


def test_wrong_format_value() -> None:
    text = edit("format: firstfile/1", "format: firstfile/2")
    assert only_problem(text) == (
        "acme.yaml:1: format: unsupported format 'firstfile/2': this version reads "
        "'firstfile/1'"
    )


def test_missing_format_and_engagement() -> None:
    found = problems("vendors: []\n")
    assert "acme.yaml:1: format: is required" in found
    assert "acme.yaml:1: engagement: is required" in found


def test_unknown_key_names_the_allowed_keys() -> None:
    text = edit("    title: Sensorless", "    titel: Sensorless")
    found = problems(text)
    line = line_of(text, "titel:")
    typo = [p for p in found if p.startswith(f"acme.yaml:{line}: disclosures[0].titel: ")]
    assert typo, found
    assert "unknown key 'titel' (did you mean 'title'?)" in typo[0]
    assert "allowed here: title, key, summary" in typo[0]
    # and, the title being gone, that is reported on the disclosure's first line
    start = line_of(text, "key: FF-2026-0001")
    assert f"acme.yaml:{start}: disclosures[0].title: is required" in found


def test_key_given_twice_in_one_mapping() -> None:
    text = edit("    summary: Start without Hall sensors.\n",
                "    summary: Start without Hall sensors.\n    summary: again\n")
    line = line_of(text, "summary: again")
    first = line_of(text, "summary: Start")
    assert only_problem(text) == (
        f"acme.yaml:{line}: disclosures[0].summary: given twice (first on line {first})"
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("votes: 2", "votes: many", "sessions[0].ideas[0].votes",
         "expected a whole number, got text"),
        ("    phase: pre\n    status: draft",
         "    phase: pre\n    status: draft\n    prototype_exists: maybe",
         "disclosures[0].prototype_exists", "expected true or false, got text"),
        ("participants: [jdoe]", "participants: jdoe", "sessions[0].participants",
         "expected a list, got text"),
        ("    title: Sensorless start-up of a BLDC motor",
         "    title: [Sensorless, start-up]", "disclosures[0].title",
         "expected text, got a list"),
        ("contribution: 60", "contribution: sixty", "disclosures[0].inventors[0].contribution",
         "expected a number, got text"),
        ("value_add: 5", "value_add: 4.5", "components[0].value_add",
         "expected a whole number, got a number"),
        ("    date: 2026-03-02", "    date: 2 March 2026", "sessions[0].date",
         "expected a date like 2026-03-02, got '2 March 2026'"),
        ("    date: 2026-03-02", "    date: 2026-03-02 10:30:00", "sessions[0].date",
         "expected a date like 2026-03-02, got '2026-03-02 10:30:00'"),
        ("    date: 2026-03-02", "    date: [2026-03-02]", "sessions[0].date",
         "expected a date like 2026-03-02, got a list"),
    ],
)
def test_wrong_types(old: str, new: str, path: str, message: str) -> None:
    text = edit(old, new)
    line = line_of(text, new.splitlines()[-1].strip())
    assert only_problem(text) == f"acme.yaml:{line}: {path}: {message}"


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("date: 2026-03-10", "date: 2026-02-30", "disclosures[0].events[0].date"),
        ("    conception_date: 2026-03-02", "    conception_date: 2026-13-01",
         "disclosures[0].conception_date"),
        ("    date: 2026-03-02", "    date: '2025-02-29'", "sessions[0].date"),
    ],
)
def test_impossible_dates(old: str, new: str, path: str) -> None:
    text = edit(old, new)
    line = line_of(text, new.strip())
    value = new.split(": ")[1].strip("'")
    assert only_problem(text) == f"acme.yaml:{line}: {path}: {value!r} is not a real date"


def test_leap_day_is_a_real_date() -> None:
    doc = parse(edit("date: 2026-03-10", "date: 2028-02-29"))
    assert doc.disclosures[0].events[0].date.isoformat() == "2028-02-29"


@pytest.mark.parametrize(
    ("old", "new", "path", "allowed"),
    [
        ("kind: contract-manufacturer", "kind: factory", "vendors[0].kind",
         "contract-manufacturer, design-firm, odm, test-house"),
        ("    status: draft", "    status: done", "disclosures[0].status",
         "draft, submitted"),
        ("  phase: pre\nvendors", "  phase: ongoing\nvendors", "engagement.phase",
         "pre, during, post, closed"),
        ("      - person: jdoe\n", "      - person: jdoe\n        role: author\n",
         "disclosures[0].inventors[0].role", "inventor, contributor"),
        ("kind: vendor-disclosure-nda", "kind: told-the-vendor", "disclosures[0].events[0].kind",
         "public-disclosure, offer-for-sale"),
        ("        votes: 2", "        votes: 2\n        status: maybe",
         "sessions[0].ideas[0].status", "open, parked, promoted"),
    ],
)
def test_bad_enum_values(old: str, new: str, path: str, allowed: str) -> None:
    text = edit(old, new)
    changed = [line for line in new.splitlines() if line not in old.splitlines()][0]
    line = line_of(text, changed.strip())
    value = changed.split(": ")[-1]
    found = only_problem(text)
    assert found.startswith(
        f"acme.yaml:{line}: {path}: {value!r} is not allowed: use one of {allowed}"
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("      - person: wli", "      - person: wlee", "disclosures[0].inventors[1].person",
         "unknown person 'wlee'"),
        ("    vendors: [sz-pcba]", "    vendors: [sz-pcb]", "components[0].vendors[0]",
         "unknown vendor 'sz-pcb'"),
        ("    components: [motor-fw]", "    components: [motor-fm]",
         "disclosures[0].components[0]", "unknown component 'motor-fm'"),
        ("        component: motor-fw", "        component: motor",
         "sessions[0].ideas[0].component", "unknown component 'motor'"),
        ("facilitator: jdoe", "facilitator: jdo", "sessions[0].facilitator",
         "unknown person 'jdo'"),
        ("participants: [jdoe]", "participants: [jdoe, mallory]", "sessions[0].participants[1]",
         "unknown person 'mallory'"),
        ("    submitter: jdoe", "    submitter: jd", "disclosures[0].submitter",
         "unknown person 'jd'"),
        ("        author: jdoe", "        author: nobody", "sessions[0].ideas[0].author",
         "unknown person 'nobody'"),
        ("organization: sz-pcba", "organization: sz", "people[1].organization",
         "unknown organization 'sz': use 'internal' or a vendor key"),
    ],
)
def test_unknown_references(old: str, new: str, path: str, message: str) -> None:
    text = edit(old, new)
    line = line_of(text, new.strip())
    assert only_problem(text) == f"acme.yaml:{line}: {path}: {message}"


def test_duplicate_record_keys() -> None:
    text = edit("  - key: wli\n    name: Wei Li", "  - key: jdoe\n    name: Wei Li")
    found = problems(text)
    second = [n for n, line in enumerate(text.splitlines(), 1) if "- key: jdoe" in line][1]
    assert f"acme.yaml:{second}: people[1].key: duplicate key 'jdoe' (also people[0])" in found


def test_duplicate_keys_in_a_list_of_references() -> None:
    text = edit("participants: [jdoe]", "participants: [jdoe, jdoe]")
    line = line_of(text, "participants:")
    assert only_problem(text) == (
        f"acme.yaml:{line}: sessions[0].participants[1]: 'jdoe' is listed twice"
    )


def test_duplicate_disclosure_keys() -> None:
    second = (
        "  - key: FF-2026-0001\n"
        "    title: Another invention\n"
    )
    text = BASE + second
    line = line_of(text, "title: Another invention") - 1
    found = problems(text)
    assert (f"acme.yaml:{line}: disclosures[1].key: duplicate key 'FF-2026-0001' "
            "(also disclosures[0])") in found


def test_keyless_disclosures_must_differ_in_title() -> None:
    keyless = "  - title: Sensorless start-up of a BLDC motor\n"
    text = BASE + keyless
    line = len(text.splitlines())
    assert only_problem(text).startswith(
        f"acme.yaml:{line}: disclosures[1].title: another disclosure in this file has the "
        "same title"
    )


@pytest.mark.parametrize("bad", ["FF-26-0001", "FF-2026-1", "ff-2026-0001", "2026-0001",
                                 "FF-2026-" + "9" * 30,
                                 # fullwidth digits: read as 2026 and 1, another key's text
                                 "FF-2026-\uff10\uff10\uff10\uff11"])
def test_malformed_disclosure_key(bad: str) -> None:
    text = edit("key: FF-2026-0001", f"key: {bad}")
    line = line_of(text, f"key: {bad}")
    assert only_problem(text) == (
        f"acme.yaml:{line}: disclosures[0].key: {bad!r} is not a disclosure key: use "
        "FF-YYYY-NNNN (four to nine digits), e.g. FF-2026-0001"
    )


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("  key: acme-2026", "  key: acme 2026", "engagement.key"),
        ("  - key: sz-pcba", "  - key: sz/pcba", "vendors[0].key"),
        ("  - key: motor-fw", "  - key: -motor", "components[0].key"),
        ("  - key: pre-1", "  - key: pre-1" + "x" * 64, "sessions[0].key"),
    ],
)
def test_invalid_record_keys(old: str, new: str, path: str) -> None:
    text = edit(old, new)
    line = line_of(text, new.strip())
    value = new.split(": ")[1]
    assert f"acme.yaml:{line}: {path}: {value!r} is not a valid key" in "\n".join(
        problems(text)
    )


def test_internal_is_not_a_vendor_key() -> None:
    text = edit("  - key: sz-pcba", "  - key: internal")
    line = line_of(text, "key: internal")
    assert (f"acme.yaml:{line}: vendors[0].key: 'internal' is reserved for your own staff: "
            "choose another vendor key") in problems(text)


@pytest.mark.parametrize(("score", "field"), [("6", "value_add"), ("0", "differentiation")])
def test_scores_outside_one_to_five(score: str, field: str) -> None:
    old = "value_add: 5" if field == "value_add" else "differentiation: 4"
    text = edit(old, f"{field}: {score}")
    line = line_of(text, f"{field}: {score}")
    assert only_problem(text) == (
        f"acme.yaml:{line}: components[0].{field}: {score} is out of range: use a number "
        "from 1 to 5"
    )


def test_contribution_total_is_a_warning_on_a_draft() -> None:
    text = edit("contribution: 40", "contribution: 30")
    doc = parse(text)
    line = line_of(text, "inventors:")
    assert doc.warnings == (
        f"acme.yaml:{line}: disclosures[0].inventors: inventors' contributions total 90%, "
        "they must total 100%",
    )


def test_contribution_total_is_an_error_on_a_submitted_disclosure() -> None:
    text = edit("contribution: 40", "contribution: 30")
    text = edit("    status: draft", "    status: submitted", text)
    line = line_of(text, "inventors:")
    assert only_problem(text) == (
        f"acme.yaml:{line}: disclosures[0].inventors: inventors' contributions total 90%, "
        "they must total 100%"
    )


def test_missing_summary_is_a_warning_on_a_draft_and_an_error_when_submitted() -> None:
    draft = edit("    summary: Start without Hall sensors.\n", "")
    start = line_of(draft, "key: FF-2026-0001")
    assert parse(draft).warnings == (
        f"acme.yaml:{start}: disclosures[0].summary: add a one-paragraph summary",
    )
    submitted = edit("    status: draft", "    status: submitted", draft)
    assert only_problem(submitted) == (
        f"acme.yaml:{start}: disclosures[0].summary: add a one-paragraph summary"
    )


def test_domain_date_rules_are_errors() -> None:
    text = edit("reduction_to_practice_date: 2026-04-01", "reduction_to_practice_date: 2026-02-01")
    line = line_of(text, "reduction_to_practice_date")
    assert only_problem(text) == (
        f"acme.yaml:{line}: disclosures[0].reduction_to_practice_date: reduction to practice "
        "cannot come before conception"
    )
    future = edit("conception_date: 2026-03-02", "conception_date: 2026-12-24")
    future = edit("reduction_to_practice_date: 2026-04-01", "reduction_to_practice_date: "
                  "2026-12-30", future)
    line = line_of(future, "conception_date")
    assert only_problem(future) == (
        f"acme.yaml:{line}: disclosures[0].conception_date: the conception date is in the "
        "future"
    )


def test_contribution_out_of_range_uses_the_domain_rule() -> None:
    text = edit("contribution: 60", "contribution: 160")
    found = problems(text)
    line = line_of(text, "contribution: 160")
    assert (f"acme.yaml:{line}: disclosures[0].inventors[0].contribution: use a percentage "
            "from 0 to 100") in found


def test_inventor_named_twice() -> None:
    text = edit("      - person: wli", "      - person: jdoe")
    line = [n for n, row in enumerate(text.splitlines(), 1) if "- person: jdoe" in row][1]
    assert (f"acme.yaml:{line}: disclosures[0].inventors[1]: 'jdoe' is named twice"
            in problems(text))


def test_bad_country_and_email() -> None:
    text = edit("country: CN", "country: China")
    text = edit("email: jane@acme.example", "email: jane at acme", text)
    found = problems(text)
    assert found == [
        f"acme.yaml:{line_of(text, 'country:')}: vendors[0].country: 'CHINA' is not a "
        "country code: use the two-letter ISO 3166 code, e.g. CN, MX, MY, US",
        f"acme.yaml:{line_of(text, 'email:')}: people[0].email: 'jane at acme' is not an "
        "email address",
    ]


def test_every_problem_is_reported_in_one_run() -> None:
    text = BASE
    for old, new in [
        ("format: firstfile/1\nengagement:\n  key: acme-2026",
         "format: firstfile/1\nengagement:\n  key: acme 2026"),
        ("value_add: 5", "value_add: 9"),
        ("    date: 2026-03-02", "    date: 2026-02-31"),
        ("facilitator: jdoe", "facilitator: jdo"),
        ("votes: 2", "vote: 2"),
        ("    title: Sensorless", "    titel: Sensorless"),
        ("      - person: wli", "      - person: wlee"),
        ("kind: vendor-disclosure-nda", "kind: nda"),
        ("key: FF-2026-0001", "key: FF-2026-1"),
    ]:
        text = edit(old, new, text)
    found = problems(text)
    expected_paths = [
        "engagement.key", "components[0].value_add", "sessions[0].date",
        "sessions[0].facilitator", "sessions[0].ideas[0].vote", "disclosures[0].key",
        "disclosures[0].title", "disclosures[0].titel", "disclosures[0].inventors[1].person",
        "disclosures[0].events[0].kind",
    ]
    for path in expected_paths:
        assert any(f": {path}: " in problem for problem in found), (path, found)
    assert len(found) == len(expected_paths)
    # reported in file order
    lines = [int(problem.split(":")[1]) for problem in found]
    assert lines == sorted(lines)


def test_top_level_must_be_a_mapping() -> None:
    assert only_problem("- just\n- a list\n") == "acme.yaml:1: expected a mapping, got a list"


def test_empty_file() -> None:
    assert only_problem("") == (
        "acme.yaml:1: the file is empty: expected 'format: firstfile/1' and an engagement"
    )


def test_yaml_syntax_error_names_its_line() -> None:
    text = edit("    country: CN", "    country: [CN")
    assert only_problem(text).startswith(f"acme.yaml:{line_of(text, 'competitors')}: not "
                                         "valid YAML: ")


def test_two_yaml_documents_are_refused() -> None:
    text = BASE + "---\n" + BASE
    line = line_of(text, "---")
    assert only_problem(text) == (
        f"acme.yaml:{line}: one engagement per file: found a second YAML document ('---')"
    )
