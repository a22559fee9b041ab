"""One side execution driven through its statuses, from spawn to a settled end.

A single supervisor task owns the ending, whatever starts it (the child exiting, a stop, a
timeout, a reported result): it settles the status, ends the whole process tree, drains the
output and closes the logs. `final` is set when the status is final; `settled` when nothing of the
execution is left running and its output is complete. The child itself is a `RunningChild` of the
configured process backend.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any, Protocol

from sidetui.core.output.stream import OutputStream
from sidetui.core.processes.backend import ExitStatus, ProcessBackend, RunningChild, SpawnError
from sidetui.core.processes.exit_verdict import judge_exit, last_words
from sidetui.core.processes.graces import Graces
from sidetui.core.processes.plan import LaunchPlan
from sidetui.core.processes.waiting import wait_at_most
from sidetui.core.protocol.invocation import Completion
from sidetui.core.records.block_message import BlockMessage
from sidetui.core.records.errors import ErrorCode, ExecutionError
from sidetui.core.records.execution_record import ExecutionRecord, TreeUsage
from sidetui.core.records.status import ExecutionStatus

_PIPE_CLOSE_WAIT_S = 2.0


class ExecutionObserver(Protocol):
    """The engine's side of an execution: hears about status, output and the settled end."""

    def status_changed(self, execution: Execution, previous: ExecutionStatus) -> None: ...
    def output_arrived(self, execution: Execution, stream: OutputStream) -> None: ...
    def message_arrived(self, execution: Execution, message: BlockMessage) -> None: ...
    def settled(self, execution: Execution) -> None: ...


class Execution:
    """Drives one record through its lifecycle."""

    def __init__(
        self,
        record: ExecutionRecord,
        plan: LaunchPlan,
        graces: Graces,
        observer: ExecutionObserver,
    ):
        self.record = record
        self.plan = plan
        self.graces = graces
        self.observer = observer
        self.child: RunningChild | None = None
        self.final = asyncio.Event()
        self.settled = asyncio.Event()
        self._end_requested = asyncio.Event()
        self._kill_requested = False
        self._leave_s = 0.0  # how long the child may take to leave by itself, then stopped
        self._term_s = graces.result_s  # asking to stop to forcing it, for what is left
        self._timer: asyncio.TimerHandle | None = None
        self._connect_timer: asyncio.TimerHandle | None = None
        self.supervisor: asyncio.Task[None] | None = None

    @property
    def id(self) -> str:
        return self.record.side_execution_id

    @property
    def streams(self) -> list[OutputStream]:
        return [s for s in (self.record.stdout, self.record.stderr) if s is not None]

    # -- starting ------------------------------------------------------------------------------

    async def start(self, backend: ProcessBackend) -> None:
        """Spawn the child with `backend`; returns once it runs or has failed to start."""
        loop = asyncio.get_running_loop()
        if self.record.timeout:
            self._timer = loop.call_later(self.record.timeout / 1000, self._time_out)
        link = self.plan.link
        if link is not None:
            link.owner = self
        streams = {1: self.record.stdout, 2: self.record.stderr}
        try:
            self.child = await backend.spawn(
                self.plan, {fd: s for fd, s in streams.items() if s is not None}, self
            )
        except SpawnError as error:
            self.fail_to_start(str(error))
            return
        if self._kill_requested:
            self.child.kill()
        self.record.pid = self.child.pid
        self.supervisor = asyncio.create_task(self._supervise(), name=f"supervise {self.id}")
        if link is not None:
            await link.open()
        if link is not None and link.expects_socket and not link.socket_attached:
            self._connect_timer = loop.call_later(self.graces.connect_s, self._never_connected)
        else:
            self.set_status(ExecutionStatus.RUNNING)

    def abort(self, message: str) -> None:
        """Something went wrong in the engine while starting: fail, and end what did start."""
        if self.supervisor is not None:
            self.fail(ErrorCode.SPAWN_FAILED, message)
        elif not self.settled.is_set():
            self.fail_to_start(message)

    def fail_to_start(self, message: str) -> None:
        """The child never ran: `failed` (or `stopped` when a stop came first), settled at once."""
        for stream in self.streams:
            stream.close()
        if self.plan.link is not None:
            self.plan.link.close()
        if not self.set_status(
            ExecutionStatus.FAILED, self._error(ErrorCode.SPAWN_FAILED, message)
        ):
            self.set_status(ExecutionStatus.STOPPED)  # stop was asked for while spawning
        self._settle()

    # -- what the running child does (ChildObserver) ---------------------------------------------

    def output_arrived(self, stream: OutputStream) -> None:
        if self.record.interleaving is not None:
            self.record.interleaving.note(stream)
        self.observer.output_arrived(self, stream)

    def usage_sampled(self, usage: TreeUsage) -> None:
        if not self.settled.is_set():
            self.record.add_usage(usage, time.time())

    # -- ending requests -------------------------------------------------------------------------

    def stop(self, grace_s: float | None = None) -> Awaitable[bool]:
        """Stop the whole tree; a second stop while stopping kills at once. Waits until settled.

        The awaitable's value is False when the execution was already final (nothing changed).
        """
        status = self.record.status
        if status is ExecutionStatus.STOPPING:
            self._kill()
        elif status.is_live:
            self.set_status(ExecutionStatus.STOPPING)
            self._end(term_s=self.graces.stop_s if grace_s is None else grace_s)
        else:
            return asyncio.sleep(0, result=False)  # already final: nothing to wait for
        return self._wait_settled()

    def complete(self, result: Any) -> bool:
        """A result: `completed` now; the child gets the result grace to leave, then is stopped."""
        if not self.set_status(ExecutionStatus.COMPLETED, result=result):
            return False
        self._end(leave_s=self.graces.result_s)
        return True

    def fail(
        self, code: ErrorCode | str, message: str, details: dict[str, Any] | None = None
    ) -> bool:
        """An error reported (or a protocol failure): `failed`, then as after a result."""
        if not self.set_status(ExecutionStatus.FAILED, self._error(code, message, details)):
            return False
        self._end(leave_s=self.graces.result_s)
        return True

    # -- what the child says on its link (LinkOwner) --------------------------------------------

    def note(self, text: str) -> None:
        """Something worth knowing that did not change the outcome (a refused message...)."""
        self.record.add_notice(text)

    def said(self, message: BlockMessage) -> None:
        self.record.add_message(message)
        self.observer.message_arrived(self, message)

    def invocation_delivered(self) -> None:
        self.set_status(ExecutionStatus.RUNNING)

    def child_completed(self, completion: Completion) -> None:
        if completion.error is None:
            self.complete(completion.result)
        else:
            self.fail(completion.code, completion.error)

    def _never_connected(self) -> None:
        why = self.plan.link.never_got_through if self.plan.link else None
        waited = f"did not connect within {self.graces.connect_s:g} s"
        self.fail(ErrorCode.CONNECTION_FAILED, f"{why}; {waited}" if why else f"it {waited}")

    def _time_out(self) -> None:
        message = f"timed out after {self.record.timeout} ms"
        if self.set_status(
            ExecutionStatus.TIMEOUT, self._error(ErrorCode.EXECUTION_TIMEOUT, message)
        ):
            self._end(term_s=self.graces.stop_s)

    def _end(self, leave_s: float = 0.0, term_s: float = 0.0) -> None:
        self._leave_s, self._term_s = leave_s, term_s
        self._end_requested.set()

    def _kill(self) -> None:
        self._kill_requested = True
        if self.child is not None:
            self.child.kill()

    async def _wait_settled(self) -> bool:
        await self.settled.wait()
        return True

    # -- supervising -----------------------------------------------------------------------------

    async def _supervise(self) -> None:
        assert self.child is not None
        child = self.child
        try:
            ending = asyncio.ensure_future(self._end_requested.wait())
            either: list[asyncio.Future[Any]] = [child.exited, ending]
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            ending.cancel()
            if child.exited.done() and self.record.status.is_live:
                await self._on_exit()
                self._term_s = self.graces.result_s  # for anything it left behind
            elif self._leave_s:
                await wait_at_most(child.exited, self._leave_s)
            leftovers = await child.stop(self._term_s)
            await wait_at_most(child.exited, _PIPE_CLOSE_WAIT_S)
            self._note_exit()
            await wait_at_most(child.output_ended, _PIPE_CLOSE_WAIT_S)
            self.record.leftover_pids = leftovers
            self.set_status(ExecutionStatus.STOPPED)
        finally:
            child.release()
            for stream in self.streams:
                stream.close()
            try:
                await self._logs_closed()
            finally:
                self._settle()

    async def _logs_closed(self) -> None:
        """Until the log files hold every byte read (their writer may still be at it)."""
        closing = [asyncio.wrap_future(sink.closed) for s in self.streams for sink in s.sinks]
        await asyncio.gather(*closing)

    async def _on_exit(self) -> None:
        """The child exited by itself: wait briefly for its last output and for a result it
        may have sent just before, then judge the exit if it reported nothing."""
        assert self.child is not None
        exited = self._note_exit()
        await last_words(self.child, self.plan.link, self.graces.exit_drain_s)
        if self.record.status.is_live:  # else its report arrived meanwhile
            over = exited.limit_exceeded if exited else None
            verdict = judge_exit(self.record, self.plan.link, over)
            error = self._error(verdict.code, verdict.message) if verdict.code else None
            self.set_status(verdict.status, error, verdict.result)

    def _note_exit(self) -> ExitStatus | None:
        status = self.child.exit_status() if self.child is not None else None
        if status is not None:
            self.record.exit_code, self.record.signal = status.code, status.signal
        return status

    # -- status ----------------------------------------------------------------------------------

    def set_status(
        self, status: ExecutionStatus, error: ExecutionError | None = None, result: Any = None
    ) -> bool:
        """Move to `status` if the lifecycle allows it; final statuses never change."""
        record = self.record
        if not record.status.can_become(status):
            return False
        previous = record.status
        record.status = status
        if error is not None:
            record.error = error
        if result is not None:
            record.result = result
        if self._connect_timer is not None and previous is ExecutionStatus.STARTING:
            self._connect_timer.cancel()
        if status.is_final:
            record.end_time = time.time()
            if self._timer is not None:
                self._timer.cancel()
            self.final.set()
        self.observer.status_changed(self, previous)
        return True

    def _error(
        self, code: ErrorCode | str, message: str, details: dict[str, Any] | None = None
    ) -> ExecutionError:
        return ExecutionError(code, message, details, self.id)

    def _settle(self) -> None:
        if self.plan.link is not None:
            self.plan.link.close()
        self.plan.remove_temporary_files()
        self.record.usage = TreeUsage()
        self.settled.set()
        self.observer.settled(self)
