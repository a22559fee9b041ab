"""`capability.*` requests, as codeboltjs sends them, and the waiting and stopping it lacks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sidetui.core.protocol.interfaces import CapabilityService
from sidetui.core.protocol.peers import Caller, Reply, Request, Routes
from sidetui.core.protocol.replies import from_response, reply
from sidetui.core.protocol.settled_notices import SettledNotices
from sidetui.core.records.requests import CapabilityRequest, Lineage


@dataclass
class CapabilityRequests:
    """Lists, starts, follows and stops capability executions for agents and children."""

    capabilities: CapabilityService
    notices: SettledNotices
    lineage: Callable[[Caller, Request], Lineage]  # who starts what a caller starts

    def routes(self) -> Routes:
        return {
            ("capability", "listCapabilities"): self.list_capabilities,
            ("capability", "getCapabilityDetail"): self.detail,
            ("capability", "listExecutors"): self.list_executors,
            ("capability", "startCapability"): self.start,
            ("capability", "stopCapability"): self.stop,
            ("capability", "stopAllForParent"): self.stop_all_for_parent,
            ("capability", "getExecutionStatus"): self.status,
            ("capability", "waitForCompletion"): self.wait_for_completion,
        }

    async def list_capabilities(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.list_capabilities(request.get("filter"))
        return from_response("listCapabilitiesResponse", response, "capabilities")

    async def detail(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.get_capability_detail(
            str(request.get("capabilityName")), request.get("capabilityType")
        )
        return from_response("getCapabilityDetailResponse", response, "capability")

    async def list_executors(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.list_executors()
        return from_response("listExecutorsResponse", response, "executors")

    async def start(self, request: Request, caller: Caller) -> Reply:
        """Start; answer at once. The caller hears `capabilityExecutionResult` when it ends."""
        response = await self.capabilities.start(
            CapabilityRequest(
                str(request.get("capabilityName")),
                str(request.get("capabilityType")),
                request.get("params"),
                request.get("timeout"),
                self.lineage(caller, request),
            )
        )
        execution_id = (response.data or {}).get("executionId")
        if response.success and execution_id:
            self.notices.capability(caller, self.capabilities.wait_for_completion(execution_id))
        return from_response("startCapabilityResponse", response, "executionId", "sideExecutionId")

    async def stop(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.stop_capability(str(request.get("executionId")))
        return from_response("stopCapabilityResponse", response)

    async def stop_all_for_parent(self, request: Request, caller: Caller) -> Reply:
        """Stop every live capability execution of one parent instance: the request's, else
        the caller's."""
        parent = (
            request.get("parentAgentInstanceId")
            or self.lineage(caller, {}).parent_agent_instance_id
        )
        response = await self.capabilities.stop_all_for_parent(str(parent))
        return from_response("stopAllForParentResponse", response, "stopped")

    async def status(self, request: Request, caller: Caller) -> Reply:
        response = await self.capabilities.get_execution_status(str(request.get("executionId")))
        return from_response("getExecutionStatusResponse", response, "execution")

    async def wait_for_completion(self, request: Request, caller: Caller) -> Reply:
        """Answer once the capability execution has ended: `success, executionId, result,
        additionalContext, error, capabilityPath` (no timeout of its own)."""
        completion = await self.capabilities.wait_for_completion(str(request.get("executionId")))
        fields = {k: v for k, v in completion.items() if k not in ("success", "error")}
        if completion.get("error") is not None:
            fields["error"] = completion["error"]
        return reply("waitForCompletionResponse", bool(completion.get("success")), fields)
