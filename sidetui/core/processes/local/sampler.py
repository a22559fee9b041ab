"""Sampling every live tree now and then: it finds the processes a stop must end (before they
can escape) and gives each execution the CPU and memory of its whole tree.

The looking (walks of the process table, `/proc` and cgroup files of every member) is done on a
process-table thread, all trees in one go: with hundreds of executions alive it would otherwise
take a good part of the event loop's time. Only the results are handed over on the loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from sidetui.core.processes.local.child import LocalChild
from sidetui.core.processes.local.process_tree import ProcessTable, ProcessTree
from sidetui.core.records.execution_record import TreeUsage
from sidetui.core.workers import in_process_thread
from sidetui.lazy import lazy_module

if TYPE_CHECKING:
    import psutil
else:
    psutil = lazy_module("psutil")


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
            children = list(self._children)
            usages = await in_process_thread(_usages, [c.tree for c in children], table)
            for child, usage in zip(children, usages, strict=True):
                child.report_usage(usage)


def _usages(trees: list[ProcessTree], table: ProcessTable) -> list[TreeUsage]:
    return [tree_usage(tree, table) for tree in trees]


def tree_usage(tree: ProcessTree, table: ProcessTable) -> TreeUsage:
    """CPU and memory of the whole tree now (CPU % since the previous call); remembers the
    members found, for a stop."""
    procs = tree.members(table, thorough=False)
    exact = tree.cgroup.memory_bytes() if tree.cgroup is not None else None
    cpu = 0.0
    rss = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error), proc.oneshot():
            cpu += proc.cpu_percent(None)
            if exact is None:  # else the cgroup told the whole tree's, without a read each
                rss += proc.memory_info().rss
    return TreeUsage(processes=len(procs), cpu_percent=cpu, memory_rss=exact or rss)
