"""Telling an agent that an execution it started has ended, unasked.

Side executions end with Codebolt's `sideExecutionResult` (its server's own completion event:
`sideExecutionId, threadId, success, result | error, timestamp`, plus `status`); capabilities with
`capabilityExecutionResult` (what `waitForCompletion` returns). Neither type is one the codeboltjs
SDK waits for as a reply, so it never mistakes one for the answer to a request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sidetui.core.protocol.peers import Caller, Push
from sidetui.core.records.execution_record import ExecutionRecord
from sidetui.core.records.timestamps import iso_now


class SettledNotices:
    """Watches what agents started and pushes a message to each when it ends."""

    def __init__(self) -> None:
        self._watching: set[asyncio.Task[None]] = set()

    def side_execution(
        self, caller: Caller, execution_id: str, final: Callable[[str], Awaitable[ExecutionRecord]]
    ) -> None:
        """Once `final(execution_id)` returns, push `sideExecutionResult` to the caller."""
        if caller.push is not None:
            self._watch(caller.push, _side_result(final(execution_id)))

    def capability(self, caller: Caller, completion: Awaitable[dict[str, Any]]) -> None:
        """Once `completion` is there, push `capabilityExecutionResult` to the caller."""
        if caller.push is not None:
            self._watch(caller.push, _capability_result(completion))

    def _watch(self, push: Push, notice: Awaitable[dict[str, Any]]) -> None:
        async def deliver() -> None:
            await push(await notice)

        task = asyncio.create_task(deliver())
        self._watching.add(task)
        task.add_done_callback(self._watching.discard)


async def _side_result(final: Awaitable[ExecutionRecord]) -> dict[str, Any]:
    record = await final
    notice: dict[str, Any] = {
        "type": "sideExecutionResult",
        "sideExecutionId": record.side_execution_id,
        "threadId": record.thread_id,
        "success": record.error is None,
        "status": record.status.value,
        "timestamp": iso_now(),
    }
    if record.error is not None:
        notice["error"] = record.error.message
    else:
        notice["result"] = record.result
    return notice


async def _capability_result(completion: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "capabilityExecutionResult", **(await completion), "timestamp": iso_now()}
