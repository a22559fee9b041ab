"""The sidetui engine: discovery and side executions, pure asyncio, no UI.

This front door exports the public API; `SideExecutionManager` (`manager`) is the composition
root. The rooms, each with its own front door, import downwards only:

    manager                        the composition root
    capabilities                   capabilities run by the executor of their type
    processes (and processes.local)  executions from admission to a settled end; process backends
    protocol                       how children and agents talk to the engine (IPC, WebSocket)
    events, history                events and subscriptions; settled records in SQLite
    catalog                        entries found on disk, manifests, the registry, live watching
    records                        records, statuses, errors, responses, ids
    output                         output streams, their tails and log files
    config, state_dir, workers     leaves: settings; the private state folder; worker threads
    terminal_text                  a leaf: outside text made safe for a terminal
    proc_table                     a leaf: Linux's process table read from /proc
"""

from typing import TYPE_CHECKING

from sidetui.lazy import lazy_exports

if TYPE_CHECKING:
    from sidetui.core.catalog.entries import (
        ActionBlock,
        Entry,
        EntryKind,
        InputSpec,
        Source,
    )
    from sidetui.core.catalog.registry import RegistryChange
    from sidetui.core.config import EngineConfig
    from sidetui.core.events import (
        Event,
        MessageArrived,
        OutputBatch,
        OutputChanged,
        RegistryChanged,
        StatusChanged,
        Subscription,
    )
    from sidetui.core.manager import SideExecutionManager
    from sidetui.core.records.agent import AgentIdentity
    from sidetui.core.records.errors import (
        ErrorCode,
        ExecutionError,
        Refusal,
    )
    from sidetui.core.records.execution_record import (
        ExecutionKind,
        ExecutionRecord,
    )
    from sidetui.core.records.response import Response
    from sidetui.core.records.status import ExecutionStatus

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "sidetui.core.catalog.entries": (
            "ActionBlock",
            "Entry",
            "EntryKind",
            "InputSpec",
            "Source",
        ),
        "sidetui.core.catalog.registry": ("RegistryChange",),
        "sidetui.core.config": ("EngineConfig",),
        "sidetui.core.events": (
            "Event",
            "MessageArrived",
            "OutputBatch",
            "OutputChanged",
            "RegistryChanged",
            "StatusChanged",
            "Subscription",
        ),
        "sidetui.core.manager": ("SideExecutionManager",),
        "sidetui.core.records.agent": ("AgentIdentity",),
        "sidetui.core.records.errors": ("ErrorCode", "ExecutionError", "Refusal"),
        "sidetui.core.records.execution_record": ("ExecutionKind", "ExecutionRecord"),
        "sidetui.core.records.response": ("Response",),
        "sidetui.core.records.status": ("ExecutionStatus",),
    },
)
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
    "MessageArrived",
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
