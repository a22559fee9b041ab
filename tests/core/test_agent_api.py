"""The agent API on the manager's WebSocket endpoint, end to end over real sockets.

An agent connects with the manager's API token and sends `{type, action, requestId, ...}`; every
reply is flat (`{type, success, ..., requestId}`) as the codeboltjs SDK reads it. The blocks are
real Python children on `sidetui.block`; a child that sends requests on its own socket, with its
execution token, starts executions in its own thread as their parent agent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import stat
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from sidetui.core import EngineConfig, ExecutionStatus, SideExecutionManager
from tests.core.agent_client import Agent, agent_of
from tests.helpers import PIDFILE_SLEEPER, file_text_async, needs_node, pids_alive, write_block

DEADLINE_S = 30
AFTER_SENTINEL_S = 5  # a reply already due, once a later request was answered
POLICY_VIOLATION = 1008
BLOCK_KEYS = {"id", "name", "description", "version", "entryPoint", "path", "type", "metadata"}

# Returns what it was given and who it thinks launched it.
ECHO = """
from sidetui.block import on_invocation

@on_invocation
def main(params, context):
    return {
        "params": params,
        "threadId": context["threadId"],
        "parentAgentId": context["parentAgentId"],
        "sideExecutionId": context["sideExecutionId"],
    }
"""

FAILS = """
from sidetui.block import on_invocation

@on_invocation
def main(params, context):
    raise RuntimeError("the ledger does not balance")
"""

# Finishes only once the file named by `release` exists: a block as slow as the test wants.
GATE = """
import asyncio
import os
from sidetui.block import on_invocation

@on_invocation
async def main(params, context):
    while not os.path.exists(params["release"]):
        await asyncio.sleep(0.01)
    return {"released": params["release"]}
"""

# Writes its pid (atomically) where `pidfile` says, then runs until stopped.

# A block that is itself an agent: on its own socket, authenticated with its execution id and
# token (forwarded as the codeboltjs SDK forwards its environment), it starts `target` and
# returns the reply it got, with the types of every frame it saw before it.
STARTER = """
import asyncio
import json
import os
from urllib.parse import urlencode

from websockets.asyncio.client import connect

from sidetui.block import on_invocation


@on_invocation
async def main(params, context):
    query = urlencode(
        {
            "agentId": os.environ["SIDE_EXECUTION_ID"],
            "SIDE_EXECUTION_TOKEN": os.environ["SIDE_EXECUTION_TOKEN"],
        }
    )
    url = f"ws://127.0.0.1:{os.environ['SOCKET_PORT']}/codebolt?{query}"
    async with connect(url) as socket:
        request = {
            "type": "sideExecution",
            "action": "startSideExecution",
            "requestId": "from-the-child",
            "actionBlockPath": params["target"],
            "params": {"sent": "by the starter"},
        }
        await socket.send(json.dumps(request))
        seen = []
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 30))
            seen.append(message.get("type"))
            if message.get("requestId") == "from-the-child":
                return {"reply": message, "seen": seen}
"""

ECHO_MANIFEST = {
    "entryPoint": "main.py",
    "description": "returns its params and context",
    "version": "2.1.0",
    "metadata": {"author": "Ada", "tags": ["sample", "echo"]},
    "inputs": [{"name": "word", "type": "string", "default": "hi"}],
}
PY = {"entryPoint": "main.py"}
NAMES = {"echo", "fails", "gate", "sleeper", "starter"}


@pytest.fixture
def blocks(project: Path) -> Path:
    folder = project / "actionblocks"
    write_block(folder, "echo", ECHO, ECHO_MANIFEST)
    write_block(folder, "fails", FAILS, PY)
    write_block(folder, "gate", GATE, PY)
    write_block(folder, "sleeper", PIDFILE_SLEEPER, PY)
    write_block(folder, "starter", STARTER, PY)
    return folder


@pytest.fixture
async def agent(manager: SideExecutionManager, blocks: Path) -> AsyncIterator[Agent]:
    async with agent_of(manager) as agent:
        yield agent


async def refused_with(socket: ClientConnection) -> int | None:
    """The close code the server ends `socket` with, after a request it must not answer."""
    request = {"type": "actionBlock", "action": "listActionBlocks", "requestId": "x"}
    try:
        await socket.send(json.dumps(request))
        reply = await asyncio.wait_for(socket.recv(), DEADLINE_S)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    raise AssertionError(f"an unauthenticated connection was answered: {reply}")


# -- the endpoint and authentication ---------------------------------------------------------------


async def test_endpoint_listens_on_loopback_and_the_api_token_in_the_query_works(
    manager: SideExecutionManager, agent: Agent
) -> None:
    assert manager.endpoint is not None
    url, token = manager.endpoint
    assert url.startswith("ws://127.0.0.1:")
    assert len(token) >= 32
    reply = await agent.ask("actionBlock", "listActionBlocks")
    assert reply["type"] == "listActionBlocksResponse"
    assert reply["success"] is True


@pytest.mark.parametrize("how", ["apiToken", "SIDETUI_API_TOKEN", "bearer"])
async def test_each_way_of_passing_the_api_token_is_accepted(
    manager: SideExecutionManager, blocks: Path, how: str
) -> None:
    await manager.rescan()
    assert manager.endpoint is not None
    url, token = manager.endpoint
    headers = {"Authorization": f"Bearer {token}"} if how == "bearer" else None
    target = url if how == "bearer" else f"{url}?{urlencode({how: token})}"
    async with connect(target, additional_headers=headers) as socket:
        reply = await Agent(socket).ask(
            "actionBlock", "getActionBlockDetail", actionBlockName="echo"
        )
    assert reply["type"] == "getActionBlockDetailResponse"
    assert reply["success"] is True
    assert reply["actionBlock"]["name"] == "echo"


@pytest.mark.parametrize(
    ("query", "header"),
    [
        pytest.param({}, None, id="no-token"),
        pytest.param({"apiToken": "not-the-token"}, None, id="wrong-apiToken"),
        pytest.param({"SIDETUI_API_TOKEN": "not-the-token"}, None, id="wrong-SIDETUI_API_TOKEN"),
        pytest.param({}, "Bearer not-the-token", id="wrong-bearer"),
        pytest.param({}, "Basic c2lkZXR1aQ==", id="other-scheme"),
        pytest.param({"apiToken": ""}, None, id="empty-apiToken"),
    ],
)
async def test_a_missing_or_wrong_api_token_is_closed_with_policy_violation(
    manager: SideExecutionManager, query: dict[str, str], header: str | None
) -> None:
    assert manager.endpoint is not None
    url, _ = manager.endpoint
    headers = {"Authorization": header} if header else None
    target = f"{url}?{urlencode(query)}" if query else url
    async with connect(target, additional_headers=headers) as socket:
        assert await refused_with(socket) == POLICY_VIOLATION


async def test_the_api_token_of_another_manager_is_refused(
    manager: SideExecutionManager, config: EngineConfig, tmp_path: Path
) -> None:
    other_config = EngineConfig(state_dir=tmp_path / "other-state", global_dir=config.global_dir)
    async with SideExecutionManager(tmp_path, config=other_config) as other:
        assert manager.endpoint is not None and other.endpoint is not None
        url, _ = manager.endpoint
        _, foreign_token = other.endpoint
        async with connect(f"{url}?{urlencode({'apiToken': foreign_token})}") as socket:
            assert await refused_with(socket) == POLICY_VIOLATION


async def test_a_non_ascii_api_token_is_closed_with_policy_violation(
    manager: SideExecutionManager,
) -> None:
    assert manager.endpoint is not None
    url, _ = manager.endpoint
    async with connect(f"{url}?{urlencode({'apiToken': 'clé'})}") as socket:
        assert await refused_with(socket) == POLICY_VIOLATION


async def test_a_child_token_is_not_an_api_token(
    manager: SideExecutionManager, agent: Agent, tmp_path: Path
) -> None:
    """An execution's id with a wrong token is refused; its real token does not make an agent."""
    pidfile = tmp_path / "sleeper.pid"
    started = await agent.ask(
        "sideExecution",
        "startSideExecution",
        actionBlockPath="sleeper",
        params={"pidfile": str(pidfile)},
    )
    execution_id = started["sideExecutionId"]
    await file_text_async(pidfile)
    assert manager.endpoint is not None
    url, api_token = manager.endpoint
    forged = urlencode({"agentId": execution_id, "SIDE_EXECUTION_TOKEN": "forged"})
    async with connect(f"{url}?{forged}") as socket:
        assert await refused_with(socket) == POLICY_VIOLATION
    as_child = urlencode({"agentId": execution_id, "token": api_token})
    async with connect(f"{url}?{as_child}") as socket:
        assert await refused_with(socket) == POLICY_VIOLATION
    record = manager.get_record(execution_id)
    assert record is not None and record.status is ExecutionStatus.RUNNING
    stopped = await agent.ask("sideExecution", "stopSideExecution", sideExecutionId=execution_id)
    assert stopped["success"] is True


async def test_endpoint_file_is_private_holds_url_and_token_and_goes_when_closed(
    project: Path, config: EngineConfig
) -> None:
    manager = SideExecutionManager(project, config=config)
    await manager.open()
    try:
        path = manager.endpoint_file
        assert path is not None
        assert path.is_file()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.is_relative_to(config.state_dir)
        described = json.loads(path.read_text())
        assert manager.endpoint is not None
        url, token = manager.endpoint
        assert described["url"] == url
        assert described["token"] == token
        assert described["pid"] == os.getpid()
        query = urlencode({"apiToken": described["token"]})
        async with connect(f"{described['url']}?{query}") as socket:
            reply = await Agent(socket).ask("actionBlock", "listActionBlocks")
        assert reply["success"] is True
    finally:
        await manager.close()
    assert not path.exists()


# -- sideExecution.* -------------------------------------------------------------------------------


async def test_start_side_execution_by_name_runs_the_block_with_its_params(
    manager: SideExecutionManager, agent: Agent
) -> None:
    reply = await agent.ask(
        "sideExecution", "startSideExecution", actionBlockPath="echo", params={"word": "ahoy"}
    )
    assert reply["type"] == "startSideExecutionResponse"
    assert reply["success"] is True, reply
    assert "error" not in reply
    execution_id = reply["sideExecutionId"]
    assert execution_id.startswith("side_")
    record = await manager.wait_for_completion(execution_id)
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert record.result["params"] == {"word": "ahoy"}
    assert record.result["sideExecutionId"] == execution_id


async def test_start_side_execution_by_folder_path(
    manager: SideExecutionManager, agent: Agent, blocks: Path
) -> None:
    folder = blocks / "echo"
    reply = await agent.ask(
        "sideExecution", "startSideExecution", actionBlockPath=str(folder), params={}
    )
    assert reply["success"] is True, reply
    record = await manager.wait_for_completion(reply["sideExecutionId"])
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert Path(record.action_block_path or "") == folder.resolve()
    assert record.result["params"] == {"word": "hi"}  # the declared default filled in


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        pytest.param({"actionBlockPath": "no-such-block"}, "no-such-block", id="unknown-block"),
        pytest.param({"actionBlockPath": "echo", "params": {"word": 3}}, "word", id="bad-param"),
        pytest.param({"actionBlockPath": "echo", "params": [1]}, "params", id="params-not-object"),
        pytest.param({"actionBlockPath": "echo", "timeout": -1}, "timeout", id="negative-timeout"),
        pytest.param({"params": {}}, "actionBlockPath", id="neither-path-nor-code"),
        pytest.param({"inlineCode": "   "}, "code", id="blank-code"),
        pytest.param({"inlineCode": "return 1", "language": "cobol"}, "cobol", id="bad-language"),
    ],
)
async def test_a_refused_start_side_execution_says_why_and_starts_nothing(
    manager: SideExecutionManager, agent: Agent, fields: dict[str, Any], named: str
) -> None:
    reply = await agent.ask("sideExecution", "startSideExecution", **fields)
    assert reply["type"] == "startSideExecutionResponse"
    assert reply["success"] is False
    assert named in reply["error"]
    assert "sideExecutionId" not in reply
    assert manager.records == []


@pytest.mark.parametrize(
    ("action", "fields", "reply_type"),
    [
        pytest.param(
            "startSideExecution",
            {"actionBlockPath": "echo", "timeout": "soon"},
            "startSideExecutionResponse",
            id="timeout-as-text",
        ),
        pytest.param(
            "listActionBlocks", {"projectPath": 5}, "listActionBlocksResponse", id="path-as-number"
        ),
    ],
)
async def test_a_malformed_field_is_answered_not_met_with_silence(
    manager: SideExecutionManager,
    agent: Agent,
    action: str,
    fields: dict[str, Any],
    reply_type: str,
) -> None:
    malformed = await agent.send("sideExecution", action, **fields)
    sentinel = await agent.send("actionBlock", "getActionBlockDetail", actionBlockName="echo")
    replies: dict[str, dict[str, Any]] = {}
    while sentinel not in replies:  # the endpoint has read both frames and still answers
        reply = await agent.receive()
        replies[reply["requestId"]] = reply
    if malformed not in replies:  # its task was created first: it has had ample time
        with contextlib.suppress(TimeoutError):
            reply = json.loads(await asyncio.wait_for(agent.socket.recv(), AFTER_SENTINEL_S))
            replies[reply["requestId"]] = reply
    assert malformed in replies, "the malformed request was never answered"
    assert replies[malformed]["type"] == reply_type
    if action == "startSideExecution":
        assert replies[malformed]["success"] is False
        assert manager.records == []


async def test_start_side_execution_with_inline_python_runs_it(
    manager: SideExecutionManager, agent: Agent
) -> None:
    code = "import asyncio\nawait asyncio.sleep(0)\nreturn {'sum': params['a'] + params['b']}"
    reply = await agent.ask(
        "sideExecution",
        "startSideExecution",
        inlineCode=code,
        language="python",
        params={"a": 2, "b": 40},
    )
    assert reply["success"] is True, reply
    execution_id = reply["sideExecutionId"]
    record = await manager.wait_for_completion(execution_id)
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert record.result == {"sum": 42}
    status = await agent.ask(
        "sideExecution", "getSideExecutionStatus", sideExecutionId=execution_id
    )
    assert status["success"] is True
    assert status["isRuntimeCode"] is True
    assert status["status"] == "completed"
    assert status["result"] == {"sum": 42}
    assert status["name"] == "<inline python>"


@needs_node
async def test_start_side_execution_with_inline_javascript_runs_it(
    manager: SideExecutionManager, agent: Agent
) -> None:
    code = "await new Promise((done) => setImmediate(done));\nreturn params.words.join('-');"
    reply = await agent.ask(
        "sideExecution", "startSideExecution", inlineCode=code, params={"words": ["a", "b"]}
    )
    assert reply["success"] is True, reply
    execution_id = reply["sideExecutionId"]
    record = await manager.wait_for_completion(execution_id)
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert record.result == "a-b"
    status = await agent.ask(
        "sideExecution", "getSideExecutionStatus", sideExecutionId=execution_id
    )
    assert status["isRuntimeCode"] is True
    assert status["result"] == "a-b"
    assert status["name"] == "<inline javascript>"


async def test_stop_side_execution_stops_a_running_block_and_its_process(
    manager: SideExecutionManager, agent: Agent, tmp_path: Path
) -> None:
    pidfile = tmp_path / "sleeper.pid"
    started = await agent.ask(
        "sideExecution",
        "startSideExecution",
        actionBlockPath="sleeper",
        params={"pidfile": str(pidfile)},
    )
    assert started["success"] is True, started
    execution_id = started["sideExecutionId"]
    pid = int(await file_text_async(pidfile))
    running = await agent.ask(
        "sideExecution", "getSideExecutionStatus", sideExecutionId=execution_id
    )
    assert running["status"] == "running"
    assert "result" not in running and "error" not in running

    stopped = await agent.ask("sideExecution", "stopSideExecution", sideExecutionId=execution_id)
    assert stopped["type"] == "stopSideExecutionResponse"
    assert stopped["success"] is True, stopped
    assert "error" not in stopped
    status = await agent.ask(
        "sideExecution", "getSideExecutionStatus", sideExecutionId=execution_id
    )
    assert status["status"] == "stopped"
    assert pids_alive([pid]) == []


async def test_stop_side_execution_of_an_unknown_id_fails(agent: Agent) -> None:
    reply = await agent.ask("sideExecution", "stopSideExecution", sideExecutionId="side_0_nothing")
    assert reply["type"] == "stopSideExecutionResponse"
    assert reply["success"] is False
    assert "side_0_nothing" in reply["error"]


async def test_get_side_execution_status_has_every_field_of_a_completed_block(
    manager: SideExecutionManager, agent: Agent
) -> None:
    before_ms = time.time() * 1000
    started = await agent.ask("sideExecution", "startSideExecution", actionBlockPath="echo")
    execution_id = started["sideExecutionId"]
    await manager.wait_for_completion(execution_id)
    after_ms = time.time() * 1000
    reply = await agent.ask("sideExecution", "getSideExecutionStatus", sideExecutionId=execution_id)
    assert reply["type"] == "getSideExecutionStatusResponse"
    assert reply["success"] is True
    assert reply["sideExecutionId"] == execution_id
    assert reply["status"] == "completed"
    assert reply["name"] == "echo"
    record = manager.get_record(execution_id)
    assert record is not None
    assert reply["threadId"] == record.thread_id != manager.agent.thread_id  # the agent's own
    assert isinstance(reply["startTime"], int) and not isinstance(reply["startTime"], bool)
    assert before_ms - 1000 <= reply["startTime"] <= after_ms  # epoch milliseconds
    assert reply["isRuntimeCode"] is False
    assert reply["result"]["params"] == {"word": "hi"}
    assert "error" not in reply


async def test_get_side_execution_status_of_a_failed_block_carries_the_error(
    manager: SideExecutionManager, agent: Agent
) -> None:
    started = await agent.ask("sideExecution", "startSideExecution", actionBlockPath="fails")
    execution_id = started["sideExecutionId"]
    await manager.wait_for_completion(execution_id)
    reply = await agent.ask("sideExecution", "getSideExecutionStatus", sideExecutionId=execution_id)
    assert reply["success"] is True
    assert reply["status"] == "failed"
    assert reply["error"] == "the ledger does not balance"
    assert "result" not in reply


async def test_get_side_execution_status_of_an_unknown_id_fails(agent: Agent) -> None:
    reply = await agent.ask(
        "sideExecution", "getSideExecutionStatus", sideExecutionId="side_0_nothing"
    )
    assert reply["type"] == "getSideExecutionStatusResponse"
    assert reply["success"] is False
    assert reply["error"]


async def test_side_execution_list_action_blocks_of_this_or_another_project(
    agent: Agent, tmp_path: Path
) -> None:
    here = await agent.ask("sideExecution", "listActionBlocks")
    assert here["type"] == "listActionBlocksResponse"
    assert here["success"] is True
    assert {block["name"] for block in here["actionBlocks"]} == NAMES

    other = tmp_path / "other-project"
    write_block(other / "actionblocks", "elsewhere", "print('x')", PY)
    there = await agent.ask("sideExecution", "listActionBlocks", projectPath=str(other))
    assert there["success"] is True
    assert {block["name"] for block in there["actionBlocks"]} == {"elsewhere"}
    assert all(set(block) >= BLOCK_KEYS for block in there["actionBlocks"])


# -- actionBlock.* ---------------------------------------------------------------------------------


async def test_action_block_list_filters_by_type(agent: Agent) -> None:
    everything = await agent.ask("actionBlock", "listActionBlocks")
    assert everything["type"] == "listActionBlocksResponse"
    assert {block["name"] for block in everything["actionBlocks"]} == NAMES

    filesystem = await agent.ask("actionBlock", "listActionBlocks", filterType="filesystem")
    assert filesystem["success"] is True
    assert {block["name"] for block in filesystem["actionBlocks"]} == NAMES
    for block in filesystem["actionBlocks"]:
        assert block["type"] == "filesystem"
        assert set(block) >= BLOCK_KEYS, block

    builtin = await agent.ask("actionBlock", "listActionBlocks", filterType="builtin")
    assert builtin["success"] is True
    assert not NAMES & {block["name"] for block in builtin["actionBlocks"]}


async def test_get_action_block_detail_is_the_block_object(agent: Agent, blocks: Path) -> None:
    reply = await agent.ask("actionBlock", "getActionBlockDetail", actionBlockName="echo")
    assert reply["type"] == "getActionBlockDetailResponse"
    assert reply["success"] is True
    block = reply["actionBlock"]
    assert set(block) >= BLOCK_KEYS
    assert block["name"] == "echo"
    assert block["description"] == "returns its params and context"
    assert block["version"] == "2.1.0"
    assert block["entryPoint"] == "main.py"
    assert Path(block["path"]) == (blocks / "echo").resolve()
    assert block["type"] == "filesystem"
    metadata = block["metadata"]
    assert metadata["author"] == "Ada"
    assert metadata["tags"] == ["sample", "echo"]
    assert [spec["name"] for spec in metadata["inputs"]] == ["word"]
    assert metadata["outputs"] == []
    assert metadata["source"] == "project"


async def test_get_action_block_detail_of_an_unknown_name_fails(agent: Agent) -> None:
    reply = await agent.ask("actionBlock", "getActionBlockDetail", actionBlockName="ghost")
    assert reply["type"] == "getActionBlockDetailResponse"
    assert reply["success"] is False
    assert "ghost" in reply["error"]
    assert "actionBlock" not in reply


async def test_start_action_block_answers_once_finished_with_the_result(
    manager: SideExecutionManager, agent: Agent
) -> None:
    reply = await agent.ask(
        "actionBlock", "startActionBlock", actionBlockName="echo", params={"word": "done"}
    )
    assert reply["type"] == "startActionBlockResponse"
    assert reply["success"] is True, reply
    assert "error" not in reply
    execution_id = reply["sideExecutionId"]
    assert reply["result"]["params"] == {"word": "done"}
    assert reply["result"]["sideExecutionId"] == execution_id
    record = manager.get_record(execution_id)
    assert record is not None
    assert record.status is ExecutionStatus.COMPLETED  # final before the reply left


async def test_start_action_block_of_a_failing_block_fails_with_its_error(
    manager: SideExecutionManager, agent: Agent
) -> None:
    reply = await agent.ask("actionBlock", "startActionBlock", actionBlockName="fails")
    assert reply["type"] == "startActionBlockResponse"
    assert reply["success"] is False
    assert reply["error"] == "the ledger does not balance"
    assert "result" not in reply
    record = manager.get_record(reply["sideExecutionId"])
    assert record is not None and record.status is ExecutionStatus.FAILED


async def test_start_action_block_of_an_unknown_block_fails_at_once(
    manager: SideExecutionManager, agent: Agent
) -> None:
    reply = await agent.ask("actionBlock", "startActionBlock", actionBlockName="ghost")
    assert reply["type"] == "startActionBlockResponse"
    assert reply["success"] is False
    assert "ghost" in reply["error"]
    assert manager.records == []


# -- what is not served ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        ("foo", "bar"),
        ("sideExecution", "frobnicate"),
        ("actionBlock", "startSideExecution"),
        ("sideExecution", "startActionBlock"),
    ],
)
async def test_an_unknown_request_gets_an_error_reply_not_silence(
    agent: Agent, kind: str, action: str
) -> None:
    request_id = await agent.send(kind, action, actionBlockName="echo")
    reply = await agent.receive()
    assert reply == {
        "type": f"{action}Response",
        "success": False,
        "requestId": request_id,
        "error": f"{kind}.{action} is not served by sidetui",
        "code": "INVALID_REQUEST",
        "data": {},
    }


async def test_garbage_does_not_end_an_agent_connection(agent: Agent) -> None:
    for frame in ("not json", "[1, 2]", '"text"', json.dumps({"no": "requestId"})):
        await agent.socket.send(frame)
    reply = await agent.ask("actionBlock", "getActionBlockDetail", actionBlockName="echo")
    assert reply["success"] is True


# -- concurrency -----------------------------------------------------------------------------------


async def test_a_slow_start_action_block_does_not_hold_up_later_requests(
    agent: Agent, tmp_path: Path
) -> None:
    release = tmp_path / "release"
    slow = await agent.send(
        "actionBlock", "startActionBlock", actionBlockName="gate", params={"release": str(release)}
    )
    listing = await agent.send("actionBlock", "listActionBlocks")
    detail = await agent.send("actionBlock", "getActionBlockDetail", actionBlockName="gate")
    first, second = await agent.receive(), await agent.receive()
    assert {first["requestId"], second["requestId"]} == {listing, detail}
    release.write_text("go")
    last = await agent.receive()
    assert last["requestId"] == slow
    assert last["success"] is True, last
    assert last["result"] == {"released": str(release)}


async def test_two_blocks_in_flight_are_answered_in_the_order_they_finish(
    agent: Agent, tmp_path: Path
) -> None:
    first_gate, second_gate = tmp_path / "first", tmp_path / "second"
    first = await agent.send(
        "actionBlock",
        "startActionBlock",
        actionBlockName="gate",
        params={"release": str(first_gate)},
    )
    second = await agent.send(
        "actionBlock",
        "startActionBlock",
        actionBlockName="gate",
        params={"release": str(second_gate)},
    )
    second_gate.write_text("go")
    reply = await agent.receive()
    assert reply["requestId"] == second
    assert reply["result"] == {"released": str(second_gate)}
    first_gate.write_text("go")
    reply = await agent.receive()
    assert reply["requestId"] == first
    assert reply["result"] == {"released": str(first_gate)}
    assert reply["sideExecutionId"] != second


# -- a child as an agent ---------------------------------------------------------------------------


async def test_a_child_starts_a_block_as_its_parent_agent_in_its_own_thread(
    manager: SideExecutionManager, blocks: Path
) -> None:
    await manager.rescan()
    started = await manager.start_with_action_block(
        "starter", {"target": "echo"}, thread_id="thread_of_the_starter", parent_agent_id="agent_x"
    )
    assert started.data is not None, started
    starter_id = started.data["sideExecutionId"]
    starter = await manager.wait_for_completion(starter_id)
    assert starter.status is ExecutionStatus.COMPLETED, (starter.error, starter.error_output)
    reply = starter.result["reply"]
    assert reply["type"] == "startSideExecutionResponse"
    assert reply["success"] is True, reply
    assert starter.result["seen"][-1] == "startSideExecutionResponse"

    child = await manager.wait_for_completion(reply["sideExecutionId"])
    assert child.status is ExecutionStatus.COMPLETED, child.error
    assert child.parent_agent_id == starter_id
    assert child.thread_id == "thread_of_the_starter"
    assert child.result["params"] == {"sent": "by the starter", "word": "hi"}
    assert child.result["parentAgentId"] == starter_id  # what the child itself was told
    assert child.result["threadId"] == "thread_of_the_starter"
