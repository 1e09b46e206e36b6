"""Names firstfile writes into PostgreSQL's role DDL: checked before any statement is built."""

from __future__ import annotations

import pytest

from firstfile.storage.team_roles import MAX_NAME, TeamSetupError, check_name, group_names


def test_group_roles_are_the_prefix_and_the_team_role() -> None:
    assert group_names("acme") == {
        "engineer": "acme_engineer",
        "facilitator": "acme_facilitator",
        "counsel": "acme_counsel",
        "admin": "acme_admin",
    }


def test_the_longest_group_name_still_fits_postgresql() -> None:
    longest = "p" * (MAX_NAME - len("_facilitator"))
    assert len(group_names(longest)["facilitator"]) == MAX_NAME
    with pytest.raises(TeamSetupError, match="give at most 51 characters with --role-prefix"):
        group_names(longest + "p")


@pytest.mark.parametrize(
    "name", ["", "Acme", "1team", "acme-prod", 'a"b', "a b", "a;drop", "é", "x" * 64]
)
def test_names_that_would_need_quoting_or_be_cut_are_refused(name: str) -> None:
    with pytest.raises(TeamSetupError, match="lower-case letters, digits and underscores"):
        check_name(name, what="a PostgreSQL login name")


@pytest.mark.parametrize("name", ["maria", "_ops", "ada_2", "x" * 63])
def test_plain_names_pass(name: str) -> None:
    assert check_name(name, what="a PostgreSQL login name") == name
