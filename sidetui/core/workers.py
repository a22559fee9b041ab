"""The threads the engine's blocking work runs on, in separate pools: a stop or a status never
waits behind a scan. Scans of the catalog get their own two threads; reads of the process table
(for stops and for the tree sampler) get theirs; so do searches of whole logs."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_scans = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sidetui-scan")
_processes = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sidetui-processes")
_searches = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sidetui-search")


async def in_scan_thread(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` on a scan thread (a catalog scan: it may take long)."""
    return await _run(_scans, work, *args)


async def in_process_thread(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` on a process-table thread (quick, and never queued behind a scan)."""
    return await _run(_processes, work, *args)


async def in_search_thread(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` on a search thread (a scan of a whole log: it may take long)."""
    return await _run(_searches, work, *args)


async def _run(pool: ThreadPoolExecutor, work: Callable[..., T], *args: object) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, functools.partial(work, *args))


def shut_down() -> None:
    """Let the threads go, the process ending: idle ones end at once, a busy one after its work;
    work not begun is dropped. (An idle worker waits for work for ever, and would keep a process
    that waits for its threads.)"""
    for pool in (_scans, _processes, _searches):
        pool.shutdown(wait=False, cancel_futures=True)
