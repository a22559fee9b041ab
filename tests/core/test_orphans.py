"""Not one process survives, even a SIGKILL of sidetui itself.

A real `sidetui run` runs a block whose tree has every shape that escapes a naive stop: a child, a
grandchild in its own session, one that also clears its environment and is orphaned at once.
Then sidetui is SIGKILLed: within 2 s every one of them must be gone - with a cgroup per
execution where the machine allows it, and (forced with `SIDETUI_CGROUPS=0`) by the keeper alone.
If the keeper dies too, the next manager to open on the state folder reaps what was left.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from sidetui.core import EngineConfig, ErrorCode, ExecutionStatus, SideExecutionManager
from sidetui.core.processes.local.cgroups import Cgroups
from tests.helpers import pids_alive, scratch_config, write_block

DEADLINE_S = 30
GONE_WITHIN_S = 2.0

# Writes the pids of its tree to `pids` (one per line, atomically), then waits forever. With
# `escape` one descendant clears its environment, leaves the session and is orphaned at once.
TREE = """
import os, sys, time

import json
params = json.loads(os.environ["SIDE_EXECUTION_PARAMS"])
pids_file, escape = params["pids"], params["escape"]
read, write = os.pipe()

def spawn(body):
    pid = os.fork()
    if pid == 0:
        body()
        os._exit(0)
    return pid

def sleeper():
    while True:
        time.sleep(1)

def in_own_session():
    os.setsid()
    sleeper()

def escapee():
    os.setsid()
    if os.fork() == 0:
        os.write(write, f"{os.getpid()}\\n".encode())
        os.execve("/bin/sleep", ["sleep", "600"], {})  # no environment at all, not even ours
    os._exit(0)  # orphaned at once

pids = [os.getpid(), spawn(sleeper), spawn(in_own_session)]
expected = 4 if escape else 3
if escape:
    spawn(escapee)
while len(pids) < expected:
    pids += [int(p) for p in os.read(read, 100).split()]
with open(pids_file + ".tmp", "w") as handle:
    handle.write("\\n".join(map(str, pids)))
os.rename(pids_file + ".tmp", pids_file)
sleeper()
"""


@pytest.fixture
def block(project: Path) -> Path:
    return write_block(project / "actionblocks", "tree", TREE, {"entryPoint": "main.py"})


def cgroups_here() -> bool:
    made, _ = Cgroups.set_up()
    if made is not None:
        made.close()
    return made is not None


def run_cli(
    project: Path, tmp_path: Path, cgroups: bool, escape: bool
) -> tuple[subprocess.Popen[bytes], list[int]]:
    """`sidetui run tree` in the background, once its tree is complete: the CLI and the pids."""
    pids_file = tmp_path / "pids"
    env = {**os.environ, "SIDETUI_CGROUPS": "1" if cgroups else "0"}
    params = json.dumps({"pids": str(pids_file), "escape": escape})
    cli = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sidetui",
            "run",
            "tree",
            "--project",
            str(project),
            "--params",
            params,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    end = time.monotonic() + DEADLINE_S
    while not pids_file.exists():
        assert cli.poll() is None, f"sidetui ended with {cli.returncode} before the tree was up"
        assert time.monotonic() < end, "the tree never came up"
        time.sleep(0.05)
    return cli, [int(p) for p in pids_file.read_text().split()]


def keeper_of(cli: subprocess.Popen[bytes]) -> psutil.Process:
    keepers = [
        child
        for child in psutil.Process(cli.pid).children()
        if any("keeper.py" in part for part in child.cmdline())
    ]
    assert len(keepers) == 1, keepers
    return keepers[0]


def wait_until_kept(state: Path, pid: int) -> None:
    """Until a keeper's live file names the execution whose child is `pid`."""
    end = time.monotonic() + DEADLINE_S
    while not any(f'"pid": {pid},' in f.read_text() for f in (state / "live").glob("*.json")):
        assert time.monotonic() < end, "the keeper never wrote the execution down"
        time.sleep(0.02)


def gone_within(pids: list[int], seconds: float) -> list[int]:
    end = time.monotonic() + seconds
    while (alive := pids_alive(pids)) and time.monotonic() < end:
        time.sleep(0.05)
    return alive


@pytest.fixture
def reap_at_end() -> Iterator[list[int]]:
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("cgroups", [True, False], ids=["cgroups", "keeper-only"])
def test_a_sigkilled_sidetui_leaves_no_process_behind(
    block: Path, project: Path, tmp_path: Path, cgroups: bool, reap_at_end: list[int]
) -> None:
    if cgroups and not cgroups_here():
        pytest.skip("this machine does not let sidetui make cgroups")
    # Without cgroups a descendant that clears its environment, leaves the session and is
    # orphaned at once cannot be told apart: the documented limit. With them it cannot escape.
    cli, pids = run_cli(project, tmp_path, cgroups, escape=cgroups)
    reap_at_end.extend(pids)
    assert len(pids_alive(pids)) == len(pids) == (4 if cgroups else 3)
    keeper = keeper_of(cli)
    cli.kill()
    cli.wait()
    assert gone_within(pids, GONE_WITHIN_S) == []
    assert gone_within([keeper.pid], DEADLINE_S) == []  # its work done, it goes too


async def test_the_next_manager_reaps_what_a_dead_sidetui_and_its_keeper_left(
    block: Path, project: Path, tmp_path: Path, reap_at_end: list[int]
) -> None:
    cli, pids = run_cli(project, tmp_path, cgroups_here(), escape=False)
    reap_at_end.extend(pids)
    state = Path(os.environ["SIDETUI_STATE_DIR"])
    keeper = keeper_of(cli)
    endpoints = list((state / "endpoints").glob(f"{cli.pid}-*.json"))
    assert len(endpoints) == 1, endpoints
    wait_until_kept(state, pids[0])  # the keeper has written it down: now both die
    keeper.kill()  # the keeper first: nobody is left to reap
    assert gone_within([keeper.pid], DEADLINE_S) == []
    cli.kill()
    cli.wait()
    time.sleep(0.3)
    assert pids_alive(pids) == pids, "something reaped the tree before the next start"
    config = scratch_config(tmp_path)
    config.state_dir = state
    async with SideExecutionManager(project, config=config):
        assert gone_within(pids, GONE_WITHIN_S) == []
    assert not endpoints[0].exists()
    assert list((state / "live").glob("*.json")) == []


@pytest.mark.skipif(not cgroups_here(), reason="this machine does not let sidetui make cgroups")
async def test_with_cgroups_an_escapee_is_stopped_with_its_tree(
    manager: SideExecutionManager, block: Path, tmp_path: Path, reap_at_end: list[int]
) -> None:
    await manager.rescan()
    pids_file = tmp_path / "pids"
    started = await manager.start_with_action_block(
        "tree", {"pids": str(pids_file), "escape": True}
    )
    assert started.data is not None, started.message
    end = time.monotonic() + DEADLINE_S
    while not pids_file.exists():
        assert time.monotonic() < end
        await asyncio.sleep(0.05)
    pids = [int(p) for p in pids_file.read_text().split()]
    reap_at_end.extend(pids)
    await manager.stop(started.data["sideExecutionId"])
    record = await manager.wait_until_settled(started.data["sideExecutionId"])
    assert record.status is ExecutionStatus.STOPPED
    assert record.leftover_pids == ()
    assert pids_alive(pids) == []


HUNGRY = """
chunk = bytearray(1 << 20)
kept = []
for _ in range(400):  # 400 MiB, each page touched
    kept.append(bytearray(chunk))
print("never reached")
"""


@pytest.mark.parametrize("cgroups", [True, False], ids=["cgroups", "setrlimit"])
async def test_a_block_past_its_memory_limit_fails_and_says_why(
    project: Path, tmp_path: Path, cgroups: bool
) -> None:
    if cgroups and not cgroups_here():
        pytest.skip("this machine does not let sidetui make cgroups")
    write_block(
        project / "actionblocks",
        "hungry",
        HUNGRY,
        {"entryPoint": "main.py", "limits": {"memory": "64M", "processes": 16}},
    )
    config: EngineConfig = scratch_config(tmp_path)
    config.cgroups = cgroups
    async with SideExecutionManager(project, config=config) as manager:
        started = await manager.start_with_action_block("hungry")
        assert started.data is not None, started.message
        record = await asyncio.wait_for(
            manager.wait_until_settled(started.data["sideExecutionId"]), DEADLINE_S
        )
    assert record.status is ExecutionStatus.FAILED
    assert record.error is not None
    if cgroups:
        assert record.error.code is ErrorCode.RESOURCE_LIMIT_EXCEEDED
        assert "memory limit of 67,108,864 bytes" in record.error.message
        assert record.notices == []
    else:
        assert record.error.code is ErrorCode.PROCESS_CRASHED
        assert "MemoryError" in record.error.message
        assert any("address space" in n for n in record.notices)
        assert any("not enforced: processes" in n for n in record.notices)


# Leaves a descendant no stop can attribute (own session, no environment) that exits by itself
# once `release` exists, after the block has ended: adopted by the manager, it must not stay a
# zombie.
LEAVES_ONE = """
import json, os, time
params = json.loads(os.environ["SIDE_EXECUTION_PARAMS"])
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        with open(params["pidfile"] + ".tmp", "w") as handle:
            handle.write(str(os.getpid()))
        os.rename(params["pidfile"] + ".tmp", params["pidfile"])
        wait = f"while [ ! -e {params['release']} ]; do /bin/sleep 0.05; done"
        os.execve("/bin/sh", ["sh", "-c", wait], {})  # no environment at all
    os._exit(0)
while not os.path.exists(params["pidfile"]):
    time.sleep(0.01)
"""


async def test_an_orphan_that_exits_after_its_block_is_collected_under_serve(
    project: Path, tmp_path: Path, reap_at_end: list[int]
) -> None:
    write_block(project / "actionblocks", "leaves", LEAVES_ONE, {"entryPoint": "main.py"})
    config = scratch_config(tmp_path)
    config.cgroups = False  # with a cgroup it would not escape the end of its block
    config.reap_orphans = True  # as `sidetui serve` sets it
    pidfile = tmp_path / "orphan.pid"
    async with SideExecutionManager(project, config=config) as manager:
        release = tmp_path / "release"
        started = await manager.start_with_action_block(
            "leaves", {"pidfile": str(pidfile), "release": str(release)}
        )
        assert started.data is not None, started.message
        end = time.monotonic() + DEADLINE_S
        while not pidfile.exists():
            assert time.monotonic() < end
            await asyncio.sleep(0.01)
        orphan = int(pidfile.read_text())
        reap_at_end.append(orphan)
        while psutil.Process(orphan).ppid() != os.getpid():
            assert time.monotonic() < end
            await asyncio.sleep(0.01)
        record = await manager.wait_until_settled(started.data["sideExecutionId"])
        assert record.status is ExecutionStatus.COMPLETED
        assert psutil.pid_exists(orphan)  # it escaped the end of its block: it still waits
        release.touch()
        while psutil.pid_exists(orphan) and time.monotonic() < end:
            await asyncio.sleep(0.05)
        assert not psutil.pid_exists(orphan), psutil.Process(orphan).status()  # not a zombie
