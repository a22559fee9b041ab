"""A filter on a merged view (many executions' output, or one's stdout and stderr together): the
lines a query keeps of every shown stream's whole log on disk, in the order they arrived.

The engine scans the logs on a search thread (`search_logs`), one after the other, and the
matches stream in, each in its place by arrival time; lines that arrive after a log's scan are
tested as they come. A stream without a log on disk (deleted, or unreadable) is filtered in
memory, as is one that joins the view after the filter began.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sidetui.core.output import OutputStream
from sidetui.core.output.log_query import LineQuery, SearchUpdate
from sidetui.core.output.merged_search import ArrivalOrder, search_logs, timed_match
from sidetui.tui.widgets.line_filter import Content, LineFilter
from sidetui.tui.widgets.output_gutter import UNKNOWN, Label


@dataclass(frozen=True)
class LogSource:
    """One stream a merged view shows: its tail in memory (and log on disk), and how its lines
    are marked there."""

    key: object  # the same stream, the same key: (execution id, stream name)
    stream: OutputStream
    label: Label | None = None
    stderr: bool = False

    @property
    def log(self) -> Path | None:
        """Its whole log on disk, if it is there."""
        path = self.stream.log.path
        return path if path.is_file() else None


def filter_of(query: LineQuery, content: Content) -> LineFilter:
    """The filter for `content`: over its logs for a merged view, else over its one log."""
    if content.logs is not None:
        return LogsFilter(query, content.logs, content.key)
    return LineFilter(query, content.log, content.key)


class LogsFilter(LineFilter):
    """The lines one query keeps of the streams of a merged view, in arrival order."""

    def __init__(self, query: LineQuery, sources: Sequence[LogSource], source: object = None):
        super().__init__(query, None, source)
        self.sources: list[LogSource] = []
        self.labels: list[Label] = []
        self.stderr: list[bool] = []
        self.order = ArrivalOrder()
        self._keys: set[object] = set()
        self._tested: list[int | None] = []  # per source: its lines tested (None: being scanned)
        self._live_found = 0
        on_disk = [s for s in sources if s.log is not None]  # first: numbered as the scan's logs
        self._logs = [s.log for s in on_disk if s.log is not None]
        self._add(on_disk, scanned=True)
        self._add(sources, scanned=False)
        self.scan = SearchUpdate(done=not self._logs)
        self._labelled = any(s.label is not None for s in sources)
        self._built = -1  # the matches last turned into lines (let go + kept), or -1

    def _add(self, sources: Sequence[LogSource], scanned: bool) -> None:
        for source in sources:
            if source.key not in self._keys:
                self._keys.add(source.key)
                self.sources.append(source)
                self._tested.append(None if scanned else 0)

    async def run(self, changed: Callable[[], None]) -> None:
        """Scan the logs for matches, calling `changed` as they come; at once without logs."""
        if not self._logs:
            changed()
            return
        async for update in search_logs(self._logs, self.query):
            self.order.add(update.matches)
            if update.scan.done:  # a log it could not read: its lines in memory instead
                self._tested[update.log] = 0 if update.scan.error else update.scan.lines
            self.scan = update.progress
            self.scan.found += self._live_found
            changed()

    def apply(self, content: Content) -> Content:
        """What shows of the merged `content` under the filter."""
        key = (content.key, self.query)
        if self.scan.error:  # a bad regular expression: nothing matches, the status says why
            return Content(key, [])
        self._add(content.logs or [], scanned=False)
        self._take_new()
        self._build()
        labels = self.labels if self._labelled else None
        return Content(key, self.lines, self.first, self.stderr, self.times, labels)

    def _take_new(self) -> None:
        """Test the lines that arrived in memory after each stream's scan (or since the last
        time), each in its place by arrival time."""
        found = []
        for index, source in enumerate(self.sources):
            tested, stream = self._tested[index], source.stream
            if tested is None or stream.lines_total <= tested:
                continue
            lines, times = stream.lines(), stream.line_times()
            first = stream.lines_total - len(lines)
            for at in range(max(tested, first) - first, len(lines)):
                if self._matches(lines[at]):
                    when = times[at] if times[at] != UNKNOWN else None
                    found.append(timed_match(when, index, first + at, lines[at]))
            self._tested[index] = stream.lines_total
        if found:
            self._live_found += len(found)
            self.scan.found += len(found)
            self.order.add(found)

    def _build(self) -> None:
        """The kept matches as the view's columns, when they changed."""
        order = self.order
        if self._built == order.let_go + len(order.matches):
            return
        self._built = order.let_go + len(order.matches)
        sources = self.sources
        self.lines = [match.text for match in order.matches]
        self.times = [match.time for match in order.matches]
        self.labels = [sources[match.log].label or ("", "") for match in order.matches]
        self.stderr = [sources[match.log].stderr for match in order.matches]
        self.first = order.let_go
