"""Events the engine publishes, and subscriptions that deliver them as async iterators.

Status and registry events are never dropped. Output is bounded per subscriber: one that falls too
far behind loses its oldest queued lines, each trimmed batch saying how many it lost (the log file
and the tail still hold them).

"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from sidetui.core.catalog.registry import RegistryChange
from sidetui.core.records.block_message import BlockMessage
from sidetui.core.records.capability_execution import CapabilityExecution
from sidetui.core.records.execution_record import ExecutionRecord
from sidetui.core.records.status import ExecutionStatus


@dataclass(frozen=True)
class StatusChanged:
    """An execution moved to `status`; `previous` is None for a new execution.

    `record` is the live record: read it for the latest fields (pid, result, error...).
    """

    record: ExecutionRecord
    status: ExecutionStatus
    previous: ExecutionStatus | None

    @property
    def execution_id(self) -> str:
        return self.record.side_execution_id


@dataclass(frozen=True)
class OutputBatch:
    """Lines one stream of an execution printed since the previous batch.

    `first_line` is the number (0-based) of `lines[0]` in the whole stream (of the next line when
    `lines` is empty); `partial` is the unfinished line after them; `dropped` counts lines this
    listener missed just before `first_line`; `times` is each line's arrival (epoch seconds).
    """

    execution_id: str
    stream: str
    lines: Sequence[str]
    first_line: int
    partial: str
    dropped: int = 0
    times: Sequence[float] = ()


@dataclass(frozen=True)
class OutputChanged:
    """Output arrived for this execution: for listeners that read the tails themselves when they
    want (a view repainting what is on screen), so nothing is decoded for them meanwhile."""

    execution_id: str


@dataclass(frozen=True)
class MessageArrived:
    """A block told its user something (`record.messages` holds it too)."""

    record: ExecutionRecord
    message: BlockMessage

    @property
    def execution_id(self) -> str:
        return self.record.side_execution_id


@dataclass(frozen=True)
class RegistryChanged:
    """Entries appeared, changed or vanished on disk."""

    change: RegistryChange


@dataclass(frozen=True)
class CapabilityEvent:
    """`capabilityStarted`, `capabilityCompleted`, `capabilityFailed`, `capabilityTimeout` or
    `capabilityStopped`, with the execution it is about."""

    name: str
    execution: CapabilityExecution


Event = (
    StatusChanged | OutputBatch | OutputChanged | MessageArrived | RegistryChanged | CapabilityEvent
)
OutputWanted = bool | Literal["changes"]


class Subscription:
    """An async iterator of events; ends when closed or when the manager closes."""

    def __init__(
        self, hub: EventHub, execution_id: str | None, output: OutputWanted, max_lines: int
    ):
        self._hub = hub
        self.execution_id = execution_id
        self.wants_output = output is True
        self.wants_changes = output == "changes"
        self._max_lines = max_lines
        self._queue: deque[Event] = deque()
        self._queued_lines = 0
        self._wakeup = asyncio.Event()
        self._closed = False

    def accepts(self, event: Event) -> bool:
        if isinstance(event, OutputBatch):
            return self.wants_output and self.execution_id in (None, event.execution_id)
        if isinstance(event, OutputChanged):
            return self.wants_changes and self.execution_id in (None, event.execution_id)
        if isinstance(event, StatusChanged | MessageArrived):
            return self.execution_id in (None, event.execution_id)
        return self.execution_id is None

    def put(self, event: Event) -> None:
        if self._closed:
            return
        self._queue.append(event)
        if isinstance(event, OutputBatch):
            self._queued_lines += len(event.lines)
            if self._queued_lines > self._max_lines:
                self._shed_output()
        self._wakeup.set()

    def close(self) -> None:
        self._closed = True
        self._hub.discard(self)
        self._wakeup.set()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        while not self._queue:
            if self._closed:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()
        event = self._queue.popleft()
        if isinstance(event, OutputBatch):
            self._queued_lines -= len(event.lines)
        return event

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    def _shed_output(self) -> None:
        """Drop the oldest queued lines until this subscriber is back under its bound."""
        for index, event in enumerate(self._queue):
            excess = self._queued_lines - self._max_lines
            if excess <= 0:
                return
            if isinstance(event, OutputBatch) and event.lines:
                lost = min(excess, len(event.lines))
                self._queued_lines -= lost
                self._queue[index] = replace(
                    event,
                    lines=event.lines[lost:],
                    first_line=event.first_line + lost,
                    dropped=event.dropped + lost,
                )


class EventHub:
    """Fans events out to subscriptions."""

    def __init__(self, max_lines: int):
        self._subscriptions: weakref.WeakSet[Subscription] = weakref.WeakSet()
        self._max_lines = max_lines

    def subscribe(
        self, execution_id: str | None = None, output: OutputWanted = True
    ) -> Subscription:
        subscription = Subscription(self, execution_id, output, self._max_lines)
        self._subscriptions.add(subscription)
        return subscription

    def discard(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    @property
    def wants_output(self) -> bool:
        """Someone wants output batches with their lines."""
        return any(s.wants_output for s in self._subscriptions)

    @property
    def wants_changes(self) -> bool:
        """Someone wants to hear that output arrived, without the lines."""
        return any(s.wants_changes for s in self._subscriptions)

    def publish(self, event: Event) -> None:
        for subscription in list(self._subscriptions):
            if subscription.accepts(event):
                subscription.put(event)

    def close(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.close()
