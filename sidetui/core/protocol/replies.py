"""Replies on the WebSocket: each field both flat (as the codeboltjs SDK's types read them) and
in a `data` object (as Codebolt's documented examples read them), `error` as a message with its
machine-readable `code` beside it."""

from __future__ import annotations

from typing import Any

from sidetui.core.protocol.peers import Reply
from sidetui.core.records.errors import ErrorCode, ExecutionError
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.response import Response


def reply(
    kind: str,
    success: bool,
    fields: dict[str, Any],
    error: ExecutionError | None = None,
    data: dict[str, Any] | None = None,
) -> Reply:
    """`{type, success, ...fields, data, error?, code?}`; `data` is `fields` unless given."""
    out: Reply = {"type": kind, "success": success, **fields}
    out["data"] = dict(fields) if data is None else data
    if error is not None:
        out["error"] = error.message
        out["code"] = str(error.code)
    return out


def from_response(kind: str, response: Response, *fields: str) -> Reply:
    """The named fields of a response's data, flat and in `data`."""
    data = response.data or {}
    return reply(kind, response.success, {n: data[n] for n in fields if n in data}, response.error)


def failure(kind: str, code: ErrorCode | str, message: str) -> Reply:
    return reply(kind, False, {}, ExecutionError(code, message))


def status_of(record: ExecutionRecord) -> Reply:
    """`getSideExecutionStatusResponse`: the whole record in `data` (as the Python API gives
    it) and flat, where the codeboltjs names and types win (`startTime` in ms, `error` as text,
    `name`, `isRuntimeCode`)."""
    whole = record.to_dict()
    flat = {**whole, "name": record.action_block, "startTime": int(record.start_time * 1000)}
    flat["isRuntimeCode"] = record.kind is ExecutionKind.CODE
    for absent in ("result", "error"):  # optional fields: absent, not null
        if flat[absent] is None:
            del flat[absent]
    if record.error is not None:
        flat["error"] = record.error.message
    return reply("getSideExecutionStatusResponse", True, flat, data=whole)
