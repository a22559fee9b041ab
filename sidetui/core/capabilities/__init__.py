"""Capabilities: named units of a type (skill, power, talent, ...) run by their type's executor.

Owns `CapabilityManager` (start, follow, wait for and stop capability executions, list the
capability catalog), the resolution of a request to an executor and a capability, and the narrow
interfaces it needs from the engine (`SideExecutionRunner`, `CapabilityCatalog`). Each capability
execution runs as one side execution of its executor. The records (`CapabilityExecution`) and
events (`CapabilityEvent`) it produces live with the other records and events.
"""

from typing import TYPE_CHECKING

from sidetui.lazy import lazy_exports

if TYPE_CHECKING:
    from sidetui.core.capabilities.interfaces import (
        CapabilityCatalog,
        SideExecutionRunner,
    )
    from sidetui.core.capabilities.manager import CapabilityManager
    from sidetui.core.capabilities.resolution import EXECUTOR_PARAMS
    from sidetui.core.events import CapabilityEvent
    from sidetui.core.records.capability_execution import CapabilityExecution

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "sidetui.core.capabilities.interfaces": ("CapabilityCatalog", "SideExecutionRunner"),
        "sidetui.core.capabilities.manager": ("CapabilityManager",),
        "sidetui.core.capabilities.resolution": ("EXECUTOR_PARAMS",),
        "sidetui.core.events": ("CapabilityEvent",),
        "sidetui.core.records.capability_execution": ("CapabilityExecution",),
    },
)
__all__ = [
    "EXECUTOR_PARAMS",
    "CapabilityCatalog",
    "CapabilityEvent",
    "CapabilityExecution",
    "CapabilityManager",
    "SideExecutionRunner",
]
