"""The process table read from /proc agrees with psutil, and stops share reads of it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time

import psutil
import pytest

from sidetui.core import proc_table
from sidetui.core.processes.local.process_tree import ProcessTable, stats_from_psutil
from sidetui.core.processes.local.table_reads import TableReads

pytestmark = pytest.mark.skipif(not proc_table.AVAILABLE, reason="needs Linux /proc")

SESSION_CHILD = "import os, time\nos.setsid()\nprint('ready', flush=True)\ntime.sleep(30)\n"


@pytest.fixture
def child():
    """A child that left our session: its group and session are its own pid."""
    process = subprocess.Popen([sys.executable, "-c", SESSION_CHILD], stdout=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.readline()
    yield process
    process.kill()
    process.wait()


def test_a_child_reads_as_psutil_sees_it(child) -> None:
    stat = proc_table.read_stat(child.pid)
    assert stat is not None
    seen = psutil.Process(child.pid)
    assert (stat.ppid, stat.pgid, stat.sid) == (os.getpid(), child.pid, child.pid)
    assert stat.state in "RS"
    assert abs(stat.started - seen.create_time()) < 0.001


def test_a_name_with_parentheses_and_spaces_does_not_shift_the_fields(tmp_path, child) -> None:
    odd = tmp_path / "a) b ) c"
    odd.symlink_to(sys.executable)
    process = subprocess.Popen([str(odd), "-c", "import time; time.sleep(30)"])
    try:
        stat = proc_table.read_stat(process.pid)
        assert stat is not None and stat.ppid == os.getpid()
    finally:
        process.kill()
        process.wait()


def test_a_zombie_reads_as_one_and_a_gone_pid_as_none() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    while (stat := proc_table.read_stat(process.pid)) is not None and stat.state != "Z":
        pass
    assert stat is not None and stat.state == "Z"
    process.wait()
    assert proc_table.read_stat(process.pid) is None


def test_the_whole_table_agrees_with_the_psutil_fallback(child) -> None:
    ours = proc_table.read_all()
    theirs = stats_from_psutil()
    assert ours[child.pid][1:] == pytest.approx(theirs[child.pid][1:], abs=0.001)
    assert child.pid in ProcessTable.read().children[os.getpid()]


def test_the_marker_is_read_from_the_environment() -> None:
    env = {**os.environ, "SIDE_EXECUTION_ID": "side_1_abc"}
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], env=env)
    try:
        deadline = time.monotonic() + 5  # the kernel sets up the new environment after exec
        while not proc_table.carries(process.pid, "SIDE_EXECUTION_ID", "side_1_abc"):
            assert time.monotonic() < deadline, "the marker never showed"
            time.sleep(0.001)
        assert not proc_table.carries(process.pid, "SIDE_EXECUTION_ID", "side_1_ab")
    finally:
        process.kill()
        process.wait()


async def test_stops_asking_at_once_share_one_read() -> None:
    reads = TableReads()
    first, second = await asyncio.gather(reads.fresh(), reads.fresh())
    assert first is second


async def test_a_stop_asking_during_a_read_gets_the_next_one() -> None:
    began, release = threading.Event(), threading.Event()
    tables: list[ProcessTable] = []

    def slow_read() -> ProcessTable:  # the real read, held until the test lets it finish
        began.set()
        release.wait(5)
        tables.append(ProcessTable.read())
        return tables[-1]

    reads = TableReads(slow_read)
    early = asyncio.create_task(reads.fresh())
    await asyncio.to_thread(began.wait, 5)
    began.clear()
    late = asyncio.create_task(reads.fresh())  # asked while the first read runs
    also_late = asyncio.create_task(reads.fresh())
    release.set()
    assert await early is tables[0]
    assert await late is tables[1] and await also_late is tables[1]
    assert len(tables) == 2
