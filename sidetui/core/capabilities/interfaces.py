"""What the capabilities room needs from the rest of the engine: two narrow doors.

`SideExecutionRunner` is the part of the executions a capability run uses;
`CapabilityCatalog` the part of the registry that finds capabilities and executors.
"""

from __future__ import annotations

from typing import Any, Protocol

from sidetui.core.catalog.entries import Capability, Entry, EntryKind, Executor
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.requests import Lineage
from sidetui.core.records.response import Response


class SideExecutionRunner(Protocol):
    """Starts and stops the side executions that run capabilities."""

    def require_open(self) -> None: ...
    def timeout_for(self, requested: Any, manifest: int | None) -> int | None: ...
    async def start_block(
        self,
        block: Executor,
        params: dict[str, Any],
        timeout: int | None,
        lineage: Lineage,
        kind: ExecutionKind,
        label: str,
    ) -> Response: ...
    def record(self, execution_id: str) -> ExecutionRecord | None: ...
    async def stop(self, execution_id: str, grace_ms: int | None = None) -> Response: ...


class CapabilityCatalog(Protocol):
    """Finds capabilities and the executors that serve their types."""

    loaded: bool  # scanned at least once

    def capabilities(self) -> list[Capability]: ...
    def executors(self) -> list[Executor]: ...
    def executor_map(self) -> dict[str, Executor]: ...
    def find(self, kind: EntryKind, name: str, type_: str | None = None) -> Entry: ...
