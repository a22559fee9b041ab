"""The `sidetui` command line, run for real as `python -m sidetui` in a subprocess."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import pytest

from tests.cli.conftest import CLI, DEADLINE_S, Ran, cli_env
from tests.helpers import PIDFILE_SLEEPER, file_text, pids_alive, write_block

ID_PATTERN = re.compile(r"^side_\d+_[0-9a-f]{8}$")
ID_IN_TEXT = re.compile(r"side_\d+_[0-9a-f]{8}")
RECORD_KEYS = {
    "sideExecutionId", "status", "result", "error", "output", "errorOutput", "exitCode",
    "signal", "pid", "startTime", "endTime", "duration", "logPaths",
}  # fmt: skip
BLOCK_KEYS = {
    "id", "name", "description", "version", "entryPoint", "path", "type", "source", "runtime",
    "valid", "errors", "metadata",
}  # fmt: skip

HELLO = """
import sys
print("hello from stdout")
print("hello from stderr", file=sys.stderr)
"""

ECHO_PARAMS = """
import os
print(os.environ["SIDE_EXECUTION_PARAMS"])
"""

CRASH = """
import sys
print("about to fail")
print("boom: the database is gone", file=sys.stderr)
sys.exit(3)
"""

KILLED = """
import os
import signal
print("going down", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""

SLEEPER = """
import time
time.sleep(30)
"""


# Forks a grandchild into a new session that ignores SIGTERM, then prints one line and sleeps.
TREE = """
import json
import os
import signal
import time
pidfile = json.loads(os.environ["SIDE_EXECUTION_PARAMS"])["pidfile"]
if os.fork() == 0:
    os.setsid()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open(pidfile + ".tmp", "w") as handle:
        handle.write(str(os.getpid()))
    os.rename(pidfile + ".tmp", pidfile)
    time.sleep(60)
    os._exit(0)
while not os.path.exists(pidfile):
    time.sleep(0.01)
print("ready", os.getpid(), flush=True)
time.sleep(30)
"""

# What the `raw` block writes, chunk by chunk with a flush after each: a character split
# between two writes, invalid UTF-8, a title-setting OSC sequence, colours, a \r rewrite, and
# no newline at the very end of stdout.
RAW_STDOUT = [
    b"plain line\n",
    b"caf\xc3",
    b"\xa9 split across writes\n",
    b"invalid \xff\xfe bytes\n",
    b"\x1b]0;title\x07after the title\n",
    b"\x1b[31mred\x1b[0m and \x1b[2Jcleared\n",
    b"progress 10%\rprogress 100%\n",
    b"no newline at the end",
]
RAW_STDERR = [b"warning: first\n", b"bad \x80 byte on stderr\n", b"\x1b[33myellow\x1b[0m\n"]
RAW = f"""
import sys
import time
OUT = {RAW_STDOUT!r}
ERR = {RAW_STDERR!r}
for chunk in OUT:
    sys.stdout.buffer.write(chunk)
    sys.stdout.buffer.flush()
    time.sleep(0.01)
for chunk in ERR:
    sys.stderr.buffer.write(chunk)
    sys.stderr.buffer.flush()
"""

STDERR_WITHOUT_NEWLINE = """
import sys
sys.stderr.write("50% done")
sys.stderr.flush()
"""

TYPED_INPUTS = {
    "description": "declares typed inputs",
    "inputs": [
        {"name": "count", "type": "integer", "required": True},
        {"name": "label", "type": "string", "default": "x"},
    ],
}

Runner = Callable[..., Ran]


@pytest.fixture
def blocks(project: Path) -> Path:
    """The project's `actionblocks/` folder with one block per behaviour under test."""
    folder = project / "actionblocks"
    write_block(folder, "hello", HELLO, {"description": "says hello", "version": "1.2.3"})
    write_block(folder, "echo-params", ECHO_PARAMS, {"description": "prints its params"})
    write_block(folder, "crash", CRASH, {"description": "exits with 3"})
    write_block(folder, "killed", KILLED, {"description": "kills itself"})
    write_block(folder, "sleeper", SLEEPER, {"description": "sleeps"})
    write_block(folder, "pid-sleeper", PIDFILE_SLEEPER, {"description": "sleeps"})
    write_block(folder, "tree", TREE, {"description": "leaves a grandchild"})
    write_block(folder, "raw", RAW, {"description": "writes raw bytes"})
    write_block(folder, "partial", STDERR_WITHOUT_NEWLINE, {"description": "no newline"})
    write_block(folder, "typed", "print('typed ran')", TYPED_INPUTS)
    write_block(folder, "broken", None, {"description": "broken", "entryPoint": "missing.py"})
    return folder


def record_of(ran: Ran) -> dict[str, Any]:
    """The execution record of a `run --json`, after checking the envelope around it."""
    document = ran.document()
    assert document["type"] == "getSideExecutionStatusResponse", ran
    assert document["success"] is True, ran
    data = document["data"]
    assert isinstance(data, dict)
    missing = RECORD_KEYS - set(data)
    assert not missing, f"record lacks {missing}"
    return data


def log_files(logs_dir: Path) -> list[Path]:
    return sorted(logs_dir.glob("*")) if logs_dir.exists() else []


def read_line_within(stream: IO[bytes], deadline_s: float = DEADLINE_S) -> bytes:
    """The first line a pipe delivers, waiting at most a generous deadline for it."""
    fd = stream.fileno()
    got = b""
    end = time.monotonic() + deadline_s
    while b"\n" not in got:
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no whole line within {deadline_s} s; got {got!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                raise AssertionError(f"the pipe closed before a whole line; got {got!r}")
            got += chunk
    return got


def popen_cli(
    *args: str, cwd: Path, stdout: Any = subprocess.PIPE, stderr: Any = subprocess.PIPE
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*CLI, *args],
        cwd=cwd,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
    )


def end_cli(process: subprocess.Popen[bytes]) -> None:
    """Last resort after a failed test: the CLI must not outlive it."""
    if process.poll() is None:
        process.kill()
        process.wait(DEADLINE_S)


# -- help and version ------------------------------------------------------------------------------


def test_help_lists_the_app_and_every_command(cli: Runner) -> None:
    ran = cli("--help")
    assert ran.returncode == 0, ran
    assert "usage: sidetui [PROJECT]" in ran.out
    for command in ("list", "run", "code", "capability", "serve"):
        assert re.search(rf"^\s+{command}\s", ran.out, re.MULTILINE), ran.out


def test_the_app_refuses_a_project_that_is_not_a_folder(cli: Runner, tmp_path: Path) -> None:
    ran = cli(str(tmp_path / "missing"))
    assert ran.returncode == 2, ran
    assert "is not a folder" in ran.err


def test_version_prints_the_package_version(cli: Runner) -> None:
    from sidetui import __version__

    ran = cli("--version")
    assert ran.returncode == 0, ran
    assert ran.out.strip() == f"sidetui {__version__}"


# -- list ------------------------------------------------------------------------------------------


def test_list_json_is_one_envelope_with_every_block(cli: Runner, blocks: Path) -> None:
    ran = cli("list", "--json")
    assert ran.returncode == 0, ran
    document = ran.document()
    assert document["type"] == "listActionBlocksResponse"
    assert document["success"] is True
    assert document["error"] is None
    entries = document["data"]["actionBlocks"]
    by_name = {entry["name"]: entry for entry in entries}
    expected = {path.name for path in blocks.iterdir()}
    assert set(by_name) == expected
    assert len(entries) == len(expected)
    for entry in entries:
        missing = BLOCK_KEYS - set(entry)
        assert not missing, f"{entry['name']} lacks {missing}"
        assert isinstance(entry["metadata"], dict)

    hello = by_name["hello"]
    assert hello["id"] == "project:actionblock:hello"
    assert hello["description"] == "says hello"
    assert hello["version"] == "1.2.3"
    assert hello["entryPoint"] == "main.py"
    assert Path(hello["path"]) == (blocks / "hello").resolve()
    assert hello["type"] == "filesystem"
    assert hello["source"] == "project"
    assert hello["runtime"] == "python"
    assert hello["valid"] is True
    assert hello["errors"] == []

    typed_inputs = [spec["name"] for spec in by_name["typed"]["metadata"]["inputs"]]
    assert typed_inputs == ["count", "label"]


def test_list_json_shows_a_broken_block_as_invalid_with_its_reason(
    cli: Runner, blocks: Path
) -> None:
    entries = cli("list", "--json").document()["data"]["actionBlocks"]
    broken = next(entry for entry in entries if entry["name"] == "broken")
    assert broken["valid"] is False
    assert len(broken["errors"]) == 1
    assert "missing.py" in broken["errors"][0]
    assert "does not exist" in broken["errors"][0]
    assert all(entry["valid"] for entry in entries if entry["name"] != "broken")


def test_list_prints_a_table_that_marks_the_broken_block(cli: Runner, blocks: Path) -> None:
    ran = cli("list", env=cli_env(COLUMNS="200"))
    assert ran.returncode == 0, ran
    lines = ran.out.splitlines()
    assert lines[0].split()[:2] == ["NAME", "SOURCE"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {path.name for path in blocks.iterdir()}
    assert "broken" in rows["broken"].split()
    assert "missing.py does not exist" in rows["broken"]
    assert "broken" not in rows["hello"].split()
    assert "says hello" in rows["hello"]
    with pytest.raises(json.JSONDecodeError):
        json.loads(ran.stdout)


def test_list_honours_the_global_dir_and_marks_a_shadowed_block(
    cli: Runner, blocks: Path, tmp_path: Path
) -> None:
    other_global = tmp_path / "other-global"
    write_block(other_global, "hello", HELLO, {"description": "the global hello"})
    write_block(other_global, "only-global", HELLO, {"description": "global only"})
    entries = cli("list", "--json", "--global-dir", str(other_global)).document()["data"][
        "actionBlocks"
    ]
    hellos = {entry["source"]: entry for entry in entries if entry["name"] == "hello"}
    assert set(hellos) == {"global", "project"}
    assert hellos["global"]["shadowedBy"] == hellos["project"]["id"]
    assert hellos["project"]["shadowedBy"] is None
    assert any(e["name"] == "only-global" and e["source"] == "global" for e in entries)


# -- run --json ------------------------------------------------------------------------------------


def test_run_json_completed_is_one_record_with_exact_logs(
    cli: Runner, blocks: Path, logs_dir: Path
) -> None:
    ran = cli("run", "hello", "--json")
    assert ran.returncode == 0, ran
    assert "hello from stderr" not in ran.err, "--json must not stream the child's output"
    record = record_of(ran)
    assert ID_PATTERN.match(record["sideExecutionId"]), record["sideExecutionId"]
    assert record["status"] == "completed"
    assert record["result"] == {"exitCode": 0}
    assert record["error"] is None
    assert record["exitCode"] == 0
    assert record["signal"] is None
    assert isinstance(record["pid"], int)
    assert record["output"] == "hello from stdout"
    assert record["errorOutput"] == "hello from stderr"
    started = datetime.fromisoformat(record["startTime"])
    ended = datetime.fromisoformat(record["endTime"])
    assert ended >= started
    assert isinstance(record["duration"], int)
    assert record["duration"] >= 0

    stdout_log = Path(record["logPaths"]["stdout"])
    stderr_log = Path(record["logPaths"]["stderr"])
    assert stdout_log.parent == logs_dir
    assert stdout_log.name == f"{record['sideExecutionId']}.stdout"
    assert stdout_log.read_bytes() == b"hello from stdout\n"
    assert stderr_log.read_bytes() == b"hello from stderr\n"


def test_run_json_logs_hold_every_raw_byte_the_child_wrote(cli: Runner, blocks: Path) -> None:
    ran = cli("run", "raw", "--json")
    assert ran.returncode == 0, ran
    record = record_of(ran)
    assert Path(record["logPaths"]["stdout"]).read_bytes() == b"".join(RAW_STDOUT)
    assert Path(record["logPaths"]["stderr"]).read_bytes() == b"".join(RAW_STDERR)
    assert "\ufffd" in record["output"]  # invalid bytes decoded as replacement characters
    assert "café split across writes" in record["output"]


def test_run_json_failed_exits_1_with_process_crashed(cli: Runner, blocks: Path) -> None:
    ran = cli("run", "crash", "--json")
    assert ran.returncode == 1, ran
    record = record_of(ran)
    assert record["status"] == "failed"
    assert record["exitCode"] == 3
    assert record["error"]["code"] == "PROCESS_CRASHED"
    assert "3" in record["error"]["message"]
    assert record["errorOutput"] == "boom: the database is gone"
    assert Path(record["logPaths"]["stderr"]).read_bytes() == b"boom: the database is gone\n"


def test_run_json_child_killed_by_a_signal_is_failed(cli: Runner, blocks: Path) -> None:
    ran = cli("run", "killed", "--json")
    assert ran.returncode == 1, ran
    record = record_of(ran)
    assert record["status"] == "failed"
    assert record["signal"] == "SIGKILL"
    assert record["exitCode"] is None
    assert record["error"]["code"] == "PROCESS_CRASHED"


def test_run_json_timeout_exits_124_and_ends_the_child(cli: Runner, blocks: Path) -> None:
    ran = cli("run", "sleeper", "--timeout", "300", "--json")
    assert ran.returncode == 124, ran
    record = record_of(ran)
    assert record["status"] == "timeout"
    assert record["error"]["code"] == "EXECUTION_TIMEOUT"
    assert record["timeout"] == 300
    assert isinstance(record["pid"], int)
    assert pids_alive([record["pid"]]) == []


# -- refusals --------------------------------------------------------------------------------------

REFUSALS = [
    pytest.param(["nope"], "ACTION_BLOCK_NOT_FOUND", "nope", id="unknown-name"),
    pytest.param(["./actionblocks/nope"], "ACTION_BLOCK_NOT_FOUND", "nope", id="unknown-path"),
    pytest.param(["broken"], "INVALID_ACTION_BLOCK", "missing.py", id="broken-block"),
    pytest.param(["typed", "--param", "count=abc"], "INVALID_PARAMS", "count", id="wrong-type"),
    pytest.param(["typed"], "INVALID_PARAMS", "count", id="missing-required"),
    pytest.param(["typed", "--params", '{"count": 1.5}'], "INVALID_PARAMS", "count", id="float"),
    pytest.param(["hello", "--params", "{not json"], "INVALID_PARAMS", "--params", id="bad-json"),
    pytest.param(["hello", "--params", "[1, 2]"], "INVALID_PARAMS", "--params", id="not-object"),
    pytest.param(["hello", "--param", "novalue"], "INVALID_PARAMS", "novalue", id="no-equals"),
    pytest.param(["hello", "--param", "=3"], "INVALID_PARAMS", "=3", id="empty-key"),
]


@pytest.mark.parametrize(("args", "code", "named"), REFUSALS)
def test_run_json_refusal_is_one_envelope_exit_2_nothing_started(
    cli: Runner, blocks: Path, logs_dir: Path, args: list[str], code: str, named: str
) -> None:
    ran = cli("run", *args, "--json")
    assert ran.returncode == 2, ran
    document = ran.document()
    assert document["success"] is False
    assert document["error"]["code"] == code
    assert named in document["error"]["message"]
    assert document["message"] == document["error"]["message"]
    assert log_files(logs_dir) == [], "a refused run must start nothing"


@pytest.mark.parametrize(("args", "code", "named"), REFUSALS)
def test_run_refusal_without_json_explains_on_stderr(
    cli: Runner, blocks: Path, logs_dir: Path, args: list[str], code: str, named: str
) -> None:
    ran = cli("run", *args)
    assert ran.returncode == 2, ran
    assert ran.stdout == b""
    assert code in ran.err
    assert named in ran.err
    assert log_files(logs_dir) == []


def test_invalid_params_name_every_bad_field(cli: Runner, project: Path) -> None:
    write_block(
        project / "actionblocks",
        "two-inputs",
        "print('ran')",
        {
            "inputs": [
                {"name": "count", "type": "integer"},
                {"name": "flag", "type": "boolean"},
                {"name": "fine", "type": "string"},
            ]
        },
    )
    args = ["--param", "count=x", "--param", "flag=yes", "--param", "fine=ok"]
    document = cli("run", "two-inputs", *args, "--json").document()
    assert document["error"]["code"] == "INVALID_PARAMS"
    assert "count" in document["error"]["message"]
    assert "flag" in document["error"]["message"]
    assert "fine" not in document["error"]["message"]


# -- --param parsing -------------------------------------------------------------------------------


def test_params_reach_the_child_typed_and_param_overrides_params(cli: Runner, blocks: Path) -> None:
    ran = cli(
        "run",
        "echo-params",
        "--params",
        '{"name": "Bob", "count": 1, "kept": [1, 2]}',
        "--param",
        "count=3",
        "--param",
        "flag=true",
        "--param",
        "name=Ada",
        "--param",
        'obj={"a":1}',
        "--param",
        "equation=a=b",
        "--param",
        "empty=",
        "--param",
        "zip=007",
        "--json",
    )
    assert ran.returncode == 0, ran
    record = record_of(ran)
    received = json.loads(record["output"])
    expected = {
        "name": "Ada",
        "count": 3,
        "kept": [1, 2],
        "flag": True,
        "obj": {"a": 1},
        "equation": "a=b",
        "empty": "",
        "zip": "007",
    }
    assert received == expected
    assert type(received["count"]) is int
    assert record["params"] == expected


def test_param_values_are_json_where_they_parse_without_json(cli: Runner, blocks: Path) -> None:
    ran = cli("run", "echo-params", "--param", "ratio=0.5", "--param", "none=null")
    assert ran.returncode == 0, ran
    assert json.loads(ran.stdout) == {"ratio": 0.5, "none": None}


def test_param_values_that_are_not_strict_json_stay_text(cli: Runner, blocks: Path) -> None:
    ran = cli("run", "echo-params", "--param", "word=NaN", "--param", "big=Infinity", "--json")
    assert ran.returncode == 0, ran
    assert json.loads(record_of(ran)["output"]) == {"word": "NaN", "big": "Infinity"}


# -- run without --json: streaming -----------------------------------------------------------------


def test_run_streams_stdout_and_stderr_byte_exact_then_a_summary(
    cli: Runner, blocks: Path, logs_dir: Path
) -> None:
    ran = cli("run", "raw")
    assert ran.returncode == 0, ran
    assert ran.stdout == b"".join(RAW_STDOUT)
    child_stderr = b"".join(RAW_STDERR)
    assert ran.stderr.startswith(child_stderr), ran.stderr
    summary = ran.stderr[len(child_stderr) :]
    assert summary.endswith(b"\n")
    assert summary.count(b"\n") == 1, summary
    text = summary.decode()
    assert "completed" in text
    ids = ID_IN_TEXT.findall(text)
    assert ids, text
    assert (logs_dir / f"{ids[0]}.stdout").read_bytes() == ran.stdout
    assert (logs_dir / f"{ids[0]}.stderr").read_bytes() == child_stderr


def test_run_failed_streams_and_summarises_the_failure(cli: Runner, blocks: Path) -> None:
    ran = cli("run", "crash")
    assert ran.returncode == 1, ran
    assert ran.stdout == b"about to fail\n"
    assert ran.stderr.startswith(b"boom: the database is gone\n")
    summary = ran.stderr.splitlines()[-1].decode()
    assert "failed" in summary
    assert ID_IN_TEXT.search(summary), summary
    assert len(ran.stderr.splitlines()) == 2


def test_run_timeout_without_json_exits_124(cli: Runner, blocks: Path) -> None:
    ran = cli("run", "sleeper", "--timeout", "300")
    assert ran.returncode == 124, ran
    assert ran.stdout == b""
    assert ID_IN_TEXT.search(ran.err), ran


def test_summary_is_on_its_own_line_after_an_unfinished_stderr_line(
    cli: Runner, blocks: Path
) -> None:
    ran = cli("run", "partial")
    assert ran.returncode == 0, ran
    lines = ran.err.splitlines()
    assert lines[0] == "50% done"
    assert lines[-1].startswith("sidetui: ")
    assert "completed" in lines[-1]


def test_run_on_a_terminal_keeps_colours_and_neutralises_other_escapes(
    blocks: Path, project: Path
) -> None:
    controller, terminal = os.openpty()
    try:
        process = popen_cli("run", "raw", cwd=project, stdout=terminal)
    finally:
        os.close(terminal)
    seen = b""
    try:
        end = time.monotonic() + DEADLINE_S
        while time.monotonic() < end:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's last writer closed it
                break
            if not chunk:
                break
            seen += chunk
        assert process.wait(DEADLINE_S) == 0
    finally:
        end_cli(process)
        os.close(controller)
    assert b"\x1b[31mred\x1b[0m" in seen, seen
    assert b"\x1b]0;" not in seen
    assert b"\x07" not in seen
    assert b"\r\nafter the title\r\n" in seen
    assert b"\x1b[2J" not in seen
    assert b"cleared" in seen
    assert "café split across writes".encode() in seen


# -- live streaming and stopping -------------------------------------------------------------------


def test_output_streams_live_and_sigint_stops_the_whole_tree(
    blocks: Path, project: Path, tmp_path: Path, reap: list[int]
) -> None:
    pidfile = tmp_path / "grandchild.pid"
    stderr_path = tmp_path / "cli.stderr"
    with stderr_path.open("wb") as stderr:
        process = popen_cli(
            "run", "tree", "--param", f"pidfile={pidfile}", cwd=project, stderr=stderr
        )
    try:
        assert process.stdout is not None
        line = read_line_within(process.stdout)
        assert line.startswith(b"ready "), line
        child = int(line.split()[1])
        grandchild = int(pidfile.read_text())
        reap += [child, grandchild]
        assert pids_alive([child, grandchild]) == [child, grandchild], "the tree must still run"
        assert process.poll() is None

        process.send_signal(signal.SIGINT)
        assert process.wait(DEADLINE_S) == 130
        assert pids_alive([child, grandchild]) == []
        assert process.stdout.read() == b""
    finally:
        end_cli(process)
        if process.stdout is not None:
            process.stdout.close()
    summary = stderr_path.read_text().splitlines()[-1]
    assert "stopped" in summary
    assert ID_IN_TEXT.search(summary), summary


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_or_sighup_stops_with_130_and_one_json_record(
    blocks: Path, project: Path, tmp_path: Path, reap: list[int], sig: signal.Signals
) -> None:
    pidfile = tmp_path / "child.pid"
    process = popen_cli(
        "run", "pid-sleeper", "--param", f"pidfile={pidfile}", "--json", cwd=project
    )
    try:
        child = int(file_text(pidfile, process))
        reap.append(child)
        assert pids_alive([child]) == [child]
        process.send_signal(sig)
        stdout, stderr = process.communicate(timeout=DEADLINE_S)
    finally:
        end_cli(process)
    ran = Ran(("run", "pid-sleeper", "--json"), process.returncode, stdout, stderr)
    assert ran.returncode == 130, ran
    record = record_of(ran)
    assert record["status"] == "stopped"
    assert record["pid"] == child
    assert pids_alive([child]) == []


# -- how a block is named --------------------------------------------------------------------------


def test_run_by_folder_path(cli: Runner, blocks: Path) -> None:
    ran = cli("run", "./actionblocks/hello", "--json")
    assert ran.returncode == 0, ran
    record = record_of(ran)
    assert record["status"] == "completed"
    assert record["output"] == "hello from stdout"
    assert Path(record["actionBlockPath"]) == (blocks / "hello").resolve()


def test_run_by_path_outside_every_root(cli: Runner, blocks: Path, tmp_path: Path) -> None:
    loose = write_block(tmp_path / "elsewhere", "loose", "print('loose ran')", {})
    ran = cli("run", str(loose), "--json")
    assert ran.returncode == 0, ran
    record = record_of(ran)
    assert record["output"] == "loose ran"
    assert Path(record["actionBlockPath"]) == loose.resolve()


def test_run_by_name_with_project_from_another_folder(
    cli: Runner, blocks: Path, project: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert cli("run", "hello", "--json", cwd=elsewhere).returncode == 2
    ran = cli("run", "hello", "--project", str(project), "--json", cwd=elsewhere)
    assert ran.returncode == 0, ran
    record = record_of(ran)
    assert record["output"] == "hello from stdout"
    assert Path(record["actionBlockPath"]) == (blocks / "hello").resolve()
    listed = cli("list", "--project", str(project), "--json", cwd=elsewhere).document()
    assert "hello" in {entry["name"] for entry in listed["data"]["actionBlocks"]}


def test_state_dir_flag_puts_the_logs_there(cli: Runner, blocks: Path, tmp_path: Path) -> None:
    state = tmp_path / "my-state"
    record = record_of(cli("run", "hello", "--state-dir", str(state), "--json"))
    stdout_log = Path(record["logPaths"]["stdout"])
    assert stdout_log.parent == state / "logs"
    assert stdout_log.read_bytes() == b"hello from stdout\n"
