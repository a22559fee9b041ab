"""Copies a running child's log files to our stdout and stderr as they grow.

Reading the log files (not the decoded lines) keeps the copy byte-exact when piped. On a terminal
the bytes are decoded and neutralised: colours pass, other escape sequences do not.
"""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path
from typing import BinaryIO

from sidetui.core.terminal_text import TerminalFilter

_CHUNK = 1 << 20


class LogEcho:
    """Follows one log file into one of our output streams."""

    def __init__(self, path: Path, target: BinaryIO, is_terminal: bool):
        self._path = path
        self.target = target
        self._handle: BinaryIO | None = None
        self._broken = False
        self.ends_line = True  # False while the last byte copied was not a newline
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace") if is_terminal else None
        self._filter = TerminalFilter() if is_terminal else None

    def pump(self) -> None:
        """Copy whatever the log gained since the last call."""
        if self._handle is None:
            try:
                self._handle = self._path.open("rb")
            except OSError:
                return
        while chunk := self._handle.read(_CHUNK):
            self._write(chunk)

    def finish(self) -> None:
        self.pump()
        if self._decoder is not None and self._filter is not None:
            tail = self._filter.feed(self._decoder.decode(b"", final=True)) + self._filter.flush()
            self._emit(tail.encode())
        if self._handle is not None:
            self._handle.close()

    def _write(self, chunk: bytes) -> None:
        if self._decoder is not None and self._filter is not None:
            chunk = self._filter.feed(self._decoder.decode(chunk)).encode()
        self._emit(chunk)

    def _emit(self, data: bytes) -> None:
        if self._broken or not data:
            return
        self.ends_line = data.endswith(b"\n")
        try:
            self.target.write(data)
            self.target.flush()

        except BrokenPipeError:
            self._broken = True  # the reader went away; the log file still has everything


def leaves_line_open_on_stderr(echoes: list[LogEcho]) -> bool:
    """True when what was copied left stderr's line unfinished (stdout's too, on one terminal)."""
    shared = sys.stdout.isatty() and os.path.samestat(os.fstat(1), os.fstat(2))
    return any(
        not echo.ends_line
        for echo in echoes
        if echo.target is sys.stderr.buffer or (shared and echo.target is sys.stdout.buffer)
    )


def echoes_for(log_paths: dict[str, str | None]) -> list[LogEcho]:
    """One echo per stream: stdout to our stdout, stderr to our stderr."""
    targets = {"stdout": sys.stdout, "stderr": sys.stderr}
    return [
        LogEcho(Path(path), targets[name].buffer, targets[name].isatty())
        for name, path in log_paths.items()
        if path
    ]
