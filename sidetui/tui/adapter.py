"""The one place engine events become Textual messages.

Status, registry and capability events are posted as they come. Output is not copied here: the
adapter asks the engine only to say *that* output arrived (`OutputChanged`), collects the
executions it names, and posts one `OutputArrived` per interval (the first change after a quiet
interval at once, so a child's first line is painted without waiting for a timer); the output
pane then reads the engine's tails of the one execution on screen. An execution that ended is
followed until it has settled (its exit code comes after a result sent over a channel). No
widget is touched here.
"""

from __future__ import annotations

import asyncio

from textual.message_pump import MessagePump

from sidetui.core import (
    MessageArrived,
    OutputChanged,
    Refusal,
    RegistryChanged,
    SideExecutionManager,
    StatusChanged,
    Subscription,
)
from sidetui.core.capabilities import CapabilityEvent
from sidetui.tui.messages import (
    CapabilityUpdated,
    ExecutionSettled,
    ExecutionUpdated,
    OutputArrived,
    RegistryUpdated,
)

OUTPUT_INTERVAL_S = 0.1  # at most ten repaints a second of a flooding execution


class EngineAdapter:
    """Follows the manager's events on behalf of the app."""

    def __init__(self, manager: SideExecutionManager, target: MessagePump):
        self.manager = manager
        self.target = target
        self._changed: set[str] = set()
        self._flush: asyncio.TimerHandle | None = None
        self._posted_at = -OUTPUT_INTERVAL_S  # loop time of the last OutputArrived
        self._settling: set[asyncio.Task[None]] = set()
        self._events: Subscription | None = None

    def subscribe(self) -> None:
        """Take the engine's events from now on: called before the manager opens, the catalog
        of its first scan is posted as soon as it is found (not once the watcher is up)."""
        if self._events is None:
            self._events = self.manager.subscribe(output="changes")

    async def run(self) -> None:
        self.subscribe()
        assert self._events is not None
        async with self._events as events:
            async for event in events:
                if isinstance(event, OutputChanged | MessageArrived):
                    self._output_changed(event.execution_id)
                elif isinstance(event, StatusChanged):
                    self._post_output_now()
                    self.target.post_message(ExecutionUpdated(event.record, event.previous))
                    if event.status.is_final:
                        self._follow_until_settled(event.execution_id)
                elif isinstance(event, RegistryChanged):
                    self.target.post_message(RegistryUpdated(event.change))
                elif isinstance(event, CapabilityEvent):
                    self.target.post_message(CapabilityUpdated(event))

    def _follow_until_settled(self, execution_id: str) -> None:
        task = asyncio.create_task(self._settled(execution_id), name=f"settle {execution_id}")
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    async def _settled(self, execution_id: str) -> None:
        try:
            record = await self.manager.wait_until_settled(execution_id)
        except Refusal:  # forgotten meanwhile
            return
        self.target.post_message(ExecutionSettled(record))

    def _output_changed(self, execution_id: str) -> None:
        self._changed.add(execution_id)
        if self._flush is None:
            loop = asyncio.get_running_loop()
            quiet_since = loop.time() - self._posted_at
            if quiet_since >= OUTPUT_INTERVAL_S:
                self._post_output_now()
            else:
                self._flush = loop.call_at(
                    self._posted_at + OUTPUT_INTERVAL_S, self._post_output_now
                )

    def _post_output_now(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        if self._changed:
            changed, self._changed = frozenset(self._changed), set()
            self._posted_at = asyncio.get_running_loop().time()
            self.target.post_message(OutputArrived(changed))
