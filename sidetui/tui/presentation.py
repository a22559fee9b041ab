"""How records are written for people: statuses as words and symbols, times, sizes, paths.

A deterministic presentation (for snapshot tests and screenshots) masks what changes from run to
run: ids, pids, clock times, durations, CPU and memory.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text

from sidetui.core import ExecutionStatus

STATUS_SYMBOLS = {
    ExecutionStatus.STARTING: "◌",
    ExecutionStatus.RUNNING: "●",
    ExecutionStatus.COMPLETED: "✔",
    ExecutionStatus.FAILED: "✘",
    ExecutionStatus.TIMEOUT: "⏱",
    ExecutionStatus.STOPPING: "◐",
    ExecutionStatus.STOPPED: "■",
}
STATUS_COLOURS = {  # theme variables meant for text
    ExecutionStatus.STARTING: "text-secondary",
    ExecutionStatus.RUNNING: "text-primary",
    ExecutionStatus.COMPLETED: "text-success",
    ExecutionStatus.FAILED: "text-error",
    ExecutionStatus.TIMEOUT: "text-warning",
    ExecutionStatus.STOPPING: "text-warning",
    ExecutionStatus.STOPPED: "foreground-darken-1",
}


class Presentation:
    """Formats for the screen; `deterministic` masks what varies between runs."""

    def __init__(self, project_dir: Path, colours: dict[str, str], deterministic: bool = False):
        self.project_dir = project_dir
        self.colours = {name: value[:7] for name, value in colours.items() if value.startswith("#")}
        self.deterministic = deterministic
        self._aliases: dict[str, str] = {}

    def status(self, status: ExecutionStatus) -> Text:
        colour = self.colours.get(STATUS_COLOURS[status], "")
        return Text(f"{STATUS_SYMBOLS[status]} {status.value}", style=f"bold {colour}")

    def execution_id(self, execution_id: str, short: bool = False) -> str:
        if self.deterministic:
            alias = self._aliases.setdefault(execution_id, f"{len(self._aliases) + 1:04d}")
            prefix = execution_id.split("_", 1)[0]
            return alias if short else f"{prefix}_…_{alias}"
        return execution_id.rsplit("_", 1)[-1] if short else execution_id

    def pid(self, pid: int | None) -> str:
        if pid is None:
            return "-"
        return "####" if self.deterministic else str(pid)

    def clock(self, seconds: float | None) -> str:
        if seconds is None:
            return "-"
        return (
            "--:--:--" if self.deterministic else time.strftime("%H:%M:%S", time.localtime(seconds))
        )

    def duration(self, milliseconds: int) -> str:
        if self.deterministic:
            return "-.-s"
        seconds = milliseconds / 1000
        if seconds < 60:
            return f"{seconds:.1f}s"
        minutes, seconds = divmod(int(seconds), 60)
        return (
            f"{minutes}m{seconds:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"
        )

    def cpu(self, percent: float, live: bool) -> str:
        if not live:
            return "-"
        return "-%" if self.deterministic else f"{percent:.0f}%"

    def memory(self, size: int, live: bool) -> str:
        if not live:
            return "-"
        if self.deterministic:
            return "-M"
        return human_size(size) if size else "-"

    def path(self, path: Path | str) -> str:
        """A path relative to the project (or home) when it is inside it."""
        path = Path(path)
        for base, shown in ((self.project_dir, ""), (Path.home(), "~/")):
            if path == base or path.is_relative_to(base):
                relative = str(path.relative_to(base))
                return f"{shown}{relative}" if relative != "." else shown or "."
        return str(path)


def human_size(size: float) -> str:
    for unit in ("B", "K", "M", "G"):
        if size < 1024 or unit == "G":
            return f"{size:.0f}{unit}" if unit == "B" else f"{size:.1f}{unit}"
        size /= 1024
    return f"{size:.1f}G"
