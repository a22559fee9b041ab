"""`SideExecutionManager(...).capabilities` end to end, with real executors in real processes:
refusals in the seed's order, what the executor is given, what the caller gets back, the events,
stopping one execution or all of one parent's, and listing."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sidetui.core import (
    EngineConfig,
    ErrorCode,
    Event,
    ExecutionStatus,
    Response,
    SideExecutionManager,
    Subscription,
)
from sidetui.core.capabilities import CapabilityEvent
from tests.helpers import file_text_async, needs_node, next_event, pids_alive, write_block

DEADLINE_S = 30
EXECUTION_ID = re.compile(r"^cap_\d{13}_[0-9a-f]{8}$")
FINAL_EVENTS = {"capabilityCompleted", "capabilityFailed", "capabilityTimeout", "capabilityStopped"}
METADATA_KEYS = {
    "id", "capabilityName", "capabilityType", "executorName", "sideExecutionId", "threadId",
    "parentAgentId", "parentAgentInstanceId", "startTime", "status",
}  # fmt: skip
COMPLETION_KEYS = {
    "success",
    "executionId",
    "result",
    "additionalContext",
    "error",
    "capabilityPath",
}

# A project executor for type `echoing`: returns `reply` when asked to, else its params and the
# thread it was told it runs in.
ECHO_EXECUTOR = """
from sidetui.block import on_invocation

@on_invocation
def main(params, context):
    if "reply" in params:
        return params["reply"]
    return {
        "params": params,
        "threadId": context["threadId"],
        "parentAgentId": context["parentAgentId"],
        "parentAgentInstanceId": context["parentAgentInstanceId"],
    }
"""

SYNC_PY = """
import os

def execute(params):
    return {
        "result": {"sum": params["a"] + params["b"], "cwd": os.getcwd()},
        "additionalContext": {"ran": params["capabilityName"]},
    }
"""

ASYNC_PY = """
import asyncio

async def execute(params):
    await asyncio.sleep(0.01)
    return {"awaited": params["word"], "type": params["capabilityType"]}
"""

JS_METHOD = """
module.exports.execute = (params) => ({ js: params.capabilityName, twice: params.n * 2 });
"""

JS_FUNCTION = """
module.exports = async (params) => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { result: ["function", params.capabilityType], additionalContext: { from: "node" } };
};
"""

SKILL = """---
name: guide
description: How to guide.
---
# Guide

Step one.

Step two.
"""

SLOW_PY = """
import time

def execute(params):
    time.sleep(60)
"""

BOOM_PY = """
def execute(params):
    raise ValueError("the ledger does not balance")
"""

# Writes its pid to `pidfile` (atomically), then sleeps until stopped.
SLEEPER_PY = """
import os
import time

def execute(params):
    pidfile = params["pidfile"]
    with open(pidfile + ".tmp", "w") as handle:
        handle.write(str(os.getpid()))
    os.rename(pidfile + ".tmp", pidfile)
    time.sleep(60)
"""

# Forks a grandchild into its own session that ignores SIGTERM; the grandchild writes
# `[executor pid, its own pid]` to `pidfile` once it ignores the signal. Both sleep.
TREE_PY = """
import json
import os
import signal
import time

def execute(params):
    pidfile = params["pidfile"]
    if os.fork() == 0:
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with open(pidfile + ".tmp", "w") as handle:
            handle.write(json.dumps([os.getppid(), os.getpid()]))
        os.rename(pidfile + ".tmp", pidfile)
        time.sleep(60)
        os._exit(0)
    time.sleep(60)
"""

TYPED = {
    "inputs": [
        {"name": "count", "type": "integer", "required": True},
        {"name": "label", "type": "string", "default": "x"},
    ]
}


def capability(
    root: Path,
    kind: str,
    name: str,
    main_py: str | None = None,
    manifest: dict[str, Any] | str | None = None,
    files: dict[str, str] | None = None,
) -> Path:
    """`root/capabilities/<kind>/<name>/` with the files given."""
    extra = dict(files or {})
    if manifest is not None:
        extra["capability.yaml"] = manifest if isinstance(manifest, str) else json.dumps(manifest)
    return write_block(root / "capabilities" / kind, name, main_py, files=extra)


def executor(root: Path, name: str, manifest: dict[str, Any], main_py: str | None) -> Path:
    return write_block(
        root / "capabilities" / "executors",
        name,
        main_py,
        files={"executor.yaml": json.dumps({"name": name, **manifest})},
    )


@pytest.fixture
async def ready(manager: SideExecutionManager, project: Path) -> SideExecutionManager:
    """The manager with one capability per behaviour under test, and the `echo` executor."""
    executor(
        project, "echo", {"supportedTypes": ["echoing"], "entryPoint": "main.py"}, ECHO_EXECUTOR
    )
    executor(
        project, "bad-runner", {"supportedTypes": ["gadget"], "entryPoint": "missing.py"}, None
    )
    capability(project, "echoing", "thing", manifest=TYPED)
    capability(project, "gadget", "widget")
    capability(project, "gadget", "cracked", manifest="name: [unclosed\n")
    capability(project, "gizmo", "orphan", "def execute(params):\n    return 1\n")
    capability(project, "power", "sync-py", SYNC_PY)
    capability(project, "power", "async-py", ASYNC_PY)
    capability(project, "talent", "js-method", files={"index.js": JS_METHOD})
    capability(project, "talent", "js-function", files={"index.js": JS_FUNCTION})
    write_block(project / ".claude" / "skills", "guide", None, files={"SKILL.md": SKILL})
    capability(project, "power", "empty")
    capability(project, "power", "broken", manifest="name: [unclosed\n")
    capability(project, "power", "typed", "def execute(params):\n    return params", TYPED)
    capability(project, "power", "slow", SLOW_PY)
    capability(project, "power", "boom", BOOM_PY)
    capability(project, "power", "sleeper", SLEEPER_PY)
    capability(project, "power", "tree", TREE_PY)
    await manager.rescan()
    return manager


async def start(manager: SideExecutionManager, name: str, kind: str, **options: Any) -> str:
    """Start a capability that must be accepted; its execution id."""
    started = await manager.capabilities.start_capability(name, kind, **options)
    assert started.success, started
    assert started.data is not None
    return str(started.data["executionId"])


async def completion(manager: SideExecutionManager, execution_id: str) -> dict[str, Any]:
    done = await asyncio.wait_for(
        manager.capabilities.wait_for_completion(execution_id), DEADLINE_S
    )
    assert set(done) == COMPLETION_KEYS, done
    assert done["executionId"] == execution_id
    return done


async def run(
    manager: SideExecutionManager, name: str, kind: str, **options: Any
) -> dict[str, Any]:
    return await completion(manager, await start(manager, name, kind, **options))


async def capability_events(events: Subscription, execution_id: str) -> list[str]:
    """The capability events of one execution, up to its final one."""
    names: list[str] = []
    while not names or names[-1] not in FINAL_EVENTS:
        event = await next_event(events, about(execution_id))
        assert isinstance(event, CapabilityEvent)
        names.append(event.name)
    return names


def about(execution_id: str) -> Callable[[Event], bool]:
    return lambda e: isinstance(e, CapabilityEvent) and e.execution.execution_id == execution_id


def refusal_code(response: Response) -> ErrorCode:
    assert not response.success, response
    assert response.error is not None
    return response.error.code


async def status_of(manager: SideExecutionManager, execution_id: str) -> dict[str, Any]:
    response = await manager.capabilities.get_execution_status(execution_id)
    assert response.success, response
    assert response.data is not None
    metadata: dict[str, Any] = response.data["execution"]
    return metadata


# -- starting and refusing -------------------------------------------------------------------------


async def test_start_returns_an_envelope_whose_data_holds_a_cap_execution_id(
    ready: SideExecutionManager, project: Path
) -> None:
    started = await ready.capabilities.start_capability("sync-py", "power", {"a": 1, "b": 2})
    assert (started.type, started.success, started.error) == ("startCapabilityResponse", True, None)
    assert started.data is not None
    execution_id = started.data["executionId"]
    assert EXECUTION_ID.match(execution_id), execution_id
    assert started.data["capabilityPath"] == str(project / "capabilities" / "power" / "sync-py")
    assert started.data["sideExecutionId"].startswith("side_")
    again = await start(ready, "sync-py", "power", params={"a": 0, "b": 0})
    assert EXECUTION_ID.match(again)
    assert again != execution_id
    await completion(ready, execution_id)
    await completion(ready, again)


@pytest.mark.parametrize(
    ("name", "kind", "params", "code"),
    [
        pytest.param("nothing", "nosuchtype", None, ErrorCode.EXECUTOR_NOT_FOUND, id="no-either"),
        pytest.param("orphan", "gizmo", None, ErrorCode.EXECUTOR_NOT_FOUND, id="no-executor"),
        pytest.param("nothing", "power", None, ErrorCode.CAPABILITY_NOT_FOUND, id="no-capability"),
        pytest.param(
            "nothing", "gadget", None, ErrorCode.CAPABILITY_NOT_FOUND, id="not-found-before-config"
        ),
        pytest.param("broken", "power", None, ErrorCode.INVALID_CAPABILITY_CONFIG, id="bad-yaml"),
        pytest.param(
            "cracked",
            "gadget",
            None,
            ErrorCode.INVALID_CAPABILITY_CONFIG,
            id="capability-config-before-executor-config",
        ),
        pytest.param(
            "widget", "gadget", None, ErrorCode.INVALID_EXECUTOR_CONFIG, id="bad-executor"
        ),
        pytest.param("typed", "power", {}, ErrorCode.INVALID_REQUEST, id="missing-input"),
        pytest.param(
            "typed", "power", {"count": "three"}, ErrorCode.INVALID_REQUEST, id="wrong-type"
        ),
        pytest.param("typed", "power", [1, 2], ErrorCode.INVALID_REQUEST, id="params-not-object"),
    ],
)
async def test_refusals_come_in_the_seeds_order_and_start_nothing(
    ready: SideExecutionManager, name: str, kind: str, params: Any, code: ErrorCode
) -> None:
    refused = await ready.capabilities.start_capability(name, kind, params)
    assert refused.type == "startCapabilityResponse"
    assert refusal_code(refused) is code
    assert ready.records == []
    assert ready.capabilities.executions == []


async def test_refusals_say_what_is_wrong(ready: SideExecutionManager, project: Path) -> None:
    broken = await ready.capabilities.start_capability("broken", "power")
    assert broken.error is not None
    assert "invalid YAML" in broken.error.message

    executor_broken = await ready.capabilities.start_capability("widget", "gadget")
    assert executor_broken.error is not None
    assert "bad-runner" in executor_broken.error.message
    assert "missing.py" in executor_broken.error.message

    typed = await ready.capabilities.start_capability("typed", "power", {"count": "three"})
    assert typed.error is not None
    assert "count" in typed.error.message

    no_executor = await ready.capabilities.start_capability("orphan", "gizmo")
    assert no_executor.error is not None
    assert "gizmo" in no_executor.error.message


async def test_a_negative_timeout_is_refused_as_an_invalid_request(
    ready: SideExecutionManager,
) -> None:
    refused = await ready.capabilities.start_capability("sync-py", "power", {"a": 1, "b": 2}, -5)
    for execution in ready.capabilities.executions:
        await completion(ready, execution.execution_id)
    assert refusal_code(refused) is ErrorCode.INVALID_REQUEST
    assert ready.records == []


async def test_a_timeout_that_is_not_a_number_is_refused_and_leaves_nothing_behind(
    project: Path, config: EngineConfig
) -> None:
    capability(project, "power", "quick", "def execute(params):\n    return 1\n")
    config.websocket = False
    manager = SideExecutionManager(project, config=config)
    await manager.open()
    outcome: Response | Exception
    try:
        outcome = await manager.capabilities.start_capability("quick", "power", None, "100")  # type: ignore[arg-type]
    except Exception as error:
        outcome = error
    stuck = [r.side_execution_id for r in manager.records if not r.status.is_final]
    if not stuck:  # else close() would wait for them forever
        await asyncio.wait_for(manager.close(), DEADLINE_S)
    assert stuck == [], f"left 'starting' for good, so close() never returns: {stuck}"
    assert isinstance(outcome, Response), f"start_capability raised {outcome!r}"
    assert refusal_code(outcome) is ErrorCode.INVALID_REQUEST


# -- the outcome of each ending --------------------------------------------------------------------


async def test_a_timeout_ends_with_execution_timeout_and_the_tree_gone(
    ready: SideExecutionManager,
) -> None:
    events = ready.subscribe(output=False)
    execution_id = await start(ready, "slow", "power", timeout=300)
    done = await completion(ready, execution_id)
    assert (done["success"], done["result"]) == (False, None)
    assert "timed out" in done["error"]
    execution = ready.capabilities.execution(execution_id)
    assert execution is not None
    assert execution.error_code is ErrorCode.EXECUTION_TIMEOUT
    assert (await status_of(ready, execution_id))["status"] == "timeout"
    assert await capability_events(events, execution_id) == [
        "capabilityStarted",
        "capabilityTimeout",
    ]
    assert execution.side_execution_id is not None
    record = await ready.wait_until_settled(execution.side_execution_id)
    assert record.pid is not None
    assert pids_alive([record.pid]) == []


async def test_a_capability_that_raises_ends_with_execution_failed(
    ready: SideExecutionManager, project: Path
) -> None:
    events = ready.subscribe(output=False)
    execution_id = await start(ready, "boom", "power")
    done = await completion(ready, execution_id)
    assert done["success"] is False
    assert "the ledger does not balance" in done["error"]
    assert done["capabilityPath"] == str(project / "capabilities" / "power" / "boom")
    execution = ready.capabilities.execution(execution_id)
    assert execution is not None
    assert execution.error_code is ErrorCode.EXECUTION_FAILED
    assert execution.status is ExecutionStatus.FAILED
    assert await capability_events(events, execution_id) == [
        "capabilityStarted",
        "capabilityFailed",
    ]


async def test_no_capability_event_comes_after_the_final_one(
    ready: SideExecutionManager, project: Path
) -> None:
    executor(
        project,
        "ghost-runner",
        {"supportedTypes": ["ghost"], "entryPoint": "run.ghost", "runtime": "no-such-runtime-x"},
        None,
    )
    (project / "capabilities" / "executors" / "ghost-runner" / "run.ghost").write_text("")
    capability(project, "ghost", "boo")
    await ready.rescan()
    events = ready.subscribe(output=False)
    started = await ready.capabilities.start_capability("boo", "ghost")
    assert started.data is not None
    execution_id = started.data["executionId"]
    done = await completion(ready, execution_id)
    assert done["success"] is False
    sentinel = await start(ready, "sync-py", "power", params={"a": 1, "b": 1})
    await completion(ready, sentinel)
    names = []
    while True:  # every event of the first execution comes before the sentinel's first
        event = await next_event(events, lambda e: isinstance(e, CapabilityEvent))
        assert isinstance(event, CapabilityEvent)
        if event.execution.execution_id == sentinel:
            break
        names.append(event.name)
    assert names in (["capabilityFailed"], ["capabilityStarted", "capabilityFailed"]), names


# -- the builtin executor --------------------------------------------------------------------------


async def test_builtin_runs_a_sync_main_py_and_unwraps_result_and_context(
    ready: SideExecutionManager, project: Path
) -> None:
    events = ready.subscribe(output=False)
    execution_id = await start(ready, "sync-py", "power", params={"a": 2, "b": 3})
    done = await completion(ready, execution_id)
    folder = project / "capabilities" / "power" / "sync-py"
    assert done == {
        "success": True,
        "executionId": execution_id,
        "result": {"sum": 5, "cwd": str(folder)},
        "additionalContext": {"ran": "sync-py"},
        "error": None,
        "capabilityPath": str(folder),
    }
    assert await capability_events(events, execution_id) == [
        "capabilityStarted",
        "capabilityCompleted",
    ]
    assert (await status_of(ready, execution_id))["executorName"] == "default"


async def test_builtin_awaits_an_async_execute(ready: SideExecutionManager) -> None:
    done = await run(ready, "async-py", "power", params={"word": "later"})
    assert done["success"] is True, done
    assert (done["result"], done["additionalContext"]) == (
        {"awaited": "later", "type": "power"},
        None,
    )


@needs_node
async def test_builtin_runs_an_index_js_execute_method(ready: SideExecutionManager) -> None:
    done = await run(ready, "js-method", "talent", params={"n": 21})
    assert done["success"] is True, done
    assert done["result"] == {"js": "js-method", "twice": 42}


@needs_node
async def test_builtin_runs_an_index_js_that_exports_a_function(
    ready: SideExecutionManager,
) -> None:
    done = await run(ready, "js-function", "talent")
    assert done["success"] is True, done
    assert (done["result"], done["additionalContext"]) == (["function", "talent"], {"from": "node"})


async def test_builtin_returns_the_instructions_of_a_skill_with_only_skill_md(
    ready: SideExecutionManager, project: Path
) -> None:
    done = await run(ready, "guide", "skill")
    assert done["success"] is True, done
    assert done["result"] == "# Guide\n\nStep one.\n\nStep two."
    assert done["additionalContext"]["skill"] == "guide"
    assert done["capabilityPath"] == str(project / ".claude" / "skills" / "guide")


async def test_builtin_fails_a_capability_with_nothing_to_run(ready: SideExecutionManager) -> None:
    done = await run(ready, "empty", "power")
    assert done["success"] is False
    assert "nothing to run" in done["error"]


# -- what the executor is given and what comes back ------------------------------------------------


async def test_the_executor_receives_the_capability_fields_then_the_callers_params(
    ready: SideExecutionManager, project: Path
) -> None:
    execution_id = await start(ready, "thing", "echoing", params={"count": 7, "extra": [1, "two"]})
    done = await completion(ready, execution_id)
    assert done["success"] is True, done
    received = done["result"]["params"]
    folder = project / "capabilities" / "echoing" / "thing"
    config = received.pop("capabilityConfig")
    assert received == {
        "capabilityPath": str(folder),
        "capabilityName": "thing",
        "capabilityType": "echoing",
        "executionId": execution_id,
        "count": 7,
        "label": "x",
        "extra": [1, "two"],
    }
    assert (config["name"], config["type"], config["manifest"]) == (
        "thing",
        "echoing",
        "capability.yaml",
    )
    assert config["inputs"] == [
        {"name": "count", "type": "integer", "required": True, "description": ""},
        {"name": "label", "type": "string", "required": False, "description": "", "default": "x"},
    ]
    assert done["capabilityPath"] == str(folder)
    assert (await status_of(ready, execution_id))["executorName"] == "echo"


async def test_the_thread_context_reaches_the_executor_and_the_metadata(
    ready: SideExecutionManager,
) -> None:
    lineage = {
        "thread_id": "thread-42",
        "parent_agent_id": "agent-7",
        "parent_agent_instance_id": "instance-7a",
    }
    before_ms = int(time.time() * 1000)
    execution_id = await start(ready, "thing", "echoing", params={"count": 1}, **lineage)
    after_ms = int(time.time() * 1000)
    done = await completion(ready, execution_id)
    told = {k: done["result"][k] for k in ("threadId", "parentAgentId", "parentAgentInstanceId")}
    assert told == {
        "threadId": "thread-42",
        "parentAgentId": "agent-7",
        "parentAgentInstanceId": "instance-7a",
    }
    metadata = await status_of(ready, execution_id)
    assert set(metadata) == METADATA_KEYS
    execution = ready.capabilities.execution(execution_id)
    assert execution is not None
    assert metadata == {
        "id": execution_id,
        "capabilityName": "thing",
        "capabilityType": "echoing",
        "executorName": "echo",
        "sideExecutionId": execution.side_execution_id,
        "threadId": "thread-42",
        "parentAgentId": "agent-7",
        "parentAgentInstanceId": "instance-7a",
        "startTime": metadata["startTime"],
        "status": "completed",
    }
    assert before_ms <= metadata["startTime"] <= after_ms
    assert metadata["sideExecutionId"].startswith("side_")
    record = ready.get_record(metadata["sideExecutionId"])
    assert record is not None
    assert record.thread_id == "thread-42"


async def test_without_a_thread_context_the_managers_agent_is_the_parent(
    ready: SideExecutionManager,
) -> None:
    execution_id = await start(ready, "thing", "echoing", params={"count": 1})
    done = await completion(ready, execution_id)
    agent = ready.agent
    expected = {
        "threadId": agent.thread_id,
        "parentAgentId": agent.agent_id,
        "parentAgentInstanceId": agent.instance_id,
    }
    assert {k: done["result"][k] for k in expected} == expected
    metadata = await status_of(ready, execution_id)
    assert {k: metadata[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("reply", "result", "context"),
    [
        pytest.param(
            {"result": {"a": 1}, "additionalContext": {"b": 2}}, {"a": 1}, {"b": 2}, id="unwrapped"
        ),
        pytest.param(
            {"result": 1, "note": "kept"}, {"result": 1, "note": "kept"}, None, id="extra-key"
        ),
        pytest.param({"value": 3}, {"value": 3}, None, id="other-object"),
        pytest.param([1, "two"], [1, "two"], None, id="list"),
        pytest.param("plain text", "plain text", None, id="text"),
    ],
)
async def test_a_result_and_context_are_unwrapped_and_anything_else_kept_whole(
    ready: SideExecutionManager, reply: Any, result: Any, context: Any
) -> None:
    done = await run(ready, "thing", "echoing", params={"count": 1, "reply": reply})
    assert done["success"] is True, done
    assert (done["result"], done["additionalContext"], done["error"]) == (result, context, None)


async def test_a_capability_runs_on_the_executor_serving_its_type_now(
    ready: SideExecutionManager, project: Path
) -> None:
    executor(
        project,
        "echo",
        {"supportedTypes": ["echoing", "skill"], "entryPoint": "main.py"},
        ECHO_EXECUTOR,
    )
    await ready.rescan()
    execution_id = await start(ready, "guide", "skill")
    done = await completion(ready, execution_id)
    assert done["result"]["params"]["capabilityName"] == "guide", "the echo executor ran it"
    assert (await status_of(ready, execution_id))["executorName"] == "echo"


async def test_status_of_an_unknown_execution_is_refused(ready: SideExecutionManager) -> None:
    response = await ready.capabilities.get_execution_status("cap_0000000000000_00000000")
    assert refusal_code(response) is ErrorCode.INVALID_REQUEST
    stopped = await ready.capabilities.stop_capability("cap_0000000000000_00000000")
    assert not stopped.success


# -- stopping --------------------------------------------------------------------------------------


async def test_stop_goes_through_stopping_to_stopped_and_ends_the_whole_tree(
    ready: SideExecutionManager, tmp_path: Path
) -> None:
    ready.config.stop_grace_ms = 500
    events = ready.subscribe(output=False)
    pidfile = tmp_path / "tree.json"
    execution_id = await start(ready, "tree", "power", params={"pidfile": str(pidfile)})
    executor_pid, grandchild = json.loads(await file_text_async(pidfile))
    execution = ready.capabilities.execution(execution_id)
    assert execution is not None and execution.side_execution_id is not None
    assert ready.get_record(execution.side_execution_id).pid == executor_pid  # type: ignore[union-attr]
    assert pids_alive([executor_pid, grandchild]) == [executor_pid, grandchild]
    assert (await status_of(ready, execution_id))["status"] == "running"

    stopping = asyncio.ensure_future(ready.capabilities.stop_capability(execution_id))
    await asyncio.sleep(0)
    assert (await status_of(ready, execution_id))["status"] == "stopping"
    assert not stopping.done()
    stopped = await asyncio.wait_for(stopping, DEADLINE_S)
    assert stopped.success, stopped
    assert stopped.type == "stopCapabilityResponse"

    assert (await status_of(ready, execution_id))["status"] == "stopped"
    assert pids_alive([executor_pid, grandchild]) == []
    done = await completion(ready, execution_id)
    assert (done["success"], done["result"]) == (False, None)
    assert await capability_events(events, execution_id) == [
        "capabilityStarted",
        "capabilityStopped",
    ]
    again = await ready.capabilities.stop_capability(execution_id)
    assert again.success
    assert (await status_of(ready, execution_id))["status"] == "stopped"


async def test_stop_all_for_parent_stops_exactly_that_parents_executions(
    ready: SideExecutionManager, tmp_path: Path
) -> None:
    launched: dict[str, tuple[str, int]] = {}
    for label, parent in (("a1", "parent-A"), ("a2", "parent-A"), ("b1", "parent-B")):
        pidfile = tmp_path / f"{label}.pid"
        execution_id = await start(
            ready,
            "sleeper",
            "power",
            params={"pidfile": str(pidfile)},
            parent_agent_instance_id=parent,
        )
        launched[label] = (execution_id, int(await file_text_async(pidfile)))
    a_ids = {launched[label][0] for label in ("a1", "a2")}
    b_id, b_pid = launched["b1"]
    a_pids = [launched[label][1] for label in ("a1", "a2")]

    nobody = await ready.capabilities.stop_all_for_parent("parent-nobody")
    assert nobody.success and nobody.data == {"stopped": []}
    assert pids_alive([*a_pids, b_pid]) == [*a_pids, b_pid]

    response = await ready.capabilities.stop_all_for_parent("parent-A")
    assert response.success, response
    assert response.data is not None
    assert set(response.data["stopped"]) == a_ids
    for execution_id in a_ids:
        assert (await status_of(ready, execution_id))["status"] == "stopped"
    assert pids_alive(a_pids) == []
    assert (await status_of(ready, b_id))["status"] == "running"
    assert pids_alive([b_pid]) == [b_pid]

    rest = await ready.capabilities.stop_all_for_parent("parent-B")
    assert rest.data == {"stopped": [b_id]}
    assert (await status_of(ready, b_id))["status"] == "stopped"
    assert pids_alive([b_pid]) == []


# -- listing ---------------------------------------------------------------------------------------


async def test_list_capabilities_filters_by_type_tags_and_author(
    manager: SideExecutionManager, project: Path
) -> None:
    capability(project, "power", "alpha", manifest={"tags": ["x", "y"], "author": "ann"})
    capability(project, "power", "beta", manifest={"tags": ["x"], "author": "bob"})
    capability(project, "talent", "gamma", manifest={"tags": ["y"], "author": "ann"})
    await manager.rescan()

    async def names(wanted: dict[str, Any] | None) -> list[str]:
        listed = await manager.capabilities.list_capabilities(wanted)
        assert (listed.type, listed.success) == ("listCapabilitiesResponse", True)
        assert listed.data is not None
        return sorted(c["name"] for c in listed.data["capabilities"])

    assert await names(None) == ["alpha", "beta", "gamma"]
    assert await names({}) == ["alpha", "beta", "gamma"]
    assert await names({"type": "power"}) == ["alpha", "beta"]
    assert await names({"type": "skill"}) == []
    assert await names({"tags": ["x"]}) == ["alpha", "beta"]
    assert await names({"tags": ["x", "y"]}) == ["alpha"]
    assert await names({"author": "ann"}) == ["alpha", "gamma"]
    assert await names({"type": "talent", "author": "ann"}) == ["gamma"]
    assert await names({"type": "power", "tags": ["y"], "author": "bob"}) == []
