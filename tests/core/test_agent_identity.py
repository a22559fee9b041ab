"""Agents on the WebSocket endpoint have their own identity, and the replies they read carry
every field both flat and in `data`.

An agent connects with the API token and its ids in the query, as the codeboltjs SDK sends them
(`agentId`, its connection `id`, `threadId` forwarded from its environment); what it starts carries
them, `stopAllForParent` targets them, and it is told when what it started ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sidetui.core import ErrorCode, ExecutionStatus, SideExecutionManager
from tests.core.agent_client import Agent, agent_of
from tests.helpers import PIDFILE_SLEEPER, file_text_async, pids_alive, write_block

ECHO = """
from sidetui.block import on_invocation

@on_invocation
def main(params, context):
    return {"params": params, "messages": context["messages"]}
"""

OWN_CODE = """
from sidetui.block import BlockError, on_invocation

@on_invocation
def main(params, context):
    raise BlockError("the ledger does not balance", "LEDGER_UNBALANCED")
"""


@pytest.fixture
async def blocks(project: Path) -> Path:
    folder = project / "actionblocks"
    write_block(folder, "echo", ECHO, {"entryPoint": "main.py"})
    write_block(folder, "sleeper", PIDFILE_SLEEPER, {"entryPoint": "main.py"})
    write_block(folder, "own-code", OWN_CODE, {"entryPoint": "main.py"})
    return folder


@pytest.fixture
async def first(manager: SideExecutionManager, blocks: Path) -> AsyncIterator[Agent]:
    async with agent_of(manager, agentId="planner", id="ws_planner_1", threadId="t-1") as agent:
        yield agent


async def test_an_agents_ids_go_on_what_it_starts_and_it_hears_when_it_ends(
    manager: SideExecutionManager, first: Agent
) -> None:
    thread = [{"role": "user", "content": "count to three"}]
    reply = await first.ask(
        "sideExecution",
        "startSideExecution",
        actionBlockPath="echo",
        params={"n": 3},
        threadMessages=thread,
    )
    assert reply["success"] is True, reply
    execution_id = reply["sideExecutionId"]
    assert reply["data"] == {"sideExecutionId": execution_id}
    notice = await first.pushed_message("sideExecutionResult")
    assert notice["sideExecutionId"] == execution_id
    assert notice["success"] is True
    assert notice["status"] == "completed"
    assert notice["threadId"] == "t-1"
    assert notice["result"]["params"] == {"n": 3}
    [message] = notice["result"]["messages"]
    assert (message["sender"], message["content"], message["threadId"]) == (
        "user",
        "count to three",
        "t-1",
    )
    assert {"messageId", "timestamp", "templateType", "payload"} <= message.keys()
    record = manager.get_record(execution_id)
    assert record is not None
    assert (record.parent_agent_id, record.parent_agent_instance_id, record.thread_id) == (
        "planner",
        "ws_planner_1",
        "t-1",
    )
    assert record.parent_execution_id is None


async def test_two_agents_are_told_apart_and_stop_all_for_parent_stops_one_of_them(
    manager: SideExecutionManager, first: Agent, tmp_path: Path
) -> None:
    async with agent_of(manager, agentId="writer", id="ws_writer_1") as second:
        mine, theirs = [], []
        for agent, kept, name in ((first, mine, "a"), (second, theirs, "b")):
            for n in range(2):
                pidfile = tmp_path / f"{name}{n}"
                reply = await agent.ask(
                    "sideExecution",
                    "startSideExecution",
                    actionBlockPath="sleeper",
                    params={"pidfile": str(pidfile)},
                )
                assert reply["success"] is True, reply
                kept.append((reply["sideExecutionId"], int(await file_text_async(pidfile))))
        reply = await first.ask("sideExecution", "stopAllForParent")
        assert reply["success"] is True, reply
        assert sorted(reply["stopped"]) == sorted(reply["data"]["stopped"])
        assert sorted(reply["stopped"]) == sorted(i for i, _ in mine)
        assert pids_alive([pid for _, pid in mine]) == []
        assert pids_alive([pid for _, pid in theirs]) == [pid for _, pid in theirs]
        statuses = {manager.get_record(i).status for i, _ in theirs}  # type: ignore[union-attr]
        assert statuses == {ExecutionStatus.RUNNING}
        by_request = await first.ask(
            "sideExecution", "stopAllForParent", parentAgentInstanceId="ws_writer_1"
        )
        assert sorted(by_request["stopped"]) == sorted(i for i, _ in theirs)
        assert pids_alive([pid for _, pid in theirs]) == []


async def test_an_agent_waits_for_a_capability_and_is_told_when_it_ends(
    manager: SideExecutionManager, first: Agent, project: Path
) -> None:
    capability = project / ".claude" / "skills" / "greet"
    capability.mkdir(parents=True)
    (capability / "SKILL.md").write_text("---\nname: greet\n---\nSay hello to {who}.\n")
    await manager.rescan()
    started = await first.ask(
        "capability",
        "startCapability",
        capabilityName="greet",
        capabilityType="skill",
        params={"who": "Ada"},
    )
    assert started["success"] is True, started
    execution_id = started["executionId"]
    assert started["data"]["executionId"] == execution_id
    done = await first.ask("capability", "waitForCompletion", executionId=execution_id)
    assert done["type"] == "waitForCompletionResponse"
    assert done["success"] is True, done
    assert done["executionId"] == done["data"]["executionId"] == execution_id
    assert done["capabilityPath"] == str(capability.resolve())
    assert done["result"] == "Say hello to {who}."
    assert done["additionalContext"] == {"format": "markdown", "skill": "greet"}
    notice = await first.pushed_message("capabilityExecutionResult")
    assert notice["executionId"] == execution_id
    assert notice["success"] is True
    record = manager.get_record(started["sideExecutionId"])
    assert record is not None
    assert record.parent_agent_instance_id == "ws_planner_1"


async def test_an_unserved_request_is_answered_with_its_name(first: Agent) -> None:
    reply = await first.ask("fsEvent", "readFile", filePath="/etc/hostname")
    assert reply["type"] == "readFileResponse"
    assert reply["success"] is False
    assert reply["error"] == "fs.readFile is not served by sidetui"
    assert reply["data"] == {}
    bare = await first.ask("browserEvent", "")
    assert bare["error"] == "browser is not served by sidetui"


async def test_a_blocks_own_error_code_is_kept(manager: SideExecutionManager, blocks: Path) -> None:
    await manager.rescan()
    started = await manager.start_with_action_block("own-code")
    assert started.data is not None
    record = await manager.wait_for_completion(started.data["sideExecutionId"])
    assert record.error is not None
    assert record.error.code == "LEDGER_UNBALANCED"
    assert record.error.to_dict()["code"] == "LEDGER_UNBALANCED"
    assert record.error.message == "the ledger does not balance"


async def test_catalog_calls_before_the_manager_is_open_are_refused(project: Path, config) -> None:
    closed = SideExecutionManager(project, config=config)
    for response in (
        await closed.list_action_blocks(),
        await closed.capabilities.list_capabilities(),
        await closed.capabilities.get_capability_detail("greet", "skill"),
        await closed.capabilities.list_executors(),
    ):
        assert response.success is False
        assert response.error is not None
        assert response.error.code is ErrorCode.REGISTRY_NOT_INITIALIZED


async def test_the_status_of_an_earlier_run_comes_from_the_history(
    project: Path, config, blocks: Path
) -> None:
    async with SideExecutionManager(project, config=config) as earlier:
        started = await earlier.start_with_action_block("echo", {"n": 1})
        assert started.data is not None
        execution_id = started.data["sideExecutionId"]
        await earlier.wait_until_settled(execution_id)
    async with SideExecutionManager(project, config=config) as later:
        status = await later.get_status(execution_id)
        assert status.success is True, status.message
        assert status.data is not None
        assert status.data["status"] == "completed"
        assert status.data["result"]["params"] == {"n": 1}
        async with agent_of(later) as agent:
            reply = await agent.ask(
                "sideExecution", "getSideExecutionStatus", sideExecutionId=execution_id
            )
            assert reply["success"] is True, reply
            assert reply["status"] == reply["data"]["status"] == "completed"
        unknown = await later.get_status("side_0_00000000")
        assert unknown.error is not None
        assert unknown.error.code is ErrorCode.SIDE_EXECUTION_NOT_FOUND


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("javascript", "return { data, sum: a + b, params };"),
        ("python", "return {'data': data, 'sum': a + b, 'params': params}"),
    ],
)
async def test_inline_code_has_each_named_param_in_scope(
    manager: SideExecutionManager, language: str, code: str
) -> None:
    params = {"data": [1, 2], "a": 2, "b": 3, "not a name": 1}
    started = await manager.start_with_code(code, params, language=language)
    assert started.data is not None
    record = await asyncio.wait_for(
        manager.wait_for_completion(started.data["sideExecutionId"]), 30
    )
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert record.result == {"data": [1, 2], "sum": 5, "params": params}


async def test_inline_code_that_declares_a_params_name_itself_still_runs(
    manager: SideExecutionManager,
) -> None:
    started = await manager.start_with_code(
        "const data = 7; return data + params.data;", {"data": 1}
    )
    assert started.data is not None
    record = await manager.wait_for_completion(started.data["sideExecutionId"])
    assert record.status is ExecutionStatus.COMPLETED, record.error
    assert record.result == 8
