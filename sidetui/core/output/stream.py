"""One output stream of a child: raw bytes to a log file, decoded lines into a bounded tail.

This is the hot path of a chatty child, so reading stays in C: one write, one decode, one count and
one append per chunk read from the pipe; lines are cut out only when someone looks.
"""

from __future__ import annotations

import codecs
import itertools
import time
from collections import deque
from typing import NamedTuple

from sidetui.core.output.line_cuts import after_last_cr, collapse_cr, cut_lines, shorten
from sidetui.core.output.line_times import TimesFile
from sidetui.core.output.log_file import LogFile, LogWriter

UNKNOWN_TIME = 0.0  # a line's arrival time when it is not known (a log kept before times were)


class Pending(NamedTuple):
    """New lines for listeners: their arrival times (epoch seconds), the number of the first,
    and how many were lost before it."""

    lines: list[str]
    times: list[float]
    first: int
    dropped: int


class OutputStream:
    """stdout or stderr of one execution, as bytes on disk and as a bounded tail of lines.

    Reading keeps the raw bytes of complete lines in chunks (a newline byte never occurs inside a
    UTF-8 character, so cutting there is safe), as slices of what was read, not copies. Lines are
    decoded and cut from the chunks only when someone reads the tail (`lines`, `take_pending`),
    and that view is cached until more output arrives: a flood costs a write, a count and an
    append per read, not work per line.

    The tail holds at most `tail_lines` lines and `tail_bytes` bytes; no line in memory is longer
    than `line_max` bytes (a longer one keeps its start and ends with a note of what was cut).
    Each line has the arrival time of the read that brought its newline; with `times`, those
    times are also kept on disk beside the log.
    """

    def __init__(
        self,
        name: str,
        log: LogFile,
        tail_lines: int,
        tail_bytes: int,
        line_max: int,
        times: TimesFile | None = None,
    ):
        self.name = name
        self.log = log
        self.times = times
        self.copies: list[LogFile] = []  # more places the raw bytes go as they arrive (a CLI's)
        self.bytes_total = 0
        self.lines_total = 0  # complete lines seen, kept in the tail or not
        self.closed = False
        self.collecting = False  # someone listens: the manager flushes batches of new lines
        self.partial_changed = False
        self._tail_lines = max(1, tail_lines)
        self._tail_bytes = tail_bytes
        self._line_max = line_max
        self._chunks: deque[bytes | memoryview] = deque()  # complete lines, oldest first
        self._chunk_lines: deque[int] = deque()
        self._chunk_times: deque[float] = deque()  # arrival of each chunk
        self._first_starts_line = True
        self._kept_lines = 0
        self._kept_bytes = 0
        self._view: list[str] | None = None
        self._view_times: list[float] = []
        self._taken = 0  # lines_total when listeners last took their batch
        self._partial: list[bytes] = []
        self._partial_len = 0
        self._partial_dropped = 0

    # -- reading ---------------------------------------------------------------------------------

    @property
    def partial(self) -> str:
        """The line being written now (no newline yet): a progress bar, a prompt."""
        raw = b"".join(self._partial)
        if b"\r" in raw:
            raw = collapse_cr(raw)
        text, _ = codecs.utf_8_decode(raw, "replace", False)  # a character still arriving waits
        return text

    def lines(self) -> list[str]:
        """The tail: the last complete lines, within the line and size bounds."""
        return list(self._tail())

    def line_times(self) -> list[float]:
        """Arrival time (epoch seconds, `UNKNOWN_TIME` if not known) of each line of `lines()`."""
        self._tail()
        return list(self._view_times)

    def lines_before(self, end: int, count: int) -> tuple[list[str], list[float]]:
        """The `count` lines before line number `end` (those of them the tail still holds) and
        their times, cut from only the chunks that hold them when the tail is not cut already."""
        later = self.lines_total - end  # lines that came after `end`
        if count <= 0 or later < 0:
            return [], []
        lines, times = self._view, self._view_times
        if lines is None:
            held, first = 0, len(self._chunks)
            while first > 0 and held <= count + later:
                first -= 1
                held += self._chunk_lines[first]
            if held > count + later:  # enough, the first line (maybe begun earlier) left out
                lines, times = self._cut(first, starts_line=False)
            else:
                lines, times = self._tail(), self._view_times
        stop = len(lines) - later
        start = max(0, stop - count)
        return lines[start:stop], times[start:stop]

    def reads(self, count: int) -> list[tuple[float, int]]:
        """(arrival time, lines) of the reads that brought the newest `count` lines the tail
        holds, newest first; nothing is cut or decoded."""
        reads: list[tuple[float, int]] = []
        for when, newlines in zip(
            reversed(self._chunk_times), reversed(self._chunk_lines), strict=True
        ):
            if count <= 0:
                break
            if newlines:
                reads.append((when, min(newlines, count)))
                count -= newlines
        return reads

    @property
    def first_line_number(self) -> int:
        """Number (0-based) of the oldest line still in the tail."""
        return self.lines_total - len(self._tail())

    def text(self) -> str:
        """The tail as one string, the unfinished line included."""
        body = "\n".join(self._tail())
        partial = self.partial
        if partial:
            return f"{body}\n{partial}" if body else partial
        return body

    @property
    def has_news(self) -> bool:
        """Lines or a changed unfinished line that listeners have not taken yet."""
        return self.lines_total > self._taken or self.partial_changed

    def start_collecting(self) -> None:
        """Listeners are here: batches start with the next line."""
        if not self.collecting:
            self.collecting = True
            self._taken = self.lines_total
            self.partial_changed = False

    def take_pending(self) -> Pending:
        """New lines since the last call, with their times, number and how many were lost."""
        view = self._tail()
        first_kept = self.lines_total - len(view)
        start = max(self._taken, first_kept)
        dropped = start - self._taken
        self._taken = self.lines_total
        self.partial_changed = False
        skip = start - first_kept
        return Pending(view[skip:], self._view_times[skip:], start, dropped)

    # -- writing ---------------------------------------------------------------------------------

    def feed(self, data: bytes, when: float | None = None) -> None:
        """A read from the pipe, arrived at `when` (epoch seconds; now by default)."""
        when = time.time() if when is None else when
        offset = self.bytes_total
        self.bytes_total += len(data)
        self.log.write(data)
        for copy in self.copies:
            copy.write(data)
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            self._add_partial(data)
            return
        if self.times is not None:
            self.times.record(offset, when, self.lines_total)
        start = self._end_partial_line(data, when) if self._partial or self._partial_dropped else 0
        if start < cut:
            whole = start == 0 and cut == len(data)
            self._keep(
                data if whole else memoryview(data)[start:cut],
                data.count(b"\n", start, cut),
                when,
            )
        if cut < len(data):
            self._add_partial(data[cut:])

    def close(self, when: float | None = None) -> None:
        """End of stream (at `when`, now by default): an unfinished line becomes a line,
        undecodable bytes U+FFFD."""
        if self.closed:
            return
        self.closed = True
        if self._partial or self._partial_dropped:
            now = time.time() if when is None else when
            if self.times is not None:
                self.times.record(self.bytes_total, now, self.lines_total)
            if self._end_partial_line(b"\n", now) == 0:  # else the line was ended with its note
                self._keep(b"\n", 1, now)
            self.partial_changed = True
        self.log.close()
        if self.times is not None:
            self.times.close()
        for copy in self.copies:
            copy.close()

    @property
    def sinks(self) -> list[LogFile]:
        """Where the bytes go: the log file, its times and the copies."""
        return [self.log, *([self.times.file] if self.times else []), *self.copies]

    @property
    def congested(self) -> LogWriter | None:
        """The writer that is behind, if one is: reading should wait for it to drain."""
        writer = self.log.writer  # the common case first: checked after every read
        if writer is not None and writer.congested:
            return writer
        return next((c.writer for c in self.copies if c.writer and c.writer.congested), None)

    def _keep(self, piece: bytes | memoryview, newlines: int, when: float) -> None:
        """Add bytes to the tail, dropping the oldest pieces the bounds no longer need."""
        self.lines_total += newlines
        self._view = None
        self._chunks.append(piece)
        self._chunk_lines.append(newlines)
        self._chunk_times.append(when)
        self._kept_lines += newlines
        self._kept_bytes += len(piece)
        while len(self._chunks) > 1 and (
            self._kept_lines - self._chunk_lines[0] > self._tail_lines
            or self._kept_bytes - len(self._chunks[0]) >= self._tail_bytes
        ):
            self._kept_lines -= self._chunk_lines.popleft()
            self._chunk_times.popleft()
            oldest = self._chunks.popleft()
            self._kept_bytes -= len(oldest)
            self._first_starts_line = len(oldest) > 0 and oldest[-1] == 10  # ended with "\n"

    def _tail(self) -> list[str]:
        if self._view is None:
            self._view, self._view_times = self._cut(0, self._first_starts_line)
        return self._view

    def _cut(self, first: int, starts_line: bool) -> tuple[list[str], list[float]]:
        """The lines of the chunks from the `first`, within the tail's bounds, and their times;
        without `starts_line`, the first chunk's first line began earlier and is left out."""
        raw = b"".join(itertools.islice(self._chunks, first, None))
        ends: list[float] = []  # the arrival time of each newline, oldest first
        for when, newlines in itertools.islice(
            zip(self._chunk_times, self._chunk_lines, strict=True), first, None
        ):
            ends += [when] * newlines
        if not starts_line:
            raw = raw[raw.find(b"\n") + 1 :]
            ends = ends[1:]
        return cut_lines(raw, ends, self._tail_lines, self._tail_bytes, self._line_max)

    def _add_partial(self, data: bytes) -> None:
        self.partial_changed = True
        if b"\r" in data:
            data = after_last_cr(b"".join(self._partial) + data)
            self._partial, self._partial_len = [], 0
        room = self._line_max - self._partial_len
        if len(data) <= room:
            self._partial.append(data)
            self._partial_len += len(data)
            return
        if room > 0:
            self._partial.append(data[:room])
            self._partial_len += room
        self._partial_dropped += len(data) - max(room, 0)

    def _end_partial_line(self, data: bytes, when: float) -> int:
        """Keep the unfinished line, which `data` ends; returns where the rest of `data` starts."""
        head = b"".join(self._partial)
        dropped = self._partial_dropped
        self._partial, self._partial_len, self._partial_dropped = [], 0, 0
        if not dropped:
            self._keep(head, 0, when)  # `data` goes on with this line
            return 0
        end = data.find(b"\n")
        self._keep(shorten(head, dropped + end, self._line_max) + b"\n", 1, when)
        return end + 1
