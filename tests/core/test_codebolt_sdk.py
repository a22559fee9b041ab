"""Blocks on the codeboltjs SDK, as Codebolt's templates write them, against the real endpoint.

The SDK double (`tests/sdk_double`, node on the registry's `ws`) behaves as the SDK does where it
breaks things: its listener attaches in a `.then()` after `open` and every frame before that is
lost; a variant busy-waits 300 ms right after creating its socket, so the whole handshake lands in
one read. Every invocation must still reach its handler, once.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from sidetui.core import (
    ErrorCode,
    ExecutionRecord,
    ExecutionStatus,
    MessageArrived,
    SideExecutionManager,
)
from tests.core.sdk_blocks import ECHO, sdk_block
from tests.helpers import needs_node, next_event, pids_alive

pytestmark = needs_node

DEADLINE_S = 30
ROUNDS = 30  # of each kind: the lost invocation showed about once in 20 plain starts
BATCH = 10


async def run(manager: SideExecutionManager, name: str, **params: Any) -> ExecutionRecord:
    started = await manager.start_with_action_block(name, params, timeout=20_000)
    assert started.data is not None, started.message
    execution_id = started.data["sideExecutionId"]
    return await asyncio.wait_for(manager.wait_until_settled(execution_id), DEADLINE_S)


@pytest.mark.parametrize(("kind", "busy_ms"), [("plain", 0), ("busy", 300)])
async def test_every_invocation_reaches_a_listener_that_attaches_after_open(
    manager: SideExecutionManager, project: Path, kind: str, busy_ms: int
) -> None:
    sdk_block(project / "actionblocks", kind, ECHO, busy_ms=busy_ms)
    await manager.rescan()
    records: list[ExecutionRecord] = []
    for first in range(0, ROUNDS, BATCH):
        batch = [run(manager, kind, n=n) for n in range(first, first + BATCH)]
        records += await asyncio.gather(*batch)
    lost = [r.side_execution_id for r in records if r.status is not ExecutionStatus.COMPLETED]
    assert lost == [], [(r.status.value, r.error and r.error.message) for r in records]
    assert [r.result["echoed"]["n"] for r in records] == list(range(ROUNDS))
    assert all(r.result["id"] == r.side_execution_id for r in records)


async def test_a_block_whose_connection_is_refused_fails_and_says_why(
    manager: SideExecutionManager, project: Path
) -> None:
    forge = 'process.env.SIDE_EXECUTION_TOKEN = "not-the-token";\n'  # before the SDK connects
    sdk_block(project / "actionblocks", "forged", ECHO, prelude=forge)
    await manager.rescan()
    record = await run(manager, "forged")
    assert record.status is ExecutionStatus.FAILED
    assert record.error is not None
    assert record.error.code is ErrorCode.CONNECTION_FAILED
    assert "refused" in record.error.message
    assert "wrong token" in record.error.message
    assert record.exit_code == 0


async def test_a_block_that_never_connects_fails_and_says_so(
    manager: SideExecutionManager, project: Path
) -> None:
    sdk_block(project / "actionblocks", "astray", ECHO, prelude='process.env.SOCKET_PORT = "1";\n')
    await manager.rescan()
    record = await run(manager, "astray")
    assert record.status is ExecutionStatus.FAILED
    assert record.error is not None
    assert record.error.code is ErrorCode.CONNECTION_FAILED
    assert "never connected" in record.error.message


TALKATIVE = """
codebolt.onActionBlockInvocation(async (threadContext) => {
  codebolt.chat.sendMessage("Starting the note", { step: 1 });
  codebolt.chat.sendNotificationEvent("planning the note", "planner");
  const where = await codebolt.project.getProjectPath();
  const history = await codebolt.chat.getChatHistory(threadContext.threadId);
  const file = await codebolt.fs.readFile("/etc/hostname");
  codebolt.chat.sendMessage("Done");
  return {
    projectPath: where.projectPath,
    flatMatchesData: where.data.projectPath === where.projectPath,
    history: history.messages.map((m) => [m.sender, m.content, m.threadId]),
    contextHistory: threadContext.messages.map((m) => m.content),
    file: { success: file.success, error: file.error },
  };
});
"""


async def test_what_a_block_says_is_kept_announced_and_its_requests_answered(
    manager: SideExecutionManager, project: Path
) -> None:
    sdk_block(project / "actionblocks", "talkative", TALKATIVE)
    await manager.rescan()
    events = manager.subscribe(output=False)
    thread = [
        {"role": "user", "content": "write a note"},
        {"sender": "agent", "content": "on it", "messageId": "m2"},
    ]
    started = await manager.start_with_action_block(
        "talkative", {}, thread_id="thread-t", thread_messages=thread
    )
    assert started.data is not None, started.message
    execution_id = started.data["sideExecutionId"]
    first = await next_event(events, lambda e: isinstance(e, MessageArrived))
    assert isinstance(first, MessageArrived)
    assert (first.execution_id, first.message.text) == (execution_id, "Starting the note")
    record = await manager.wait_until_settled(execution_id)
    assert record.status is ExecutionStatus.COMPLETED, record.error
    said = [(m.kind, m.text, m.event_type, m.payload) for m in record.messages]
    assert said == [
        ("message", "Starting the note", None, {"step": 1}),
        ("notification", "planning the note", "planner", None),
        ("message", "Done", None, None),
    ]
    result = record.result
    assert result["projectPath"] == str(project.resolve())
    assert result["flatMatchesData"] is True
    assert result["history"] == [
        ["user", "write a note", "thread-t"],
        ["agent", "on it", "thread-t"],
    ]
    assert result["contextHistory"] == ["write a note", "on it"]
    assert result["file"] == {
        "success": False,
        "error": "fs.readFile is not served by sidetui",
    }
    assert any("fs.readFile is not served by sidetui" in n for n in record.notices)
    stored = record.to_dict()["messages"]
    assert [m["text"] for m in stored] == ["Starting the note", "planning the note", "Done"]
    assert stored[0]["payload"] == {"step": 1}


NESTS = """
codebolt.onActionBlockInvocation(async (threadContext) => {
  const child = await codebolt.sideExecution.startWithActionBlock("sleeper", {}, 0);
  const inner = await codebolt.actionBlock.start("nests-once", {});
  return { child: child.sideExecutionId, inner };
});
"""

NESTS_ONCE = """
codebolt.onActionBlockInvocation(async () => {
  const child = await codebolt.sideExecution.startWithActionBlock("sleeper", {}, 0);
  return { grandchild: child.sideExecutionId };
});
"""


async def test_a_stopped_parent_takes_what_it_started_with_it(
    manager: SideExecutionManager, project: Path
) -> None:
    """The parent starts a sleeper and a block that starts a sleeper of its own and completes:
    stopping the parent stops both sleepers, the grandchild through its completed parent."""
    blocks = project / "actionblocks"
    sdk_block(blocks, "nests", NESTS.replace("return {", "await new Promise(() => {}); return {"))
    sdk_block(blocks, "nests-once", NESTS_ONCE)
    (blocks / "sleeper").mkdir()
    (blocks / "sleeper" / "main.py").write_text("import time\ntime.sleep(120)\n")
    await manager.rescan()
    started = await manager.start_with_action_block("nests", {})
    assert started.data is not None, started.message
    parent_id = started.data["sideExecutionId"]
    family = await _descendants_once(manager, parent_id, sleepers=2)
    parents = {r.action_block: r.parent_execution_id for r in family if r.action_block != "sleeper"}
    assert parents == {"nests-once": parent_id}
    sleepers = [r for r in family if r.action_block == "sleeper"]
    assert {r.parent_execution_id for r in sleepers} == {parent_id, _id_of(family, "nests-once")}
    assert manager.get_record(parent_id).to_dict()["parentExecutionId"] is None
    assert sleepers[0].to_dict()["parentExecutionId"] in {parent_id, _id_of(family, "nests-once")}
    await manager.stop(parent_id)
    for record in sleepers:
        await asyncio.wait_for(manager.wait_until_settled(record.side_execution_id), DEADLINE_S)
    assert [r.status for r in sleepers] == [ExecutionStatus.STOPPED] * 2
    assert pids_alive([r.pid for r in sleepers if r.pid]) == []


def _id_of(records: list[ExecutionRecord], name: str) -> str:
    return next(r.side_execution_id for r in records if r.action_block == name)


async def _descendants_once(
    manager: SideExecutionManager, parent_id: str, sleepers: int
) -> list[ExecutionRecord]:
    """The executions `parent_id` started, and theirs, once `sleepers` sleepers run."""
    family: list[ExecutionRecord] = []
    for _ in range(int(DEADLINE_S / 0.05)):
        ids = {parent_id}
        family = []
        for record in reversed(manager.records):  # oldest first: parents before children
            if record.parent_execution_id in ids:
                ids.add(record.side_execution_id)
                family.append(record)
        running = [
            r for r in family if r.action_block == "sleeper" and r.status is ExecutionStatus.RUNNING
        ]
        if len(running) >= sleepers:
            return family
        await asyncio.sleep(0.05)
    raise AssertionError(f"{parent_id} did not start {sleepers} sleepers: {family}")


async def test_the_status_request_returns_the_whole_record_flat_and_in_data(
    manager: SideExecutionManager, project: Path
) -> None:
    sdk_block(project / "actionblocks", "echo", ECHO)
    await manager.rescan()
    record = await run(manager, "echo", word="x")
    asks = sdk_block(
        project / "actionblocks",
        "asks",
        f"""
        codebolt.onActionBlockInvocation(async () => {{
          return await codebolt.sideExecution.getStatus({json.dumps(record.side_execution_id)});
        }});
        """,
    )
    assert asks.is_dir()
    await manager.rescan()
    reply = (await run(manager, "asks")).result
    assert reply["success"] is True
    assert reply["status"] == reply["data"]["status"] == "completed"
    assert reply["data"]["result"] == record.result
    assert reply["data"]["output"] == record.output
    assert isinstance(reply["startTime"], int)
    assert reply["data"]["startTime"].endswith("Z")
    for field in ("endTime", "duration", "exitCode", "signal", "messages", "parentExecutionId"):
        assert field in reply["data"], field
