"""Searching numbered output lines: every occurrence of a term, found as lines arrive, and the
current one, from which `n` and `N` step.

An occurrence is (line number in the whole stream, column in the line's plain text). Lines that
have been scanned are not scanned again when more arrive (a flood costs only its new lines), except
the last one, which may be an unfinished line still being written.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from sidetui.core.terminal_text import strip_ansi

Occurrence = tuple[int, int]  # (line number, column)


class OutputSearch:
    """The occurrences of one term in the lines of one content, and which one is current."""

    def __init__(self) -> None:
        self.term = ""
        self.current: Occurrence | None = None
        self._pattern: re.Pattern[str] | None = None
        self._found: list[Occurrence] = []
        self._scanned = 0  # lines numbered below this are scanned for good
        self._first = 0

    def set_term(self, term: str) -> bool:
        """Search for `term` from now on; whether it changed."""
        if term == self.term:
            return False
        self.term = term
        self._pattern = re.compile(re.escape(term), re.IGNORECASE) if term else None
        self.forget_content()
        return True

    def forget_content(self) -> None:
        """Other content is shown: nothing is found in it yet, and nothing is current."""
        self._found, self._scanned, self.current = [], 0, None

    def update(self, lines: Sequence[str], first: int) -> None:
        """Bring the occurrences up to date with `lines`, numbered from `first`."""
        if self._pattern is None:
            return
        self._first = first
        start = max(self._scanned, first)
        cut = bisect.bisect_left(self._found, (start, -1))
        lower = bisect.bisect_left(self._found, (first, -1), hi=cut)
        self._found = self._found[lower:cut]
        for index in range(start - first, len(lines)):
            self._found += [(first + index, col) for col in self.columns(lines[index])]
        self._scanned = max(start, first + len(lines) - 1)  # the last line may still change
        if self.current is not None and not self._is_found(self.current):
            self.current = None

    def columns(self, line: str) -> list[int]:
        """Where the term starts in the plain text of `line`."""
        if self._pattern is None:
            return []
        return [match.start() for match in self._pattern.finditer(strip_ansi(line))]

    @property
    def occurrences(self) -> list[Occurrence]:
        return self._found

    def step(self, forward: bool, top: int, bottom: int) -> Occurrence | None:
        """Make the next (or previous) occurrence current and return it, wrapping around: from
        the current one, or, when there is none, from the lines on screen (`top` to `bottom`)."""
        found = self._found
        if not found:
            self.current = None
            return None
        if self.current is not None:
            here = self.current
            if forward:
                index = bisect.bisect_right(found, here)
                self.current = found[index] if index < len(found) else found[0]
            else:
                index = bisect.bisect_left(found, here)
                self.current = found[index - 1] if index > 0 else found[-1]
        elif forward:
            index = bisect.bisect_left(found, (top, -1))
            self.current = found[index] if index < len(found) else found[0]
        else:
            index = bisect.bisect_left(found, (bottom + 1, -1))
            self.current = found[index - 1] if index > 0 else found[-1]
        return self.current

    def position(self) -> tuple[int, int]:
        """(number of the current occurrence, 0 when none; how many there are)."""
        if self.current is None:
            return 0, len(self._found)
        return bisect.bisect_left(self._found, self.current) + 1, len(self._found)

    def summary(self) -> str:
        """What the status line says about the search ("" when there is none)."""
        if not self.term:
            return ""
        number, total = self.position()
        if not total:
            return f"no match for {self.term!r}"
        return (
            f"{number}/{total} matches for {self.term!r}"
            if number
            else (f"{total} matches for {self.term!r}")
        )

    def _is_found(self, occurrence: Occurrence) -> bool:
        index = bisect.bisect_left(self._found, occurrence)
        return index < len(self._found) and self._found[index] == occurrence
