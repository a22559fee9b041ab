"""A filter on a merged view (many executions' output, or one's stdout and stderr together): the
lines a query keeps of every shown stream's whole log on disk, in the order they arrived.

The engine scans the logs on a search thread (`search_logs`), one after the other, and the
matches stream in, each in its place by arrival time; lines that arrive after a log's scan are
tested as they come. A stream without a log on disk (deleted, or unreadable) is filtered in
memory, as is one that joins the view after the filter began, and the blocks' messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sidetui.core.output.log_query import LineQuery, SearchUpdate
from sidetui.core.output.merged_search import ArrivalOrder, TimedMatch, search_logs, timed_match
from sidetui.tui.widgets.line_filter import Content, LineFilter
from sidetui.tui.widgets.log_source import LogSource
from sidetui.tui.widgets.output_gutter import UNKNOWN, Label


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
        self._untimed: set[int] = set()  # sources whose logs do not time their lines
        self._live_found = 0
        on_disk = [(s, log) for s in sources if (log := s.log) is not None]
        self._logs = [log for _, log in on_disk]
        self._add([s for s, _ in on_disk], scanned=True)  # first: numbered as the scan's logs
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
            if not update.timed:  # all its lines untimed, so that they stay in their order
                self._untimed.add(update.log)
            self.order.add(self._retimed(update.matches))
            if update.scan.error:  # a log it could not read: its lines in memory instead
                self._tested[update.log] = 0
                self._untimed.discard(update.log)
            elif update.scan.done:
                self._tested[update.log] = update.scan.lines
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

    def _retimed(self, matches: list[TimedMatch]) -> list[TimedMatch]:
        """Scanned matches still in memory, with their times from there: a running stream's
        times file may not have its latest records yet."""
        if not matches or matches[0].log in self._untimed:
            return matches
        tail = self.sources[matches[0].log].tail
        first = tail.first_line_number
        if matches[-1].number < first:
            return matches
        times = tail.line_times()
        return [
            m._replace(untimed=False, time=times[at])
            if 0 <= (at := m.number - first) < len(times) and times[at] != UNKNOWN
            else m
            for m in matches
        ]

    def _take_new(self) -> None:
        """Test the lines that arrived in memory after each stream's scan (or since the last
        time), each in its place by arrival time."""
        found = []
        for index, source in enumerate(self.sources):
            tested, tail = self._tested[index], source.tail
            if tested is None or tail.lines_total <= tested:
                continue
            lines, times = tail.lines(), tail.line_times()
            first = tail.lines_total - len(lines)
            for at in range(max(tested, first) - first, len(lines)):
                if self._matches(lines[at]):
                    known = times[at] != UNKNOWN and index not in self._untimed
                    when = times[at] if known else None
                    found.append(timed_match(when, index, first + at, lines[at]))
            self._tested[index] = tail.lines_total
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
        _, times, logs, _, texts = zip(*order.matches, strict=True) if order.matches else ((),) * 5
        labels = [source.label or ("", "") for source in self.sources]
        marks = [source.stderr for source in self.sources]
        self.lines, self.times = list(texts), list(times)
        self.labels, self.stderr = (
            list(map(labels.__getitem__, logs)),
            list(map(marks.__getitem__, logs)),
        )
        self.first = order.let_go
