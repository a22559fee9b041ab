"""One stream a merged view shows, as its filter covers it: the last lines in memory (`Tail`: an
execution's stdout or stderr, or its messages), its whole log on disk if it has one, and how its
lines are marked in the view."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sidetui.core import ExecutionRecord
from sidetui.tui.widgets.output_gutter import Label


class Tail(Protocol):
    """The last lines of a stream in memory, numbered from its first (an `OutputStream`)."""

    @property
    def lines_total(self) -> int: ...
    @property
    def first_line_number(self) -> int: ...
    def lines(self) -> list[str]: ...
    def line_times(self) -> list[float]: ...


@dataclass(frozen=True)
class LogSource:
    """One stream a merged view shows: its tail in memory and its log on disk (if it has one),
    and how its lines are marked there."""

    key: object  # the same stream, the same key: (execution id, stream name)
    tail: Tail
    path: Path | None = None
    label: Label | None = None
    stderr: bool = False

    @property
    def log(self) -> Path | None:
        """Its whole log on disk, if it is there."""
        return self.path if self.path is not None and self.path.is_file() else None


def streams_of(record: ExecutionRecord, label: Label | None = None) -> list[LogSource]:
    """An execution's stdout and stderr as a filter covers them: their tails and logs."""
    return [
        LogSource((record.side_execution_id, stream.name), stream, stream.log.path, label, stderr)
        for stream, stderr in ((record.stdout, False), (record.stderr, True))
        if stream is not None
    ]
