"""`sidetui capability list` and `sidetui capability run`, run for real as `python -m sidetui`.

`list --json` is one envelope with `data.capabilities` and `data.executors`; `run --json` prints one
envelope whose `data` is the completion (`success, executionId, result, additionalContext, error,
capabilityPath`) plus `status`. Exit codes as `sidetui run`: 0 completed, 1 failed, 124 timeout,
2 refused, 130 stopped by a signal.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import CLI, DEADLINE_S, Ran, cli_env
from tests.helpers import file_text, pids_alive, write_block

Runner = Callable[..., Ran]
EXECUTION_ID = re.compile(r"^cap_\d{13}_[0-9a-f]{8}$")
COMPLETION_KEYS = {
    "success", "executionId", "result", "additionalContext", "error", "capabilityPath", "status",
}  # fmt: skip

WORDS = """
def execute(params):
    words = params["text"].split()
    print(f"counting {len(words)} words", flush=True)
    return {"result": {"words": len(words)}, "additionalContext": {"first": words[0]}}
"""

# Returns the caller's params (those the executor did not add).
ECHO = """
ADDED = {"capabilityPath", "capabilityName", "capabilityType", "capabilityConfig", "executionId"}

def execute(params):
    return {key: value for key, value in params.items() if key not in ADDED}
"""

BOOM = """
def execute(params):
    raise ValueError("the ledger does not balance")
"""

# Writes its pid where `pidfile` says, then sleeps.
SLOW = """
import os
import time

def execute(params):
    with open(params["pidfile"] + ".tmp", "w") as handle:
        handle.write(str(os.getpid()))
    os.rename(params["pidfile"] + ".tmp", params["pidfile"])
    time.sleep(60)
"""

# Forks a grandchild into its own session; the grandchild writes `[executor pid, its pid]`.
TREE = """
import json
import os
import time

def execute(params):
    pidfile = params["pidfile"]
    if os.fork() == 0:
        os.setsid()
        with open(pidfile + ".tmp", "w") as handle:
            handle.write(json.dumps([os.getppid(), os.getpid()]))
        os.rename(pidfile + ".tmp", pidfile)
        time.sleep(60)
        os._exit(0)
    time.sleep(60)
"""

TEXT_INPUT = {
    "description": "counts words",
    "inputs": [{"name": "text", "type": "string", "required": True}],
}


def capability(
    project: Path, kind: str, name: str, main_py: str | None, manifest: dict[str, Any] | str | None
) -> Path:
    files = {}
    if manifest is not None:
        files["capability.yaml"] = manifest if isinstance(manifest, str) else json.dumps(manifest)
    return write_block(project / "capabilities" / kind, name, main_py, files=files)


@pytest.fixture
def capabilities(project: Path) -> Path:
    """One capability per behaviour under test, a broken one and a broken executor."""
    capability(project, "power", "words", WORDS, TEXT_INPUT)
    capability(project, "power", "echo", ECHO, {"description": "returns its params"})
    capability(project, "power", "boom", BOOM, None)
    capability(project, "power", "slow", SLOW, None)
    capability(project, "power", "tree", TREE, None)
    capability(project, "power", "broken", None, "name: [unclosed\n")
    capability(project, "talent", "other", ECHO, {"description": "a talent"})
    capability(project, "gizmo", "orphan", ECHO, None)
    write_block(
        project / "capabilities" / "executors",
        "no-types",
        "print(1)",
        files={"executor.yaml": "name: no-types\nentryPoint: main.py\n"},
    )
    return project


def envelope(ran: Ran, kind: str, success: bool) -> dict[str, Any]:
    document = ran.document()
    assert (document["type"], document["success"]) == (kind, success), ran
    return document


def completion_of(ran: Ran) -> dict[str, Any]:
    """The `data` of a `capability run --json`, checked to be the completion plus its status."""
    document = ran.document()
    assert document["type"] == "getExecutionStatusResponse", ran
    data = document["data"]
    assert isinstance(data, dict), ran
    assert set(data) >= COMPLETION_KEYS, f"data lacks {COMPLETION_KEYS - set(data)}"
    assert EXECUTION_ID.match(data["executionId"]), data
    assert document["success"] is data["success"]
    return data


# -- list ------------------------------------------------------------------------------------------


def test_list_json_is_one_envelope_of_capabilities_and_executors_with_validity(
    cli: Runner, capabilities: Path
) -> None:
    ran = cli("capability", "list", "--json")
    assert ran.returncode == 0, ran
    data = envelope(ran, "listCapabilitiesResponse", True)["data"]
    shown = {(c["type"], c["name"]): c for c in data["capabilities"]}
    assert set(shown) == {
        ("power", "words"),
        ("power", "echo"),
        ("power", "boom"),
        ("power", "slow"),
        ("power", "tree"),
        ("power", "broken"),
        ("talent", "other"),
        ("gizmo", "orphan"),
    }
    for entry in data["capabilities"]:
        assert isinstance(entry["valid"], bool) and isinstance(entry["errors"], list), entry
    assert (shown["power", "words"]["valid"], shown["power", "words"]["errors"]) == (True, [])
    assert shown["power", "words"]["path"] == str(capabilities / "capabilities/power/words")
    assert shown["power", "broken"]["valid"] is False
    assert any("invalid YAML" in error for error in shown["power", "broken"]["errors"])

    executors = {e["name"]: e for e in data["executors"]}
    assert set(executors) == {"default", "no-types"}
    default = executors["default"]
    assert (default["valid"], default["errors"], default["source"]) == (True, [], "builtin")
    assert sorted(default["supportedTypes"]) == ["power", "skill", "talent"]
    assert executors["no-types"]["valid"] is False
    assert any("supportedTypes" in error for error in executors["no-types"]["errors"])


def test_list_type_narrows_the_capabilities_and_the_executors(
    cli: Runner, capabilities: Path
) -> None:
    ran = cli("capability", "list", "--type", "talent", "--json")
    assert ran.returncode == 0, ran
    data = envelope(ran, "listCapabilitiesResponse", True)["data"]
    assert [(c["type"], c["name"]) for c in data["capabilities"]] == [("talent", "other")]
    assert {e["name"] for e in data["executors"]} == {"default"}  # the one serving talent


def test_list_with_project_from_another_folder(
    cli: Runner, capabilities: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ran = cli("capability", "list", "--project", str(capabilities), "--json", cwd=elsewhere)
    assert ran.returncode == 0, ran
    data = envelope(ran, "listCapabilitiesResponse", True)["data"]
    assert ("power", "words") in {(c["type"], c["name"]) for c in data["capabilities"]}


def test_list_prints_a_table_of_capabilities_and_one_of_executors(
    cli: Runner, capabilities: Path
) -> None:
    ran = cli("capability", "list")
    assert ran.returncode == 0, ran
    lines = ran.out.splitlines()
    capability_header = next(i for i, line in enumerate(lines) if line.startswith("CAPABILITY"))
    executor_header = next(i for i, line in enumerate(lines) if line.startswith("EXECUTOR"))
    assert capability_header < executor_header
    capability_rows = lines[capability_header + 1 : executor_header]
    executor_rows = lines[executor_header + 1 :]
    words = next(row for row in capability_rows if row.split()[:2] == ["words", "power"])
    assert "counts words" in words
    broken = next(row for row in capability_rows if row.startswith("broken "))
    assert "broken" in broken.split()[1:], broken
    default = next(row for row in executor_rows if row.startswith("default "))
    assert "builtin" in default
    no_types = next(row for row in executor_rows if row.startswith("no-types "))
    assert "broken" in no_types.split()[1:], no_types


# -- run -------------------------------------------------------------------------------------------


def test_run_json_completed_is_the_completion_with_status_and_exit_0(
    cli: Runner, capabilities: Path
) -> None:
    ran = cli("capability", "run", "words", "--type", "power", "--param", "text=a b c", "--json")
    assert ran.returncode == 0, ran
    data = completion_of(ran)
    assert data["status"] == "completed"
    assert data["success"] is True
    assert (data["result"], data["additionalContext"], data["error"]) == (
        {"words": 3},
        {"first": "a"},
        None,
    )
    assert data["capabilityPath"] == str(capabilities / "capabilities" / "power" / "words")
    assert ran.document()["error"] is None


def test_params_json_and_param_pairs_reach_the_capability_typed(
    cli: Runner, capabilities: Path
) -> None:
    ran = cli(
        "capability",
        "run",
        "echo",
        "--type",
        "power",
        "--params",
        '{"n": 1, "keep": [1, 2], "name": "from json"}',
        "--param",
        "n=5",
        "--param",
        "flag=true",
        "--param",
        "words=two words",
        "--json",
    )
    assert ran.returncode == 0, ran
    assert completion_of(ran)["result"] == {
        "n": 5,
        "keep": [1, 2],
        "name": "from json",
        "flag": True,
        "words": "two words",
    }


def test_run_without_json_streams_the_output_and_summarises(
    cli: Runner, capabilities: Path
) -> None:
    ran = cli("capability", "run", "words", "--type", "power", "--param", "text=one two")
    assert ran.returncode == 0, ran
    assert "counting 2 words" in ran.out
    summary = ran.err.strip().splitlines()[-1]
    assert "power/words completed" in summary
    assert re.search(r"cap_\d{13}_[0-9a-f]{8}", summary), summary


def test_run_json_failed_exits_1_with_execution_failed(cli: Runner, capabilities: Path) -> None:
    ran = cli("capability", "run", "boom", "--type", "power", "--json")
    assert ran.returncode == 1, ran
    data = completion_of(ran)
    assert (data["status"], data["success"], data["result"]) == ("failed", False, None)
    assert "the ledger does not balance" in data["error"]
    assert ran.document()["error"]["code"] == "EXECUTION_FAILED"


def test_run_json_timeout_exits_124_and_ends_the_executor(
    cli: Runner, capabilities: Path, tmp_path: Path, reap: list[int]
) -> None:
    pidfile = tmp_path / "slow.pid"
    ran = cli(
        "capability", "run", "slow", "--type", "power", "--param", f"pidfile={pidfile}",
        "--timeout", "500", "--json",
    )  # fmt: skip
    executor_pid = int(pidfile.read_text())
    reap.append(executor_pid)
    assert ran.returncode == 124, ran
    data = completion_of(ran)
    assert (data["status"], data["success"]) == ("timeout", False)
    assert "timed out" in data["error"]
    assert ran.document()["error"]["code"] == "EXECUTION_TIMEOUT"
    assert pids_alive([executor_pid]) == []


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["nothing", "--type", "power"], "CAPABILITY_NOT_FOUND", id="unknown"),
        pytest.param(["orphan", "--type", "gizmo"], "EXECUTOR_NOT_FOUND", id="no-executor"),
        pytest.param(["nothing", "--type", "gizmo"], "EXECUTOR_NOT_FOUND", id="neither"),
        pytest.param(["words", "--type", "power"], "INVALID_REQUEST", id="missing-input"),
        pytest.param(
            ["words", "--type", "power", "--param", "text=5"], "INVALID_REQUEST", id="wrong-type"
        ),
        pytest.param(["broken", "--type", "power"], "INVALID_CAPABILITY_CONFIG", id="broken"),
    ],
)
def test_run_refusals_exit_2_with_one_envelope_and_run_nothing(
    cli: Runner, capabilities: Path, logs_dir: Path, args: list[str], code: str
) -> None:
    ran = cli("capability", "run", *args, "--json")
    assert ran.returncode == 2, ran
    document = envelope(ran, "startCapabilityResponse", False)
    assert document["error"]["code"] == code
    assert document["data"] is None
    assert not logs_dir.exists() or list(logs_dir.iterdir()) == [], "nothing may have run"

    plain = cli("capability", "run", *args)
    assert plain.returncode == 2, plain
    assert plain.out == ""
    assert f"sidetui: {code}:" in plain.err


def test_run_refuses_a_negative_timeout_as_sidetui_run_does(
    cli: Runner, capabilities: Path
) -> None:
    ran = cli("capability", "run", "echo", "--type", "power", "--timeout", "-1", "--json")
    assert ran.returncode == 2, ran
    assert ran.document()["error"]["code"] == "INVALID_REQUEST"


def test_sigint_stops_the_capability_with_130_and_its_tree_is_gone(
    capabilities: Path, tmp_path: Path, reap: list[int]
) -> None:
    pidfile = tmp_path / "tree.json"
    process = subprocess.Popen(
        [*CLI, "capability", "run", "tree", "--type", "power", "--param", f"pidfile={pidfile}"],
        cwd=capabilities,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        executor_pid, grandchild = json.loads(file_text(pidfile, process))
        reap += [executor_pid, grandchild]
        assert pids_alive([executor_pid, grandchild]) == [executor_pid, grandchild]
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=DEADLINE_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(DEADLINE_S)
    assert process.returncode == 130, stderr
    assert pids_alive([executor_pid, grandchild]) == []
    summary = stderr.decode().strip().splitlines()[-1]
    assert "power/tree stopped" in summary


# -- the first minutes -----------------------------------------------------------------------------

SKILL = """---
name: reviewing
description: How to review a change.
---
# Reviewing

Read the tests first.
"""


def test_run_prints_the_result_in_text_mode(cli: Runner, capabilities: Path) -> None:
    """A capability's result is what it is for: a skill's instructions, a power's value."""
    write_block(capabilities / ".claude" / "skills", "reviewing", files={"SKILL.md": SKILL})
    ran = cli("capability", "run", "reviewing", "--type", "skill")
    assert ran.returncode == 0, ran
    assert "# Reviewing\n\nRead the tests first." in ran.out
    assert "skill/reviewing completed" in ran.err

    ran = cli("capability", "run", "words", "--type", "power", "--param", "text=a b c")
    assert ran.returncode == 0, ran
    assert ran.out.endswith('{\n  "words": 3\n}\n'), ran.out


def test_run_needs_no_type_when_the_name_is_of_one_type(cli: Runner, capabilities: Path) -> None:
    ran = cli("capability", "run", "words", "--param", "text=one two", "--json")
    assert ran.returncode == 0, ran
    assert completion_of(ran)["result"] == {"words": 2}


def test_run_without_type_refuses_a_name_of_several_types(cli: Runner, capabilities: Path) -> None:
    capability(capabilities, "talent", "words", ECHO, None)
    ran = cli("capability", "run", "words", "--param", "text=one")
    assert ran.returncode == 2, ran
    assert "exists for several types (power, talent): give a type" in ran.err


def test_an_unknown_capability_lists_those_of_its_type_only(
    cli: Runner, capabilities: Path
) -> None:
    ran = cli("capability", "run", "nothing", "--type", "talent")
    assert ran.returncode == 2, ran
    assert ran.err.strip() == (
        "sidetui: CAPABILITY_NOT_FOUND: No talent capability named 'nothing' "
        "(the talent capabilities: other)"
    )
