"""Live discovery: follows the roots with `watchfiles` and feeds changed paths to the registry.

Existing roots are watched recursively. A root that does not exist yet is watched through its
nearest existing parent, non-recursively, and the watch is rebuilt once the root appears.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

from sidetui.core.catalog.discovery import is_skipped
from sidetui.core.catalog.registry import Registry, RegistryChange


class RegistryWatcher:
    """Keeps a registry current; reports each non-empty change through `on_change`."""

    def __init__(
        self,
        registry: Registry,
        on_change: Callable[[RegistryChange], None],
        debounce_ms: int = 50,
    ):
        self.registry = registry
        self.on_change = on_change
        self.debounce_ms = debounce_ms
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Begin watching; returns once the watches are in place."""
        self._task = asyncio.create_task(self._run(), name="registry watcher")
        await self.ready.wait()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _plan(self) -> tuple[list[Path], list[Path]]:
        """Roots to watch recursively, and parents to watch for roots that do not exist yet."""
        present = [r.path for r in self.registry.roots if r.path.is_dir()]
        missing = [r.path for r in self.registry.roots if not r.path.is_dir()]
        return present, _parents_of(missing)

    async def _run(self) -> None:
        while True:
            plan = self._plan()
            rebuild = asyncio.Event()
            tasks = [
                asyncio.ensure_future(self._follow(plan[0], True, plan, rebuild)),
                asyncio.ensure_future(self._follow(plan[1], False, plan, rebuild)),
            ]
            for _ in range(3):  # let each watch reach its first wait: its watches are then set
                await asyncio.sleep(0)
            self.ready.set()
            try:
                await rebuild.wait()
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
            # Roots that appeared or vanished: rescan them whole.
            watched = set(plan[0])
            self._apply(
                {r.path for r in self.registry.roots if (r.path in watched) != r.path.is_dir()}
            )

    async def _follow(
        self,
        paths: list[Path],
        recursive: bool,
        plan: tuple[list[Path], list[Path]],
        rebuild: asyncio.Event,
    ) -> None:
        if not paths:
            return
        from watchfiles import DefaultFilter, awatch  # imported by those who watch

        editor_noise = DefaultFilter(ignore_dirs=())  # swap files, backups, .DS_Store...
        async for changes in awatch(
            *paths,
            watch_filter=lambda change, raw: editor_noise(change, raw) and self._worth_a_look(raw),
            debounce=self.debounce_ms,
            step=10,
            recursive=recursive,
            stop_event=rebuild,
            ignore_permission_denied=True,
        ):
            self._apply({Path(raw) for _, raw in changes})
            if self._plan() != plan:
                rebuild.set()

    def _worth_a_look(self, raw: str) -> bool:
        """Not inside a skipped folder of its root (node_modules...)."""
        path = Path(raw)
        root = self.registry.root_for(path)
        return root is None or not any(is_skipped(p) for p in path.relative_to(root.path).parts)

    def _apply(self, paths: list[Path] | set[Path]) -> None:
        if paths:
            change = self.registry.rescan(paths)
            if change:
                self.on_change(change)


def _parents_of(missing: list[Path]) -> list[Path]:
    """The nearest existing ancestor of each missing root."""
    parents = set()
    for path in missing:
        parent = path.parent
        while not parent.is_dir() and parent != parent.parent:
            parent = parent.parent
        parents.add(parent)
    return sorted(parents)
