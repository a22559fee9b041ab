"""The keeper: a small process that outlives a killed sidetui and ends the trees it was told about.

The manager starts it (`python -I keeper.py LIVE_FILE MANAGER_PID`, in its own session, so a
terminal's signals do not reach it) and tells it, on its stdin, each execution it spawns and each
that has settled. The keeper writes what it watches to LIVE_FILE. When its stdin closes without a
goodbye - the manager died, even by SIGKILL - it ends every tree it watches (its cgroup, its
process group while a member that started after the execution is in it, every process carrying
the execution's `SIDE_EXECUTION_ID`, and all their descendants), removes the manager's endpoint
files and exits. If the keeper is killed too, the next manager to open on the same state folder
reaps from LIVE_FILE (`reap_left_over`).

Standard library only, Linux `/proc`: it starts in milliseconds and imports nothing of sidetui.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

if __package__:  # imported by the manager
    from sidetui.core import proc_table
else:  # run as a script (`python -I`): the engine's folder, after the standard library, gives
    # the one module it needs (standard library only itself); nothing else of sidetui loads
    sys.path.append(str(Path(__file__).resolve().parents[2]))
    import proc_table  # type: ignore[no-redef,import-not-found]

REAP_SECONDS = 1.5
MARKER = "SIDE_EXECUTION_ID"


def main(argv: list[str]) -> int:
    live_file, manager_pid = Path(argv[1]), int(argv[2])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is the manager's to handle
    watched: dict[str, dict[str, Any]] = {}
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("op") == "bye":
            live_file.unlink(missing_ok=True)
            return 0
        if message.get("op") == "watch":
            watched[message["id"]] = message
        elif message.get("op") == "forget":
            watched.pop(message.get("id"), None)
        _save(live_file, manager_pid, watched)
    reap(list(watched.values()), live_file.parent.parent, manager_pid)
    live_file.unlink(missing_ok=True)
    return 0


def reap(executions: list[dict[str, Any]], state_dir: Path, manager_pid: int) -> None:
    """End every process of `executions` (as `watch` messages describe them), remove their
    cgroups and the dead manager's endpoint files."""
    deadline = time.monotonic() + REAP_SECONDS
    while True:
        found = set()
        for execution in executions:
            found |= _members(execution)
            for kill_file in execution.get("cgroupKill") or []:
                with contextlib.suppress(OSError):
                    Path(kill_file).write_text("1")
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if not found or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for execution in executions:
        for folder in execution.get("cgroups") or []:
            with contextlib.suppress(OSError):
                Path(folder).rmdir()
    for endpoint in (state_dir / "endpoints").glob(f"{manager_pid}-*.json"):
        endpoint.unlink(missing_ok=True)


def reap_left_over(state_dir: Path) -> int:
    """At a manager's start: reap what managers that died without their keeper left, as their
    live files say; the number of executions reaped."""
    reaped = 0
    for live in (state_dir / "live").glob("*.json"):
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            saved = json.loads(live.read_text())
            manager = saved["manager"]
            if _started(manager["pid"]) == manager["start"]:
                continue  # that manager (or its keeper's) still runs
            reap(saved["executions"], state_dir, manager["pid"])
            reaped += len(saved["executions"])
        live.unlink(missing_ok=True)
    return reaped


def _members(execution: dict[str, Any]) -> set[int]:
    """Live processes of one execution: in its cgroup, in its group or marked with its id (and
    started after it), and everything below those."""
    since = execution.get("started", 0) - 1
    table = {pid: stat for pid, stat in proc_table.read_all().items() if stat.state != "Z"}
    members: set[int] = set()
    for folder in execution.get("cgroups") or []:
        with contextlib.suppress(OSError, ValueError):
            members.update(int(n) for n in (Path(folder) / "cgroup.procs").read_text().split())
    for pid, stat in table.items():
        if stat.started < since:
            continue
        if stat.pgid == execution.get("pgid") or proc_table.carries(pid, MARKER, execution["id"]):
            members.add(pid)
    children: dict[int, list[int]] = {}
    for pid, stat in table.items():
        children.setdefault(stat.ppid, []).append(pid)
    stack = list(members)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in members:
                members.add(child)
                stack.append(child)
    members.discard(os.getpid())
    return {pid for pid in members if pid in table}


def _started(pid: int) -> float | None:
    stat = proc_table.read_stat(pid)
    return round(stat.started, 2) if stat is not None else None


def _save(live_file: Path, manager_pid: int, watched: dict[str, dict[str, Any]]) -> None:
    manager = {"pid": manager_pid, "start": _started(manager_pid)}
    saved = {"manager": manager, "executions": list(watched.values())}
    temporary = live_file.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(saved, handle)
    os.replace(temporary, live_file)


def watch_message(execution_id: str, pid: int, started: float, cgroups: Iterable[str],
                  cgroup_kill: Iterable[str]) -> str:  # fmt: skip
    """What the manager sends when it spawns a child (one line)."""
    message = {
        "op": "watch",
        "id": execution_id,
        "pid": pid,
        "pgid": pid,  # each child leads its own session and group
        "started": started,
        "cgroups": list(cgroups),
        "cgroupKill": list(cgroup_kill),
    }
    return json.dumps(message) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
