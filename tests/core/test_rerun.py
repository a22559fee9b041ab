"""Watch and rerun: an edit in the block's folder stops the run in progress (its whole tree) and
starts the block again with the same request; noise does not."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sidetui.core import (
    ExecutionRecord,
    ExecutionStatus,
    Refusal,
    Response,
    SideExecutionManager,
)
from sidetui.core.records.requests import StartRequest
from sidetui.core.rerun import Rerun
from tests.helpers import pids_alive, write_block

PY = {"entryPoint": "main.py"}
LONG_RUN = """
import json, os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(open("version.txt").read().strip(), json.loads(os.environ["SIDE_EXECUTION_PARAMS"])["n"],
      child.pid, flush=True)
time.sleep(60)
"""


async def until(condition, seconds: float = 20) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), seconds)


async def test_an_edit_stops_the_run_and_starts_it_again(project: Path, config) -> None:
    folder = write_block(project / "actionblocks", "edited", LONG_RUN, PY)
    (folder / "version.txt").write_text("v1")
    starts: list[tuple[Response, list[Path]]] = []
    async with SideExecutionManager(project, config=config) as manager:
        rerun = Rerun(
            manager,
            lambda: StartRequest("edited", params={"n": 7}),
            lambda response, changed: starts.append((response, changed)),
            debounce_ms=100,
        )
        task = asyncio.create_task(rerun.run())
        try:
            # Python children run unbuffered: the line comes a word at a time; wait for all of it.
            await until(lambda: starts and _words(manager.get_record(_id(starts[0]))) == 3)
            first = manager.get_record(_id(starts[0]))
            grandchild = int(first.output.split()[2])
            (folder / "node_modules").mkdir()
            (folder / "node_modules" / "dep.js").write_text("noise")  # not a reason to rerun
            await asyncio.sleep(0.6)
            assert len(starts) == 1
            (folder / "version.txt").write_text("v2")
            await until(lambda: len(starts) == 2)
            second = manager.get_record(_id(starts[1]))
            await until(lambda: _words(second) == 3)
            assert second.output.split()[:2] == ["v2", "7"]  # the same params
            assert first.status is ExecutionStatus.STOPPED
            assert pids_alive([grandchild]) == []  # the whole tree of the first run
            assert starts[1][1] == [folder / "version.txt"]
        finally:
            task.cancel()
            await manager.stop_all()


async def test_a_block_that_cannot_be_found_is_refused(project: Path, config) -> None:
    async with SideExecutionManager(project, config=config) as manager:
        rerun = Rerun(manager, lambda: StartRequest("missing"), lambda *_: None)
        with pytest.raises(Refusal, match="missing"):
            await rerun.run()


def _words(record: ExecutionRecord) -> int:
    """How much of its one line (version, n, grandchild's pid) a run has printed."""
    return len(record.output.split())


def _id(start: tuple[Response, list[Path]]) -> str:
    response, _ = start
    assert response.data is not None, response.message
    return str(response.data["sideExecutionId"])
