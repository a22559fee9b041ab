"""TUI with a long history and a heavy load: 100,000 past runs, then 500 executions alive.

History: a real SQLite history in the temp state folder, written through the engine's history
module (`HistoryStore.save` of RUNS completed records of the project's block, in one transaction;
the pruning of each save is left out while filling, `history_keep` is above RUNS). Start-up:
`tui_startup.py`'s method (a fresh `python -c` process per sample, bytecode cached,
`perf_counter()` its first statement) to the first screen update after the executions table drew
a row; baseline: the same app and project with a history of PAGE runs. Paging, in this process:
the executions table focused, `ctrl+end` held (one press every SPACING s, posted from a thread
through the driver): each press reaches the last row, which reads the next page from SQLite;
latency from the post to the first frame after the cursor moved. Baseline: `down` (one row, no
read) held in the same session.

Load: LIVE executions of a block that sleeps, launched through the engine while the app runs
(the table gets each as it starts); then `down` held in the executions table (each press selects
another execution and shows its output): key -> frame. Baseline: the same with FEW alive.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid
from pathlib import Path

from _common import Row, clock, engine_config, median, p95, parse_args, print_table, temp_project
from tui_keys import HeldKey
from tui_startup import FRAMES, sample

from sidetui.config import Settings
from sidetui.core import EngineConfig, ExecutionKind, ExecutionRecord, ExecutionStatus
from sidetui.core.history import HistoryStore
from sidetui.tui.factory import create_app
from sidetui.tui.widgets.executions import ExecutionsTable

SIZE = (120, 36)
PAGE = 100
SPACING = 0.05
SLEEPS = "import time\ntime.sleep(600)\n"

DRIVER = (
    """\
import time
T0 = time.perf_counter()
import sidetui.tui.factory as factory
T_IMPORT = time.perf_counter()
import asyncio, json
from pathlib import Path
from sidetui.config import Settings
from sidetui.core import EngineConfig
from sidetui.tui.widgets.executions import ExecutionsTable

ROOT = Path({root!r})


async def main():
    config = EngineConfig(state_dir=ROOT / {state!r}, global_dir=ROOT / "global",
                          history_keep={keep})
    app = factory.create_app(ROOT / "project", settings=Settings(config), config=config)
    times = {{"t0": T0, "imported": T_IMPORT, "first_frame": None, "drawn": None}}
"""
    + FRAMES
    + """    async with app.run_test(size=(120, 36)):
        table = app.main.query_one(ExecutionsTable)
        render_lines = table.render_lines

        def watched_render_lines(crop):
            strips = render_lines(crop)
            if times["drawn"] is None and any("sleeper" in strip.text for strip in strips):
                times["drawn"] = time.perf_counter()
            return strips

        table.render_lines = watched_render_lines
        await asyncio.wait_for(framed.wait(), 60)
        times["rows"] = table.row_count
    print(json.dumps(times))


asyncio.run(main())
"""
)


def fill_history(root: Path, state: str, runs: int) -> float:
    """`runs` completed records of `sleeper`, a second apart, saved by the history module."""
    config = EngineConfig(state_dir=root / state, global_dir=root / "global", history_keep=runs)
    project = root / "project"
    store = HistoryStore.of(config, project)
    assert store is not None
    store.open()
    began = clock()
    first = time.time() - runs
    store.save_many(
        [
            ExecutionRecord(
                side_execution_id=f"sidx_{uuid.uuid4().hex}",
                kind=ExecutionKind.ACTION_BLOCK,
                action_block="sleeper",
                params={"n": i},
                timeout=None,
                action_block_path=str(project / "actionblocks" / "sleeper"),
                status=ExecutionStatus.COMPLETED,
                exit_code=0,
                pid=10_000 + i % 50_000,
                start_time=first + i,
                end_time=first + i + 0.5,
            )
            for i in range(runs)
        ]
    )
    store.close()
    return clock() - began


async def paging(root: Path, presses: int) -> tuple[list[float], list[float], int]:
    config = engine_config(root, history_keep=10**6)
    app = create_app(root / "project", settings=Settings(config), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.engine_ready.wait(), 60)
        assert app.main is not None
        table = app.main.query_one(ExecutionsTable)
        table.focus()
        await pilot.pause()
        down = HeldKey(app, table, "cursor_coordinate", "down", SPACING)
        one_row = await down.hold(presses)
        await asyncio.sleep(0.3)
        end = HeldKey(app, table, "cursor_coordinate", "ctrl+end", SPACING)
        pages = await end.hold(presses)
        rows = table.row_count
    return pages, one_row, rows


async def load(root: Path, live: int, presses: int) -> tuple[list[float], float]:
    """`live` sleeping executions; `down` held in the table; (latencies, seconds to start)."""
    config = engine_config(root, history_keep=10**6)
    app = create_app(root / "project", settings=Settings(config), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.engine_ready.wait(), 60)
        assert app.main is not None
        manager = app.manager
        table = app.main.query_one(ExecutionsTable)
        began = clock()
        for _ in range(live):
            response = await manager.start_with_action_block("sleeper")
            assert response.success, response.message
        while sum(1 for r in manager.records if r.status is ExecutionStatus.RUNNING) < live:  # noqa: ASYNC110 (the app's state, polled)
            await asyncio.sleep(0.05)
        started = clock() - began
        table.focus()
        table.move_cursor(row=0)
        await pilot.pause()
        await asyncio.sleep(1.5)  # a tick of the live columns or two
        held = HeldKey(app, table, "cursor_coordinate", "down", SPACING)
        latencies = await held.hold(presses)
        await manager.stop_all()
    return latencies, started


async def main() -> None:
    args = parse_args(__doc__ or "")
    runs, rounds, presses = (10_000, 1, 30) if args.quick else (100_000, 3, 100)
    live, few = (50, 5) if args.quick else (500, 10)
    with temp_project({"sleeper": SLEEPS}) as root:
        filled = fill_history(root, "state", runs)
        fill_history(root, "small", PAGE)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        big = DRIVER.format(root=str(root), state="state", keep=10**6)
        small = DRIVER.format(root=str(root), state="small", keep=10**6)
        sample(small, root, env)  # warm-up: fills the bytecode cache
        opened: list[dict[str, float]] = []
        baseline: list[dict[str, float]] = []
        for _ in range(rounds):
            baseline.append(sample(small, root, env))
            opened.append(sample(big, root, env))
        pages, one_row, rows = await paging(root, presses)
        shutil.rmtree(root / "state")
        loaded, started = await load(root, live, presses)
        calm, _ = await load(root, few, presses)

    def ms(runs_: list[dict[str, float]], end: str) -> list[float]:
        return [(run[end] - run["t0"]) * 1000 for run in runs_]

    rows_ = [
        Row(f"start -> frame with the history shown, {runs:,} runs", median(ms(opened, "frame")),
            median(ms(baseline, "frame")), "ms", ("value", "<", 1500.0)),
        Row("  start -> first frame", median(ms(opened, "first_frame")),
            median(ms(baseline, "first_frame")), "ms"),
        Row("hold `ctrl+end` in the table (a page from SQLite each): key -> frame, p50",
            median(pages), median(one_row), "ms"),
        Row("hold `ctrl+end` in the table: key -> frame, p95", p95(pages), p95(one_row), "ms",
            ("value", "<", 50.0)),
        Row(f"hold `down` in the table, {live} alive: key -> frame, p50", median(loaded),
            median(calm), "ms"),
        Row(f"hold `down` in the table, {live} alive: key -> frame, p95", p95(loaded),
            p95(calm), "ms", ("value", "<", 50.0)),
        Row("  max", max(loaded), max(calm), "ms"),
    ]  # fmt: skip
    notes = [
        f"history: {runs:,} runs written in {filled:.1f} s; {rounds} start-up rounds alternating"
        f" a history of {PAGE} / of {runs:,}, fresh processes, medians; rows shown at the frame:"
        f" {int(opened[0]['rows'])} (baseline {int(baseline[0]['rows'])}); per run "
        + ", ".join(f"{t:.0f}" for t in ms(opened, "frame"))
        + " ms",
        f"paging: {presses} presses {SPACING * 1000:.0f} ms apart ({len(pages)} moved the"
        f" cursor), ending with {rows:,} rows in the table; baseline `down` in the same session",
        f"load: {live} sleeping executions started through the engine in {started:.1f} s (each"
        f" shown in the table as it ran); {presses} presses of `down` {SPACING * 1000:.0f} ms"
        f" apart; baseline {few} alive",
    ]
    print_table("TUI history and load", rows_, notes)


if __name__ == "__main__":
    asyncio.run(main())
