"""Records: the words every room of the engine shares, and nothing that acts.

Owns the execution record (`ExecutionRecord`, `ExecutionKind`, `TreeUsage`), the capability
execution record (`CapabilityExecution`), statuses (`ExecutionStatus`), error codes and errors
(`ErrorCode`, `ExecutionError`, `Refusal`), the response envelope (`Response`), start requests
and who makes them (`StartRequest`, `CapabilityRequest`, `Lineage`), execution ids,
ISO timestamps, who launches executions (`AgentIdentity`), and a stored record read back
(`stored_record.record_from_dict`). Depends only on `output` (a record
holds its output streams).
"""

from typing import TYPE_CHECKING

from sidetui.lazy import lazy_exports

if TYPE_CHECKING:
    from sidetui.core.records.agent import AgentIdentity
    from sidetui.core.records.capability_execution import CapabilityExecution
    from sidetui.core.records.errors import (
        ErrorCode,
        ExecutionError,
        Refusal,
    )
    from sidetui.core.records.execution_record import (
        ExecutionKind,
        ExecutionRecord,
        TreeUsage,
    )
    from sidetui.core.records.requests import (
        CapabilityRequest,
        Lineage,
        StartRequest,
    )
    from sidetui.core.records.response import Response
    from sidetui.core.records.status import ExecutionStatus

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "sidetui.core.records.agent": ("AgentIdentity",),
        "sidetui.core.records.capability_execution": ("CapabilityExecution",),
        "sidetui.core.records.errors": ("ErrorCode", "ExecutionError", "Refusal"),
        "sidetui.core.records.execution_record": ("ExecutionKind", "ExecutionRecord", "TreeUsage"),
        "sidetui.core.records.requests": ("CapabilityRequest", "Lineage", "StartRequest"),
        "sidetui.core.records.response": ("Response",),
        "sidetui.core.records.status": ("ExecutionStatus",),
    },
)
__all__ = [
    "AgentIdentity",
    "CapabilityExecution",
    "CapabilityRequest",
    "ErrorCode",
    "ExecutionError",
    "ExecutionKind",
    "ExecutionRecord",
    "ExecutionStatus",
    "Lineage",
    "Refusal",
    "Response",
    "StartRequest",
    "TreeUsage",
]
