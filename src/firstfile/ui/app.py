"""The firstfile Textual application.

The first frame must appear fast (within 1.5x a bare Textual app), so this module imports no
SQLAlchemy, SQLModel, Alembic or docx at import time: the database is opened in a thread
worker after the first screen is up, and screens load their data in thread workers that wait
for it with `app.wait_store()`.

Navigation keeps the screen stack shallow (home, then the list, then an editor) and never
leaves a screen with unsaved changes without asking: screens that can hold unsaved work
implement the small `Guarded` protocol below.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from firstfile.ui.commands import APP_COMMANDS, bindings, palette_entries
from firstfile.ui.dialogs.choice import DISCARD, SAVE, ConfirmDialog, FolderDialog, LeaveDialog
from firstfile.ui.screens.home import HomeScreen

if TYPE_CHECKING:
    from firstfile.settings import Settings
    from firstfile.storage.engine import Store


@runtime_checkable
class Guarded(Protocol):
    """A screen that may hold unsaved work and must be asked before it is left."""

    def has_unsaved_changes(self) -> bool: ...

    def unsaved_label(self) -> str: ...

    def save_then(self, after: Callable[[], None]) -> None:
        """Save; call after() only if the save succeeded."""

    def discard_then(self, after: Callable[[], None]) -> None:
        """Throw the unsaved work away (and its autosave buffer), then call after()."""


class FirstfileApp(App[None]):
    """The app takes its settings (or an already-open store, for tests) as arguments."""

    TITLE = "firstfile"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings(APP_COMMANDS)

    def __init__(self, settings: Settings, *, store: Store | None = None) -> None:
        super().__init__()
        self.settings = settings
        self._store: Store | None = store
        self._store_error: BaseException | None = None
        self._store_ready = threading.Event()
        if store is not None:
            self._store_ready.set()
        # Quick capture remembers what it was last used with, so logging the next invention
        # of the same team on the same engagement is title, summary, ctrl+s.
        self.last_capture_engagement: str = ""
        self.last_capture_inventors: tuple[str, ...] = ()

    def get_default_screen(self) -> Screen[None]:
        return HomeScreen()

    def on_mount(self) -> None:
        if self._store is None:
            self.run_worker(self._open_store, thread=True, name="open-store", exit_on_error=False)

    def _open_store(self) -> None:
        from firstfile.storage.engine import open_store

        try:
            self._store = open_store(self.settings.db)
        except BaseException as exc:  # shown to the user; the app stays up
            self._store_error = exc
            self.call_from_thread(self.notify, str(exc), title="Cannot open the database",
                                  severity="error", timeout=30, markup=False)
        finally:
            self._store_ready.set()

    def wait_store(self, timeout: float | None = None) -> Store:
        """Block (in a worker thread, never on the event loop) until the store is open."""
        self._store_ready.wait(timeout)
        if self._store is None:
            raise RuntimeError(f"the database is not open: {self._store_error}")
        return self._store

    @property
    def store(self) -> Store | None:
        return self._store

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.report_failed_worker(event)

    def report_failed_worker(self, event: Worker.StateChanged) -> None:
        """Show a worker that failed unexpectedly; never lose an error silently.

        Worker state messages do not bubble, so each screen forwards its own here.
        """
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self.log.error(event.worker, error)
            self.notify(f"{type(error).__name__}: {error}", title="Something went wrong",
                        severity="error", timeout=20, markup=False)

    # --- commands ----------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Quit":  # ours asks before losing unsaved work
                yield command
        yield from palette_entries(self, screen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        top = self.screen
        if action in ("quick_capture", "open_list", "home") and isinstance(top, ModalScreen):
            return False  # finish or cancel the dialog first
        # No quitting while already asking something.
        asking = isinstance(top, LeaveDialog | ConfirmDialog | FolderDialog)
        return not (action == "quit" and asking)

    def action_quick_capture(self) -> None:
        self.open_quick_capture()

    def action_open_list(self) -> None:
        self.open_disclosure_list()

    def action_home(self) -> None:
        self.go_home()

    async def action_quit(self) -> None:
        """Quit, asking first about every screen with unsaved changes."""
        self.leave_screens(list(self.screen_stack), self.exit)

    # --- navigation used by every screen -----------------------------------------------------

    def open_disclosure(self, key: str) -> None:
        """Open the editor on an existing disclosure."""
        from firstfile.ui.screens.editor import EditorScreen

        top = self.screen
        if isinstance(top, EditorScreen):
            if top.disclosure_key == key:
                return

            def replace() -> None:
                self.pop_screen()
                self.push_screen(EditorScreen(key))

            self.leave_screens([top], replace)
            return
        self.push_screen(EditorScreen(key))

    def open_quick_capture(self) -> None:
        """Open quick capture over whatever screen is showing."""
        from firstfile.ui.dialogs.capture import QuickCaptureScreen

        if isinstance(self.screen, ModalScreen):
            return
        self.push_screen(QuickCaptureScreen())

    def open_disclosure_list(self) -> None:
        """Show the disclosure list (going back to it when it is already open)."""
        try:
            from firstfile.ui.screens.disclosure_list import DisclosureListScreen
        except ImportError as exc:
            self.notify(f"The disclosure list is not available: {exc}", severity="error",
                        markup=False)
            return
        stack = self.screen_stack
        for index in range(len(stack) - 1, 0, -1):
            if isinstance(stack[index], DisclosureListScreen):
                self._pop_to(index)
                return

        def show() -> None:
            self._pop_to(0, guarded=False)
            self.push_screen(DisclosureListScreen())

        self.leave_screens(stack[1:], show)

    def go_home(self) -> None:
        """Back to the home screen, asking about unsaved work on the way."""
        self._pop_to(0)

    def _pop_to(self, index: int, *, guarded: bool = True) -> None:
        """Pop every screen above screen_stack[index]."""
        above = self.screen_stack[index + 1:]

        def pop() -> None:
            for _ in above:
                if len(self.screen_stack) > index + 1:
                    self.pop_screen()

        if guarded:
            self.leave_screens(above, pop)
        else:
            pop()

    def leave_screens(self, screens: Iterable[Screen[Any]], then: Callable[[], None]) -> None:
        """Ask about each screen with unsaved changes (topmost first), then call then().

        Each answer is save, discard or cancel; cancel stops everything and nothing is left.
        """
        pending = [
            s for s in reversed(list(screens))
            if isinstance(s, Guarded) and s.has_unsaved_changes()
        ]

        def step(position: int) -> None:
            if position == len(pending):
                then()
                return
            screen = pending[position]

            def chosen(choice: str | None) -> None:
                if choice == SAVE:
                    screen.save_then(lambda: step(position + 1))
                elif choice == DISCARD:
                    screen.discard_then(lambda: step(position + 1))

            self.push_screen(LeaveDialog(screen.unsaved_label()), chosen)

        step(0)
