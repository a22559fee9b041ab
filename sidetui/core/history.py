"""Execution history on disk: the record of every execution, in SQLite, shared by every sidetui
process that uses the same state folder.

The app shows earlier executions (of the app, of `sidetui run`, of agents) and their output, which
stays in the log files; and, while they run, those of other sidetui processes on the project. A
record is written when its execution runs (with the project and the process that runs it) and
again once it has settled. Records are stored without their output tails; the newest `keep` stay.
A history that cannot be opened or written is reported and then left alone: nothing depends on it.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sidetui.core import proc_table
from sidetui.core.config import EngineConfig
from sidetui.core.records.execution_record import ExecutionRecord
from sidetui.core.records.status import ExecutionStatus
from sidetui.core.records.stored_record import record_from_dict
from sidetui.core.state_dir import private_file
from sidetui.lazy import lazy_module

if TYPE_CHECKING:
    import psutil
else:
    psutil = lazy_module("psutil")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS executions (
    id TEXT PRIMARY KEY,
    started REAL NOT NULL,
    record TEXT NOT NULL
)
"""
# Where each execution ran: its project and the process running it (a table of its own, so that
# the records keep the shape every version reads and writes; older rows have none).
_PLACES = "CREATE TABLE IF NOT EXISTS places (id TEXT PRIMARY KEY, project TEXT, owner TEXT)"
# Newest first, a page at a time: reads walk this index and stop at the page's end.
_BY_START = "CREATE INDEX IF NOT EXISTS executions_by_start ON executions (started, id)"
# The newest `keep` stay. The first one past them is found by walking that index from the
# newest end, and it and every older one go: the cost is the `keep` steps and what goes, not a
# pass over every row (0.02 ms against 0.6 ms with 500 kept), so each write can afford it.
_PAST_KEPT = "SELECT started, id FROM executions ORDER BY started DESC, id DESC LIMIT 1 OFFSET ?"
_OLD = f"(started, id) <= ({_PAST_KEPT})"
_DROP_OLD_PLACES = f"DELETE FROM places WHERE id IN (SELECT id FROM executions WHERE {_OLD})"
_DROP_OLD = f"DELETE FROM executions WHERE {_OLD}"
_LEFT_OUT = ("output", "errorOutput")
_SIDES = ("-wal", "-shm")
PARAMS_KEPT = 64 * 1024
ORPHANED = "the sidetui process that ran it ended before it did: how it ended is not known"


@dataclass(frozen=True)
class PastExecution:
    """A stored record, the project it ran in (None: not known) and the pid of the sidetui
    process running it (None once it has ended); `place` is its key in the newest-first order,
    for asking for the page after it."""

    record: ExecutionRecord
    project: str | None
    runner_pid: int | None
    place: tuple[float, str] = (0.0, "")


class HistoryStore:
    """The executions database of one state folder, as one project's manager uses it; the newest
    `keep` records stay (a negative `keep`: all of them)."""

    def __init__(self, path: Path, keep: int = 500, project: Path | None = None):
        self.path = path
        self.keep = keep
        self.project = project
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
        self._owner = _process_identity(os.getpid())
        self._seen_version: int | None = None
        self._running: dict[str, ExecutionRecord] = {}  # begun to run, to be written

    @classmethod
    def of(cls, config: EngineConfig, project: Path) -> HistoryStore | None:
        """The history a manager of `project` keeps with `config` (None when it keeps none)."""
        if not config.history:
            return None
        return cls(config.state_dir / "history.sqlite3", config.history_keep, project)

    def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for private in (self.path, *(self.path.with_name(self.path.name + s) for s in _SIDES)):
                private_file(private)  # SQLite gives its -wal and -shm the database's mode
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=2)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
            self._db.execute(_PLACES)
            self._db.execute(_BY_START)
        except sqlite3.Error as error:
            self._fail(f"cannot open the history {self.path}: {error}")

    def close(self) -> None:
        self.write_running()
        if self._db is not None:
            self._db.close()
            self._db = None

    def status_changed(self, record: ExecutionRecord) -> None:
        """An execution of this process changed status: once it runs, other processes on the
        project see it (its end is written when it has settled). Written at the loop's next
        turn, with the others that began to run meanwhile, in one transaction: a start does not
        wait for the database, and 100 starts at once write once."""
        if record.status is not ExecutionStatus.RUNNING:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.save(record)
            return
        if not self._running:
            loop.call_soon(self.write_running)
        self._running[record.side_execution_id] = record

    def write_running(self) -> None:
        """Write the executions that began to run and have not been written since."""
        running, self._running = list(self._running.values()), {}
        self._save(running)

    def save(self, record: ExecutionRecord) -> None:
        """Write `record` now (a settled one: its end)."""
        self.save_many([record])

    def save_many(self, records: list[ExecutionRecord]) -> None:
        """Write `records` now, in one transaction."""
        for record in records:
            self._running.pop(record.side_execution_id, None)
        self._save(records)

    def _save(self, records: list[ExecutionRecord]) -> None:
        if self._db is None or not records:
            return
        try:
            with self._db:  # one transaction
                self._db.execute("BEGIN")
                for record in records:
                    self._insert(record)
                if self.keep >= 0:
                    self._db.execute(_DROP_OLD_PLACES, (self.keep,))
                    self._db.execute(_DROP_OLD, (self.keep,))
        except sqlite3.Error as error:
            self._fail(f"cannot write the history: {error}")

    def _insert(self, record: ExecutionRecord) -> None:
        assert self._db is not None
        data = {k: v for k, v in record.to_dict().items() if k not in _LEFT_OUT}
        params = json.dumps(data["params"], default=str)
        if len(params) > PARAMS_KEPT:  # kept for a re-run, but not 10 MB of it
            data["params"] = {}
            data["paramsNotKept"] = f"params of {len(params):,} bytes, over {PARAMS_KEPT:,}"
        self._db.execute(
            "INSERT OR REPLACE INTO executions (id, started, record) VALUES (?, ?, ?)",
            (record.side_execution_id, record.start_time, json.dumps(data, default=str)),
        )
        project = str(self.project) if self.project is not None else None
        self._db.execute(
            "INSERT OR REPLACE INTO places (id, project, owner) VALUES (?, ?, ?)",
            (record.side_execution_id, project, self._owner),
        )

    def recent(self, limit: int = 50) -> list[ExecutionRecord]:
        """The newest stored executions, newest first, as records without output tails."""
        rows = self._read("SELECT record FROM executions ORDER BY started DESC LIMIT ?", (limit,))
        return [record for record in map(_parse, rows) if record is not None]

    def past(
        self,
        limit: int = 50,
        every_project: bool = False,
        skip: Callable[[str], object] = lambda execution_id: None,
        after: tuple[float, str] | None = None,
    ) -> list[PastExecution]:
        """The newest stored executions, newest first: of this project (rows of older versions,
        which name no project, when their block was in it), or of `every_project`; without
        those `skip` returns something for (the caller's own). A record of a process that has
        ended without writing its end is shown `stopped`, with a notice saying so. `after` (the
        `place` of the last one of a page) gives the next page: those that come after it."""
        project = str(self.project) if self.project is not None else ""
        rows = self._read_rows(
            "SELECT e.record, p.project, p.owner, e.started, e.id FROM executions e LEFT JOIN"
            " places p ON p.id = e.id WHERE (? OR p.project = ? OR p.project IS NULL)"
            " AND (e.started, e.id) < (?, ?) ORDER BY e.started DESC, e.id DESC LIMIT ?",
            (every_project, project, *(after or (math.inf, "")), limit),
        )
        found: list[PastExecution] = []
        for text, row_project, owner, started, row_id in rows:
            record = _parse(text)
            if record is None or skip(record.side_execution_id) is not None:
                continue
            if not every_project and row_project is None and not _inside(record, project):
                continue
            runner = None
            if not record.status.is_final:
                runner = _running_pid(owner)
                if runner is None:
                    record.status = ExecutionStatus.STOPPED
                    record.notices.append(ORPHANED)
            found.append(PastExecution(record, row_project, runner, (started, row_id)))
        return found

    def changed(self) -> bool:
        """Whether another connection (another process) wrote since the last call; cheap."""
        rows = self._read_rows("PRAGMA data_version", ())
        changed = bool(rows) and rows[0][0] != self._seen_version
        self._seen_version = rows[0][0] if rows else None
        return changed

    def get(self, execution_id: str) -> ExecutionRecord | None:
        """The stored record of one execution, if it is kept."""
        rows = self._read("SELECT record FROM executions WHERE id = ?", (execution_id,))
        return _parse(rows[0]) if rows else None

    def _read(self, sql: str, args: tuple[Any, ...]) -> list[str]:
        return [text for (text,) in self._read_rows(sql, args)]

    def _read_rows(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if self._db is None:
            return []
        try:
            return list(self._db.execute(sql, args).fetchall())
        except sqlite3.Error as error:
            self._fail(f"cannot read the history: {error}")
            return []

    def forget(self, execution_ids: list[str]) -> None:
        for execution_id in execution_ids:
            self._write("DELETE FROM executions WHERE id = ?", (execution_id,))
            self._write("DELETE FROM places WHERE id = ?", (execution_id,))

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        if self._db is None:
            return
        try:
            self._db.execute(sql, args)
        except sqlite3.Error as error:
            self._fail(f"cannot write the history: {error}")

    def _fail(self, problem: str) -> None:
        self.problem = problem
        if self._db is not None:
            self._db.close()
        self._db = None


def _process_identity(pid: int) -> str:
    """`pid:start time`: a pid alone may name another process once the first has ended. Read
    from `/proc` where there is one (psutil gives the same time, and is not loaded for it)."""
    if proc_table.AVAILABLE:
        stat = proc_table.read_stat(pid)
        return f"{pid}:{stat.started:.2f}" if stat is not None else f"{pid}:"
    try:
        return f"{pid}:{psutil.Process(pid).create_time():.2f}"
    except psutil.Error:
        return f"{pid}:"


def _running_pid(owner: str | None) -> int | None:
    """The pid of the process an `owner` names, while that very process runs."""
    pid_text, _, _ = (owner or "").partition(":")
    if not pid_text.isdigit():
        return None
    pid = int(pid_text)
    return pid if _process_identity(pid) == owner else None


def _inside(record: ExecutionRecord, project: str) -> bool:
    path = record.action_block_path
    return path is not None and bool(project) and Path(path).is_relative_to(project)


def _parse(text: str) -> ExecutionRecord | None:
    try:
        return record_from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a row written by another version, or damaged: skip it rather than fail
