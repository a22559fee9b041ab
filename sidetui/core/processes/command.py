"""The command line that runs a block: its entry point with its runtime."""

from __future__ import annotations

import shlex
import shutil
import sys

from sidetui.core.catalog.entries import ActionBlock
from sidetui.core.processes.backend import SpawnError


def command_for(block: ActionBlock, search_path: str | None) -> list[str]:
    """The command line that runs the block's entry point with its runtime."""
    entry = block.entry_path
    if entry is None:
        raise SpawnError(f"{block.name} has no entry point")
    runtime = block.runtime
    if runtime is None:
        return [str(entry)]
    if runtime in ("python", "python3"):
        return [sys.executable, str(entry)]
    words = shlex.split(runtime)
    program = shutil.which(words[0], path=search_path)
    if program is None:
        raise SpawnError(f"runtime {words[0]!r} is not installed or not on PATH")
    return [program, *words[1:], str(entry)]
