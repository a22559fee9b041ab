"""`sidetui run --watch`: run a block, then again each time a file in its folder changes (the run
in progress stopped first, its whole tree), until Ctrl-C; each run's output streams live."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Any

from sidetui.commands.common import manager_from
from sidetui.commands.exit_codes import EXIT_FAILED
from sidetui.commands.follow import (
    EXIT_CODES,
    Starter,
    follow_until_settled,
    live_copies,
    print_summary,
    refused,
    stop_on_signals,
)
from sidetui.commands.message_echo import MessageEcho
from sidetui.core import ExecutionRecord, Refusal, Response, SideExecutionManager
from sidetui.core.output.descriptor_copy import DescriptorCopy
from sidetui.core.rerun import Rerun
from sidetui.core.terminal_text import one_line


async def watch(
    args: argparse.Namespace, params: dict[str, Any], thread: list[Any] | None, start: Starter
) -> int:
    """Run and rerun until interrupted; the exit code of the last run."""
    async with manager_from(args) as manager:
        runs = _Runs(manager, args)
        rerun = Rerun(manager, lambda: start(params, thread, runs.new_copies()), runs.started)
        watching = asyncio.create_task(rerun.run())
        with stop_on_signals(f"watching {args.block}", lambda: _end(watching, rerun)):
            try:
                await watching
            except asyncio.CancelledError:
                pass
            except Refusal as refusal:
                return refused(args, Response.failure("startSideExecutionResponse", refusal.error))
        await runs.finished()
        return EXIT_CODES.get(runs.last.status, EXIT_FAILED) if runs.last else EXIT_FAILED


async def _end(watching: asyncio.Task[None], rerun: Rerun) -> None:
    """Ctrl-C: no more reruns; the run in progress stops (a second Ctrl-C kills it)."""
    watching.cancel()
    if rerun.current is not None:
        await rerun.manager.stop(rerun.current)


class _Runs:
    """Each run followed to its end, with its summary and what happens next."""

    def __init__(self, manager: SideExecutionManager, args: argparse.Namespace):
        self.manager = manager
        self.args = args
        self.last: ExecutionRecord | None = None
        self._copies: dict[str, DescriptorCopy] | None = None
        self._following: set[asyncio.Task[None]] = set()

    def new_copies(self) -> dict[str, DescriptorCopy]:
        self._copies = live_copies(self.args.timestamps)
        return self._copies

    def started(self, response: Response, changed: list[Path]) -> None:
        if changed:
            names = ", ".join(one_line(path.name) for path in changed[:5])
            print(f"sidetui: {names} changed: running again", file=sys.stderr)
        if response.data is None:
            refused(self.args, response)
            return
        follow = self._follow(str(response.data["sideExecutionId"]), self._copies)
        task = asyncio.create_task(follow)
        self._following.add(task)
        task.add_done_callback(self._following.discard)

    async def finished(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._following)

    async def _follow(self, execution_id: str, copies: dict[str, DescriptorCopy] | None) -> None:
        said = MessageEcho(self.manager, execution_id)
        record = await follow_until_settled(self.manager, execution_id, [], said)
        self.last = record
        print_summary(record, copies)
        print("sidetui: watching for changes (Ctrl-C to stop)", file=sys.stderr)
