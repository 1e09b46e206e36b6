"""The firstfile Textual application.

The first frame must appear fast (within 1.5x a bare Textual app), so this module imports no
SQLAlchemy, SQLModel, Alembic or docx at import time: the database is opened in a thread
worker after the first screen is up, and screens load their data in thread workers that wait
for it with `app.wait_store()`.

Navigation keeps the screen stack shallow: home, then one section (the list, the review
queue, the deadlines, an engagement, a session), then at most an editor over it. Going to
another section returns to home first. No path leaves a screen with unsaved changes without
asking: screens that can hold unsaved work implement the small `Guarded` protocol below, and
every pop of such a screen (a Back key, a section change, quitting) goes through
`leave_screens`.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from firstfile.domain.text import shown
from firstfile.ui.commands import (
    APP_COMMANDS,
    NAVIGATION_ACTIONS,
    bindings,
    palette_entries,
)
from firstfile.ui.dialogs.choice import DISCARD, SAVE, ConfirmDialog, FolderDialog, LeaveDialog
from firstfile.ui.dialogs.conflict import ConflictDialog
from firstfile.ui.engagement_views import EngagementViewsProvider
from firstfile.ui.screens.home import HomeScreen

if TYPE_CHECKING:
    from firstfile.services.home import HomeData
    from firstfile.settings import Settings
    from firstfile.storage.engine import Store

# How long the opening thread leaves the processor to home before it loads the other
# screens' services: home shows its data well within it, and a home that failed to still
# gets the services loaded.
HOME_FIRST_SECONDS = 5.0


@runtime_checkable
class Guarded(Protocol):
    """A screen that may hold unsaved work and must be asked before it is left."""

    def has_unsaved_changes(self) -> bool: ...

    def unsaved_label(self) -> str: ...

    def save_then(self, after: Callable[[], None]) -> None:
        """Save; call after() only if the save succeeded."""

    def discard_then(self, after: Callable[[], None]) -> None:
        """Throw the unsaved work away (and its autosave buffer), then call after()."""


def guard_of(screen: Screen[Any]) -> Guarded | None:
    """How to ask before leaving screen, or None when it never holds unsaved work."""
    return screen if isinstance(screen, Guarded) else None


class FirstfileApp(App[None]):
    """The app takes its settings (or an already-open store, for tests) as arguments."""

    TITLE = "firstfile"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(APP_COMMANDS),
        # Textual binds tab on the screen: the key went through the focused field and back up
        # before focus moved, and keys typed meanwhile were handed to the field still
        # focused ("...gradientSum"). As the app's priority keys focus moves at once, before
        # the next key is handed on. No field here uses tab itself (text areas move focus).
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True,
                id="firstfile.focus-next"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False,
                priority=True, id="firstfile.focus-previous"),
    ]
    # Each engagement's risk, strategy and tracer screens, by name, from anywhere.
    COMMANDS = App.COMMANDS | {EngagementViewsProvider}

    def __init__(
        self, settings: Settings, *, store: Store | None = None, tune_gc: bool = False
    ) -> None:
        super().__init__()
        self.settings = settings
        self._tune_gc = tune_gc
        self._store: Store | None = store
        self._store_error: BaseException | None = None
        self._store_ready = threading.Event()
        # Home's data read straight from the file before the store opens (_look_first).
        self._first_look: HomeData | None = None
        self._first_look_ready = threading.Event()
        if store is not None:
            self._store_ready.set()
            self._first_look_ready.set()
        # Quick capture remembers what it was last used with, so logging the next invention
        # of the same team on the same engagement is title, summary, ctrl+s.
        self.last_capture_engagement: str = ""
        self.last_capture_inventors: tuple[str, ...] = ()
        # Screens whose unsaved work was just asked about (saved or discarded), while the
        # pops that follow the answer run: popping them does not ask again.
        self._cleared_to_leave: weakref.WeakSet[Screen[Any]] = weakref.WeakSet()
        self._home_shown = threading.Event()
        self._quitting = False

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification, from any screen: messages quote file names, keys and values
        as they came in, so their control characters are shown, never obeyed."""
        super().notify(shown(message), title=shown(title), severity=severity, timeout=timeout,
                       markup=markup)

    def get_default_screen(self) -> Screen[None]:
        return HomeScreen()

    def on_mount(self) -> None:
        if self._store is None:
            self.run_worker(self._open_store, thread=True, name="open-store", exit_on_error=False)

    def _open_store(self) -> None:
        self._look_first()
        from firstfile.storage.engine import SCREEN_CACHE_BYTES, open_store

        try:
            self._store = open_store(self.settings.db, cache_bytes=SCREEN_CACHE_BYTES)
            for warning in self._store.warnings:
                self.call_from_thread(self.notify, warning, title="The database is not private",
                                      severity="warning", timeout=30, markup=False)
        except Exception as exc:  # any failure is shown: every screen waits on this one
            self._store_error = exc
            self.call_from_thread(self.notify, str(exc), title="Cannot open the database",
                                  severity="error", timeout=30, markup=False)
        finally:
            self._store_ready.set()
        if self._store is None:
            return
        # Home reads with plain SQL; the other screens' services are loaded here, off the
        # event loop, once home shows its data (or has had its chance), so that neither home
        # nor the first screen the user opens waits for them.
        self._home_shown.wait(HOME_FIRST_SECONDS)
        if self._quitting:
            return  # quitting: nothing to load for, and the process would wait for it
        from firstfile.services.start_up import load_services

        load_services()
        self.call_from_thread(self.settle_memory)
        if self._store.unchecked:
            self._check_pages(self._store)

    def _look_first(self) -> None:
        """Read home's data straight from a SQLite file that needs nothing done first
        (services/home.first_look), and let home paint it before SQLAlchemy's import, the
        largest part of opening the store, takes the processor."""
        from firstfile.services.home import first_look

        try:
            self._first_look = first_look(self.settings.db, actor=self.settings.actor)
        except Exception:  # noqa: BLE001 - home then waits for the store's own reading,
            self._first_look = None  # which reports whatever is wrong in words
        finally:
            self._first_look_ready.set()
        if self._first_look is not None:
            self._home_shown.wait(HOME_FIRST_SECONDS)

    def wait_first_look(self) -> HomeData | None:
        """Home's data from the first look, once it has been tried (in a worker thread,
        never on the event loop); None when the file got none."""
        self._first_look_ready.wait()
        return self._first_look

    def home_shown(self) -> None:
        """Home has shown its data (or why it could not) for the first time: start-up's own
        work is done."""
        self._home_shown.set()

    def exit(self, *args: Any, **kwargs: Any) -> None:
        # The opening thread may still be waiting for home: it stops instead.
        self._quitting = True
        self._home_shown.set()
        super().exit(*args, **kwargs)

    def _check_pages(self, store: Store) -> None:
        """The page check opening left for later (a large file closed cleanly), run here in
        the opening thread once the screens can use the store. Damage stops every save."""
        from firstfile.storage.engine import StoreError, check_pages_later

        try:
            check_pages_later(store)
        except StoreError as exc:
            self.call_from_thread(self.notify, str(exc), title="The database is damaged",
                                  severity="error", timeout=3600, markup=False)

    def settle_memory(self) -> None:
        """Once start-up is over, move everything alive into Python's permanent generation.

        Full garbage collections over the objects of Textual, SQLAlchemy and the first
        screens paused scrolling for 40-100 ms; frozen objects are never scanned again, and a
        higher first threshold makes collections rarer. Only for a real run (`tune_gc`):
        tests build many apps in one process and must not pile them up frozen.
        """
        if not self._tune_gc:
            return
        self._tune_gc = False  # once
        import gc

        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, 10, 10)

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
            from firstfile.storage.engine import StoreError  # loaded by the worker already

            error = event.worker.error
            self.log.error(event.worker, error)
            if isinstance(error, StoreError):  # it says what happened and what to do
                self.notify(str(error), title="Not done", severity="error", timeout=20,
                            markup=False)
                return
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
        if (action in ("quick_capture", "tracer_lookup") or action in NAVIGATION_ACTIONS) and (
                isinstance(top, ModalScreen)):
            return False  # finish or cancel the dialog first
        if action in ("home", "sessions", "engagements") and isinstance(top, HomeScreen):
            # Already there (home binds its own keys to move between its tables); hidden
            # from home's footer so the rest fits in 80 columns.
            return False
        # No quitting while already asking something.
        asking = isinstance(top, LeaveDialog | ConfirmDialog | FolderDialog | ConflictDialog)
        return not (action == "quit" and asking)

    def action_quick_capture(self) -> None:
        self.open_quick_capture()

    def action_open_list(self) -> None:
        self.open_disclosure_list()

    def action_home(self) -> None:
        self.go_home()

    def action_review_queue(self) -> None:
        self.open_review_queue()

    def action_deadlines(self) -> None:
        self.open_deadlines()

    def action_sessions(self) -> None:
        self.show_on_home("sessions")

    def action_engagements(self) -> None:
        self.show_on_home("engagements")

    def action_tracer_lookup(self) -> None:
        from firstfile.ui.screens.tracers import LookupDialog

        self.push_screen(LookupDialog())

    async def action_quit(self) -> None:
        """Quit, asking first about every screen with unsaved changes."""
        self.leave_screens(list(self.screen_stack), self.exit)

    # --- navigation used by every screen -----------------------------------------------------

    def open_disclosure(self, key: str, *, counsel: bool = False) -> None:
        """Open the editor on an existing disclosure; counsel's view (from the review queue)
        offers no Delete."""
        from firstfile.ui.screens.editor import EditorScreen

        top = self.screen
        if isinstance(top, EditorScreen):
            if top.disclosure_key == key:
                return

            def replace() -> None:
                self.pop_screen()
                self.push_screen(EditorScreen(key, counsel=counsel))

            self.leave_screens([top], replace)
            return
        self.push_screen(EditorScreen(key, counsel=counsel))

    def open_quick_capture(self) -> None:
        """Open quick capture over whatever screen is showing."""
        from firstfile.ui.dialogs.capture import QuickCaptureScreen

        if isinstance(self.screen, ModalScreen):
            return
        under = self.screen

        def logged(key: str | None) -> None:
            # The screen it was logged over shows the new record (the list reloads its pages).
            shown = getattr(under, "disclosure_logged", None)
            if key and callable(shown):
                shown(key)

        self.push_screen(QuickCaptureScreen(), logged)

    def open_disclosure_list(self) -> None:
        """Show the disclosure list (going back to it when it is already open)."""
        try:
            from firstfile.ui.screens.disclosure_list import DisclosureListScreen
        except ImportError as exc:
            self.notify(f"The disclosure list is not available: {exc}", severity="error",
                        markup=False)
            return
        self.open_section(DisclosureListScreen, DisclosureListScreen)

    def open_review_queue(self) -> None:
        """Show what waits on counsel (going back to it when it is already open)."""
        from firstfile.ui.screens.review_queue import ReviewQueueScreen

        self.open_section(ReviewQueueScreen, ReviewQueueScreen)

    def open_deadlines(self) -> None:
        """Show the deadlines (going back to them when they are already open)."""
        from firstfile.ui.screens.deadlines import DeadlinesScreen

        self.open_section(DeadlinesScreen, DeadlinesScreen)

    def open_engagement(self, key: str) -> None:
        """Show one engagement: its phase guide, vendors and checklists."""
        from firstfile.ui.screens.engagement import EngagementScreen

        self.open_section(EngagementScreen, lambda: EngagementScreen(key),
                          same=lambda s: getattr(s, "engagement_key", None) == key)

    def open_engagement_view(self, view: str, key: str) -> None:
        """Show one engagement's "risk", "strategy" or "tracers" screen right above home (from
        the palette, wherever the user is); going back leads home."""
        from firstfile.ui.screens.risk import RiskScreen
        from firstfile.ui.screens.strategy import StrategyScreen
        from firstfile.ui.screens.tracers import TracersScreen

        kinds: dict[str, type[RiskScreen] | type[StrategyScreen] | type[TracersScreen]] = {
            "risk": RiskScreen, "strategy": StrategyScreen, "tracers": TracersScreen}
        kind = kinds[view]
        self.open_section(kind, lambda: kind(key),
                          same=lambda s: getattr(s, "engagement_key", None) == key)

    def open_session(self, ref: str) -> None:
        """Open the facilitation screen on one session (ENGAGEMENT/SESSION)."""
        from firstfile.ui.screens.facilitation import FacilitationScreen

        self.open_section(FacilitationScreen, lambda: FacilitationScreen(ref),
                          same=lambda s: getattr(s, "session_ref", None) == ref)

    def start_session(self, engagement_key: str = "") -> None:
        """Set up a new extraction session; creating it opens the facilitation screen."""
        from firstfile.ui.screens.session_setup import SessionSetupScreen

        self.open_section(SessionSetupScreen, lambda: SessionSetupScreen(engagement_key),
                          same=lambda s: False)

    def show_on_home(self, section: str) -> None:
        """Back to home (asking about unsaved work) with the cursor in one of its tables."""
        def focus() -> None:
            home = self.screen_stack[0]
            if isinstance(home, HomeScreen):
                home.focus_section(section)

        self._pop_to(0, then=focus)

    def open_section(
        self,
        kind: type[Screen[Any]],
        make: Callable[[], Screen[Any]],
        *,
        same: Callable[[Screen[Any]], bool] | None = None,
    ) -> None:
        """Show a section right above home: go back to it when it is open already (the
        screens over it are left, asking first), else leave everything above home and push a
        new one. Keeps the stack at home, section, and perhaps an editor."""
        stack = self.screen_stack
        for index in range(len(stack) - 1, 0, -1):
            screen = stack[index]
            if isinstance(screen, kind) and (same is None or same(screen)):
                self._pop_to(index)
                return

        def show() -> None:
            self._pop_to(0, guarded=False)
            self.push_screen(make())

        self.leave_screens(stack[1:], show)

    def go_home(self) -> None:
        """Back to the home screen, asking about unsaved work on the way."""
        self._pop_to(0)

    def _pop_to(self, index: int, *, guarded: bool = True,
                then: Callable[[], None] | None = None) -> None:
        """Pop every screen above screen_stack[index], then call then()."""
        above = self.screen_stack[index + 1:]

        def pop() -> None:
            for _ in above:
                if len(self.screen_stack) > index + 1:
                    self.pop_screen()
            if then is not None:
                then()

        if guarded:
            self.leave_screens(above, pop)
        else:
            pop()

    def pop_screen(self) -> AwaitComplete:
        """Pop the top screen; one with unsaved work not yet asked about is asked first
        (a screen's own Back key, say), and popped only when the user saves or discards."""
        top = self.screen
        guard = guard_of(top) if len(self.screen_stack) > 1 else None
        if guard is not None and top not in self._cleared_to_leave and (
                guard.has_unsaved_changes()):
            def pop_if_still_on_top() -> None:
                if self.screen is top:
                    self.pop_screen()

            self.leave_screens([top], pop_if_still_on_top)
            return AwaitComplete.nothing()
        return super().pop_screen()

    def leave_screens(self, screens: Iterable[Screen[Any]], then: Callable[[], None]) -> None:
        """Ask about each screen with unsaved changes (topmost first), then call then().

        Each answer is save, discard or cancel; cancel stops everything and nothing is left.
        """
        pending: list[tuple[Screen[Any], Guarded]] = []
        for candidate in reversed(list(screens)):
            guard = guard_of(candidate)
            if guard is not None and guard.has_unsaved_changes():
                pending.append((candidate, guard))

        def step(position: int) -> None:
            if position == len(pending):
                # Asked about already: the pops then() makes must not ask again. Only for
                # the duration of then(), so work typed later on a screen that stayed is
                # asked about next time.
                cleared = [s for s, _ in pending]
                self._cleared_to_leave.update(cleared)
                try:
                    then()
                finally:
                    for left in cleared:
                        self._cleared_to_leave.discard(left)
                return
            _, screen = pending[position]

            def chosen(choice: str | None) -> None:
                if choice == SAVE:
                    screen.save_then(lambda: step(position + 1))
                elif choice == DISCARD:
                    screen.discard_then(lambda: step(position + 1))

            self.push_screen(LeaveDialog(screen.unsaved_label()), chosen)

        step(0)
