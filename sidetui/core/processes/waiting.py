"""Bounded waits: an execution's ending never waits on its child longer than a grace allows."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def wait_at_most(future: asyncio.Future[Any], timeout_s: float) -> bool:
    """Wait for `future` at most `timeout_s`, without cancelling it; True when it is done."""
    if not future.done():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(future), timeout_s)
    return future.done()
