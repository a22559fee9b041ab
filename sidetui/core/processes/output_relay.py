"""Output news for listeners, coalesced: at most one batch per stream per flush interval; the
first output after a quiet interval is told at once (a child's first line is not held back).

Nobody listening costs nothing. Listeners that want lines get `OutputBatch` events; views that
read the tails themselves get one `OutputChanged` per execution per interval. Before an
execution's status changes, its pending output is flushed, so no final status is announced ahead
of the lines that came before it.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Iterable

from sidetui.core.events import EventHub, OutputBatch, OutputChanged
from sidetui.core.output.stream import OutputStream
from sidetui.core.processes.execution import Execution


class OutputRelay:
    """Turns the output of executions into events on the hub."""

    def __init__(
        self, events: EventHub, flush_ms: int, executions: Callable[[], Iterable[Execution]]
    ):
        self._events = events
        self._flush_s = flush_ms / 1000
        self._executions = executions
        self._dirty: set[Execution] = set()
        self._flush_handle: asyncio.Handle | None = None
        self._flushed_at = float("-inf")  # loop time of the last flush
        self._quiet = False  # the pending flush was asked for after a quiet interval
        self._told: weakref.WeakKeyDictionary[OutputStream, int] = weakref.WeakKeyDictionary()

    def start_collecting(self, execution: Execution) -> None:
        """A listener wants lines: this execution's streams start keeping batches."""
        for stream in execution.streams:
            stream.start_collecting()

    def arrived(self, execution: Execution, stream: OutputStream) -> None:
        """`stream` of `execution` grew: flush it within the interval, if anyone cares; at once
        when it ended a line after a quiet interval (a first write of part of a line - Python
        prints the newline on its own - waits for the rest, within the interval)."""
        if not stream.collecting and not self._events.wants_changes:
            return
        self._dirty.add(execution)
        if self._flush_handle is None:
            loop = asyncio.get_running_loop()
            self._quiet = loop.time() >= self._flushed_at + self._flush_s
            self._flush_handle = loop.call_later(self._flush_s, self.flush)
        if self._quiet and stream.lines_total > self._told.get(stream, 0):
            self._quiet = False  # at once, once this read is handled
            self._flush_handle.cancel()
            self._flush_handle = asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Publish what every execution printed since the last flush."""
        self._flush_handle = None
        self._flushed_at = asyncio.get_running_loop().time()
        dirty = list(self._dirty)
        if not self._events.wants_output:
            for execution in self._executions():
                for stream in execution.streams:
                    stream.collecting = False
        for execution in dirty:
            self.flush_execution(execution)

    def flush_execution(self, execution: Execution) -> None:
        """Publish what `execution` printed since the last flush, if anyone wants to know."""
        for stream in execution.streams:
            self._told[stream] = stream.lines_total
            if stream.collecting and stream.has_news:
                new = stream.take_pending()
                self._events.publish(
                    OutputBatch(
                        execution.id,
                        stream.name,
                        new.lines,
                        new.first,
                        stream.partial,
                        new.dropped,
                        new.times,
                    )
                )
        if execution in self._dirty:
            self._dirty.discard(execution)
            if self._events.wants_changes:
                self._events.publish(OutputChanged(execution.id))
