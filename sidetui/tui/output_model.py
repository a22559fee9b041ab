"""What the output pane can show of one execution beyond the engine's own tails: the merged view
of stdout and stderr in arrival order, built from the engine's output batches."""

from __future__ import annotations

from collections import deque

STDERR = "stderr"


class MergedOutput:
    """The last lines of both streams interleaved as they arrived, stderr ones marked."""

    def __init__(self, max_lines: int):
        self.lines: deque[str] = deque(maxlen=max_lines)
        self.from_stderr: deque[bool] = deque(maxlen=max_lines)
        self.dropped = 0  # lines that arrived faster than the engine let a listener see
        self.total = 0  # lines seen, kept or not
        self.version = 0

    def add(self, stream: str, lines: list[str] | tuple[str, ...], dropped: int) -> None:
        self.lines.extend(lines)
        self.from_stderr.extend([stream == STDERR] * len(lines))
        self.dropped += dropped
        self.total += len(lines) + dropped
        self.version += 1

    @property
    def first_number(self) -> int:
        return self.total - len(self.lines)
