"""Watch and rerun: run a block again each time a file in its folder changes - the edit-run loop
of someone writing a block.

A change (after a quiet `debounce_ms`) stops the run in progress, its whole tree, then starts the
block again with the same request. Editor noise (swap files, backups) and changes under
`node_modules`, `.git` and other skipped folders do not count.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from sidetui.core.catalog.discovery import is_skipped
from sidetui.core.manager import SideExecutionManager
from sidetui.core.records.requests import StartRequest
from sidetui.core.records.response import Response

RunStarted = Callable[[Response, list[Path]], None]  # a start's response; the files that changed


class Rerun:
    """Runs a block now, and again after every change in its folder, until cancelled.

    `request` is called for each run (a run's output copies cannot serve the next one); its
    `target` names the block.
    """

    def __init__(
        self,
        manager: SideExecutionManager,
        request: Callable[[], StartRequest],
        on_start: RunStarted,
        debounce_ms: int = 300,
    ):
        self.manager = manager
        self.request = request
        self.on_start = on_start
        self.debounce_ms = debounce_ms
        self.current: str | None = None  # the execution of the latest run

    async def run(self, adopt: str | None = None) -> None:
        """Start, then rerun on each change; `Refusal` when the block cannot be found. With
        `adopt`, that execution (running or ended) is the first run: nothing starts before a
        change.

        Cancel the task to end it: the run in progress is left to the caller."""
        first = self.request()
        folder = self.manager.resolve_action_block(first.target or "").path
        if adopt is None:
            await self._start(first, [])
        else:
            self.current = adopt
        from watchfiles import DefaultFilter, awatch  # imported by those who watch

        noise = DefaultFilter()
        async for changes in awatch(
            folder,
            watch_filter=lambda change, raw: noise(change, raw) and _counts(folder, raw),
            debounce=self.debounce_ms,
            step=20,
            ignore_permission_denied=True,
        ):
            if self.current is not None:
                await self.manager.stop(self.current)  # the whole tree, before the next run
            await self._start(self.request(), sorted({Path(raw) for _, raw in changes}))

    async def _start(self, request: StartRequest, changed: list[Path]) -> None:
        response = await self.manager.start(request)
        self.current = response.data.get("sideExecutionId") if response.data else None
        self.on_start(response, changed)


def _counts(folder: Path, raw: str) -> bool:
    """A change worth a rerun: not under a skipped folder (node_modules, .git, caches...)."""
    with contextlib.suppress(ValueError):
        return not any(is_skipped(part) for part in Path(raw).relative_to(folder).parts[:-1])
    return True
