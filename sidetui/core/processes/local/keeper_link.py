"""The manager's side of its keeper: starts it, tells it what to watch, says goodbye.

Telling is one small write to a pipe per spawn and per settled execution; the keeper does the
rest (it keeps the live file). A keeper that died is started again with everything still watched.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

from sidetui.core.processes.local import keeper
from sidetui.core.processes.local.cgroups import ExecutionCgroup

KEEPER_SCRIPT = Path(keeper.__file__)
BYE_WAIT_S = 2.0


class KeeperLink:
    """One manager's keeper process."""

    def __init__(self, live_dir: Path):
        self.live_file = live_dir / f"{os.getpid()}.json"
        self._process: subprocess.Popen[bytes] | None = None
        self._watched: dict[str, str] = {}  # execution id -> its watch message

    def start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-I", str(KEEPER_SCRIPT), str(self.live_file), str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a terminal's hang-up or Ctrl-C does not reach it
            close_fds=True,
        )
        for message in self._watched.values():
            self._send(message, restart=False)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def watch(
        self, execution_id: str, pid: int, started: float, cgroup: ExecutionCgroup | None
    ) -> None:
        folders = [str(f) for f in cgroup.folders] if cgroup else []
        kill = [str(cgroup.unified / "cgroup.kill")] if cgroup and cgroup.unified else []
        message = keeper.watch_message(execution_id, pid, started, folders, kill)
        self._watched[execution_id] = message
        self._send(message)

    def forget(self, execution_id: str) -> None:
        if self._watched.pop(execution_id, None) is not None:
            self._send(json.dumps({"op": "forget", "id": execution_id}) + "\n")

    def close(self) -> None:
        """Goodbye: the keeper exits without touching anything."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            assert process.stdin is not None
            process.stdin.write(b'{"op": "bye"}\n')
            process.stdin.close()
        try:
            process.wait(BYE_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _send(self, line: str, restart: bool = True) -> None:
        process = self._process
        try:
            assert process is not None and process.stdin is not None
            process.stdin.write(line.encode())
            process.stdin.flush()
        except (OSError, AssertionError):
            if restart and process is not None:  # it died: a new one, told everything
                with contextlib.suppress(OSError):
                    process.wait(0.1)
                self.start()
