"""A footer that fits: at 80 columns it shows the keys that matter most, whole, and drops the
rest (the help screen, `?`, lists every key); wider, it shows more.

Textual's footer lays out every shown binding in a row that a narrow terminal cuts mid-word.
This one measures the keys once they are composed and hides, from the least important up, those
that do not fit.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Actions (without their namespace), most important first; those not named here come after
# them, in the footer's order.
PRIORITY = (
    "help",
    "quit",
    "select_cursor",  # enter in the catalog: launch
    "focus_output",  # enter in the executions: the output
    "focus_filter",
    "stop",
    "search",
    "rerun",
    "inline_code",
    "follow",
    "stop_all",
    "copy",
    "new_block",
    "clear_finished",
    "open_log",
    "history_scope",
)


class KeyFooter(Footer):
    """The footer of the main screen."""

    _composed: tuple[object, ...] | None = None  # the keys it shows, as `_keys` tells them

    def compose(self) -> ComposeResult:
        self._composed = _keys(self.screen) if self._bindings_ready else None
        keys = list(super().compose())
        self._fit(keys)  # before they are shown: no frame with keys cut mid-word
        yield from keys

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Compose again only when the keys to show changed: the screen tells of a change of
        bindings on every focus move and state change, and composing the keys again (mounting
        and styling them) cost a frame of ~0.1 s while executions were starting."""
        if screen is self.screen and self._composed is not None and _keys(screen) == self._composed:
            return
        super().bindings_changed(screen)

    def on_resize(self) -> None:
        self._fit(list(self.children))

    def _fit(self, widgets: list[Widget]) -> None:
        keys = [key for key in widgets if isinstance(key, FooterKey)]
        palette = sum(_width(key) + 2 for key in keys if key.has_class("-command-palette"))
        keys = [key for key in keys if not key.has_class("-command-palette")]
        room = self.size.width - palette
        rank = {action: n for n, action in enumerate(PRIORITY)}
        order = sorted(keys, key=lambda key: rank.get(_action(key), len(PRIORITY)))
        fits = True
        for key in order:  # the most important ones that fit, whole; none after the first that
            width = _width(key) + 1  # does not (with its margin)
            fits = fits and width <= room
            key.display = fits
            room -= width if fits else 0


def _keys(screen: Screen[Any]) -> tuple[object, ...]:
    """What the footer shows of the screen's bindings: key, action, words, whether enabled."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip, binding.show)
        for _, binding, enabled, tooltip in screen.active_bindings.values()
    )


def _action(key: FooterKey) -> str:
    return key.action.split("(")[0].rsplit(".", 1)[-1]


def _width(key: FooterKey) -> int:
    return cell_len(key.key_display) + (cell_len(key.description) + 1 if key.description else 0)
