"""One output stream of a child: raw bytes to a log file, decoded lines into a bounded tail.

This is the hot path of a chatty child, so the common case (ASCII or UTF-8 text with `\\n` and no
`\\r`) stays in C: one decode, one split, one deque extend per chunk read from the pipe.
"""

from __future__ import annotations

import codecs
import os
from collections import deque
from itertools import islice
from pathlib import Path


class LogFile:
    """Appends raw bytes to a file; a failure (disk full...) is remembered, never raised."""

    def __init__(self, path: Path):
        self.path = path
        self.error: str | None = None
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        except OSError as error:
            self._fd = -1
            self.error = f"cannot open log {path}: {error.strerror}"

    def write(self, data: bytes) -> None:
        if self._fd < 0:
            return
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError as error:
            self.error = f"log {self.path} stopped: {error.strerror}"
            self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class OutputStream:
    """stdout or stderr of one execution, as bytes on disk and as a bounded tail of lines."""

    def __init__(
        self,
        name: str,
        log: LogFile,
        tail_lines: int,
        tail_bytes: int,
        line_max: int,
    ):
        self.name = name
        self.log = log
        self.bytes_total = 0
        self.lines_total = 0  # complete lines seen, kept in the tail or not
        self.closed = False
        self.collecting = False  # when True, new lines also go to `pending` for listeners
        self.pending: list[str] = []
        self.pending_dropped = 0
        self.partial_changed = False
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._tail: deque[str] = deque(maxlen=max(1, tail_lines))
        self._tail_chars = 0
        self._tail_max_chars = tail_bytes
        self._line_max = line_max
        self._partial: list[str] = []
        self._partial_len = 0
        self._partial_dropped = 0

    # -- reading ---------------------------------------------------------------------------------

    @property
    def partial(self) -> str:
        """The line being written now (no newline yet): a progress bar, a prompt."""
        text = "".join(self._partial)
        return _collapse_cr(text) if "\r" in text else text

    def lines(self) -> list[str]:
        return list(self._tail)

    @property
    def first_line_number(self) -> int:
        """Number (0-based) of the oldest line still in the tail."""
        return self.lines_total - len(self._tail)

    def text(self) -> str:
        """The tail as one string, the unfinished line included."""
        body = "\n".join(self._tail)
        partial = self.partial
        if partial:
            return f"{body}\n{partial}" if body else partial
        return body

    # -- writing ---------------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        self.bytes_total += len(data)
        self.log.write(data)
        text = self._decoder.decode(data)
        if text:
            self._take(text)

    def close(self) -> None:
        """End of stream: undecodable trailing bytes become U+FFFD, an unfinished line a line."""
        if self.closed:
            return
        self.closed = True
        text = self._decoder.decode(b"", final=True)
        if text:
            self._take(text)
        if self._partial or self._partial_dropped:
            self._take("\n")  # the unfinished line ends with the stream
            self.partial_changed = True
        self.log.close()

    def take_pending(self) -> tuple[list[str], int]:
        """Lines gathered for listeners since the last call, and how many were dropped."""
        lines, dropped = self.pending, self.pending_dropped
        self.pending, self.pending_dropped, self.partial_changed = [], 0, False
        return lines, dropped

    def _take(self, text: str) -> None:
        if "\n" not in text:
            self._add_partial(text)
            return
        parts = text.split("\n")
        rest = parts.pop()
        dropped = self._partial_dropped
        if self._partial or dropped:
            parts[0] = "".join(self._partial) + parts[0]
            self._partial, self._partial_len, self._partial_dropped = [], 0, 0
        if "\r" in text or "\r" in parts[0]:
            parts = [_collapse_cr(part) for part in parts]
        if dropped or max(map(len, parts)) > self._line_max:
            parts = [self._truncate(part, dropped if i == 0 else 0) for i, part in enumerate(parts)]
        self._append(parts)
        self._add_partial(rest)

    def _add_partial(self, text: str) -> None:
        if not text:
            return
        self.partial_changed = True
        if "\r" in text:
            joined = _after_last_cr("".join(self._partial) + text)
            self._partial, self._partial_len = [], 0
            text = joined
        room = self._line_max - self._partial_len
        if len(text) <= room:
            self._partial.append(text)
            self._partial_len += len(text)
            return
        if room > 0:
            self._partial.append(text[:room])
            self._partial_len += room
        self._partial_dropped += len(text) - max(room, 0)

    def _truncate(self, line: str, dropped: int) -> str:
        if len(line) <= self._line_max and not dropped:
            return line
        dropped += max(0, len(line) - self._line_max)
        return f"{line[: self._line_max]}…[+{dropped} characters, whole in the log file]"

    def _append(self, lines: list[str]) -> None:
        count = len(lines)
        self.lines_total += count
        tail = self._tail
        limit = tail.maxlen or 1
        if count >= limit:
            lines = lines[-limit:]
            tail.clear()
            self._tail_chars = 0
        else:
            overflow = len(tail) + count - limit
            if overflow > 0:
                self._tail_chars -= sum(map(len, islice(tail, overflow)))
        tail.extend(lines)
        self._tail_chars += sum(map(len, lines))
        while self._tail_chars > self._tail_max_chars and len(tail) > 1:
            self._tail_chars -= len(tail.popleft())
        if self.collecting:
            self.pending.extend(lines)
            self.pending_dropped += count - len(lines)
            excess = len(self.pending) - limit
            if excess > 0:
                del self.pending[:excess]
                self.pending_dropped += excess


def _collapse_cr(line: str) -> str:
    """A line rewritten with `\\r` (a progress bar) shows its last version; `\\r\\n` is `\\n`."""
    line = line.rstrip("\r")
    cut = line.rfind("\r")
    return line[cut + 1 :] if cut >= 0 else line


def _after_last_cr(text: str) -> str:
    """What a terminal line shows after `\\r` rewrites, keeping a trailing `\\r` for later."""
    cut = text.rstrip("\r").rfind("\r")
    return text[cut + 1 :] if cut >= 0 else text
