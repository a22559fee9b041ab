"""Processes: side executions from an admitted request to a settled end.

Owns the admission of start requests (`admission`), the `Launcher` that turns one into a record
and a `LaunchPlan` (command line, environment, child link), the `Execution` state machine and the
`Executions` of a manager, the coalescing of output into events (`OutputRelay`), and the process
backend interface (`ProcessBackend`, `RunningChild`) with the backend chosen by configuration
(`process_backend`). The local backend lives in `processes.local`.
"""

from typing import TYPE_CHECKING

from sidetui.lazy import lazy_exports

if TYPE_CHECKING:
    from sidetui.core.processes.backend import (
        ChildObserver,
        ExitStatus,
        ProcessBackend,
        RunningChild,
        SpawnError,
    )
    from sidetui.core.processes.backends import process_backend
    from sidetui.core.processes.execution import Execution
    from sidetui.core.processes.executions import Executions
    from sidetui.core.processes.launcher import Launcher
    from sidetui.core.processes.plan import LaunchPlan

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "sidetui.core.processes.backend": (
            "ChildObserver",
            "ExitStatus",
            "ProcessBackend",
            "RunningChild",
            "SpawnError",
        ),
        "sidetui.core.processes.backends": ("process_backend",),
        "sidetui.core.processes.execution": ("Execution",),
        "sidetui.core.processes.executions": ("Executions",),
        "sidetui.core.processes.launcher": ("Launcher",),
        "sidetui.core.processes.plan": ("LaunchPlan",),
    },
)
__all__ = [
    "ChildObserver",
    "Execution",
    "Executions",
    "ExitStatus",
    "LaunchPlan",
    "Launcher",
    "ProcessBackend",
    "RunningChild",
    "SpawnError",
    "process_backend",
]
