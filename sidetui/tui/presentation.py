"""How records are written for people: statuses as words and symbols, times, sizes, paths.

Three looks share one interface: `Presentation` shows the real values; `MaskedPresentation`
(snapshot tests) masks what changes from run to run - ids, pids, clock times, durations, CPU and
memory; `StagedPresentation` (the README's pictures) shows fixed, real-looking values instead.
Ids, paths and thread ids may come from outside (a folder's name, a history row): each is shown
on one line, neutralised.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text

from sidetui.core import ExecutionRecord, ExecutionStatus
from sidetui.core.terminal_text import one_line

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
    """Formats for the screen, with the real values."""

    def __init__(self, project_dir: Path, colours: dict[str, str]):
        self.project_dir = project_dir
        self.colours = {name: value[:7] for name, value in colours.items() if value.startswith("#")}

    def status(self, status: ExecutionStatus) -> Text:
        colour = self.colours.get(STATUS_COLOURS[status], "")
        return Text(f"{STATUS_SYMBOLS[status]} {status.value}", style=f"bold {colour}")

    def execution_id(self, execution_id: str, short: bool = False) -> str:
        return one_line(execution_id.rsplit("_", 1)[-1] if short else execution_id)

    def pid(self, pid: int | None, execution_id: str = "") -> str:
        return "-" if pid is None else str(pid)

    def clock(self, seconds: float | None) -> str:
        return "-" if seconds is None else time.strftime("%H:%M:%S", time.localtime(seconds))

    def line_time(self, seconds: float, origin: float | None) -> str:
        """A line's arrival time of day (ms), or, with `origin`, the time since it."""
        if origin is None:
            whole, ms = divmod(int(seconds * 1000), 1000)
            return time.strftime("%H:%M:%S", time.localtime(whole)) + f".{ms:03d}"
        minutes, rest = divmod(max(0.0, seconds - origin), 60)
        return f"+{int(minutes):02d}:{rest:06.3f}"

    def started(self, record: ExecutionRecord) -> str:
        return self.clock(record.start_time)

    def ended(self, record: ExecutionRecord) -> str:
        return self.clock(record.end_time)

    def duration(self, record: ExecutionRecord) -> str:
        return seconds_for_people(record.duration_ms / 1000)

    def cpu(self, record: ExecutionRecord, live: bool) -> str:
        return f"{record.usage.cpu_percent:.0f}%" if live else "-"

    def memory(self, record: ExecutionRecord, live: bool) -> str:
        size = record.usage.memory_rss
        return human_size(size) if live and size else "-"

    def peak_memory(self, record: ExecutionRecord) -> str:
        """The most its tree held ("" when never measured: the row is left out)."""
        return human_size(record.peak_memory) if record.peak_memory else ""

    def exit(self, record: ExecutionRecord) -> str:
        """The exit code, or the signal that ended it; "" while there is neither."""
        if record.exit_code is not None:
            return str(record.exit_code)
        return record.signal or ""

    def thread(self, thread_id: str | None) -> str:
        return one_line(thread_id or "-")

    def log_path(self, path: str, execution_id: str) -> str:
        """How a log file's path is shown ("" leaves it out)."""
        return self.path(path)

    def path(self, path: Path | str) -> str:
        """A path relative to the project (or home) when it is inside it."""
        path = Path(path)
        for base, shown in ((self.project_dir, ""), (Path.home(), "~/")):
            if path == base or path.is_relative_to(base):
                relative = str(path.relative_to(base))
                return one_line(f"{shown}{relative}" if relative != "." else shown or ".")
        return one_line(str(path))


class MaskedPresentation(Presentation):
    """Masks what varies between runs (for snapshot tests): ids become 0001, 0002... in the
    order they are first shown; pids, times, durations and usage become placeholders."""

    def __init__(self, project_dir: Path, colours: dict[str, str]):
        super().__init__(project_dir, colours)
        self._aliases: dict[str, int] = {}

    def ordinal(self, execution_id: str) -> int:
        """0 for the first execution shown, 1 for the next..."""
        return self._aliases.setdefault(execution_id, len(self._aliases))

    def execution_id(self, execution_id: str, short: bool = False) -> str:
        alias = f"{self.ordinal(execution_id) + 1:04d}"
        prefix = one_line(execution_id.split("_", 1)[0])
        return alias if short else f"{prefix}_…_{alias}"

    def pid(self, pid: int | None, execution_id: str = "") -> str:
        return "-" if pid is None else "####"

    def clock(self, seconds: float | None) -> str:
        return "-" if seconds is None else "--:--:--"

    def line_time(self, seconds: float, origin: float | None) -> str:
        return "--:--:--.---" if origin is None else "+--:--.---"

    def duration(self, record: ExecutionRecord) -> str:
        return "-.-s"

    def cpu(self, record: ExecutionRecord, live: bool) -> str:
        return "-%" if live else "-"

    def memory(self, record: ExecutionRecord, live: bool) -> str:
        return "-M" if live else "-"

    def peak_memory(self, record: ExecutionRecord) -> str:
        """Masked while it runs; left out once it has ended (a quick run may have no sample)."""
        return "-M" if record.peak_memory and not record.status.is_final else ""

    def thread(self, thread_id: str | None) -> str:
        return "…"

    def log_path(self, path: str, execution_id: str) -> str:
        return ""


STAGE_START = time.mktime((2026, 3, 12, 14, 2, 11, 0, 0, -1))
STAGE_IDS = ("7c1e9a42", "b35d0e17", "e9f4a6c3", "2a8c71d5", "f06b39e8", "5d2e8fa1")
STAGE_PIDS = (48213, 48257, 48302, 48341, 48399, 48420)
STAGE_SECONDS = (0.4, 1.3, 12.6, 3.8, 0.9, 27.2)  # how long each ran, or has run


class StagedPresentation(MaskedPresentation):
    """Fixed values that look real (for the README's pictures): the n-th execution shown gets
    the n-th id, pid and duration of a small cast, and starts a little after the one before."""

    def _cast(self, execution_id: str) -> int:
        return self.ordinal(execution_id) % len(STAGE_IDS)

    def execution_id(self, execution_id: str, short: bool = False) -> str:
        n = self._cast(execution_id)
        prefix = one_line(execution_id.split("_", 1)[0])
        return STAGE_IDS[n] if short else f"{prefix}_{int(self._start(n) * 1000)}_{STAGE_IDS[n]}"

    def pid(self, pid: int | None, execution_id: str = "") -> str:
        return "-" if pid is None else str(STAGE_PIDS[self._cast(execution_id)])

    def _start(self, n: int) -> float:
        return STAGE_START + 41 * n + 0.318

    def clock(self, seconds: float | None) -> str:
        return "-" if seconds is None else Presentation.clock(self, STAGE_START + 65)

    def started(self, record: ExecutionRecord) -> str:
        return Presentation.clock(self, self._start(self._cast(record.side_execution_id)))

    def ended(self, record: ExecutionRecord) -> str:
        if record.end_time is None:
            return "-"
        n = self._cast(record.side_execution_id)
        return Presentation.clock(self, self._start(n) + STAGE_SECONDS[n])

    def duration(self, record: ExecutionRecord) -> str:
        return seconds_for_people(STAGE_SECONDS[self._cast(record.side_execution_id)])

    def cpu(self, record: ExecutionRecord, live: bool) -> str:
        return f"{3 + 7 * self._cast(record.side_execution_id) % 11}%" if live else "-"

    def memory(self, record: ExecutionRecord, live: bool) -> str:
        n = self._cast(record.side_execution_id)
        return human_size((18.4 + 5.3 * n) * 1024 * 1024) if live else "-"

    def peak_memory(self, record: ExecutionRecord) -> str:
        return human_size((31.7 + 5.3 * self._cast(record.side_execution_id)) * 1024 * 1024)

    def thread(self, thread_id: str | None) -> str:
        return "thread_1773324120000_0d5a3f7e"

    def log_path(self, path: str, execution_id: str) -> str:
        stream = Path(path).suffix
        return f"~/.local/state/sidetui/logs/{self.execution_id(execution_id)}{stream}"


def seconds_for_people(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


def human_size(size: float) -> str:
    for unit in ("B", "K", "M", "G"):
        if size < 1024 or unit == "G":
            return f"{size:.0f}{unit}" if unit == "B" else f"{size:.1f}{unit}"
        size /= 1024
    return f"{size:.1f}G"
