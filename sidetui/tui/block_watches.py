"""Watch and rerun in the app: the blocks the person watches, each run again with the same
params when a file in its folder changes (the run in progress stopped first, its whole tree),
until they stop watching it. The engine's `Rerun` does the work; this keeps one per block."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sidetui.core import Refusal, Response, SideExecutionManager
from sidetui.core.records import StartRequest
from sidetui.core.rerun import Rerun
from sidetui.tui.launch_request import LaunchRequest

# A rerun started (its response, the files that changed), or the watch ended with a refusal.
Started = Callable[[str, LaunchRequest, Response, list[Path]], None]
Failed = Callable[[str, Refusal], None]


@dataclass
class _Watch:
    rerun: Rerun
    task: asyncio.Task[None]
    runs: set[str] = field(default_factory=set)  # the executions it started, and the first


class BlockWatches:
    """The watched blocks, by key (the block's folder)."""

    def __init__(self, manager: SideExecutionManager, started: Started, failed: Failed):
        self.manager = manager
        self.started = started
        self.failed = failed
        self._watches: dict[str, _Watch] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._watches

    def watched_ids(self) -> set[str]:
        """Every execution of a watched block since the watch began (marked in the table)."""
        return {run for watch in self._watches.values() for run in watch.runs}

    def watch(self, key: str, request: LaunchRequest, current: str) -> None:
        """Watch the block of `request` (a block's); `current`, its execution on screen, counts
        as the first run: nothing starts before a change."""

        def on_start(response: Response, changed: list[Path]) -> None:
            execution_id = (response.data or {}).get("sideExecutionId")
            if execution_id is not None:
                watch.runs.add(str(execution_id))
            self.started(key, request, response, changed)

        rerun = Rerun(
            self.manager,
            lambda: StartRequest(request.target, params=request.params, timeout=request.timeout),
            on_start,
        )
        task = asyncio.create_task(self._run(key, rerun, current), name=f"watch {key}")
        watch = _Watch(rerun, task, {current})
        self._watches[key] = watch

    async def _run(self, key: str, rerun: Rerun, current: str) -> None:
        try:
            await rerun.run(adopt=current)
        except Refusal as refusal:
            self._watches.pop(key, None)
            self.failed(key, refusal)

    def unwatch(self, key: str) -> None:
        """Stop watching; the run in progress goes on."""
        watch = self._watches.pop(key, None)
        if watch is not None:
            watch.task.cancel()

    def close(self) -> None:
        for key in list(self._watches):
            self.unwatch(key)
