"""Capabilities run by the executor of their type: `SideExecutionManager(...).capabilities`.

A capability execution (`cap_<ms>_<8 hex>`) owns one side execution of its executor, whose params
describe the capability. Its status follows that side execution's; its result is the executor's,
unwrapped when the executor returned `{result, additionalContext}`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sidetui.core.catalog.entries import Capability, EntryKind, Executor
from sidetui.core.catalog.inputs import validate_params
from sidetui.core.records.errors import ErrorCode, Refusal
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.ids import new_execution_id
from sidetui.core.records.response import Response
from sidetui.core.records.status import ExecutionStatus

if TYPE_CHECKING:
    from sidetui.core.manager import SideExecutionManager

EXECUTOR_PARAMS = ("capabilityPath", "capabilityName", "capabilityType", "capabilityConfig")
FINAL_EVENTS = {
    ExecutionStatus.COMPLETED: "capabilityCompleted",
    ExecutionStatus.FAILED: "capabilityFailed",
    ExecutionStatus.TIMEOUT: "capabilityTimeout",
    ExecutionStatus.STOPPED: "capabilityStopped",
}


@dataclass(eq=False)
class CapabilityExecution:
    """One run of a capability; the engine updates it in place."""

    execution_id: str
    capability_name: str
    capability_type: str
    capability_path: str
    executor_name: str
    thread_id: str | None
    parent_agent_id: str | None
    parent_agent_instance_id: str | None
    side_execution_id: str | None = None
    status: ExecutionStatus = ExecutionStatus.STARTING
    result: Any = None
    additional_context: Any = None
    error: str | None = None
    error_code: ErrorCode | None = None
    start_time: float = field(default_factory=time.time)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def metadata(self) -> dict[str, Any]:
        """As codeboltjs' `CapabilityExecutionMetadata`."""
        return {
            "id": self.execution_id,
            "capabilityName": self.capability_name,
            "capabilityType": self.capability_type,
            "executorName": self.executor_name,
            "sideExecutionId": self.side_execution_id,
            "threadId": self.thread_id,
            "parentAgentId": self.parent_agent_id,
            "parentAgentInstanceId": self.parent_agent_instance_id,
            "startTime": int(self.start_time * 1000),
            "status": self.status.value,
        }

    def completion(self) -> dict[str, Any]:
        """What `wait_for_completion` returns."""
        return {
            "success": self.status is ExecutionStatus.COMPLETED,
            "executionId": self.execution_id,
            "result": self.result,
            "additionalContext": self.additional_context,
            "error": self.error,
            "capabilityPath": self.capability_path,
        }


@dataclass(frozen=True)
class CapabilityEvent:
    """`capabilityStarted`, `capabilityCompleted`, `capabilityFailed`, `capabilityTimeout` or
    `capabilityStopped`, with the execution it is about."""

    name: str
    execution: CapabilityExecution


class CapabilityManager:
    """Starts, follows and stops capability executions on the side-execution manager."""

    def __init__(self, manager: SideExecutionManager):
        self._manager = manager
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
        kind = "startCapabilityResponse"
        manager = self._manager
        try:
            manager.require_open()
            executor, capability = self._resolve(name, type)
            checked = _checked(capability, params)
            limit = manager.timeout_for(timeout, executor.timeout)
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        execution_id = new_execution_id("cap", self._executions)
        lineage = {
            "thread_id": thread_id,
            "parent_agent_id": parent_agent_id,
            "parent_agent_instance_id": parent_agent_instance_id,
        }
        executor_params = {
            **checked,
            "capabilityPath": str(capability.path),
            "capabilityName": capability.name,
            "capabilityType": capability.type,
            "capabilityConfig": capability.config(),
            "executionId": execution_id,
        }
        execution = CapabilityExecution(
            execution_id, capability.name, capability.type, str(capability.path), executor.name,
            thread_id or manager.agent.thread_id, parent_agent_id or manager.agent.agent_id,
            parent_agent_instance_id or manager.agent.instance_id,
        )  # fmt: skip
        self._executions[execution_id] = execution
        label = f"{capability.type}/{capability.name}"
        started = await manager.run_block(
            executor, executor_params, limit, lineage, ExecutionKind.CAPABILITY, label
        )
        side_id = (started.data or {}).get("sideExecutionId")
        execution.side_execution_id = side_id
        manager.events.publish(CapabilityEvent("capabilityStarted", execution))
        record = manager.get_record(side_id) if side_id else None
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
            await self._manager.stop(execution.side_execution_id)
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

    # -- the registry --------------------------------------------------------------------------

    async def list_capabilities(self, filter: dict[str, Any] | None = None) -> Response:
        """Capabilities, narrowed by `filter` `{type?, tags?, author?}`."""
        wanted = filter or {}
        chosen = [c for c in self._manager.registry.capabilities() if _matches(c, wanted)]
        data = {"capabilities": [c.to_dict() for c in chosen]}
        return Response.ok("listCapabilitiesResponse", f"{len(chosen)} capabilities", data)

    async def get_capability_detail(self, name: str, type: str | None = None) -> Response:
        kind = "getCapabilityDetailResponse"
        try:
            capability = self._manager.registry.find(EntryKind.CAPABILITY, name, type)
        except Refusal as refusal:
            return Response.failure(kind, refusal.error)
        return Response.ok(kind, capability.name, {"capability": capability.to_dict()})

    async def list_executors(self) -> Response:
        """Executors, each with the types it serves now (`serving`: the last registered wins)."""
        registry = self._manager.registry
        serving: dict[str, list[str]] = {}
        for kind, executor in sorted(registry.executor_map().items()):
            serving.setdefault(str(executor.path), []).append(kind)
        executors = [
            {**e.to_dict(), "serving": serving.get(str(e.path), [])} for e in registry.executors()
        ]
        return Response.ok(
            "listExecutorsResponse", f"{len(executors)} executors", {"executors": executors}
        )

    # -- internals ---------------------------------------------------------------------------------

    def _resolve(self, name: str, kind: str) -> tuple[Executor, Capability]:
        """Executor first, then capability, then their configs: the seed's order of errors."""
        registry = self._manager.registry
        executor = registry.executor_map().get(kind)
        if executor is None:
            raise Refusal(
                ErrorCode.EXECUTOR_NOT_FOUND, f"No executor runs capabilities of type {kind!r}"
            )
        found = registry.find(EntryKind.CAPABILITY, name, kind)
        assert isinstance(found, Capability)
        if not found.valid:
            raise Refusal(
                ErrorCode.INVALID_CAPABILITY_CONFIG,
                f"capability {kind}/{name} is malformed: {'; '.join(found.errors)}",
                {"path": str(found.path), "errors": list(found.errors)},
            )
        if not executor.valid:
            raise Refusal(
                ErrorCode.INVALID_EXECUTOR_CONFIG,
                f"executor {executor.name} is malformed: {'; '.join(executor.errors)}",
                {"path": str(executor.path), "errors": list(executor.errors)},
            )
        return executor, found

    def _follow(self, record: ExecutionRecord, execution: CapabilityExecution) -> None:
        """Mirror the side execution's status (and its end) onto the capability execution."""
        if execution.status is not ExecutionStatus.STOPPING or record.status.is_final:
            execution.status = record.status
        if not record.status.is_final or execution.done.is_set():
            return
        if record.error is not None:
            execution.error, execution.error_code = record.error.message, record.error.code
        else:
            execution.result, execution.additional_context = _unwrap(record.result)
        execution.done.set()
        self._manager.events.publish(CapabilityEvent(FINAL_EVENTS[record.status], execution))

    def side_status_changed(self, record: ExecutionRecord) -> None:
        execution = self._by_side.get(record.side_execution_id)
        if execution is not None:
            self._follow(record, execution)

    def _execution(self, execution_id: str) -> CapabilityExecution:
        execution = self._executions.get(execution_id)
        if execution is None:
            raise Refusal(ErrorCode.INVALID_REQUEST, f"No capability execution {execution_id!r}")
        return execution


def _checked(capability: Capability, params: dict[str, Any] | None) -> dict[str, Any]:
    try:
        return validate_params(capability.inputs, params)
    except Refusal as refusal:
        raise Refusal(
            ErrorCode.INVALID_REQUEST, refusal.error.message, refusal.error.details
        ) from None


def _unwrap(result: Any) -> tuple[Any, Any]:
    """An executor's `{result, additionalContext}` taken apart; any other value is the result."""
    if (
        isinstance(result, dict)
        and "result" in result
        and set(result) <= {"result", "additionalContext"}
    ):
        return result["result"], result.get("additionalContext")
    return result, None


def _matches(capability: Capability, wanted: dict[str, Any]) -> bool:
    if wanted.get("type") and capability.type != wanted["type"]:
        return False
    if wanted.get("author") and capability.author != wanted["author"]:
        return False
    tags = wanted.get("tags") or []
    return all(tag in capability.tags for tag in tags)
