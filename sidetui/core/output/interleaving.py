"""The order in which stdout and stderr lines arrived, to show both tails merged."""

from __future__ import annotations

from collections import deque
from typing import Any

from sidetui.core.output.stream import OutputStream


class Interleaving:
    """The order in which the lines of stdout and stderr arrived (pipe read by pipe read), so
    the two tails can be shown merged: what a terminal would have shown."""

    def __init__(self, max_lines: int):
        self._log: deque[list[Any]] = deque()  # [from stderr, lines], oldest first
        self._seen = {"stdout": 0, "stderr": 0}
        self._logged = 0
        self._max = max(1, max_lines)

    def note(self, stream: OutputStream) -> None:
        """Called after each read: remember how many complete lines it added, and where."""
        added = stream.lines_total - self._seen.get(stream.name, 0)
        if added <= 0:
            return
        self._seen[stream.name] = stream.lines_total
        from_stderr = stream.name == "stderr"
        if self._log and self._log[-1][0] == from_stderr:
            self._log[-1][1] += added
        else:
            self._log.append([from_stderr, added])
        self._logged += added
        while self._logged > self._max and len(self._log) > 1:
            self._logged -= self._log.popleft()[1]

    def merge(self, stdout: list[str], stderr: list[str]) -> tuple[list[str], list[bool], int]:
        """Both tails interleaved as they arrived: (lines, from stderr?, number of the first)."""
        rest = {False: len(stdout), True: len(stderr)}
        tails = {False: stdout, True: stderr}
        pieces: list[tuple[list[str], bool]] = []
        for from_stderr, count in reversed(self._log):
            end = rest[from_stderr]
            take = min(count, end)
            if take:
                pieces.append((tails[from_stderr][end - take : end], from_stderr))
                rest[from_stderr] = end - take
            if take < count:  # a tail ran out: older lines would leave a gap, so stop here
                break
        lines: list[str] = []
        marks: list[bool] = []
        for piece, from_stderr in reversed(pieces):
            lines.extend(piece)
            marks.extend([from_stderr] * len(piece))
        total = self._seen["stdout"] + self._seen["stderr"]
        return lines, marks, total - len(lines)
