"""How much one scan may do: a bound on the folders it lists and on its time, and a way to
cancel it from another thread. A scan that runs out stops where it is and keeps what it found;
`stopped` says why."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

MAX_FOLDERS = 20_000
MAX_SECONDS = 10.0


@dataclass
class ScanBudget:
    """Spent one folder at a time by the scan; `cancel()` may be called from any thread."""

    max_folders: int = MAX_FOLDERS
    max_seconds: float = MAX_SECONDS
    stopped: str | None = None
    _folders: int = 0
    _deadline: float = field(default_factory=lambda: time.monotonic() + MAX_SECONDS)
    _cancelled: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.max_seconds

    def spend(self) -> bool:
        """One more folder may be listed: True, else False with `stopped` saying why."""
        if self.stopped is not None:
            return False
        self._folders += 1
        if self._cancelled.is_set():
            self.stopped = "the scan was cancelled"
        elif self._folders > self.max_folders:
            self.stopped = f"the scan stopped after {self.max_folders:,} folders"
        elif time.monotonic() > self._deadline:
            self.stopped = f"the scan stopped after {self.max_seconds:g} s"
        return self.stopped is None

    def cancel(self) -> None:
        self._cancelled.set()
