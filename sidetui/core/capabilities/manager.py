"""Capabilities run by the executor of their type: `SideExecutionManager(...).capabilities`.

A capability execution (`cap_<ms>_<8 hex>`) owns one side execution of its executor, whose params
describe the capability. Its status follows that side execution's; its result is the executor's,
unwrapped when the executor returned `{result, additionalContext}`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sidetui.core.capabilities import listing
from sidetui.core.capabilities.interfaces import CapabilityCatalog, SideExecutionRunner
from sidetui.core.capabilities.resolution import checked_params, executor_params, resolve
from sidetui.core.events import CapabilityEvent, Event
from sidetui.core.records.agent import AgentIdentity
from sidetui.core.records.capability_execution import CapabilityExecution
from sidetui.core.records.errors import ErrorCode, Refusal
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.ids import new_execution_id
from sidetui.core.records.requests import CapabilityRequest, Lineage
from sidetui.core.records.response import Response
from sidetui.core.records.status import ExecutionStatus

FINAL_EVENTS = {
    ExecutionStatus.COMPLETED: "capabilityCompleted",
    ExecutionStatus.FAILED: "capabilityFailed",
    ExecutionStatus.TIMEOUT: "capabilityTimeout",
    ExecutionStatus.STOPPED: "capabilityStopped",
}


class CapabilityManager:
    """Starts, follows and stops capability executions on side executions of their executors."""

    def __init__(
        self,
        runner: SideExecutionRunner,
        catalog: CapabilityCatalog,
        agent: AgentIdentity,
        publish: Callable[[Event], None],
    ):
        self._runner = runner
        self._catalog = catalog
        self._agent = agent
        self._publish = publish
        self._executions: dict[str, CapabilityExecution] = {}
        self._by_side: dict[str, CapabilityExecution] = {}

    # -- running -----------------------------------------------------------------------------------

    async def start_capability(
        self,
        name: str,
        type: str,
        params: dict[str, Any] | None = None,
        timeout: int | None = None,
        thread_id: str | None = None,
        parent_agent_id: str | None = None,
        parent_agent_instance_id: str | None = None,
    ) -> Response:
        """Start `name` of `type` with the executor of that type; `data.executionId` is its id."""
        lineage = Lineage(thread_id, parent_agent_id, parent_agent_instance_id)
        return await self.start(CapabilityRequest(name, type, params, timeout, lineage))

    async def start(self, request: CapabilityRequest) -> Response:
        """Start the capability the request names, once it is admitted."""
        kind = "startCapabilityResponse"
        runner, agent, lineage = self._runner, self._agent, request.lineage
        try:
            runner.require_open()
            executor, capability = resolve(self._catalog, request.name, request.type)
            checked = checked_params(capability, request.params)
            limit = runner.timeout_for(request.timeout, executor.timeout)
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        execution_id = new_execution_id("cap", self._executions)
        execution = CapabilityExecution(
            execution_id, capability.name, capability.type, str(capability.path), executor.name,
            lineage.thread_id or agent.thread_id, lineage.parent_agent_id or agent.agent_id,
            lineage.parent_agent_instance_id or agent.instance_id,
        )  # fmt: skip
        self._executions[execution_id] = execution
        started = await runner.start_block(
            executor,
            executor_params(capability, checked, execution_id),
            limit,
            lineage,
            ExecutionKind.CAPABILITY,
            f"{capability.type}/{capability.name}",
        )
        side_id = (started.data or {}).get("sideExecutionId")
        execution.side_execution_id = side_id
        self._publish(CapabilityEvent("capabilityStarted", execution))
        record = runner.record(side_id) if side_id else None
        if side_id and record is not None:
            self._by_side[side_id] = execution
            record.capability_execution_id = execution_id
            self._follow(record, execution)  # it may have ended already
        data = {**execution.metadata(), "executionId": execution_id}
        data["capabilityPath"] = execution.capability_path
        if started.error is not None:
            return Response.failure(kind, started.error, data)
        return Response.ok(kind, f"{execution_id} started", data)

    async def wait_for_completion(self, execution_id: str) -> dict[str, Any]:
        """`{success, executionId, result, additionalContext, error, capabilityPath}` once the
        execution has ended; no timeout of its own."""
        execution = self._execution(execution_id)
        await execution.done.wait()
        return execution.completion()

    async def stop_capability(self, execution_id: str) -> Response:
        kind = "stopCapabilityResponse"
        try:
            execution = self._execution(execution_id)
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        if execution.status.is_final:
            return Response.ok(kind, f"{execution_id} was already {execution.status.value}")
        execution.status = ExecutionStatus.STOPPING
        if execution.side_execution_id:
            await self._runner.stop(execution.side_execution_id)
        return Response.ok(kind, f"{execution_id} {execution.status.value}")

    async def stop_all_for_parent(self, parent_agent_instance_id: str) -> Response:
        """Stop every live execution launched by that parent instance, and only those."""
        mine = [
            e.execution_id
            for e in self._executions.values()
            if e.parent_agent_instance_id == parent_agent_instance_id and not e.status.is_final
        ]
        await asyncio.gather(*(self.stop_capability(execution_id) for execution_id in mine))
        return Response.ok("stopAllForParentResponse", f"stopped {len(mine)}", {"stopped": mine})

    async def get_execution_status(self, execution_id: str) -> Response:
        kind = "getExecutionStatusResponse"
        try:
            execution = self._execution(execution_id)
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        return Response.ok(kind, execution.status.value, {"execution": execution.metadata()})

    def execution(self, execution_id: str) -> CapabilityExecution | None:
        return self._executions.get(execution_id)

    @property
    def executions(self) -> list[CapabilityExecution]:
        """Every capability execution of this manager, newest first."""
        return list(reversed(self._executions.values()))

    # -- the catalog -------------------------------------------------------------------------------

    async def list_capabilities(self, filter: dict[str, Any] | None = None) -> Response:
        """Capabilities, narrowed by `filter` `{type?, tags?, author?}`."""
        return listing.list_capabilities(self._catalog, filter)

    async def get_capability_detail(self, name: str, type: str | None = None) -> Response:
        return listing.capability_detail(self._catalog, name, type)

    async def list_executors(self) -> Response:
        """Executors, each with the types it serves now (`serving`: the last registered wins)."""
        return listing.list_executors(self._catalog)

    # -- following side executions -----------------------------------------------------------------

    def side_status_changed(self, record: ExecutionRecord) -> None:
        """The side execution `record` moved: mirror it onto its capability execution, if any."""
        execution = self._by_side.get(record.side_execution_id)
        if execution is not None:
            self._follow(record, execution)

    def _follow(self, record: ExecutionRecord, execution: CapabilityExecution) -> None:
        if execution.status is not ExecutionStatus.STOPPING or record.status.is_final:
            execution.status = record.status
        if not record.status.is_final or execution.done.is_set():
            return
        if record.error is not None:
            execution.error, execution.error_code = record.error.message, record.error.code
        else:
            execution.result, execution.additional_context = _unwrap(record.result)
        execution.done.set()
        self._publish(CapabilityEvent(FINAL_EVENTS[record.status], execution))

    def _execution(self, execution_id: str) -> CapabilityExecution:
        execution = self._executions.get(execution_id)
        if execution is None:
            raise Refusal(ErrorCode.INVALID_REQUEST, f"No capability execution {execution_id!r}")
        return execution


def _unwrap(result: Any) -> tuple[Any, Any]:
    """An executor's `{result, additionalContext}` taken apart; any other value is the result."""
    if (
        isinstance(result, dict)
        and "result" in result
        and set(result) <= {"result", "additionalContext"}
    ):
        return result["result"], result.get("additionalContext")
    return result, None
