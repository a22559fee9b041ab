"""The engine's event loop with hundreds of executions alive (sleeping children): how late a
10 ms timer fires and how much of the loop's thread the engine takes, against the same manager
with none alive, in the same run. The tree sampler's looking runs on a thread: the loop should
barely notice the crowd."""

from __future__ import annotations

import asyncio
import time

from _common import Row, engine_config, median, p95, parse_args, print_table, temp_project

from sidetui.core import SideExecutionManager

SLEEPER = "import time\ntime.sleep(600)\n"
TICK_S = 0.01


async def lateness(seconds: float) -> tuple[list[float], float]:
    """How late each 10 ms sleep wakes (ms) over `seconds`, and the loop thread's CPU share."""
    late: list[float] = []
    cpu, end = time.thread_time(), time.monotonic() + seconds
    while time.monotonic() < end:
        began = time.monotonic()
        await asyncio.sleep(TICK_S)
        late.append((time.monotonic() - began - TICK_S) * 1000)
    return late, (time.thread_time() - cpu) / seconds * 100


async def main() -> None:
    args = parse_args(__doc__ or "")
    alive, seconds = (50, 2.0) if args.quick else (300, 6.0)
    with temp_project({"sleeper": SLEEPER}) as root:
        config = engine_config(root, watch=False)
        async with SideExecutionManager(root / "project", config=config) as manager:
            quiet, quiet_cpu = await lateness(seconds)
            for _ in range(alive):
                started = await manager.start_with_action_block("sleeper", {})
                assert started.success, started.message
            await asyncio.sleep(2)  # every tree sampled a few times
            busy, busy_cpu = await lateness(seconds)
            await manager.stop_all()
    rows = [
        Row(f"10 ms timer, p95 lateness, {alive} alive", p95(busy), p95(quiet), "ms",
            ("value", "<", 10)),
        Row(f"10 ms timer, worst lateness, {alive} alive", max(busy), max(quiet), "ms",
            ("value", "<", 50)),
        Row(f"loop thread CPU, {alive} alive (% of wall time)", busy_cpu, quiet_cpu, "%"),
    ]  # fmt: skip
    notes = [
        f"baseline: the same manager before any execution; {seconds:g} s each;"
        f" median lateness {median(busy):.2f} ms vs {median(quiet):.2f} ms",
    ]
    print_table("live load: the event loop with many executions alive", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
