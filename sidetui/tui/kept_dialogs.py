"""Launch dialogs that stay mounted after they close, until the next one opens.

Textual removes a closed dialog from the DOM, and the removal lays out and repaints the whole
screen below once more (the app's `refresh(layout=True)` after the prune): ~25 ms that came
40-60 ms after `ctrl+s`, when the launched child prints its first line, which waited for it. A
dialog pushed here is installed, so closing it only hides it; it is removed when the next one
opens, over that one, where the repaint costs nothing anyone waits for.
"""

from __future__ import annotations

import itertools
from typing import Any

from textual.app import App
from textual.screen import Screen, ScreenResultCallbackType


class KeptDialogs:
    """Pushes dialogs that are removed only when the next one is pushed."""

    def __init__(self) -> None:
        self._kept: tuple[str, Screen[Any]] | None = None
        self._names = (f"kept-dialog-{n}" for n in itertools.count())

    def push(
        self,
        app: App[Any],
        screen: Screen[Any],
        callback: ScreenResultCallbackType[Any] | None = None,
    ) -> None:
        """Push `screen` on `app`, after removing the dialog kept from the last push."""
        if self._kept is not None:
            name, kept = self._kept
            if kept not in app.screen_stack:  # dialogs open from the main screen, one at a time
                app.uninstall_screen(name)
                kept.remove()
        name = next(self._names)
        app.install_screen(screen, name)
        self._kept = name, screen
        app.push_screen(name, callback)
