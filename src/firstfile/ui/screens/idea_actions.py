"""What the keys on the facilitation screen's idea list do: vote, merge, edit, tag, park, promote.

Each action reads the highlighted idea and hands one job to the screen's writer; the writer's
outcome (the whole session, redrawn) comes back to the screen like every other change. The
actions live on the screen (FacilitationScreen derives from IdeaActions) so the list's keys and
the command palette reach them by the same action names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from firstfile.domain import sessions as rules
from firstfile.domain.prompts import Prompt
from firstfile.domain.sessions import IdeaView, SessionView
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.widgets.session_dialogs import (
    NO_COMPONENT,
    SessionChoiceDialog,
    SessionTextDialog,
)
from firstfile.ui.widgets.session_ideas import SessionIdeaTable

if TYPE_CHECKING:
    from firstfile.storage.engine import Store
    from firstfile.ui.app import FirstfileApp


@dataclass
class Room:
    """Where the room is: who speaks, which prompt, which idea is marked for a merge."""

    participant: str = ""
    prompt_index: int = 0
    marked: int | None = None


def sessions_service() -> Any:
    """The sessions service, imported in the writer's thread only (it loads SQLAlchemy)."""
    from firstfile.services import sessions

    return sessions


class IdeaActions(Screen[None]):
    """The idea list's actions; the screen provides the session, the room and the writer."""

    view: SessionView | None
    prompts: list[Prompt]
    room: Room

    def submit(self, kind: str, call: Callable[[Store], Any]) -> int | None:
        """Queue a change for the writer (provided by the screen)."""
        raise NotImplementedError

    def show(self, view: SessionView) -> None:
        """Redraw the session (provided by the screen)."""
        raise NotImplementedError

    @property
    def firstfile_app(self) -> FirstfileApp:
        return self.app  # type: ignore[return-value]

    def actor(self) -> str:
        """Who the audit trail names for these changes."""
        return self.firstfile_app.settings.actor

    def _highlighted(self) -> IdeaView | None:
        idea_id = self.query_one(SessionIdeaTable).highlighted_id()
        if idea_id is None or self.view is None:
            self.notify("Highlight a saved idea in the list first", severity="warning")
            return None
        return self.view.idea(idea_id)

    def action_vote(self, delta: int) -> None:
        idea, person, actor = self._highlighted(), self.room.participant, self.actor()
        if idea is not None:
            self.submit("vote", lambda store: sessions_service().vote(
                store, idea.id, person, actor=actor, delta=delta))

    def action_merge(self) -> None:
        idea = self._highlighted()
        if idea is None or self.view is None:
            return
        marked = self.room.marked
        if marked is None or marked == idea.id:
            self.room.marked = None if marked == idea.id else idea.id
            if self.room.marked is not None:
                self.notify(f"#{idea.number} marked: press m on the idea it duplicates",
                            markup=False)
            self.show(self.view)
            return
        self.room.marked = None
        actor = self.actor()
        self.submit("merge", lambda store: sessions_service().merge_ideas(
            store, idea.id, marked, actor=actor))

    def action_unmerge(self) -> None:
        """Undo the last merge into the highlighted idea (merged ideas are not listed), after
        a confirmation naming the idea that comes back."""
        idea, view = self._highlighted(), self.view
        if idea is None or view is None:
            return
        merged = [i for i in view.ideas if i.merged_into == idea.id]
        if not merged:
            self.notify(f"Nothing was merged into #{idea.number}.", severity="warning")
            return
        numbers = ", ".join(f"#{i.number}" for i in merged)

        def answered(yes: bool | None) -> None:
            if yes:
                actor = self.actor()
                self.submit("unmerge", lambda store: sessions_service().unmerge_idea(
                    store, idea.id, actor=actor))

        self.app.push_screen(ConfirmDialog(
            f"Undo the last merge into #{idea.number} (merged into it: {numbers})? The idea "
            f"merged last comes back as it was, and #{idea.number} gets back its text, "
            "authors and dots from before.", yes="Undo the merge", no="Keep merged"), answered)

    def action_edit_idea(self) -> None:
        idea = self._highlighted()
        if idea is None:
            return

        def edited(text: str | None) -> None:
            if text is not None and text != idea.text:
                actor = self.actor()
                self.submit("edit", lambda store: sessions_service().edit_idea(
                    store, idea.id, text, actor=actor))

        self.app.push_screen(SessionTextDialog(f"Idea #{idea.number}", idea.text), edited)

    def action_tag_idea(self) -> None:
        idea, view = self._highlighted(), self.view
        if idea is None or view is None:
            return
        choices = [(NO_COMPONENT, "(no component)")] + [
            (key, f"{name} ({key})") for key, name, _kind in view.engagement_components]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            component, actor = "" if value == NO_COMPONENT else value, self.actor()
            self.submit("tag", lambda store: sessions_service().tag_idea(
                store, idea.id, component, actor=actor))

        self.app.push_screen(SessionChoiceDialog(f"Component of idea #{idea.number}", choices,
                                                 idea.component or NO_COMPONENT), chosen)

    def action_park(self) -> None:
        idea = self._highlighted()
        if idea is None:
            return
        parked, actor = idea.status != "parked", self.actor()
        self.submit("park", lambda store: sessions_service().park_idea(
            store, idea.id, actor=actor, parked=parked))

    def action_promote(self) -> None:
        idea = self._highlighted()
        if idea is not None and self.view is not None:
            self._promote_seen([idea], lambda store, titles, actor: [
                sessions_service().promote_idea(store, idea.id, actor=actor,
                                                prompt_titles=titles)])

    def _promote_seen(self, ideas: list[IdeaView],
                      promote: Callable[[Store, dict[str, str], str], list[str]]) -> None:
        """Promote, after showing any title shortened from an idea's text (before it is
        saved, not found later in the record)."""
        note = rules.shortened_title_note(ideas)
        if not note:
            self._promote(promote)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._promote(promote)

        what = "this title" if len(ideas) == 1 else "these titles"
        self.app.push_screen(ConfirmDialog(f"Promote with {what}?\n\n{note}",
                                           yes="Promote"), answered)

    def action_promote_top(self) -> None:
        if self.view is None:
            return
        session_id = self.view.id

        def answered(text: str | None) -> None:
            if text is None:
                return
            try:
                n = int(text.strip())
            except ValueError:
                self.notify("Type a number of ideas, such as 3", severity="warning")
                return
            chosen = rules.top_ideas(self.view.ideas, n) if self.view is not None else []
            self._promote_seen(chosen, lambda store, titles, actor: sessions_service()
                               .promote_top(store, session_id, n, actor=actor,
                                            prompt_titles=titles))

        self.app.push_screen(SessionTextDialog("Promote how many of the top ideas?",
                                               str(rules.DEFAULT_TOP)), answered)

    def _promote(self, promote: Callable[[Store, dict[str, str], str], list[str]]) -> None:
        assert self.view is not None
        titles = {p.id: p.title for p in self.prompts}
        session_id, actor = self.view.id, self.actor()

        def call(store: Store) -> tuple[list[str], SessionView]:
            keys = promote(store, titles, actor)
            return keys, sessions_service().session_by_id(store, session_id)

        self.submit("promote", call)
