"""Ending the process after the app returned, whatever threads the terminal driver left."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

from sidetui.core import workers


def exit_despite_lingering_threads(code: int, grace_s: float = 2.0) -> None:
    """Exit with `code` now if, `grace_s` after the app returned, a non-daemon thread is still
    alive. Textual's driver starts its input and output threads again on a SIGCONT, even while
    the app exits, and the kernel sends one right after a hang-up's SIGHUP: such an input
    thread spins on the dead terminal and would keep the process alive for ever. Everything
    of sidetui's has stopped by then, and the engine's idle worker threads are let go first
    (each quit used to wait the whole grace for them); returning normally is the usual case."""
    workers.shut_down()
    deadline = time.monotonic() + grace_s
    for thread in _lingering():
        thread.join(max(0.0, deadline - time.monotonic()))
    if _lingering():
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)


def _lingering() -> list[threading.Thread]:
    main = threading.main_thread()
    return [t for t in threading.enumerate() if t is not main and not t.daemon and t.is_alive()]
