"""A filter on what an output view shows: only the lines a query keeps.

With a log on disk the filter covers the whole log, not only the tail in memory: the engine scans
it on a search thread (`search_log`) and the matches stream in as they are found; lines that
arrive after the scan began are tested as they come. Without a log, it filters the lines in
memory. The merged views' filter, over many logs, is its sibling `LogsFilter`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sidetui.core.output.log_query import MAX_KEPT, LineQuery, SearchUpdate
from sidetui.core.output.log_search import search_log
from sidetui.core.terminal_text import strip_ansi
from sidetui.tui.widgets.log_source import LogSource
from sidetui.tui.widgets.output_gutter import UNKNOWN, Label


@dataclass
class Content:
    """What a view shows of one execution (or many): the lines and what goes with each."""

    key: object
    lines: Sequence[str]
    first: int = 0
    stderr: Sequence[bool] | None = None
    times: Sequence[float] | None = None
    labels: Sequence[Label] | None = None
    log: Path | None = None  # the whole log on disk these lines end, for a filter
    logs: Sequence[LogSource] | None = None  # a merged view's streams, for its filter
    partial: bool = False  # the last line is still being written


class LineFilter:
    """The lines one query keeps of one content."""

    def __init__(self, query: LineQuery, log: Path | None, source: object = None):
        self.query = query
        self.log = log
        self.source = source  # the key of the content it filters
        self.scan = SearchUpdate(done=log is None)
        self.lines: list[str] = []  # kept so far, oldest first (with a log)
        self.times: list[float] = []
        self.first = 0  # how many kept lines were let go (past MAX_KEPT)
        self._checked = -1  # with a log: lines numbered below this have been tested

    async def run(self, changed: Callable[[], None]) -> None:
        """Scan the log for matches, calling `changed` as they come; at once without a log."""
        if self.log is None:
            changed()
            return
        async for update in search_log(self.log, self.query):
            self.lines += update.texts
            self.times += [UNKNOWN] * len(update.texts)
            self.scan = replace(update, texts=[])
            self._bound()
            changed()

    def apply(self, content: Content) -> Content:
        """What shows of `content` under the filter."""
        if self.scan.error:  # a bad regular expression: nothing matches, the status says why
            return Content((content.key, self.query), [])
        if self.log is None:
            return self._in_memory(content)
        if self.scan.done:
            self._take_live(content)
        key = (content.key, self.query)
        return Content(key, self.lines, self.first, times=self.times, log=self.log)

    def _matches(self, line: str) -> bool:
        return self.query.matches(strip_ansi(line))

    def _in_memory(self, content: Content) -> Content:
        kept = [i for i, line in enumerate(content.lines) if self._matches(line)]
        self.scan.found = len(kept)

        def pick(values: Sequence[object] | None) -> list[object] | None:
            return None if values is None else [values[i] for i in kept]

        return Content(
            (content.key, self.query),
            [content.lines[i] for i in kept],
            0,
            pick(content.stderr),  # type: ignore[arg-type]
            pick(content.times),  # type: ignore[arg-type]
            pick(content.labels),  # type: ignore[arg-type]
        )

    def _take_live(self, content: Content) -> None:
        """Test the lines that arrived after the scan (not one still being written)."""
        if self._checked < 0:
            self._checked = self.scan.lines
        complete = len(content.lines) - (1 if content.partial else 0)
        start = max(self._checked, content.first)
        times = content.times
        for index in range(start - content.first, complete):
            line = content.lines[index]
            if self._matches(line):
                self.lines.append(line)
                self.times.append(times[index] if times is not None else UNKNOWN)
                self.scan.found += 1
        self._checked = max(self._checked, content.first + complete)
        self._bound()

    def _bound(self) -> None:
        if len(self.lines) > MAX_KEPT:
            extra = len(self.lines) - MAX_KEPT
            del self.lines[:extra], self.times[:extra]
            self.first += extra

    def summary(self) -> str:
        """What the status line says about the filter."""
        query = self.query
        flags = [word for on, word in ((query.regex, "regex"), (query.case_sensitive, "case"),
                                       (query.invert, "inverted")) if on]  # fmt: skip
        said = f"filter {query.text!r}" + (f" ({', '.join(flags)})" if flags else "")
        scan = self.scan
        if scan.error:
            return f"{said}: {scan.error}"
        found = f"{scan.found:,} lines"
        if scan.lines:  # a scan on disk counted them
            found = f"{scan.found:,} of {scan.lines:,} lines"
        if not scan.done and scan.total:
            return f"{said}: {found} · scanning {100 * scan.scanned // scan.total}%"
        return f"{said}: {found}"
