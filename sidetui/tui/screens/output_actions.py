"""The main screen's actions on output: search, filter, follow, timestamps, wrap, copy, the log
in a pager; the merged stream of every execution; a second pane pinned beside the first.

An action acts on the active output panel: the one that has the focus, else the one that had it
last, else the selected execution's pane. Timestamps and wrap apply to every output view."""

from __future__ import annotations

import os
import shlex
import subprocess

from textual import events
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from sidetui.tui.messages import OutputArrived
from sidetui.tui.widgets.all_output import AllOutput
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.filter_box import OutputFilterBox
from sidetui.tui.widgets.output_pane import STREAM_TABS, OutputPane
from sidetui.tui.widgets.output_panel import OutputPanel


class OutputActions(Screen[None]):
    """Actions on output; the screen that has them composes an `OutputPane` `#pane` (the
    selected execution), an `OutputPane` `#pinned` and an `AllOutput` `#all-output`."""

    _focus_before_search: Widget | None = None
    _last_panel: OutputPanel | None = None

    # -- which panel -----------------------------------------------------------------------------

    def active_panel(self) -> OutputPanel:
        """The panel with the focus, else the one that had it last, else `#pane`."""
        for panel in (_panel_of(self.focused), self._last_panel):
            if panel is not None and panel.is_attached and panel.display:
                return panel
        return self.main_panel()

    def main_panel(self) -> OutputPanel:
        """The merged stream when it is open, else the selected execution's pane."""
        every = self.query_one("#all-output", AllOutput)
        return every if every.display else self.query_one("#pane", OutputPane)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        panel = _panel_of(event.widget)
        if panel is not None:
            self._last_panel = panel

    def output_panes(self) -> tuple[OutputPane, OutputPane]:
        """The selected execution's pane and the pinned one (by id: a query of every widget
        on the screen by type took 1.5 ms, on each status change)."""
        return self.query_one("#pane", OutputPane), self.query_one("#pinned", OutputPane)

    def output_panels(self) -> tuple[OutputPanel, ...]:
        """Every output panel, in the order they are laid out."""
        pane, pinned = self.output_panes()
        return pane, self.query_one("#all-output", AllOutput), pinned

    def shown_panels(self) -> list[OutputPanel]:
        return [panel for panel in self.output_panels() if panel.display]

    # -- search ----------------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.active_panel().search_box
        if not search.has_focus:
            self._focus_before_search = self.focused
        search.display = True
        search.focus()

    def on_key(self, event: events.Key) -> None:
        """`escape` in a search field closes it and gives the focus back."""
        focused = self.focused
        panel = _panel_of(focused)
        if event.key == "escape" and panel is not None and focused is panel.search_box:
            panel.search_box.display = False
            back = self._focus_before_search
            (back if back is not None and back.is_attached else panel.view).focus()
            event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        panel = _panel_of(event.input)
        if event.input.id == "search" and panel is not None:
            panel.search(event.value, forward=True)

    def action_search_next(self) -> None:
        panel = self.active_panel()
        panel.search(panel.search_box.value, forward=True)

    def action_search_previous(self) -> None:
        panel = self.active_panel()
        panel.search(panel.search_box.value, forward=False)

    # -- filter, follow, timestamps, wrap ----------------------------------------------------------

    def action_filter(self) -> None:
        box = self.active_panel().filter_box
        box.display = True
        box.focus()

    def on_output_filter_box_done(self, message: OutputFilterBox.Done) -> None:
        panel = _panel_of(message.control)
        if panel is not None:
            panel.filter_box.display = bool(panel.filter_box.value)
            panel.view.focus()

    def action_follow(self) -> None:
        panel = self.active_panel()
        panel.view.toggle_follow()
        panel.refresh_output()

    def action_timestamps(self) -> None:
        """No times -> time of day -> time since the start -> no times, in every view."""
        mode = self.main_panel().view.prefix.next_time_mode()
        for panel in self.output_panels():
            panel.view.prefix.time_mode = mode
            panel.view.relayout()
            panel.update_status()

    def action_wrap(self) -> None:
        wrap = not self.main_panel().view.wrap
        for panel in self.output_panels():
            panel.view.set_wrap(wrap)
            panel.update_status()

    # -- the merged stream and the pinned pane ---------------------------------------------------

    def action_all_output(self, family: bool = False) -> None:
        """Open (or close) the merged stream: every execution, or the selected one's family."""
        every = self.query_one("#all-output", AllOutput)
        root = self.query_one(ExecutionsTable).selected_record if family else None
        if every.display and (every.root is root or not family):
            every.display = False
            self.query_one("#pane", OutputPane).display = True
            self.query_one("#pane", OutputPane).view.focus()
            return
        self.query_one("#pane", OutputPane).display = False
        every.display = True
        every.picked.clear()
        every.show_scope(root)
        every.view.focus()

    def action_pick(self) -> None:
        """Pick the selected execution for the merged stream, or take it out, and show it."""
        record = self.query_one(ExecutionsTable).selected_record
        if record is None:
            self.notify("Select an execution to pick.")
            return
        every = self.query_one("#all-output", AllOutput)
        if not every.display:
            self.action_all_output()
        every.toggle_pick(record)

    def action_pin(self) -> None:
        """Pin the selected execution's output in a second pane (again: unpin it)."""
        pinned = self.query_one("#pinned", OutputPane)
        record = self.query_one(ExecutionsTable).selected_record
        if pinned.display and (record is None or pinned.record is record):
            pinned.display = False
            pinned.show_execution(None)
            self.main_panel().view.focus()
            return
        if record is None:
            self.notify("Select an execution to pin.")
            return
        pinned.display = True
        pinned.show_execution(record)
        pinned.view.focus()

    def on_output_arrived(self, message: OutputArrived) -> None:
        for panel in self.shown_panels():
            if isinstance(panel, AllOutput) or (
                isinstance(panel, OutputPane) and _shows(panel, message.execution_ids)
            ):
                panel.refresh_output()

    # -- tabs, copy, pager -------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        panel = self.active_panel()
        pane = panel if isinstance(panel, OutputPane) else self.query_one("#pane", OutputPane)
        pane.open_tab(tab)

    def action_copy(self) -> None:
        panel = self.active_panel()
        shows_lines = not isinstance(panel, OutputPane) or panel.tab in STREAM_TABS
        text = self.get_selected_text() or (panel.view.plain_text() if shows_lines else "")
        if not text:
            self.notify("Nothing to copy.")
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied {text.count(chr(10)) + 1} line(s) to the clipboard.", timeout=2)

    def action_open_log(self) -> None:
        panel = self.active_panel()
        pane = panel if isinstance(panel, OutputPane) else self.query_one("#pane", OutputPane)
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


def _shows(panel: OutputPanel, execution_ids: frozenset[str]) -> bool:
    """Whether `panel` shows output of one of these executions."""
    if not isinstance(panel, OutputPane):
        return True  # the merged stream shows them all
    return panel.record is not None and panel.record.side_execution_id in execution_ids


def _panel_of(widget: DOMNode | None) -> OutputPanel | None:
    """The output panel `widget` is in, if any."""
    node = widget
    while node is not None:
        if isinstance(node, OutputPanel):
            return node
        parent = node.parent
        node = parent
    return None
