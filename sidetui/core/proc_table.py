"""Linux's process table read straight from `/proc`: a few microseconds a process, where
`psutil` objects cost several times that.

Standard library only: the keeper, a script that imports nothing of sidetui, reads it too.
"""

from __future__ import annotations

import os
from typing import NamedTuple

AVAILABLE = os.path.isfile("/proc/self/stat")


class ProcStat(NamedTuple):
    """What `/proc/PID/stat` says of one process."""

    state: str  # "R", "S", ... "Z" for a zombie
    ppid: int
    pgid: int
    sid: int
    started: float  # epoch seconds, to the clock tick


def read_stat(pid: int) -> ProcStat | None:
    """The process's stat, None when it is gone (or unreadable)."""
    try:
        descriptor = os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        raw = os.read(descriptor, 4096)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    # The name, in parentheses, may hold anything, spaces and ")" included: cut after the last.
    fields = raw[raw.rfind(b")") + 2 :].split(b" ", 20)
    if len(fields) < 20:
        return None
    started = boot_time() + int(fields[19]) / _ticks_per_second()
    return ProcStat(chr(fields[0][0]), int(fields[1]), int(fields[2]), int(fields[3]), started)


def read_all() -> dict[int, ProcStat]:
    """pid -> stat of every process now (zombies included: their state says so)."""
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (stat := read_stat(int(name))) is not None:
            table[int(name)] = stat
    return table


def carries(pid: int, variable: str, value: str) -> bool:
    """The process was started with `variable=value` in its environment."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            environ = handle.read()
    except OSError:
        return False
    return f"{variable}={value}".encode() in environ.split(b"\0")


_BOOT: list[float] = []
_TICKS: list[int] = []


def boot_time() -> float:
    """When the machine booted (epoch seconds), as `/proc/stat` says."""
    if not _BOOT:
        with open("/proc/stat", "rb") as handle:
            for line in handle:
                if line.startswith(b"btime "):
                    _BOOT.append(float(line.split()[1]))
                    break
            else:
                _BOOT.append(0.0)
    return _BOOT[0]


def _ticks_per_second() -> int:
    if not _TICKS:
        _TICKS.append(os.sysconf("SC_CLK_TCK"))
    return _TICKS[0]
