"""The Node IPC channel: the invocation goes out on `NODE_CHANNEL_FD`, the result comes back on it.

Real node children use `process.on('message')` / `process.send()`; Python children speak the same
JSON lines on the raw descriptor; shell children never touch it and must not notice it.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sidetui.core import (
    EngineConfig,
    ErrorCode,
    ExecutionRecord,
    ExecutionStatus,
    SideExecutionManager,
    StatusChanged,
)
from tests.helpers import needs_node, next_event, pids_alive, write_block

JS = {"entryPoint": "index.js"}
PY = {"entryPoint": "main.py"}
DEADLINE_S = 15

# A Python child that speaks the channel by hand: reads the invocation line, sends `LINES`, then
# waits until the manager closes the channel (which is what lets it exit).
RAW_PYTHON_CHILD = """\
import json, os, socket
channel = socket.socket(fileno=int(os.environ["NODE_CHANNEL_FD"]))
buffer = b""
while b"\\n" not in buffer:
    buffer += channel.recv(65536)
invocation = json.loads(buffer.split(b"\\n")[0])
for line in LINES:
    channel.sendall(line.replace(b"@ID@", invocation["sideExecutionId"].encode()) + b"\\n")
while channel.recv(65536):
    pass
print("the manager closed the channel")
"""


def js_block(project: Path, name: str, source: str) -> Path:
    return write_block(project / "actionblocks", name, manifest=JS, files={"index.js": source})


def raw_python_block(project: Path, name: str, lines: list[bytes]) -> Path:
    program = f"LINES = {lines!r}\n{RAW_PYTHON_CHILD}"
    return write_block(project / "actionblocks", name, program, PY)


def replying_with(reply: dict[str, Any]) -> str:
    """A node script that answers the invocation with `reply` and does nothing else."""
    return f"process.on('message', () => process.send({json.dumps(reply)}));\n"


async def start(manager: SideExecutionManager, name: str, params=None, **lineage) -> str:
    await manager.rescan()
    started = await manager.start_with_action_block(name, params, **lineage)
    assert started.success, started
    assert started.data is not None
    return str(started.data["sideExecutionId"])


async def run(manager: SideExecutionManager, name: str, params=None, **lineage) -> ExecutionRecord:
    execution_id = await start(manager, name, params, **lineage)
    async with asyncio.timeout(DEADLINE_S):
        return await manager.wait_until_settled(execution_id)


@needs_node
async def test_a_node_script_receives_the_invocation_and_its_reply_is_the_result(
    manager, project
) -> None:
    js_block(
        project,
        "echo",
        "process.on('message', (message) =>\n"
        "  process.send({ type: 'actionBlockComplete', result: { received: message } }));\n",
    )
    params = {"text": "hello", "times": 3, "nested": {"list": [1, 2]}}
    record = await run(
        manager,
        "echo",
        params,
        thread_id="thread-7",
        parent_agent_id="agent-1",
        parent_agent_instance_id="instance-1",
    )
    assert record.status is ExecutionStatus.COMPLETED, record.error
    invocation = record.result["received"]
    assert invocation["type"] == "actionBlockInvocation"
    assert invocation["sideExecutionId"] == record.side_execution_id
    assert invocation["actionBlockName"] == "echo"
    assert invocation["params"] == params
    assert invocation["threadId"] == "thread-7"
    assert invocation["parentAgentId"] == "agent-1"
    assert invocation["parentAgentInstanceId"] == "instance-1"
    context = invocation["threadContext"]
    assert context["threadId"] == "thread-7"
    assert context["projectPath"] == str(project.resolve())
    assert context["agentId"] == "agent-1"
    moment = datetime.fromisoformat(invocation["timestamp"].replace("Z", "+00:00"))
    assert moment.tzinfo is not None
    assert abs((datetime.now(UTC) - moment).total_seconds()) < 600
    assert record.error is None


@needs_node
@pytest.mark.parametrize(
    ("reply", "status", "result", "code", "message"),
    [
        pytest.param(
            {"type": "actionBlockComplete", "result": {"ok": True}},
            ExecutionStatus.COMPLETED,
            {"ok": True},
            None,
            None,
            id="actionBlockComplete-result",
        ),
        pytest.param(
            {"type": "actionBlockComplete", "result": 0},
            ExecutionStatus.COMPLETED,
            0,
            None,
            None,
            id="falsy-result-kept",
        ),
        pytest.param(
            {"type": "actionBlockComplete"},
            ExecutionStatus.COMPLETED,
            None,
            None,
            None,
            id="neither-key-is-null",
        ),
        pytest.param(
            {"type": "actionBlockComplete", "error": "disk full"},
            ExecutionStatus.FAILED,
            None,
            ErrorCode.EXECUTION_FAILED,
            "disk full",
            id="actionBlockComplete-error",
        ),
        pytest.param(
            {"type": "actionBlockComplete", "error": {"message": "no", "code": "INVALID_PARAMS"}},
            ExecutionStatus.FAILED,
            None,
            ErrorCode.INVALID_PARAMS,
            "no",
            id="error-with-code",
        ),
        pytest.param(
            {"type": "sideExecutionComplete", "result": [1, "two"]},
            ExecutionStatus.COMPLETED,
            [1, "two"],
            None,
            None,
            id="codebolt-sideExecutionComplete",
        ),
        pytest.param(
            {"type": "sideExecutionError", "error": "went wrong"},
            ExecutionStatus.FAILED,
            None,
            ErrorCode.EXECUTION_FAILED,
            "went wrong",
            id="codebolt-sideExecutionError",
        ),
    ],
)
async def test_every_kind_of_completion_settles_the_execution(
    manager, project, reply, status, result, code, message
) -> None:
    js_block(project, "reply", replying_with(reply))
    record = await run(manager, "reply")
    assert record.status is status
    assert record.result == result
    if code is None:
        assert record.error is None
    else:
        assert record.error.code is code
        assert record.error.message == message
    # The channel was closed after the report, so node left by itself; its exit changed nothing.
    assert record.exit_code == 0 and record.signal is None


@needs_node
async def test_after_a_result_the_channel_closes_and_a_listening_node_child_exits_by_itself(
    manager, project, config
) -> None:
    config.result_grace_ms = 10_000  # were the channel left open, the test would hit its deadline
    js_block(
        project,
        "listener",
        "process.on('message', () => process.send({ type: 'actionBlockComplete', result: 42 }));\n"
        "process.on('disconnect', () => console.log('channel closed'));\n",
    )
    execution_id = await start(manager, "listener")
    async with asyncio.timeout(5):
        record = await manager.wait_until_settled(execution_id)
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == 42
    assert record.exit_code == 0 and record.signal is None
    assert record.output == "channel closed"


@needs_node
async def test_a_child_that_reports_then_lingers_stays_completed_and_is_killed_after_the_grace(
    manager, project, config
) -> None:
    config.result_grace_ms = 500
    js_block(
        project,
        "lingers",
        "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));\n"
        "process.on('message', () => {\n"
        "  process.send({ type: 'actionBlockComplete', result: { done: true } });\n"
        "  setInterval(() => {}, 1000);\n"
        "});\n",
    )
    execution_id = await start(manager, "lingers")
    async with asyncio.timeout(DEADLINE_S):
        record = await manager.wait_for_completion(execution_id)
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == {"done": True}
    assert pids_alive([record.pid]) == [record.pid], "it lingers during the result grace"
    async with asyncio.timeout(DEADLINE_S):
        await manager.wait_until_settled(execution_id)
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == {"done": True}
    assert record.error is None
    assert record.signal == "SIGKILL"
    assert pids_alive([record.pid]) == []
    assert record.leftover_pids == ()


@needs_node
async def test_a_child_that_reports_then_crashes_stays_completed(manager, project) -> None:
    js_block(
        project,
        "crashes",
        "process.on('message', () => {\n"
        "  process.send({ type: 'actionBlockComplete', result: 'saved' }, () => process.exit(3));\n"
        "});\n",
    )
    record = await run(manager, "crashes")
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == "saved"
    assert record.error is None
    assert record.exit_code == 3


@needs_node
async def test_a_result_for_another_execution_is_refused_and_noted(manager, project) -> None:
    js_block(
        project,
        "forger",
        "process.on('message', (invocation) => {\n"
        "  process.send({ type: 'actionBlockComplete', sideExecutionId: 'side_someone_else',\n"
        "                 result: 'forged' });\n"
        "  setTimeout(() => process.send({ type: 'actionBlockComplete',\n"
        "    sideExecutionId: invocation.sideExecutionId, result: 'genuine' }), 200);\n"
        "});\n",
    )
    events = manager.subscribe(output=False)
    record = await run(manager, "forger")
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == "genuine"
    assert any("side_someone_else" in notice for notice in record.notices), record.notices
    statuses = []
    while not statuses or not statuses[-1].is_final:
        event = await next_event(events, lambda e: isinstance(e, StatusChanged))
        statuses.append(event.status)
    assert statuses == ["starting", "running", "completed"]


@needs_node
async def test_a_result_naming_a_live_execution_does_not_complete_it(manager, project) -> None:
    js_block(project, "quiet", "process.on('message', () => console.log('invoked'));\n")
    js_block(
        project,
        "meddler",
        "process.on('message', (invocation) => {\n"
        "  process.send({ type: 'actionBlockComplete',\n"
        "                 sideExecutionId: invocation.params.victim, result: 'hijacked' });\n"
        "  setTimeout(() => process.send({ type: 'actionBlockComplete', result: 'mine' }), 200);\n"
        "});\n",
    )
    victim = await start(manager, "quiet")
    record = await run(manager, "meddler", {"victim": victim})
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == "mine"
    assert any(victim in notice for notice in record.notices), record.notices
    victim_record = manager.get_record(victim)
    assert victim_record.status is ExecutionStatus.RUNNING
    assert victim_record.result is None
    await manager.stop(victim)
    assert victim_record.status is ExecutionStatus.STOPPED


async def test_malformed_lines_on_the_channel_are_noted_and_ignored(manager, project) -> None:
    raw_python_block(
        project,
        "garbage",
        [
            b"this is not json",
            b'{"type": "actionBlockComplete", "result": ',
            b"\xff\xfe\x00 binary junk",
            b'{"type": "somethingElse", "result": "not a completion"}',
            b'{"type": "actionBlockComplete", "sideExecutionId": "@ID@", "result": {"ok": 1}}',
        ],
    )
    record = await run(manager, "garbage")
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert record.result == {"ok": 1}
    malformed = [notice for notice in record.notices if "malformed" in notice]
    assert len(malformed) == 3, record.notices
    assert record.output == "the manager closed the channel"
    assert record.exit_code == 0


async def test_a_json_line_that_is_not_an_object_is_noted(manager, project) -> None:
    raw_python_block(
        project,
        "list",
        [b"[1, 2, 3]", b'{"type": "actionBlockComplete", "result": "after the list"}'],
    )
    record = await run(manager, "list")
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == "after the list"
    assert record.notices, "the list line should have been noted"


async def test_a_python_child_that_never_touches_the_channel_completes_normally(
    manager, project
) -> None:
    write_block(
        project / "actionblocks",
        "plain",
        """\
        import os, stat
        fd = os.environ["NODE_CHANNEL_FD"]
        kind = "socket" if stat.S_ISSOCK(os.fstat(int(fd)).st_mode) else "other"
        print(fd.isdigit(), kind, os.environ["NODE_CHANNEL_SERIALIZATION_MODE"])
        """,
        PY,
    )
    record = await run(manager, "plain")
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result == {"exitCode": 0}
    assert record.output == "True socket json"
    assert record.notices == []


async def test_a_bash_child_that_never_touches_the_channel_completes_normally(
    manager, project
) -> None:
    write_block(
        project / "actionblocks",
        "shell",
        manifest={"entryPoint": "main.sh"},
        files={"main.sh": 'echo "fd=${NODE_CHANNEL_FD:+set}"\nsleep 0.1\necho done\n'},
    )
    record = await run(manager, "shell")
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result == {"exitCode": 0}
    assert record.output.splitlines() == ["fd=set", "done"]


async def test_a_child_that_ignores_a_huge_invocation_is_not_held_up(manager, project) -> None:
    write_block(project / "actionblocks", "ignores", "print('ignored it')", PY)
    record = await run(manager, "ignores", {"blob": "x" * (2 << 20)})
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result == {"exitCode": 0}
    assert record.output == "ignored it"


@needs_node
@pytest.mark.parametrize(
    ("reply", "final"),
    [
        ({"type": "actionBlockComplete", "result": "fine"}, ExecutionStatus.COMPLETED),
        ({"type": "actionBlockComplete", "error": "broken"}, ExecutionStatus.FAILED),
    ],
)
async def test_every_waiter_is_released_with_the_final_status(
    manager, project, reply, final
) -> None:
    js_block(project, "waited", replying_with(reply))
    events = manager.subscribe(output=False)
    execution_id = await start(manager, "waited")
    async with asyncio.timeout(DEADLINE_S):
        records = await asyncio.gather(
            manager.wait_for_completion(execution_id),
            manager.wait_for_completion(execution_id),
            manager.wait_until_settled(execution_id),
        )
    assert {record.status for record in records} == {final}
    seen = []
    while not seen or not seen[-1].is_final:
        event = await next_event(events, lambda e: isinstance(e, StatusChanged))
        seen.append(event.status)
    assert seen == [ExecutionStatus.STARTING, ExecutionStatus.RUNNING, final]


def flood_block(project: Path) -> None:
    js_block(
        project,
        "flood",
        "process.on('message', () => {\n"
        "  process.send({ type: 'actionBlockComplete', result: 'x'.repeat(200000) });\n"
        "});\n",
    )


@needs_node
async def test_an_ipc_message_over_the_size_limit_is_refused_and_noted(
    project, config: EngineConfig
) -> None:
    config.max_message_bytes = 64 * 1024
    flood_block(project)
    async with SideExecutionManager(project, config=config) as manager:
        record = await run(manager, "flood")
        assert record.status.is_final
        assert record.result != "x" * 200000
        assert any("over 65536 bytes" in notice for notice in record.notices), record.notices


@needs_node
async def test_a_refused_oversized_result_does_not_end_completed(
    project, config: EngineConfig
) -> None:
    config.max_message_bytes = 64 * 1024
    flood_block(project)
    async with SideExecutionManager(project, config=config) as manager:
        record = await run(manager, "flood")
    assert record.status is not ExecutionStatus.COMPLETED, record.result
