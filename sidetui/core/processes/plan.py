"""What starting one child takes, whatever backend starts it."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sidetui.core.catalog.limits import ResourceLimits
from sidetui.core.protocol.child_link import ChildLink


@dataclass
class LaunchPlan:
    """How to start the child; `problem` is set instead when it cannot be started at all.

    `execution_id` is the marker every descendant inherits (`SIDE_EXECUTION_ID`); `started`
    (epoch seconds) bounds what can belong to it: a process older than that cannot.
    """

    execution_id: str
    started: float
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    link: ChildLink | None = None
    problem: str | None = None
    cleanup: list[Path] = field(default_factory=list)  # temporary files and folders
    limits: ResourceLimits | None = None  # the block's, enforced as far as the backend can

    @property
    def pass_fds(self) -> tuple[int, ...]:
        """Descriptors the child inherits: its end of the IPC channel, if it has one."""
        channel = self.link.channel if self.link else None
        return (channel.child_fd,) if channel else ()

    def remove_temporary_files(self) -> None:
        """The execution is settled: what was written for it alone goes."""
        for path in self.cleanup:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()
