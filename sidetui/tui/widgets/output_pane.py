"""One execution's output: stdout, stderr, both merged (stderr marked), its messages, its result
or error, and its details; with the tools of every output panel (status line, search, filter)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, Static, Tab, Tabs

from sidetui.core import EngineConfig, ExecutionRecord
from sidetui.core.output import OutputStream
from sidetui.core.output.log_tail import read_tail
from sidetui.tui.presentation import Presentation
from sidetui.tui.widgets.execution_summary import details_of, explaining_tab, result_of
from sidetui.tui.widgets.execution_tree import ChildrenCount
from sidetui.tui.widgets.line_filter import Content
from sidetui.tui.widgets.log_source import streams_of
from sidetui.tui.widgets.messages import messages_of
from sidetui.tui.widgets.output_gutter import UNKNOWN
from sidetui.tui.widgets.output_panel import OutputPanel
from sidetui.tui.widgets.output_view import OutputView

STREAM_TABS = ("stdout", "stderr", "merged")
TABS = (*STREAM_TABS, "messages", "result", "details")
SWITCHER_PANES = {  # the rest: "output"
    "messages": "messages",
    "result": "result",
    "details": "execution-details",
}


class OutputPane(OutputPanel):
    """What one execution printed and how it ended."""

    def __init__(
        self,
        presentation: Presentation,
        tail_config: EngineConfig,
        *,
        id: str | None = None,
        classes: str | None = None,
    ):
        super().__init__(presentation, id=id, classes=classes)
        self.tail_config = tail_config
        self._log_cache: dict[tuple[str, str], tuple[list[str], list[float]]] = {}
        self.record: ExecutionRecord | None = None
        self._merged_first = 0
        self.preferred_tab = "stdout"  # the tab the person chose last
        self._opened_for_them: str | None = None  # a tab opened by the pane, not by the person
        # What the executions an execution started have come to (the table's count), if known.
        self.children_of: Callable[[str], ChildrenCount | None] = lambda execution_id: None

    def compose(self) -> ComposeResult:
        yield Tabs(*(Tab(name, id=f"tab-{name}") for name in TABS), id="output-tabs")
        with ContentSwitcher(initial="output", id="output-switcher"):
            yield OutputView(id="output")
            yield VerticalScroll(Static(id="messages-body"), id="messages")
            yield VerticalScroll(Static(id="result-body"), id="result")
            yield VerticalScroll(Static(id="execution-details-body"), id="execution-details")
        yield from self.compose_tools()

    @property
    def tab(self) -> str:
        active = self.query_one(Tabs).active
        return active.removeprefix("tab-") if active else "stdout"

    def show_execution(self, record: ExecutionRecord | None) -> None:
        """Show `record`; another one opens on the tab that explains how it ended, else on the
        tab chosen last."""
        if record is not self.record:
            self.record = record
            self._open((record and explaining_tab(record)) or self.preferred_tab)
        self.refresh_output()

    def status_changed(self) -> None:
        """The shown execution changed status: once it has ended, a failure (or a result that
        says more than its output) opens the tab that explains it."""
        record = self.record
        if record is not None and self.tab in STREAM_TABS:
            explaining = explaining_tab(record)
            if explaining is not None:
                self._open(explaining)
        self.refresh_output()

    def children_changed(self) -> None:
        """One of the executions the shown one started (or their own) changed status: the
        details count them."""
        if self.tab == "details":
            self.refresh_output()

    def open_tab(self, tab: str) -> None:
        """The person asks for `tab`."""
        self.preferred_tab = tab
        self.query_one(Tabs).active = f"tab-{tab}"

    def _open(self, tab: str) -> None:
        if tab != self.tab:
            self._opened_for_them = tab
            self.query_one(Tabs).active = f"tab-{tab}"

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        tab = self.tab
        if tab == self._opened_for_them:
            self._opened_for_them = None
        else:
            self.preferred_tab = tab
        self.refresh_output()

    def refresh_output(self) -> None:
        """Bring the active tab up to date with the execution (called as output arrives)."""
        tab = self.tab
        self.query_one(ContentSwitcher).current = SWITCHER_PANES.get(tab, "output")
        record = self.record
        view = self.view
        if tab in STREAM_TABS:
            key = (record.side_execution_id if record else None, tab)
            view.placeholder = _nothing_shown(record, tab)
            view.prefix.origin = record.start_time if record else None
            if record is None:
                self.show_content(Content(key, []))
            elif tab == "merged" and record.from_history:
                view.placeholder = "The merged view is kept for this session's executions only."
                self.show_content(Content(key, []))
            elif tab == "merged":
                lines, marks, self._merged_first = record.merged_output()
                first, logs = self._merged_first, streams_of(record)
                self.show_content(Content(key, lines, first, marks, _times(record), logs=logs))
            elif record.from_history:
                view.placeholder = "Nothing in its log file."
                path = record.log_paths.get(tab)
                lines, times = self._logged(record, tab)
                self.show_content(
                    Content(key, lines, 0, None, times, log=Path(path) if path else None)
                )
            else:
                stream = record.stdout if tab == "stdout" else record.stderr
                self.show_content(_content_of(key, stream))
            return
        elif tab == "messages":
            self.query_one("#messages-body", Static).update(messages_of(record, self.presentation))
        elif tab == "result":
            self.query_one("#result-body", Static).update(result_of(record, self.presentation))
        else:
            children = self.children_of(record.side_execution_id) if record else None
            details = details_of(record, self.presentation, children)
            self.query_one("#execution-details-body", Static).update(details)
        self.update_status()

    def _logged(self, record: ExecutionRecord, tab: str) -> tuple[list[str], list[float]]:
        """An execution's output read back from its log file: once for an earlier one, at each
        refresh for one that another sidetui process runs."""
        key = (record.side_execution_id, tab)
        if key in self._log_cache:
            return self._log_cache[key]
        path = record.log_paths.get(tab)
        config = self.tail_config
        stream = (
            read_tail(Path(path), config.tail_lines, config.tail_bytes, config.line_max_bytes)
            if path and Path(path).exists()
            else None
        )
        lines = (stream.lines(), stream.line_times()) if stream else ([], [])
        if record.status.is_final:  # else it runs elsewhere, and its log grows
            self._log_cache[key] = lines
        return lines

    def status_parts(self) -> list[str]:
        parts: list[str] = []
        record, tab = self.record, self.tab
        if record is not None and tab in STREAM_TABS:
            view = self.view
            parts.append(f"{view.line_count} lines")
            stream = (
                record.stdout if tab == "stdout" else record.stderr if tab == "stderr" else None
            )
            if stream is not None and stream.first_line_number:
                parts.append(f"{stream.first_line_number:,} earlier in the log")
            if record.from_history:
                parts.append("from its log file")
            if tab == "merged" and self._merged_first:
                parts.append(f"{self._merged_first:,} earlier")
            parts.append(self.following_part())
        return parts


def _nothing_shown(record: ExecutionRecord | None, tab: str) -> str:
    """What an empty stream tab says."""
    if record is None:
        return "Launch something: enter on the catalog."
    if not record.status.is_final:
        return "Nothing printed yet."
    return f"It printed nothing on {tab}." if tab != "merged" else "It printed nothing."


def _content_of(key: object, stream: OutputStream | None) -> Content:
    """A live stream's tail, its unfinished line last."""
    if stream is None:
        return Content(key, [])
    lines, times = stream.lines(), stream.line_times()
    partial = stream.partial
    if partial:
        lines.append(partial)
        times.append(UNKNOWN)
    return Content(
        key,
        lines,
        stream.first_line_number,
        None,
        times,
        log=stream.log.path,
        partial=bool(partial),
    )


def _times(record: ExecutionRecord) -> list[float] | None:
    """The arrival times of the merged lines, interleaved as the lines are."""
    if record.interleaving is None or record.stdout is None or record.stderr is None:
        return None
    stdout, stderr = record.stdout.line_times(), record.stderr.line_times()
    merged = record.interleaving.merge(cast(list[str], stdout), cast(list[str], stderr))[0]
    return cast(list[float], merged)
