"""Executions the app did not start itself, from the history that every sidetui process on this
machine shares: earlier runs, and the runs of `sidetui run`, `serve` or another app while they
happen. This project's by default, every project's on request.

Polled once a second: SQLite says cheaply whether another process wrote since the last look, and
only then are the records read again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sidetui.core import ExecutionRecord, SideExecutionManager
from sidetui.core.history import PastExecution

LIMIT = 100  # executions read back; the history keeps more


@dataclass
class HistoryFeed:
    manager: SideExecutionManager
    every_project: bool = False
    _known: dict[str, PastExecution] = field(default_factory=dict)

    @property
    def problem(self) -> str | None:
        history = self.manager.history
        return history.problem if history is not None else None

    def load(self) -> list[ExecutionRecord]:
        """Every execution in scope, newest first."""
        history = self.manager.history
        if history is None:
            return []
        history.changed()  # from now on, `poll` reports only what others write
        found = history.past(LIMIT, self.every_project, skip=self.manager.get_record)
        self._known = {past.record.side_execution_id: past for past in found}
        return [past.record for past in found]

    def poll(self) -> list[ExecutionRecord]:
        """Executions that appeared or changed (status, end) since the last look, oldest first."""
        history = self.manager.history
        if history is None or not history.changed():
            return []
        fresh: list[ExecutionRecord] = []
        found = history.past(LIMIT, self.every_project, skip=self.manager.get_record)
        for past in reversed(found):
            record = past.record
            known = self._known.get(record.side_execution_id)
            if known is None or _moved(known.record, record):
                self._known[record.side_execution_id] = past
                fresh.append(record)
        return fresh

    def known_ids(self) -> set[str]:
        return set(self._known)

    def forget(self, execution_ids: set[str]) -> None:
        for execution_id in execution_ids:
            self._known.pop(execution_id, None)

    def project_of(self, record: ExecutionRecord) -> str | None:
        """The project an execution read from the history ran in (None: this app's, or unknown)."""
        past = self._known.get(record.side_execution_id)
        return past.project if past is not None else None

    def runner_of(self, record: ExecutionRecord) -> int | None:
        """The pid of the other sidetui process running it, while it runs."""
        past = self._known.get(record.side_execution_id)
        return past.runner_pid if past is not None else None

    def is_foreign(self, record: ExecutionRecord) -> bool:
        """Read from the history: not started by this app."""
        return record.side_execution_id in self._known


def _moved(before: ExecutionRecord, now: ExecutionRecord) -> bool:
    return (before.status, before.end_time, before.exit_code, before.signal) != (
        now.status,
        now.end_time,
        now.exit_code,
        now.signal,
    )
