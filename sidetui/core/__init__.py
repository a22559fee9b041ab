"""The sidetui engine: discovery and side executions, pure asyncio, no UI."""

from sidetui.core.catalog.entries import ActionBlock, Entry, EntryKind, InputSpec, Source
from sidetui.core.catalog.registry import RegistryChange
from sidetui.core.config import EngineConfig
from sidetui.core.events import (
    Event,
    OutputBatch,
    OutputChanged,
    RegistryChanged,
    StatusChanged,
    Subscription,
)
from sidetui.core.manager import SideExecutionManager
from sidetui.core.records.agent import AgentIdentity
from sidetui.core.records.errors import ErrorCode, ExecutionError, Refusal
from sidetui.core.records.execution_record import ExecutionKind, ExecutionRecord
from sidetui.core.records.response import Response
from sidetui.core.records.status import ExecutionStatus

__all__ = [
    "ActionBlock",
    "AgentIdentity",
    "EngineConfig",
    "Entry",
    "EntryKind",
    "ErrorCode",
    "Event",
    "ExecutionError",
    "ExecutionKind",
    "ExecutionRecord",
    "ExecutionStatus",
    "InputSpec",
    "OutputBatch",
    "OutputChanged",
    "Refusal",
    "RegistryChange",
    "RegistryChanged",
    "Response",
    "SideExecutionManager",
    "Source",
    "StatusChanged",
    "Subscription",
]
