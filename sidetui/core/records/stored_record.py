"""An execution record read back from the JSON the history stores: final, without its output
tails (the logs on disk hold the output), whatever version of sidetui wrote it."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sidetui.core.records.block_message import BlockMessage
from sidetui.core.records.errors import ExecutionError, error_code
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.status import ExecutionStatus


def record_from_dict(data: dict[str, Any]) -> ExecutionRecord:
    """A stored record back as an `ExecutionRecord` (final, without streams; logs on disk)."""
    record = ExecutionRecord(
        side_execution_id=data["sideExecutionId"],
        kind=ExecutionKind(data["kind"]),
        action_block=data["actionBlock"],
        params=data.get("params") or {},
        timeout=data.get("timeout"),
        action_block_id=data.get("actionBlockId"),
        action_block_path=data.get("actionBlockPath"),
        capability_execution_id=data.get("capabilityExecutionId"),
        thread_id=data.get("threadId"),
        parent_agent_id=data.get("parentAgentId"),
        parent_agent_instance_id=data.get("parentAgentInstanceId"),
        parent_execution_id=data.get("parentExecutionId"),
        status=ExecutionStatus(data["status"]),
        result=data.get("result"),
        error=_error(data.get("error")),
        exit_code=data.get("exitCode"),
        signal=data.get("signal"),
        pid=data.get("pid"),
        start_time=_epoch(data["startTime"]),
        end_time=_epoch(data["endTime"]) if data.get("endTime") else None,
        notices=[*(data.get("notices") or []), *_not_kept(data)],
        messages=[
            BlockMessage.from_dict(m, _epoch(str(m.get("time", ""))))
            for m in data.get("messages") or []
            if isinstance(m, dict)
        ],
        messages_dropped=int(data.get("messagesDropped") or 0),
        peak_memory=_whole_number(data.get("peakMemory")),
    )
    record.stored_log_paths = data.get("logPaths") or {}
    record.from_history = True
    return record


def _whole_number(value: Any) -> int:
    """A stored count (older records have none, a hand-edited one may hold anything): 0 then."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _not_kept(data: dict[str, Any]) -> list[str]:
    """The notice a record stored without its params carries."""
    note = data.get("paramsNotKept")
    return [f"{note} were not kept in the history"] if note else []


def _error(data: dict[str, Any] | None) -> ExecutionError | None:
    if not data:
        return None
    return ExecutionError(
        error_code(data.get("code")),
        data["message"],
        data.get("details"),
        data.get("sideExecutionId"),
        data.get("timestamp", ""),
    )


def _epoch(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return time.time()
