"""Reads of the process table shared by everyone who needs one now.

A stop must see the table as it is after the stop began, so an older read will not do; but
everyone who asks while a read runs can share the next one. A burst of a hundred children
ending then costs one read per read time, not a hundred reads competing for the same threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sidetui.core.processes.local.process_tree import ProcessTable
from sidetui.core.workers import in_process_thread


class TableReads:
    """Hands out tables read entirely after they were asked for; one read runs at a time."""

    def __init__(self, read: Callable[[], ProcessTable] = ProcessTable.read) -> None:
        self._read = read  # blocking: runs on a process-table thread
        self._next: asyncio.Future[ProcessTable] | None = None  # the read not yet begun
        self._pump: asyncio.Task[None] | None = None

    async def fresh(self) -> ProcessTable:
        """A table whose read began after this call."""
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._read_while_asked(), name="process table")
        return await asyncio.shield(self._next)

    async def _read_while_asked(self) -> None:
        while (asked := self._next) is not None:
            self._next = None  # whoever asks from now on waits for the next read
            try:
                asked.set_result(await in_process_thread(self._read))
            except asyncio.CancelledError:
                asked.cancel()
                raise
            except Exception as error:  # the askers get it
                asked.set_exception(error)
