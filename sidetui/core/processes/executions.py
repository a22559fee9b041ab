"""Every side execution of one manager: launched, found, stopped, and reported on the event hub."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sidetui.core.catalog.entries import ActionBlock
from sidetui.core.config import EngineConfig
from sidetui.core.events import EventHub, MessageArrived, StatusChanged
from sidetui.core.output.stream import OutputStream
from sidetui.core.processes.admission import Admitted, choose_timeout
from sidetui.core.processes.backend import ProcessBackend
from sidetui.core.processes.execution import Execution
from sidetui.core.processes.graces import Graces
from sidetui.core.processes.launcher import Launcher
from sidetui.core.processes.output_relay import OutputRelay
from sidetui.core.processes.plan import LaunchPlan
from sidetui.core.protocol.child_link import ChildLink
from sidetui.core.records.block_message import BlockMessage
from sidetui.core.records.errors import ErrorCode, ExecutionError, Refusal
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.requests import Lineage
from sidetui.core.records.response import Response
from sidetui.core.records.status import ExecutionStatus

RecordHook = Callable[[ExecutionRecord], None]
RecordTest = Callable[[ExecutionRecord], bool]
TAKES_CHILDREN_ALONG = frozenset(
    {
        ExecutionStatus.STOPPING,
        ExecutionStatus.STOPPED,
        ExecutionStatus.TIMEOUT,
        ExecutionStatus.FAILED,
    }
)


@dataclass(eq=False)
class Executions:
    """The executions of one manager, oldest first; their observer (`ExecutionObserver`).

    `on_status` hears every status change after the event hub; `on_settled` every settled end.
    """

    config: EngineConfig
    backend: ProcessBackend
    launcher: Launcher
    events: EventHub
    on_status: RecordHook
    on_settled: RecordHook
    accepting: bool = False  # starts are taken only while the manager is open
    _by_id: dict[str, Execution] = field(default_factory=dict, init=False)
    _stopping: set[asyncio.Task[Response]] = field(default_factory=set, init=False)
    relay: OutputRelay = field(init=False)

    def __post_init__(self) -> None:
        self.relay = OutputRelay(self.events, self.config.output_flush_ms, self._by_id.values)

    # -- finding ---------------------------------------------------------------------------------

    def find(self, execution_id: str) -> Execution | None:
        return self._by_id.get(execution_id)

    def record(self, execution_id: str) -> ExecutionRecord | None:
        execution = self._by_id.get(execution_id)
        return execution.record if execution else None

    def socket_child(self, execution_id: str) -> ChildLink | None:
        """The link of a live execution, for its child connecting to the WebSocket endpoint."""
        execution = self._by_id.get(execution_id)
        if execution is None or execution.settled.is_set():
            return None
        return execution.plan.link

    def get(self, execution_id: str) -> Execution:
        """The execution with that id; `Refusal` (`SIDE_EXECUTION_NOT_FOUND`) when there is none."""
        execution = self._by_id.get(execution_id)
        if execution is None:
            raise Refusal(ErrorCode.SIDE_EXECUTION_NOT_FOUND, _not_found(execution_id).message)
        return execution

    def status(self, execution_id: str, find: Callable[[str], ExecutionRecord | None]) -> Response:
        """`getSideExecutionStatusResponse` of the record `find` gives (live or stored)."""
        kind = "getSideExecutionStatusResponse"
        record = find(execution_id)
        if record is None:
            return Response.failure(kind, _not_found(execution_id))
        return Response.ok(kind, f"{execution_id} is {record.status.value}", record.to_dict())

    async def wait(self, execution_id: str, settled: bool) -> ExecutionRecord:
        """The record once its status is final, or once it has `settled` (nothing of it runs and
        its output is complete); an unknown id raises `Refusal`."""
        execution = self.get(execution_id)
        await (execution.settled if settled else execution.final).wait()
        return execution.record

    @property
    def records(self) -> list[ExecutionRecord]:
        """Newest first."""
        return [e.record for e in reversed(self._by_id.values())]

    def forget(self, execution_id: str) -> bool:
        """Drop a settled execution; False while it has not settled."""
        execution = self._by_id.get(execution_id)
        if execution is not None and not execution.settled.is_set():
            return False
        self._by_id.pop(execution_id, None)
        return True

    def start_collecting(self) -> None:
        """A listener wants output lines: every execution keeps batches from now on."""
        for execution in self._by_id.values():
            self.relay.start_collecting(execution)

    # -- launching and stopping ------------------------------------------------------------------

    async def launch(self, record: ExecutionRecord, plan: LaunchPlan) -> Execution:
        """Start the child the plan describes; returns once it runs or failed to start."""
        graces = Graces.from_config(self.config)  # read at each launch: settings may change
        execution = Execution(record, plan, graces, self)
        self._by_id[record.side_execution_id] = execution
        if self.events.wants_output:
            self.relay.start_collecting(execution)
        self.events.publish(StatusChanged(record, record.status, None))
        try:
            await execution.start(self.backend)
        except Exception as error:  # a bug must not leave an execution that never settles
            execution.abort(f"internal error while starting: {error!r}")
            raise
        return execution

    def require_open(self) -> None:
        """`INVALID_REQUEST` unless starts are taken (the manager is open)."""
        if not self.accepting:
            raise Refusal(ErrorCode.INVALID_REQUEST, "the manager is not open (use `async with`)")

    def timeout_for(self, requested: Any, manifest: int | None) -> int | None:
        """The limit in ms (None: none) from the request, the manifest, the configuration;
        `Refusal` for a timeout that is not a number >= 0."""
        return choose_timeout(requested, manifest, self.config.default_timeout_ms)

    async def start_admitted(self, admitted: Admitted) -> Response:
        """Start what an admitted request names: its block, or its inline code."""
        request, block, launcher = admitted.request, admitted.block, self.launcher
        if block is None:
            kind, label = ExecutionKind.CODE, f"<inline {request.language}>"
        else:
            kind, label = ExecutionKind.ACTION_BLOCK, os.fspath(request.target or block.path)
        record = launcher.record(
            kind, label, admitted.params, admitted.timeout, self._by_id.keys(), request.lineage,
            admitted.thread_messages, request.output_copies,
        )  # fmt: skip
        if block is None:
            return await self._start(
                record, launcher.code_plan(request.code, request.language, record)
            )
        return await self._start(record, launcher.block_plan(block, record))

    async def start_block(
        self,
        block: ActionBlock,
        params: dict[str, Any],
        timeout: int | None,
        lineage: Lineage,
        kind: ExecutionKind,
        label: str,
    ) -> Response:
        """Start a block (or an executor) whose request was admitted."""
        record = self.launcher.record(kind, label, params, timeout, self._by_id.keys(), lineage)
        return await self._start(record, self.launcher.block_plan(block, record))

    async def _start(self, record: ExecutionRecord, plan: LaunchPlan) -> Response:
        """Launch, and answer as a start request is answered (`SPAWN_FAILED` with the record
        when the child could not start)."""
        execution = await self.launch(record, plan)
        kind = "startSideExecutionResponse"
        if record.status is ExecutionStatus.FAILED and record.error is not None:
            return Response.failure(kind, record.error, record.to_dict())
        return Response.ok(kind, f"{execution.id} started", record.to_dict())

    async def stop(self, execution_id: str, grace_ms: int | None = None) -> Response:
        """Stop an execution and its whole tree; again while stopping: kill at once."""
        kind = "stopSideExecutionResponse"
        try:
            execution = self.get(execution_id)
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        grace = None if grace_ms is None else grace_ms / 1000
        changed = await execution.stop(grace)
        status = execution.record.status.value
        message = f"{execution_id} {status}" if changed else f"{execution_id} was already {status}"
        return Response.ok(kind, message, execution.record.to_dict())

    async def stop_all(
        self, grace_ms: int | None = None, only: RecordTest = lambda record: True
    ) -> Response:
        """Stop every live execution (`only` those it accepts) concurrently."""
        live = [
            e.id for e in self._by_id.values() if not e.record.status.is_final and only(e.record)
        ]
        await asyncio.gather(*(self.stop(execution_id, grace_ms) for execution_id in live))
        return Response.ok(
            "stopAllSideExecutionsResponse", f"stopped {len(live)}", {"stopped": live}
        )

    def _stop_descendants(self, parent_id: str) -> None:
        """A parent that stops, times out or fails takes with it every live execution it
        started, and theirs, even through one of them that has completed meanwhile."""
        family = {parent_id}
        for execution in self._by_id.values():  # oldest first: parents come before children
            if execution.record.parent_execution_id in family:
                family.add(execution.id)
        for execution_id in family - {parent_id}:
            if self._by_id[execution_id].record.status.is_live:
                task = asyncio.create_task(self.stop(execution_id), name=f"stop {execution_id}")
                self._stopping.add(task)
                task.add_done_callback(self._stopping.discard)

    async def close(self) -> None:
        """Stop everything and wait until nothing of any execution runs."""
        self.accepting = False
        await self.stop_all()
        supervisors = [e.supervisor for e in self._by_id.values() if e.supervisor]
        await asyncio.gather(*supervisors, return_exceptions=True)
        self.relay.flush()

    # -- ExecutionObserver -----------------------------------------------------------------------

    def status_changed(self, execution: Execution, previous: ExecutionStatus) -> None:
        self.relay.flush_execution(execution)  # listeners see output before the status
        record = execution.record
        self.events.publish(StatusChanged(record, record.status, previous))
        if record.status in TAKES_CHILDREN_ALONG:
            self._stop_descendants(record.side_execution_id)
        self.on_status(record)

    def message_arrived(self, execution: Execution, message: BlockMessage) -> None:
        self.relay.flush_execution(execution)  # in order with the output before it
        self.events.publish(MessageArrived(execution.record, message))

    def output_arrived(self, execution: Execution, stream: OutputStream) -> None:
        self.relay.arrived(execution, stream)

    def settled(self, execution: Execution) -> None:
        for problem in execution.record.log_errors:
            execution.note(f"{problem}: the rest of its output is not on disk")
        self.relay.flush_execution(execution)
        self.on_settled(execution.record)


def _not_found(execution_id: str) -> ExecutionError:
    return ExecutionError(
        ErrorCode.SIDE_EXECUTION_NOT_FOUND, f"No side execution with id {execution_id!r}"
    )
