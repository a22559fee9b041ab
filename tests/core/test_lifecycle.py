"""Statuses and transitions of real child processes, as listeners and waiters see them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from sidetui.core import (
    EngineConfig,
    ErrorCode,
    ExecutionStatus,
    OutputBatch,
    SideExecutionManager,
    StatusChanged,
)
from tests.helpers import write_block

PY = {"entryPoint": "main.py"}


async def run_to_end(manager: SideExecutionManager, name: str, params=None, timeout=None):
    await manager.rescan()
    started = await manager.start_with_action_block(name, params, timeout)
    assert started.data is not None, started
    return await manager.wait_until_settled(started.data["sideExecutionId"])


async def test_a_clean_exit_is_completed_with_its_exit_code_as_result(manager, project) -> None:
    write_block(project / "actionblocks", "ok", "print('hello')", PY)
    events = manager.subscribe()
    record = await run_to_end(manager, "ok")
    assert record.status is ExecutionStatus.COMPLETED
    assert record.result == {"exitCode": 0}
    assert record.exit_code == 0 and record.signal is None and record.error is None
    assert record.output == "hello"
    assert record.end_time is not None and record.duration_ms >= 0
    seen = []
    while True:
        event = await events.__anext__()
        if isinstance(event, StatusChanged):
            seen.append(event.status)
        elif isinstance(event, OutputBatch):
            seen.append(f"{event.stream}: {list(event.lines)}")
        if event == StatusChanged(record, ExecutionStatus.COMPLETED, ExecutionStatus.RUNNING):
            break
    assert seen == ["starting", "running", "stdout: ['hello']", "completed"]


async def test_a_non_zero_exit_fails_quoting_the_last_stderr_line(manager, project) -> None:
    script = "import sys; print('working'); sys.stderr.write('boom: disk full\\n'); sys.exit(3)"
    write_block(project / "actionblocks", "bad", script, PY)
    record = await run_to_end(manager, "bad")
    assert record.status is ExecutionStatus.FAILED
    assert record.exit_code == 3
    assert record.error.code is ErrorCode.PROCESS_CRASHED
    assert record.error.message == "exited with code 3: boom: disk full"
    assert record.error.side_execution_id == record.side_execution_id
    assert record.error_output == "boom: disk full"


async def test_death_by_a_signal_we_did_not_send_fails(manager, project) -> None:
    write_block(project / "actionblocks", "segv", "import os, signal; os.kill(os.getpid(), 11)", PY)
    record = await run_to_end(manager, "segv")
    assert record.status is ExecutionStatus.FAILED
    assert record.signal == "SIGSEGV" and record.exit_code is None
    assert record.error.message.startswith("killed by SIGSEGV")


async def test_a_missing_runtime_fails_to_spawn(manager, project) -> None:
    manifest = {"entryPoint": "main.py", "runtime": "no-such-runtime-xyz"}
    write_block(project / "actionblocks", "rt", "", manifest)
    await manager.rescan()
    started = await manager.start_with_action_block("rt")
    assert not started.success
    assert started.error.code is ErrorCode.SPAWN_FAILED
    assert "no-such-runtime-xyz" in started.error.message
    assert started.data["status"] == "failed"
    assert (await manager.wait_until_settled(started.data["sideExecutionId"])).pid is None


async def test_an_executable_without_interpreter_line_fails_to_spawn(manager, project) -> None:
    folder = write_block(
        project / "actionblocks", "noshebang", None, {"entryPoint": "run"}, {"run": "\x7fELFjunk"}
    )
    (folder / "run").chmod(0o755)
    await manager.rescan()
    started = await manager.start_with_action_block("noshebang")
    assert started.error.code is ErrorCode.SPAWN_FAILED
    assert "not a program" in started.error.message


async def test_every_waiter_is_released_when_a_child_crashes(manager, project) -> None:
    write_block(project / "actionblocks", "crash", "import os; os._exit(7)", PY)
    await manager.rescan()
    started = await manager.start_with_action_block("crash")
    execution_id = started.data["sideExecutionId"]
    import asyncio

    waiters = [manager.wait_for_completion(execution_id) for _ in range(5)]
    records = await asyncio.wait_for(asyncio.gather(*waiters), 10)
    assert {r.status for r in records} == {ExecutionStatus.FAILED}


async def test_a_timeout_ends_the_execution_and_its_tree(manager, project) -> None:
    write_block(
        project / "actionblocks",
        "slow",
        "import time; print('start', flush=True); time.sleep(60)",
        PY,
    )
    record = await run_to_end(manager, "slow", timeout=300)
    assert record.status is ExecutionStatus.TIMEOUT
    assert record.error.code is ErrorCode.EXECUTION_TIMEOUT
    assert record.error.message == "timed out after 300 ms"
    assert record.signal == "SIGTERM"
    assert record.output == "start"


async def test_the_manifest_timeout_applies_and_an_explicit_zero_removes_it(
    manager, project
) -> None:
    write_block(
        project / "actionblocks", "t", "import time; time.sleep(0.6)", {**PY, "timeout": 200}
    )
    assert (await run_to_end(manager, "t")).status is ExecutionStatus.TIMEOUT
    assert (await run_to_end(manager, "t", timeout=0)).status is ExecutionStatus.COMPLETED


async def test_stop_is_idempotent_and_unknown_ids_are_refused(manager, project) -> None:
    write_block(project / "actionblocks", "sleepy", "import time; time.sleep(60)", PY)
    await manager.rescan()
    started = await manager.start_with_action_block("sleepy")
    execution_id = started.data["sideExecutionId"]
    events = manager.subscribe(execution_id, output=False)
    stopped = await manager.stop(execution_id)
    assert stopped.success and stopped.data["status"] == "stopped"
    again = await manager.stop(execution_id)
    assert again.success and again.message.endswith("was already stopped")
    statuses = [e.status async for e in _until_final(events)]
    assert statuses == ["stopping", "stopped"]
    unknown = await manager.stop("side_1_deadbeef")
    assert not unknown.success and unknown.error.code is ErrorCode.SIDE_EXECUTION_NOT_FOUND
    assert (await manager.get_status("nope")).error.code is ErrorCode.SIDE_EXECUTION_NOT_FOUND


async def _until_final(events):
    async for event in events:
        if isinstance(event, StatusChanged):
            yield event
            if event.status.is_final:
                return


async def test_the_child_gets_a_small_explicit_environment(manager, project, monkeypatch) -> None:
    monkeypatch.setenv("SECRET_OF_THE_PARENT", "must not leak")
    script = """
        import json, os, sys
        print(json.dumps({"env": dict(os.environ), "cwd": os.getcwd(),
                          "stdin": os.readlink("/proc/self/fd/0")}))
    """
    folder = write_block(project / "actionblocks", "env", script, PY)
    record = await run_to_end(manager, "env", {"answer": 42})
    seen = json.loads(record.output)
    env = seen["env"]
    assert "SECRET_OF_THE_PARENT" not in env
    assert env["SIDE_EXECUTION_ID"] == env["agentId"] == record.side_execution_id
    assert env["IS_SIDE_EXECUTION"] == "true"
    assert json.loads(env["SIDE_EXECUTION_PARAMS"]) == {"answer": 42}
    assert env["THREAD_ID"] == env["threadId"] == manager.agent.thread_id
    assert env["PARENT_AGENT_ID"] == env["parentId"] == manager.agent.agent_id
    assert env["PARENT_AGENT_INSTANCE_ID"] == manager.agent.instance_id
    assert env["ACTION_BLOCK_PATH"] == str(folder)
    assert env["ACTION_BLOCK_ID"] == "project:actionblock:env"
    assert len(env["SIDE_EXECUTION_TOKEN"]) >= 24
    assert env["PATH"] == os.environ["PATH"]
    assert seen["cwd"] == str(folder)
    assert seen["stdin"] == "/dev/null"


async def test_huge_params_are_not_put_in_the_environment(manager, project) -> None:
    write_block(
        project / "actionblocks",
        "big",
        "import os; print('SIDE_EXECUTION_PARAMS' in os.environ)",
        PY,
    )
    record = await run_to_end(manager, "big", {"blob": "x" * 70_000})
    assert record.output == "False"


async def test_ids_are_unique_under_many_concurrent_starts(manager, project) -> None:
    import asyncio

    write_block(project / "actionblocks", "quick", "pass", PY)
    await manager.rescan()
    started = await asyncio.gather(*(manager.start_with_action_block("quick") for _ in range(60)))
    ids = [s.data["sideExecutionId"] for s in started]
    assert len(set(ids)) == 60
    assert all(re.fullmatch(r"side_\d{13}_[0-9a-f]{8}", i) for i in ids)
    records = await asyncio.gather(*(manager.wait_until_settled(i) for i in ids))
    assert {r.status for r in records} == {ExecutionStatus.COMPLETED}


def test_ids_differ_even_when_their_random_part_collides(monkeypatch) -> None:
    import uuid

    from sidetui.core.records.ids import new_execution_id

    same, other = uuid.UUID("11111111" + "0" * 24), uuid.UUID("22222222" + "0" * 24)
    values = iter([same, same, other])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(values))
    monkeypatch.setattr("time.time", lambda: 1_763_712_000.123)
    first = new_execution_id("side", set())
    second = new_execution_id("side", {first})
    assert (first, second) == ("side_1763712000123_11111111", "side_1763712000123_22222222")


async def test_closing_the_manager_stops_everything(project, config) -> None:
    write_block(project / "actionblocks", "forever", "import time; time.sleep(60)", PY)
    async with SideExecutionManager(project, config=config) as manager:
        ids = [
            (await manager.start_with_action_block("forever")).data["sideExecutionId"]
            for _ in range(3)
        ]
    assert {manager.get_record(i).status for i in ids} == {ExecutionStatus.STOPPED}


@pytest.mark.parametrize(
    ("name", "params", "code"),
    [
        ("missing", None, ErrorCode.ACTION_BLOCK_NOT_FOUND),
        ("./actionblocks/missing", None, ErrorCode.ACTION_BLOCK_NOT_FOUND),
        ("broken", None, ErrorCode.INVALID_ACTION_BLOCK),
        ("typed", {"n": "x"}, ErrorCode.INVALID_PARAMS),
        ("typed", [1], ErrorCode.INVALID_PARAMS),
    ],
)
async def test_refusals_start_nothing(manager, project, config, name, params, code) -> None:
    write_block(project / "actionblocks", "broken", None, "name: [unclosed")
    typed = {**PY, "inputs": [{"name": "n", "type": "integer", "required": True}]}
    write_block(project / "actionblocks", "typed", "pass", typed)
    await manager.rescan()
    refused = await manager.start_with_action_block(name, params)
    assert not refused.success and refused.data is None
    assert refused.error.code is code
    assert manager.records == []
    assert not any(config.logs_dir.iterdir())


async def test_a_negative_timeout_is_refused(manager, project) -> None:
    write_block(project / "actionblocks", "ok", "pass", PY)
    await manager.rescan()
    refused = await manager.start_with_action_block("ok", timeout=-5)
    assert refused.error.code is ErrorCode.INVALID_REQUEST


async def test_a_block_runs_by_path_outside_every_root(manager, tmp_path: Path) -> None:
    folder = write_block(tmp_path / "elsewhere", "loose", "print('loose')", PY)
    record = await run_to_end(manager, str(folder))
    assert record.output == "loose"
    assert record.action_block_id == "path:actionblock:loose"


def test_the_process_backend_is_chosen_by_the_config(tmp_path: Path) -> None:
    config = EngineConfig(state_dir=tmp_path, global_dir=tmp_path / "global", process_backend="x")
    with pytest.raises(ValueError, match="unknown process backend 'x' \\(known: local\\)"):
        SideExecutionManager(project_dir=tmp_path, config=config)
