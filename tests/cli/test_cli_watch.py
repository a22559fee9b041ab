"""`sidetui run --watch`: the block runs again, with the same params, when a file in its folder
changes (the run in progress stopped first, its whole tree); noise does not count; Ctrl-C ends it
with nothing left running."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

from tests.cli.conftest import DEADLINE_S
from tests.cli.test_cli import Runner, end_cli, popen_cli, read_line_within
from tests.helpers import pids_alive, write_block

# Prints its version file, its param and the pid of a grandchild it leaves sleeping, then sleeps.
LONG_RUN = """
import json, os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
version = open("version.txt").read().strip()
print(version, json.loads(os.environ["SIDE_EXECUTION_PARAMS"])["n"], child.pid, flush=True)
time.sleep(60)
"""
NOISE = ("node_modules/dep.js", ".git/index", "__pycache__/main.cpython-311.pyc")
STAMPED_DONE = re.compile(rb"\d\d:\d\d:\d\d\.\d{3} done\n")
QUIET_S = 1.0  # longer than the debounce (300 ms) and a watch step: a rerun would have started


def test_an_edit_reruns_noise_does_not_and_ctrl_c_leaves_nothing(
    project: Path, tmp_path: Path, reap: list[int]
) -> None:
    folder = write_block(project / "actionblocks", "edited", LONG_RUN, {"entryPoint": "main.py"})
    (folder / "version.txt").write_text("v1")
    stderr_path = tmp_path / "cli.stderr"
    with stderr_path.open("wb") as stderr:
        process = popen_cli(
            "run", "edited", "--watch", "--param", "n=7", cwd=project, stderr=stderr
        )
    try:
        assert process.stdout is not None
        first = read_line_within(process.stdout).split()
        assert first[:2] == [b"v1", b"7"], first
        first_grandchild = int(first[2])
        reap.append(first_grandchild)

        for noise in NOISE:
            (folder / noise).parent.mkdir(parents=True, exist_ok=True)
            (folder / noise).write_text("noise")
        time.sleep(QUIET_S)
        assert "changed" not in stderr_path.read_text(), "noise must not rerun the block"
        assert pids_alive([first_grandchild]) == [first_grandchild]

        (folder / "version.txt").write_text("v2")
        second = read_line_within(process.stdout).split()
        assert second[:2] == [b"v2", b"7"], second  # the same params
        second_grandchild = int(second[2])
        reap.append(second_grandchild)
        assert pids_alive([first_grandchild]) == [], "the first run's whole tree stops first"
        assert "version.txt changed: running again" in stderr_path.read_text()

        process.send_signal(signal.SIGINT)
        assert process.wait(DEADLINE_S) == 130  # the run in progress was stopped
        assert pids_alive([second_grandchild]) == []
        assert process.stdout.read() == b""
    finally:
        end_cli(process)
        if process.stdout is not None:
            process.stdout.close()
    said = stderr_path.read_text()
    assert said.count("watching for changes") == 2, said
    assert "stopped after" in said.splitlines()[-2], said  # the second run's summary


def test_ctrl_c_between_runs_ends_with_the_last_runs_code_and_stamps_stay(
    project: Path, tmp_path: Path
) -> None:
    folder = write_block(
        project / "actionblocks", "quick", "print('done', flush=True)", {"entryPoint": "main.py"}
    )
    stderr_path = tmp_path / "cli.stderr"
    with stderr_path.open("wb") as stderr:
        process = popen_cli("run", "quick", "--watch", "--timestamps", cwd=project, stderr=stderr)
    try:
        assert process.stdout is not None
        for runs in (1, 2):
            assert STAMPED_DONE.fullmatch(read_line_within(process.stdout))  # each run stamped
            _wait_for(stderr_path, "watching for changes", runs)
            if runs == 1:
                (folder / "notes.txt").write_text("an edit")
        process.send_signal(signal.SIGINT)
        assert process.wait(DEADLINE_S) == 0
    finally:
        end_cli(process)
        if process.stdout is not None:
            process.stdout.close()


def test_watch_is_refused_with_json(cli: Runner, project: Path) -> None:
    write_block(project / "actionblocks", "quick", "print('done')", {"entryPoint": "main.py"})
    ran = cli("run", "quick", "--watch", "--json")
    assert ran.returncode == 2, ran
    assert "--watch" in ran.err and ran.out == ""


def _wait_for(path: Path, text: str, times: int) -> None:
    """Until the file holds `text` `times` times (the CLI's stderr, as it goes)."""
    deadline = time.monotonic() + DEADLINE_S
    while path.read_text().count(text) < times:
        assert time.monotonic() < deadline, path.read_text()
        time.sleep(0.05)
