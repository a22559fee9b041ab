"""What the agent API needs from the engine: two narrow doors, one per family of requests."""

from __future__ import annotations

import os
from typing import Any, Protocol

from sidetui.core.catalog.entries import ActionBlock
from sidetui.core.records.execution_record import ExecutionRecord
from sidetui.core.records.response import Response


class SideExecutionService(Protocol):
    """The side-execution and ActionBlock calls agents make."""

    async def start_with_action_block(
        self,
        name_or_path: str | os.PathLike[str],
        params: dict[str, Any] | None = None,
        timeout: int | None = None,
        *,
        thread_id: str | None = None,
        parent_agent_id: str | None = None,
        parent_agent_instance_id: str | None = None,
    ) -> Response: ...

    async def start_with_code(
        self,
        code: str,
        params: dict[str, Any] | None = None,
        timeout: int | None = 300_000,
        language: str = "javascript",
        *,
        thread_id: str | None = None,
        parent_agent_id: str | None = None,
        parent_agent_instance_id: str | None = None,
    ) -> Response: ...

    async def stop(self, execution_id: str, grace_ms: int | None = None) -> Response: ...
    async def list_action_blocks(
        self, project_path: str | os.PathLike[str] | None = None
    ) -> Response: ...
    def resolve_action_block(self, name_or_path: str | os.PathLike[str]) -> ActionBlock: ...
    def get_record(self, execution_id: str) -> ExecutionRecord | None: ...
    async def wait_for_completion(self, execution_id: str) -> ExecutionRecord: ...


class CapabilityService(Protocol):
    """The capability calls agents make."""

    async def list_capabilities(self, filter: dict[str, Any] | None = None) -> Response: ...
    async def get_capability_detail(self, name: str, type: str | None = None) -> Response: ...
    async def list_executors(self) -> Response: ...
    async def start_capability(
        self,
        name: str,
        type: str,
        params: dict[str, Any] | None = None,
        timeout: int | None = None,
        thread_id: str | None = None,
        parent_agent_id: str | None = None,
        parent_agent_instance_id: str | None = None,
    ) -> Response: ...
    async def stop_capability(self, execution_id: str) -> Response: ...
    async def get_execution_status(self, execution_id: str) -> Response: ...
