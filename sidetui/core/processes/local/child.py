"""A child running on this machine, as the execution state machine sees it (`RunningChild`)."""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass, field

from sidetui.core.catalog.limits import ResourceLimits
from sidetui.core.processes.backend import ChildObserver, ExitStatus
from sidetui.core.processes.local.containment import Containment
from sidetui.core.processes.local.pipes import ChildProtocol
from sidetui.core.processes.local.process_tree import ProcessTree
from sidetui.core.processes.local.safety_net import forget_group, remember_group
from sidetui.core.records.execution_record import TreeUsage


@dataclass(eq=False)
class LocalChild:
    """One local child: its transport and pipes, and the process tree that came of it."""

    transport: asyncio.SubprocessTransport
    protocol: ChildProtocol
    tree: ProcessTree
    observer: ChildObserver
    containment: Containment
    limits: ResourceLimits | None = None
    released: bool = False
    _escalate: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    def __post_init__(self) -> None:
        remember_group(self.tree.marker, self.tree.root_pid)

    @property
    def pid(self) -> int:
        return self.tree.root_pid

    @property
    def exited(self) -> asyncio.Future[None]:
        return self.protocol.exited

    @property
    def output_ended(self) -> asyncio.Future[None]:
        return self.protocol.pipes_closed

    def exit_status(self) -> ExitStatus | None:
        code = self.transport.get_returncode()
        if code is None:
            return None
        self.tree.root_reaped = True  # its group number may now be reused: the tree knows
        if code >= 0:
            return ExitStatus(code=code)
        cgroup, memory = self.tree.cgroup, self.limits and self.limits.memory_bytes
        over = memory and cgroup is not None and cgroup.out_of_memory()
        reason = f"it went past its memory limit of {memory:,} bytes" if over else None
        return ExitStatus(signal=_signal_name(-code), limit_exceeded=reason)

    async def stop(self, grace_s: float) -> tuple[int, ...]:
        return await self.tree.terminate(grace_s, self._escalate)

    def kill(self) -> None:
        self._escalate.set()

    def report_usage(self, usage: TreeUsage) -> None:
        """Tell the observer the tree's CPU and memory now."""
        if not self.released:
            self.observer.usage_sampled(usage)

    def release(self) -> None:
        self.released = True
        self.transport.close()
        forget_group(self.tree.marker)
        self.containment.release(self.tree.marker)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
