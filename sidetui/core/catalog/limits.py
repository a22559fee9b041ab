"""A block's resource limits, from its manifest:

    limits:
      memory: 256M      # bytes, or with K, M, G (powers of 1024)
      processes: 64     # at most this many processes at once
      cpu: 0.5          # at most this many CPUs' worth of time

Where the machine allows cgroups the kernel enforces them; elsewhere only what `setrlimit` can
(the address space, for memory) is, and the execution's record says what is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B?|B)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


@dataclass(frozen=True)
class ResourceLimits:
    memory_bytes: int | None = None
    processes: int | None = None
    cpu: float | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.memory_bytes, self.processes, self.cpu))

    def to_dict(self) -> dict[str, Any]:
        return {"memory": self.memory_bytes, "processes": self.processes, "cpu": self.cpu}


def parse_limits(raw: Any, errors: list[str]) -> ResourceLimits | None:
    """The `limits` of a manifest; each problem is added to `errors`."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.append("limits must be a mapping of memory, processes and cpu")
        return None
    unknown = sorted(set(raw) - {"memory", "processes", "cpu"})
    if unknown:
        errors.append(f"unknown limits: {', '.join(map(str, unknown))} (memory, processes, cpu)")
    limits = ResourceLimits(
        _memory(raw.get("memory"), errors),
        _count(raw.get("processes"), errors),
        _cpus(raw.get("cpu"), errors),
    )
    return limits or None


def _memory(value: Any, errors: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(str(value)) if isinstance(value, str) else None
    if match is None or float(match.group(1)) <= 0:
        errors.append(f"limits.memory must be a size such as 256M, not {value!r}")
        return None
    unit = (match.group(2) or "").upper()[:1]
    return int(float(match.group(1)) * _UNITS[unit])


def _count(value: Any, errors: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    errors.append(f"limits.processes must be a whole number above 0, not {value!r}")
    return None


def _cpus(value: Any, errors: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1024:
        return float(value)
    errors.append(f"limits.cpu must be a number of CPUs above 0, such as 0.5, not {value!r}")
    return None
