"""The screens that belong to one engagement, offered in the command palette by name.

The outsourcing-risk, filing-strategy and tracer screens hang off an engagement; without this
a user on home had to open the engagement first. The palette offers, for every engagement,
"Outsourcing risk: NAME", "Filing strategy: NAME" and "Tracers: NAME"; typing part of a name
filters them. The engagements are read in a thread when the palette opens (the event loop
never waits on the database). Names are user text: shown cleaned, never read as markup.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.screen import ModalScreen

from firstfile.domain.text import clean_line

if TYPE_CHECKING:
    from firstfile.domain.views import EngagementView

# view -> (palette title before the engagement's name, help line)
VIEWS: dict[str, tuple[str, str]] = {
    "risk": (
        "Outsourcing risk",
        "What to keep in-house, what each vendor sees, the best split across vendors",
    ),
    "strategy": ("Filing strategy", "Where to file and by when, per disclosure"),
    "tracers": ("Tracers", "The tracer register: a distinct code per vendor"),
}


def view_title(view: str, engagement: EngagementView) -> str:
    """The palette title of one engagement's view, e.g. "Outsourcing risk: AQ-7 (aq7-...)"."""
    return f"{VIEWS[view][0]}: {clean_line(engagement.name)} ({engagement.key})"


class EngagementViewsProvider(Provider):
    """Palette entries opening an engagement's risk, strategy or tracer screen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._engagements: list[EngagementView] = []

    async def startup(self) -> None:
        if isinstance(self.screen, ModalScreen):
            return  # finish or cancel the dialog first, as for the app's own commands
        from firstfile.services.directory import list_engagements

        app: Any = self.app
        try:
            self._engagements = await asyncio.to_thread(
                lambda: list_engagements(app.wait_store(timeout=10))
            )
        except Exception:  # noqa: BLE001 - no database, no entries: the palette still works
            self._engagements = []

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app: Any = self.app
        for engagement in self._engagements:
            for view, (_, help_line) in VIEWS.items():
                title = view_title(view, engagement)
                score = matcher.match(title)
                if score <= 0:
                    continue
                # Matcher.highlight reads its text as markup: only plain titles get it.
                shown = matcher.highlight(title) if "[" not in title else Content(title)
                yield Hit(
                    score,
                    shown,
                    partial(app.open_engagement_view, view, engagement.key),
                    text=title,
                    help=help_line,
                )
