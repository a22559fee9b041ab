"""The merged stream's panel: every execution's output in one view (or one execution's and its
children's), each line labelled with its execution, messages marked; follow, search, filter,
timestamps and wrap work there as in any output panel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from textual.app import ComposeResult
from textual.timer import Timer

from sidetui.core import ExecutionRecord
from sidetui.core.terminal_text import one_line
from sidetui.tui.presentation import Presentation
from sidetui.tui.widgets.line_filter import Content
from sidetui.tui.widgets.log_source import LogSource, streams_of
from sidetui.tui.widgets.merged_feed import MergedFeed, MessageTail
from sidetui.tui.widgets.output_panel import OutputPanel
from sidetui.tui.widgets.output_view import OutputView

Records = Callable[[], Iterable[ExecutionRecord]]
BUSY_SHARE = 4  # a refresh that kept the loop busy for t: the next one 4t after it began


class AllOutput(OutputPanel):
    """The lines of many executions as they arrived."""

    def __init__(self, presentation: Presentation, records: Records, *, id: str | None = None):
        super().__init__(presentation, id=id)
        self._records = records
        self.root: ExecutionRecord | None = None  # one execution and its children, or all
        self.picked: set[str] = set()  # the executions the person picked (without a root)
        self.feed = MergedFeed()
        self._generation = 0
        self._last = self._cost = 0.0  # when the last refresh began, and what it took
        self._deferred: Timer | None = None
        self._refreshing = self._again = False

    def compose(self) -> ComposeResult:
        yield OutputView(id="all-output-view")
        yield from self.compose_tools()

    def show_scope(self, root: ExecutionRecord | None) -> None:
        """Show from the tails on every execution's output - or the picked ones' when some
        are - (`root` None), or `root`'s and its descendants'."""
        self.root = root
        self._start_over()
        self._refresh_now()

    def toggle_pick(self, record: ExecutionRecord) -> None:
        """Add `record` to the picked executions, or take it out; show the picked ones."""
        self.picked ^= {record.side_execution_id}
        self.root = None
        self._start_over()
        self._refresh_now()

    def _start_over(self) -> None:
        self.feed = MergedFeed()
        self._generation += 1
        self.view.following = True

    def shown_records(self) -> list[ExecutionRecord]:
        """The executions in the stream: this session's (history runs have no live tails)."""
        records = [r for r in self._records() if not r.from_history]
        if self.root is None:
            picked = self.picked
            return [r for r in records if r.side_execution_id in picked] if picked else records
        family = {self.root.side_execution_id}
        for record in sorted(records, key=lambda r: r.start_time):
            if record.parent_execution_id in family:
                family.add(record.side_execution_id)
        return [r for r in records if r.side_execution_id in family]

    def refresh_output(self) -> None:
        """Refresh soon: under a flood of many executions, a refresh that kept the loop busy
        for t waits until BUSY_SHARE * t after the last one began, and reads the executions
        one at a time, letting keys in between."""
        if self._refreshing:
            self._again = True
            return
        wait = self._last + BUSY_SHARE * self._cost - time.monotonic()
        if wait <= 0:
            self._start_refresh()
        elif self._deferred is None:
            self._deferred = self.set_timer(wait, self._start_refresh)

    def _start_refresh(self) -> None:
        self._deferred = None
        self._refreshing = True
        self.run_worker(self._refresh_in_steps(), group="merged-refresh")

    async def _refresh_in_steps(self) -> None:
        self._last = time.monotonic()
        feed, busy, arrived = self.feed, 0.0, []
        try:
            for record in self.shown_records():
                began = time.monotonic()
                arrived += feed.collect(record)
                busy += time.monotonic() - began
                await asyncio.sleep(0)  # keys waiting go first
            if feed is self.feed:  # else the scope changed meanwhile
                began = time.monotonic()
                feed.take(arrived)
                self._show()
                self._cost = busy + time.monotonic() - began
        finally:
            self._refreshing = False
        if self._again:
            self._again = False
            self.refresh_output()

    def _refresh_now(self) -> None:
        """Refresh at once, in one go (the stream was just opened)."""
        if self._deferred is not None:
            self._deferred.stop()
            self._deferred = None
        self.feed.update(self.shown_records())
        self._show()

    def _show(self) -> None:
        records = self.shown_records()
        feed, view = self.feed, self.view
        view.prefix.origin = min((r.start_time for r in records), default=None)
        view.placeholder = "Nothing printed yet." if records else "Nothing runs in this session."
        key = ("all", self._generation)
        content = Content(key, feed.lines, feed.first, feed.stderr, feed.times, feed.labels)
        if self.filter_box.line_query is not None:
            content.logs = [source for record in records for source in self._sources(record)]
        self.show_content(content)

    def _sources(self, record: ExecutionRecord) -> list[LogSource]:
        """What a filter covers of `record`: its logs on disk and its messages in memory."""
        label = self.feed.label(record)
        messages = LogSource(
            (record.side_execution_id, "messages"), MessageTail(record), None, label
        )
        return [*streams_of(record, label), messages]

    def status_parts(self) -> list[str]:
        feed = self.feed
        if self.root:
            scope = f"{one_line(self.root.action_block)} and its children"
        else:
            scope = f"{len(self.picked)} picked (+: pick)" if self.picked else "every execution"
        parts = [f"all output: {scope}", f"{len(feed.lines)} lines"]
        if feed.first:
            parts.append(f"{feed.first:,} earlier")
        if feed.missed:
            parts.append(f"{feed.missed:,} not kept")
        parts.append(self.following_part())
        return parts
