"""The main screen's actions on the output pane: search, follow, copy, open the log in a pager."""

from __future__ import annotations

import os
import shlex
import subprocess

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from sidetui.tui.widgets.output_pane import OutputPane
from sidetui.tui.widgets.output_view import OutputView


class OutputActions(Screen[None]):
    """Actions on the selected execution's output; the screen that has them composes an
    `OutputPane` and an `Input` with the id `search`."""

    _focus_before_search: Widget | None = None

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        if not search.has_focus:
            self._focus_before_search = self.focused
        search.display = True
        search.focus()

    def on_key(self, event: events.Key) -> None:
        """`escape` in the search field closes it and gives the focus back."""
        search = self.query_one("#search", Input)
        if event.key == "escape" and search.has_focus:
            search.display = False
            back = self._focus_before_search
            (back if back is not None and back.is_attached else self.query_one(OutputView)).focus()
            event.stop()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(OutputPane).open_tab(tab)

    def action_search_next(self) -> None:
        self._search(self.query_one("#search", Input).value, forward=True)

    def action_search_previous(self) -> None:
        self._search(self.query_one("#search", Input).value, forward=False)

    def _search(self, term: str, forward: bool) -> None:
        self.query_one(OutputPane).search(term, forward)

    def action_follow(self) -> None:
        pane = self.query_one(OutputPane)
        pane.view.toggle_follow()
        pane.refresh_output()

    def action_copy(self) -> None:
        pane = self.query_one(OutputPane)
        text = self.get_selected_text() or (
            pane.view.plain_text() if pane.tab in ("stdout", "stderr", "merged") else ""
        )
        if not text:
            self.notify("Nothing to copy.")
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied {text.count(chr(10)) + 1} line(s) to the clipboard.", timeout=2)

    def action_open_log(self) -> None:
        pane = self.query_one(OutputPane)
        record = pane.record
        stream = "stderr" if pane.tab == "stderr" else "stdout"
        path = record.log_paths.get(stream) if record else None
        if not path:
            self.notify("No log to open.")
            return
        pager = shlex.split(os.environ.get("PAGER") or "less -R")
        try:
            with self.app.suspend():
                subprocess.run([*pager, path], check=False)
        except Exception as error:  # no terminal to hand over (headless), or no such pager
            self.notify(f"Cannot open a pager here: {error}", severity="warning")
