"""Nested executions started through the IPC channel and `sidetui.block`: they name their parent,
and a parent that times out or fails takes them with it; a completed parent leaves them alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sidetui.core import ErrorCode, ExecutionRecord, ExecutionStatus, SideExecutionManager
from tests.helpers import PIDFILE_SLEEPER, file_text_async, needs_node, pids_alive, write_block

DEADLINE_S = 30

# Starts the sleeper through sidetui.block, then does what `then` says: wait for it (forever, as
# far as the test goes), fail, or return at once.
STARTER = """
import threading
from sidetui.block import on_invocation, start_action_block

@on_invocation
def main(params, context):
    nested = lambda: start_action_block("sleeper", {"pidfile": params["pidfile"]})
    if params["then"] == "wait":
        return nested()
    threading.Thread(target=nested, daemon=True).start()
    import time, os
    while not os.path.exists(params["pidfile"]):
        time.sleep(0.02)
    if params["then"] == "fail":
        raise RuntimeError("the parent gives up")
    return {"left": "running"}
"""

OWN_CODE_JS = """
process.on("message", (message) => {
  if (message.type !== "actionBlockInvocation") return;
  process.send({ type: "actionBlockComplete", error: { message: "no topic", code: "E_NO_TOPIC" } });
});
"""


@pytest.fixture
async def blocks(project: Path) -> Path:
    folder = project / "actionblocks"
    write_block(folder, "starter", STARTER, {"entryPoint": "main.py"})
    write_block(folder, "sleeper", PIDFILE_SLEEPER, {"entryPoint": "main.py"})
    write_block(folder, "own-code-js", None, {"entryPoint": "index.js"}, {"index.js": OWN_CODE_JS})
    return folder


async def start_family(
    manager: SideExecutionManager, tmp_path: Path, then: str, timeout: int | None = None
) -> tuple[ExecutionRecord, ExecutionRecord, int]:
    """The starter and the sleeper it started, once the sleeper runs; the sleeper's pid."""
    pidfile = tmp_path / f"{then}.pid"
    started = await manager.start_with_action_block(
        "starter", {"pidfile": str(pidfile), "then": then}, timeout
    )
    assert started.data is not None, started.message
    parent = manager.get_record(started.data["sideExecutionId"])
    assert parent is not None
    pid = int(await file_text_async(pidfile))
    child = next(r for r in manager.records if r.parent_execution_id == parent.side_execution_id)
    return parent, child, pid


async def test_a_parent_that_times_out_takes_its_nested_execution_with_it(
    manager: SideExecutionManager, blocks: Path, tmp_path: Path
) -> None:
    await manager.rescan()
    parent, child, pid = await start_family(manager, tmp_path, "wait", timeout=1_500)
    assert child.action_block == "sleeper"
    assert (child.parent_agent_id, child.thread_id) == (parent.side_execution_id, parent.thread_id)
    await asyncio.wait_for(manager.wait_until_settled(parent.side_execution_id), DEADLINE_S)
    assert parent.status is ExecutionStatus.TIMEOUT
    settled = await asyncio.wait_for(
        manager.wait_until_settled(child.side_execution_id), DEADLINE_S
    )
    assert settled.status is ExecutionStatus.STOPPED
    assert pids_alive([pid]) == []


async def test_a_parent_that_fails_takes_its_nested_execution_with_it(
    manager: SideExecutionManager, blocks: Path, tmp_path: Path
) -> None:
    await manager.rescan()
    parent, child, pid = await start_family(manager, tmp_path, "fail")
    await asyncio.wait_for(manager.wait_until_settled(parent.side_execution_id), DEADLINE_S)
    assert parent.status is ExecutionStatus.FAILED
    settled = await asyncio.wait_for(
        manager.wait_until_settled(child.side_execution_id), DEADLINE_S
    )
    assert settled.status is ExecutionStatus.STOPPED
    assert pids_alive([pid]) == []


async def test_a_parent_that_completes_leaves_its_nested_execution_running(
    manager: SideExecutionManager, blocks: Path, tmp_path: Path
) -> None:
    await manager.rescan()
    parent, child, pid = await start_family(manager, tmp_path, "return")
    await asyncio.wait_for(manager.wait_until_settled(parent.side_execution_id), DEADLINE_S)
    assert parent.status is ExecutionStatus.COMPLETED
    assert child.status is ExecutionStatus.RUNNING
    assert pids_alive([pid]) == [pid]
    await manager.stop(child.side_execution_id)
    assert pids_alive([pid]) == []


@needs_node
async def test_a_node_blocks_own_error_code_is_kept(
    manager: SideExecutionManager, blocks: Path
) -> None:
    await manager.rescan()
    started = await manager.start_with_action_block("own-code-js")
    assert started.data is not None
    record = await manager.wait_for_completion(started.data["sideExecutionId"])
    assert record.error is not None
    assert (record.error.code, record.error.message) == ("E_NO_TOPIC", "no topic")
    assert record.error.code is not ErrorCode.EXECUTION_FAILED
