"""TUI drain: how fast a flooding child settles with the app watching it, vs the headless engine.

The child is `drain.py`'s: LINES lines of 80 bytes written to stdout in 640 KiB chunks. With the
UI: a fresh app session (headless, `run_test(size=(120, 36))`, default engine settings but for
the temp state and global folders), the block launched through the main screen
(`MainScreen.launch`, what the launch dialog ends in), so the new execution is selected and its
stdout followed while it prints (the view refreshes on every coalesced `OutputArrived`); timed
from just before the launch to `wait_until_settled`. Headless: a fresh `SideExecutionManager`
with the same settings and no subscriber, timed from `start_with_action_block` to
`wait_until_settled`. Bare loop: `drain.py`'s `bare`, the same child spawned with both pipes
widened to the engine's 256 KiB and read until EOF, then `wait()`; the goal's baseline is its
`+log` variant, which also appends every chunk to a log file as the engine does (the drain goal
defines its baseline once, for the engine and the app: "a bare loop with the same pipe size and
a log file written the way you write it"); the loop without the log is shown as info. One warm-up
of each, then ROUNDS rounds alternating bare / bare+log / headless / UI; medians, and the median
of each round's ratio.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    Row,
    block_dir,
    clock,
    engine_config,
    median,
    parse_args,
    print_table,
    temp_project,
)
from drain import FLOOD, bare

from sidetui.config import Settings
from sidetui.core import EngineConfig, ExecutionRecord, ExecutionStatus, SideExecutionManager
from sidetui.tui.app import SidetuiApp
from sidetui.tui.factory import create_app
from sidetui.tui.launch_request import LaunchRequest
from sidetui.tui.screens.main import MainScreen
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.output_pane import OutputPane
from sidetui.tui.widgets.output_view import OutputView

SIZE = (120, 36)


@dataclass
class UiRun:
    seconds: float
    lines: int
    shown_after: float  # from settled until the view was given the last line
    shows: int  # OutputView.show calls during the run (each one a repaint of the view)
    frames: int  # screen updates (compositor renders) during the run


def cleanup(manager: SideExecutionManager, record: ExecutionRecord) -> int:
    """Forget the execution and delete its logs (160 MB per run); its stdout line count."""
    if record.status is not ExecutionStatus.COMPLETED:
        print(f"warning: {record.side_execution_id} ended {record.status}", file=sys.stderr)
    assert record.stdout is not None
    manager.forget(record.side_execution_id)
    for path in record.log_paths.values():
        if path:
            os.unlink(path)
    return record.stdout.lines_total


async def headless(project: Path, config: EngineConfig) -> tuple[float, int]:
    async with SideExecutionManager(project, config=config) as manager:
        start = clock()
        response = await manager.start_with_action_block("flood")
        record = await manager.wait_until_settled(response.data["sideExecutionId"])
        elapsed = clock() - start
        return elapsed, cleanup(manager, record)


class ViewProbe:
    """Counts `OutputView.show` calls (each one a repaint of the view) and screen updates, and
    remembers the number of the line after the last one the view was given.

    Both are wrapped on the instance (the pane calls `view.show`, the screen `app._display`), so
    the app's code is unchanged.
    """

    def __init__(self, app: SidetuiApp, view: OutputView):
        self.shows = self.frames = self.last_line = 0
        self._shown = asyncio.Event()
        show, display = view.show, app._display

        def counted_show(key: object, lines: Any, first_number: int = 0, *rest: Any) -> None:
            self.shows += 1
            self.last_line = first_number + len(lines)
            show(key, lines, first_number, *rest)
            self._shown.set()

        def counted_display(screen: Any, renderable: Any) -> None:
            self.frames += renderable is not None
            display(screen, renderable)

        view.show = counted_show  # type: ignore[method-assign]
        app._display = counted_display  # type: ignore[method-assign]

    def reset(self) -> None:
        self.shows = self.frames = 0

    async def next_show(self) -> None:
        self._shown.clear()
        await asyncio.wait_for(self._shown.wait(), 30)

    async def launch_and_settle(
        self, main: MainScreen, block: str
    ) -> tuple[ExecutionRecord, float, float]:
        """Launch `block` from the main screen and wait until it is selected and settled, then
        until the view was given its last line; (record, seconds from just before the launch to
        settled, seconds from settled to the last line shown)."""
        table = main.query_one(ExecutionsTable)
        before = table.selected_id
        start = clock()
        main.launch(LaunchRequest("block", block))
        while table.selected_id in (None, before):
            await self.next_show()
        assert table.selected_id is not None
        record = await main.manager.wait_until_settled(table.selected_id)
        settled = clock()
        pane = main.query_one(OutputPane)
        assert record.stdout is not None and pane.record is record and pane.tab == "stdout"
        while self.last_line < record.stdout.lines_total:
            await self.next_show()
        return record, settled - start, clock() - settled


async def with_ui(project: Path, config: EngineConfig) -> UiRun:
    app = create_app(project, settings=Settings(config), config=config)
    async with app.run_test(size=SIZE):
        await asyncio.wait_for(app.engine_ready.wait(), 30)
        main = app.main
        assert main is not None
        probe = ViewProbe(app, main.query_one(OutputPane).view)
        await asyncio.sleep(0.5)  # the app's first frames are not counted
        probe.reset()
        record, elapsed, shown_after = await probe.launch_and_settle(main, "flood")
        shows, frames = probe.shows, probe.frames
        lines = cleanup(app.manager, record)
    return UiRun(elapsed, lines, shown_after, shows, frames)


async def main() -> None:
    args = parse_args(__doc__ or "")
    lines, rounds = (200_000, 2) if args.quick else (2_000_000, 3)
    with temp_project({"flood": FLOOD.format(lines=lines)}) as root:
        project, config = root / "project", engine_config(root)
        folder = block_dir(root, "flood")
        await bare(folder)  # warm-up of every side, not counted
        await headless(project, config)
        await with_ui(project, config)
        loop_s: list[float] = []
        logged_s: list[float] = []
        engine_s: list[float] = []
        ui: list[UiRun] = []
        counted: set[int] = set()
        for _ in range(rounds):
            loop_s.append((await bare(folder))[0])
            logged_s.append((await bare(folder, root / "bare-log"))[0])
            elapsed, got = await headless(project, config)
            engine_s.append(elapsed)
            counted.add(got)
            run = await with_ui(project, config)
            ui.append(run)
            counted.add(run.lines)

    ui_times = [r.seconds for r in ui]
    paired = median([b / u for b, u in zip(engine_s, ui_times, strict=True)])
    against_loop = median([u / b for u, b in zip(ui_times, loop_s, strict=True)])
    against_logged = median([u / b for u, b in zip(ui_times, logged_s, strict=True)])
    rows = [
        Row(
            "app, selected and followed, vs a bare loop writing the log (256 KiB pipes): time",
            median(ui_times) * 1000,
            median(logged_s) * 1000,
            "ms",
            ("ratio", "<=", 1.5),
            digits=0,
            paired=against_logged,
        ),
        Row(
            "app, selected and followed, vs a bare loop without a log: time",
            median(ui_times) * 1000,
            median(loop_s) * 1000,
            "ms",
            digits=0,
            paired=against_loop,
        ),
        Row(
            "app, selected and followed, vs the headless engine: speed",
            lines / median(ui_times),
            lines / median(engine_s),
            "lines/s",
            ("ratio", ">=", 0.5),
            digits=0,
            paired=paired,
        ),
    ]
    notes = [
        f"{lines:,} lines of 80 bytes; {rounds} rounds (bare loop, headless, then app), after one"
        " warm-up of each; value and baseline are medians; each ratio is the median of the"
        " rounds' ratios",
        "seconds per run: bare loop "
        + ", ".join(f"{t:.3f}" for t in loop_s)
        + "; bare loop with the log "
        + ", ".join(f"{t:.3f}" for t in logged_s)
        + "; headless "
        + ", ".join(f"{t:.3f}" for t in engine_s)
        + "; app "
        + ", ".join(f"{t:.3f}" for t in ui_times),
        "app runs: the view was given the last line "
        + ", ".join(f"{r.shown_after * 1000:.0f}" for r in ui)
        + " ms after settling; OutputView.show calls "
        + ", ".join(str(r.shows) for r in ui)
        + "; screen updates "
        + ", ".join(str(r.frames) for r in ui),
        f"lines counted: {sorted(counted)}",
    ]
    print_table(f"TUI drain: {lines:,} lines", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
