"""Fixtures for the command-line tests: the real `sidetui` run as a subprocess."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest

CLI = [sys.executable, "-m", "sidetui"]
DEADLINE_S = 30


@dataclass
class Ran:
    """What one `sidetui` invocation did."""

    args: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    def document(self) -> dict[str, Any]:
        """The whole of stdout read as one JSON document (fails if it is anything else)."""
        try:
            loaded = json.loads(self.stdout)
        except json.JSONDecodeError as error:
            raise AssertionError(
                f"stdout of {self.args} is not one JSON document ({error}):\n{self.out}\n"
                f"stderr:\n{self.err}"
            ) from None
        assert isinstance(loaded, dict), loaded
        return loaded

    def __str__(self) -> str:
        return f"sidetui {self.args} -> {self.returncode}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def cli_env(**extra: str) -> dict[str, str]:
    """Our environment (the autouse fixture already points the global and state dirs at tmp)."""
    env = dict(os.environ)
    env.update(extra)
    return env


@pytest.fixture
def logs_dir(tmp_path: Path) -> Path:
    """Where the CLI keeps log files under the test's SIDETUI_STATE_DIR."""
    return Path(os.environ["SIDETUI_STATE_DIR"]) / "logs"


@pytest.fixture
def cli(project: Path) -> Callable[..., Ran]:
    """Run `sidetui ARGS` to its end (in the project folder unless `cwd` says otherwise)."""

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Ran:
        done = subprocess.run(
            [*CLI, *args],
            cwd=cwd or project,
            env=env or cli_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=DEADLINE_S,
            check=False,
        )
        return Ran(args, done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def reap() -> Iterator[list[int]]:
    """Pids a test started indirectly; whatever still runs of them at the end is killed."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            psutil.Process(pid).kill()
