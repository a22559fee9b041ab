"""Every process an execution owns, found and ended for certain.

A child runs in its own session, so its process group and session hold most of its tree.
Processes that left the session (`setsid`, double forks) are still found: by walking down from
the child and from every process seen under it before, and by the `SIDE_EXECUTION_ID` they
inherited. On Linux the manager makes itself a child subreaper, so orphans are re-parented to it
(and reaped by it) instead of init. Pids are only signalled through `psutil.Process` objects,
which refuse a reused pid, and the group only while it provably still exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sidetui.core import proc_table
from sidetui.core.proc_table import ProcStat
from sidetui.core.processes.local.cgroups import ExecutionCgroup
from sidetui.lazy import lazy_module

if TYPE_CHECKING:
    import psutil
else:
    psutil = lazy_module("psutil")

MARKER_VARIABLE = "SIDE_EXECUTION_ID"
_PR_SET_CHILD_SUBREAPER = 36
_subreaper_enabled = False


def enable_subreaper() -> bool:
    """Make this process adopt its orphaned descendants (Linux only); True when it worked."""
    global _subreaper_enabled
    if _subreaper_enabled or not sys.platform.startswith("linux"):
        return _subreaper_enabled
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    _subreaper_enabled = bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    return _subreaper_enabled


@dataclass
class ProcessTable:
    """One read of the system's process list: each process's parent, group, session and start."""

    stats: dict[int, ProcStat] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def read(cls) -> ProcessTable:
        """The table now: straight from `/proc` on Linux, through `psutil` elsewhere."""
        table = cls(proc_table.read_all() if proc_table.AVAILABLE else stats_from_psutil())
        for pid, stat in table.stats.items():
            table.children[stat.ppid].append(pid)
        return table

    def recent(self, since: float) -> list[int]:
        """Processes started since `since` (epoch seconds): only these can belong to an
        execution that started then."""
        return [pid for pid, stat in self.stats.items() if stat.started >= since]

    def walk(self, roots: list[int]) -> set[int]:
        """`roots` that are in the table, and all their descendants; never this process."""
        me, found, stack = os.getpid(), set(), list(roots)
        while stack:
            pid = stack.pop()
            if pid in found or pid == me or pid not in self.stats:
                continue
            found.add(pid)
            stack.extend(self.children.get(pid, ()))
        return found


def stats_from_psutil() -> dict[int, ProcStat]:
    """The table where there is no `/proc` to read: one `psutil` pass."""
    stats = {}
    for proc in psutil.process_iter(["ppid", "create_time", "status"], ad_value=None):
        info = proc.info
        pgid, sid = _session_ids(proc.pid)
        if info["ppid"] is None or pgid is None or sid is None:
            continue  # gone meanwhile, or not ours to see
        state = "Z" if info["status"] == psutil.STATUS_ZOMBIE else "R"
        stats[proc.pid] = ProcStat(state, info["ppid"], pgid, sid, info["create_time"] or 0.0)
    return stats


def _carries_marker(pid: int, marker: str) -> bool:
    if proc_table.AVAILABLE:
        return proc_table.carries(pid, MARKER_VARIABLE, marker)
    try:
        return bool(psutil.Process(pid).environ().get(MARKER_VARIABLE) == marker)
    except psutil.Error:
        return False


class ProcessTree:
    """The processes of one execution: its child (`root_pid`) and everything that came of it."""

    def __init__(
        self,
        root_pid: int,
        marker: str,
        started: float,
        fresh_table: Callable[[], Awaitable[ProcessTable]],
    ):
        self.root_pid = root_pid
        self.marker = marker
        self.started = started - 1  # epoch seconds, less clock granularity
        self.cgroup: ExecutionCgroup | None = None  # where the machine allows: the whole tree
        self._fresh_table = fresh_table  # a table read after the call
        self.root_reaped = False  # set once the child's exit status has been collected
        self._known: dict[int, psutil.Process] = {}
        self._finding = threading.Lock()  # the sampler looks on a thread, a stop on the loop

    # -- finding -------------------------------------------------------------------------------

    def members(self, table: ProcessTable, thorough: bool) -> list[psutil.Process]:
        """Live members; `thorough` also matches the process group and the inherited marker, and
        asks each member whether it still runs (else the fresh `table`'s word is taken).

        Members that already exited and were re-parented to us are reaped on the way.
        """
        with self._finding:
            return self._members(table, thorough)

    def _members(self, table: ProcessTable, thorough: bool) -> list[psutil.Process]:
        me = os.getpid()
        self._known = {pid: p for pid, p in self._known.items() if _same(table, pid, p)}
        roots = list(self._known)
        if not self.root_reaped:  # unreaped: surely ours
            roots.append(self.root_pid)
        if self.cgroup is not None:
            roots += self.cgroup.pids(every_hierarchy=thorough)
        recent = table.recent(self.started) if thorough else []
        if thorough and self._group_is_ours():  # the child leads its own session and group
            roots += [pid for pid in recent if self.root_pid in _group_and_session(table, pid)]
        found = table.walk(roots)
        if thorough:
            found |= table.walk(self._strays(table, recent, found))
        alive = []
        for pid in found:
            if table.stats[pid].state == "Z":
                if pid != self.root_pid and table.stats[pid].ppid == me:
                    _reap(pid)  # re-parented to us and exited; the child is its watcher's to reap
                continue
            proc = self._known.get(pid) or _process(pid, table)
            if proc is not None and (not thorough or _alive(proc)):  # else: the table's word
                self._known[pid] = proc
                alive.append(proc)
        return alive

    def _strays(self, table: ProcessTable, recent: list[int], found: set[int]) -> list[int]:
        """Processes of this execution that left its session and lost their parents: adopted
        by this process (the subreaper) or, without one, by anyone; told by their marker."""
        adopter = os.getpid() if _subreaper_enabled else None
        return [
            pid
            for pid in recent
            if pid not in found
            and (adopter is None or table.stats[pid].ppid == adopter)
            and _carries_marker(pid, self.marker)
        ]

    # -- ending --------------------------------------------------------------------------------

    async def terminate(self, grace_s: float, escalate: asyncio.Event) -> tuple[int, ...]:
        """SIGTERM the tree, give it `grace_s` (or until `escalate`), SIGKILL what is left.

        Returns the pids still alive after repeated SIGKILLs: empty unless the system refused.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_s
        self._signal_group(signal.SIGTERM)
        members = await self._collect()
        if not members:
            return ()  # nothing left that could have forked meanwhile
        self._signal(members, signal.SIGTERM)
        while members and not escalate.is_set() and loop.time() < deadline:
            members = await self._wait_gone(members, deadline, escalate)
            if not members:
                members = await self._collect()  # anything forked meanwhile?
                self._signal(members, signal.SIGTERM)
        for _ in range(10):
            self._signal_group(signal.SIGKILL)
            if self.cgroup is not None:
                self.cgroup.kill()
            members = await self._collect()
            if not members:
                return ()
            self._signal(members, signal.SIGKILL)
            members = await self._wait_gone(members, loop.time() + 0.5, None)
        return tuple(sorted(p.pid for p in members))

    async def _collect(self) -> list[psutil.Process]:
        table = await self._fresh_table()
        return self.members(table, thorough=True)

    @staticmethod
    async def _wait_gone(
        members: list[psutil.Process], deadline: float, escalate: asyncio.Event | None
    ) -> list[psutil.Process]:
        """The members still alive once all are gone, `deadline` passes or `escalate` is set."""
        loop = asyncio.get_running_loop()
        delay = 0.002
        while True:
            members = [p for p in members if _alive(p)]
            remaining = deadline - loop.time()
            if not members or remaining <= 0 or (escalate is not None and escalate.is_set()):
                return members
            pause = min(delay, remaining)
            if escalate is None:
                await asyncio.sleep(pause)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(escalate.wait(), pause)
            delay = min(delay * 2, 0.05)

    def _group_is_ours(self) -> bool:
        """The child's group id still names its group: the child is unreaped or a member lives.

        Once the group is empty its number may be reused, so it must not be signalled or matched.
        """
        return not self.root_reaped or any(
            _pgid(pid) == self.root_pid for pid, proc in list(self._known.items()) if _alive(proc)
        )

    def _signal_group(self, sig: signal.Signals) -> None:
        if self._group_is_ours():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.root_pid, sig)

    @staticmethod
    def _signal(members: list[psutil.Process], sig: signal.Signals) -> None:
        for proc in members:
            with contextlib.suppress(psutil.Error):
                proc.send_signal(sig)


def _same(table: ProcessTable, pid: int, proc: psutil.Process) -> bool:
    """The pid in `table` is still the process we knew (not a reuse of its number)."""
    stat = table.stats.get(pid)
    if stat is None:
        return False
    try:
        return abs(stat.started - proc.create_time()) < 0.001
    except psutil.Error:
        return False


def _process(pid: int, table: ProcessTable) -> psutil.Process | None:
    """A handle on `pid` that refuses to signal a later reuse of its number; None when the
    process is gone or is not the one the table saw."""
    try:
        proc = psutil.Process(pid)
    except psutil.Error:
        return None
    return proc if _same(table, pid, proc) else None


def _reap(pid: int) -> None:
    """Collect an exited member re-parented to us (subreaper), so it does not stay a zombie."""
    with contextlib.suppress(OSError):
        os.waitpid(pid, os.WNOHANG)


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _session_ids(pid: int) -> tuple[int | None, int | None]:
    """The process's group and session ids (None where it is gone)."""
    try:
        return os.getpgid(pid), os.getsid(pid)
    except OSError:
        return None, None


def _group_and_session(table: ProcessTable, pid: int) -> tuple[int, int]:
    stat = table.stats[pid]
    return stat.pgid, stat.sid
