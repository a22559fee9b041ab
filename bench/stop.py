"""(c) Stop latency: from calling `manager.stop(id)` to its return (stopped, tree confirmed gone).

Two trees, each started and given time to say "ready" (all its processes exist) first:
- cooperative: a child with 2 grandchildren in its process group, all dying on SIGTERM;
- stubborn: a child and a `setsid` grandchild, both ignoring SIGTERM; the manager runs with
  `stop_grace_ms=500`, so it must wait out the grace and then SIGKILL both.
Baselines, on bare-spawned copies of the same trees (new session, as the manager spawns):
- cooperative: `os.killpg(pgid, SIGKILL)` + `await proc.wait()`;
- stubborn: the same policy by hand: SIGTERM to the group, sleep the grace, SIGKILL the group and
  the grandchild's own group, wait for the child and reap the grandchild.
After each manager stop, the status and every pid of the tree are checked (not timed).
Extra information: the cooperative case again with CROWD idle `sleep` processes on the system,
because a stop reads the whole process table (with environments) to find the tree.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

import psutil
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

from sidetui.core import ExecutionStatus, SideExecutionManager

GRACE_MS = 500
CROWD = 400

COOPERATIVE = """\
import os
import subprocess
import sys
import time

kids = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) for _ in range(2)]
print("ready", os.getpid(), *(kid.pid for kid in kids), flush=True)
time.sleep(60)
"""

STUBBORN = """\
import os
import signal
import subprocess
import sys
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)  # inherited by the grandchild from its fork on
code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
kid = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
print("ready", os.getpid(), kid.pid, flush=True)
time.sleep(60)
"""


def gone(pids: list[int]) -> bool:
    """True when none of `pids` runs (a zombie counts as gone)."""
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                return False
    return True


async def reap(pid: int) -> None:
    """Wait for an orphan re-parented to us (the manager made us a subreaper) and collect it."""
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)  # noqa: ASYNC222 - never blocks
        except ChildProcessError:
            return
        if done:
            return
        await asyncio.sleep(0.001)


async def managed(manager: SideExecutionManager, name: str) -> tuple[float, bool]:
    """(ms from stop() to its return, whether the record and the pids say all is gone)."""
    response = await manager.start_with_action_block(name)
    execution_id = response.data["sideExecutionId"]
    record = manager.get_record(execution_id)
    assert record is not None and record.stdout is not None
    deadline = clock() + 10
    while not any(line.startswith("ready") for line in record.stdout.lines()):
        if clock() > deadline:
            raise RuntimeError(f"{name} never said ready")
        await asyncio.sleep(0.005)
    ready = next(line for line in record.stdout.lines() if line.startswith("ready"))
    pids = [int(word) for word in ready.split()[1:]]
    start = clock()
    await manager.stop(execution_id)
    elapsed = (clock() - start) * 1000
    clean = record.status is ExecutionStatus.STOPPED and not record.leftover_pids and gone(pids)
    manager.forget(execution_id)
    return elapsed, clean


async def bare(folder: Path, stubborn: bool) -> float:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        cwd=folder,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None
    pids = [int(word) for word in (await proc.stdout.readline()).split()[1:]]
    start = clock()
    if stubborn:
        os.killpg(proc.pid, signal.SIGTERM)
        await asyncio.sleep(GRACE_MS / 1000)
        os.killpg(proc.pid, signal.SIGKILL)
        os.killpg(pids[1], signal.SIGKILL)  # the setsid grandchild leads its own group
        await proc.wait()
        await reap(pids[1])
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
    elapsed = (clock() - start) * 1000
    await proc.communicate()
    for pid in pids[1:]:
        await reap(pid)
    return elapsed


async def crowded(
    manager: SideExecutionManager, folder: Path, crowd: int, samples: int
) -> tuple[list[float], list[float], list[float]]:
    """Cooperative stops (manager, bare, 1 where unclean) while `crowd` idle processes exist."""
    idle = [
        await asyncio.create_subprocess_exec(
            "sleep", "300", stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL
        )
        for _ in range(crowd)
    ]
    times: tuple[list[float], list[float], list[float]] = ([], [], [])
    try:
        for _ in range(samples):
            elapsed, clean = await managed(manager, "cooperative")
            times[0].append(elapsed)
            times[1].append(await bare(folder, False))
            times[2].append(0 if clean else 1)
    finally:
        for proc in idle:
            proc.kill()
        await asyncio.gather(*(proc.wait() for proc in idle))
    return times


async def main() -> None:
    args = parse_args(__doc__ or "")
    samples, crowd = (3, 100) if args.quick else (10, CROWD)
    with temp_project({"cooperative": COOPERATIVE, "stubborn": STUBBORN}) as root:
        config = engine_config(root, watch=False, stop_grace_ms=GRACE_MS)
        times: dict[str, list[float]] = {
            side: [] for side in ("coop", "coop bare", "stubborn", "stubborn bare")
        }
        unclean = 0
        async with SideExecutionManager(root / "project", config=config) as manager:
            coop, stub = block_dir(root, "cooperative"), block_dir(root, "stubborn")
            await bare(coop, False)  # warm-up, not counted
            await managed(manager, "cooperative")
            for index in range(samples):
                order = ("manager", "bare") if index % 2 == 0 else ("bare", "manager")
                for side in order:
                    if side == "bare":
                        times["coop bare"].append(await bare(coop, False))
                        times["stubborn bare"].append(await bare(stub, True))
                        continue
                    for name, key in (("cooperative", "coop"), ("stubborn", "stubborn")):
                        elapsed, clean = await managed(manager, name)
                        times[key].append(elapsed)
                        unclean += not clean
            times["crowded"], times["crowded bare"], flags = await crowded(manager, coop, crowd, 5)
            unclean += int(sum(flags))

    def row(what: str, key: str, limit: float | None) -> Row:
        value, baseline = median(times[key]), median(times[f"{key} bare"])
        return Row(what, value, baseline, "ms", ("value", "<", limit) if limit else None)

    rows = [
        row("cooperative tree (child + 2 grandchildren)", "coop", 100),
        row(f"SIGTERM-ignoring tree, grace {GRACE_MS} ms", "stubborn", GRACE_MS + 100),
        row(f"cooperative tree, {crowd} idle processes around", "crowded", None),
    ]
    notes = [
        f"median of {samples} samples each, interleaved, after a warm-up; goal on the median;"
        f" the crowded case: 5 samples each ({len(psutil.pids())} processes on the system without"
        " the idle ones)",
        "max: " + ", ".join(f"{key} {max(values):.1f} ms" for key, values in times.items()),
        f"runs where the record or the pids showed something left: {unclean}",
        "baselines: cooperative = killpg(SIGKILL) + wait(); SIGTERM-ignoring = killpg(SIGTERM),"
        f" sleep {GRACE_MS} ms, killpg(SIGKILL) on both groups, wait() + reap",
    ]
    print_table("stop: from stop() to its return", rows, notes)


if __name__ == "__main__":
    asyncio.run(main())
