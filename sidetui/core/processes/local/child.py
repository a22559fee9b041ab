"""A child running on this machine, as the execution state machine sees it (`RunningChild`)."""

from __future__ import annotations

import asyncio
import signal

from sidetui.core.processes.backend import ChildObserver, ExitStatus
from sidetui.core.processes.local.pipes import ChildProtocol
from sidetui.core.processes.local.process_tree import ProcessTable, ProcessTree
from sidetui.core.processes.local.safety_net import forget_group, remember_group


class LocalChild:
    """One local child: its transport and pipes, and the process tree that came of it."""

    def __init__(
        self,
        transport: asyncio.SubprocessTransport,
        protocol: ChildProtocol,
        tree: ProcessTree,
        observer: ChildObserver,
    ):
        self._transport = transport
        self._protocol = protocol
        self.tree = tree
        self.observer = observer
        self._escalate = asyncio.Event()
        self.released = False
        remember_group(tree.marker, tree.root_pid)

    @property
    def pid(self) -> int:
        return self.tree.root_pid

    @property
    def exited(self) -> asyncio.Future[None]:
        return self._protocol.exited

    @property
    def output_ended(self) -> asyncio.Future[None]:
        return self._protocol.pipes_closed

    def exit_status(self) -> ExitStatus | None:
        code = self._transport.get_returncode()
        if code is None:
            return None
        self.tree.root_reaped = True  # its group number may now be reused: the tree knows
        return ExitStatus(signal=_signal_name(-code)) if code < 0 else ExitStatus(code=code)

    async def stop(self, grace_s: float) -> tuple[int, ...]:
        return await self.tree.terminate(grace_s, self._escalate)

    def kill(self) -> None:
        self._escalate.set()

    def sample(self, table: ProcessTable) -> None:
        """Tell the observer the tree's CPU and memory now (and remember its members)."""
        if not self.released:
            self.observer.usage_sampled(self.tree.usage(table))

    def release(self) -> None:
        self.released = True
        self._transport.close()
        forget_group(self.tree.marker)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
