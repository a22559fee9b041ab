"""When each line arrived, kept beside its byte-exact log: `<log>.times`.

One text record per read from the pipe that ended at least one line: `<byte offset> <epoch ms>`,
the offset of the read's first byte in the log. A line's time is the time of the read that
brought its newline, so the record with the greatest offset not past the newline. Records are
written in batches through the log's writer (a crash may lose the last few; the log itself is
whole).
"""

from __future__ import annotations

import bisect
from pathlib import Path

from sidetui.core.output.log_file import LogFile, LogWriter

SUFFIX = ".times"
_BATCH_BYTES = 4096


def times_path(log_path: Path) -> Path:
    return log_path.with_name(log_path.name + SUFFIX)


class TimesFile:
    """Appends `offset ms` records to a log's times file, a batch at a time."""

    def __init__(self, log_path: Path, writer: LogWriter | None):
        self.file = LogFile(times_path(log_path), writer)
        self._batch: list[str] = []
        self._batch_bytes = 0

    def record(self, offset: int, when: float) -> None:
        text = f"{offset} {int(when * 1000)}\n"
        self._batch.append(text)
        self._batch_bytes += len(text)
        if self._batch_bytes >= _BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._batch:
            self.file.write("".join(self._batch).encode())
            self._batch, self._batch_bytes = [], 0

    def close(self) -> None:
        self.flush()
        self.file.close()


class LineTimes:
    """The records of a times file read back: the time of the line whose newline is at a byte."""

    def __init__(self, offsets: list[int], times_ms: list[int]):
        self.offsets = offsets
        self.times_ms = times_ms

    @classmethod
    def read(cls, log_path: Path) -> LineTimes:
        """The log's records; none when the file is missing, unreadable or from before times."""
        offsets: list[int] = []
        times: list[int] = []
        try:
            text = times_path(log_path).read_bytes()
        except OSError:
            return cls(offsets, times)
        for record in text.split(b"\n"):
            offset, _, when = record.partition(b" ")
            if offset.isdigit() and when.isdigit() and (not offsets or int(offset) >= offsets[-1]):
                offsets.append(int(offset))
                times.append(int(when))
        return cls(offsets, times)

    def __bool__(self) -> bool:
        return bool(self.offsets)

    def at(self, offset: int) -> float | None:
        """Epoch seconds of the read that brought the byte at `offset`; None before any."""
        index = bisect.bisect_right(self.offsets, offset) - 1
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
