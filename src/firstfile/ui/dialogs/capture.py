"""Quick capture: log an invention from anywhere in under thirty seconds.

Title, one-paragraph summary, inventors, engagement; ctrl+s saves. The fields are autosaved
under the owner "capture" while typing (services/buffer_sync.py numbers each write, so a slow
one never brings back a capture that was saved or discarded), so if the app dies mid-capture
they are offered back the next time quick capture opens.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection
from textual.worker import Worker

from firstfile.domain.disclosure import (
    DisclosureDraft,
    InventorEntry,
    Problem,
    errors,
    even_split,
    validate,
)
from firstfile.domain.vocabulary import INTERNAL
from firstfile.services.buffer_sync import BufferChange, BufferSync
from firstfile.ui.dialogs.choice import ConfirmDialog
from firstfile.ui.widgets.steady_select import SteadySelect

__all__ = ["QuickCaptureScreen", "even_split", "person_label"]

if TYPE_CHECKING:
    from firstfile.services.directory import PersonChoice
    from firstfile.ui.app import FirstfileApp

AUTOSAVE_DELAY = 1.5  # seconds after typing stops; the brief allows losing at most ~3 s
AUTOSAVE_CHECK = 0.25  # how often that is checked: a keystroke only notes the time
CAPTURE_OWNER = "capture"  # the same value as services.drafts.CAPTURE_OWNER (not imported:
# that module loads SQLAlchemy, which must stay off the event loop's import path)


def person_label(person: PersonChoice) -> Text:
    """How a person is offered: name, then their organisation; vendor staff stand out."""
    label = Text(person.name)
    if person.is_vendor:
        label.append("  ")
        label.append(f"{person.organization_name or person.organization} (vendor)",
                     style="bold yellow")
    else:
        label.append("  own staff", style="dim")
    return label


class QuickCaptureScreen(ModalScreen[str | None]):
    """A modal that logs a disclosure; dismisses with the new key, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="firstfile.capture.save",
                tooltip="Log the invention"),
        Binding("escape", "cancel", "Cancel", id="firstfile.capture.cancel"),
    ]

    app: FirstfileApp

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self._people: dict[str, PersonChoice] = {}
        self._chosen: list[str] = []  # person keys, in the order they were picked
        self._vendors: list[tuple[str, str]] = []
        self._engagement_keys: list[str] = []
        # The actor is the app's, known once the dialog is mounted (on_mount sets it).
        self._sync = BufferSync(CAPTURE_OWNER, actor="", delay=AUTOSAVE_DELAY,
                                keeps_nothing=lambda payload: not _has_content(payload))
        self._saving = False
        self._ready = False

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="capture"):
            yield Static("Log an invention", id="capture-title-bar")
            with Horizontal(classes="row"):
                yield Static("Title", classes="label")
                with Vertical(classes="field-col"):
                    yield Input(placeholder="ten words or fewer", id="capture-title",
                                compact=True)
                    yield Static(classes="msg", id="msg-title")
            with Horizontal(classes="row"):
                yield Static("Summary", classes="label")
                with Vertical(classes="field-col"):
                    yield TextArea(id="capture-summary", compact=True)
                    yield Static(classes="msg", id="msg-summary")
            with Horizontal(classes="row"):
                yield Static("Inventors", classes="label")
                with Vertical(classes="field-col"):
                    yield Input(placeholder="type to filter, enter picks", id="capture-filter",
                                compact=True)
                    yield SelectionList[str](id="capture-people", compact=True)
                    yield Static("", id="capture-picked")
                    yield Static(classes="msg", id="msg-inventors")
            with Horizontal(classes="row"):
                yield Static("Engagement", classes="label")
                with Vertical(classes="field-col"):
                    yield SteadySelect[str]([], prompt="(none)", id="capture-engagement",
                                            compact=True)
                    yield Static(classes="msg", id="msg-engagement")
            with Horizontal(classes="row"):
                yield Static("New person", classes="label")
                yield Input(placeholder="name, if not in the list", id="new-person-name",
                            compact=True)
                yield SteadySelect[str]([("own staff", INTERNAL)], allow_blank=False,
                                        value=INTERNAL, id="new-person-org", compact=True)
                yield Button("Add", id="new-person-add", compact=True)
            yield Static(classes="msg", id="msg-form")
            yield Static("ctrl+s save   esc cancel   tab next field   space picks a person",
                         id="capture-keys")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.report_failed_worker(event)

    def on_mount(self) -> None:
        self._sync.actor = self.app.settings.actor
        self.query_one("#capture-title", Input).focus()
        self._load()
        self.set_interval(AUTOSAVE_CHECK, self._autosave_due, name="capture-autosave")

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="capture-load")
    def _load(self) -> None:
        from firstfile.services import directory, drafts, remembered

        try:
            store = self.app.wait_store()
            people = directory.list_people(store)
            engagements = [(e.key, e.name) for e in directory.list_engagements(store)]
            vendors = directory.list_vendors(store)
            buffer = drafts.load_buffer(store, CAPTURE_OWNER, actor=self.app.settings.actor)
            last = remembered.last_engagement(self.app.settings.state_dir, store.url)
        except Exception as exc:  # any failure: a worker's own error would end it unseen
            self.app.call_from_thread(self._show_form_message, f"Cannot load: {exc}", "error")
            return
        self.app.call_from_thread(self._loaded, people, engagements, vendors, buffer, last)

    def _loaded(
        self,
        people: list[PersonChoice],
        engagements: list[tuple[str, str]],
        vendors: list[tuple[str, str]],
        buffer: tuple[dict[str, Any], Any] | None,
        last: str = "",
    ) -> None:
        self._people = {p.key: p for p in people}
        self._vendors = vendors
        self.query_one("#new-person-org", Select).set_options(
            [("own staff", INTERNAL), *((Content(name), key) for key, name in vendors)]
        )
        select = self.query_one("#capture-engagement", Select)
        # rich Text, literal like Content, but the kind the open list searches as it is
        # typed into (Textual skips Content prompts): "shen" finds bms48-shenzhen.
        select.set_options([(Text(f"{key}  {name}"), key) for key, name in engagements])
        keys = [key for key, _ in engagements]
        self._engagement_keys = keys
        # Used in this run, else the last one used on this database in an earlier run.
        remembered = self.app.last_capture_engagement or last
        if remembered in keys:
            select.value = remembered
        elif len(keys) == 1:
            select.value = keys[0]
        self._chosen = [k for k in self.app.last_capture_inventors if k in self._people]
        self._refill_people()
        self._ready = True
        if buffer is not None and _has_content(buffer[0]):
            payload, saved_at = buffer
            when = saved_at.astimezone().strftime("%H:%M")

            def answered(restore: bool | None) -> None:
                if restore:
                    self._apply_payload(payload)
                    self.notify(f"Restored the unfinished capture from {when}")
                else:
                    self._clear_buffer(self._sync.entered())

            self._sync.restored(payload)  # the buffer holds it until Restore or Discard
            self.app.push_screen(
                ConfirmDialog(f"An unfinished capture from {when} was found "
                              f"({payload.get('title') or 'untitled'}). Restore it?",
                              yes="Restore", no="Discard"),
                answered,
            )

    def _apply_payload(self, payload: dict[str, Any]) -> None:
        self.query_one("#capture-title", Input).value = str(payload.get("title", ""))
        self.query_one("#capture-summary", TextArea).text = str(payload.get("summary", ""))
        chosen = payload.get("inventors", [])
        if isinstance(chosen, list):
            self._chosen = [str(k) for k in chosen if str(k) in self._people]
            self._refill_people()
        engagement = str(payload.get("engagement", ""))
        select = self.query_one("#capture-engagement", Select)
        if engagement in self._engagement_keys:
            select.value = engagement
        self._sync.restored(payload)

    # --- people picker ---------------------------------------------------------------------

    def _refill_people(self) -> None:
        """Show the people matching the filter; picked people stay picked and come first."""
        self._show_picked()
        words = self.query_one("#capture-filter", Input).value.lower().split()
        picker = self.query_one("#capture-people", SelectionList)
        picker.clear_options()
        ordered = [self._people[k] for k in self._chosen if k in self._people]
        ordered += [p for p in self._people.values() if p.key not in self._chosen]
        for person in ordered:
            haystack = f"{person.name} {person.key} {person.organization_name}".lower()
            if all(word in haystack for word in words):
                picker.add_option(
                    Selection(person_label(person), person.key, person.key in self._chosen)
                )

    def _show_picked(self) -> None:
        """Who is named, in order, with the even split they will be saved with."""
        line = Text("Named: ", style="bold")
        if not self._chosen:
            line.append("nobody yet", style="dim")
        shares = even_split(len(self._chosen))
        for index, (key, share) in enumerate(zip(self._chosen, shares, strict=True)):
            person = self._people.get(key)
            line.append(", " if index else "")
            line.append(person.name if person else key)
            line.append(f" {share:g}%", style="dim")
        self.query_one("#capture-picked", Static).update(line)

    def on_selection_list_selection_toggled(
        self, event: SelectionList.SelectionToggled[str]
    ) -> None:
        event.stop()
        key = event.selection.value
        if key in self._chosen:
            self._chosen.remove(key)
        else:
            self._chosen.append(key)
        self._show_picked()
        self._changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "capture-filter":
            self._refill_people()
        self._changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "capture-title":
            self.query_one("#capture-summary", TextArea).focus()
        elif event.input.id == "capture-filter":
            self._pick_first_match()
        elif event.input.id == "new-person-name":
            self._add_person()

    def _pick_first_match(self) -> None:
        """Enter in the filter picks the highlighted (or only) match and clears the filter."""
        if not self.query_one("#capture-filter", Input).value.strip():
            # nothing typed: enter moves on, so enter-enter never picks someone by accident
            self.query_one("#capture-engagement", Select).focus()
            return
        picker = self.query_one("#capture-people", SelectionList)
        if picker.option_count == 0:
            return
        index = picker.highlighted if picker.highlighted is not None else 0
        picker.toggle(picker.get_option_at_index(index).value)
        self.query_one("#capture-filter", Input).value = ""

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._changed()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new-person-add":
            event.stop()
            self._add_person()

    def _add_person(self) -> None:
        name = self.query_one("#new-person-name", Input).value.strip()
        if not name:
            self._show_field_messages([Problem("form", "type the new person's name first",
                                               "warning")])
            self.query_one("#new-person-name", Input).focus()
            return
        organization = self.query_one("#new-person-org", Select).value
        self._add_person_worker(name, str(organization) if organization else INTERNAL)

    @work(thread=True, exclusive=True, exit_on_error=False, group="capture-person")
    def _add_person_worker(self, name: str, organization: str) -> None:
        from firstfile.services import directory
        from firstfile.services.errors import UserError

        try:
            person = directory.add_person(self.app.wait_store(), name,
                                          organization=organization,
                                          actor=self.app.settings.actor)
        except UserError as exc:
            self.app.call_from_thread(self._show_form_message, str(exc), "error")
            return
        self.app.call_from_thread(self._person_added, person)

    def _person_added(self, person: PersonChoice) -> None:
        self._people[person.key] = person
        if person.key not in self._chosen:
            self._chosen.append(person.key)
        self.query_one("#new-person-name", Input).value = ""
        self.query_one("#capture-filter", Input).value = ""
        self._refill_people()
        self._show_form_message("", "")
        self.notify(Text(f"Added {person.name} ({person.key})").plain, markup=False)
        self._changed()

    # --- form ------------------------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        """What is on screen, as the autosave buffer stores it."""
        engagement = self.query_one("#capture-engagement", Select).value
        return {
            "title": self.query_one("#capture-title", Input).value,
            "summary": self.query_one("#capture-summary", TextArea).text,
            "inventors": list(self._chosen),
            "engagement": engagement if isinstance(engagement, str) else "",
        }

    def draft(self) -> DisclosureDraft:
        payload = self.payload()
        shares = even_split(len(self._chosen))
        return DisclosureDraft(
            title=payload["title"],
            summary=payload["summary"],
            engagement_key=payload["engagement"],
            inventors=tuple(
                InventorEntry(key, "inventor", share)
                for key, share in zip(self._chosen, shares, strict=True)
            ),
        )

    def has_unsaved_changes(self) -> bool:
        return _has_content(self.payload()) and not self._saving

    def unsaved_label(self) -> str:
        return "Quick capture"

    def _changed(self) -> None:
        if self._ready:
            self._sync.changed(self.payload())

    def _autosave_due(self) -> None:
        if not self._saving and self._sync.due():
            change = self._sync.change()
            if change is not None:
                self._write_buffer(change)

    @work(thread=True, exclusive=False, exit_on_error=False, group="capture-autosave")
    def _write_buffer(self, change: BufferChange) -> None:
        try:
            change(self.app.wait_store())
        except Exception as exc:  # any failure: the text stays in the dialog and is retried
            self.app.call_from_thread(self.notify, f"Autosave failed: {exc}",
                                      severity="warning", markup=False)

    def _clear_buffer(self, clear: BufferChange | None,
                      then: Callable[[], None] | None = None) -> None:
        """Forget the buffer in an app-level worker, so it finishes after this modal closes."""
        app = self.app
        if clear is None:  # nothing was buffered
            if then is not None:
                then()
            return

        def run() -> None:
            try:
                clear(app.wait_store())
            finally:
                if then is not None:
                    app.call_from_thread(then)

        app.run_worker(run, thread=True, group="capture-clear", exit_on_error=False)

    # --- actions ---------------------------------------------------------------------------

    def action_save(self) -> None:
        self._save(None)

    def save_then(self, after: Callable[[], None]) -> None:
        self._save(after)

    def discard_then(self, after: Callable[[], None]) -> None:
        self._saving = True  # no more autosaves
        self.dismiss(None)
        self._clear_buffer(self._sync.entered(), after)

    def action_cancel(self) -> None:
        if not self.has_unsaved_changes():
            self._saving = True
            self.dismiss(None)
            self._clear_buffer(self._sync.entered())
            return
        self.app.leave_screens([self], lambda: None)

    def _save(self, after: Callable[[], None] | None) -> None:
        if self._saving:
            return
        draft = self.draft()
        problems = validate(draft)
        self._show_field_messages(problems)
        if errors(problems):
            self.query_one(f"#capture-{_focus_target(errors(problems)[0].field)}").focus()
            return
        self._saving = True
        self._show_form_message("Saving...", "warning")
        # Numbered now, so an autosave still in flight cannot bring the buffer back.
        self._create(draft, self._sync.entered(), after)

    @work(thread=True, exclusive=True, exit_on_error=False, group="capture-save")
    def _create(self, draft: DisclosureDraft, clear: BufferChange | None,
                after: Callable[[], None] | None) -> None:
        from firstfile.services import disclosures
        from firstfile.services.errors import UserError, ValidationFailed

        try:
            store = self.app.wait_store()
            view = disclosures.create_disclosure(store, draft, actor=self.app.settings.actor)
        except ValidationFailed as exc:
            self.app.call_from_thread(self._save_failed, exc.problems)
            return
        except (UserError, RuntimeError) as exc:
            self.app.call_from_thread(self._save_failed, [Problem("form", str(exc))])
            return
        from firstfile.storage.engine import StoreError

        # The record is saved; a buffer left behind holds the same text and is dropped
        # when it is next found, so failing to clear it is not worth an error.
        if clear is not None:
            with suppress(StoreError):
                clear(store)
        from firstfile.services import remembered

        remembered.remember_engagement(self.app.settings.state_dir, store.url,
                                       draft.engagement_key)
        self.app.call_from_thread(self._created, view.key, draft, after)

    def _save_failed(self, problems: list[Problem]) -> None:
        self._saving = False
        self._show_field_messages(problems)
        self._changed()  # not saved: what is on screen is buffered again

    def _created(self, key: str, draft: DisclosureDraft,
                 after: Callable[[], None] | None) -> None:
        self.app.last_capture_engagement = draft.engagement_key
        self.app.last_capture_inventors = tuple(e.person_key for e in draft.inventors)
        missing = [what for what, absent in (("a summary", not draft.summary.strip()),
                                             ("an inventor", not draft.inventors)) if absent]
        if missing:  # a draft may lack them; counsel may not: said now, not at submission
            self.notify(f"Logged {key} without {' and without '.join(missing)}: add "
                        f"{' and '.join(missing)} in the editor before submitting.",
                        title="Invention logged", severity="warning", markup=False,
                        timeout=10)
        else:
            self.notify(f"Logged {key}: {draft.title}", title="Invention logged",
                        markup=False)
        self.dismiss(key)
        if after is not None:
            after()

    # --- messages --------------------------------------------------------------------------

    def _show_field_messages(self, problems: list[Problem]) -> None:
        grouped: dict[str, list[Problem]] = {}
        for problem in problems:
            name = problem.field.split("[")[0].split(".")[0]
            if name not in ("title", "summary", "inventors", "engagement"):
                name = "form"
            grouped.setdefault(name, []).append(problem)
        for name in ("title", "summary", "inventors", "engagement", "form"):
            found = grouped.get(name, [])
            severity = "error" if errors(found) else ("warning" if found else "")
            self._set_message(f"#msg-{name}", "; ".join(p.message for p in found), severity)

    def _show_form_message(self, message: str, severity: str) -> None:
        self._set_message("#msg-form", message, severity)

    def _set_message(self, selector: str, message: str, severity: str) -> None:
        widget = self.query_one(selector, Static)
        widget.update(Content(message))
        widget.set_class(severity == "error", "-error")
        widget.set_class(severity == "warning", "-warning")


def _has_content(payload: dict[str, Any]) -> bool:
    return bool(str(payload.get("title", "")).strip() or str(payload.get("summary", "")).strip())


def _focus_target(field: str) -> str:
    return {"title": "title", "summary": "summary", "inventors": "filter"}.get(
        field.split("[")[0], "title"
    )
