"""(e) Memory: RSS of this process after a child printed 10,000 lines vs 10,000,000 lines.

One manager with the default config (state and global folders in the temp folder) and a
subscriber that consumes every event. Each child writes lines of 80 bytes in 640 KiB chunks. After
each run: `wait_until_settled`, the subscriber caught up with the last line, `gc.collect()`, then
RSS (psutil). Order: 10k, 10M, 10k again; the baseline is the RSS after the first 10k run.
Records are kept (not forgotten), as a client would keep them. Log files are deleted after each
run (10M lines is ~800 MB on disk).
"""

from __future__ import annotations

import asyncio
import contextlib
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

from sidetui.core import OutputBatch, SideExecutionManager

MIB = 1024 * 1024


async def run(
    manager: SideExecutionManager, name: str, seen: dict[str, int], progress: asyncio.Event
) -> tuple[int, int, float]:
    """(RSS in bytes after the run, peak RSS sampled during it, seconds it took to settle)."""
    async with PeakRss() as peak:
        start = clock()
        response = await manager.start_with_action_block(name)
        execution_id = response.data["sideExecutionId"]
        record = await manager.wait_until_settled(execution_id)
        elapsed = clock() - start
        assert record.stdout is not None
        deadline = clock() + 30
        while seen.get(execution_id, 0) < record.stdout.lines_total and clock() < deadline:
            progress.clear()  # the subscriber catches up
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(progress.wait(), deadline - clock())
    return PeakRss.settled(record.log_paths.values()), peak.bytes, elapsed


async def main() -> None:
    args = parse_args(__doc__ or "")
    small, big = (10_000, 1_000_000) if args.quick else (10_000, 10_000_000)
    blocks = {"small": FLOOD.format(lines=small), "big": FLOOD.format(lines=big)}
    seen: dict[str, int] = {}  # execution id -> number of the stdout line after the last seen
    dropped = [0]
    progress = asyncio.Event()
    with temp_project(blocks) as root:
        async with SideExecutionManager(root / "project", config=engine_config(root)) as manager:
            events = manager.subscribe()

            async def consume() -> None:
                async for event in events:
                    if isinstance(event, OutputBatch) and event.stream == "stdout":
                        seen[event.execution_id] = event.first_line + len(event.lines)
                        dropped[0] += event.dropped
                        progress.set()

            consumer = asyncio.create_task(consume())
            gc.collect()
            before = psutil.Process().memory_info().rss
            first, _, t_first = await run(manager, "small", seen, progress)
            after_big, peak, t_big = await run(manager, "big", seen, progress)
            again, _, t_again = await run(manager, "small", seen, progress)
            events.close()
            await consumer

    rows = [
        Row(f"RSS after {big:,} lines", after_big / MIB, first / MIB, "MiB", ("ratio", "<", 1.2)),
        Row(f"RSS after {small:,} lines again", again / MIB, first / MIB, "MiB"),
        Row(f"peak RSS during the {big:,}-line run", peak / MIB, first / MIB, "MiB"),
    ]
    notes = [
        f"baseline: RSS after the first {small:,}-line run; RSS with the manager open before any"
        f" run: {before / MIB:.1f} MiB; the peak is sampled every 20 ms",
        f"settle times: {t_first:.2f} s, {t_big:.2f} s, {t_again:.2f} s;"
        f" subscriber told of {dropped[0]:,} dropped lines in all",
    ]
    print_table("memory: RSS of the manager's process", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
