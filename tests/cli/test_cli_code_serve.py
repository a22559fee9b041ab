"""`sidetui code` and `sidetui serve`, run for real as `python -m sidetui` in a subprocess.

`code` prints the same JSON document and exits with the same codes as `run`: 0 completed (the
returned value is the result), 1 failed, 124 timeout, 2 refused. `serve` runs the engine headless:
it prints its endpoint and the path of its private token file, answers agents until SIGTERM, then
stops everything and removes the file.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import psutil
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.cli.conftest import CLI, DEADLINE_S, Ran, cli_env
from tests.helpers import (
    NODE,
    PIDFILE_SLEEPER,
    file_text,
    needs_node,
    pids_alive,
    write_block,
)

Runner = Callable[..., Ran]
RECORD_KEYS = {
    "sideExecutionId", "kind", "status", "result", "error", "output", "errorOutput", "exitCode",
    "pid", "startTime", "endTime", "duration", "timeout", "logPaths", "params",
}  # fmt: skip

WORDS = """
from sidetui.block import on_invocation

@on_invocation
def main(params, context):
    words = params["text"].split()
    return {"words": len(words), "threadId": context["threadId"]}
"""


def record_of(ran: Ran) -> dict[str, Any]:
    """The execution record of a `code --json`, after checking the envelope around it."""
    document = ran.document()
    assert document["type"] == "getSideExecutionStatusResponse", ran
    assert document["success"] is True, ran
    data = document["data"]
    assert isinstance(data, dict)
    missing = RECORD_KEYS - set(data)
    assert not missing, f"record lacks {missing}"
    assert data["kind"] == "code"
    return data


def run_with_stdin(args: list[str], stdin: bytes, cwd: Path) -> Ran:
    done = subprocess.run(
        [*CLI, *args],
        cwd=cwd,
        env=cli_env(),
        input=stdin,
        capture_output=True,
        timeout=DEADLINE_S,
        check=False,
    )
    return Ran(tuple(args), done.returncode, done.stdout, done.stderr)


def log_files() -> list[Path]:
    logs = Path(os.environ["SIDETUI_STATE_DIR"]) / "logs"
    return sorted(logs.glob("*")) if logs.exists() else []


# -- code: JavaScript ------------------------------------------------------------------------------


@needs_node
def test_code_json_returns_the_value_as_result_with_params_from_both_flags(cli: Runner) -> None:
    ran = cli(
        "code",
        "console.log('adding');\nreturn { sum: params.a + params.b, label: params.label };",
        "--params",
        '{"a": 1, "b": 100}',
        "--param",
        "b=41",
        "--param",
        "label=answer",
        "--json",
    )
    assert ran.returncode == 0, ran
    record = record_of(ran)
    assert record["status"] == "completed"
    assert record["result"] == {"sum": 42, "label": "answer"}
    assert record["params"] == {"a": 1, "b": 41, "label": "answer"}
    assert record["error"] is None
    assert record["output"] == "adding"
    assert record["actionBlock"] == "<inline javascript>"
    assert record["timeout"] == 300_000  # the default for inline code


@needs_node
def test_code_javascript_awaits_and_returns_scalars(cli: Runner) -> None:
    code = (
        "const later = await new Promise((done) => setTimeout(() => done(7), 10));\n"
        "return later * 6;"
    )
    record = record_of(cli("code", code, "--json"))
    assert record["status"] == "completed"
    assert record["result"] == 42


@needs_node
def test_code_javascript_without_a_return_completes_with_null(cli: Runner) -> None:
    ran = cli("code", "console.log('side effect only')", "--json")
    assert ran.returncode == 0, ran
    record = record_of(ran)
    assert record["status"] == "completed"
    assert record["result"] is None
    assert record["output"] == "side effect only"


@needs_node
def test_code_javascript_syntax_error_fails_with_syntax_error_code(cli: Runner) -> None:
    ran = cli("code", "return (", "--json")
    assert ran.returncode == 1, ran
    record = record_of(ran)
    assert record["status"] == "failed"
    assert record["error"]["code"] == "SYNTAX_ERROR"
    assert record["error"]["message"]


@needs_node
def test_code_javascript_throw_fails_with_its_message(cli: Runner) -> None:
    ran = cli("code", "throw new Error('the cache is cold')", "--json")
    assert ran.returncode == 1, ran
    record = record_of(ran)
    assert record["status"] == "failed"
    assert record["error"]["message"] == "the cache is cold"
    assert record["error"]["code"] != "SYNTAX_ERROR"
    assert "the cache is cold" in record["errorOutput"]  # the stack went to stderr


@needs_node
def test_code_javascript_timeout_exits_124_and_ends_the_child(cli: Runner) -> None:
    ran = cli(
        "code",
        "await new Promise(() => setInterval(() => {}, 1000));",
        "--timeout",
        "300",
        "--json",
    )
    assert ran.returncode == 124, ran
    record = record_of(ran)
    assert record["status"] == "timeout"
    assert record["error"]["code"] == "EXECUTION_TIMEOUT"
    assert record["timeout"] == 300
    assert pids_alive([record["pid"]]) == []


@needs_node
def test_code_without_json_streams_output_and_summarises(cli: Runner) -> None:
    ran = cli("code", "console.log('to stdout'); console.error('to stderr'); return 1;")
    assert ran.returncode == 0, ran
    assert ran.stdout == b"to stdout\n"
    assert ran.stderr.startswith(b"to stderr\n")
    summary = ran.err.splitlines()[-1]
    assert "<inline javascript>" in summary
    assert "completed" in summary


@needs_node
def test_code_failure_without_json_exits_1_with_the_message_in_the_summary(cli: Runner) -> None:
    ran = cli("code", "throw new Error('no luck')")
    assert ran.returncode == 1, ran
    summary = ran.err.splitlines()[-1]
    assert "failed" in summary
    assert "no luck" in summary


@needs_node
def test_code_leaves_no_temporary_files(project: Path, tmp_path: Path) -> None:
    private_tmp = tmp_path / "private-tmp"
    private_tmp.mkdir()
    for code in ("return 1", "return (", "throw new Error('x')"):
        done = subprocess.run(
            [*CLI, "code", code, "--json"],
            cwd=project,
            env=cli_env(TMPDIR=str(private_tmp)),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=DEADLINE_S,
            check=False,
        )
        assert done.returncode in (0, 1), done
    assert list(private_tmp.iterdir()) == []


# -- code: Python ----------------------------------------------------------------------------------


def test_code_python_returns_the_value_with_await_and_runs_on_our_interpreter(cli: Runner) -> None:
    code = (
        "import asyncio, sys\n"
        "await asyncio.sleep(0.01)\n"
        "print('from python')\n"
        "return {'doubled': params['n'] * 2, 'python': sys.executable}"
    )
    ran = cli("code", code, "--language", "python", "--param", "n=21", "--json")
    assert ran.returncode == 0, ran
    record = record_of(ran)
    assert record["status"] == "completed"
    assert record["result"] == {"doubled": 42, "python": sys.executable}
    assert record["output"] == "from python"
    assert record["actionBlock"] == "<inline python>"


def test_code_python_syntax_error_fails_with_syntax_error_code(cli: Runner) -> None:
    ran = cli("code", "return (", "--language", "python", "--json")
    assert ran.returncode == 1, ran
    record = record_of(ran)
    assert record["status"] == "failed"
    assert record["error"]["code"] == "SYNTAX_ERROR"
    assert "SyntaxError" in record["error"]["message"]


def test_code_python_raise_fails_with_its_message_and_traceback_on_stderr(cli: Runner) -> None:
    ran = cli("code", "raise ValueError('bad input')", "--language", "python", "--json")
    assert ran.returncode == 1, ran
    record = record_of(ran)
    assert record["status"] == "failed"
    assert record["error"]["message"] == "bad input"
    assert "Traceback" in record["errorOutput"]
    assert "ValueError: bad input" in record["errorOutput"]


def test_code_python_timeout_exits_124(cli: Runner) -> None:
    code = "import time\ntime.sleep(60)"
    ran = cli("code", code, "--language", "python", "--timeout", "300", "--json")
    assert ran.returncode == 124, ran
    record = record_of(ran)
    assert record["status"] == "timeout"
    assert pids_alive([record["pid"]]) == []


def test_code_dash_reads_the_code_from_stdin(project: Path) -> None:
    code = b"total = sum(params['values'])\nreturn {'total': total}\n"
    args = ["code", "-", "--language", "python", "--params", '{"values": [1, 2, 3]}', "--json"]
    ran = run_with_stdin(args, code, project)
    assert ran.returncode == 0, ran
    record = record_of(ran)
    assert record["result"] == {"total": 6}


@needs_node
def test_code_dash_reads_javascript_from_stdin(project: Path) -> None:
    ran = run_with_stdin(["code", "-", "--json"], b"return 'from stdin';\n", project)
    assert ran.returncode == 0, ran
    assert record_of(ran)["result"] == "from stdin"


# -- code: refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "named"),
    [
        pytest.param(["--params", "{not json"], "INVALID_PARAMS", "--params", id="bad-json"),
        pytest.param(["--params", "[1]"], "INVALID_PARAMS", "--params", id="params-not-object"),
        pytest.param(["--param", "novalue"], "INVALID_PARAMS", "novalue", id="no-equals"),
        pytest.param(["--timeout", "-5"], "INVALID_REQUEST", "timeout", id="negative-timeout"),
    ],
)
def test_code_refusal_is_one_envelope_exit_2_nothing_started(
    cli: Runner, args: list[str], code: str, named: str
) -> None:
    ran = cli("code", "return 1", "--language", "python", *args, "--json")
    assert ran.returncode == 2, ran
    document = ran.document()
    assert document["success"] is False
    assert document["error"]["code"] == code
    assert named in document["error"]["message"]
    assert document["data"] is None
    assert log_files() == [], "a refused run must start nothing"


def test_code_refuses_empty_code(cli: Runner, project: Path) -> None:
    ran = cli("code", "   ", "--language", "python", "--json")
    assert ran.returncode == 2, ran
    assert ran.document()["error"]["code"] == "INVALID_REQUEST"
    from_stdin = run_with_stdin(["code", "-", "--language", "python"], b"", project)
    assert from_stdin.returncode == 2, from_stdin
    assert from_stdin.stdout == b""
    assert "INVALID_REQUEST" in from_stdin.err


def test_code_refusal_without_json_explains_on_stderr(cli: Runner) -> None:
    ran = cli("code", "return 1", "--params", "{not json")
    assert ran.returncode == 2, ran
    assert ran.stdout == b""
    assert "INVALID_PARAMS" in ran.err


def test_code_unknown_language_is_a_usage_error(cli: Runner) -> None:
    ran = cli("code", "puts 1", "--language", "ruby")
    assert ran.returncode == 2, ran
    assert "ruby" in ran.err
    assert log_files() == []


@pytest.mark.parametrize(
    ("alias", "code"),
    [("py", "return 6 * 7"), ("python3", "return 6 * 7"), ("js", "return 6 * 7")],
)
def test_code_takes_the_usual_names_of_its_languages(cli: Runner, alias: str, code: str) -> None:
    if alias == "js" and NODE is None:
        pytest.skip("node is not installed")
    ran = cli("code", code, "--language", alias, "--json")
    assert ran.returncode == 0, ran
    assert record_of(ran)["result"] == 42


@needs_node
def test_a_javascript_syntax_error_points_into_the_code(cli: Runner) -> None:
    ran = cli("code", "const a = 1;\nreturn a +* 2;")
    assert ran.returncode == 1, ran
    assert "<inline code>, line 2:\nreturn a +* 2;\n          ^\n" in ran.err
    assert "SyntaxError: Unexpected token '*' (line 2, column 11)" in ran.err
    assert "inline.js" not in ran.err


@needs_node
def test_a_javascript_error_shows_the_frames_of_the_code_only(cli: Runner) -> None:
    ran = cli("code", "const f = () => { throw new Error('boom'); };\nreturn f();")
    assert ran.returncode == 1, ran
    stack = ran.err.split("\nsidetui: ")[0].strip().splitlines()
    assert stack == ["Error: boom", "    at f (<inline code>:1:25)", "    at <inline code>:2:8"]


def test_a_python_error_shows_the_frames_of_the_code_only(cli: Runner) -> None:
    code = "def half(n):\n    return n / 0\nreturn half(params['n'])"
    ran = cli("code", code, "--language", "py", "--param", "n=4")
    assert ran.returncode == 1, ran
    shown = ran.err.split("\nsidetui: ")[0]
    assert shown.splitlines()[0] == "Traceback (most recent call last):"
    assert 'File "<inline code>", line 3, in __inline__' in shown
    assert 'File "<inline code>", line 2, in half' in shown
    assert "    return n / 0" in shown
    assert shown.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "asyncio" not in shown and "block.py" not in shown and "inline.py" not in shown


def test_a_python_syntax_error_shows_the_line_and_where(cli: Runner) -> None:
    ran = cli("code", "x = (1", "--language", "python", "--json")
    assert ran.returncode == 1, ran
    record = record_of(ran)
    assert record["error"]["code"] == "SYNTAX_ERROR"
    assert record["error"]["message"] == "SyntaxError: '(' was never closed (line 1, column 5)"
    assert record["errorOutput"].splitlines() == [
        '  File "<inline code>", line 1',
        "    x = (1",
        "        ^",
        "SyntaxError: '(' was never closed",
    ]


# -- serve -----------------------------------------------------------------------------------------


class Served:
    """A running `sidetui serve`, with what it printed about itself."""

    def __init__(self, process: subprocess.Popen[bytes]):
        self.process = process
        self.printed = b""
        self.url = ""
        self.token_file = Path()

    def read_until(self, regex: bytes) -> re.Match[bytes]:
        """Read stdout until `regex` matches what was printed so far, within the deadline."""
        pattern = re.compile(regex)
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        end = time.monotonic() + DEADLINE_S
        while (found := pattern.search(self.printed)) is None:
            left = end - time.monotonic()
            assert left > 0, f"serve did not print {pattern.pattern!r}; printed {self.printed!r}"
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                assert chunk, f"serve's stdout closed; printed {self.printed!r}"
                self.printed += chunk
        return found

    def agent(self) -> ClientConnection:
        token = json.loads(self.token_file.read_text())["token"]
        return connect(f"{self.url}?{urlencode({'apiToken': token})}", open_timeout=DEADLINE_S)


@pytest.fixture
def serve(project: Path) -> Iterator[Callable[..., Served]]:
    """Start `sidetui serve ARGS`; whatever is still running at the end is killed."""
    started: list[Served] = []

    def start(*args: str) -> Served:
        process = subprocess.Popen(
            [*CLI, "serve", *args],
            cwd=project,
            env=cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        served = Served(process)
        started.append(served)
        served.url = served.read_until(rb"endpoint: (ws://\S+)\n").group(1).decode()
        path = served.read_until(rb"token file: (\S+)[ \n]").group(1).decode()
        served.token_file = Path(path)
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            for child in psutil.Process(served.process.pid).children(recursive=True):
                child.kill()
            served.process.kill()
        served.process.communicate(timeout=DEADLINE_S)


def ask(agent: ClientConnection, request: dict[str, Any]) -> dict[str, Any]:
    agent.send(json.dumps(request))
    reply = json.loads(agent.recv(timeout=DEADLINE_S))
    assert reply["requestId"] == request["requestId"], reply
    return reply


def test_serve_prints_its_endpoint_and_a_private_token_file_and_runs_blocks(
    serve: Callable[..., Served], project: Path, tmp_path: Path, reap: list[int]
) -> None:
    blocks = project / "actionblocks"
    write_block(blocks, "words", WORDS, {"entryPoint": "main.py"})
    write_block(blocks, "sleeper", PIDFILE_SLEEPER, {"entryPoint": "main.py"})
    served = serve("--project", str(project))

    assert re.match(r"^ws://127\.0\.0\.1:\d+/", served.url), served.url
    assert served.token_file.is_file()
    assert stat.S_IMODE(served.token_file.stat().st_mode) == 0o600
    described = json.loads(served.token_file.read_text())
    assert described["url"] == served.url
    assert isinstance(described["token"], str) and len(described["token"]) >= 32
    assert described["token"].encode() not in served.printed  # the token is only in the file

    pidfile = tmp_path / "sleeper.pid"
    with served.agent() as agent:
        reply = ask(
            agent,
            {
                "type": "actionBlock",
                "action": "startActionBlock",
                "requestId": "words-1",
                "actionBlockName": "words",
                "params": {"text": "one two three"},
            },
        )
        assert reply["type"] == "startActionBlockResponse"
        assert reply["success"] is True, reply
        assert reply["result"]["words"] == 3
        assert reply["sideExecutionId"].startswith("side_")

        started = ask(
            agent,
            {
                "type": "sideExecution",
                "action": "startSideExecution",
                "requestId": "sleep-1",
                "actionBlockPath": "sleeper",
                "params": {"pidfile": str(pidfile)},
            },
        )
        assert started["success"] is True, started
    sleeper_pid = int(file_text(pidfile))
    reap.append(sleeper_pid)  # killed at the end if serve failed to stop it
    tree = [served.process.pid, *(c.pid for c in psutil.Process(served.process.pid).children(True))]
    assert sleeper_pid in tree

    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(DEADLINE_S) == 0
    assert pids_alive(tree) == []
    assert not served.token_file.exists()


def test_serve_with_a_wrong_token_closes_the_connection(serve: Callable[..., Served]) -> None:
    served = serve()
    url = f"{served.url}?{urlencode({'apiToken': 'wrong'})}"
    with connect(url) as agent, pytest.raises(ConnectionClosed) as closed:
        agent.recv(timeout=DEADLINE_S)  # nothing is sent to it: it is closed at once
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(DEADLINE_S) == 0


def test_serve_honours_a_free_port(serve: Callable[..., Served]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    served = serve("--port", str(port))
    assert urlsplit(served.url).port == port
    with served.agent() as agent:
        reply = ask(agent, {"type": "actionBlock", "action": "listActionBlocks", "requestId": "p"})
    assert reply["success"] is True
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(DEADLINE_S) == 0
    assert not served.token_file.exists()


def test_serve_on_a_busy_port_says_so_without_a_traceback(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*CLI, "serve", "--port", str(port)],
            cwd=project,
            env=cli_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=DEADLINE_S,
            check=False,
        )
    assert done.returncode != 0
    stderr = done.stderr.decode()
    assert "Traceback" not in stderr, stderr
    assert str(port) in stderr
