"""When each line arrived, kept beside its byte-exact log: `<log>.times`.

One text record per read from the pipe that ended at least one line: `<byte offset> <epoch ms>
<lines>`, the offset of the read's first byte in the log and the newlines before it (files
written before the count have two fields). A line's time is the time of the read that brought
its newline, so the record with the greatest offset not past the newline; the records also number
the log's lines without a pass over it (`newlines_before`). Records are written in batches
through the log's writer, at least once a second while output arrives (a crash may lose the last
few; the log itself is whole).
"""

from __future__ import annotations

import bisect
import os
from pathlib import Path

from sidetui.core.output.log_file import LogFile, LogWriter

SUFFIX = ".times"
_BATCH_BYTES = 4096
BATCH_SECONDS = 1.0  # the longest a record waits in a batch while reads keep coming
TAIL_BYTES = 64 * 1024  # of the times file, read first for the last records
_COUNT_BYTES = 1024 * 1024


def times_path(log_path: Path) -> Path:
    return log_path.with_name(log_path.name + SUFFIX)


class TimesFile:
    """Appends `offset ms lines` records to a log's times file, a batch at a time."""

    def __init__(self, log_path: Path, writer: LogWriter | None):
        self.file = LogFile(times_path(log_path), writer)
        self._batch: list[str] = []
        self._batch_bytes = 0
        self._batch_since = 0.0  # when its first record's read arrived

    def record(self, offset: int, when: float, lines: int) -> None:
        """A read that began at `offset` (with `lines` newlines before it) arrived at `when`."""
        text = f"{offset} {int(when * 1000)} {lines}\n"
        if not self._batch:
            self._batch_since = when
        self._batch.append(text)
        self._batch_bytes += len(text)
        if self._batch_bytes >= _BATCH_BYTES or when - self._batch_since >= BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self._batch:
            self.file.write("".join(self._batch).encode())
            self._batch, self._batch_bytes = [], 0

    def close(self) -> None:
        self.flush()
        self.file.close()


class LineTimes:
    """The records of a times file read back: the time of the line whose newline is at a byte,
    or of the line with a number."""

    def __init__(self, offsets: list[int], times_ms: list[int], counts: list[int] | None = None):
        self.offsets = offsets
        self.times_ms = times_ms
        self.counts = counts or []  # the newlines before each record's read (if every one says)

    @classmethod
    def read(cls, log_path: Path) -> LineTimes:
        """The log's records; none when the file is missing, unreadable or from before times."""
        offsets: list[int] = []
        times: list[int] = []
        counts: list[int] = []
        try:
            text = times_path(log_path).read_bytes()
        except OSError:
            return cls(offsets, times)
        for record in text.split(b"\n"):
            offset, when, count, *_ = (*record.split(b" ", 2), b"", b"")
            if offset.isdigit() and when.isdigit() and (not offsets or int(offset) >= offsets[-1]):
                offsets.append(int(offset))
                times.append(int(when))
                if count.isdigit():
                    counts.append(int(count))
        return cls(offsets, times, counts if len(counts) == len(offsets) else None)

    def __bool__(self) -> bool:
        return bool(self.offsets)

    def at(self, offset: int) -> float | None:
        """Epoch seconds of the read that brought the byte at `offset`; None before any."""
        index = bisect.bisect_right(self.offsets, offset) - 1
        return self.times_ms[index] / 1000 if index >= 0 else None

    def of_line(self, number: int) -> float | None:
        """Epoch seconds of the read that brought the newline of line `number` (0-based); None
        before any, or from a file whose records do not count lines."""
        index = bisect.bisect_right(self.counts, number) - 1
        return self.times_ms[index] / 1000 if index >= 0 else None

    def reads_within(self, start: int, end: int) -> list[tuple[int, float]]:
        """(offset, epoch seconds) of each read that brought bytes in [start, end), the one
        that was running at `start` included (at `start`)."""
        first = max(0, bisect.bisect_right(self.offsets, start) - 1)
        last = bisect.bisect_left(self.offsets, end)
        reads = [(self.offsets[i], self.times_ms[i] / 1000) for i in range(first, last)]
        if reads and reads[0][0] < start:
            reads[0] = (start, reads[0][1])
        return reads


def newlines_before(log: int, log_path: Path, position: int) -> int | None:
    """The newlines in the first `position` bytes of the log open as `log` (a descriptor): the
    count of the last record before `position` in its times file, and the bytes after it
    counted; None without a times file that counts lines."""
    try:
        with times_path(log_path).open("rb") as times:
            tail = max(0, times.seek(0, 2) - TAIL_BYTES)
            times.seek(tail)  # the last records first: a scan covers most of the log
            found = _last_count(times.read(), position, whole=tail == 0)
            if found is None and tail:
                times.seek(0)
                found = _last_count(times.read(), position, whole=True)
    except OSError:
        return None
    if found is None:
        return None
    start, lines = found
    return lines + count_newlines(log, start, position)


def counts_lines(log_path: Path) -> bool:
    """Whether the log's times file numbers its lines (its first record has the count)."""
    try:
        with times_path(log_path).open("rb") as times:
            first = times.read(256).partition(b"\n")[0]
    except OSError:
        return False
    return first.count(b" ") == 2


def count_newlines(log: int, start: int, end: int) -> int:
    """The newlines in bytes `start` to `end` of the file open as `log`, read a piece at a time."""
    return sum(
        os.pread(log, min(_COUNT_BYTES, end - at), at).count(b"\n")
        for at in range(start, end, _COUNT_BYTES)
    )


def _last_count(records: bytes, position: int, whole: bool) -> tuple[int, int] | None:
    """(offset, lines) of the last ended record at or before `position` that counts lines;
    with `whole` false, `records` may begin inside one. In a whole file of such records, none
    before `position` means counting from the start."""
    counted = False
    for record in reversed(records.split(b"\n")[0 if whole else 1 : -1]):
        fields = record.split(b" ")
        counted = len(fields) == 3 and fields[0].isdigit() and fields[2].isdigit()
        if counted and int(fields[0]) <= position:
            return int(fields[0]), int(fields[2])
    return (0, 0) if whole and counted else None
