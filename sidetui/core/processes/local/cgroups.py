"""A cgroup per execution, where the machine lets sidetui make them: nothing a child starts can
leave it (not by `setsid`, a double fork or a cleared environment), it is killed whole
(`cgroup.kill`), its memory is read exactly, and a block's limits are enforced by the kernel.

Used: the unified (v2) hierarchy for membership and killing; the v1 `memory`, `pids` and `cpu`
controllers, where they are mounted, for limits and memory. Each manager makes
`sidetui-<pid>` under its own cgroup in each hierarchy and one folder per execution in it. The
child is moved in right after it is spawned, on a worker thread (a cgroup write can take most of
a millisecond, which a start does not wait for): what it forks before the move stays outside,
and is found by the process tree as before.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

from sidetui.core.catalog.limits import ResourceLimits

V1_CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000


@dataclass
class ExecutionCgroup:
    """The cgroups of one execution: `unified` (v2) and any v1 controllers."""

    unified: Path | None
    v1: dict[str, Path] = field(default_factory=dict)

    @property
    def folders(self) -> list[Path]:
        return [p for p in (self.unified, *self.v1.values()) if p is not None]

    def make(self) -> None:
        """Create the folders (`OSError` when they cannot be made)."""
        for folder in self.folders:
            folder.mkdir(exist_ok=True)

    def add(self, pid: int) -> None:
        """Move `pid` in (`OSError` when the kernel refuses)."""
        for folder in self.folders:
            _write(folder / "cgroup.procs", str(pid))

    def pids(self, every_hierarchy: bool = True) -> list[int]:
        """Every process in it now. Processes join all its hierarchies together and their
        children inherit them, so one hierarchy lists them all; `every_hierarchy` reads each
        (a stop's thoroughness), else the first that answers (a sample's: a read of a cgroup
        file costs ~0.1 ms, and hundreds of executions are sampled each second)."""
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError):
                found.update(int(n) for n in (folder / "cgroup.procs").read_text().split())
                if not every_hierarchy:
                    break
        return sorted(found)

    def signal(self, sig: signal.Signals) -> None:
        for pid in self.pids():
            with contextlib.suppress(OSError):
                os.kill(pid, sig)

    def kill(self) -> None:
        """SIGKILL everything in it at once (v2 `cgroup.kill`), else each process listed."""
        if self.unified is not None:
            with contextlib.suppress(OSError):
                _write(self.unified / "cgroup.kill", "1")
                return
        self.signal(signal.SIGKILL)

    def limit(self, limits: ResourceLimits) -> list[str]:
        """Apply what the controllers here can; the limits they could not, as reasons."""
        missing = []
        wanted = {
            "memory": ("memory.limit_in_bytes", limits.memory_bytes),
            "pids": ("pids.max", limits.processes),
            "cpu": ("cpu.cfs_quota_us", _quota(limits.cpu)),
        }
        for controller, (name, value) in wanted.items():
            if value is None:
                continue
            folder = self.v1.get(controller)
            try:
                if folder is None:
                    raise OSError(errno.ENOENT, f"no {controller} controller")
                if controller == "cpu":
                    _write(folder / "cpu.cfs_period_us", str(CPU_PERIOD_US))
                _write(folder / name, str(value))
            except OSError as error:
                missing.append(f"{controller} ({error.strerror or error})")
        return missing

    def memory_bytes(self) -> int | None:
        """The memory its processes use now (page cache included), exactly."""
        folder = self.v1.get("memory")
        with contextlib.suppress(OSError, ValueError):
            return int((folder / "memory.usage_in_bytes").read_text()) if folder else None
        return None

    def out_of_memory(self) -> bool:
        """The kernel killed a process in it for going past its memory limit."""
        folder = self.v1.get("memory")
        with contextlib.suppress(OSError, ValueError):
            if folder is not None:
                for line in (folder / "memory.oom_control").read_text().splitlines():
                    if line.startswith("oom_kill "):
                        return int(line.split()[1]) > 0
        return False

    def remove(self) -> None:
        """Remove the folders (once empty; one that is not stays, and is reaped later)."""
        for folder in self.folders:
            with contextlib.suppress(OSError):
                folder.rmdir()


class Cgroups:
    """Where this manager makes its executions' cgroups, once it has found that it can."""

    def __init__(self, bases: dict[str, Path]):
        self.bases = bases  # "unified" and v1 controller names -> this manager's folder

    @classmethod
    def set_up(cls) -> tuple[Cgroups | None, str]:
        """This manager's cgroup folders; None, with why, where the machine does not allow it."""
        mine = f"sidetui-{os.getpid()}"
        bases: dict[str, Path] = {}
        for name, folder in _own_cgroups().items():
            with contextlib.suppress(OSError):
                (folder / mine).mkdir(exist_ok=True)
                bases[name] = folder / mine
        if "unified" not in bases:
            for made in bases.values():
                with contextlib.suppress(OSError):
                    made.rmdir()
            return None, "cannot create a cgroup (no writable cgroup v2 hierarchy)"
        return cls(bases), ""

    def planned(self, execution_id: str) -> ExecutionCgroup:
        """Where a new execution's cgroups go (`ExecutionCgroup.make` creates them)."""
        folders = {name: base / execution_id for name, base in self.bases.items()}
        unified = folders.pop("unified")
        return ExecutionCgroup(unified, folders)

    def close(self) -> None:
        for base in self.bases.values():
            for folder in (*base.glob("*/"), base):
                with contextlib.suppress(OSError):
                    folder.rmdir()


def _own_cgroups() -> dict[str, Path]:
    """This process's cgroup folder in the unified hierarchy and in the wanted v1 ones."""
    paths: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for name in controllers.split(",") if controllers else ["unified"]:
                paths[name] = path
    found: dict[str, Path] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            before, _, after = line.partition(" - ")
            fields, (fstype, _source, options) = before.split(), after.split()[:3]
            root, mount_point = fields[3], fields[4]
            names = ["unified"] if fstype == "cgroup2" else options.split(",")
            for name in names:
                if name in ("unified", *V1_CONTROLLERS) and name in paths and name not in found:
                    relative = os.path.relpath(paths[name], root)
                    found[name] = Path(mount_point) / ("" if relative == "." else relative)
    return found


def _quota(cpus: float | None) -> int | None:
    return None if cpus is None else max(1000, int(cpus * CPU_PERIOD_US))


def _write(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(descriptor, text.encode())
    finally:
        os.close(descriptor)
