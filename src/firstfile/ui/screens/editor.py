"""The disclosure editor: every field, in sections, with autosave.

The form is plain data (ui/disclosure_form.py) shown by ui/screens/disclosure_fields.py; this
screen loads it, autosaves it and saves it. A second or two after typing stops the form is
written to the user's own DraftBuffer row (owner "edit:<KEY>", through
services/buffer_sync.py); ctrl+s turns the form into a DisclosureDraft, saves it with the
version it was based on, and clears the buffer. Opening a disclosure restores its buffer (one
that names the version it was typed on is restored even when the record changed since: saving
it then shows both versions, ui/dialogs/conflict.py).

The inventor moves a disclosure between draft and submitted here; every later status is
counsel's, moved through the review queue with the workflow's checks (services/counsel.py),
so past submitted the status, who acts next and the decision are shown read-only. The
engagement's cross-checks that concern this disclosure (a joint invention whose vendor has
not agreed joint-IP ownership) are shown under the status line. Counsel's internal reviewer
notes are never shown here.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import BindingType
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, Input, Select, Static, TextArea
from textual.worker import Worker

from firstfile.domain.attachments import pasted_paths, size_words
from firstfile.domain.disclosure import DisclosureDraft, Problem, errors, validate
from firstfile.services.buffer_sync import BufferChange, BufferSync, Payload
from firstfile.ui.commands import EDITOR_COMMANDS, bindings
from firstfile.ui.dialogs.choice import ConfirmDialog, FolderDialog
from firstfile.ui.dialogs.conflict import MERGE, TAKE_THEIRS, ConflictChoice, ConflictDialog
from firstfile.ui.disclosure_form import (
    CONFLICT_FIELDS,
    EDITOR_STATUSES,
    draft_to_form,
    form_to_draft,
)
from firstfile.ui.form_merge import differences, merged
from firstfile.ui.screens.disclosure_fields import DisclosureFieldsScreen, person_text

if TYPE_CHECKING:
    from firstfile.domain.views import DisclosureView
    from firstfile.services.attachments import AttachResult
    from firstfile.services.directory import PersonChoice
    from firstfile.storage.engine import Store

# Imported from here by the tests and other screens.
__all__ = ["AUTOSAVE_DELAY", "EditorScreen", "draft_to_form", "form_to_draft"]

AUTOSAVE_DELAY = 1.5  # seconds after the last keystroke; at most ~3 s of typing can be lost


class EditorScreen(DisclosureFieldsScreen):
    """Edit one disclosure. Implements the app's Guarded protocol (asks before leaving)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(EDITOR_COMMANDS)
    FIRSTFILE_COMMANDS = EDITOR_COMMANDS
    AUTOSAVE_RETRY: ClassVar[float] = 5.0  # seconds between tries while autosave fails

    def __init__(self, key: str, *, counsel: bool = False) -> None:
        super().__init__(key)
        # Opened from the review queue: counsel reviews the record and never deletes it
        # (a deletion is the inventor's, from the list; counsel withdraws or closes instead).
        self.counsel = counsel
        self.owner = f"edit:{key}"  # services.drafts.editor_owner, without importing it
        # The form of the version the edits started from, kept in the autosave buffer: what
        # a clash with another save is measured against (which side changed a field).
        self._base_form: dict[str, Any] | None = None
        # The autosave buffer: numbered writes, so a slow one never lands after the clear
        # that follows a save (services/buffer_sync.py).
        self._sync = BufferSync(self.owner, actor="", delay=AUTOSAVE_DELAY, disclosure_key=key,
                                keeps_nothing=self._keeps_nothing)
        self._people: dict[str, PersonChoice] = {}
        self._timer: Timer | None = None
        self._saving = False
        self._discarded = False
        self._autosave_failing = False  # the last buffer write failed; a retry is scheduled
        self._save_problem = ""  # what the last failed save said, until a save works
        # What the status line says of saving: when the record was last saved from here and
        # when the typing was last autosaved; edits are counted, so an autosave shows as
        # current only when nothing was typed after the text it wrote.
        self._saved_at: datetime | None = None
        self._autosaved_at: datetime | None = None
        self._edits = 0
        self._autosaved_edits = -1

    def on_mount(self) -> None:
        self.sub_title = self.disclosure_key
        self._sync.actor = self.app.settings.actor
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
        self._engagement_options = [(Text(f"{key}  {name}"), key) for key, name in engagements]
        self.query_one("#f-engagement_key", Select).set_options(self._engagement_options)
        self.query_one("#f-add-inventor", Select).set_options(
            [(person_text(p.name, p.organization_name or p.organization, p.is_vendor), p.key)
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
                self._clear_buffer(self._sync.clear_stale)  # nothing in it not saved already
            elif newer or isinstance(payload.get("base_version"), int):
                # With the version it was typed on, a buffer is restored even when the
                # record changed since: saving it then shows both versions side by side.
                self._fill(form)
                base = payload.get("base_version")
                self._expected_version = base if isinstance(base, int) else view.version
                if isinstance(payload.get("base_form"), dict):
                    self._base_form = payload["base_form"]
                self._sync.restored(self._payload(self._read_form()))
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

    # --- changes and autosave --------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if (event.input.id or "").startswith("attach-"):
            return  # not part of the form: attaching writes at once
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

    def _changed(self) -> None:
        if self._clean_form is None:
            return  # still filling the form from the record
        self._edits += 1
        self._update_status()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_DELAY, self._autosave)

    def _payload(self, form: dict[str, Any]) -> Payload:
        """What the buffer keeps: the form and the version (and its form) it was typed on."""
        return {"form": form, "base_version": self._expected_version,
                "base_form": self._base_form}

    def _keeps_nothing(self, payload: Payload) -> bool:
        return not payload or payload.get("form") == self._clean_form

    def _autosave(self) -> None:
        if self._clean_form is None or self._discarded:
            return
        self._show_problems(self._problems())
        self._sync.changed(self._payload(self._read_form()))
        change = self._sync.change()
        if change is None:
            return
        if change.payload is None:  # typed back to what is saved
            self._clear_buffer(change)
        else:
            self._write_buffer(change, self._edits)

    @work(thread=True, exit_on_error=False, group="editor-autosave")
    def _write_buffer(self, change: BufferChange, edits: int) -> None:
        try:
            change(self.app.wait_store())
        except Exception as exc:  # any failure: the text stays on screen and is retried
            self.app.call_from_thread(self._autosave_failed, change, str(exc))
            return
        self.app.call_from_thread(self._autosave_works, edits)

    def _save_state(self) -> Text:
        """"unsaved", with the time of the autosave when it holds everything typed, or
        "saved" with the time of the last save: visible while typing, not only on reopening."""
        if self._clean_form is not None and self.has_unsaved_changes():
            text = Text("  unsaved", style="bold yellow")
            if self._autosaved_at is not None and self._autosaved_edits == self._edits:
                text.append(f" · autosaved {self._autosaved_at:%H:%M:%S}, ctrl+s saves",
                            style="italic")
            return text
        if self._saved_at is not None:
            return Text(f"  saved {self._saved_at:%H:%M:%S}", style="green")
        return Text()

    def _autosave_failed(self, change: BufferChange, message: str) -> None:
        self._sync.failed(change)  # not written: the retry writes it again
        if not self._autosave_failing:  # said once, next to what a failed save said
            self._autosave_failing = True
            self._notice(" ".join(filter(None, (
                self._save_problem,
                f"Autosave failed: {message}. Your text is kept on screen; autosave tries "
                f"again every {self.AUTOSAVE_RETRY:g} s."))), "error")
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.AUTOSAVE_RETRY, self._autosave)

    def _autosave_works(self, edits: int) -> None:
        self._autosaved_at, self._autosaved_edits = datetime.now(), edits
        self._update_status()
        if self._autosave_failing:
            self._autosave_failing = False
            self._notice("Autosaved again: your text is safe from a crash"
                         + ("; ctrl+s saves it." if self._save_problem else "."), "info")

    def _clear_buffer(self, clear_with: Callable[[Store], object] | None,
                      then: Callable[[], None] | None = None) -> None:
        """Clear in an app-level worker: it must finish even when this screen is closing."""
        app = self.app

        def clear() -> None:
            try:
                if clear_with is not None:
                    clear_with(app.wait_store())
            finally:
                if then is not None:
                    app.call_from_thread(then)

        app.run_worker(clear, thread=True, group="editor-clear", exit_on_error=False)

    # --- attaching files ---------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "attach-button":
            event.stop()
            self._attach_typed()
        elif event.button.id == "attach-browse":
            event.stop()
            self._browse()
        else:
            super().on_button_pressed(event)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in ("attach-path", "attach-caption"):
            event.stop()
            self._attach_typed()

    def _browse(self) -> None:
        """The folder tree, from the folder of the path typed so far (else the home folder)."""
        from firstfile.ui.dialogs.file_picker import FilePickerDialog

        typed = pasted_paths(self.query_one("#attach-path", Input).value)
        start = Path(typed[0]).expanduser() if typed else Path.home()
        start = start if start.is_dir() else start.parent
        if not start.is_dir():
            start = Path.home()

        def chosen(path: str | None) -> None:
            if path:
                self.query_one("#attach-path", Input).value = path
                self.query_one("#attach-caption", Input).focus()

        self.app.push_screen(FilePickerDialog(start), chosen)

    def _attach_typed(self) -> None:
        if self._view is None:
            return
        paths = pasted_paths(self.query_one("#attach-path", Input).value)
        caption = self.query_one("#attach-caption", Input).value
        if not paths:
            self._attach_message("Type, paste or drop the path of the file to attach, or "
                                 "choose Browse.", error=True)
            return
        if len(paths) > 1 and caption.strip():
            self._attach_message("A caption belongs to one file: attach the files one at a "
                                 "time to caption each, or clear the caption.", error=True)
            return
        self._attach_message(f"Attaching {len(paths)} file{'s' if len(paths) > 1 else ''}...")
        self._attach_worker([Path(p).expanduser() for p in paths], caption)

    @work(thread=True, exclusive=True, exit_on_error=False, group="editor-attach")
    def _attach_worker(self, paths: list[Path], caption: str) -> None:
        from firstfile.services import attachments
        from firstfile.services.errors import UserError
        from firstfile.storage.engine import StoreError

        try:
            files = attachments.read_files(paths, [caption])
            result = attachments.attach_files(self.app.wait_store(), self.disclosure_key, files,
                                              actor=self.app.settings.actor)
        except (UserError, StoreError, RuntimeError) as exc:
            self.app.call_from_thread(self._attach_message, f"Not attached: {exc}", error=True)
            return
        self.app.call_from_thread(self._attached, result)

    def _attached(self, result: AttachResult) -> None:
        expected = self._expected_version
        self._set_view(result.view)
        if expected is not None and result.view.version != expected + (1 if result.added else 0):
            # Someone else saved in between: the form's save still shows both versions.
            self._expected_version = expected
        said = [f"Attached {a.file_name} ({size_words(a.size)})." for a in result.added]
        said += [f"{name} was attached already; left as it was." for name in result.already]
        self._attach_message(" ".join(said))
        self.query_one("#attach-path", Input).value = ""
        self.query_one("#attach-caption", Input).value = ""

    def _attach_message(self, message: str, *, error: bool = False) -> None:
        shown = self.query_one("#attach-message", Static)
        shown.update(Content(message))
        shown.set_class(error, "-error")

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
        self._clear_buffer(self._sync.entered() or self._sync.clear_stale, after)

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "export", "delete", "restore", "history") and self._view is None:
            return False
        if action == "delete":
            return self._view is not None and not self._view.deleted and not self.counsel
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
        from firstfile.services import disclosures
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
        except Exception as exc:  # anything else is shown too; ctrl+s keeps working
            self.log.error("save failed", exc)
            self.app.call_from_thread(self._save_failed, [],
                                      f"Not saved ({type(exc).__name__}: {exc}).")
            return
        # The record is saved; a buffer left behind holds the same text and is dropped
        # when it is next found, so failing to clear it is not worth an error. The clear is
        # numbered after every autosave issued before it, so none of them can land after it.
        clear = self.app.call_from_thread(self._sync.entered) or self._sync.clear_stale
        with suppress(StoreError):
            clear(store)
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
                self._clear_buffer(self._sync.entered())
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
        self._saved_at = datetime.now()
        self._clean_form = self._base_form = form
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
                         str(self.app.settings.exports)),
            chosen,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="editor-export")
    def _export(self, folder: str) -> None:
        from firstfile.services import exports
        from firstfile.services.errors import UserError

        try:
            written = exports.export_disclosure(
                self.app.wait_store(), self.disclosure_key, Path(folder).expanduser(),
                ("docx", "md"), templates_dir=self.app.settings.templates_dir)
        except (exports.ExportError, UserError, OSError, RuntimeError) as exc:
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

