"""Tell me when it ends: an execution the person launched that ends while they look at another
is announced - a notification with its name and status word, and the terminal bell when the
settings ask for it (`[app] bell_on_end = true`)."""

from __future__ import annotations

from collections.abc import Callable

from textual.notifications import SeverityLevel

from sidetui.core import ExecutionRecord, ExecutionStatus
from sidetui.core.terminal_text import one_line

ENDINGS: dict[ExecutionStatus, SeverityLevel] = {
    ExecutionStatus.COMPLETED: "information",
    ExecutionStatus.FAILED: "error",
    ExecutionStatus.TIMEOUT: "warning",
}
Notify = Callable[[str, SeverityLevel], None]


class EndNotices:
    """Announces the end of launched executions out of sight; `rung` counts the bells."""

    def __init__(self, notify: Notify, bell: Callable[[], None], ring: bool):
        self.notify = notify
        self.bell = bell
        self.ring = ring
        self.rung = 0

    def ended(self, record: ExecutionRecord, launched: bool, selected_id: str | None) -> None:
        """`record` changed status; announce it if it has just ended, was launched by the
        person (not by an agent or a block) and is not the one they are looking at."""
        severity = ENDINGS.get(record.status)
        if severity is None or not launched or selected_id == record.side_execution_id:
            return
        reason = f": {one_line(record.error.message)}" if record.error else ""
        self.notify(f"{one_line(record.action_block)} {record.status.value}{reason}", severity)
        if self.ring:
            self.rung += 1
            self.bell()
