"""Prompt decks for directed invention brainstorming, as plain data.

Before an engagement, technologists and counsel walk prompt decks (TRIZ, SCAMPER, design-around,
the problems a contract manufacturer will meet) to anticipate the improvements a vendor would
make, so the company can disclose them first (seed article, "Extract and file IP before
outsourcing"; REFERENCE.md section 5). Reading the deck files is the loader's job; this module
only holds the shapes and the order in which a session walks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Prompt:
    """One question put to the room, with a stable id that disclosures can refer back to."""

    id: str
    deck: str
    title: str
    question: str
    # Which kinds of component the prompt speaks to (pcb, firmware, ...); empty means any.
    component_kinds: tuple[str, ...] = ()
    example: str = ""

    def is_tied_to(self, kinds: Iterable[str]) -> bool:
        """True when the prompt names any of kinds among its component kinds."""
        return not set(self.component_kinds).isdisjoint(kinds)


@dataclass(frozen=True, slots=True)
class Deck:
    """A named, ordered set of prompts and the published source they come from."""

    name: str
    title: str
    source: str
    prompts: tuple[Prompt, ...] = ()


def order_for_session(
    decks: Iterable[Deck], focus_kinds: set[str] | None = None
) -> list[Prompt]:
    """Every prompt of decks, in the order a brainstorming session should walk them.

    Without a focus the decks are walked in the order given, each in its own order. With a
    focus (say {"firmware"} because firmware is what the vendor will touch), prompts tied to a
    focused kind come first, then the general prompts that name no kind (they apply to every
    component), then the prompts tied only to other kinds. Within each group the deck order is
    kept, and no prompt is ever dropped: a session may skip a prompt, the ordering may not.
    """
    walked = [prompt for deck in decks for prompt in deck.prompts]
    focus = {kind.strip().lower() for kind in focus_kinds or ()} - {""}
    if not focus:
        return walked

    def group(prompt: Prompt) -> int:
        if prompt.is_tied_to(focus):
            return 0
        if not prompt.component_kinds:
            return 1
        return 2

    # sorted() is stable, so each group keeps the deck order.
    return sorted(walked, key=group)
