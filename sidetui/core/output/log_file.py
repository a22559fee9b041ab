"""Log files, written by one background thread so that a flood's disk writes never hold up the
event loop (on a slow disk they were 40% of it while four children flooded).

The loop hands each chunk to the writer and goes on; the writer thread takes everything queued at
once and writes it with one `writev` per file, without the GIL. Order is kept per file (one
thread, one queue). When the disk falls behind, readers are asked to pause (`congested`,
`when_drained`), so a child waits on its pipe rather than memory growing or the loop blocking.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

HIGH_WATER = 4 * 1024 * 1024  # bytes waiting for the disk before readers pause
LOW_WATER = 1024 * 1024  # ... and below which they resume
_IOV_MAX = 512  # buffers per writev, well under every system's IOV_MAX
_CLOSE = None  # in the queue: close the file once what came before it is written


class LogFile:
    """Appends raw bytes to a file; a failure (disk full...) is remembered, never raised.

    The file is created by the first write (or by `close`, empty), which keeps it off the start.
    With a `writer`, writes happen on its thread; `closed` tells when all of it is on disk.
    """

    _UNOPENED = -2

    def __init__(self, path: Path, writer: LogWriter | None = None):
        self.path = path
        self.error: str | None = None
        self.writer = writer
        self.closed: Future[None] = Future()
        self._fd = self._UNOPENED

    @property
    def congested(self) -> bool:
        """The disk is behind: whoever feeds this log should wait for `when_drained`."""
        return self.writer is not None and self.writer.congested

    def write(self, data: bytes) -> None:
        if self.writer is not None:
            self.writer.submit(self, data)
        else:
            self.write_now([data])

    def close(self) -> None:
        """Close once everything written so far is on disk; `closed` resolves then. With a
        writer even a log that got nothing is created on its thread: creating a file in a busy
        folder can take a millisecond, which the loop does not pay."""
        if self.writer is not None:
            self.writer.submit(self, _CLOSE)
        else:
            self.close_now()

    def write_now(self, chunks: list[bytes]) -> None:
        if self._fd == self._UNOPENED:
            self._open()
        if self._fd < 0:
            return
        try:
            for start in range(0, len(chunks), _IOV_MAX):
                write_all(self._fd, chunks[start : start + _IOV_MAX])
        except OSError as error:
            self.error = f"log {self.path} stopped: {error.strerror}"
            os.close(self._fd)
            self._fd = -1

    def close_now(self) -> None:
        if self._fd == self._UNOPENED:
            self._open()
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = -1
        if not self.closed.done():
            self.closed.set_result(None)

    def _open(self) -> None:
        try:
            self._fd = os.open(
                self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600
            )
        except OSError as error:
            self._fd = -1
            self.error = f"cannot open log {self.path}: {error.strerror}"


class LogWriter:
    """The thread that writes log files; one serves the whole process (`shared`)."""

    _shared: LogWriter | None = None
    _shared_lock = threading.Lock()

    def __init__(self, high_water: int = HIGH_WATER, low_water: int = LOW_WATER):
        self.high_water, self.low_water = high_water, low_water
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)
        self._queue: deque[tuple[LogFile, bytes | None]] = deque()
        self._pending = 0  # bytes queued or being written
        self.peak_backlog = 0  # the most bytes that were ever waiting for the disk
        self._waiting: list[tuple[asyncio.AbstractEventLoop, Callable[[], None]]] = []
        self._thread = threading.Thread(target=self._run, name="sidetui-log-writer", daemon=True)
        self._thread.start()

    @classmethod
    def shared(cls) -> LogWriter:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    @property
    def congested(self) -> bool:
        return self._pending > self.high_water

    def submit(self, log: LogFile, data: bytes | None) -> None:
        with self._lock:
            self._queue.append((log, data))
            self._pending += len(data) if data else 0
            self.peak_backlog = max(self.peak_backlog, self._pending)
            self._work.notify()

    def when_drained(self, callback: Callable[[], None]) -> None:
        """Call `callback` on the running loop once the backlog is down to the low-water mark."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._pending > self.low_water:
                self._waiting.append((loop, callback))
                return
        loop.call_soon(callback)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._queue:
                    self._work.wait()
                batch = list(self._queue)
                self._queue.clear()
            for log, items in itertools.groupby(batch, key=lambda item: item[0]):
                self._write_run(log, [data for _, data in items])
            self._written(sum(len(data) for _, data in batch if data))

    @staticmethod
    def _write_run(log: LogFile, run: list[bytes | None]) -> None:
        """What came in a row for one file: its chunks in one writev, then maybe its close."""
        try:
            chunks = [data for data in run if data is not _CLOSE]
            if chunks:
                log.write_now(chunks)
        except Exception as error:  # never let one file stop the thread that writes them all
            log.error = f"log {log.path} stopped: {error}"
        finally:
            if _CLOSE in run:
                log.close_now()

    def _written(self, size: int) -> None:
        with self._lock:
            self._pending -= size
            if self._pending > self.low_water or not self._waiting:
                return
            waiting, self._waiting = self._waiting, []
        for loop, callback in waiting:
            with contextlib.suppress(RuntimeError):  # that loop has closed meanwhile
                loop.call_soon_threadsafe(callback)


def write_all(fd: int, chunks: list[bytes]) -> None:
    """writev until every byte is written (a write may be partial)."""
    total = sum(map(len, chunks))
    done = os.writev(fd, chunks)
    if done == total:
        return
    rest = memoryview(b"".join(chunks))[done:]
    while rest:
        rest = rest[os.write(fd, rest) :]
