"""The one place engine events become Textual messages.

Status, registry and capability events are posted as they come. Output batches only update the
merged-output models and mark their executions as changed; one `OutputArrived` per interval then
tells the app which executions to repaint, however many batches arrived. No widget is touched here.
"""

from __future__ import annotations

import asyncio

from textual.message_pump import MessagePump

from sidetui.core import OutputBatch, RegistryChanged, SideExecutionManager, StatusChanged
from sidetui.core.capabilities import CapabilityEvent
from sidetui.tui.messages import CapabilityUpdated, ExecutionUpdated, OutputArrived, RegistryUpdated
from sidetui.tui.output_model import MergedOutput

OUTPUT_INTERVAL_S = 0.05


class EngineAdapter:
    """Follows the manager's events on behalf of the app."""

    def __init__(self, manager: SideExecutionManager, target: MessagePump, merged_lines: int):
        self.manager = manager
        self.target = target
        self.merged: dict[str, MergedOutput] = {}
        self._merged_lines = merged_lines
        self._changed: set[str] = set()
        self._flush: asyncio.TimerHandle | None = None

    def merged_for(self, execution_id: str) -> MergedOutput:
        model = self.merged.get(execution_id)
        if model is None:
            model = self.merged[execution_id] = MergedOutput(self._merged_lines)
        return model

    async def run(self) -> None:
        async with self.manager.subscribe() as events:
            async for event in events:
                if isinstance(event, OutputBatch):
                    self.merged_for(event.execution_id).add(
                        event.stream, event.lines, event.dropped
                    )
                    self._output_changed(event.execution_id)
                elif isinstance(event, StatusChanged):
                    self._post_output_now()
                    self.target.post_message(ExecutionUpdated(event.record, event.previous))
                elif isinstance(event, RegistryChanged):
                    self.target.post_message(RegistryUpdated(event.change))
                elif isinstance(event, CapabilityEvent):
                    self.target.post_message(CapabilityUpdated(event))

    def _output_changed(self, execution_id: str) -> None:
        self._changed.add(execution_id)
        if self._flush is None:
            loop = asyncio.get_running_loop()
            self._flush = loop.call_later(OUTPUT_INTERVAL_S, self._post_output_now)

    def _post_output_now(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        if self._changed:
            changed, self._changed = frozenset(self._changed), set()
            self.target.post_message(OutputArrived(changed))
