"""What a child is told when it starts, and how it reports back, whatever the channel.

The same `actionBlockInvocation` goes out on the Node IPC channel and on the WebSocket; the same
completions come back on both: `actionBlockComplete` with `result` or `error` (codeboltjs and
sidetui's helpers), or Codebolt's `sideExecutionComplete` / `sideExecutionError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sidetui.core.records.errors import ErrorCode, error_code
from sidetui.core.records.execution_record import ExecutionRecord
from sidetui.core.records.timestamps import iso_now

INVOCATION = "actionBlockInvocation"
COMPLETE = "actionBlockComplete"
CODEBOLT_COMPLETE = "sideExecutionComplete"
CODEBOLT_ERROR = "sideExecutionError"
COMPLETIONS = frozenset({COMPLETE, CODEBOLT_COMPLETE, CODEBOLT_ERROR})


def thread_context(record: ExecutionRecord, project_path: str) -> dict[str, Any]:
    """The thread the child works in: who launched it, where, and its history (the thread
    messages its caller handed over)."""
    return {
        "threadId": record.thread_id,
        "messages": record.thread_messages,
        "projectPath": project_path,
        "agentId": record.parent_agent_id,
        "agentInstanceId": record.parent_agent_instance_id,
        "parentId": record.parent_agent_id,
        "parentAgentInstanceId": record.parent_agent_instance_id,
        "metadata": {"sideExecutionId": record.side_execution_id, "source": "sidetui"},
    }


def invocation_message(record: ExecutionRecord, name: str, project_path: str) -> dict[str, Any]:
    """The `actionBlockInvocation` a child receives first (the shape the codeboltjs SDK reads)."""
    return {
        "type": INVOCATION,
        "sideExecutionId": record.side_execution_id,
        "actionBlockName": name,
        "params": record.params,
        "threadContext": thread_context(record, project_path),
        "threadId": record.thread_id,
        "parentAgentId": record.parent_agent_id,
        "parentAgentInstanceId": record.parent_agent_instance_id,
        "timestamp": iso_now(),
    }


@dataclass(frozen=True)
class Completion:
    """A child's report: a result, or an error message with a code."""

    result: Any = None
    error: str | None = None
    code: ErrorCode | str = ErrorCode.EXECUTION_FAILED


class ForeignCompletion(ValueError):
    """A completion that names another execution: refused, the execution is left alone."""


def read_completion(message: dict[str, Any], execution_id: str) -> Completion | None:
    """The completion `message` carries, None when it is not one; `ForeignCompletion` when it
    names another execution."""
    kind = message.get("type")
    if kind not in COMPLETIONS:
        return None
    named = message.get("sideExecutionId")
    if named not in (None, execution_id):
        raise ForeignCompletion(f"a result for {named!r} arrived on {execution_id}'s channel")
    error = message.get("error")
    if kind == CODEBOLT_ERROR and error is None:
        error = "the side execution reported an error"
    if error is None:
        return Completion(result=message.get("result"))
    return Completion(error=_message_of(error), code=_code_of(error))


def _message_of(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error.get("error") or error)
    return str(error)


def _code_of(error: Any) -> ErrorCode | str:
    """The block's own code where its error carries one (`{message, code}`)."""
    return error_code(error.get("code") if isinstance(error, dict) else None)
