"""What a search of a whole log asks (`LineQuery`) and what it reports (`SearchUpdate`): shared by
the scanners of `log_search` (in Python) and `log_grep` (GNU grep in a child process)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from sidetui.core.output.line_cuts import collapse_cr

MAX_KEPT = 100_000  # matching lines kept as text; more are only counted
LINE_MAX = 4096  # characters kept of a matching line


@dataclass(frozen=True)
class LineQuery:
    """Which lines to keep: those containing `text` (a regular expression with `regex`), with
    or without case; with `invert`, those that do not."""

    text: str
    regex: bool = False
    case_sensitive: bool = False
    invert: bool = False

    def problem(self) -> str | None:
        """Why the query cannot be used (a bad regular expression), or None."""
        if self.regex:
            try:
                re.compile(self.text)
            except re.error as error:
                return f"not a valid regular expression: {error}"
        return None

    def matches(self, line: str) -> bool:
        """Whether one decoded line is kept (for lines that arrive live)."""
        if self.regex:
            flags = 0 if self.case_sensitive else re.IGNORECASE
            found = re.search(self.text, line, flags) is not None
        elif self.case_sensitive:
            found = self.text in line
        else:
            found = self.text.casefold() in line.casefold()
        return found != self.invert


@dataclass
class SearchUpdate:
    """The matches found since the previous update, and how far the scan got."""

    texts: list[str] = field(default_factory=list)  # the matching lines kept, as shown
    numbers: list[int] = field(default_factory=list)  # of `texts` (0-based), when asked for
    scanned: int = 0  # bytes read so far
    total: int = 0  # bytes of the log the scan covers (with grep: as far as it read, when done)
    lines: int = 0  # lines scanned so far (with grep: known when done)
    found: int = 0  # matching lines so far, kept as text or not
    done: bool = False
    error: str | None = None

    def take(self) -> SearchUpdate:
        """What to report now; this one goes on counting, without those matches."""
        update = replace(self)
        self.texts, self.numbers = [], []
        return update

    def room(self) -> int:
        """How many more matches are kept as text."""
        return max(0, MAX_KEPT - self.found)


def shown(lines: list[str]) -> list[str]:
    """Matching lines as shown: each its last `\\r` rewrite, cut to `LINE_MAX` (a pass over
    the list only where some line needs it)."""
    if any("\r" in line for line in lines):
        lines = list(map(collapse_cr, lines))
    if lines and max(map(len, lines)) > LINE_MAX:
        lines = [line[:LINE_MAX] for line in lines]
    return lines
