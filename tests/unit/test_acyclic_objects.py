"""The cycle collector is paused while a file is read and resumed as it was afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from firstfile.interchange.acyclic import acyclic_objects
from firstfile.interchange.problems import InterchangeError
from firstfile.interchange.reader import parse_document


@pytest.fixture(autouse=True)
def collector_back_on() -> Iterator[None]:
    yield
    gc.enable()


def test_it_is_paused_inside_and_back_on_afterwards_even_after_an_error() -> None:
    assert gc.isenabled()
    with acyclic_objects():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(InterchangeError):
        parse_document("format: firstfile/1\nengagement: [", "bad.yaml")
    assert gc.isenabled()


def test_a_collector_already_paused_stays_paused() -> None:
    gc.disable()
    with acyclic_objects():
        assert not gc.isenabled()
    assert not gc.isenabled()
