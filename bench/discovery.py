"""(d) Discovery: a cold scan of 1,000 generated blocks, and the live event for a new block.

Scan: a fresh `Registry` over the project root, `load()`ed (the files are in the page cache:
"cold" means a registry that knows nothing yet), vs a bare `os.walk` of the same tree that reads
every `actionblock.yml`. Median of several runs, alternating.

Live: a manager with `watch=True` over the same project; the time from the start of writing a new
block (mkdir, main.py, actionblock.yml, README.md) to the arrival of the `RegistryChanged` event
whose `change.added` holds it. Baseline: a bare `watchfiles.awatch` with the manager's settings
(debounce 50 ms, step 10 ms, the same filter), timed to the first change set that mentions
anything in the new folder. The two phases alternate in halves.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from _common import (
    Row,
    clock,
    engine_config,
    median,
    p95,
    parse_args,
    print_table,
    temp_project,
)
from watchfiles import DefaultFilter, awatch

from sidetui.core import RegistryChanged, SideExecutionManager, Source
from sidetui.core.catalog.discovery import Root
from sidetui.core.catalog.registry import Registry

MANIFEST = """\
name: {name}
description: Generated block {index} for the discovery benchmark.
version: 1.0.0
entryPoint: main.py
metadata:
  inputs:
    - name: label
      type: string
      required: true
      description: What to print
    - name: count
      type: integer
      default: 3
      description: How many times
"""


def write_generated(parent: Path, name: str, index: int) -> None:
    folder = parent / name
    folder.mkdir()
    (folder / "main.py").write_text("print('hello')\n")
    (folder / "actionblock.yml").write_text(MANIFEST.format(name=name, index=index))
    (folder / "README.md").write_text(f"# {name}\n\nGenerated block number {index}.\n")


def registry_load(project: Path) -> tuple[float, int]:
    start = clock()
    registry = Registry([Root(project, Source.PROJECT)])
    registry.load()
    elapsed = clock() - start
    return elapsed, sum(block.valid for block in registry.action_blocks())


def walk_and_read(project: Path) -> tuple[float, int]:
    start = clock()
    count = 0
    for folder, _, files in os.walk(project):
        if "actionblock.yml" in files:
            with open(os.path.join(folder, "actionblock.yml"), "rb") as handle:
                handle.read()
            count += 1
    return clock() - start, count


async def live_manager(root: Path, names: list[str], gap_s: float) -> list[float]:
    """Latency (ms) from writing each new block to its `RegistryChanged` event."""
    blocks = root / "project" / "actionblocks"
    arrived: dict[str, float] = {}
    wakeup = asyncio.Event()
    config = engine_config(root, watch=True)
    async with SideExecutionManager(root / "project", config=config) as manager:
        events = manager.subscribe(output=False)

        async def consume() -> None:
            async for event in events:
                if isinstance(event, RegistryChanged):
                    for entry in event.change.added:
                        arrived.setdefault(entry.name, clock())
                    wakeup.set()

        consumer = asyncio.create_task(consume())
        latencies = await _samples(blocks, names, arrived, wakeup, gap_s)
        events.close()
        await consumer
    return latencies


async def live_bare(root: Path, names: list[str], gap_s: float) -> list[float]:
    """Latency (ms) from writing each new block to a bare awatch batch that mentions it."""
    blocks = root / "project" / "actionblocks"
    arrived: dict[str, float] = {}
    wakeup = asyncio.Event()
    stop = asyncio.Event()

    async def follow() -> None:
        async for changes in awatch(
            root / "project",
            watch_filter=DefaultFilter(ignore_dirs=()),
            debounce=50,
            step=10,
            stop_event=stop,
        ):
            now = clock()
            for _, raw in changes:
                relative = (
                    Path(raw).relative_to(blocks) if Path(raw).is_relative_to(blocks) else None
                )
                if relative is not None:
                    arrived.setdefault(relative.parts[0], now)
            wakeup.set()

    follower = asyncio.create_task(follow())
    await asyncio.sleep(0.5)  # let the watches be set up
    latencies = await _samples(blocks, names, arrived, wakeup, gap_s)
    stop.set()
    await follower
    return latencies


async def _samples(
    blocks: Path, names: list[str], arrived: dict[str, float], wakeup: asyncio.Event, gap_s: float
) -> list[float]:
    latencies = []
    for index, name in enumerate(names):
        await asyncio.sleep(gap_s)  # let the previous change settle (debounce)
        start = clock()
        write_generated(blocks, name, index)
        deadline = start + 10
        while name not in arrived and clock() < deadline:
            wakeup.clear()
            try:
                await asyncio.wait_for(wakeup.wait(), max(0.0, deadline - clock()))
            except TimeoutError:
                break
        latencies.append((arrived[name] - start) * 1000 if name in arrived else float("inf"))
    return latencies


async def main() -> None:
    args = parse_args(__doc__ or "")
    count, scans, samples = (200, 3, 6) if args.quick else (1_000, 7, 20)
    with temp_project() as root:
        project = root / "project"
        for index in range(count):
            write_generated(project / "actionblocks", f"block-{index:04d}", index)
        scan: dict[str, list[float]] = {"registry": [], "walk": []}
        found: dict[str, set[int]] = {"registry": set(), "walk": set()}
        for _ in range(scans):
            for side, run in (("registry", registry_load), ("walk", walk_and_read)):
                elapsed, seen = run(project)
                scan[side].append(elapsed)
                found[side].add(seen)

        live: dict[str, list[float]] = {"manager": [], "bare": []}
        half = samples // 2
        for part in range(2):
            names = [f"bare-{part}-{i:02d}" for i in range(half)]
            live["bare"] += await live_bare(root, names, 0.2)
            names = [f"live-{part}-{i:02d}" for i in range(half)]
            live["manager"] += await live_manager(root, names, 0.2)

    first = scan["registry"][0] * 1000
    rows = [
        Row(
            f"cold Registry.load() of {count:,} blocks",
            median(scan["registry"]) * 1000,
            median(scan["walk"]) * 1000,
            "ms",
            ("value", "<", 500),
        ),
        Row(
            "new block written -> RegistryChanged (median)",
            median(live["manager"]),
            median(live["bare"]),
            "ms",
            ("value", "<", 300),
        ),
        Row(
            "new block written -> RegistryChanged (p95)",
            p95(live["manager"]),
            p95(live["bare"]),
            "ms",
            ("value", "<", 300),
        ),
    ]
    notes = [
        f"scan: median of {scans} runs per side, alternating (first registry run {first:.0f} ms);"
        f" valid blocks found {found['registry']}, manifests read by the walk {found['walk']}",
        f"live: {samples} samples per side in 2 alternating halves, 200 ms apart; baseline is a"
        " bare awatch with the manager's settings",
        f"live max: manager {max(live['manager']):.0f} ms, bare {max(live['bare']):.0f} ms",
    ]
    print_table("discovery", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
