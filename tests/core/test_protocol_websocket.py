"""The WebSocket endpoint as codeboltjs children meet it: registration, invocation, completion,
and every refusal (forged tokens, second connections, foreign results, garbage, huge frames).

`SDK_CLIENT` is a Python copy of what `@codebolt/codeboltjs` does on the wire; refusals are driven
from the test itself with the token the child wrote down from its own environment.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from websockets.asyncio.client import ClientConnection, connect

from sidetui.core import (
    EngineConfig,
    ErrorCode,
    ExecutionRecord,
    ExecutionStatus,
    SideExecutionManager,
    StatusChanged,
)
from tests.helpers import next_event, pids_alive, write_block

DEADLINE_S = 15
SOCKET_BLOCK = {"entryPoint": "main.py", "protocol": "websocket"}

# What the codeboltjs SDK does (core/websocket.ts and onActionBlockInvocation), with `websockets`.
SDK_CLIENT = """\
import asyncio, inspect, json, os, random, string, sys
from urllib.parse import quote

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

KNOWN = {
    "SOCKET_PORT", "CODEBOLT_SERVER_URL", "agentId", "parentId", "parentAgentInstanceId",
    "agentTask", "threadToken", "Is_Dev", "PATH", "NODE_ENV", "HOME", "USER", "SHELL",
}
METADATA = ("sideExecutionId", "threadId", "parentAgentId", "parentAgentInstanceId", "timestamp")


def encode(text):
    return quote(text, safe="!*'()")  # encodeURIComponent


def random_part(length):
    return "".join(random.choices(string.ascii_lowercase + string.digits, k=length))


def sdk_url():
    env = os.environ
    url = (
        f"ws://{env.get('CODEBOLT_SERVER_URL', 'localhost')}:{env.get('SOCKET_PORT', '12345')}"
        f"/codebolt?id=ws_{random_part(8)}_{random_part(11)}"
    )
    for name in ("agentId", "parentId", "parentAgentInstanceId", "agentTask"):
        if env.get(name):
            url += f"&{name}={env[name]}"
    if env.get("threadToken"):
        url += f"&threadToken={encode(env['threadToken'])}"
    for key, value in env.items():
        if key not in KNOWN and value and not key.startswith(("npm_", "_")):
            url += f"&{encode(key)}={encode(value)}"
    if env.get("Is_Dev"):
        url += "&dev=true"
    return url


def request_id():
    return f"{random_part(8)}-{random_part(4)}"


async def serve(handler):
    async with connect(sdk_url(), max_size=None) as socket:
        try:
            async for frame in socket:
                message = json.loads(frame)
                if message.get("type") != "actionBlockInvocation":
                    continue  # `registered` and anything else: the SDK does not care
                context = {**(message.get("threadContext") or {})}
                context["params"] = message.get("params") or {}
                metadata = {key: message.get(key) for key in METADATA}
                reply = {
                    "type": "actionBlockComplete",
                    "sideExecutionId": message.get("sideExecutionId"),
                    "requestId": request_id(),
                }
                try:
                    result = handler(context, metadata)
                    if inspect.isawaitable(result):
                        result = await result
                    if result is not None:
                        reply["result"] = result
                except Exception as error:
                    reply["error"] = str(error)
                await socket.send(json.dumps(reply))
        except ConnectionClosed:
            pass
    print(f"closed by the server: {socket.close_code}", flush=True)


def on_action_block_invocation(handler):
    asyncio.run(serve(handler))
"""

SDK_BLOCK = """\
from codebolt_sdk import on_action_block_invocation


async def handle(thread_context, metadata):
    params = thread_context["params"]
    if "fail" in params:
        raise RuntimeError(params["fail"])
    if "nothing" in params:
        return None
    if "blob" in params:
        return {"blob": "x" * params["blob"]}
    return {
        "product": params["a"] * params["b"],
        "threadContext": thread_context,
        "metadata": metadata,
    }


on_action_block_invocation(handle)
"""

# A block that expects to connect but leaves it to the test: it writes down its environment
# (id, token, port) and waits until the test drops a `leave-<id>` file holding its exit code.
WAITING_BLOCK = """\
import json, os, time
from pathlib import Path

me = os.environ["SIDE_EXECUTION_ID"]
Path(f"env-{me}.tmp").write_text(json.dumps(dict(os.environ)))
os.replace(f"env-{me}.tmp", f"env-{me}.json")
leave = Path(f"leave-{me}")
while not leave.exists():
    time.sleep(0.02)
raise SystemExit(int(leave.read_text()))
"""


def sdk_block(project: Path, name: str = "sdk") -> Path:
    return write_block(
        project / "actionblocks",
        name,
        SDK_BLOCK,
        SOCKET_BLOCK,
        files={"codebolt_sdk.py": SDK_CLIENT},
    )


def waiting_block(project: Path, name: str = "waiting") -> Path:
    return write_block(project / "actionblocks", name, WAITING_BLOCK, SOCKET_BLOCK)


async def start(manager: SideExecutionManager, name: str, params=None, **lineage) -> str:
    await manager.rescan()
    started = await manager.start_with_action_block(name, params, **lineage)
    assert started.success, started
    return str(started.data["sideExecutionId"])


async def settled(manager: SideExecutionManager, execution_id: str) -> ExecutionRecord:
    async with asyncio.timeout(DEADLINE_S):
        return await manager.wait_until_settled(execution_id)


class WaitingChild:
    """A started `WAITING_BLOCK` execution, seen through what its child wrote down."""

    def __init__(self, execution_id: str, folder: Path, env: dict[str, str]):
        self.id = execution_id
        self.folder = folder
        self.env = env

    @classmethod
    async def start(cls, manager: SideExecutionManager, folder: Path, params=None) -> WaitingChild:
        execution_id = await start(manager, folder.name, params)
        written = folder / f"env-{execution_id}.json"
        async with asyncio.timeout(DEADLINE_S):
            while not written.exists():
                await asyncio.sleep(0.01)
        return cls(execution_id, folder, json.loads(written.read_text()))

    def url(self, **query: str | None) -> str:
        """The child's connection URL; `query` overrides (None drops a parameter)."""
        fields: dict[str, str | None] = {
            "id": "ws_test",
            "agentId": self.id,
            "SIDE_EXECUTION_TOKEN": self.env["SIDE_EXECUTION_TOKEN"],
            **query,
        }
        host, port = self.env["CODEBOLT_SERVER_URL"], self.env["SOCKET_PORT"]
        kept = {key: value for key, value in fields.items() if value is not None}
        return f"ws://{host}:{port}/codebolt?{urlencode(kept)}"

    def leave(self, code: int) -> None:
        (self.folder / f"leave-{self.id}").write_text(str(code))


async def receive(socket: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(DEADLINE_S):
        message = json.loads(await socket.recv())
    assert isinstance(message, dict)
    return message


async def closed_with(socket: ClientConnection) -> int | None:
    """The close code, once the server has closed `socket`."""
    async with asyncio.timeout(DEADLINE_S):
        await socket.wait_closed()
    return socket.close_code


async def connected(child: WaitingChild, **query: str | None) -> ClientConnection:
    """A connection as `child` that has been registered and received its invocation."""
    socket = await connect(child.url(**query))
    assert (await receive(socket))["type"] == "registered"
    assert (await receive(socket))["type"] == "actionBlockInvocation"
    return socket


async def statuses_until_final(events) -> list[ExecutionStatus]:
    seen: list[ExecutionStatus] = []
    while not seen or not seen[-1].is_final:
        event = await next_event(events, lambda e: isinstance(e, StatusChanged))
        seen.append(event.status)
    return seen


@pytest.fixture
def quick_grace(config: EngineConfig) -> EngineConfig:
    """Children the test left waiting are killed soon after their result."""
    config.result_grace_ms = 100
    return config


# -- a child that behaves as the codeboltjs SDK does ---------------------------------------------


async def test_an_sdk_child_gets_params_and_context_and_its_result_is_captured(
    manager, project
) -> None:
    sdk_block(project)
    events = manager.subscribe(output=False)
    params = {"a": 6, "b": 7}
    execution_id = await start(
        manager,
        "sdk",
        params,
        thread_id="thread-ws",
        parent_agent_id="agent-ws",
        parent_agent_instance_id="instance-ws",
    )
    record = await settled(manager, execution_id)
    assert record.status is ExecutionStatus.COMPLETED, (record.error, record.error_output)
    result = record.result
    assert result["product"] == 42
    context = result["threadContext"]
    assert context["params"] == params
    assert context["threadId"] == "thread-ws"
    assert context["projectPath"] == str(project.resolve())
    assert context["agentId"] == "agent-ws"
    metadata = result["metadata"]
    assert metadata["sideExecutionId"] == execution_id
    assert metadata["threadId"] == "thread-ws"
    assert metadata["parentAgentId"] == "agent-ws"
    assert metadata["parentAgentInstanceId"] == "instance-ws"
    assert metadata["timestamp"].endswith("Z")
    # It stayed `starting` until the invocation went out on its socket.
    assert await statuses_until_final(events) == ["starting", "running", "completed"]
    # The server closed the socket after the result and the child left by itself.
    assert record.output.splitlines()[-1] == "closed by the server: 1000"
    assert record.exit_code == 0 and record.signal is None
    assert record.notices == []


async def test_an_sdk_child_that_throws_fails_with_the_message(manager, project) -> None:
    sdk_block(project)
    record = await settled(manager, await start(manager, "sdk", {"fail": "no token budget"}))
    assert record.status is ExecutionStatus.FAILED
    assert record.error.code is ErrorCode.EXECUTION_FAILED
    assert record.error.message == "no token budget"
    assert record.exit_code == 0


async def test_an_sdk_child_that_returns_nothing_completes_with_none(manager, project) -> None:
    sdk_block(project)
    record = await settled(manager, await start(manager, "sdk", {"nothing": True}))
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result is None


async def test_an_sdk_child_with_8_kib_of_params_connects(manager, project) -> None:
    sdk_block(project)
    params = {"a": 2, "b": 3, "text": "words and more words " * 400}  # about 8 KiB
    record = await settled(manager, await start(manager, "sdk", params))
    assert record.status is ExecutionStatus.COMPLETED, (record.error, record.error_output[-300:])
    assert record.result["product"] == 6


# -- the conversation, driven from the test -------------------------------------------------------


async def test_the_server_registers_then_invokes_then_closes_after_the_result(
    manager, project, quick_grace
) -> None:
    folder = waiting_block(project)
    events = manager.subscribe(output=False)
    child = await WaitingChild.start(manager, folder, {"x": 1})
    record = manager.get_record(child.id)
    assert record.status is ExecutionStatus.STARTING  # its process runs, but it has not connected
    async with connect(child.url()) as socket:
        registered = await receive(socket)
        assert registered == {
            "type": "registered",
            "connectionId": child.id,
            "connectionType": "agent",
            "threadId": record.thread_id,
        }
        invocation = await receive(socket)
        assert invocation["type"] == "actionBlockInvocation"
        assert invocation["sideExecutionId"] == child.id
        assert invocation["actionBlockName"] == "waiting"
        assert invocation["params"] == {"x": 1}
        assert invocation["threadId"] == record.thread_id
        assert invocation["parentAgentId"] == record.parent_agent_id
        assert invocation["parentAgentInstanceId"] == record.parent_agent_instance_id
        assert invocation["threadContext"]["projectPath"] == str(project.resolve())
        async with asyncio.timeout(DEADLINE_S):
            while record.status is ExecutionStatus.STARTING:
                await asyncio.sleep(0.01)
        assert record.status is ExecutionStatus.RUNNING
        reply = {"type": "actionBlockComplete", "sideExecutionId": child.id, "result": [1, 2]}
        await socket.send(json.dumps({**reply, "requestId": "r-1"}))
        assert await closed_with(socket) == 1000
        assert socket.protocol.close_rcvd is not None
        assert socket.protocol.close_rcvd_then_sent  # the server closed it, not us
    record = await settled(manager, child.id)
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == [1, 2]
    assert await statuses_until_final(events) == ["starting", "running", "completed"]
    assert pids_alive([record.pid]) == []


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"SIDE_EXECUTION_TOKEN": "forged-token"}, id="wrong-token"),
        pytest.param({"SIDE_EXECUTION_TOKEN": None}, id="no-token"),
        pytest.param({"SIDE_EXECUTION_TOKEN": ""}, id="empty-token"),
        pytest.param({"token": "forged-token", "SIDE_EXECUTION_TOKEN": None}, id="wrong-token-2"),
        pytest.param({"agentId": "side_0_nobody"}, id="unknown-execution"),
        pytest.param({"agentId": None}, id="no-execution-id"),
        pytest.param({"apiToken": "forged", "agentId": None}, id="forged-api-token"),
    ],
)
async def test_refused_connections_are_closed_with_policy_violation(
    manager, project, quick_grace, query
) -> None:
    child = await WaitingChild.start(manager, waiting_block(project))
    async with connect(child.url(**query)) as refused:
        assert await closed_with(refused) == 1008
    record = manager.get_record(child.id)
    assert record.status is ExecutionStatus.STARTING  # not harmed: it may still connect
    socket = await connected(child)
    await socket.send(json.dumps({"type": "actionBlockComplete", "result": "fine"}))
    assert await closed_with(socket) == 1000
    record = await settled(manager, child.id)
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == "fine"


async def test_the_token_may_come_as_token_or_the_id_as_side_execution_id(
    manager, project, quick_grace
) -> None:
    child = await WaitingChild.start(manager, waiting_block(project))
    token = child.env["SIDE_EXECUTION_TOKEN"]
    socket = await connected(
        child, agentId=None, SIDE_EXECUTION_ID=child.id, SIDE_EXECUTION_TOKEN=None, token=token
    )
    await socket.send(json.dumps({"type": "actionBlockComplete", "result": "ok"}))
    assert await closed_with(socket) == 1000
    assert (await settled(manager, child.id)).result == "ok"


async def test_a_token_of_another_execution_is_refused(manager, project, quick_grace) -> None:
    folder = waiting_block(project)
    first = await WaitingChild.start(manager, folder)
    second = await WaitingChild.start(manager, folder)
    crossed = first.url(SIDE_EXECUTION_TOKEN=second.env["SIDE_EXECUTION_TOKEN"])
    async with connect(crossed) as refused:
        assert await closed_with(refused) == 1008
    for child in (first, second):
        assert manager.get_record(child.id).status is ExecutionStatus.STARTING
        child.leave(0)
        await settled(manager, child.id)


async def test_a_second_connection_is_refused_and_the_first_keeps_working(
    manager, project, quick_grace
) -> None:
    child = await WaitingChild.start(manager, waiting_block(project))
    first = await connected(child)
    async with connect(child.url()) as second:
        assert await closed_with(second) == 1008
    await first.send(json.dumps({"type": "x", "action": "y", "requestId": "still-here"}))
    assert (await receive(first))["requestId"] == "still-here"
    await first.send(json.dumps({"type": "actionBlockComplete", "result": "first"}))
    assert await closed_with(first) == 1000
    record = await settled(manager, child.id)
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == "first"
    assert "refused a second WebSocket connection" in record.notices


async def test_a_result_for_another_execution_is_ignored_and_noted(
    manager, project, quick_grace
) -> None:
    folder = waiting_block(project)
    child = await WaitingChild.start(manager, folder)
    other = await WaitingChild.start(manager, folder)
    socket = await connected(child)
    forged = {"type": "actionBlockComplete", "sideExecutionId": other.id, "result": "forged"}
    await socket.send(json.dumps(forged))
    # The conversation goes on: a request after the forged result is still answered.
    await socket.send(json.dumps({"type": "x", "action": "y", "requestId": "after"}))
    assert (await receive(socket))["requestId"] == "after"
    assert manager.get_record(child.id).status is ExecutionStatus.RUNNING
    assert manager.get_record(other.id).status is ExecutionStatus.STARTING
    real = {"type": "actionBlockComplete", "sideExecutionId": child.id, "result": "real"}
    await socket.send(json.dumps(real))
    assert await closed_with(socket) == 1000
    record = await settled(manager, child.id)
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == "real"
    assert any(other.id in notice for notice in record.notices), record.notices
    other_record = manager.get_record(other.id)
    assert other_record.status is ExecutionStatus.STARTING and other_record.result is None
    other.leave(0)
    await settled(manager, other.id)


async def test_garbage_frames_are_ignored_and_the_conversation_goes_on(
    manager, project, quick_grace
) -> None:
    child = await WaitingChild.start(manager, waiting_block(project))
    socket = await connected(child)
    garbage: list[str | bytes] = [
        "this is not json",
        "[1, 2, 3]",
        '"a string"',
        "{",
        b"\x00\xff\xfe binary junk",
        b"[]",
    ]
    for frame in garbage:
        await socket.send(frame)
    await socket.send(json.dumps({"type": "x", "action": "y", "requestId": "still-talking"}))
    reply = await receive(socket)
    assert reply["requestId"] == "still-talking"
    assert manager.get_record(child.id).status is ExecutionStatus.RUNNING
    await socket.send(json.dumps({"type": "actionBlockComplete", "result": {"after": "garbage"}}))
    assert await closed_with(socket) == 1000
    record = await settled(manager, child.id)
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == {"after": "garbage"}
    ignored = [notice for notice in record.notices if "not a JSON object" in notice]
    assert len(ignored) == len(garbage), record.notices


@pytest.mark.parametrize("agent", [False, True], ids=["child", "agent"])
async def test_an_unknown_request_gets_an_error_reply_never_silence(
    manager, project, quick_grace, agent
) -> None:
    if agent:
        url, api_token = manager.endpoint
        socket = await connect(f"{url}?{urlencode({'apiToken': api_token})}")
    else:
        child = await WaitingChild.start(manager, waiting_block(project))
        socket = await connected(child)
    async with socket:
        await socket.send(json.dumps({"type": "x", "action": "nothing"}))  # no requestId: no reply
        await socket.send(json.dumps({"type": "x", "action": "y", "requestId": "req-1"}))
        assert await receive(socket) == {
            "type": "yResponse",
            "success": False,
            "requestId": "req-1",
            "error": "x.y is not served by sidetui",
            "code": "INVALID_REQUEST",
            "data": {},
        }
        if not agent:
            await socket.send(json.dumps({"type": "actionBlockComplete"}))
            assert await closed_with(socket) == 1000
    if not agent:
        record = await settled(manager, child.id)
        assert record.status is ExecutionStatus.COMPLETED and record.result is None


async def test_an_oversized_frame_closes_that_connection_without_corrupting_the_execution(
    project, config: EngineConfig
) -> None:
    config.max_message_bytes = 64 * 1024
    config.result_grace_ms = 100
    folder = waiting_block(project)
    async with SideExecutionManager(project, config=config) as manager:
        child = await WaitingChild.start(manager, folder)
        bystander = await WaitingChild.start(manager, folder)
        calm = await connected(bystander)
        socket = await connected(child)
        huge = {"type": "actionBlockComplete", "result": "x" * (100 * 1024)}
        await socket.send(json.dumps(huge))
        assert await closed_with(socket) == 1009
        record = manager.get_record(child.id)
        assert record.status is ExecutionStatus.RUNNING
        assert record.result is None
        child.leave(3)  # the child gives up: it exits with an error
        record = await settled(manager, child.id)
        assert record.status is ExecutionStatus.FAILED
        assert record.error.code is ErrorCode.PROCESS_CRASHED
        assert record.result is None
        assert any("size limit" in notice for notice in record.notices), record.notices
        # Other connections, and the next execution, are fine.
        await calm.send(json.dumps({"type": "actionBlockComplete", "result": "calm"}))
        assert await closed_with(calm) == 1000
        assert (await settled(manager, bystander.id)).result == "calm"
        following = await WaitingChild.start(manager, folder)
        socket = await connected(following)
        await socket.send(json.dumps({"type": "actionBlockComplete", "result": "x" * 1000}))
        assert await closed_with(socket) == 1000
        record = await settled(manager, following.id)
        assert record.status is ExecutionStatus.COMPLETED
        assert record.result == "x" * 1000


async def test_an_sdk_child_whose_result_is_too_big_does_not_end_completed(
    project, config: EngineConfig
) -> None:
    config.max_message_bytes = 64 * 1024
    sdk_block(project)
    async with SideExecutionManager(project, config=config) as manager:
        record = await settled(manager, await start(manager, "sdk", {"blob": 100 * 1024}))
    assert record.status is not ExecutionStatus.COMPLETED, record.result


async def test_a_websocket_block_that_never_connects_fails_with_connection_failed(
    manager, project, config
) -> None:
    config.connect_timeout_ms = 300
    config.result_grace_ms = 100
    write_block(project / "actionblocks", "mute", "import time; time.sleep(60)", SOCKET_BLOCK)
    events = manager.subscribe(output=False)
    record = await settled(manager, await start(manager, "mute"))
    assert record.status is ExecutionStatus.FAILED
    assert record.error.code is ErrorCode.CONNECTION_FAILED
    assert "did not connect" in record.error.message
    assert await statuses_until_final(events) == ["starting", "failed"]
    assert pids_alive([record.pid]) == []
