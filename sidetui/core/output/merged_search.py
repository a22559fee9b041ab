"""The matching lines of several logs in the order they arrived: a filter over a merged view.

Each log is scanned as a single one is (`search_log`: GNU grep where it can, else in Python), one
after the other, its matches numbered and timed from the log's times file (the time of the read
that brought each line's newline). `ArrivalOrder` keeps the matches of all of them in arrival
order as they stream in: by time, those without a known time after the rest, in log order.
"""

from __future__ import annotations

import bisect
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from sidetui.core.output.line_times import LineTimes
from sidetui.core.output.log_query import MAX_KEPT, LineQuery, SearchUpdate
from sidetui.core.output.log_search import log_size, search_log
from sidetui.core.workers import in_search_thread


class TimedMatch(NamedTuple):
    """One matching line of one of the logs; matches compare in arrival order."""

    untimed: bool  # its time is not known: after every timed match
    time: float  # epoch seconds (0.0 when untimed)
    log: int  # which of the logs (its index)
    number: int  # its line number in that log (0-based)
    text: str  # as shown


def timed_match(time: float | None, log: int, number: int, text: str) -> TimedMatch:
    """A match at `time` (None: not known)."""
    return TimedMatch(time is None, time or 0.0, log, number, text)


@dataclass
class LogsUpdate:
    """What the scan of one of the logs found since the last update, and how far all got."""

    log: int  # the log it is about (its index)
    scan: SearchUpdate  # that log's own update (its `done`, `lines`, `error`), without the texts
    matches: list[TimedMatch]  # its new matches, timed
    timed: bool  # whether its times file times its lines (else every match of it is untimed)
    progress: SearchUpdate  # across every log: bytes, lines, matches; done after the last


async def search_logs(logs: Sequence[Path], query: LineQuery) -> AsyncGenerator[LogsUpdate, None]:
    """Scan `logs` one after the other, each as far as it reaches when its turn comes; nothing
    without logs. A log that cannot be read ends with its `scan.error`. Leaving the loop stops
    the scan that runs."""
    sizes = [log_size(path) for path in logs]
    progress = SearchUpdate(total=sum(sizes))
    finished = SearchUpdate()  # what the logs done so far add up to
    for index, path in enumerate(logs):
        times = await in_search_thread(LineTimes.read, path)
        async with aclosing(search_log(path, query, numbered=True)) as scan:
            async for update in scan:
                matches = (
                    await in_search_thread(_timed, update, times, index) if update.texts else []
                )
                covered = update.total if update.done else max(update.total, sizes[index])
                progress.total = finished.total + covered + sum(sizes[index + 1 :])
                progress.scanned = finished.scanned + update.scanned
                progress.lines = finished.lines + update.lines
                progress.found = finished.found + update.found
                if update.done:
                    finished = replace(progress, total=finished.total + covered)
                    progress.done = index == len(logs) - 1
                own = replace(update, texts=[], numbers=[])
                yield LogsUpdate(index, own, matches, bool(times.counts), replace(progress))


def _timed(update: SearchUpdate, times: LineTimes, log: int) -> list[TimedMatch]:
    """The matches of an update of `log`, timed: on a search thread, as tens of thousands of
    them take a while, and the app's loop gets its turns meanwhile."""
    return [
        timed_match(times.of_line(number), log, number, text)
        for number, text in zip(update.numbers, update.texts, strict=True)
    ]


class ArrivalOrder:
    """Matches of several logs in arrival order, at most `max_kept`: the earliest are let go."""

    def __init__(self, max_kept: int = MAX_KEPT):
        self.matches: list[TimedMatch] = []
        self.let_go = 0  # matches let go, the earliest first
        self._max = max_kept

    def add(self, matches: Sequence[TimedMatch]) -> None:
        """Put `matches` in their places: most often after the last (only the matches past the
        first new one are sorted again)."""
        new = sorted(matches)
        if not new:
            return
        kept = self.matches
        if kept and new[0] < kept[-1]:
            at = bisect.bisect_right(kept, new[0])
            new = sorted(kept[at:] + new)  # two sorted runs: merged in one pass
            del kept[at:]
        kept += new
        if len(kept) > self._max:
            extra = len(kept) - self._max
            del kept[:extra]
            self.let_go += extra
