"""Live discovery: a real manager with a real watcher follows blocks as they change on disk."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from sidetui.core import (
    EngineConfig,
    Event,
    RegistryChange,
    RegistryChanged,
    SideExecutionManager,
    Source,
    Subscription,
)
from tests.helpers import next_event, write_block

PY = {"entryPoint": "main.py"}


@asynccontextmanager
async def watching(
    project: Path, config: EngineConfig
) -> AsyncIterator[tuple[SideExecutionManager, Subscription]]:
    config.watch = True
    async with SideExecutionManager(project, config=config) as manager:
        events = manager.subscribe(output=False)
        yield manager, events


def registry_change(test: Callable[[RegistryChange], bool]) -> Callable[[Event], bool]:
    return lambda event: isinstance(event, RegistryChanged) and test(event.change)


def adds(path: Path) -> Callable[[Event], bool]:
    return registry_change(lambda change: path in {e.path for e in change.added})


def changes(path: Path) -> Callable[[Event], bool]:
    return registry_change(lambda change: path in {e.path for e in change.changed})


def removes(path: Path) -> Callable[[Event], bool]:
    return registry_change(lambda change: path in {e.path for e in change.removed})


def paths(entries) -> set[Path]:
    return {e.path for e in entries}


async def test_a_block_created_while_running_is_added(project, config) -> None:
    other = write_block(project / "actionblocks", "other", "", PY)
    async with watching(project, config) as (manager, events):
        folder = write_block(project / "actionblocks", "fresh", "print('hi')", PY)
        event = await next_event(events, adds(folder))
        added = next(e for e in event.change.added if e.path == folder)
        assert (added.name, added.source, added.valid) == ("fresh", Source.PROJECT, True)
        assert other not in paths(event.change.changed)
        assert manager.resolve_action_block("fresh").path == folder


async def test_editing_the_entry_file_is_a_change(project, config) -> None:
    folder = write_block(project / "actionblocks", "b", "print(1)", PY)
    other = write_block(project / "actionblocks", "other", "", PY)
    async with watching(project, config) as (_manager, events):
        (folder / "main.py").write_text("print(2)")
        event = await next_event(events, changes(folder))
        assert other not in paths(event.change.changed)
        assert event.change.added == ()
        assert event.change.removed == ()


async def test_editing_the_manifest_carries_the_new_fields(project, config) -> None:
    folder = write_block(project / "actionblocks", "b", "", {**PY, "description": "before"})
    async with watching(project, config) as (manager, events):
        write_block(project / "actionblocks", "b", None, {**PY, "description": "after"})
        await next_event(
            events,
            registry_change(lambda c: any(e.description == "after" for e in c.changed)),
        )
        assert manager.registry.at_path(folder).description == "after"


async def test_deleting_a_block_removes_it(project, config) -> None:
    folder = write_block(project / "actionblocks", "doomed", "", PY)
    async with watching(project, config) as (manager, events):
        shutil.rmtree(folder)
        await next_event(events, removes(folder))
        assert manager.registry.at_path(folder) is None


async def test_renaming_a_block_folder_removes_the_old_and_adds_the_new(project, config) -> None:
    old = write_block(project / "actionblocks", "before", "", PY)
    new = old.with_name("after")
    async with watching(project, config) as (manager, events):
        old.rename(new)
        seen_removed = seen_added = False
        while not (seen_removed and seen_added):
            event = await next_event(events, registry_change(bool))
            seen_removed |= old in paths(event.change.removed)
            seen_added |= new in paths(event.change.added)
        assert [b.path for b in manager.registry.action_blocks()] == [new]


async def test_a_broken_manifest_is_a_change_to_an_invalid_entry(project, config) -> None:
    folder = write_block(project / "actionblocks", "b", "", PY)
    async with watching(project, config) as (manager, events):
        (folder / "actionblock.yml").write_text("name: [unclosed\n")
        event = await next_event(events, changes(folder))
        broken = next(e for e in event.change.changed if e.path == folder)
        assert not broken.valid
        assert "invalid YAML" in broken.errors[0]

        (folder / "actionblock.yml").write_text("name: b\nentryPoint: main.py\n")
        await next_event(
            events,
            registry_change(lambda c: any(e.path == folder and e.valid for e in c.changed)),
        )
        assert manager.registry.at_path(folder).valid


async def test_churn_in_skipped_folders_gives_no_event(project, config) -> None:
    async with watching(project, config) as (manager, events):
        for skipped in ("node_modules/pkg", "actionblocks/node_modules", ".git", "__pycache__"):
            for index in range(5):
                write_block(project / skipped, f"noise{index}", "", PY)
        (project / "node_modules" / "pkg" / "noise0" / "main.py").write_text("changed")
        shutil.rmtree(project / "node_modules" / "pkg" / "noise1")
        await asyncio.sleep(0.3)

        real = write_block(project / "actionblocks", "real", "", PY)
        event = await next_event(events, lambda e: isinstance(e, RegistryChanged))
        assert paths(event.change.added) == {real}
        assert event.change.changed == ()
        assert event.change.removed == ()
        assert [b.path for b in manager.registry.action_blocks()] == [real]


async def test_a_global_root_created_later_is_noticed(project, config) -> None:
    assert not config.global_dir.exists()
    async with watching(project, config) as (manager, events):
        folder = write_block(config.global_dir / "actionblocks", "shared", "", PY)
        event = await next_event(events, adds(folder))
        added = next(e for e in event.change.added if e.path == folder)
        assert added.source is Source.GLOBAL
        assert added.id == "global:actionblock:shared"

        second = write_block(config.global_dir / "actionblocks", "second", "", PY)
        await next_event(events, adds(second))
        assert manager.registry.at_path(second).source is Source.GLOBAL


async def test_a_global_root_two_levels_missing_is_noticed(project, config, tmp_path) -> None:
    config.global_dir = tmp_path / "home" / ".codebolt"
    async with watching(project, config) as (_manager, events):
        steps = [tmp_path / "home", config.global_dir, config.global_dir / "actionblocks"]
        for step in steps:
            step.mkdir()
            await asyncio.sleep(0.1)
        folder = steps[-1] / "late"
        folder.mkdir()
        await asyncio.sleep(0.1)
        (folder / "index.js").write_text("console.log(1)\n")
        event = await next_event(events, adds(folder))
        added = next(e for e in event.change.added if e.path == folder)
        assert (added.source, added.entry_point, added.valid) == (Source.GLOBAL, "index.js", True)


async def test_a_codebolt_folder_created_in_steps_is_found(project, config) -> None:
    codebolt = project / ".codebolt"
    async with watching(project, config) as (manager, events):
        for step in (codebolt, codebolt / "actionblocks", codebolt / "actionblocks" / "x"):
            step.mkdir()
            await asyncio.sleep(0.1)
        folder = codebolt / "actionblocks" / "x"
        (folder / "index.js").write_text("console.log(1)\n")
        event = await next_event(events, adds(folder))
        added = next(e for e in event.change.added if e.path == folder)
        assert (added.name, added.source, added.runtime) == ("x", Source.PROJECT, "node")
        assert manager.resolve_action_block("x").path == folder


async def test_files_written_right_after_their_folder_are_found(project, config) -> None:
    async with watching(project, config) as (manager, events):
        deep = project / "tools" / "group" / "quick"
        deep.mkdir(parents=True)
        (deep / "main.py").write_text("print(1)\n")
        (deep / "actionblock.yml").write_text("name: quick\nentryPoint: main.py\n")
        event = await next_event(events, adds(deep))
        added = next(e for e in event.change.added if e.path == deep)
        assert added.name == "quick"
        assert added.valid
        assert manager.resolve_action_block("quick").path == deep


async def test_the_watcher_keeps_working_after_a_bad_block(project, config) -> None:
    async with watching(project, config) as (_manager, events):
        bad = write_block(project / "actionblocks", "bad", files={"actionblock.yml": b"\x00\x01"})
        event = await next_event(events, adds(bad))
        assert not next(e for e in event.change.added if e.path == bad).valid
        loop = project / "actionblocks" / "loop"
        loop.mkdir()
        os.symlink("actionblock.yml", loop / "actionblock.yml")
        await next_event(events, adds(loop))
        good = write_block(project / "actionblocks", "good", "", PY)
        await next_event(events, adds(good))


async def test_a_project_inside_a_folder_with_a_skipped_name_is_watched(tmp_path, config) -> None:
    project = tmp_path / ".cache" / "project"
    (project / "actionblocks").mkdir(parents=True)
    async with watching(project, config) as (_manager, events):
        folder = write_block(project / "actionblocks", "fresh", "", PY)
        await next_event(events, adds(folder), deadline_s=2.0)


async def test_a_watcher_put_off_starts_when_asked_and_follows_from_then_on(
    project, config
) -> None:
    """`open(watch_later=True)` (the app: its catalog shows before `watchfiles` is imported)
    scans but does not watch; `start_watching` starts the watcher, once however often asked."""
    config.watch = True
    manager = SideExecutionManager(project, config=config)
    await manager.open(watch_later=True)
    try:
        events = manager.subscribe(output=False)
        unseen = write_block(project / "actionblocks", "unseen", "print('hi')", PY)
        await asyncio.sleep(0.5)  # ten times the debounce: a watcher would have told it
        assert unseen not in paths(manager.registry.entries())
        await manager.start_watching()
        await manager.start_watching()
        folder = write_block(project / "actionblocks", "fresh", "print('hi')", PY)
        await next_event(events, adds(folder))
        assert manager.resolve_action_block("fresh").path == folder
    finally:
        await manager.close()
