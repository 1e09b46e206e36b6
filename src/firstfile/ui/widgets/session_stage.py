"""The top of the facilitation screen: the session's line, the current prompt and its clock.

Both clocks count down once a second on their own; the screen only tells them what changed
(the session, the participant, the prompt). User text reaches them only as `rich.text.Text`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from firstfile.domain import sessions as rules
from firstfile.domain.prompts import Prompt
from firstfile.domain.sessions import SessionView


def session_line(view: SessionView, participant: str, now: datetime) -> Text:
    """Ref, status, the session's countdown, who is speaking and the dots they have left."""
    left = rules.time_box_left(view, now)
    who = view.participant(participant)
    dots = view.dots_per_participant - view.dots_spent.get(participant, 0)
    line = Text()
    line.append(f"{view.ref} ", style="bold")
    line.append(f"{view.status}  session {rules.format_countdown(left)}  ",
                style="red" if left < 0 else "")
    if who is not None:
        line.append("by ")
        line.append(who.name, style="bold")
        if who.is_vendor:
            line.append(" (vendor)", style="red")
        line.append(f"  {dots} dot{'s' if dots != 1 else ''} left")
    return line


def prompt_panel(prompt: Prompt | None, index: int, total: int) -> Text:
    """The prompt in large: title, question, where it is in the deck, an example."""
    panel = Text()
    if prompt is None:
        panel.append("No prompts: the session's decks did not load.", style="bold")
        return panel
    panel.append(f"{prompt.title}\n", style="bold reverse")
    panel.append(prompt.question)
    panel.append(f"\n{index + 1}/{total} · {prompt.id}", style="dim")
    if prompt.example:
        panel.append(f"  e.g. {prompt.example}", style="dim italic")
    return panel


class SessionBar(Static):
    """The session's line, redrawn every second while the session clock runs."""

    DEFAULT_CSS = "SessionBar { height: 1; background: $panel; padding: 0 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Opening the session…"), id=id)
        self._view: SessionView | None = None
        self._participant = ""

    def on_mount(self) -> None:
        self.set_interval(1.0, self._redraw, name="session-clock")

    def show(self, view: SessionView, participant: str) -> None:
        """Show view with participant as the one speaking."""
        self._view, self._participant = view, participant
        self._redraw()

    def _redraw(self) -> None:
        if self._view is not None:
            self.update(session_line(self._view, self._participant, datetime.now(UTC)))


class PromptStage(Horizontal):
    """The current prompt and its countdown, which restarts with each prompt."""

    DEFAULT_CSS = """
    PromptStage { height: 7; }
    PromptStage #session-prompt { width: 1fr; padding: 0 1; }
    PromptStage #session-clocks { width: 19; }
    PromptStage #session-prompt-clock { width: 19; }
    PromptStage #session-clock-label { height: 1; text-align: center; }
    PromptStage .overtime { color: $error; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.started = time.monotonic()
        self._running = False
        self._minutes: int | None = None  # None until the session is known

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="session-prompt")
        with Vertical(id="session-clocks"):
            yield Digits("--:--", id="session-prompt-clock")
            yield Static(Text("prompt"), id="session-clock-label")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick, name="prompt-clock")

    def show(self, prompt: Prompt | None, index: int, total: int) -> None:
        """Show prompt (number index of total)."""
        self.query_one("#session-prompt", Static).update(prompt_panel(prompt, index, total))
        self.tick()

    def follow(self, view: SessionView) -> None:
        """Count the session's prompt minutes while it runs; show them whole otherwise."""
        self._running, self._minutes = view.status == "running", view.prompt_minutes
        self.tick()

    def restart(self) -> None:
        """The prompt's countdown starts again (a new prompt, or the session started)."""
        self.started = time.monotonic()
        self.tick()

    def tick(self) -> None:
        """Redraw the countdown."""
        if self._minutes is None:
            return
        left = self._minutes * 60
        if self._running:
            left -= int(time.monotonic() - self.started)
        clock = self.query_one("#session-prompt-clock", Digits)
        clock.update(rules.format_countdown(left))
        clock.set_class(left < 0, "overtime")
