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
from collections import defaultdict
from dataclasses import dataclass, field

import psutil

from sidetui.core.processes.local.cgroups import ExecutionCgroup
from sidetui.core.records.execution_record import TreeUsage
from sidetui.core.workers import in_process_thread

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
    """One read of the system's process list."""

    processes: dict[int, psutil.Process] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    recent: list[int] = field(default_factory=list)  # created since `since`
    environ: dict[int, dict[str, str]] = field(default_factory=dict)  # of the recent ones

    @classmethod
    def read(cls, since: float | None = None) -> ProcessTable:
        """Every process and its parent; with `since` (epoch seconds) also the environment of
        those created since then - a process older than an execution cannot belong to it."""
        table = cls()
        attrs = ["ppid"] if since is None else ["ppid", "create_time"]
        for proc in psutil.process_iter(attrs, ad_value=None):
            info = proc.info
            table.processes[proc.pid] = proc
            if info["ppid"] is not None:
                table.children[info["ppid"]].append(proc.pid)
            if since is not None and (info["create_time"] or 0) >= since:
                table.recent.append(proc.pid)
        for pid in table.recent:
            with contextlib.suppress(psutil.Error):
                table.environ[pid] = table.processes[pid].environ()
        return table


class ProcessTree:
    """The processes of one execution: its child (`root_pid`) and everything that came of it."""

    def __init__(
        self, root_pid: int, marker: str, started: float, cgroup: ExecutionCgroup | None = None
    ):
        self.root_pid = root_pid
        self.marker = marker
        self.started = started - 1  # epoch seconds, less clock granularity
        self.cgroup = cgroup  # where the machine allows it: holds every process of the tree
        self.root_reaped = False  # set once the child's exit status has been collected
        self._known: dict[int, psutil.Process] = {}

    # -- finding -------------------------------------------------------------------------------

    def members(self, table: ProcessTable, thorough: bool) -> list[psutil.Process]:
        """Live members; `thorough` also matches the process group and the inherited marker.

        Members that already exited and were re-parented to us are reaped on the way.
        """
        me = os.getpid()
        self._known = {pid: p for pid, p in self._known.items() if _same(table, pid, p)}
        if not self.root_reaped and self.root_pid in table.processes:  # unreaped: surely ours
            self._known.setdefault(self.root_pid, table.processes[self.root_pid])
        stack = list(self._known)
        if self.cgroup is not None:
            stack += self.cgroup.pids()

        if thorough:
            stack += [
                p for p, env in table.environ.items() if env.get(MARKER_VARIABLE) == self.marker
            ]
            if self._group_is_ours():  # the child leads its own session and group
                stack += [pid for pid in table.recent if self.root_pid in _session_ids(pid)]
        found: set[int] = set()
        while stack:
            pid = stack.pop()
            if pid in found or pid == me or pid not in table.processes:
                continue
            found.add(pid)
            stack.extend(table.children.get(pid, ()))
        alive = []
        for pid in found:
            proc = self._known.setdefault(pid, table.processes[pid])
            if _alive(proc):
                alive.append(proc)
            elif pid != self.root_pid:  # asyncio's child watcher reaps the child itself
                _reap_if_ours(proc, me)
        return alive

    def usage(self, table: ProcessTable) -> TreeUsage:
        """CPU and memory of the whole tree now (CPU % since the previous call)."""
        procs = self.members(table, thorough=False)
        cpu = 0.0
        rss = 0
        for proc in procs:
            with contextlib.suppress(psutil.Error), proc.oneshot():
                cpu += proc.cpu_percent(None)
                rss += proc.memory_info().rss
        exact = self.cgroup.memory_bytes() if self.cgroup is not None else None
        return TreeUsage(processes=len(procs), cpu_percent=cpu, memory_rss=exact or rss)

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
        table = await in_process_thread(ProcessTable.read, self.started)
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
            _pgid(pid) == self.root_pid for pid, proc in self._known.items() if _alive(proc)
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
    current = table.processes.get(pid)
    if current is None:
        return False
    if current is proc:
        return True
    try:
        return bool(current.create_time() == proc.create_time())
    except psutil.Error:
        return False


def _reap_if_ours(proc: psutil.Process, me: int) -> None:
    """Collect an exited member re-parented to us (subreaper), so it does not stay a zombie."""
    with contextlib.suppress(psutil.Error, OSError):
        if proc.ppid() == me:
            os.waitpid(proc.pid, os.WNOHANG)


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
