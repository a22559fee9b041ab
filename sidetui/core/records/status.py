"""The seven lifecycle statuses of a side execution and the transitions between them."""

from __future__ import annotations

from enum import StrEnum


class ExecutionStatus(StrEnum):
    """Where a side execution is in its life; the last four are final."""

    STARTING = "starting"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    STOPPING = "stopping"
    STOPPED = "stopped"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES

    @property
    def is_live(self) -> bool:
        """True while the execution may still own processes that we have not been asked to end."""
        return self in (ExecutionStatus.STARTING, ExecutionStatus.RUNNING)

    def can_become(self, new: ExecutionStatus) -> bool:
        return new in _TRANSITIONS[self]


FINAL_STATUSES = frozenset(
    {
        ExecutionStatus.COMPLETED,
        ExecutionStatus.FAILED,
        ExecutionStatus.TIMEOUT,
        ExecutionStatus.STOPPED,
    }
)

_ENDINGS = frozenset(
    {
        ExecutionStatus.COMPLETED,
        ExecutionStatus.FAILED,
        ExecutionStatus.TIMEOUT,
        ExecutionStatus.STOPPING,
    }
)

_TRANSITIONS: dict[ExecutionStatus, frozenset[ExecutionStatus]] = {
    ExecutionStatus.STARTING: _ENDINGS | {ExecutionStatus.RUNNING},
    ExecutionStatus.RUNNING: _ENDINGS,
    ExecutionStatus.STOPPING: frozenset({ExecutionStatus.STOPPED}),
    ExecutionStatus.COMPLETED: frozenset(),
    ExecutionStatus.FAILED: frozenset(),
    ExecutionStatus.TIMEOUT: frozenset(),
    ExecutionStatus.STOPPED: frozenset(),
}
