"""The sidetui engine: discovery and side executions, pure asyncio, no UI."""

from sidetui.core.agent import AgentIdentity
from sidetui.core.config import EngineConfig
from sidetui.core.entries import ActionBlock, Entry, EntryKind, InputSpec, Source
from sidetui.core.errors import ErrorCode, ExecutionError, Refusal
from sidetui.core.events import (
    Event,
    OutputBatch,
    OutputChanged,
    RegistryChanged,
    StatusChanged,
    Subscription,
)
from sidetui.core.manager import SideExecutionManager
from sidetui.core.record import ExecutionKind, ExecutionRecord
from sidetui.core.registry import RegistryChange
from sidetui.core.response import Response
from sidetui.core.status import ExecutionStatus

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
