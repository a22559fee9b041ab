"""What the endpoint does when it cannot accept a connection (out of file descriptors).

asyncio reports each failed `accept` through the loop's exception handler, up to a hundred times a
loop tick while the descriptors are used up: under a flood of connections that was megabytes of
tracebacks a second. This handler says it once, then at most once every `QUIET_S` with a count,
and hands every other report to the handler that was there before. (asyncio also queues a retry
of the accept for each failure; those that run after the endpoint has closed are dropped.)
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

QUIET_S = 10.0
MESSAGE = "socket.accept() out of system resource"


class AcceptErrors:
    """Installed on a loop by `quiet_accept_errors`."""

    def __init__(self, previous: Any):
        self.previous = previous
        self.suppressed = 0
        self._said_at = -QUIET_S

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if _retry_after_close(context):
            return  # asyncio's queued retries of the accept, run after the endpoint closed
        if context.get("message") != MESSAGE:
            if self.previous is not None:
                self.previous(loop, context)
            else:
                loop.default_exception_handler(context)
            return
        now = time.monotonic()
        if now - self._said_at < QUIET_S:
            self.suppressed += 1
            return
        error = context.get("exception")
        more = f" ({self.suppressed} more since the last report)" if self.suppressed else ""
        print(
            f"sidetui: the endpoint cannot accept connections now: {error}{more}", file=sys.stderr
        )
        self._said_at, self.suppressed = now, 0


def _retry_after_close(context: dict[str, Any]) -> bool:
    error = context.get("exception")
    return (
        isinstance(error, ValueError)
        and "Invalid file descriptor" in str(error)
        and "_start_serving" in repr(context.get("handle"))
    )


def quiet_accept_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Rate-limit the endpoint's accept errors on `loop` (once per loop)."""
    current = loop.get_exception_handler()
    if not isinstance(current, AcceptErrors):
        loop.set_exception_handler(AcceptErrors(current))
