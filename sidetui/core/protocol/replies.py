"""Replies as the codeboltjs SDK reads them: flat fields, `success`, and `error` as a message."""

from __future__ import annotations

from typing import Any

from sidetui.core.records.errors import ErrorCode
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.response import Response

Reply = dict[str, Any]


def status_of(record: ExecutionRecord) -> dict[str, Any]:
    """An execution as `getSideExecutionStatusResponse` carries it (flat, codeboltjs names)."""
    status: dict[str, Any] = {
        "sideExecutionId": record.side_execution_id,
        "status": record.status.value,
        "name": record.action_block,
        "threadId": record.thread_id,
        "startTime": int(record.start_time * 1000),
        "isRuntimeCode": record.kind is ExecutionKind.CODE,
    }
    if record.result is not None:
        status["result"] = record.result
    if record.error is not None:
        status["error"] = record.error.message
    return status


def flat(kind: str, response: Response, *fields: str) -> Reply:
    reply: Reply = {"type": kind, "success": response.success}
    for name in fields:
        if response.data and name in response.data:
            reply[name] = response.data[name]
    if response.error is not None:
        reply["error"] = response.error.message
        reply["code"] = response.error.code.value
    return reply


def failure(kind: str, code: ErrorCode, message: str) -> Reply:
    return {"type": kind, "success": False, "error": message, "code": code.value}
