"""Sampling every live tree now and then: it finds the processes a stop must end (before they
can escape) and gives each execution the CPU and memory of its whole tree."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from sidetui.core.processes.local.child import LocalChild
from sidetui.core.processes.local.process_tree import ProcessTable


class TreeSampler:
    """One task for all children: one read of the process table per interval."""

    def __init__(
        self, interval_s: Callable[[], float], fresh_table: Callable[[], Awaitable[ProcessTable]]
    ):
        self.interval_s = interval_s  # read before each sample: settings may change
        self._fresh_table = fresh_table
        self._children: set[LocalChild] = set()
        self._task: asyncio.Task[None] | None = None

    def add(self, child: LocalChild) -> None:
        self._children.add(child)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._sample(), name="tree sampler")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _sample(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s())
            self._children = {c for c in self._children if not c.released}
            if not self._children:
                return
            table = await self._fresh_table()
            for child in list(self._children):
                child.sample(table)
