"""`sidetui serve` against hostile peers and flags: a flood of connections past its file limit is
reported in a line now and then (not megabytes of tracebacks) and it still stops on SIGTERM; a
port out of range and a state folder it cannot use are one clear line each."""

from __future__ import annotations

import os
import re
import resource
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.cli.conftest import CLI, DEADLINE_S, cli_env

FLOOD = 150
FILE_LIMIT = 64


def test_a_flood_of_connections_past_the_file_limit_is_reported_sparingly(
    project: Path, tmp_path: Path
) -> None:
    errors = tmp_path / "stderr"
    with errors.open("wb") as stderr:
        served = subprocess.Popen(
            [*CLI, "serve"],
            cwd=project,
            env=cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (FILE_LIMIT, FILE_LIMIT)),
        )
    assert served.stdout is not None
    port = None
    end = time.monotonic() + DEADLINE_S
    while port is None:
        assert time.monotonic() < end, "serve never printed its endpoint"
        if found := re.search(rb":(\d+)/codebolt", served.stdout.readline()):
            port = int(found.group(1))
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(FLOOD)]
    try:
        time.sleep(3)
        said = errors.read_bytes()
        assert len(said) < 2_000, f"{len(said)} bytes of stderr in 3 s"
        assert b"cannot accept connections now: [Errno 24] Too many open files" in said
        served.send_signal(signal.SIGTERM)
        assert served.wait(DEADLINE_S) == 0
    finally:
        for each in sockets:
            each.close()
        if served.poll() is None:
            served.kill()
            served.wait()
    assert b"Traceback" not in errors.read_bytes()


def test_a_port_out_of_range_is_one_line(project: Path) -> None:
    done = subprocess.run(
        [*CLI, "serve", "--port", "70000"], cwd=project, env=cli_env(), capture_output=True
    )
    assert done.returncode == 2
    assert done.stderr == b"sidetui: --port must be 0 to 65535, not 70000\n"


def test_a_state_folder_that_cannot_be_made_is_one_line(project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    state = str(blocker / "state")
    listed = subprocess.run(
        [*CLI, "list"], cwd=project, env=cli_env(SIDETUI_STATE_DIR=state), capture_output=True
    )
    assert listed.returncode == 0  # listing reads the catalog only: it needs no state folder
    for command in (["serve"], ["run", "anything"]):
        done = subprocess.run(
            [*CLI, *command],
            cwd=project,
            env=cli_env(SIDETUI_STATE_DIR=state),
            capture_output=True,
        )
        assert done.returncode == 2, command
        assert done.stderr.decode().startswith("sidetui: cannot use the state folder "), done
        assert b"Traceback" not in done.stderr
        assert os.fspath(blocker) in done.stderr.decode()
