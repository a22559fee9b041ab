"""A footer that fits: at 80 columns it shows the keys that matter most, whole, and drops the
rest (the help screen, `?`, lists every key); wider, it shows more.

Textual's footer lays out every shown binding in a row that a narrow terminal cuts mid-word.
This one measures the keys once they are composed and hides, from the least important up, those
that do not fit.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
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

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        self._fit(keys)  # before they are shown: no frame with keys cut mid-word
        yield from keys

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


def _action(key: FooterKey) -> str:
    return key.action.split("(")[0].rsplit(".", 1)[-1]


def _width(key: FooterKey) -> int:
    return cell_len(key.key_display) + (cell_len(key.description) + 1 if key.description else 0)
