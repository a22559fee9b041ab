"""`sideExecution.*` and `actionBlock.*` requests, as codeboltjs sends them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sidetui.core.protocol.identity import thread_messages_of
from sidetui.core.protocol.interfaces import SideExecutionService
from sidetui.core.protocol.peers import Caller, Reply, Request, Routes
from sidetui.core.protocol.replies import from_response, reply, status_of
from sidetui.core.protocol.settled_notices import SettledNotices
from sidetui.core.records.errors import ErrorCode, Refusal
from sidetui.core.records.requests import Lineage, StartRequest
from sidetui.core.records.response import Response


@dataclass
class SideExecutionRequests:
    """Starts, stops, lists and reports on side executions for agents and children."""

    executions: SideExecutionService
    notices: SettledNotices
    lineage: Callable[[Caller, Request], Lineage]  # who starts what a caller starts

    def routes(self) -> Routes:
        return {
            ("sideExecution", "startSideExecution"): self.start_side_execution,
            ("sideExecution", "stopSideExecution"): self.stop,
            ("sideExecution", "stopAllForParent"): self.stop_all_for_parent,
            ("sideExecution", "listActionBlocks"): self.list_for_side_execution,
            ("sideExecution", "getSideExecutionStatus"): self.status,
            ("actionBlock", "listActionBlocks"): self.list_action_blocks,
            ("actionBlock", "getActionBlockDetail"): self.detail,
            ("actionBlock", "startActionBlock"): self.start_action_block,
        }

    async def start_side_execution(self, request: Request, caller: Caller) -> Reply:
        """Start; answer once it runs. The caller hears `sideExecutionResult` when it ends."""
        response = await self._start(request, caller, request.get("actionBlockPath"))
        execution_id = (response.data or {}).get("sideExecutionId")
        if response.success and execution_id:
            self.notices.side_execution(caller, execution_id, self.executions.wait_for_completion)
        return from_response("startSideExecutionResponse", response, "sideExecutionId")

    async def stop(self, request: Request, caller: Caller) -> Reply:
        response = await self.executions.stop(str(request.get("sideExecutionId")))
        return from_response("stopSideExecutionResponse", response)

    async def stop_all_for_parent(self, request: Request, caller: Caller) -> Reply:
        """Stop every live execution of one parent instance: the request's, else the caller's."""
        parent = (
            request.get("parentAgentInstanceId")
            or self.lineage(caller, {}).parent_agent_instance_id
        )
        response = await self.executions.stop_all_for_parent(str(parent))
        return from_response("stopAllForParentResponse", response, "stopped")

    async def list_for_side_execution(self, request: Request, caller: Caller) -> Reply:
        response = await self.executions.list_action_blocks(request.get("projectPath"))
        return from_response("listActionBlocksResponse", response, "actionBlocks")

    async def status(self, request: Request, caller: Caller) -> Reply:
        """The whole record, of a live execution or of one in the history."""
        record = self.executions.find_record(str(request.get("sideExecutionId")))
        if record is None:
            raise Refusal(ErrorCode.SIDE_EXECUTION_NOT_FOUND, "no such side execution")
        return status_of(record)

    async def list_action_blocks(self, request: Request, caller: Caller) -> Reply:
        wanted = request.get("filterType")
        response = await self.executions.list_action_blocks()
        blocks = (response.data or {}).get("actionBlocks", [])
        chosen = [b for b in blocks if wanted in (None, "", b["type"])]
        return reply(
            "listActionBlocksResponse", response.success, {"actionBlocks": chosen}, response.error
        )

    async def detail(self, request: Request, caller: Caller) -> Reply:
        wanted = request.get("actionBlockName") or request.get("actionBlockId") or ""
        block = self.executions.resolve_action_block(str(wanted))
        return reply("getActionBlockDetailResponse", True, {"actionBlock": block.to_dict()})

    async def start_action_block(self, request: Request, caller: Caller) -> Reply:
        """Start a block and answer once it has finished, with its result."""
        target = (
            request.get("actionBlockPath")
            or request.get("actionBlockId")
            or request.get("actionBlockName")
        )
        response = await self._start(request, caller, target)
        kind = "startActionBlockResponse"
        if response.data is None or not response.success:
            return from_response(kind, response, "sideExecutionId")
        execution_id = response.data["sideExecutionId"]
        record = await self.executions.wait_for_completion(execution_id)
        fields: dict[str, Any] = {"sideExecutionId": execution_id}
        if record.error is None:
            fields["result"] = record.result
        return reply(kind, record.error is None, fields, record.error)

    async def _start(self, request: Request, caller: Caller, target: Any) -> Response:
        params, timeout = request.get("params"), request.get("timeout")
        lineage, history = self.lineage(caller, request), thread_messages_of(request)
        if request.get("inlineCode") is not None:
            language = str(request.get("language") or "javascript")
            code = request["inlineCode"]
            return await self.executions.start(
                StartRequest(None, code, language, params, timeout, lineage, history)
            )
        if not target:
            raise Refusal(ErrorCode.INVALID_REQUEST, "give actionBlockPath, or inlineCode")
        return await self.executions.start(
            StartRequest(str(target), None, "", params, timeout, lineage, history)
        )
