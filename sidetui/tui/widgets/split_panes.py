"""Output panels side by side (the selected execution's and a pinned one), stacked one above
the other when the terminal is too narrow for two readable columns."""

from __future__ import annotations

from textual import events
from textual.containers import Horizontal

NARROW = 110  # columns under which two panes stack


class OutputPanes(Horizontal):
    """The output panels on screen, side by side or stacked."""

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "stacked")
