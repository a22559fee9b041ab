"""The tail of a log file read back from disk, cut and cleaned as a live tail would be, each line
with the arrival time its times file kept."""

from __future__ import annotations

import os
from pathlib import Path

from sidetui.core.output.line_times import LineTimes
from sidetui.core.output.log_file import LogFile
from sidetui.core.output.stream import UNKNOWN_TIME, OutputStream


class _ReadOnlyLog(LogFile):
    """A log that is only read back: writing to it does nothing."""

    def write(self, data: bytes) -> None:
        return

    def close(self) -> None:
        self.closed.set_result(None)


def read_tail(path: Path, tail_lines: int, tail_bytes: int, line_max: int) -> OutputStream:
    """The last lines of a log file as a closed stream (for executions read back from the
    history): `lines()` and their `line_times()`. A missing or unreadable log gives no lines."""
    stream = OutputStream(path.name, _ReadOnlyLog(path), tail_lines, tail_bytes, line_max)
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            start = max(0, size - tail_bytes)
            handle.seek(start)
            data = handle.read()
    except OSError:
        stream.close()
        return stream
    if start:
        cut = data.find(b"\n") + 1  # a line cut by the seek is not shown
        data, start = data[cut:], start + cut
    times = LineTimes.read(path)
    reads = times.reads_within(start, start + len(data)) if times else []
    if not reads or reads[0][0] > start:
        reads.insert(0, (start, UNKNOWN_TIME))
    ends = [*reads[1:], (start + len(data), 0.0)]
    for (offset, when), (following, _) in zip(reads, ends, strict=True):
        stream.feed(data[offset - start : following - start], when)
    stream.close(times.at(start + len(data)) or UNKNOWN_TIME)
    return stream


def tail_of_log(path: Path, tail_lines: int, tail_bytes: int, line_max: int) -> list[str]:
    """The last lines of a log file (see `read_tail`)."""
    return read_tail(path, tail_lines, tail_bytes, line_max).lines()
