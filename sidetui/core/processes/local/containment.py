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

import contextlib
import resource

from sidetui.core.catalog.limits import ResourceLimits
from sidetui.core.config import EngineConfig
from sidetui.core.processes.local.cgroups import Cgroups, ExecutionCgroup
from sidetui.core.processes.local.keeper import reap_left_over
from sidetui.core.processes.local.keeper_link import KeeperLink


class Containment:
    """One manager's cgroups and keeper."""

    def __init__(self, config: EngineConfig):
        self.config = config
        self.cgroups: Cgroups | None = None
        self.cgroup_problem = "cgroups are switched off in the configuration"
        self.keeper: KeeperLink | None = None
        self.reaped_at_open = 0  # executions of a dead manager reaped when this one opened

    def open(self) -> None:
        self.reaped_at_open = reap_left_over(self.config.state_dir)
        if self.config.cgroups:
            self.cgroups, self.cgroup_problem = Cgroups.set_up()
        if self.config.keeper:
            self.keeper = KeeperLink(self.config.state_dir / "live")
            self.keeper.start()

    def place(
        self, execution_id: str, pid: int, started: float, limits: ResourceLimits | None
    ) -> tuple[ExecutionCgroup | None, list[str]]:
        """Put a new child in its cgroup, limit it, have the keeper watch it; what could not
        be done, as notes for its record."""
        cgroup, notes = None, []
        if self.cgroups is not None:
            try:
                cgroup = self.cgroups.create(execution_id)
                cgroup.add(pid)
            except OSError as error:
                notes.append(f"no cgroup for it: {error.strerror or error}")
                if cgroup is not None:
                    cgroup.remove()
                cgroup = None
        if limits:
            notes += self._limit(pid, cgroup, limits)
        if self.keeper is not None:
            self.keeper.watch(execution_id, pid, started, cgroup)
        return cgroup, notes

    def release(self, execution_id: str, cgroup: ExecutionCgroup | None) -> None:
        """The execution has settled (its tree is gone)."""
        if self.keeper is not None:
            self.keeper.forget(execution_id)
        if cgroup is not None:
            cgroup.remove()

    def close(self) -> None:
        if self.keeper is not None:
            self.keeper.close()
        if self.cgroups is not None:
            self.cgroups.close()

    def _limit(self, pid: int, cgroup: ExecutionCgroup | None, limits: ResourceLimits) -> list[str]:
        if cgroup is not None:
            missing = cgroup.limit(limits)
            return [f"limits not enforced: {', '.join(missing)}"] if missing else []
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
