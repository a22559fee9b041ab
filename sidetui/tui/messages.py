"""Messages the engine adapter posts to the app; widgets react to these, never to the engine."""

from __future__ import annotations

from textual.message import Message

from sidetui.core import ExecutionRecord, ExecutionStatus, RegistryChange
from sidetui.core.capabilities import CapabilityEvent


class ExecutionUpdated(Message):
    """An execution appeared (`previous` None) or changed status."""

    def __init__(self, record: ExecutionRecord, previous: ExecutionStatus | None):
        super().__init__()
        self.record = record
        self.previous = previous


class ExecutionSettled(Message):
    """Nothing of the execution runs any more: its exit code is known, its output complete."""

    def __init__(self, record: ExecutionRecord):
        super().__init__()
        self.record = record


class OutputArrived(Message):
    """New output for these executions (coalesced: one message for many batches)."""

    def __init__(self, execution_ids: frozenset[str]):
        super().__init__()
        self.execution_ids = execution_ids


class RegistryUpdated(Message):
    """Entries on disk were added, changed or removed."""

    def __init__(self, change: RegistryChange):
        super().__init__()
        self.change = change


class CapabilityUpdated(Message):
    """A capability execution started or ended."""

    def __init__(self, event: CapabilityEvent):
        super().__init__()
        self.event = event
