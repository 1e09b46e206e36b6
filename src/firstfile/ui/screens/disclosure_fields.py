"""The disclosure editor's fields on a screen: their layout, filling them from a form and
reading them back, the people rows, and what is shown around them (the status line, where
the disclosure stands with counsel, the cross-check flags, the messages under each field).

ui/screens/editor.py builds on it with loading, autosave, saving and the actions; the form
itself is plain data in ui/disclosure_form.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
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

from firstfile.domain.attachments import CAPTION_CHARS, size_words
from firstfile.domain.disclosure import Problem, errors, even_split, validate
from firstfile.domain.vocabulary import ROLES
from firstfile.domain.workflow import decision_label, next_actor, status_label
from firstfile.ui.dialogs.file_picker import PathSuggester
from firstfile.ui.disclosure_form import (
    EDITOR_STATUSES,
    FIELDS,
    SECTIONS,
    SELECT_OPTIONS,
    form_to_draft,
    message_field,
)
from firstfile.ui.widgets.steady_select import SteadySelect

if TYPE_CHECKING:
    from firstfile.domain.checklist import Flag
    from firstfile.domain.views import AttachmentView, DisclosureView
    from firstfile.domain.workflow import ReviewState
    from firstfile.ui.app import FirstfileApp


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
        yield SteadySelect[str](
            [(r, r) for r in ROLES],
            value=self._role,
            allow_blank=False,
            compact=True,
            classes="role",
        )
        yield Input(
            self._contribution,
            placeholder="%",
            compact=True,
            classes="share",
            restrict=r"[0-9.,%]*",
        )
        yield Button("del", compact=True, classes="remove", tooltip="Remove this person")

    def entry(self) -> dict[str, str]:
        """The row as form data; the initial values until its widgets are mounted."""
        roles = self.query(".role").results(Select)
        shares = self.query(".share").results(Input)
        role_widget, share_widget = next(roles, None), next(shares, None)
        role = role_widget.value if role_widget is not None else self._role
        share = share_widget.value if share_widget is not None else self._contribution
        return {
            "person": self.person_key,
            "role": role if isinstance(role, str) else "inventor",
            "contribution": share,
        }


class DisclosureFieldsScreen(Screen[None]):
    """A screen showing one disclosure's fields; the editor adds what happens to them."""

    app: FirstfileApp

    def __init__(self, key: str) -> None:
        super().__init__()
        self.disclosure_key = key
        self._view: DisclosureView | None = None
        self._expected_version: int | None = None
        self._clean_form: dict[str, Any] | None = None
        # rich Text (literal) rather than Content: the open list searches Text as typed into
        self._engagement_options: list[tuple[Text, str]] = []
        self._affiliations: dict[str, tuple[str, str, bool]] = {}  # key -> name, org, vendor
        self._components: list[str] = []

    def _changed(self) -> None:
        """A field changed (the editor autosaves)."""

    def has_unsaved_changes(self) -> bool:
        """The form differs from the record as saved."""
        return False

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
                    # The rows' fields are labelled once, above them.
                    yield Horizontal(Static("Person", classes="who"),
                                     Static("Role", classes="head-role"),
                                     Static("Share %", classes="head-share"),
                                     classes="inventor-row inventor-head")
                    yield Vertical(id="inventor-rows", classes="field")
                    yield SteadySelect[str](
                        [], prompt="add a person...", id="f-add-inventor", compact=True
                    )
                    yield Static(classes="msg", id="msg-inventors")
                for name, label, kind in fields:
                    yield from self._field(name, label, kind)
            yield from self._attachment_fields()
            yield Static(classes="msg", id="msg-form")
        yield Footer()

    def _field(self, name: str, label: str, kind: str) -> ComposeResult:
        widget: Widget
        if kind == "text":
            widget = TextArea(id=f"f-{name}", compact=True)
            yield Vertical(Static(label, classes="label wide"), widget, classes="field")
        else:
            if kind in ("line", "date"):
                widget = Input(
                    id=f"f-{name}", compact=True, placeholder="YYYY-MM-DD" if kind == "date" else ""
                )
            else:
                options = SELECT_OPTIONS.get(kind, [])
                blank = kind in ("engagement", "phase")
                widget = SteadySelect[str](
                    options,
                    prompt="(none)" if kind == "engagement" else "(not set)",
                    allow_blank=blank,
                    value=Select.NULL if blank else options[0][1],
                    id=f"f-{name}",
                    compact=True,
                )
            yield Horizontal(Static(label, classes="label"), widget, classes="inline field")
        yield Static(classes="msg", id=f"msg-{name}")

    def _attachment_fields(self) -> ComposeResult:
        """The attached files and the fields that attach another: written at once (with
        their own audit record), not with the form."""
        yield Static("Attachments", classes="section-title")
        yield Static("No files attached yet.", id="attachment-list", classes="field")
        yield Horizontal(
            Static("File to attach", classes="label"),
            Input(id="attach-path", compact=True, suggester=PathSuggester(),
                  placeholder="type, paste or drop a path"),
            Button("Browse", id="attach-browse", compact=True,
                   tooltip="Pick the file from a folder tree"),
            classes="inline field",
        )
        yield Horizontal(
            Static("Caption", classes="label"),
            Input(id="attach-caption", compact=True, max_length=CAPTION_CHARS,
                  placeholder="what the file shows (under its figure)"),
            Button("Attach", id="attach-button", compact=True,
                   tooltip="Store the file with this disclosure (Enter in either field)"),
            classes="inline field",
        )
        yield Static(id="attach-message")

    def _show_attachments(self, attachments: tuple[AttachmentView, ...]) -> None:
        """Each file on its own wrapped lines, so nothing of it is cut at 80 columns:
        figures numbered as in the document, the size and the start of its SHA-256."""
        if not attachments:
            self.query_one("#attachment-list", Static).update("No files attached yet.")
            return
        text = Text()
        figure = 0
        for item in attachments:
            if item.is_figure:
                figure += 1
                text.append(f"Figure {figure}", style="bold")
            else:
                text.append("File", style="bold")
            text.append(f"  {item.file_name}  ")
            text.append(f"{size_words(item.size)}  sha256 {item.sha256[:12]}", style="dim")
            if item.caption:
                text.append(f"\n    {item.caption}")
            text.append("\n")
        text.rstrip()
        self.query_one("#attachment-list", Static).update(text)

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
                store, self.disclosure_key, templates_dir=self.app.settings.templates_dir
            )
        except Exception as exc:  # any failure: the checks are advice, the editing goes on
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

    def _set_view(self, view: DisclosureView) -> None:
        self._view = view
        self._expected_version = view.version
        self._show_attachments(view.attachments)
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
            InventorRow(
                str(e.get("person", "")),
                self._who(str(e.get("person", ""))),
                str(e.get("role", "inventor")),
                str(e.get("contribution", "")),
            )
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
        widget.tooltip = (
            "Counsel moves this status in the review queue"
            if locked
            else "Draft while you write; submitted when it is ready for counsel"
        )

    def _set_select(self, widget: Select[str], kind: str, value: str) -> None:
        """Select value, keeping a value the list does not offer (a status added later, an
        engagement renamed since an autosave) rather than dropping it."""
        try:
            widget.value = value
        except InvalidSelectValueError:
            known = (
                self._engagement_options
                if kind == "engagement"
                else [(Text(label), option) for label, option in SELECT_OPTIONS.get(kind, [])]
            )
            shown = status_label(value) if kind == "status" else value
            widget.set_options([*known, (Text(shown), value)])
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
        return person_text(name, organization, vendor)

    def _problems(self) -> list[Problem]:
        draft, problems = form_to_draft(self._read_form())
        return problems + validate(draft)

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
        line.append_text(self._save_state())
        self.query_one("#editor-status", Static).update(line)

    def _save_state(self) -> Text:
        """Whether what is on screen is saved (the editor says when)."""
        if self._clean_form is not None and self.has_unsaved_changes():
            return Text("  unsaved", style="italic")
        return Text()

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


def person_text(name: str, organization: str, vendor: bool) -> Text:
    """A person as the editor lists them: a vendor's staff stand out."""
    text = Text(name)
    if vendor:
        text.append(f"  {organization} (vendor)", style="bold yellow")
    else:
        text.append("  own staff", style="dim")
    return text
