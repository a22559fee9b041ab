"""The live half of `discovery.py`: from writing a new block to the event that reports it, through
the manager's watcher and through a bare `watchfiles.awatch` with the same settings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from _common import clock, engine_config
from watchfiles import DefaultFilter, awatch

from sidetui.core import RegistryChanged, SideExecutionManager

Writer = Callable[[Path, str, int], None]  # writes block `name` (number `index`) into a folder


async def live_manager(root: Path, names: list[str], gap_s: float, write: Writer) -> list[float]:
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
        latencies = await _samples(blocks, names, arrived, wakeup, gap_s, write)
        events.close()
        await consumer
    return latencies


async def live_bare(root: Path, names: list[str], gap_s: float, write: Writer) -> list[float]:
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
    latencies = await _samples(blocks, names, arrived, wakeup, gap_s, write)
    stop.set()
    await follower
    return latencies


async def _samples(
    blocks: Path,
    names: list[str],
    arrived: dict[str, float],
    wakeup: asyncio.Event,
    gap_s: float,
    write: Writer,
) -> list[float]:
    latencies = []
    for index, name in enumerate(names):
        await asyncio.sleep(gap_s)  # let the previous change settle (debounce)
        start = clock()
        write(blocks, name, index)
        deadline = start + 10
        while name not in arrived and clock() < deadline:
            wakeup.clear()
            try:
                await asyncio.wait_for(wakeup.wait(), max(0.0, deadline - clock()))
            except TimeoutError:
                break
        latencies.append((arrived[name] - start) * 1000 if name in arrived else float("inf"))
    return latencies
