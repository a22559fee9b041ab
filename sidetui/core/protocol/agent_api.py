"""The agent API on the WebSocket endpoint (and on children's IPC channels): `sideExecution.*`,
`actionBlock.*`, `capability.*`, and what Codebolt's `project` and `chat` calls a local runner can
serve.

Every request with a `requestId` gets a reply the codeboltjs SDK resolves (it matches replies by
`requestId`): the fields flat and in `data`, and for anything not served `success: false` with an
error naming the call (`fs.readFile is not served by sidetui`), noted on the caller's record.
"""

from __future__ import annotations

from sidetui.core.protocol.capability_requests import CapabilityRequests
from sidetui.core.protocol.identity import lineage_of
from sidetui.core.protocol.interfaces import CapabilityService, SideExecutionService
from sidetui.core.protocol.peers import Caller, Handler, Reply, Request, Routes
from sidetui.core.protocol.project_requests import ProjectRequests
from sidetui.core.protocol.replies import failure
from sidetui.core.protocol.settled_notices import SettledNotices
from sidetui.core.protocol.side_execution_requests import SideExecutionRequests
from sidetui.core.records.errors import ErrorCode, Refusal
from sidetui.core.records.requests import Lineage


class AgentApi:
    """Answers requests by calling the engine's side-execution and capability services."""

    def __init__(self, executions: SideExecutionService, capabilities: CapabilityService):
        self.executions = executions
        self.capabilities = capabilities
        notices = SettledNotices()
        self._routes: Routes = {
            **SideExecutionRequests(executions, notices, self.lineage).routes(),
            **CapabilityRequests(capabilities, notices, self.lineage).routes(),
            **ProjectRequests(executions).routes(),
        }

    def route(self, kind: str, action: str, handler: Handler) -> None:
        """Serve one more request type."""
        self._routes[(kind, action)] = handler

    async def answer(self, request: Request, caller: Caller) -> Reply:
        kind, action = str(request.get("type") or ""), str(request.get("action") or "")
        handler = self._routes.get((kind, action))
        response_type = f"{action or kind}Response"
        if handler is None:
            reply = self._unserved(response_type, kind, action, caller)
        else:
            try:
                reply = await handler(request, caller)
            except Refusal as refusal:
                reply = failure(response_type, refusal.error.code, refusal.error.message)
            except (TypeError, ValueError, AttributeError) as error:  # a field of the wrong type
                message = f"malformed {_call(kind, action)} request: {error}"
                reply = failure(response_type, ErrorCode.INVALID_REQUEST, message)
        return {**reply, "requestId": request.get("requestId")}

    def lineage(self, caller: Caller, request: Request) -> Lineage:
        """Who starts what `caller` starts with `request`."""
        parent = self.executions.get_record(caller.execution_id) if caller.execution_id else None
        return lineage_of(caller, request, parent)

    def _unserved(self, response_type: str, kind: str, action: str, caller: Caller) -> Reply:
        message = f"{_call(kind, action)} is not served by sidetui"
        record = self.executions.get_record(caller.execution_id) if caller.execution_id else None
        if record is not None:
            record.add_notice(f"answered a request it cannot serve: {message}")
        return failure(response_type, ErrorCode.INVALID_REQUEST, message)


def _call(kind: str, action: str) -> str:
    """A request as its codeboltjs call reads: `fsEvent`/`readFile` is `fs.readFile`."""
    family = kind.removesuffix("Event") or "unknown"
    return f"{family}.{action}" if action else family
