"""TUI memory: RSS of the app's process after it showed a child printing 10,000 lines vs 10,000,000.

One app session (headless, `run_test(size=(120, 36))`, default engine settings but for the temp
state and global folders). Each child is `drain.py`'s (80-byte lines in 640 KiB chunks), launched
through the main screen (`MainScreen.launch`), so it is selected and its stdout followed while it
prints. After each run: `wait_until_settled`, the view given the last line, the log files deleted
(10M lines is ~800 MB on disk), a short pause for the last frame, `gc.collect()`, then RSS
(psutil). Order: 10k, 10M, 10k again; the baseline is the RSS after the first 10k run. Records
stay in the table (not cleared), as a person would leave them. The peak is sampled every 20 ms.
"""

from __future__ import annotations

import asyncio
import gc

import psutil
from _common import (
    PeakRss,
    Row,
    clock,
    engine_config,
    parse_args,
    print_table,
    temp_project,
)
from drain import FLOOD
from tui_drain import SIZE, ViewProbe

from sidetui.config import Settings
from sidetui.tui.factory import create_app
from sidetui.tui.screens.main import MainScreen
from sidetui.tui.widgets.output_pane import OutputPane

MIB = 1024 * 1024


async def run(main: MainScreen, probe: ViewProbe, block: str) -> tuple[int, int, float, int]:
    """(RSS after the run, peak RSS during it, seconds to settle, lines) for one child."""
    async with PeakRss() as peak:
        record, elapsed, _ = await probe.launch_and_settle(main, block)
        await asyncio.sleep(0.3)  # the last frame
    assert record.stdout is not None
    rss = PeakRss.settled(record.log_paths.values())
    return rss, peak.bytes, elapsed, record.stdout.lines_total


async def main() -> None:
    args = parse_args(__doc__ or "")
    small, big = (10_000, 1_000_000) if args.quick else (10_000, 10_000_000)
    blocks = {"small": FLOOD.format(lines=small), "big": FLOOD.format(lines=big)}
    with temp_project(blocks) as root:
        config = engine_config(root)
        app = create_app(root / "project", settings=Settings(config), config=config)
        async with app.run_test(size=SIZE):
            await asyncio.wait_for(app.engine_ready.wait(), 30)
            screen = app.main
            assert screen is not None
            probe = ViewProbe(app, screen.query_one(OutputPane).view)
            await asyncio.sleep(0.5)
            gc.collect()
            before = psutil.Process().memory_info().rss
            start = clock()
            first, _, t_first, n_first = await run(screen, probe, "small")
            after_big, peak, t_big, n_big = await run(screen, probe, "big")
            again, _, t_again, n_again = await run(screen, probe, "small")
            total = clock() - start
            kept = len(app.manager.records)
            await app.manager.stop_all()

    rows = [
        Row(
            f"RSS after {big:,} lines shown",
            after_big / MIB,
            first / MIB,
            "MiB",
            ("ratio", "<", 1.2),
        ),
        Row(f"RSS after {small:,} lines again", again / MIB, first / MIB, "MiB"),
        Row(f"peak RSS during the {big:,}-line run", peak / MIB, first / MIB, "MiB"),
    ]
    notes = [
        f"baseline: RSS after the first {small:,}-line run; RSS with the app up, before any run:"
        f" {before / MIB:.1f} MiB; the peak is sampled every 20 ms",
        f"settle times: {t_first:.2f} s, {t_big:.2f} s, {t_again:.2f} s (lines counted:"
        f" {n_first:,}, {n_big:,}, {n_again:,}); {total:.1f} s in all",
        f"kept at the end: {kept} records, each with its tails (the app keeps no copy of output)",
    ]
    print_table("TUI memory: RSS of the app's process", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
