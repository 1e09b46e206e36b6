"""Setting up an extraction session: engagement, phase, goal, room, focus, decks, time box.

Saving (ctrl+s) creates the session and opens the facilitation screen on it. The people, the
engagement's components and the decks are loaded in a thread worker; nothing here touches the
database on the event loop.

The screen is Guarded (see ui/app.py): a form with something typed or picked is unsaved work.
Saving it on the way out creates the session (when the form is valid) and then goes where the
user was going; a form that cannot be saved stays, with what to fix shown above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker

from firstfile.domain.sessions import SessionSetup, decks_that_fit, prompts_that_fit
from firstfile.domain.vocabulary import INTERNAL, PHASES
from firstfile.ui.commands import Command, bindings
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.widgets.steady_select import SteadySelect

if TYPE_CHECKING:
    from firstfile.ui.app import FirstfileApp

SETUP_COMMANDS: tuple[Command, ...] = (
    Command("session-create", "ctrl+s", "create", "Create the session",
            "Save the set-up and open the facilitation screen", "Create", priority=True),
    Command("session-setup-back", "escape", "back", "Back", "Leave without creating",
            "Back"),
)


@dataclass(frozen=True)
class EngagementChoice:
    key: str
    name: str
    phase: str
    vendors: tuple[str, ...]  # vendor keys: their staff are the engagement's people


@dataclass(frozen=True)
class PersonOption:
    key: str
    name: str
    organization: str  # "internal" or a vendor key
    organization_name: str

    @property
    def is_vendor(self) -> bool:
        return self.organization != INTERNAL


@dataclass
class ChoicesLoaded(Message):
    engagements: list[EngagementChoice]
    people: list[PersonOption]
    decks: list[tuple[str, str, int]]  # name, title, number of prompts


@dataclass
class ComponentsLoaded(Message):
    engagement: str
    components: list[tuple[str, str, str]]


@dataclass
class Created(Message):
    ref: str
    # What to do once created, when the session was saved on the way out of the form; None:
    # open the facilitation screen on it.
    after: Callable[[], None] | None = None


@dataclass
class Refused(Message):
    error: str


def _divider(label: str) -> Selection[str]:
    """A line between the engagement's people and everyone else; it cannot be selected."""
    return Selection(Text(f"— {label} —", style="dim"), "", False, None, True)


class SessionSetupScreen(Screen[None]):
    """A form for a new extraction session; engagement_key pre-selects the engagement."""

    TITLE = "New extraction session"
    DEFAULT_CSS = """
    SessionSetupScreen VerticalScroll { padding: 0 1; }
    SessionSetupScreen Label { margin-top: 1; }
    SessionSetupScreen SelectionList { height: auto; max-height: 8; }
    SessionSetupScreen #setup-problems { color: $error; }
    """
    BINDINGS: ClassVar = bindings(SETUP_COMMANDS)
    FIRSTFILE_COMMANDS = SETUP_COMMANDS
    # The cursor starts in the form, not on the scrolling container around it (Textual's
    # default), so typing works at once; on_mount moves it on to the key when the engagement
    # is already chosen.
    AUTO_FOCUS = "#setup-engagement"

    # What counts as work typed into the form: the engagement, phase, date, numbers and decks
    # come filled in, so changing only those is not worth a question on the way out.
    TYPED_FIELDS = ("#setup-key", "#setup-title", "#setup-goal")
    # A new session takes the engagement's phase; a session being edited keeps its own.
    PHASE_FROM_ENGAGEMENT = True
    PICKED_LISTS = ("#setup-participants", "#setup-components")

    def __init__(self, engagement_key: str = "") -> None:
        super().__init__()
        self.engagement_key = engagement_key
        self.created_ref: str | None = None  # set once the session exists
        self._creating = False
        # Asked to save on the way out while ctrl+s was already creating the session: where
        # to go once that is done.
        self._after_create: Callable[[], None] | None = None
        self._engagements: dict[str, EngagementChoice] = {}
        self._people: list[PersonOption] = []
        self._decks: list[tuple[str, str, int]] = []
        # Once the user picks decks by hand, a changed time box no longer re-picks them.
        self._decks_picked = False
        # People outside the engagement the user confirmed, with the engagement's key.
        self._confirmed_outsiders: set[tuple[str, str]] = set()

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(""), id="setup-problems")
            yield Label("Engagement")
            yield SteadySelect[str]((), prompt="Choose the engagement", id="setup-engagement")
            yield Label("Session key (short, e.g. pre-1)")
            yield Input(placeholder="pre-1", id="setup-key")
            yield Label("Title")
            yield Input(placeholder="What will the vendor improve before we do?",
                        id="setup-title")
            yield Label("Phase")
            yield SteadySelect[str]([(Text(p), p) for p in PHASES], value="pre",
                                    allow_blank=False, id="setup-phase")
            yield Label("Date (YYYY-MM-DD)")
            yield Input(date.today().isoformat(), id="setup-date")
            yield Label("Goal")
            yield Input(placeholder="What the room should come out with", id="setup-goal")
            yield Label("Facilitator")
            yield SteadySelect[str]((), prompt="Who runs the session", id="setup-facilitator")
            # One line at 80 columns; the divider in the list says the rest.
            yield Label("Participants: the engagement's people first (space selects)")
            yield SelectionList[str](id="setup-participants")
            yield Label("Components in focus")
            yield SelectionList[str](id="setup-components")
            yield Label("Prompt decks, walked in this order")
            yield SelectionList[str](id="setup-decks")
            yield Static(Text(""), id="setup-deck-fit")
            yield Label("Time box (minutes)")
            yield Input("60", id="setup-time-box", type="integer")
            yield Label("Minutes per prompt")
            yield Input("5", id="setup-prompt-minutes", type="integer")
            yield Label("Dots per participant")
            yield Input("3", id="setup-dots", type="integer")
        yield Footer()

    @property
    def firstfile_app(self) -> FirstfileApp:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        if self.engagement_key:
            self.query_one("#setup-key", Input).focus()
        self._load_choices()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.firstfile_app.report_failed_worker(event)

    @work(thread=True, exclusive=True, exit_on_error=False, group="setup-load")
    def _load_choices(self) -> None:
        from firstfile.domain.prompts import order_for_session
        from firstfile.services import directory
        from firstfile.services.prompt_decks import load_decks

        store = self.firstfile_app.wait_store()
        vendors = directory.engagement_vendor_keys(store)
        engagements = [EngagementChoice(e.key, e.name, e.phase, vendors.get(e.key, ()))
                       for e in directory.list_engagements(store)]
        people = [PersonOption(p.key, p.name, p.organization, p.organization_name)
                  for p in directory.list_people(store)]
        loaded = load_decks(self.firstfile_app.settings.template_dirs)
        self.post_message(ChoicesLoaded(
            engagements, people,
            [(d.name, d.title, len(order_for_session([d]))) for d in loaded.decks]))

    def on_choices_loaded(self, message: ChoicesLoaded) -> None:
        self._engagements = {e.key: e for e in message.engagements}
        self._people = message.people
        engagement = self.query_one("#setup-engagement", Select)
        engagement.set_options([(Text(f"{e.name} ({e.key})"), e.key)
                                for e in message.engagements])
        if self.engagement_key in self._engagements:
            engagement.value = self.engagement_key
        self.query_one("#setup-facilitator", Select).set_options(
            [(Text(self._person_label(p)), p.key) for p in message.people])
        self._show_participants()
        self._decks = message.decks
        decks = self.query_one("#setup-decks", SelectionList)
        decks.clear_options()
        fitting = set(self._fitting_decks())
        decks.add_options([(Text(f"{title} ({name}, {count} prompts)"), name, name in fitting)
                           for name, title, count in message.decks])
        self._show_deck_fit()

    # --- the room: the engagement's people first ---------------------------------------------

    def _chosen_engagement(self) -> EngagementChoice | None:
        picked = self.query_one("#setup-engagement", Select).value
        return self._engagements.get(picked) if isinstance(picked, str) else None

    def _outsider(self, person: PersonOption) -> bool:
        """Vendor staff of a vendor that is not on the chosen engagement."""
        engagement = self._chosen_engagement()
        return person.is_vendor and (engagement is None
                                     or person.organization not in engagement.vendors)

    @staticmethod
    def _person_label(person: PersonOption) -> str:
        return f"{person.name} ({person.organization_name or 'own staff'})"

    def _show_participants(self) -> None:
        """Own staff and the engagement's vendors' staff first; then, below a divider, the
        staff of other vendors, each named with the vendor they work for."""
        participants = self.query_one("#setup-participants", SelectionList)
        selected = set(participants.selected)
        engagement = self._chosen_engagement()
        inside = [p for p in self._people if not self._outsider(p)]
        outside = [p for p in self._people if self._outsider(p)]
        inside.sort(key=lambda p: p.is_vendor)  # own staff first; sort() keeps name order
        participants.clear_options()
        participants.add_options([
            (Text(self._person_label(p) + ("  VENDOR" if p.is_vendor else "")), p.key,
             p.key in selected) for p in inside])
        if outside:
            where = engagement.key if engagement else "the engagement"
            participants.add_option(_divider(f"not on {where}: asks before adding"))
            participants.add_options([
                (Text(f"{p.name} (VENDOR: {p.organization_name or p.organization}, "
                      "not on this engagement)", style="yellow"), p.key, p.key in selected)
                for p in outside])

    @on(SelectionList.SelectionToggled, "#setup-participants")
    def _participant_toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        key = event.selection.value
        person = next((p for p in self._people if p.key == key), None)
        engagement = self._chosen_engagement()
        participants = self.query_one("#setup-participants", SelectionList)
        if person is None or key not in participants.selected or not self._outsider(person):
            return
        where = engagement.key if engagement else ""
        if (where, key) in self._confirmed_outsiders:
            return
        vendor = person.organization_name or person.organization
        on_engagement = (f"which is not a vendor on {where}" if engagement
                         else "and no engagement is chosen yet")
        question = (f"{person.name} works for {vendor}, {on_engagement}. An idea they "
                    "contribute would make a disclosure joint with that vendor. Add them to "
                    "the room?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._confirmed_outsiders.add((where, key))
            else:
                participants.deselect(key)

        self.app.push_screen(ConfirmDialog(question, yes="Add", no="Leave out"), answered)

    # --- decks that fit the time box ---------------------------------------------------------

    def _minutes(self) -> tuple[int, int]:
        numbers = []
        for selector, default in (("#setup-time-box", 60), ("#setup-prompt-minutes", 5)):
            try:
                numbers.append(int(self.query_one(selector, Input).value.strip()))
            except ValueError:
                numbers.append(default)
        return numbers[0], numbers[1]

    def _fitting_decks(self) -> tuple[str, ...]:
        return decks_that_fit([(name, count) for name, _title, count in self._decks],
                              *self._minutes())

    def _show_deck_fit(self) -> None:
        counts = {name: count for name, _title, count in self._decks}
        chosen = sum(counts.get(name, 0)
                     for name in self.query_one("#setup-decks", SelectionList).selected)
        time_box, per_prompt = self._minutes()
        fit = prompts_that_fit(time_box, per_prompt)
        line = Text(f"{chosen} prompts chosen; {fit} fit {time_box} minutes at {per_prompt} "
                    "a prompt")
        if chosen > fit:
            line.append("  (more than the time box holds)", style="yellow")
        self.query_one("#setup-deck-fit", Static).update(line)

    @on(SelectionList.SelectionToggled, "#setup-decks")
    def _deck_toggled(self) -> None:
        self._decks_picked = True

    @on(SelectionList.SelectedChanged, "#setup-decks")
    def _decks_changed(self) -> None:
        self._show_deck_fit()

    @on(Input.Changed, "#setup-time-box, #setup-prompt-minutes")
    def _time_box_changed(self) -> None:
        if not self._decks:
            return
        if not self._decks_picked:
            decks = self.query_one("#setup-decks", SelectionList)
            decks.deselect_all()
            for name in self._fitting_decks():
                decks.select(name)
        self._show_deck_fit()

    @on(Select.Changed, "#setup-engagement")
    def _engagement_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._load_components(event.value)
            engagement = self._engagements.get(event.value)
            # A session's phase is the engagement's, unless the facilitator says otherwise.
            if engagement is not None and self.PHASE_FROM_ENGAGEMENT:
                phase = "post" if engagement.phase == "closed" else engagement.phase
                if phase in PHASES:
                    self.query_one("#setup-phase", Select).value = phase
            self._show_participants()

    @work(thread=True, exclusive=True, exit_on_error=False, group="setup-components")
    def _load_components(self, engagement: str) -> None:
        from firstfile.services import sessions

        store = self.firstfile_app.wait_store()
        self.post_message(ComponentsLoaded(engagement,
                                           sessions.components_of(store, engagement)))

    def on_components_loaded(self, message: ComponentsLoaded) -> None:
        components = self.query_one("#setup-components", SelectionList)
        components.clear_options()
        components.add_options([(Text(f"{name} ({key}, {kind or 'no kind'})"), key)
                                for key, name, kind in message.components])

    def setup(self) -> SessionSetup | str:
        """The set-up as typed, or what to fix first when a number or date cannot be read."""
        def value(selector: str) -> str:
            return self.query_one(selector, Input).value.strip()

        def chosen(selector: str) -> str:
            picked = self.query_one(selector, Select).value
            return picked if isinstance(picked, str) else ""

        try:
            held_on = date.fromisoformat(value("#setup-date"))
        except ValueError:
            return "date: write it as YYYY-MM-DD"
        try:
            numbers = [int(value(s) or "0") for s in
                       ("#setup-time-box", "#setup-prompt-minutes", "#setup-dots")]
        except ValueError:
            return "time box, minutes per prompt and dots are whole numbers"
        return SessionSetup(
            engagement_key=chosen("#setup-engagement"), key=value("#setup-key"),
            title=value("#setup-title"), phase=chosen("#setup-phase"),
            facilitator=chosen("#setup-facilitator"), held_on=held_on,
            goal=value("#setup-goal"),
            participants=tuple(key for key in
                               self.query_one("#setup-participants", SelectionList).selected
                               if key),
            components=tuple(self.query_one("#setup-components", SelectionList).selected),
            decks=tuple(self.query_one("#setup-decks", SelectionList).selected),
            time_box_minutes=numbers[0], prompt_minutes=numbers[1],
            dots_per_participant=numbers[2],
        )

    def action_create(self) -> None:
        self._save(None)

    def _save(self, after: Callable[[], None] | None) -> None:
        """Create the session when the form is valid; else show what to fix, keeping it."""
        if self._creating:
            if after is not None:
                self._after_create = after
            return
        if self.created_ref is not None:  # created already: nothing is left to save
            if after is not None:
                after()
            return
        setup = self.setup()
        if isinstance(setup, str):
            self._refuse(setup)
            return
        self._creating = True
        self._create(setup, after)

    @work(thread=True, exclusive=True, exit_on_error=False, group="setup-create")
    def _create(self, setup: SessionSetup, after: Callable[[], None] | None) -> None:
        from firstfile.services import sessions
        from firstfile.services.errors import UserError, ValidationFailed

        try:
            store = self.firstfile_app.wait_store()
            view = sessions.create_session(store, setup, actor=self.firstfile_app.settings.actor)
        except ValidationFailed as error:
            self.post_message(Refused("\n".join(p.message for p in error.problems)))
            return
        except (UserError, RuntimeError) as error:
            self.post_message(Refused(str(error)))
            return
        self.post_message(Created(view.ref, after))

    def on_refused(self, message: Refused) -> None:
        self._creating = False
        self._after_create = None  # not saved: the user stays on the form
        self._refuse(message.error)

    def _refuse(self, error: str) -> None:
        self.query_one("#setup-problems", Static).update(Text(error))
        self.query_one(VerticalScroll).scroll_home(animate=False)
        self.notify("Not created: fix what is listed at the top of the form (it is kept).",
                    severity="warning")

    def on_created(self, message: Created) -> None:
        from firstfile.ui.screens.facilitation import FacilitationScreen

        self._creating = False
        self.created_ref = message.ref
        after = message.after or self._after_create
        self._after_create = None
        if after is not None:
            self.notify(f"Created the session {message.ref}", markup=False)
            after()
        elif self.app.screen is self:
            self.app.switch_screen(FacilitationScreen(message.ref))
        else:  # a dialog came up meanwhile: switching would replace it, not this form
            self.notify(f"Created the session {message.ref}", markup=False)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # --- Guarded protocol (ui/app.py) ---------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        """Something typed (key, title, goal) or picked (people, components), not yet created."""
        if self.created_ref is not None:
            return False
        try:
            typed = any(self.query_one(f, Input).value.strip() for f in self.TYPED_FIELDS)
            picked = any(self.query_one(f, SelectionList).selected for f in self.PICKED_LISTS)
        except NoMatches:  # not composed yet, or already gone: nothing typed
            return False
        return typed or picked

    def unsaved_label(self) -> str:
        return "The new session's set-up"

    def save_then(self, after: Callable[[], None]) -> None:
        """Create the session, then call after(); a form that is not valid stays, with what
        to fix shown, and after() is not called."""
        self._save(after)

    def discard_then(self, after: Callable[[], None]) -> None:
        after()
