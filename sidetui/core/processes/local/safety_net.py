"""Last resort: if the interpreter exits with executions still alive, kill their groups."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal

_live_groups: dict[str, int] = {}


def remember_group(execution_id: str, pgid: int) -> None:
    _live_groups[execution_id] = pgid


def forget_group(execution_id: str) -> None:
    _live_groups.pop(execution_id, None)


@atexit.register
def _kill_leftovers() -> None:
    for pgid in _live_groups.values():
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)
    _live_groups.clear()
