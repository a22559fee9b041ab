"""The record of one capability run: what `start_capability` returns and the events carry."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from sidetui.core.records.errors import ErrorCode
from sidetui.core.records.status import ExecutionStatus


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
    error_code: ErrorCode | str | None = None
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
