"""The disclosure editor: every field, in sections, with autosave.

What is on screen is kept as a plain "form" dict (field name -> raw text), so the autosave
buffer can hold exactly what was typed, including a half-typed or impossible date. A second
or two after typing stops the form is written to the user's own DraftBuffer row (owner
"edit:<KEY>"); ctrl+s turns the form into a DisclosureDraft, saves it with the version it was
based on, and clears the buffer. Opening a disclosure restores its buffer (one that names the
version it was typed on is restored even when the record changed since: saving it then shows
both versions, ui/dialogs/conflict.py).

The inventor moves a disclosure between draft and submitted here; every later status is
counsel's, moved through the review queue with the workflow's checks (services/counsel.py),
so past submitted the status, who acts next and the decision are shown read-only. The
engagement's cross-checks that concern this disclosure (a joint invention whose vendor has
not agreed joint-IP ownership) are shown under the status line. Counsel's internal reviewer
notes are never shown here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    LoadingIndicator,
    Select,
    Static,
    TextArea,
)
from textual.widgets.select import InvalidSelectValueError
from textual.worker import Worker

from firstfile.domain.disclosure import (
    DisclosureDraft,
    InventorEntry,
    Problem,
    errors,
    even_split,
    validate,
)
from firstfile.domain.vocabulary import PHASES, ROLES
from firstfile.domain.workflow import decision_label, next_actor, status_label
from firstfile.ui.commands import EDITOR_COMMANDS, bindings
from firstfile.ui.dialogs.choice import ConfirmDialog, FolderDialog
from firstfile.ui.dialogs.conflict import MERGE, TAKE_THEIRS, ConflictChoice, ConflictDialog
from firstfile.ui.form_merge import differences, merged

if TYPE_CHECKING:
    from firstfile.domain.checklist import Flag
    from firstfile.domain.views import DisclosureView
    from firstfile.domain.workflow import ReviewState
    from firstfile.services.directory import PersonChoice
    from firstfile.ui.app import FirstfileApp

AUTOSAVE_DELAY = 1.5  # seconds after the last keystroke; at most ~3 s of typing can be lost
DEFAULT_EXPORT_FOLDER = "~/firstfile-exports"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# (field name, label, kind). Kinds: line (Input), text (TextArea), date (Input, YYYY-MM-DD),
# engagement / phase / status (Select), yesno (Select: no, yes), tristate (unknown, yes, no).
SECTIONS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("Summary", (
        ("title", "Title", "line"),
        ("summary", "Summary (one paragraph)", "text"),
        ("engagement_key", "Engagement", "engagement"),
        ("phase", "Phase", "phase"),
        ("status", "Status", "status"),
        ("submitter", "Submitter", "line"),
        ("business_unit", "Business unit", "line"),
    )),
    ("People", ()),
    ("Invention", (
        ("problem", "Problem solved", "text"),
        ("description", "Description", "text"),
        ("variants", "Variants and alternatives", "text"),
        ("advantages", "Advantages", "text"),
        ("prior_art", "Known prior art", "text"),
    )),
    ("Dates & records", (
        ("conception_date", "Conception date", "date"),
        ("reduction_to_practice_date", "Reduced to practice", "date"),
        ("prototype_exists", "Prototype exists", "yesno"),
        ("records_location", "Where the records are", "text"),
    )),
    ("Exposure", (
        ("third_parties", "Third parties who saw it", "text"),
        ("jurisdictions", "Jurisdictions", "line"),
        ("reverse_engineerable", "Reverse engineerable", "tristate"),
        ("completed_in_china", "Completed in China", "yesno"),
        ("made_in_us", "Made (partly) in the US", "yesno"),
    )),
)
# The statuses an inventor sets in the editor; the later ones are counsel's (review queue).
EDITOR_STATUSES: tuple[str, ...] = ("draft", "submitted")
SELECT_OPTIONS: dict[str, list[tuple[str, str]]] = {
    "phase": [(p, p) for p in PHASES],
    "status": [(status_label(s), s) for s in EDITOR_STATUSES],
    "yesno": [("no", "no"), ("yes", "yes")],
    "tristate": [("unknown", ""), ("yes", "yes"), ("no", "no")],
}
FIELDS: tuple[tuple[str, str, str], ...] = tuple(f for _, group in SECTIONS for f in group)
_MESSAGE_FIELDS = {name for name, _, _ in FIELDS} | {"inventors"}
CONFLICT_FIELDS: tuple[tuple[str, str], ...] = (
    *((name, label) for name, label, _ in FIELDS), ("inventors", "People"),
    ("components", "Components"),
)


# --- the form: plain data, no widgets ---------------------------------------------------------

def draft_to_form(draft: DisclosureDraft) -> dict[str, Any]:
    """The editor's raw form values for a draft."""
    form: dict[str, Any] = {}
    for name, _, kind in FIELDS:
        value = getattr(draft, name)
        if kind == "date":
            form[name] = value.isoformat() if value else ""
        elif kind == "yesno":
            form[name] = "yes" if value else "no"
        elif kind == "tristate":
            form[name] = "" if value is None else ("yes" if value else "no")
        else:
            form[name] = value or ""
    form["inventors"] = [
        {"person": e.person_key, "role": e.role,
         "contribution": "" if e.contribution is None else f"{e.contribution:g}"}
        for e in draft.inventors
    ]
    form["components"] = list(draft.components)
    return form


def form_to_draft(form: dict[str, Any]) -> tuple[DisclosureDraft, list[Problem]]:
    """A draft from raw form values, and the problems found reading them (bad dates etc.).

    A value that cannot be read (2026-02-30) is left empty in the draft and reported as an
    error, so the record is never saved with it.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name, label, kind in FIELDS:
        raw = form.get(name, "")
        raw = raw if isinstance(raw, str) else str(raw)
        if kind == "date":
            values[name] = _read_date(name, label, raw.strip(), problems)
        elif kind == "yesno":
            values[name] = raw == "yes"
        elif kind == "tristate":
            values[name] = None if raw not in ("yes", "no") else raw == "yes"
        else:
            values[name] = raw
    if not values["status"]:
        values["status"] = "draft"
    inventors: list[InventorEntry] = []
    for index, entry in enumerate(form.get("inventors", [])):
        contribution: float | None = None
        text = str(entry.get("contribution", "")).strip().rstrip("%").strip()
        if text:
            try:
                contribution = float(text)
            except ValueError:
                problems.append(Problem(f"inventors[{index}].contribution",
                                        f"{text!r} is not a percentage"))
        inventors.append(InventorEntry(str(entry.get("person", "")),
                                       str(entry.get("role", "inventor")), contribution))
    draft = DisclosureDraft(
        inventors=tuple(inventors),
        components=tuple(str(c) for c in form.get("components", [])),
        **values,
    )
    return draft, problems


def _read_date(name: str, label: str, raw: str, problems: list[Problem]) -> date | None:
    if not raw:
        return None
    try:
        if not _ISO_DATE.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(Problem(name, f"{raw!r} is not a date; write it as YYYY-MM-DD "
                                      f"({label.lower()} not saved)"))
        return None


def message_field(problem_field: str) -> str:
    """The form field a problem belongs to: "inventors[1].role" -> "inventors"."""
    name = problem_field.split("[")[0].split(".")[0]
    return name if name in _MESSAGE_FIELDS else "form"


# --- widgets ----------------------------------------------------------------------------------

class InventorRow(Horizontal):
    """One person on the disclosure: who, their role and their contribution."""

    def __init__(self, person_key: str, label: Text, role: str, contribution: str) -> None:
        super().__init__(classes="inventor-row")
        self.person_key = person_key
        self._label = label
        self._role = role
        self._contribution = contribution

    def compose(self) -> ComposeResult:
        yield Static(self._label, classes="who")
        yield Select[str]([(r, r) for r in ROLES], value=self._role, allow_blank=False,
                          compact=True, classes="role")
        yield Input(self._contribution, placeholder="%", compact=True, classes="share",
                    restrict=r"[0-9.,%]*")
        yield Button("del", compact=True, classes="remove", tooltip="Remove this person")

    def entry(self) -> dict[str, str]:
        """The row as form data; the initial values until its widgets are mounted."""
        roles = self.query(".role").results(Select)
        shares = self.query(".share").results(Input)
        role_widget, share_widget = next(roles, None), next(shares, None)
        role = role_widget.value if role_widget is not None else self._role
        share = share_widget.value if share_widget is not None else self._contribution
        return {"person": self.person_key, "role": role if isinstance(role, str) else "inventor",
                "contribution": share}


class EditorScreen(Screen[None]):
    """Edit one disclosure. Implements the app's Guarded protocol (asks before leaving)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(EDITOR_COMMANDS)
    FIRSTFILE_COMMANDS = EDITOR_COMMANDS
    AUTOSAVE_RETRY: ClassVar[float] = 5.0  # seconds between tries while autosave fails

    app: FirstfileApp  # type: ignore[assignment]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.disclosure_key = key
        self.owner = f"edit:{key}"  # services.drafts.editor_owner, without importing it
        self._view: DisclosureView | None = None
        self._expected_version: int | None = None
        self._clean_form: dict[str, Any] | None = None
        # The form of the version the edits started from, kept in the autosave buffer: what
        # a clash with another save is measured against (which side changed a field).
        self._base_form: dict[str, Any] | None = None
        self._buffered_form: dict[str, Any] | None = None
        self._people: dict[str, PersonChoice] = {}
        self._engagement_options: list[tuple[Content, str]] = []
        self._affiliations: dict[str, tuple[str, str, bool]] = {}  # key -> name, org, vendor
        self._timer: Timer | None = None
        self._saving = False
        self._discarded = False
        self._autosave_failing = False  # the last buffer write failed; a retry is scheduled
        self._save_problem = ""  # what the last failed save said, until a save works

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(self.disclosure_key), id="editor-status")
        yield Static("", id="editor-workflow")
        yield Static("", id="editor-flags")
        yield Static("", id="editor-notice")
        yield LoadingIndicator(id="editor-loading")
        with VerticalScroll(id="editor-form", can_focus=False):
            for section, fields in SECTIONS:
                yield Static(section, classes="section-title")
                if section == "People":
                    yield Vertical(id="inventor-rows", classes="field")
                    yield Select[str]([], prompt="add a person...", id="f-add-inventor",
                                      compact=True)
                    yield Static(classes="msg", id="msg-inventors")
                for name, label, kind in fields:
                    yield from self._field(name, label, kind)
            yield Static(classes="msg", id="msg-form")
        yield Footer()

    def _field(self, name: str, label: str, kind: str) -> ComposeResult:
        widget: Widget
        if kind == "text":
            widget = TextArea(id=f"f-{name}", compact=True)
            yield Vertical(Static(label, classes="label wide"), widget, classes="field")
        else:
            if kind in ("line", "date"):
                widget = Input(id=f"f-{name}", compact=True,
                               placeholder="YYYY-MM-DD" if kind == "date" else "")
            else:
                options = SELECT_OPTIONS.get(kind, [])
                blank = kind in ("engagement", "phase")
                widget = Select[str](
                    options, prompt="(none)" if kind == "engagement" else "(not set)",
                    allow_blank=blank, value=Select.NULL if blank else options[0][1],
                    id=f"f-{name}", compact=True,
                )
            yield Horizontal(Static(label, classes="label"), widget, classes="inline field")
        yield Static(classes="msg", id=f"msg-{name}")

    def on_mount(self) -> None:
        self.sub_title = self.disclosure_key
        self._load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.report_failed_worker(event)

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="editor-load")
    def _load(self) -> None:
        from firstfile.services import directory, disclosures, drafts
        from firstfile.services.errors import UserError
        from firstfile.storage.engine import StoreError

        try:
            store = self.app.wait_store()
            view = disclosures.get_disclosure(store, self.disclosure_key)
            people = directory.list_people(store)
            engagements = [(e.key, e.name) for e in directory.list_engagements(store)]
            buffer = drafts.load_buffer(store, self.owner, actor=self.app.settings.actor)
        except (UserError, StoreError, RuntimeError) as exc:
            self.app.call_from_thread(self._load_failed, str(exc))
            return
        self._load_context_in(store)
        newer = False
        if buffer is not None:
            updated = view.updated_at
            newer = updated is None or buffer[1] > drafts.as_utc(updated)
        self.app.call_from_thread(self._loaded, view, people, engagements, buffer, newer)

    @work(thread=True, exclusive=True, exit_on_error=False, group="editor-context")
    def _load_context(self) -> None:
        """Where the disclosure stands with counsel and its cross-check flags, again (after a
        save: the engagement or the inventors may have changed)."""
        try:
            store = self.app.wait_store()
        except RuntimeError:
            return
        self._load_context_in(store)

    def _load_context_in(self, store: Any) -> None:
        from firstfile.services import counsel, engagements
        from firstfile.services.errors import UserError

        try:
            state: ReviewState | None = counsel.review_state(store, self.disclosure_key)
        except UserError:
            state = None
        try:
            flags: list[Flag] | str = engagements.disclosure_flags(
                store, self.disclosure_key, templates_dir=self.app.settings.templates_dir)
        except Exception as exc:  # a broken checklist file must not stop the editing
            flags = f"Cannot run the engagement's cross-checks: {exc}"
        self.app.call_from_thread(self._show_context, state, flags)

    def _show_context(self, state: ReviewState | None, flags: list[Flag] | str) -> None:
        workflow = self.query_one("#editor-workflow", Static)
        if state is not None and state.status not in EDITOR_STATUSES:
            # The status itself is on the status line and in the (locked) status field.
            actor = next_actor(state.status, state.decision)
            line = Text("next: ", style="bold")
            line.append(actor or "nobody (finished)")
            if state.decision:
                line.append("   decision: ", style="bold")
                line.append(decision_label(state.decision))
                if state.decided_on:
                    line.append(f" ({state.decided_on.isoformat()})")
            workflow.update(line)
        workflow.display = state is not None and state.status not in EDITOR_STATUSES
        shown = self.query_one("#editor-flags", Static)
        if isinstance(flags, str):
            shown.update(Text(flags, style="bold red"))
        else:
            text = Text()
            for flag in flags:
                text.append("FLAG ", style="bold yellow")
                text.append(flag.message)
                text.append("\n")
            text.rstrip()
            shown.update(text)
        shown.display = bool(flags)

    def _show_form(self) -> None:
        # A widget of its own rather than `loading`: toggling `loading` before the form has
        # finished mounting can leave the indicator covering it.
        self.query_one("#editor-loading").display = False
        self.query_one("#editor-form").display = True

    def _load_failed(self, message: str) -> None:
        self.query_one("#editor-loading").display = False
        self._notice(f"Cannot open {self.disclosure_key}: {message}", "error")

    def _loaded(
        self,
        view: DisclosureView,
        people: list[PersonChoice],
        engagements: list[tuple[str, str]],
        buffer: tuple[dict[str, Any], datetime] | None,
        newer: bool,
    ) -> None:
        from firstfile.services.disclosures import view_to_draft  # already imported by the worker

        self._people = {p.key: p for p in people}
        self._affiliations = {
            p.key: (p.name, p.organization_name or p.organization, p.is_vendor) for p in people
        }
        for person in view.inventors:  # the affiliation at conception wins
            self._affiliations[person.person_key] = (
                person.name, person.organization_name or person.organization, person.is_vendor
            )
        self._engagement_options = [(Content(f"{key}  {name}"), key) for key, name in engagements]
        self.query_one("#f-engagement_key", Select).set_options(self._engagement_options)
        self.query_one("#f-add-inventor", Select).set_options(
            [(_person_text(p.name, p.organization_name or p.organization, p.is_vendor), p.key)
             for p in people]
        )
        self._set_view(view)
        self._fill(draft_to_form(view_to_draft(view)))
        self._clean_form = self._base_form = self._read_form()
        if buffer is not None:
            payload, saved_at = buffer
            form = payload.get("form")
            when = saved_at.astimezone().strftime("%H:%M")
            if not isinstance(form, dict) or form == self._clean_form:
                self._clear_buffer()  # nothing in it that is not saved already
            elif newer or isinstance(payload.get("base_version"), int):
                # With the version it was typed on, a buffer is restored even when the
                # record changed since: saving it then shows both versions side by side.
                self._fill(form)
                base = payload.get("base_version")
                self._expected_version = base if isinstance(base, int) else view.version
                if isinstance(payload.get("base_form"), dict):
                    self._base_form = payload["base_form"]
                self._buffered_form = self._read_form()
                changed = ("" if self._expected_version == view.version else
                           f" The record was changed since (now version {view.version}): "
                           "ctrl+s shows both versions.")
                self._notice(f"Restored unsaved changes from {when}.{changed} ctrl+s saves "
                             "them; leaving offers to discard them.", "info")
            else:
                self._notice(f"Unsaved changes from {when} are older than the saved record "
                             "and were not applied.", "info")
        self._show_form()
        self.query_one("#f-title", Input).focus()
        self._show_problems(self._problems())
        self.refresh_bindings()

    def _set_view(self, view: DisclosureView) -> None:
        self._view = view
        self._expected_version = view.version
        self._lock_status()
        self._update_status()

    # --- reading and filling the form ------------------------------------------------------

    async def _refill(self, form: dict[str, Any]) -> None:
        """Fill the form with another version and wait until its people rows are in place
        (read before that, the form would still hold the old rows)."""
        await self.query_one("#inventor-rows", Vertical).remove_children()
        await self._fill(form)

    def _fill(self, form: dict[str, Any]) -> AwaitMount:
        for name, _, kind in FIELDS:
            value = form.get(name, "")
            value = value if isinstance(value, str) else str(value)
            if kind == "status":
                value = self._status_to_show(value)
            widget = self.query_one(f"#f-{name}")
            if isinstance(widget, TextArea):
                widget.text = value
            elif isinstance(widget, Input):
                widget.value = value
            elif isinstance(widget, Select):
                if value or kind in ("tristate",):
                    self._set_select(widget, kind, value)
                else:
                    widget.clear()
        rows = self.query_one("#inventor-rows", Vertical)
        rows.remove_children()
        mounted = rows.mount_all(
            InventorRow(str(e.get("person", "")), self._who(str(e.get("person", ""))),
                        str(e.get("role", "inventor")), str(e.get("contribution", "")))
            for e in form.get("inventors", [])
        )
        self._components = [str(c) for c in form.get("components", [])]
        self._update_status()
        return mounted

    def _status_to_show(self, value: str) -> str:
        """The record's own status once counsel holds it, or when a restored form names one
        the editor does not offer: only counsel moves it further (through the review queue)."""
        recorded = self._view.status if self._view is not None else "draft"
        if recorded not in EDITOR_STATUSES or value not in EDITOR_STATUSES:
            return recorded
        return value

    def _lock_status(self) -> None:
        """Past submitted the status field shows the status and cannot be changed."""
        widget = self.query_one("#f-status", Select)
        locked = self._view is not None and self._view.status not in EDITOR_STATUSES
        if locked and self._view is not None:
            self._set_select(widget, "status", self._view.status)
        widget.disabled = locked
        widget.tooltip = ("Counsel moves this status in the review queue" if locked else
                          "Draft while you write; submitted when it is ready for counsel")

    def _set_select(self, widget: Select[str], kind: str, value: str) -> None:
        """Select value, keeping a value the list does not offer (a status added later, an
        engagement renamed since an autosave) rather than dropping it."""
        try:
            widget.value = value
        except InvalidSelectValueError:
            known = self._engagement_options if kind == "engagement" else [
                (Content(label), option) for label, option in SELECT_OPTIONS.get(kind, [])
            ]
            shown = status_label(value) if kind == "status" else value
            widget.set_options([*known, (Content(shown), value)])
            widget.value = value

    def _read_form(self) -> dict[str, Any]:
        form: dict[str, Any] = {}
        for name, _, _ in FIELDS:
            widget = self.query_one(f"#f-{name}")
            if isinstance(widget, TextArea):
                form[name] = widget.text
            elif isinstance(widget, Input):
                form[name] = widget.value
            elif isinstance(widget, Select):
                form[name] = widget.value if isinstance(widget.value, str) else ""
        form["inventors"] = [row.entry() for row in self._rows()]
        form["components"] = list(getattr(self, "_components", []))
        return form

    def _rows(self) -> list[InventorRow]:
        return list(self.query_one("#inventor-rows").query_children(InventorRow))

    def _who(self, person_key: str) -> Text:
        name, organization, vendor = self._affiliations.get(person_key, (person_key, "", False))
        return _person_text(name, organization, vendor)

    def _problems(self) -> list[Problem]:
        draft, problems = form_to_draft(self._read_form())
        return problems + validate(draft)

    # --- changes and autosave --------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._changed()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "f-add-inventor":
            event.stop()
            if isinstance(event.value, str):
                self._add_inventor(event.value)
                event.select.clear()
            return
        self._changed()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        row = next((a for a in event.button.ancestors if isinstance(a, InventorRow)), None)
        if row is not None:
            event.stop()
            row.remove()
            self.call_after_refresh(self._changed)

    def _add_inventor(self, person_key: str) -> None:
        if any(row.person_key == person_key for row in self._rows()):
            self.notify("That person is already named", severity="warning")
            return
        before = [row.entry() for row in self._rows()]
        rows = self.query_one("#inventor-rows", Vertical)
        rows.mount(InventorRow(person_key, self._who(person_key), "inventor", ""))
        # Keep an even split while nobody has adjusted it by hand; a lone inventor gets 100.
        inventors = [e for e in before if e["role"] == "inventor"]
        shares = [e["contribution"] for e in inventors]
        if shares in ([], [""] * len(shares), [f"{s:g}" for s in even_split(len(shares))]):
            self.call_after_refresh(self._split_evenly)
        self.call_after_refresh(self._changed)

    def _split_evenly(self) -> None:
        rows = [row for row in self._rows() if row.entry()["role"] == "inventor"]
        for row, share in zip(rows, even_split(len(rows)), strict=True):
            row.query_one(".share", Input).value = f"{share:g}"

    def _changed(self) -> None:
        if self._clean_form is None:
            return  # still filling the form from the record
        self._update_status()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        if self._clean_form is None or self._discarded:
            return
        form = self._read_form()
        self._show_problems(self._problems())
        if form == self._buffered_form:
            return
        if form == self._clean_form:
            if self._buffered_form is not None:
                self._buffered_form = None
                self._clear_buffer()
            return
        self._buffered_form = form
        self._write_buffer(form, self._expected_version, self._base_form)

    @work(thread=True, exclusive=True, exit_on_error=False, group="editor-autosave")
    def _write_buffer(self, form: dict[str, Any], base_version: int | None,
                      base_form: dict[str, Any] | None) -> None:
        from firstfile.services import drafts

        try:
            drafts.save_buffer(self.app.wait_store(), self.owner, self.disclosure_key,
                               {"form": form, "base_version": base_version,
                                "base_form": base_form},
                               actor=self.app.settings.actor)
        except Exception as exc:  # whatever it was, the text stays on screen and is retried
            self.app.call_from_thread(self._autosave_failed, form, str(exc))
            return
        self.app.call_from_thread(self._autosave_works)

    def _autosave_failed(self, form: dict[str, Any], message: str) -> None:
        if self._buffered_form == form:
            self._buffered_form = None  # not written: the retry writes it again
        if not self._autosave_failing:  # said once, next to what a failed save said
            self._autosave_failing = True
            self._notice(" ".join(filter(None, (
                self._save_problem,
                f"Autosave failed: {message}. Your text is kept on screen; autosave tries "
                f"again every {self.AUTOSAVE_RETRY:g} s."))), "error")
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.AUTOSAVE_RETRY, self._autosave)

    def _autosave_works(self) -> None:
        if self._autosave_failing:
            self._autosave_failing = False
            self._notice("Autosaved again: your text is safe from a crash"
                         + ("; ctrl+s saves it." if self._save_problem else "."), "info")

    def _clear_buffer(self, then: Callable[[], None] | None = None) -> None:
        """Clear in an app-level worker: it must finish even when this screen is closing."""
        app, owner, actor = self.app, self.owner, self.app.settings.actor

        def clear() -> None:
            from firstfile.services import drafts

            try:
                drafts.clear_buffer(app.wait_store(), owner, actor=actor)
            finally:
                if then is not None:
                    app.call_from_thread(then)

        app.run_worker(clear, thread=True, group="editor-clear", exit_on_error=False)

    # --- Guarded protocol ------------------------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        if self._clean_form is None or self._discarded:
            return False
        return self._read_form() != self._clean_form

    def unsaved_label(self) -> str:
        return self.disclosure_key

    def save_then(self, after: Callable[[], None]) -> None:
        self._save(after)

    def discard_then(self, after: Callable[[], None]) -> None:
        self._discarded = True
        if self._timer is not None:
            self._timer.stop()
        self._clear_buffer(after)

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "export", "delete", "restore", "history") and self._view is None:
            return False
        if action == "delete":
            return self._view is not None and not self._view.deleted
        if action == "restore":
            return self._view is not None and self._view.deleted
        return True

    def action_back(self) -> None:
        def close() -> None:
            self.dismiss(None)

        self.app.leave_screens([self], close)

    def action_save(self) -> None:
        self._save(None)

    def _save(self, after: Callable[[], None] | None, settled: str = "") -> None:
        """Save the form; settled says how a clash with another save was settled (the
        audit record keeps it)."""
        if self._saving or self._view is None:
            return
        form = self._read_form()
        draft, problems = form_to_draft(form)
        problems += validate(draft)
        self._show_problems(problems)
        if errors(problems):
            self._notice("Not saved: fix the fields marked in red (your text is kept).",
                         "error")
            return
        if self._view.status not in EDITOR_STATUSES:
            # counsel's status stays as it is; the editor never moves it
            draft = replace(draft, status=self._view.status)
        self._saving = True
        submitting = draft.status == "submitted" and self._view.status != "submitted"
        self._save_worker(form, draft, self._expected_version, after, settled, submitting)

    @work(thread=True, exclusive=True, exit_on_error=False, group="editor-save")
    def _save_worker(self, form: dict[str, Any], draft: DisclosureDraft,
                     expected_version: int | None, after: Callable[[], None] | None,
                     settled: str, submitting: bool = False) -> None:
        from firstfile.domain.views import DisclosureView
        from firstfile.services import disclosures, drafts
        from firstfile.services.errors import Conflict, UserError, ValidationFailed
        from firstfile.storage.engine import StoreError

        try:
            store = self.app.wait_store()
            view = disclosures.update_disclosure(
                store, self.disclosure_key, draft, actor=self.app.settings.actor,
                expected_version=expected_version, over_conflict=settled,
            )
        except ValidationFailed as exc:
            self.app.call_from_thread(self._save_failed, exc.problems, "")
            return
        except Conflict as exc:
            if isinstance(exc.current, DisclosureView):
                self.app.call_from_thread(self._conflicted, form, exc.current, after)
            else:
                self.app.call_from_thread(self._save_failed, [], f"Not saved: {exc}.")
            return
        except (UserError, StoreError, RuntimeError) as exc:
            self.app.call_from_thread(self._save_failed, [], f"Not saved: {exc}.")
            return
        except Exception as exc:  # shown, and ctrl+s keeps working afterwards
            self.log.error("save failed", exc)
            self.app.call_from_thread(self._save_failed, [],
                                      f"Not saved ({type(exc).__name__}: {exc}).")
            return
        from sqlalchemy.exc import SQLAlchemyError

        # The record is saved; a buffer left behind holds the same text and is dropped
        # when it is next found, so failing to clear it is not worth an error.
        with suppress(SQLAlchemyError, StoreError):
            drafts.clear_buffer(store, self.owner, actor=self.app.settings.actor)
        self.app.call_from_thread(self._saved, view, form, after)
        if submitting:
            self._stamp_submission(store)

    def _stamp_submission(self, store: Any) -> None:
        """Timestamp the content just submitted and anchor the chain (in the save worker's
        thread, after the save committed); say what became of it, never silently."""
        from firstfile.services.errors import UserError
        from firstfile.services.timestamps import stamp_disclosure

        settings = self.app.settings
        try:
            outcome = stamp_disclosure(store, self.disclosure_key, actor=settings.actor,
                                       tsa_url=settings.tsa_url, tsa_ca=settings.tsa_ca,
                                       reason="submission")
        except (UserError, RuntimeError) as exc:
            message, stamped = f"{self.disclosure_key} is not timestamped: {exc}", False
        else:
            message, stamped = outcome.describe(self.disclosure_key), outcome.stamped
        self.app.call_from_thread(self.notify, message, markup=False,
                                  severity="information" if stamped else "warning",
                                  timeout=10)

    def _save_failed(self, problems: list[Problem], message: str) -> None:
        self._saving = False
        if problems:
            self._show_problems(problems)
            message = "Not saved: fix the fields marked in red."
        self._save_problem = message + " Your text is kept; ctrl+s saves it again."
        self._notice(self._save_problem, "error")

    def _conflicted(self, form: dict[str, Any], current: DisclosureView,
                    after: Callable[[], None] | None) -> None:
        """Someone else saved since this form was opened: show both and ask what to do."""
        from firstfile.services.disclosures import view_to_draft  # loaded by the worker

        self._saving = False
        theirs = draft_to_form(view_to_draft(current))
        rows = differences(self._base_form or theirs, form, theirs, CONFLICT_FIELDS)

        async def settle(choice: ConflictChoice | None) -> None:
            if choice is None:
                self._save_problem = (f"Not saved: {self.disclosure_key} was changed "
                                      f"elsewhere (now version {current.version}). Your text "
                                      "is kept; ctrl+s asks again.")
                self._notice(self._save_problem, "error")
                return
            self._set_view(current)
            if choice.how == TAKE_THEIRS:
                await self._refill(theirs)
                self._clean_form = self._base_form = self._read_form()
                self._buffered_form = None
                self._clear_buffer()
                self._notice(f"Took version {current.version} from the record; your "
                             "changes were dropped.", "info")
                if after is not None:
                    after()
                return
            if choice.how == MERGE:
                await self._refill(merged(form, theirs, choice.use))
            self._base_form = theirs  # what is saved now is measured against their version
            self._save(after, "merged" if choice.how == MERGE else "kept mine")

        if not rows:  # the other save holds exactly this text: nothing to ask
            self.call_next(settle, ConflictChoice(MERGE))
            return
        self.app.push_screen(ConflictDialog(self.disclosure_key, current.version, rows), settle)

    def _saved(self, view: DisclosureView, form: dict[str, Any],
               after: Callable[[], None] | None) -> None:
        self._saving = False
        self._save_problem = ""
        self._clean_form = self._base_form = form
        self._buffered_form = None
        self._set_view(view)
        self._notice("", "")
        self.notify(f"Saved {view.key} (version {view.version})", markup=False)
        self.refresh_bindings()
        self._load_context()
        if after is not None:
            after()

    def action_history(self) -> None:
        from firstfile.ui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.disclosure_key))

    def action_export(self) -> None:
        if self.has_unsaved_changes():
            self.notify("Exporting the last saved version; save (ctrl+s) to include your "
                        "latest changes.", severity="warning")

        def chosen(folder: str | None) -> None:
            if folder:
                self.notify(f"Exporting {self.disclosure_key}...", markup=False)
                self._export(folder)

        self.app.push_screen(
            FolderDialog(f"Export {self.disclosure_key} (DOCX and Markdown) to folder:",
                         DEFAULT_EXPORT_FOLDER),
            chosen,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="editor-export")
    def _export(self, folder: str) -> None:
        from firstfile.rendering.export import export_disclosure
        from firstfile.rendering.safe_files import ExportError
        from firstfile.services import attachments
        from firstfile.services.errors import UserError
        from firstfile.services.evidence import disclosure_for_document

        try:
            out_dir = Path(folder).expanduser()
            out_dir.mkdir(parents=True, exist_ok=True)
            store = self.app.wait_store()
            view = disclosure_for_document(store, self.disclosure_key)
            files = attachments.figure_contents(store, [view])
            written = [
                export_disclosure(view, out_dir, fmt,
                                  templates_dir=self.app.settings.templates_dir, files=files)
                for fmt in ("docx", "md")
            ]
        except (ExportError, UserError, OSError, RuntimeError) as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Export failed",
                                      severity="error", markup=False, timeout=15)
            return
        self.app.call_from_thread(
            self.notify, "\n".join(str(p) for p in written), title="Exported", markup=False,
            timeout=10,
        )

    def action_delete(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._set_deleted(True)

        self.app.push_screen(
            ConfirmDialog(f"Delete {self.disclosure_key}? It stays in the history and can be "
                          "restored."),
            answered,
        )

    def action_restore(self) -> None:
        self._set_deleted(False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="editor-delete")
    def _set_deleted(self, deleted: bool) -> None:
        from firstfile.services import disclosures
        from firstfile.services.errors import UserError

        change = disclosures.delete_disclosure if deleted else disclosures.restore_disclosure
        try:
            view = change(self.app.wait_store(), self.disclosure_key,
                          actor=self.app.settings.actor)
        except (UserError, RuntimeError) as exc:
            self.app.call_from_thread(self._notice, str(exc), "error")
            return
        self.app.call_from_thread(self._deleted_changed, view)

    def _deleted_changed(self, view: DisclosureView) -> None:
        self._set_view(view)
        self.notify(f"{view.key} {'deleted' if view.deleted else 'restored'}", markup=False)
        self.refresh_bindings()

    # --- display ---------------------------------------------------------------------------

    def _update_status(self) -> None:
        line = Text(self.disclosure_key, style="bold")
        if self._view is not None:
            line.append(f"  v{self._view.version}  ")
            line.append(status_label(self._view.status))
            if self._view.deleted:
                line.append("  DELETED", style="bold red")
        vendors = self._joint_vendors()
        if vendors:
            line.append("  JOINT: ", style="bold yellow")
            line.append(", ".join(vendors), style="yellow")
        if self._clean_form is not None and self.has_unsaved_changes():
            line.append("  (unsaved)", style="italic")
        self.query_one("#editor-status", Static).update(line)

    def _joint_vendors(self) -> list[str]:
        """Vendors whose staff are named as inventors on the form as it stands."""
        vendors: list[str] = []
        for row in self._rows():
            entry = row.entry()
            _, organization, vendor = self._affiliations.get(entry["person"], ("", "", False))
            if entry["role"] == "inventor" and vendor and organization not in vendors:
                vendors.append(organization)
        return vendors

    def _notice(self, message: str, kind: str) -> None:
        notice = self.query_one("#editor-notice", Static)
        notice.update(Content(message))
        notice.set_class(kind == "info" and bool(message), "-info")
        notice.set_class(kind == "error" and bool(message), "-error")

    def _show_problems(self, problems: list[Problem]) -> None:
        grouped: dict[str, list[Problem]] = {}
        for problem in problems:
            grouped.setdefault(message_field(problem.field), []).append(problem)
        for widget in self.query(".msg"):
            name = (widget.id or "").removeprefix("msg-")
            found = grouped.get(name, [])
            assert isinstance(widget, Static)
            widget.update(Content("; ".join(p.message for p in found)))
            widget.set_class(bool(errors(found)), "-error")
            widget.set_class(bool(found) and not errors(found), "-warning")


def _person_text(name: str, organization: str, vendor: bool) -> Text:
    text = Text(name)
    if vendor:
        text.append(f"  {organization} (vendor)", style="bold yellow")
    else:
        text.append("  own staff", style="dim")
    return text
