"""`sidetui.block`: Python blocks that take params and a context and return a result."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sidetui.block
from sidetui.core import ErrorCode, ExecutionRecord, ExecutionStatus, SideExecutionManager
from tests.helpers import write_block

PY = {"entryPoint": "main.py"}
DEADLINE_S = 15
# An interpreter outside the virtual environment, run isolated and without site-packages.
PLAIN_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys._base_executable


async def run(manager: SideExecutionManager, name: str, params=None, **lineage) -> ExecutionRecord:
    await manager.rescan()
    started = await manager.start_with_action_block(name, params, **lineage)
    assert started.success, started
    async with asyncio.timeout(DEADLINE_S):
        return await manager.wait_until_settled(started.data["sideExecutionId"])


def helper_block(project: Path, name: str, body: str) -> Path:
    source = (
        "import asyncio, os, subprocess, sys\nfrom sidetui.block import BlockError, on_invocation\n"
    )
    return write_block(project / "actionblocks", name, source + body, PY)


CONTEXT_KEYS = ("threadId", "sideExecutionId", "parentAgentId", "parentAgentInstanceId")


@pytest.mark.parametrize("flavour", ["def", "async def"])
async def test_the_handler_gets_params_and_context_and_returns_the_result(
    manager, project, flavour
) -> None:
    pause = "await asyncio.sleep(0)" if flavour == "async def" else "pass"
    helper_block(
        project,
        "echo",
        f"""
@on_invocation
{flavour} main(params, context):
    {pause}
    return {{"sum": params["a"] + params["b"], "params": params, "context": context}}
""",
    )
    params = {"a": 2, "b": 40}
    record = await run(
        manager,
        "echo",
        params,
        thread_id="thread-9",
        parent_agent_id="agent-2",
        parent_agent_instance_id="instance-2",
    )
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result["sum"] == 42
    assert record.result["params"] == params
    context = record.result["context"]
    assert context["threadId"] == "thread-9"
    assert context["sideExecutionId"] == record.side_execution_id
    assert context["parentAgentId"] == "agent-2"
    assert context["parentAgentInstanceId"] == "instance-2"
    assert context["projectPath"] == str(project.resolve())
    assert context["timestamp"].endswith("Z")
    assert record.exit_code == 0


async def test_an_exception_is_the_error_and_its_traceback_goes_to_stderr(manager, project) -> None:
    helper_block(
        project,
        "raises",
        """
def check(words):
    raise ValueError(f"there are no words in {words!r}")

@on_invocation
def main(params, context):
    check(params["text"])
""",
    )
    record = await run(manager, "raises", {"text": ""})
    assert record.status is ExecutionStatus.FAILED
    assert record.error.code is ErrorCode.EXECUTION_FAILED
    assert record.error.message == "there are no words in ''"
    assert "Traceback (most recent call last)" in record.error_output
    assert "in check" in record.error_output
    assert record.error_output.splitlines()[-1] == "ValueError: there are no words in ''"
    assert record.result is None


async def test_a_block_error_carries_its_code(manager, project) -> None:
    helper_block(
        project,
        "coded",
        """
@on_invocation
async def main(params, context):
    raise BlockError("top must be positive", "INVALID_PARAMS")
""",
    )
    record = await run(manager, "coded", {"top": -1})
    assert record.status is ExecutionStatus.FAILED
    assert record.error.code is ErrorCode.INVALID_PARAMS
    assert record.error.message == "top must be positive"


async def test_a_result_that_is_not_json_is_an_error(manager, project) -> None:
    helper_block(
        project,
        "unjson",
        """
@on_invocation
def main(params, context):
    return {"when": {1, 2}}
""",
    )
    record = await run(manager, "unjson")
    assert record.status is ExecutionStatus.FAILED
    assert record.error.code is ErrorCode.EXECUTION_FAILED
    assert "not JSON serializable" in record.error.message
    assert record.result is None


async def test_a_none_result_completes_with_result_none(manager, project) -> None:
    helper_block(
        project,
        "nothing",
        """
@on_invocation
def main(params, context):
    print("did the work")
""",
    )
    record = await run(manager, "nothing")
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result is None  # not {"exitCode": 0}: the helper reported on the channel
    assert record.output == "did the work"
    assert record.exit_code == 0


def run_by_hand(folder: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], **extra_env}
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE_S,
        check=False,
    )


HAND_BLOCK = """
@on_invocation
def main(params, context):
    if params.get("fail"):
        raise RuntimeError(params["fail"])
    print("working")
    return {"doubled": params["n"] * 2}
"""


def test_run_by_hand_with_a_json_argument_it_prints_the_result(project) -> None:
    folder = helper_block(project, "by-hand", HAND_BLOCK)
    done = run_by_hand(folder, '{"n": 21}')
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["working", '{"doubled": 42}']


def test_run_by_hand_params_come_from_the_environment_too(project) -> None:
    folder = helper_block(project, "by-env", HAND_BLOCK)
    done = run_by_hand(folder, SIDE_EXECUTION_PARAMS='{"n": 5}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {"doubled": 10}


def test_run_by_hand_an_error_exits_1_with_the_traceback(project) -> None:
    folder = helper_block(project, "by-hand-fails", HAND_BLOCK)
    done = run_by_hand(folder, '{"fail": "no way"}')
    assert done.returncode == 1
    assert json.loads(done.stdout.splitlines()[-1]) == "no way"
    assert "RuntimeError: no way" in done.stderr


async def test_a_standalone_copy_runs_under_a_plain_interpreter_without_sidetui(
    manager, project
) -> None:
    folder = write_block(
        project / "actionblocks",
        "standalone",
        """\
        import importlib.util, os, sys
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from sidetui_block import on_invocation

        @on_invocation
        async def main(params, context):
            return {
                "product": params["a"] * params["b"],
                "thread": context["threadId"],
                "sidetui_importable": importlib.util.find_spec("sidetui") is not None,
                "isolated": sys.flags.isolated,
                "no_site": sys.flags.no_site,
                "executable": sys.executable,
            }
        """,
        files={"run-python": f'#!/bin/sh\nexec {PLAIN_PYTHON} -I -S "$@"\n'},
    )
    shutil.copy(sidetui.block.__file__, folder / "sidetui_block.py")
    (folder / "run-python").chmod(0o755)
    manifest = {
        "name": "standalone",
        "entryPoint": "main.py",
        "runtime": str(folder / "run-python"),
    }
    (folder / "actionblock.yml").write_text(json.dumps(manifest))
    record = await run(manager, "standalone", {"a": 6, "b": 7}, thread_id="thread-s")
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result == {
        "product": 42,
        "thread": "thread-s",
        "sidetui_importable": False,
        "isolated": 1,
        "no_site": 1,
        "executable": PLAIN_PYTHON,
    }


PROBE = """\
import json, os, stat


def is_socket(fd):
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False


sockets = [fd for fd in range(3, 1024) if is_socket(fd)]
print(json.dumps({"env": os.environ.get("NODE_CHANNEL_FD"), "sockets": sockets}))
"""


async def test_the_channel_descriptor_is_not_passed_on_to_the_blocks_own_children(
    manager, project
) -> None:
    folder = helper_block(
        project,
        "spawner",
        """
@on_invocation
def main(params, context):
    probe = subprocess.run(
        [sys.executable, "probe.py"], capture_output=True, text=True, close_fds=False, check=True
    )
    return {
        "in_block": os.environ.get("NODE_CHANNEL_FD"),
        "mode_in_block": os.environ.get("NODE_CHANNEL_SERIALIZATION_MODE"),
        "grandchild": probe.stdout.strip(),
    }
""",
    )
    (folder / "probe.py").write_text(PROBE)
    record = await run(manager, "spawner")
    assert record.status is ExecutionStatus.COMPLETED, record.error_output
    assert record.result["in_block"] is None
    assert record.result["mode_in_block"] is None
    assert json.loads(record.result["grandchild"]) == {"env": None, "sockets": []}
