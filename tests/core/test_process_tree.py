"""Stopping whole trees: descendants that ignore SIGTERM, leave the session, double-fork."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sidetui.core import ExecutionStatus, SideExecutionManager
from tests.helpers import pids_alive, write_block

PY = {"entryPoint": "main.py"}

# Each descendant ignores SIGTERM and writes its pid to pids.txt; "ready" once all are in place.
STUBBORN_TREE = """
    import os, signal, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    PIDS = sys.argv[0].replace("main.py", "pids.txt")

    def note():
        with open(PIDS, "a") as out:
            out.write(f"{os.getpid()}\\n")

    def linger():
        note()
        while True:
            time.sleep(1)

    if os.fork() == 0:                      # same group and session
        linger()
    if os.fork() == 0:                      # another process group, same session
        os.setpgid(0, 0)
        linger()
    if os.fork() == 0:                      # a new session
        os.setsid()
        linger()
    if os.fork() == 0:                      # a classic daemon: setsid, fork, parent exits
        os.setsid()
        if os.fork() == 0:
            linger()
        os._exit(0)
    if os.fork() == 0:                      # own group, empty environment, orphaned at once
        if os.fork() == 0:
            os.setpgid(0, 0)
            note()
            os.execve("/bin/sleep", ["sleep", "300"], {})
        os._exit(0)
    if os.fork() == 0:                      # new session, empty environment, orphaned late
        os.setsid()
        if os.fork() == 0:
            note()
            os.execve("/bin/sleep", ["sleep", "300"], {})
        time.sleep(0.6)                     # seen under the tree before its parent leaves
        os._exit(0)
    note()
    time.sleep(1.5)
    print("ready", flush=True)
    while True:
        time.sleep(1)
"""


def noted_pids(folder: Path) -> list[int]:
    return [int(line) for line in (folder / "pids.txt").read_text().split()]


async def wait_for_output(manager: SideExecutionManager, execution_id: str, text: str) -> None:
    async def poll() -> None:
        while text not in manager.get_record(execution_id).output:
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), 20)


async def test_stop_leaves_nothing_of_a_stubborn_tree(project, config) -> None:
    config.stop_grace_ms = 300
    config.tree_sample_ms = 100
    folder = write_block(project / "actionblocks", "stubborn", STUBBORN_TREE, PY)
    async with SideExecutionManager(project, config=config) as manager:
        started = await manager.start_with_action_block("stubborn")
        execution_id = started.data["sideExecutionId"]
        await wait_for_output(manager, execution_id, "ready")
        pids = noted_pids(folder)
        assert len(pids) == 7 and len(pids_alive(pids)) == 7
        stopped = await manager.stop(execution_id)
        assert stopped.data["status"] == "stopped"
        assert stopped.data["signal"] == "SIGKILL"
        assert stopped.data["leftoverPids"] == []
        assert pids_alive(pids) == []


async def test_a_timeout_kills_the_stubborn_tree_too(project, config) -> None:
    config.stop_grace_ms = 200
    config.tree_sample_ms = 100
    folder = write_block(project / "actionblocks", "stubborn", STUBBORN_TREE, PY)
    async with SideExecutionManager(project, config=config) as manager:
        started = await manager.start_with_action_block("stubborn", timeout=2_500)
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
        assert record.status is ExecutionStatus.TIMEOUT
        assert pids_alive(noted_pids(folder)) == []


async def test_a_second_stop_kills_at_once(project, config) -> None:
    config.stop_grace_ms = 60_000  # without escalation the test would time out
    write_block(project / "actionblocks", "deaf", "import signal, time\n"
                "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('up', flush=True)\n"
                "time.sleep(300)", PY)  # fmt: skip
    async with SideExecutionManager(project, config=config) as manager:
        execution_id = (await manager.start_with_action_block("deaf")).data["sideExecutionId"]
        await wait_for_output(manager, execution_id, "up")
        first = asyncio.ensure_future(manager.stop(execution_id))
        await asyncio.sleep(0.2)
        assert manager.get_record(execution_id).status is ExecutionStatus.STOPPING
        second = await asyncio.wait_for(manager.stop(execution_id), 10)
        assert second.data["status"] == "stopped"
        assert (await asyncio.wait_for(first, 10)).data["signal"] == "SIGKILL"


async def test_what_a_finished_child_left_running_is_stopped(project, config) -> None:
    config.result_grace_ms = 200
    script = """
        import os, subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(child.pid)
    """
    write_block(project / "actionblocks", "leaver", script, PY)
    async with SideExecutionManager(project, config=config) as manager:
        started = await manager.start_with_action_block("leaver")
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
        assert record.status is ExecutionStatus.COMPLETED
        assert pids_alive([int(record.output)]) == []


async def test_a_grandchild_holding_the_pipes_does_not_hold_the_execution(project, config) -> None:
    config.result_grace_ms = 200
    script = """
        import subprocess, sys
        code = "import time; print('bg', flush=True); time.sleep(300)"
        subprocess.Popen([sys.executable, "-c", code])
        print("parent done", flush=True)
    """
    write_block(project / "actionblocks", "holder", script, PY)
    async with SideExecutionManager(project, config=config) as manager:
        started = await manager.start_with_action_block("holder")
        record = await asyncio.wait_for(
            manager.wait_until_settled(started.data["sideExecutionId"]), 15
        )
        assert record.status is ExecutionStatus.COMPLETED
        assert "parent done" in record.output


async def test_usage_of_the_whole_tree_is_sampled(project, config) -> None:
    config.tree_sample_ms = 100
    script = """
        import subprocess, sys, time
        sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
        kids = [subprocess.Popen(sleeper) for _ in range(2)]

        print("up", flush=True)
        time.sleep(60)
    """
    write_block(project / "actionblocks", "family", script, PY)
    async with SideExecutionManager(project, config=config) as manager:
        execution_id = (await manager.start_with_action_block("family")).data["sideExecutionId"]
        await wait_for_output(manager, execution_id, "up")
        record = manager.get_record(execution_id)

        async def sampled() -> None:
            while record.usage.processes < 3:
                await asyncio.sleep(0.05)

        await asyncio.wait_for(sampled(), 10)
        assert record.usage.memory_rss > 1_000_000
        assert json.loads(json.dumps(record.to_dict()))["usage"]["processes"] == 3


async def test_usage_is_kept_over_time_with_the_peak_memory(project, config) -> None:
    config.tree_sample_ms = 50
    script = """
        import time
        ballast = bytearray(60_000_000)  # held for a while, then let go
        print("big", flush=True)
        time.sleep(0.6)
        del ballast
        print("small", flush=True)
        time.sleep(60)
    """
    write_block(project / "actionblocks", "balloon", script, PY)
    async with SideExecutionManager(project, config=config) as manager:
        execution_id = (await manager.start_with_action_block("balloon")).data["sideExecutionId"]
        await wait_for_output(manager, execution_id, "small")
        record = manager.get_record(execution_id)
        await asyncio.sleep(0.3)  # samples after the memory was let go
        samples = list(record.usage_history)
        assert len(samples) >= 5
        assert [s.time for s in samples] == sorted(s.time for s in samples)
        assert record.peak_memory >= 60_000_000
        assert record.peak_memory == max(s.memory_rss for s in samples)
        assert samples[-1].memory_rss < record.peak_memory - 40_000_000
        assert record.to_dict()["peakMemory"] == record.peak_memory
        await manager.stop(execution_id)
