"""A state folder on a full disk: the log stops, the run does not, and nothing is lost silently.

The state folder is a real 1 MiB tmpfs (mounting one needs root: the test is skipped where that is
not allowed, and says so). The child prints 4 MiB: every byte of it must still reach the user, and
the record, the summary line and the JSON must say the log is incomplete.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Ran, cli_env
from tests.helpers import write_block

Runner = Callable[..., Ran]

FLOOD = """
import sys
line = b"x" * 79 + b"\\n"
for _ in range(4 * 1024 * 1024 // 80):
    sys.stdout.buffer.write(line)
"""
EXPECTED = b"x" * 79 + b"\n"


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB file system to hold the state folder."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point / "state"
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_stops_the_log_not_the_stream_and_says_so(
    cli: Runner, project: Path, full_disk: Path
) -> None:
    write_block(project / "actionblocks", "flood", FLOOD, {"entryPoint": "main.py"})
    env = cli_env(SIDETUI_STATE_DIR=str(full_disk))
    ran = cli("run", "flood", env=env)
    assert ran.returncode == 0, ran.err[-2000:]
    lines = 4 * 1024 * 1024 // 80
    assert len(ran.stdout) == lines * 80
    assert hashlib.sha256(ran.stdout).digest() == hashlib.sha256(EXPECTED * lines).digest()
    summary = ran.err.strip().splitlines()[-1]
    assert "completed" in summary
    assert "incomplete" in summary and "No space left on device" in summary

    again = cli("run", "flood", "--json", env=env)
    data = again.document()["data"]
    assert data["status"] == "completed"
    assert data["logsComplete"] is False
    assert any("No space left on device" in error for error in data["logErrors"])
    assert any("not on disk" in notice for notice in data["notices"])
