"""The agent API on the WebSocket endpoint: `sideExecution.*`, `actionBlock.*` and `capability.*`.

Replies are flat, as the codeboltjs SDK reads them (`{type, success, ..., error?, requestId}`),
not wrapped in the envelope of the Python API. A child that sends requests acts as an agent whose
parent is its own execution, in its own thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sidetui.core.protocol.bridge import Caller
from sidetui.core.protocol.interfaces import CapabilityService, SideExecutionService
from sidetui.core.protocol.replies import failure, flat, status_of
from sidetui.core.records.errors import ErrorCode, Refusal
from sidetui.core.records.requests import CapabilityRequest, Lineage, StartRequest
from sidetui.core.records.response import Response

Request = dict[str, Any]
Reply = dict[str, Any]
Handler = Callable[[Request, Caller], Awaitable[Reply]]


class AgentApi:
    """Answers requests by calling the engine's side-execution and capability services."""

    def __init__(self, executions: SideExecutionService, capabilities: CapabilityService):
        self.executions = executions
        self.capabilities = capabilities
        self._routes: dict[tuple[str, str], Handler] = {
            ("sideExecution", "startSideExecution"): self._start_side_execution,
            ("sideExecution", "stopSideExecution"): self._stop_side_execution,
            ("sideExecution", "listActionBlocks"): self._list_for_side_execution,
            ("sideExecution", "getSideExecutionStatus"): self._status,
            ("actionBlock", "listActionBlocks"): self._list_action_blocks,
            ("actionBlock", "getActionBlockDetail"): self._action_block_detail,
            ("actionBlock", "startActionBlock"): self._start_action_block,
            ("capability", "listCapabilities"): self._list_capabilities,
            ("capability", "getCapabilityDetail"): self._capability_detail,
            ("capability", "listExecutors"): self._list_executors,
            ("capability", "startCapability"): self._start_capability,
            ("capability", "stopCapability"): self._stop_capability,
            ("capability", "getExecutionStatus"): self._capability_status,
        }

    def route(self, kind: str, action: str, handler: Handler) -> None:
        """Serve one more request type (capabilities add theirs)."""
        self._routes[(kind, action)] = handler

    async def answer(self, request: Request, caller: Caller) -> Reply:
        kind, action = str(request.get("type")), str(request.get("action"))
        handler = self._routes.get((kind, action))
        if handler is None:
            reply = {"type": "error", "success": False, "error": f"unsupported: {kind}.{action}"}
        else:
            try:
                reply = await handler(request, caller)
            except Refusal as refusal:
                reply = failure(f"{action}Response", refusal.error.code, refusal.error.message)
            except (TypeError, ValueError, AttributeError) as error:  # a field of the wrong type
                message = f"malformed {kind}.{action} request: {error}"
                reply = failure(f"{action}Response", ErrorCode.INVALID_REQUEST, message)
        return {**reply, "requestId": request.get("requestId")}

    # -- sideExecution ---------------------------------------------------------------------------

    async def _start_side_execution(self, request: Request, caller: Caller) -> Reply:
        response = await self._start(request, caller, request.get("actionBlockPath"))
        return flat("startSideExecutionResponse", response, "sideExecutionId")

    async def _stop_side_execution(self, request: Request, caller: Caller) -> Reply:
        response = await self.executions.stop(str(request.get("sideExecutionId")))
        return flat("stopSideExecutionResponse", response)

    async def _list_for_side_execution(self, request: Request, caller: Caller) -> Reply:
        response = await self.executions.list_action_blocks(request.get("projectPath"))
        return flat("listActionBlocksResponse", response, "actionBlocks")

    async def _status(self, request: Request, caller: Caller) -> Reply:
        record = self.executions.get_record(str(request.get("sideExecutionId")))
        if record is None:
            raise Refusal(ErrorCode.SIDE_EXECUTION_NOT_FOUND, "no such side execution")
        return {"type": "getSideExecutionStatusResponse", "success": True, **status_of(record)}

    # -- actionBlock -----------------------------------------------------------------------------

    async def _list_action_blocks(self, request: Request, caller: Caller) -> Reply:
        wanted = request.get("filterType")
        blocks = (await self.executions.list_action_blocks()).data or {}
        chosen = [b for b in blocks.get("actionBlocks", []) if wanted in (None, "", b["type"])]
        return {"type": "listActionBlocksResponse", "success": True, "actionBlocks": chosen}

    async def _action_block_detail(self, request: Request, caller: Caller) -> Reply:
        wanted = request.get("actionBlockName") or request.get("actionBlockId") or ""
        block = self.executions.resolve_action_block(str(wanted))
        return {
            "type": "getActionBlockDetailResponse",
            "success": True,
            "actionBlock": block.to_dict(),
        }

    async def _start_action_block(self, request: Request, caller: Caller) -> Reply:
        """Start a block and answer once it has finished, with its result."""
        target = (
            request.get("actionBlockPath")
            or request.get("actionBlockId")
            or request.get("actionBlockName")
        )
        response = await self._start(request, caller, target)
        kind = "startActionBlockResponse"
        if response.data is None or not response.success:
            return flat(kind, response, "sideExecutionId")
        execution_id = response.data["sideExecutionId"]
        record = await self.executions.wait_for_completion(execution_id)
        reply = {"type": kind, "success": record.error is None, "sideExecutionId": execution_id}
        if record.error is not None:
            reply["error"] = record.error.message
        else:
            reply["result"] = record.result
        return reply

    # -- capability ------------------------------------------------------------------------------

    async def _list_capabilities(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.list_capabilities(request.get("filter"))
        return flat("listCapabilitiesResponse", response, "capabilities")

    async def _capability_detail(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.get_capability_detail(
            str(request.get("capabilityName")), request.get("capabilityType")
        )
        return flat("getCapabilityDetailResponse", response, "capability")

    async def _list_executors(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.list_executors()
        return flat("listExecutorsResponse", response, "executors")

    async def _start_capability(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.start(
            CapabilityRequest(
                str(request.get("capabilityName")),
                str(request.get("capabilityType")),
                request.get("params"),
                request.get("timeout"),
                self._lineage(caller),
            )
        )
        return flat("startCapabilityResponse", response, "executionId")

    async def _stop_capability(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.stop_capability(str(request.get("executionId")))
        return flat("stopCapabilityResponse", response)

    async def _capability_status(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.get_execution_status(str(request.get("executionId")))
        return flat("getExecutionStatusResponse", response, "execution")

    async def _start(self, request: Request, caller: Caller, target: Any) -> Response:
        params, timeout = request.get("params"), request.get("timeout")
        lineage = self._lineage(caller)
        if request.get("inlineCode") is not None:
            language = str(request.get("language") or "javascript")
            code = str(request["inlineCode"])
            return await self.executions.start(
                StartRequest(None, code, language, params, timeout, lineage)
            )
        if not target:
            raise Refusal(ErrorCode.INVALID_REQUEST, "give actionBlockPath, or inlineCode")
        return await self.executions.start(
            StartRequest(str(target), None, "", params, timeout, lineage)
        )

    def _lineage(self, caller: Caller) -> Lineage:
        """A child that starts executions is their parent agent, in its own thread."""
        parent = self.executions.get_record(caller.execution_id) if caller.execution_id else None
        if parent is None:
            return Lineage()
        return Lineage(parent.thread_id, parent.side_execution_id, parent.side_execution_id)
