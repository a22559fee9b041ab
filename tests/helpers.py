"""Building ActionBlocks in temporary folders and waiting for engine events in tests."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest

from sidetui.core import EngineConfig, Event, Subscription

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")
REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "actionblocks"
FILE_DEADLINE_S = 30  # generous: waits on real processes, never a measure of speed

# A block that writes its pid to `params.pidfile` (atomically), then sleeps: a live process to stop.
PIDFILE_SLEEPER = """
import json
import os
import time
pidfile = json.loads(os.environ["SIDE_EXECUTION_PARAMS"])["pidfile"]
with open(pidfile + ".tmp", "w") as handle:
    handle.write(str(os.getpid()))
os.rename(pidfile + ".tmp", pidfile)
time.sleep(60)
"""


def write_block(
    parent: Path,
    name: str,
    main_py: str | None = None,
    manifest: dict[str, Any] | str | None = None,
    files: dict[str, str | bytes] | None = None,
) -> Path:
    """A block folder `parent/name` with a Python entry, an `actionblock.yml` and extra files."""
    folder = parent / name
    folder.mkdir(parents=True, exist_ok=True)
    if main_py is not None:
        (folder / "main.py").write_text(textwrap.dedent(main_py))
    if manifest is not None:
        text = manifest if isinstance(manifest, str) else json.dumps({"name": name, **manifest})
        (folder / "actionblock.yml").write_text(text)
    for relative, content in (files or {}).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return folder


async def next_event(
    events: Subscription, matches: Callable[[Event], bool], deadline_s: float = 15.0
) -> Event:
    """The first event that `matches`, within a generous deadline."""

    async def search() -> Event:
        async for event in events:
            if matches(event):
                return event
        raise AssertionError("the subscription ended before the event came")

    return await asyncio.wait_for(search(), deadline_s)


def pids_alive(pids: list[int]) -> list[int]:
    """Those of `pids` that still run (zombies count as gone)."""
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def scratch_config(
    root: Path, stop_grace_ms: int = 1_000, result_grace_ms: int = 500
) -> EngineConfig:
    """State and global folders under `root`, no watcher, short grace periods."""
    return EngineConfig(
        state_dir=root / "state",
        global_dir=root / "global",
        watch=False,
        stop_grace_ms=stop_grace_ms,
        result_grace_ms=result_grace_ms,
    )


def file_text(path: Path, process: subprocess.Popen[bytes] | None = None) -> str:
    """The text of `path` once it exists (writers write it atomically); fails when `process`
    (a CLI being watched) ends first or the deadline passes."""
    end = time.monotonic() + FILE_DEADLINE_S
    while not path.exists():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the process ended with {process.returncode} before {path}")
        assert time.monotonic() < end, f"{path} did not appear within {FILE_DEADLINE_S} s"
        time.sleep(0.02)
    return path.read_text()


async def file_text_async(path: Path) -> str:
    """`file_text` for a test running on the event loop: it waits without blocking it."""
    end = time.monotonic() + FILE_DEADLINE_S
    while not path.exists():
        assert time.monotonic() < end, f"{path} did not appear within {FILE_DEADLINE_S} s"
        await asyncio.sleep(0.02)
    return path.read_text()
