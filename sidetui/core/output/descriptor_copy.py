"""A live copy of a child's output to a descriptor we hold (the CLI's stdout or stderr), written
by its own writer thread so that a slow reader pauses the child, never the event loop, and never
depends on the log file being writable.

Piped, the copy is byte-exact. On a terminal the bytes are decoded and neutralised: colours pass,
every other escape sequence is removed (a sequence split between two reads is held back until it
is whole). With `stamp`, each line starts with the time its first bytes arrived.
"""

from __future__ import annotations

import codecs
import os
import time
from collections.abc import Callable
from pathlib import Path

from sidetui.core.output.log_file import LogFile, LogWriter, write_all
from sidetui.core.terminal_text import TerminalFilter


class DescriptorCopy(LogFile):
    """Writes what a stream reads to `fd` (never closed here); a reader that went away ends
    the copy quietly, the log file still has everything."""

    def __init__(
        self, fd: int, writer: LogWriter, terminal: bool, stamp: Callable[[], bytes] | None = None
    ):
        super().__init__(Path(f"/dev/fd/{fd}"), writer)
        self._fd = fd
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace") if terminal else None
        self._filter = TerminalFilter() if terminal else None
        self._stamp = stamp
        self.ends_line = True  # False while the last byte written was not a newline

    def write(self, data: bytes) -> None:
        if self._decoder is not None and self._filter is not None:
            data = self._filter.feed(self._decoder.decode(data)).encode()
        if data and self._stamp is not None:
            data = _stamped(data, self._stamp(), self.ends_line)
        if data:
            self.ends_line = data.endswith(b"\n")
            super().write(data)

    def close(self) -> None:
        if self._decoder is not None and self._filter is not None:
            rest = self._filter.feed(self._decoder.decode(b"", final=True)) + self._filter.flush()
            if rest:
                self.ends_line = rest.endswith("\n")
                super().write(rest.encode())
        super().close()

    def write_now(self, chunks: list[bytes]) -> None:
        if self._fd < 0:
            return
        try:
            write_all(self._fd, chunks)
        except OSError:  # EPIPE: the reader is gone (`| head`); nothing more to show
            self._fd = -1

    def close_now(self) -> None:
        self._fd = -1  # ours to stop using, not to close
        if not self.closed.done():
            self.closed.set_result(None)


def copy_to(fd: int, writer: LogWriter, stamp: Callable[[], bytes] | None = None) -> DescriptorCopy:
    """A copy to `fd`, neutralised when `fd` is a terminal, its lines stamped with `stamp`."""
    return DescriptorCopy(fd, writer, os.isatty(fd), stamp)


def clock_stamp() -> bytes:
    """`HH:MM:SS.mmm ` in local time: the stamp of `sidetui run --timestamps`."""
    now = time.time()
    return time.strftime("%H:%M:%S", time.localtime(now)).encode() + b".%03d " % (now % 1 * 1000)


def _stamped(data: bytes, stamp: bytes, at_line_start: bool) -> bytes:
    """`data` with `stamp` before each line that starts in it."""
    body, ended = (data[:-1], b"\n") if data.endswith(b"\n") else (data, b"")
    stamped = body.replace(b"\n", b"\n" + stamp) + ended  # the next line has not started yet
    return stamp + stamped if at_line_start else stamped
