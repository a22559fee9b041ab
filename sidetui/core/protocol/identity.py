"""Who starts what an agent API request starts: the lineage of a new execution.

A child that starts executions is their parent agent and their parent execution, in its own
thread. An agent is itself: its ids from its connection (as the codeboltjs SDK sends them), or
from the request (`threadId`, `agentId`, `agentInstanceId`, as Codebolt's server accepts them).
"""

from __future__ import annotations

from typing import Any

from sidetui.core.protocol.peers import Caller
from sidetui.core.records.execution_record import ExecutionRecord
from sidetui.core.records.requests import Lineage


def lineage_of(caller: Caller, request: dict[str, Any], parent: ExecutionRecord | None) -> Lineage:
    """The lineage of what `caller` starts with `request` (`parent`: the caller's execution)."""
    if parent is not None:
        return Lineage(
            parent.thread_id,
            parent.side_execution_id,
            parent.side_execution_id,
            parent.side_execution_id,
        )
    return Lineage(
        _text(request.get("threadId")) or caller.thread_id,
        _text(request.get("agentId")) or caller.agent_id,
        _text(request.get("agentInstanceId")) or caller.agent_instance_id,
    )


def thread_messages_of(request: dict[str, Any]) -> Any:
    """The parent thread's chat history a request hands to what it starts, if any."""
    if "threadMessages" in request:
        return request["threadMessages"]
    context = request.get("threadContext")
    return context.get("messages") if isinstance(context, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
