"""(b) Start overhead: `start_with_action_block` until running vs a bare spawn of the same command.

`start_with_action_block` returns once the child's pid exists and its status is running. The
baseline is `asyncio.create_subprocess_exec(sys.executable, "main.py")` in the block's folder with
the same stdio (stdin /dev/null, stdout and stderr on pipes) and a new session, as the manager
spawns it; it also returns once the child has exec'd. The child sleeps (1 s alone, 10 s in the
concurrent round, so that none exits before the last start returns) and is stopped after each
sample, untimed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

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

from sidetui.core import ExecutionRecord, ExecutionStatus, SideExecutionManager

SLEEP = "import time\n\ntime.sleep({seconds})\n"
QUICK = "print('done')\n"
QUIET_S = 0.03  # between single-start samples, untimed


async def bare_spawn(folder: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        cwd=folder,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )


async def bare_end(procs: list[asyncio.subprocess.Process]) -> None:
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    await asyncio.gather(*(proc.communicate() for proc in procs))


async def managed_start(manager: SideExecutionManager, name: str) -> str:
    response = await manager.start_with_action_block(name)
    if not response.success:
        raise RuntimeError(f"start refused: {response.message}")
    return str(response.data["sideExecutionId"])


async def one_bare(folder: Path) -> float:
    start = clock()
    proc = await bare_spawn(folder)
    elapsed = clock() - start
    await bare_end([proc])
    return elapsed


async def one_managed(manager: SideExecutionManager) -> float:
    start = clock()
    execution_id = await managed_start(manager, "sleep1")
    elapsed = clock() - start
    await manager.stop(execution_id)
    manager.forget(execution_id)
    return elapsed


async def many_bare(folder: Path, count: int) -> float:
    start = clock()
    procs = await asyncio.gather(*(bare_spawn(folder) for _ in range(count)))
    elapsed = clock() - start
    await bare_end(list(procs))
    return elapsed


async def many_managed(manager: SideExecutionManager, count: int) -> float:
    start = clock()
    ids = await asyncio.gather(*(managed_start(manager, "sleep10") for _ in range(count)))
    elapsed = clock() - start
    await manager.stop_all()
    for execution_id in ids:
        manager.forget(execution_id)
    return elapsed


async def many_bare_settled(folder: Path, count: int) -> float:
    """Spawn `count` quick children at once; until each has exited and both pipes are read."""

    async def run() -> None:
        proc = await bare_spawn(folder)
        await proc.communicate()

    start = clock()
    await asyncio.gather(*(run() for _ in range(count)))
    return clock() - start


async def many_managed_settled(manager: SideExecutionManager, count: int) -> float:
    """Start `count` quick children at once; until each execution is settled."""

    async def run() -> ExecutionRecord:
        return await manager.wait_until_settled(await managed_start(manager, "quick"))

    start = clock()
    records = await asyncio.gather(*(run() for _ in range(count)))
    elapsed = clock() - start
    for record in records:
        if record.status is not ExecutionStatus.COMPLETED:
            raise RuntimeError(f"{record.side_execution_id} ended {record.status}")
        for path in record.log_paths.values():
            if path:
                os.unlink(path)
        manager.forget(record.side_execution_id)
    return elapsed


async def main() -> None:
    args = parse_args(__doc__ or "")
    samples, count, rounds = (10, 20, 1) if args.quick else (60, 100, 3)
    blocks = {
        "sleep1": SLEEP.format(seconds=1),
        "sleep10": SLEEP.format(seconds=10),
        "quick": QUICK,
    }
    with temp_project(blocks) as root:
        config = engine_config(root, watch=False)
        single = {"bare": [], "manager": []}
        concurrent = {"bare": [], "manager": []}
        settled = {"bare": [], "manager": []}
        async with SideExecutionManager(root / "project", config=config) as manager:
            one, ten = block_dir(root, "sleep1"), block_dir(root, "sleep10")
            await one_bare(one)  # warm-up, not counted
            await one_managed(manager)
            for index in range(samples):  # interleaved, each side first every other time
                for side in ("bare", "manager") if index % 2 == 0 else ("manager", "bare"):
                    time = await (one_bare(one) if side == "bare" else one_managed(manager))
                    single[side].append(time * 1000)
                    await asyncio.sleep(QUIET_S)  # what one stop left to do must not slow the next
            for index in range(rounds):
                for side in ("bare", "manager") if index % 2 == 0 else ("manager", "bare"):
                    if side == "bare":
                        time = await many_bare(ten, count)
                    else:
                        time = await many_managed(manager, count)
                    concurrent[side].append(time * 1000)
            quick = block_dir(root, "quick")
            await many_bare_settled(quick, count)  # warm-up of both sides, not counted
            await many_managed_settled(manager, count)
            for index in range(rounds):
                for side in ("bare", "manager") if index % 2 == 0 else ("manager", "bare"):
                    if side == "bare":
                        time = await many_bare_settled(quick, count)
                    else:
                        time = await many_managed_settled(manager, count)
                    settled[side].append(time * 1000)

    differences = [m - b for m, b in zip(single["manager"], single["bare"], strict=True)]
    rows = [
        Row(
            "one start, until running",
            median(single["manager"]),
            median(single["bare"]),
            "ms",
            ("ratio", "<=", 1.1),
            2,
        ),
        Row(
            "one start, fastest sample", min(single["manager"]), min(single["bare"]), "ms", None, 2
        ),
        Row(
            f"{count} concurrent starts, until all run",
            median(concurrent["manager"]),
            median(concurrent["bare"]),
            "ms",
            ("ratio", "<=", 1.2),
        ),
        Row(
            f"{count} concurrent quick starts, until all settled",
            median(settled["manager"]),
            median(settled["bare"]),
            "ms",
            ("ratio", "<=", 1.15),
        ),
    ]
    notes = [
        f"one start: median of {samples} samples per side, interleaved,"
        f" {QUIET_S * 1000:.0f} ms apart, after a warm-up;"
        f" min/max manager {min(single['manager']):.2f}/{max(single['manager']):.2f} ms,"
        f" bare {min(single['bare']):.2f}/{max(single['bare']):.2f} ms; median of the paired"
        f" differences (manager - bare, same round) {median(differences):.2f} ms",
        f"concurrent: asyncio.gather of {count} starts, median of {rounds} rounds per side;"
        f" manager {', '.join(f'{t:.0f}' for t in concurrent['manager'])} ms,"
        f" bare {', '.join(f'{t:.0f}' for t in concurrent['bare'])} ms",
        f"settled: {count} children printing one line, started at once and waited for (bare:"
        " `communicate()`; manager: `wait_until_settled`), after a warm-up round, median of"
        f" {rounds} rounds per side; manager {', '.join(f'{t:.0f}' for t in settled['manager'])}"
        f" ms, bare {', '.join(f'{t:.0f}' for t in settled['bare'])} ms",
    ]
    print_table("start: until running, until settled", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
