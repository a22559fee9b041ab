"""The merged stream (`m`: every execution's output in one view) under a flood, timestamps, and
the filter of a big log.

(a) Drain: 8 children each printing LINES lines of 80 bytes (`drain.py`'s flood), started
together as agents would (`start_with_action_block`), timed from the first start until all have
settled. Headless: a fresh `SideExecutionManager`, no subscriber. With the UI: a fresh headless
app (`run_test(size=(120, 36))`) showing the merged stream (`action_all_output`), which takes
every coalesced `OutputArrived`; the time also waits until the stream has taken every line
(appended or counted as let go). Once more with timestamps on (`t` twice: since the start).
One warm-up of each side, then ROUNDS rounds alternating; medians and per-round ratios.
(b) Keys: `f` in the merged stream (focused) while 8 children print without end, posted from a
thread through the driver, latency to the `following` flip inside the app (`tui_latency.py`'s
method); baseline: the same with nothing running.
(c) RSS of the process after the merged stream took 8 x MANY lines vs 8 x 1,250 (10k in all),
each after `gc.collect()`.
(d) Filter: one child's log of BIG lines on disk, the filter box given a word found in no line;
`f` presses during the scan, as in (b). The scan's speed is printed beside `grep -c`'s.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import psutil
from _common import Row, clock, engine_config, median, p95, parse_args, print_table, temp_project
from drain import FLOOD
from tui_latency import ENDLESS, Trace, post_keys, trace_follow

from sidetui.config import Settings
from sidetui.core import EngineConfig, SideExecutionManager
from sidetui.tui.app import SidetuiApp
from sidetui.tui.factory import create_app
from sidetui.tui.screens.main import MainScreen
from sidetui.tui.widgets.all_output import AllOutput
from sidetui.tui.widgets.output_pane import OutputPane
from sidetui.tui.widgets.output_panel import OutputPanel

SIZE = (120, 36)
CHILDREN = 8


async def headless(project: Path, config: EngineConfig, block: str) -> float:
    async with SideExecutionManager(project, config=config) as manager:
        start = clock()
        ids = [
            (await manager.start_with_action_block(block)).data["sideExecutionId"]
            for _ in range(CHILDREN)
        ]
        for execution_id in ids:
            await manager.wait_until_settled(execution_id)
        return clock() - start


def main_of(app: SidetuiApp) -> MainScreen:
    assert app.main is not None
    return app.main


@asynccontextmanager
async def merged_app(
    project: Path, config: EngineConfig
) -> AsyncIterator[tuple[SidetuiApp, MainScreen, AllOutput]]:
    """A fresh app session showing the merged stream of every execution."""
    app = create_app(project, settings=Settings(config), config=config)
    async with app.run_test(size=SIZE):
        await asyncio.wait_for(app.engine_ready.wait(), 30)
        main = main_of(app)
        main.action_all_output()
        yield app, main, main.query_one("#all-output", AllOutput)


async def merged_session(
    project: Path, config: EngineConfig, block: str, times: bool = False
) -> tuple[float, int]:
    """(seconds until all settled and the stream took every line, RSS after gc)."""
    async with merged_app(project, config) as (app, main, every):
        if times:
            main.action_timestamps()
            main.action_timestamps()
        await asyncio.sleep(0.3)
        start = clock()
        ids = [
            (await app.manager.start_with_action_block(block)).data["sideExecutionId"]
            for _ in range(CHILDREN)
        ]
        records = [await app.manager.wait_until_settled(i) for i in ids]
        total = sum(r.stdout.lines_total for r in records if r.stdout)
        await until(lambda: every.feed.appended + every.feed.missed >= total)
        elapsed = clock() - start
        await asyncio.sleep(0.2)
        gc.collect()
        rss = psutil.Process().memory_info().rss
        for record in records:
            for path in record.log_paths.values():
                if path:
                    Path(path).unlink(missing_ok=True)
    return elapsed, rss


async def until(condition: Callable[[], bool]) -> None:
    """Poll `condition`: state the app keeps, with no event to wait on."""
    while True:
        if condition():
            return
        await asyncio.sleep(0.005)


async def key_latency(app: SidetuiApp, panel: OutputPanel, presses: int) -> list[float]:
    """Post `f` presses from a thread; latency of each to the `following` flip, in ms."""
    main = main_of(app)
    view = panel.view
    view.focus()
    trace = Trace()

    def flipped(old: bool, new: bool) -> None:
        if trace.press >= 0:
            trace.flips.setdefault(trace.press, clock())

    main.watch(view, "following", flipped, init=False)
    trace_follow(main, trace)
    poster = threading.Thread(target=post_keys, args=(app, trace, presses, 0.02))
    poster.start()
    await until(lambda: not poster.is_alive() and len(trace.ended) >= presses)
    poster.join()
    return [v * 1000 for v in trace.latencies()]


async def flood_keys(
    project: Path, config: EngineConfig, children: int, presses: int
) -> list[float]:
    async with merged_app(project, config) as (app, _, every):
        for _ in range(children):
            await app.manager.start_with_action_block("endless")
        await asyncio.sleep(1.0)
        latencies = await key_latency(app, every, presses)
        await app.manager.stop_all()
    return latencies


async def filter_keys(
    project: Path, config: EngineConfig, presses: int
) -> tuple[list[float], float, float, int]:
    """(latencies during the scan, scan seconds, grep -c seconds, log bytes)."""
    app = create_app(project, settings=Settings(config), config=config)
    async with app.run_test(size=SIZE):
        await asyncio.wait_for(app.engine_ready.wait(), 30)
        main = main_of(app)
        response = await app.manager.start_with_action_block("big")
        record = await app.manager.wait_until_settled(response.data["sideExecutionId"])
        pane = main.query_one("#pane", OutputPane)
        pane.show_execution(record)
        await asyncio.sleep(0.3)
        log = Path(record.log_paths["stdout"] or "")
        size = log.stat().st_size
        start = clock()
        grep_c = await asyncio.create_subprocess_exec(
            "grep", "-c", "needle", str(log), stdout=asyncio.subprocess.DEVNULL
        )
        await grep_c.wait()
        grep = clock() - start
        idle_latencies = await key_latency(app, pane, 20)
        pane.filter_box.value = "needle"
        start = clock()
        await until(lambda: pane.line_filter is not None)
        scanning = asyncio.create_task(key_latency(app, pane, presses))
        await until(lambda: pane.line_filter is not None and pane.line_filter.scan.done)
        scan = clock() - start
        latencies = await scanning
        log.unlink()
    print(f"note: keys with nothing running, p95 {p95(idle_latencies):.1f} ms")
    return latencies, scan, grep, size


async def main() -> None:
    args = parse_args(__doc__ or "")
    lines, rounds = (25_000, 2) if args.quick else (250_000, 3)
    many = 125_000 if args.quick else 1_250_000
    big = 2_000_000 if args.quick else 10_000_000
    presses = 40 if args.quick else 150
    blocks = {
        "flood": FLOOD.format(lines=lines),
        "few": FLOOD.format(lines=1_250),
        "many": FLOOD.format(lines=many),
        "big": FLOOD.format(lines=big),
        "endless": ENDLESS,
    }
    with temp_project(blocks) as root:
        project, config = root / "project", engine_config(root, watch=False)
        await headless(project, config, "flood")  # warm-up, not counted
        await merged_session(project, config, "flood")
        bare: list[float] = []
        ui: list[float] = []
        timed: list[float] = []
        for _ in range(rounds):
            bare.append(await headless(project, config, "flood"))
            ui.append((await merged_session(project, config, "flood"))[0])
            timed.append((await merged_session(project, config, "flood", times=True))[0])
        _, rss_few = await merged_session(project, config, "few")
        _, rss_many = await merged_session(project, config, "many")
        idle = await flood_keys(project, config, 0, presses)
        busy = await flood_keys(project, config, CHILDREN, presses)
        scanning, scan_s, grep_s, size = await filter_keys(project, config, min(presses, 60))
    total = CHILDREN * lines
    speed = [total / s for s in (median(bare), median(ui), median(timed))]
    per_round = median([b / u for b, u in zip(bare, ui, strict=True)])
    per_round_timed = median([b / t for b, t in zip(bare, timed, strict=True)])
    mib = 1024 * 1024
    rows = [
        Row(f"merged stream drain, {CHILDREN} x {lines:,} lines", speed[1], speed[0], "lines/s",
            ("ratio", ">=", 0.5), 0, per_round),
        Row("same, timestamps on (since the start)", speed[2], speed[0], "lines/s",
            None, 0, per_round_timed),
        Row("  timestamps on vs off", speed[2], speed[1], "lines/s", ("ratio", ">=", 0.9), 0),
        Row(f"key -> follow, p95, merged stream, {CHILDREN} flooding", p95(busy), p95(idle), "ms",
            ("value", "<", 50.0)),
        Row("key -> follow, p50, same", median(busy), median(idle), "ms"),
        Row(f"RSS after 8 x {many:,} lines vs 8 x 1,250", rss_many / mib, rss_few / mib, "MiB",
            ("ratio", "<", 1.2)),
        Row(f"key -> follow, p95, while filtering a {size / mib:,.0f} MiB log", p95(scanning),
            p95(idle), "ms", ("value", "<", 50.0)),
        Row("filter scan speed vs grep -c", size / mib / scan_s, size / mib / grep_s, "MiB/s"),
    ]  # fmt: skip
    notes = [
        f"{rounds} rounds alternating headless / merged stream / merged stream with timestamps,"
        " after a warm-up; ratios are medians of per-round ratios",
        f"the filter scan covered {size:,} bytes in {scan_s:.2f} s (grep -c: {grep_s:.2f} s);"
        f" {len(scanning)} presses landed during it",
    ]
    print_table("TUI merged stream", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
