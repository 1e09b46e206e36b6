"""A footer that rebuilds its keys only when the keys it would show have changed.

Textual's Footer removes and mounts all its key widgets again every time the screen publishes
that its bindings were updated: on mount, on every focus change, after every action. Opening
the outsourcing-risk screen published three such updates with the same keys, and each rebuild
styled a dozen key widgets again, about a quarter of the screen's cost
(docs/PERFORMANCE.md). This footer remembers what it last showed and skips a rebuild that
would draw the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen

# What one shown key looks like: key, its display, description, action, enabled, tooltip,
# and the group it is drawn in.
ShownKey = tuple[str, str, str, str, bool, str, object]


def shown_keys(screen: Screen[object]) -> tuple[ShownKey, ...]:
    """Everything Footer.compose reads from the screen's active bindings."""
    app = screen.app
    palette = app.COMMAND_PALETTE_BINDING
    return tuple(
        (
            binding.key,
            app.get_key_display(binding),
            binding.description,
            binding.action,
            enabled,
            tooltip,
            binding.group,
        )
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show or key == palette
    )


class SteadyFooter(Footer):
    """Footer that does not rebuild its keys when they would come out the same."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._composed: tuple[ShownKey, ...] | None = None  # the keys on show

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed = shown_keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = shown_keys(screen)
        if shown == self._composed:
            return  # the same keys are on show already, or will be by the rebuild under way
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            # Footer rebuilds after the next refresh; the updates that come before it would
            # each ask for one more. Its compose records what it really drew.
            self._composed = shown
        super().bindings_changed(screen)
