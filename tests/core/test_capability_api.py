"""The `capability.*` requests of the agent API, over a real WebSocket to the manager's endpoint.

Each reply is flat (`{type, success, ..., error?, requestId}`); a refusal is `success: false` with
an `error` message. The executors are real: the builtin one and a sleeper to stop.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from websockets.asyncio.client import connect

from sidetui.core import EngineConfig, SideExecutionManager
from tests.core.agent_client import Agent, agent_of
from tests.helpers import file_text_async, pids_alive, write_block

DEADLINE_S = 30
EXECUTION_ID = re.compile(r"^cap_\d{13}_[0-9a-f]{8}$")
METADATA_KEYS = {
    "id", "capabilityName", "capabilityType", "executorName", "sideExecutionId", "threadId",
    "parentAgentId", "parentAgentInstanceId", "startTime", "status",
}  # fmt: skip

ADD = """
def execute(params):
    return {"result": params["a"] + params["b"], "additionalContext": {"op": "add"}}
"""

# Writes its pid where `pidfile` says, then sleeps until stopped.
SLEEPER = """
import os
import time

def execute(params):
    with open(params["pidfile"] + ".tmp", "w") as handle:
        handle.write(str(os.getpid()))
    os.rename(params["pidfile"] + ".tmp", params["pidfile"])
    time.sleep(60)
"""


class CapabilityAgent:
    """An agent that asks `capability` requests."""

    def __init__(self, agent: Agent):
        self.agent = agent
        self.socket = agent.socket

    async def ask(self, action: str, **fields: Any) -> dict[str, Any]:
        return await self.agent.ask("capability", action, **fields)

    async def refused(self, action: str, **fields: Any) -> dict[str, Any]:
        """A request that must be answered `success: false` with an error message."""
        reply = await self.ask(action, **fields)
        assert reply["success"] is False, reply
        assert isinstance(reply.get("error"), str) and reply["error"], reply
        return reply


def capability(project: Path, kind: str, name: str, main_py: str | None, **manifest: Any) -> Path:
    files = {"capability.yaml": json.dumps(manifest)} if manifest else {}
    return write_block(project / "capabilities" / kind, name, main_py, files=files)


@pytest.fixture
def capabilities(project: Path) -> Path:
    capability(project, "power", "add", ADD, author="ann", tags=["math", "quick"])
    capability(project, "power", "sleeper", SLEEPER, author="bob", tags=["slow"])
    capability(project, "talent", "add", ADD, author="ann", tags=["math"])
    capability(project, "gizmo", "orphan", ADD)
    return project


@pytest.fixture
async def agent(
    manager: SideExecutionManager, capabilities: Path
) -> AsyncIterator[CapabilityAgent]:
    async with agent_of(manager) as agent:
        yield CapabilityAgent(agent)


async def status_until_final(agent: CapabilityAgent, execution_id: str) -> dict[str, Any]:
    """`getExecutionStatus` asked again until the status is final; that last reply."""
    end = time.monotonic() + DEADLINE_S
    while True:
        reply = await agent.ask("getExecutionStatus", executionId=execution_id)
        assert (reply["type"], reply["success"]) == ("getExecutionStatusResponse", True), reply
        if reply["execution"]["status"] in ("completed", "failed", "timeout", "stopped"):
            return reply
        assert time.monotonic() < end, f"{execution_id} still {reply['execution']['status']}"
        await asyncio.sleep(0.02)


def named(reply: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((c["type"], c["name"]) for c in reply["capabilities"])


# -- listing and detail ----------------------------------------------------------------------------


async def test_list_capabilities_filters_by_type_tags_and_author(agent: CapabilityAgent) -> None:
    everything = await agent.ask("listCapabilities")
    assert (everything["type"], everything["success"]) == ("listCapabilitiesResponse", True)
    assert named(everything) == [
        ("gizmo", "orphan"),
        ("power", "add"),
        ("power", "sleeper"),
        ("talent", "add"),
    ]
    by_type = await agent.ask("listCapabilities", filter={"type": "power"})
    assert named(by_type) == [("power", "add"), ("power", "sleeper")]
    by_tags = await agent.ask("listCapabilities", filter={"tags": ["math", "quick"]})
    assert named(by_tags) == [("power", "add")]
    by_author = await agent.ask("listCapabilities", filter={"author": "ann"})
    assert named(by_author) == [("power", "add"), ("talent", "add")]
    combined = await agent.ask("listCapabilities", filter={"type": "talent", "tags": ["math"]})
    assert named(combined) == [("talent", "add")]
    shown = next(c for c in by_type["capabilities"] if c["name"] == "add")
    assert (shown["metadata"]["author"], shown["metadata"]["tags"]) == ("ann", ["math", "quick"])


async def test_list_capabilities_with_a_filter_that_is_not_an_object_is_refused(
    agent: CapabilityAgent,
) -> None:
    reply = await agent.refused("listCapabilities", filter="power")
    assert reply["type"] == "listCapabilitiesResponse"


async def test_get_capability_detail_with_a_type_and_its_refusals(
    agent: CapabilityAgent, capabilities: Path
) -> None:
    reply = await agent.ask("getCapabilityDetail", capabilityName="add", capabilityType="talent")
    assert (reply["type"], reply["success"]) == ("getCapabilityDetailResponse", True)
    detail = reply["capability"]
    assert (detail["name"], detail["type"], detail["path"]) == (
        "add",
        "talent",
        str(capabilities / "capabilities" / "talent" / "add"),
    )
    assert (detail["valid"], detail["errors"]) == (True, [])

    several = await agent.refused("getCapabilityDetail", capabilityName="add")
    assert several["type"] == "getCapabilityDetailResponse"
    assert "capability" not in several
    unknown = await agent.refused(
        "getCapabilityDetail", capabilityName="nothing", capabilityType="power"
    )
    assert unknown["code"] == "CAPABILITY_NOT_FOUND"


async def test_list_executors_shows_the_builtin_with_the_types_it_serves(
    agent: CapabilityAgent,
) -> None:
    reply = await agent.ask("listExecutors")
    assert (reply["type"], reply["success"]) == ("listExecutorsResponse", True)
    executors = {e["name"]: e for e in reply["executors"]}
    assert set(executors) == {"default"}
    default = executors["default"]
    assert default["serving"] == ["power", "skill", "talent"]
    assert (default["source"], default["valid"], default["errors"]) == ("builtin", True, [])


async def test_an_unknown_capability_action_is_refused(agent: CapabilityAgent) -> None:
    reply = await agent.refused("listExecutorz")
    assert "listExecutorz" in reply["error"]


# -- starting, following and stopping ----------------------------------------------------------


async def test_start_capability_then_its_status_until_completed(
    agent: CapabilityAgent, manager: SideExecutionManager
) -> None:
    started = await agent.ask(
        "startCapability",
        capabilityName="add",
        capabilityType="power",
        params={"a": 2, "b": 40},
        timeout=20_000,
    )
    assert (started["type"], started["success"]) == ("startCapabilityResponse", True), started
    execution_id = started["executionId"]
    assert EXECUTION_ID.match(execution_id), execution_id

    final = await status_until_final(agent, execution_id)
    execution = final["execution"]
    assert set(execution) == METADATA_KEYS
    assert execution["status"] == "completed"
    assert (execution["id"], execution["capabilityName"], execution["capabilityType"]) == (
        execution_id,
        "add",
        "power",
    )
    assert execution["executorName"] == "default"
    done = await asyncio.wait_for(
        manager.capabilities.wait_for_completion(execution_id), DEADLINE_S
    )
    assert (done["result"], done["additionalContext"]) == (42, {"op": "add"})


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        pytest.param(
            {"capabilityName": "nothing", "capabilityType": "power"},
            "CAPABILITY_NOT_FOUND",
            id="unknown",
        ),
        pytest.param(
            {"capabilityName": "orphan", "capabilityType": "gizmo"},
            "EXECUTOR_NOT_FOUND",
            id="no-executor",
        ),
        pytest.param(
            {"capabilityName": "add", "capabilityType": "power", "params": "a=1"},
            "INVALID_REQUEST",
            id="params-not-object",
        ),
    ],
)
async def test_start_capability_refusals(
    agent: CapabilityAgent, manager: SideExecutionManager, fields: dict[str, Any], code: str
) -> None:
    reply = await agent.refused("startCapability", **fields)
    assert reply["type"] == "startCapabilityResponse"
    assert reply["code"] == code
    assert "executionId" not in reply
    assert manager.records == []


async def test_get_execution_status_of_an_unknown_id_is_refused(agent: CapabilityAgent) -> None:
    reply = await agent.refused("getExecutionStatus", executionId="cap_0000000000000_00000000")
    assert reply["type"] == "getExecutionStatusResponse"
    assert "execution" not in reply


async def test_stop_capability_stops_a_running_one_and_refuses_an_unknown_id(
    agent: CapabilityAgent, tmp_path: Path
) -> None:
    pidfile = tmp_path / "sleeper.pid"
    started = await agent.ask(
        "startCapability",
        capabilityName="sleeper",
        capabilityType="power",
        params={"pidfile": str(pidfile)},
    )
    assert started["success"] is True, started
    execution_id = started["executionId"]
    pid = int(await file_text_async(pidfile))
    running = await agent.ask("getExecutionStatus", executionId=execution_id)
    assert running["execution"]["status"] == "running"

    stopped = await agent.ask("stopCapability", executionId=execution_id)
    assert (stopped["type"], stopped["success"]) == ("stopCapabilityResponse", True), stopped
    final = await status_until_final(agent, execution_id)
    assert final["execution"]["status"] == "stopped"
    assert pids_alive([pid]) == []

    unknown = await agent.refused("stopCapability", executionId="cap_0000000000000_00000000")
    assert unknown["type"] == "stopCapabilityResponse"


async def test_a_timeout_that_is_not_a_number_is_refused_and_leaves_nothing_behind(
    project: Path, capabilities: Path, config: EngineConfig
) -> None:
    manager = SideExecutionManager(project, config=config)
    await manager.open()
    assert manager.endpoint is not None
    url, token = manager.endpoint
    async with connect(f"{url}?{urlencode({'apiToken': token})}") as socket:
        reply = await CapabilityAgent(Agent(socket)).ask(
            "startCapability",
            capabilityName="add",
            capabilityType="power",
            params={"a": 1, "b": 2},
            timeout="20000",
        )
    stuck = [r.side_execution_id for r in manager.records if not r.status.is_final]
    if not stuck:  # else close() would wait for them forever
        await asyncio.wait_for(manager.close(), DEADLINE_S)
    assert stuck == [], f"left 'starting' for good, so close() never returns: {stuck}"
    assert (reply["success"], reply["code"]) == (False, "INVALID_REQUEST"), reply
