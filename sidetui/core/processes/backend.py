"""The process backend: everything the execution state machine needs from "a running child".

`ProcessBackend.spawn` starts a child from a `LaunchPlan` and returns a `RunningChild`; the
execution then waits on it, stops it with a grace, kills it, and reads what is left. The local
backend (`sidetui.core.processes.local`) runs children on this machine; docs/engine.md says what
another backend (remote, container) must provide and what it may leave out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sidetui.core.output.stream import OutputStream
from sidetui.core.records.execution_record import TreeUsage

if TYPE_CHECKING:
    from sidetui.core.processes.plan import LaunchPlan


class SpawnError(Exception):
    """The child cannot be started; the message says why and what to do."""


@dataclass(frozen=True)
class ExitStatus:
    """How the child itself ended: an exit code, or the name of the signal that killed it."""

    code: int | None = None
    signal: str | None = None
    limit_exceeded: str | None = None  # the kernel ended it for going past a limit: which


class ChildObserver(Protocol):
    """Hears what a running child does: output (already in its stream), tree usage, and notes
    for its record."""

    def output_arrived(self, stream: OutputStream) -> None: ...
    def usage_sampled(self, usage: TreeUsage) -> None: ...
    def note(self, text: str) -> None:
        """Something the backend could not do as the plan asked (a limit it cannot enforce)."""


class RunningChild(Protocol):
    """One started child and every process that came of it."""

    @property
    def pid(self) -> int: ...

    @property
    def exited(self) -> asyncio.Future[None]:
        """Done when the child itself has ended (its descendants may live on)."""

    @property
    def output_ended(self) -> asyncio.Future[None]:
        """Done when both output streams have ended (every writer closed them)."""

    def exit_status(self) -> ExitStatus | None:
        """How the child ended, once it has; None while it runs."""

    async def stop(self, grace_s: float) -> tuple[int, ...]:
        """End the whole tree: ask it to stop, wait up to `grace_s` (or until `kill`), then
        force it, and confirm it is gone. Returns what survived (normally nothing)."""

    def kill(self) -> None:
        """Cut the grace of a `stop` short (before or during it): force the tree at once."""

    def release(self) -> None:
        """The execution is settled: let go of pipes, watchers and bookkeeping."""


class ProcessBackend(Protocol):
    """Starts children; one per manager, chosen by `EngineConfig.process_backend`."""

    name: str

    def open(self) -> None:
        """Before the first spawn."""

    async def spawn(
        self,
        plan: LaunchPlan,
        streams: Mapping[int, OutputStream],
        observer: ChildObserver,
    ) -> RunningChild:
        """Start the child the plan describes, its output fed to `streams` (by fd: 1 stdout,
        2 stderr); `SpawnError` when it cannot start."""

    async def close(self) -> None:
        """After the last execution settled."""
