"""Executions the app did not start itself, from the history that every sidetui process on this
machine shares: earlier runs, and the runs of `sidetui run`, `serve` or another app while they
happen. This project's by default, every project's on request.

Read a page at a time, newest first (`load`, then `more` for the page after): a history of
100,000 runs opens as fast as one of 100. Polled once a second: SQLite says cheaply whether
another process wrote since the last look, and only then is the first page read again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sidetui.core import ExecutionRecord, SideExecutionManager
from sidetui.core.history import HistoryStore, PastExecution

LIMIT = 100  # executions read back a page at a time; the history keeps more


@dataclass
class HistoryFeed:
    manager: SideExecutionManager
    every_project: bool = False
    _known: dict[str, PastExecution] = field(default_factory=dict)
    _last: tuple[float, str] | None = None  # where the last page read ended
    exhausted: bool = False  # the last page was read: nothing older is stored
    _ahead: tuple[tuple[float, str] | None, list[PastExecution]] | None = None  # (after, page)

    @property
    def problem(self) -> str | None:
        history = self.manager.history
        return history.problem if history is not None else None

    def load(self) -> list[ExecutionRecord]:
        """The first page of the executions in scope, newest first."""
        self._known, self._last, self.exhausted, self._ahead = {}, None, False, None
        history = self.manager.history
        if history is None:
            self.exhausted = True
            return []
        history.changed()  # from now on, `poll` reports only what others write
        return self.more()

    def more(self) -> list[ExecutionRecord]:
        """The next page of older executions, newest first; empty once every one was read."""
        history = self.manager.history
        if history is None or self.exhausted:
            return []
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == self._last:  # read just after the page before
            found = ahead[1]
        else:
            found = self._page_after(history, self._last)
        self.exhausted = not found
        fresh = [past for past in found if past.record.side_execution_id not in self._known]
        for past in found:
            self._known.setdefault(past.record.side_execution_id, past)
        if found:
            self._last = found[-1].place
        return [past.record for past in fresh]

    def read_ahead(self) -> None:
        """Read the page `more` will give next, now (while nothing else waits): a held key
        that goes a page down at each press then does not wait for the database."""
        history = self.manager.history
        if history is not None and not self.exhausted and self._ahead is None:
            self._ahead = (self._last, self._page_after(history, self._last))

    def _page_after(
        self, history: HistoryStore, last: tuple[float, str] | None
    ) -> list[PastExecution]:
        """The page of executions in scope that come after `last` (None: the newest)."""
        return history.past(LIMIT, self.every_project, self.manager.get_record, last)

    def poll(self) -> list[ExecutionRecord]:
        """Executions that appeared or changed (status, end) since the last look, oldest first."""
        history = self.manager.history
        if history is None or not history.changed():
            return []
        self._ahead = None  # another process wrote: a page read ahead may be out of date
        fresh: list[ExecutionRecord] = []
        found = self._page_after(history, None)  # the newest page
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
        self._ahead = None  # it may hold one of them
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
