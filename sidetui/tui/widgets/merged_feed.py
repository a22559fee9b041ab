"""All output in one stream: the lines of many executions interleaved in the order they arrived,
each with its execution's short coloured label, and the messages the blocks sent as marked lines
(as `docker compose logs -f` shows its services).

Nothing is copied as it arrives: at each refresh the feed takes from the engine's tails the lines
that came since the last one (by each stream's line count), sorts that batch by arrival time and
appends it to its own bounded tail. A stream that printed more than its tail holds between two
refreshes loses the lines the engine let go; the feed counts them.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import math
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import NamedTuple

from sidetui.core import ExecutionRecord
from sidetui.core.records.block_message import BlockMessage
from sidetui.core.terminal_text import one_line, strip_ansi
from sidetui.tui.widgets.output_gutter import Label

MAX_LINES = 5_000
LABEL_MAX = 14
MESSAGE_MARK = "\x1b[1;35m✉ {kind}\x1b[0m "  # a message drawn as a line: bold magenta mark
Run = tuple[list[float], list[str], Label, bool]  # times, lines, label, from stderr
Reads = list[tuple[float, int]]  # (arrival time, lines) of each read, newest first
Newest = Callable[[int], tuple[list[str], list[float]]]  # the newest n lines and their times
COLOURS = ("#4ec9b0", "#dcdcaa", "#c586c0", "#569cd6", "#ce9178", "#9cdcfe", "#b5cea8", "#d16969")


class Arrived(NamedTuple):
    """What one stream brought since the feed last looked, not decoded yet."""

    reads: Reads
    newest: Newest
    label: Label
    stderr: bool


class MergedFeed:
    """The last lines of every execution it is told about, in arrival order."""

    def __init__(self, max_lines: int = MAX_LINES):
        self.lines: deque[str] = deque(maxlen=max_lines)
        self.times: deque[float] = deque(maxlen=max_lines)
        self.labels: deque[Label] = deque(maxlen=max_lines)
        self.stderr: deque[bool] = deque(maxlen=max_lines)
        self.appended = 0  # lines ever appended: the number of the next one
        self.missed = 0  # lines the engine let go before the feed took them
        self._seen: dict[tuple[str, str], int] = {}  # (id, stream) -> lines taken
        self._messages_seen: dict[str, int] = {}
        self._labels: dict[str, Label] = {}
        self._names: dict[str, int] = {}

    @property
    def first(self) -> int:
        """Number of the oldest line still held."""
        return self.appended - len(self.lines)

    def label(self, record: ExecutionRecord) -> Label:
        """The execution's short label (its block's name, numbered when several share it) and
        its colour, the same for as long as the feed lives."""
        execution_id = record.side_execution_id
        if execution_id not in self._labels:
            name = one_line(PurePath(record.action_block).name or record.action_block)[:LABEL_MAX]
            count = self._names[name] = self._names.get(name, 0) + 1
            colour = COLOURS[len(self._labels) % len(COLOURS)]
            self._labels[execution_id] = (f"{name}-{count}" if count > 1 else name, colour)
        return self._labels[execution_id]

    def update(self, records: Iterable[ExecutionRecord]) -> bool:
        """Take what arrived since the last call from `records`; whether anything did."""
        return self.take([arrived for record in records for arrived in self.collect(record)])

    def collect(self, record: ExecutionRecord) -> list[Arrived]:
        """What arrived from `record` since it was last collected, per stream, and its
        messages; for `take`, which decodes only what the feed will hold."""
        label = self.label(record)
        arrived: list[Arrived] = []
        for stream in (record.stdout, record.stderr):
            if stream is None:
                continue
            key = (record.side_execution_id, stream.name)
            new = stream.lines_total - self._seen.get(key, 0)
            if new <= 0:
                continue
            self._seen[key] = stream.lines_total
            reads = stream.reads(min(new, self.lines.maxlen or new))
            self.missed += new - sum(count for _, count in reads)
            newest = functools.partial(stream.lines_before, stream.lines_total)
            arrived.append(Arrived(reads, newest, label, stream.name == "stderr"))
        if messages := self._new_messages(record):
            times, said = [m.time for m in messages], [_said(m) for m in messages]
            reads = [(when, 1) for when in reversed(times)]
            arrived.append(Arrived(reads, lambda n: (said[-n:], times[-n:]), label, False))
        return arrived

    def take(self, arrived: list[Arrived]) -> bool:
        """Append what `collect` found, decoding only the lines recent enough for the feed to
        hold; whether there was anything."""
        since = _cutoff([a.reads for a in arrived], self.lines.maxlen or 0)
        runs: list[Run] = []
        passed = 0  # lines too old to be held: appended without being decoded
        for reads, newest, label, stderr in arrived:
            lines, times = newest(sum(count for when, count in reads if when >= since))
            runs.append((times, lines, label, stderr))
            passed += sum(count for _, count in reads) - len(lines)
        self.append(runs)
        self.appended += passed
        return bool(arrived)

    def append(self, runs: list[Run]) -> bool:
        """Append decoded runs in arrival order; whether there was anything."""
        if runs:
            self._append(runs)
        return bool(runs)

    def _append(self, runs: list[Run]) -> None:
        """Append the lines of `runs` in arrival order, a slice at a time: the lines of one read
        share its time, so a refresh sorts a few slices (time, run, start, end), not every line;
        of a batch larger than the feed, only the newest lines it holds are appended."""
        slices = sorted(
            (times[start], order, start, end)
            for order, (times, *_) in enumerate(runs)
            for start, end in _same_time(times)
        )  # by time; at equal times, one stream's lines stay together and in order
        total = sum(end - start for _, _, start, end in slices)
        skip = total - (self.lines.maxlen or total)  # lines that would only pass through
        for _, order, start, end in slices:
            if skip >= end - start:
                skip -= end - start
                continue
            start, skip = start + max(0, skip), 0
            times, lines, label, stderr = runs[order]
            self.lines.extend(lines[start:end])
            self.times.extend(times[start:end])
            self.labels.extend(itertools.repeat(label, end - start))
            self.stderr.extend(itertools.repeat(stderr, end - start))
        self.appended += total

    def _new_messages(self, record: ExecutionRecord) -> list[BlockMessage]:
        total = record.messages_dropped + len(record.messages)
        seen = self._messages_seen.get(record.side_execution_id, 0)
        if total <= seen:
            return []
        self._messages_seen[record.side_execution_id] = total
        return record.messages[max(0, len(record.messages) - (total - seen)) :]


class MessageTail:
    """An execution's messages as the marked lines the stream shows: numbered, timed and read
    as a stream's tail is (for a filter)."""

    def __init__(self, record: ExecutionRecord):
        self.record = record

    @property
    def lines_total(self) -> int:
        return self.record.messages_dropped + len(self.record.messages)

    @property
    def first_line_number(self) -> int:
        return self.record.messages_dropped

    def lines(self) -> list[str]:
        return [_said(message) for message in self.record.messages]

    def line_times(self) -> list[float]:
        return [message.time for message in self.record.messages]


def _cutoff(reads: list[Reads], room: int) -> float:
    """The arrival time from which on the reads bring at least `room` lines: the lines the feed
    will hold all came then or later (-inf when the reads bring fewer)."""
    held = 0
    for when, count in heapq.merge(*reads, reverse=True):
        held += count
        if held >= room:
            return when
    return -math.inf


def _same_time(times: list[float]) -> list[tuple[int, int]]:
    """The (start, end) of each run of equal times in `times` (ascending)."""
    spans, start = [], 0
    while start < len(times):
        end = bisect.bisect_right(times, times[start], start)
        spans.append((start, end))
        start = end
    return spans


def _said(message: BlockMessage) -> str:
    """A message as a marked line of the stream."""
    kind = message.kind + (f" {message.event_type}" if message.event_type else "")
    return MESSAGE_MARK.format(kind=strip_ansi(one_line(kind))) + strip_ansi(one_line(message.text))
