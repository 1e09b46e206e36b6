"""Changing a session's set-up after it was created: the set-up form, filled in from the
session, with its engagement and key fixed (they name it).

Saving writes the change (services.sessions.update_setup, in a thread worker) and goes back
to the room, which shows the session as saved. The service keeps in the room everyone who
raised an idea or placed a dot; what it refuses is listed at the top of the form, kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from textual import work
from textual.message import Message
from textual.widgets import Input, Select, SelectionList

from firstfile.domain.sessions import SessionSetup, SessionView
from firstfile.ui.screens.session_setup import (
    ChoicesLoaded,
    ComponentsLoaded,
    Refused,
    SessionSetupScreen,
)


@dataclass
class SetupSaved(Message):
    view: SessionView
    after: Callable[[], None] | None = None  # saved on the way out: where to go next


def setup_of(view: SessionView) -> SessionSetup:
    """The set-up a session has now, as the form edits it."""
    return SessionSetup(
        engagement_key=view.engagement_key, key=view.key, title=view.title, phase=view.phase,
        facilitator=view.facilitator, held_on=view.held_on or date.today(), goal=view.goal,
        participants=tuple(p.key for p in view.participants), components=view.components,
        decks=view.decks, time_box_minutes=view.time_box_minutes,
        prompt_minutes=view.prompt_minutes, dots_per_participant=view.dots_per_participant)


class SessionEditScreen(SessionSetupScreen):
    """The set-up form over the room; saved(view) is called with the saved session."""

    TITLE = "Session set-up"
    PHASE_FROM_ENGAGEMENT = False

    def __init__(self, view: SessionView, saved: Callable[[SessionView], None]) -> None:
        super().__init__(view.engagement_key)
        self.session = view
        self.original = setup_of(view)
        self._saved = saved

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = self.session.ref
        key = self.query_one("#setup-key", Input)
        key.value = self.session.key
        key.disabled = True
        self.query_one("#setup-engagement", Select).disabled = True
        self.query_one("#setup-title", Input).focus()

    def on_choices_loaded(self, message: ChoicesLoaded) -> None:
        super().on_choices_loaded(message)
        # After the lists have taken their new options (and their first selections).
        self.call_after_refresh(self._fill_in)

    def _fill_in(self) -> None:
        s = self.original
        self.query_one("#setup-title", Input).value = s.title
        self.query_one("#setup-phase", Select).value = s.phase
        self.query_one("#setup-date", Input).value = s.held_on.isoformat()
        self.query_one("#setup-goal", Input).value = s.goal
        self.query_one("#setup-facilitator", Select).value = s.facilitator
        participants = self.query_one("#setup-participants", SelectionList)
        for key in s.participants:
            participants.select(key)
        self._decks_picked = True  # the session's decks, whatever the time box says
        decks = self.query_one("#setup-decks", SelectionList)
        decks.deselect_all()
        for name in s.decks:
            decks.select(name)
        for selector, number in (("#setup-time-box", s.time_box_minutes),
                                 ("#setup-prompt-minutes", s.prompt_minutes),
                                 ("#setup-dots", s.dots_per_participant)):
            self.query_one(selector, Input).value = str(number)

    def on_components_loaded(self, message: ComponentsLoaded) -> None:
        super().on_components_loaded(message)
        self.call_after_refresh(self._fill_in_focus)

    def _fill_in_focus(self) -> None:
        components = self.query_one("#setup-components", SelectionList)
        for key in self.original.components:
            components.select(key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="setup-create")
    def _create(self, setup: SessionSetup, after: Callable[[], None] | None) -> None:
        from firstfile.services import sessions
        from firstfile.services.errors import UserError, ValidationFailed

        try:
            store = self.firstfile_app.wait_store()
            view = sessions.update_setup(store, self.session.id, setup,
                                         actor=self.firstfile_app.settings.actor)
        except ValidationFailed as error:
            self.post_message(Refused("\n".join(p.message for p in error.problems)))
            return
        except (UserError, RuntimeError) as error:
            self.post_message(Refused(str(error)))
            return
        self.post_message(SetupSaved(view, after))

    def on_setup_saved(self, message: SetupSaved) -> None:
        self._creating = False
        self.original = setup_of(message.view)
        self.notify(f"Saved the set-up of {message.view.ref}", markup=False)
        self._saved(message.view)
        if message.after is not None:
            message.after()
        elif self.app.screen is self:
            self.app.pop_screen()

    def has_unsaved_changes(self) -> bool:
        """The form differs from the session's set-up (the order people and components
        were picked in aside)."""
        current = self.setup()
        return isinstance(current, SessionSetup) and _same(current) != _same(self.original)


def _same(setup: SessionSetup) -> SessionSetup:
    return replace(setup, participants=tuple(sorted(setup.participants)),
                   components=tuple(sorted(setup.components)))
