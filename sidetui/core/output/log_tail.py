"""The tail of a log file read back from disk, cut and cleaned as a live tail would be."""

from __future__ import annotations

import os
from pathlib import Path

from sidetui.core.output.log_file import LogFile
from sidetui.core.output.stream import OutputStream


class _ReadOnlyLog(LogFile):
    """A log that is only read back: writing to it does nothing."""

    def write(self, data: bytes) -> None:
        return

    def close(self) -> None:
        self.closed.set_result(None)


def tail_of_log(path: Path, tail_lines: int, tail_bytes: int, line_max: int) -> list[str]:
    """The last lines of a log file, cut and cleaned as a live tail would be (for executions
    read back from the history). A missing or unreadable log gives no lines."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            start = max(0, size - tail_bytes)
            handle.seek(start)
            data = handle.read()
    except OSError:
        return []
    if start:
        data = data[data.find(b"\n") + 1 :]  # a line cut by the seek is not shown
    stream = OutputStream(path.name, _ReadOnlyLog(path), tail_lines, tail_bytes, line_max)
    stream.feed(data)
    stream.close()
    return stream.lines()
