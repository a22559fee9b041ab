"""Keeping every local child's tree contained, even if sidetui itself is killed.

Three layers, each used where the machine allows it:
- a cgroup per execution (`cgroups`): nothing a child starts can leave it, it is killed whole,
  its memory is read exactly, and the block's limits are the kernel's to enforce;
- the keeper (`keeper`): a process of its own that ends the watched trees when this one dies,
  SIGKILL included, and keeps a live file of them;
- at open, the trees that a manager which died together with its keeper left behind are reaped
  from its live file.
Without cgroups a memory limit is applied to the address space (`setrlimit`); processes and CPU
limits are then not enforced, and the execution's record says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import resource
from collections.abc import Callable

from sidetui.core.catalog.limits import ResourceLimits
from sidetui.core.config import EngineConfig
from sidetui.core.processes.local.cgroups import Cgroups, ExecutionCgroup
from sidetui.core.processes.local.keeper import reap_left_over
from sidetui.core.processes.local.keeper_link import KeeperLink
from sidetui.core.processes.local.process_tree import ProcessTree
from sidetui.core.workers import in_process_thread


class Containment:
    """One manager's cgroups and keeper."""

    def __init__(self, config: EngineConfig):
        self.config = config
        self.cgroups: Cgroups | None = None
        self.cgroup_problem = "cgroups are switched off in the configuration"
        self.keeper: KeeperLink | None = None
        self.reaped_at_open = 0  # executions of a dead manager reaped when this one opened
        self._placed: dict[str, ExecutionCgroup] = {}
        self._joining: set[asyncio.Task[None]] = set()

    def open(self) -> None:
        self.reaped_at_open = reap_left_over(self.config.state_dir)
        if self.config.cgroups:
            self.cgroups, self.cgroup_problem = Cgroups.set_up()
        if self.config.keeper:
            self.keeper = KeeperLink(self.config.state_dir / "live")
            self.keeper.start()

    def place(
        self, tree: ProcessTree, limits: ResourceLimits | None, note: Callable[[str], None]
    ) -> None:
        """Contain a new child: the keeper watches it at once; its cgroup is made, joined and
        limited on a worker thread (off the start), then the tree holds it. What cannot be done
        is told to `note`."""
        execution_id, pid = tree.marker, tree.root_pid
        planned = self.cgroups.planned(execution_id) if self.cgroups is not None else None
        if self.keeper is not None:
            self.keeper.watch(execution_id, pid, tree.started + 1, planned)
        if planned is None:
            for text in self._fallback_limits(pid, limits) if limits else ():
                note(text)
            return
        self._placed[execution_id] = planned
        task = asyncio.create_task(self._join(tree, planned, limits, note))
        self._joining.add(task)
        task.add_done_callback(self._joining.discard)

    async def _join(
        self,
        tree: ProcessTree,
        cgroup: ExecutionCgroup,
        limits: ResourceLimits | None,
        note: Callable[[str], None],
    ) -> None:
        try:
            missing = await in_process_thread(_join_blocking, cgroup, tree.root_pid, limits)
        except OSError as error:
            if error.errno != errno.ESRCH:  # ESRCH: it ended before it could join: nothing to say
                note(f"no cgroup for it: {error.strerror or error}")
            cgroup.remove()
            return
        if tree.marker not in self._placed:  # it settled meanwhile
            cgroup.remove()
            return
        tree.cgroup = cgroup
        if missing:
            note(f"limits not enforced: {', '.join(missing)}")

    def release(self, execution_id: str) -> None:
        """The execution has settled (its tree is gone)."""
        if self.keeper is not None:
            self.keeper.forget(execution_id)
        cgroup = self._placed.pop(execution_id, None)
        if cgroup is not None:
            cgroup.remove()

    def close(self) -> None:
        if self.keeper is not None:
            self.keeper.close()
        if self.cgroups is not None:
            self.cgroups.close()

    def _fallback_limits(self, pid: int, limits: ResourceLimits) -> list[str]:
        notes = [f"no cgroups here ({self.cgroup_problem})"]
        if limits.memory_bytes is not None:
            with contextlib.suppress(OSError, ValueError):
                memory = limits.memory_bytes
                resource.prlimit(pid, resource.RLIMIT_AS, (memory, memory))
                notes.append("the memory limit applies to its address space (setrlimit)")
        unenforced = [n for n in ("processes", "cpu") if getattr(limits, n) is not None]
        if unenforced:
            notes.append(f"limits not enforced: {', '.join(unenforced)}")
        return notes


def _join_blocking(cgroup: ExecutionCgroup, pid: int, limits: ResourceLimits | None) -> list[str]:
    cgroup.make()
    cgroup.add(pid)
    return cgroup.limit(limits) if limits else []
