"""Collecting the orphans we adopted as child subreaper, once they exit.

A descendant that escaped its tree (it left the session and cleared its environment, where no
cgroup holds it) is re-parented to us when its parent dies; when it exits at last it is our
zombie, and nobody else will collect it. Where the engine owns its process (`sidetui serve`:
`EngineConfig.reap_orphans`), every exited child of ours that is not one we wait for ourselves (an
execution's child, the keeper) is collected when SIGCHLD says a child has exited. Embedded in a
program that has children of its own, this stays off: we could not tell its children from ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

from sidetui.lazy import lazy_module

if TYPE_CHECKING:
    import psutil
else:
    psutil = lazy_module("psutil")


class OrphanReaper:
    """Collects exited adopted children on SIGCHLD; `protected` are pids others wait for."""

    def __init__(self, protected: Callable[[], set[int]]):
        self.protected = protected
        self.collected = 0
        self._loop: asyncio.AbstractEventLoop | None = None

    def install(self) -> bool:
        """Listen for SIGCHLD on the running loop (the main thread only); True when it does."""
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGCHLD, self.collect)
        except (RuntimeError, ValueError):  # not the main thread: nothing to hook into
            return False
        self._loop = loop
        return True

    def collect(self) -> None:
        protected = self.protected()
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process().children():
                if child.pid in protected:
                    continue
                with contextlib.suppress(psutil.Error, OSError):
                    if child.status() == psutil.STATUS_ZOMBIE:
                        os.waitpid(child.pid, os.WNOHANG)
                        self.collected += 1

    def close(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_signal_handler(signal.SIGCHLD)
        self._loop = None
