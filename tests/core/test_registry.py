"""The registry over real folders: sources, precedence, conflicts, the walk's limits, rescans."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sidetui.core import ActionBlock, EntryKind, ErrorCode, Refusal, SideExecutionManager, Source
from sidetui.core.catalog.discovery import Root
from sidetui.core.catalog.registry import Registry, RegistryChange
from tests.helpers import write_block

PY = {"entryPoint": "main.py"}


@pytest.fixture
def roots(tmp_path) -> dict[Source, Path]:
    folders = {
        Source.BUILTIN: tmp_path / "builtin",
        Source.GLOBAL: tmp_path / "global",
        Source.PROJECT: tmp_path / "project",
    }
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
    return folders


def registry_of(roots: dict[Source, Path], max_depth: int = 6) -> Registry:
    registry = Registry([Root(path, source) for source, path in roots.items()], max_depth)
    registry.load()
    return registry


def block(parent: Path, name: str, body: str = "print('hi')") -> Path:
    return write_block(parent / "actionblocks", name, body, PY)


def by_path(registry: Registry) -> dict[Path, ActionBlock]:
    return {b.path: b for b in registry.action_blocks()}


def names(entries) -> list[str]:
    return sorted(e.name for e in entries)


def paths(entries) -> set[Path]:
    return {e.path for e in entries}


# -- sources and precedence -----------------------------------------------------------------------


def test_each_root_gives_its_source_and_id(roots) -> None:
    for source, folder in roots.items():
        block(folder, f"only-{source.label}")
    registry = registry_of(roots)
    found = {b.name: b for b in registry.action_blocks()}
    assert set(found) == {"only-builtin", "only-global", "only-project"}
    for source in roots:
        entry = found[f"only-{source.label}"]
        assert entry.source is source
        assert entry.id == f"{source.label}:actionblock:only-{source.label}"
        assert entry.shadowed_by is None
        assert entry.conflicts_with == ()


def test_project_shadows_global_shadows_builtin(roots) -> None:
    folders = {source: block(folder, "same") for source, folder in roots.items()}
    registry = registry_of(roots)
    listed = by_path(registry)
    assert set(listed) == set(folders.values())
    winner = listed[folders[Source.PROJECT]]
    assert winner.shadowed_by is None
    assert winner.id == "project:actionblock:same"
    assert listed[folders[Source.GLOBAL]].shadowed_by == winner.id
    assert listed[folders[Source.BUILTIN]].shadowed_by == winner.id
    assert registry.find(EntryKind.ACTION_BLOCK, "same").path == folders[Source.PROJECT]


def test_global_shadows_builtin_when_the_project_has_none(roots) -> None:
    global_block = block(roots[Source.GLOBAL], "same")
    builtin_block = block(roots[Source.BUILTIN], "same")
    registry = registry_of(roots)
    listed = by_path(registry)
    assert listed[global_block].shadowed_by is None
    assert listed[builtin_block].shadowed_by == "global:actionblock:same"
    assert registry.find(EntryKind.ACTION_BLOCK, "same").source is Source.GLOBAL


def test_a_shadowed_entry_is_still_found_by_its_id(roots) -> None:
    global_block = block(roots[Source.GLOBAL], "same")
    block(roots[Source.PROJECT], "same")
    registry = registry_of(roots)
    assert registry.find(EntryKind.ACTION_BLOCK, "global:actionblock:same").path == global_block


def test_the_manifest_name_not_the_folder_decides_shadowing(roots) -> None:
    write_block(roots[Source.GLOBAL] / "actionblocks", "folder-a", "", {"name": "shared"})
    write_block(roots[Source.PROJECT] / "actionblocks", "folder-b", "", {"name": "shared"})
    registry = registry_of(roots)
    shadowed = [b for b in registry.action_blocks() if b.shadowed_by]
    assert [b.source for b in shadowed] == [Source.GLOBAL]
    assert shadowed[0].shadowed_by == "project:actionblock:shared"


# -- conflicts within one source -------------------------------------------------------------------


def two_of_a_name(project: Path) -> tuple[Path, Path]:
    first = write_block(project / "actionblocks", "dup", "", {**PY, "name": "dup"})
    second = write_block(project / "tools", "dup-copy", "", {**PY, "name": "dup"})
    return first, second


def test_two_blocks_of_one_name_in_one_source_are_both_listed_as_conflicts(roots) -> None:
    first, second = two_of_a_name(roots[Source.PROJECT])
    registry = registry_of(roots)
    listed = by_path(registry)
    assert set(listed) == {first, second}
    assert listed[first].conflicts_with == (str(second),)
    assert listed[second].conflicts_with == (str(first),)
    assert listed[first].id != listed[second].id
    assert all(b.id.startswith("project:actionblock:dup") for b in listed.values())
    for entry in listed.values():
        assert registry.find(EntryKind.ACTION_BLOCK, entry.id).path == entry.path


def test_a_lookup_by_an_ambiguous_name_is_refused_naming_both_paths(roots) -> None:
    first, second = two_of_a_name(roots[Source.PROJECT])
    registry = registry_of(roots)
    with pytest.raises(Refusal) as refused:
        registry.find(EntryKind.ACTION_BLOCK, "dup")
    error = refused.value.error
    assert error.code is ErrorCode.INVALID_REQUEST
    assert str(first) in error.message
    assert str(second) in error.message


def test_a_conflict_in_a_lower_source_does_not_stop_the_winner(roots) -> None:
    two_of_a_name(roots[Source.GLOBAL])
    winner = write_block(roots[Source.PROJECT] / "actionblocks", "dup", "", {**PY, "name": "dup"})
    registry = registry_of(roots)
    assert registry.find(EntryKind.ACTION_BLOCK, "dup").path == winner
    shadowed = [b for b in registry.action_blocks() if b.source is Source.GLOBAL]
    assert len(shadowed) == 2
    assert all(b.shadowed_by == "project:actionblock:dup" for b in shadowed)


async def test_the_manager_refuses_the_name_but_resolves_each_path(project, config) -> None:
    first, second = two_of_a_name(project)
    async with SideExecutionManager(project, config=config) as manager:
        with pytest.raises(Refusal) as refused:
            manager.resolve_action_block("dup")
        assert refused.value.error.code is ErrorCode.INVALID_REQUEST
        assert str(first) in refused.value.error.message
        assert str(second) in refused.value.error.message
        for folder in (first, second):
            assert manager.resolve_action_block(str(folder)).path == folder
            assert manager.resolve_action_block(folder).path == folder
        relative = manager.resolve_action_block(os.path.join("tools", "dup-copy"))
        assert relative.path == second
        assert relative.conflicts_with == (str(first),)


# -- look-ups --------------------------------------------------------------------------------------


def test_find_by_registry_id(roots) -> None:
    folder = block(roots[Source.PROJECT], "hello")
    registry = registry_of(roots)
    assert registry.find(EntryKind.ACTION_BLOCK, "project:actionblock:hello").path == folder


def test_an_unknown_name_is_not_found(roots) -> None:
    block(roots[Source.PROJECT], "hello")
    registry = registry_of(roots)
    with pytest.raises(Refusal) as refused:
        registry.find(EntryKind.ACTION_BLOCK, "nope")
    assert refused.value.error.code is ErrorCode.ACTION_BLOCK_NOT_FOUND
    assert "nope" in refused.value.error.message
    assert "hello" in refused.value.error.message  # the hint lists the known names


def test_an_unknown_name_in_an_empty_registry_is_not_found(roots) -> None:
    with pytest.raises(Refusal) as refused:
        registry_of(roots).find(EntryKind.ACTION_BLOCK, "nope")
    assert refused.value.error.code is ErrorCode.ACTION_BLOCK_NOT_FOUND


# -- what the walk finds and skips -----------------------------------------------------------------


@pytest.mark.parametrize(
    "hidden_in",
    [
        "node_modules/pkg",
        "deep/node_modules/pkg",
        ".git/hooks",
        "__pycache__",
        ".venv/lib",
        "src/__pycache__",
    ],
)
def test_skipped_folders_are_not_descended_into(roots, hidden_in) -> None:
    project = roots[Source.PROJECT]
    write_block(project / hidden_in, "hidden", "", {"name": "hidden"})
    visible = write_block(project / "tools", "visible", "", {"name": "visible"})
    registry = registry_of(roots)
    assert paths(registry.action_blocks()) == {visible}


def test_a_virtual_environment_is_recognised_by_pyvenv_cfg(roots) -> None:
    project = roots[Source.PROJECT]
    env = project / "my-env"
    write_block(env / "lib", "hidden", "", {"name": "hidden"})
    (env / "pyvenv.cfg").write_text("home = /usr/bin\n")
    registry = registry_of(roots)
    assert registry.action_blocks() == []
    (env / "pyvenv.cfg").unlink()
    assert names(registry_of(roots).action_blocks()) == ["hidden"]


def test_the_walk_is_bounded_in_depth(roots) -> None:
    project = roots[Source.PROJECT]
    at_two = write_block(project / "a", "two", "", {"name": "two"})
    write_block(project / "a" / "b", "three", "", {"name": "three"})
    assert paths(registry_of(roots, max_depth=2).action_blocks()) == {at_two}
    assert names(registry_of(roots, max_depth=3).action_blocks()) == ["three", "two"]


def test_the_walk_does_not_enter_a_block_folder(roots) -> None:
    outer = write_block(roots[Source.PROJECT], "outer", "", {"name": "outer"})
    write_block(outer / "examples", "inner", "", {"name": "inner"})
    assert paths(registry_of(roots).action_blocks()) == {outer}


@pytest.mark.timeout(20)
def test_a_directory_symlink_loop_is_walked_once(roots) -> None:
    project = roots[Source.PROJECT]
    inside = write_block(project / "a", "blk", "", {"name": "blk"})
    os.symlink(project / "a", project / "a" / "b")
    os.symlink("..", project / "a" / "up")
    registry = registry_of(roots, max_depth=30)
    assert paths(registry.action_blocks()) == {inside}


def test_broken_symlinks_in_an_actionblocks_folder_are_broken_entries(roots) -> None:
    blocks = roots[Source.PROJECT] / "actionblocks"
    blocks.mkdir()
    os.symlink(roots[Source.PROJECT] / "gone", blocks / "dangling")
    os.symlink("looping", blocks / "looping")
    (blocks / "notes.txt").write_text("not a block\n")
    os.symlink("notes.txt", blocks / "link-to-file")
    listed = {b.name: b for b in registry_of(roots).action_blocks()}
    assert set(listed) == {"dangling", "looping"}
    assert not listed["dangling"].valid
    assert "dangling symlink" in listed["dangling"].errors[0]
    assert str(roots[Source.PROJECT] / "gone") in listed["dangling"].errors[0]
    assert not listed["looping"].valid
    assert "symlink loop" in listed["looping"].errors[0]


def test_a_broken_block_is_listed_not_dropped(roots) -> None:
    folder = write_block(roots[Source.PROJECT] / "actionblocks", "bad", None, "name: [unclosed\n")
    listed = registry_of(roots).action_blocks()
    assert paths(listed) == {folder}
    assert not listed[0].valid
    assert "invalid YAML" in listed[0].errors[0]


def test_the_codebolt_layout_needs_only_an_entry_file(roots) -> None:
    folder = roots[Source.PROJECT] / ".codebolt" / "actionblocks" / "js-only"
    folder.mkdir(parents=True)
    (folder / "index.js").write_text("console.log('hi')\n")
    listed = registry_of(roots).action_blocks()
    assert [(b.path, b.name, b.entry_point, b.runtime) for b in listed] == [
        (folder, "js-only", "index.js", "node")
    ]
    assert listed[0].valid


def test_a_loose_entry_file_outside_an_actionblocks_folder_is_no_block(roots) -> None:
    folder = roots[Source.PROJECT] / "scripts" / "tool"
    folder.mkdir(parents=True)
    (folder / "main.py").write_text("")
    assert registry_of(roots).action_blocks() == []


def test_a_missing_root_is_simply_empty(tmp_path) -> None:
    registry = Registry([Root(tmp_path / "nowhere", Source.GLOBAL)])
    assert not registry.load()
    assert registry.entries() == []


# -- rescans ---------------------------------------------------------------------------------------


def test_rescan_reports_an_added_block_and_nothing_else(roots) -> None:
    project = roots[Source.PROJECT]
    block(project, "old")
    registry = registry_of(roots)
    new = block(project, "new")
    change = registry.rescan([new])
    assert paths(change.added) == {new}
    assert change.changed == ()
    assert change.removed == ()
    assert names(registry.action_blocks()) == ["new", "old"]


def test_rescan_of_a_new_manifest_file_finds_its_block(roots) -> None:
    project = roots[Source.PROJECT]
    folder = project / "tools" / "late"
    folder.mkdir(parents=True)
    (folder / "main.py").write_text("")
    registry = registry_of(roots)
    assert registry.action_blocks() == []
    (folder / "actionblock.yml").write_text("name: late\n")
    change = registry.rescan([folder / "actionblock.yml"])
    assert names(change.added) == ["late"]


def test_rescan_reports_an_edited_entry_file_as_changed(roots) -> None:
    project = roots[Source.PROJECT]
    edited = block(project, "edited", "print(1)")
    other = block(project, "other")
    registry = registry_of(roots)
    (edited / "main.py").write_text("print(2)")
    change = registry.rescan([edited / "main.py"])
    assert paths(change.changed) == {edited}
    assert other not in paths(change.changed)
    assert change.added == ()
    assert change.removed == ()


def test_rescan_reports_an_edited_manifest_with_its_new_fields(roots) -> None:
    project = roots[Source.PROJECT]
    folder = write_block(project / "actionblocks", "b", "", {**PY, "description": "before"})
    registry = registry_of(roots)
    write_block(project / "actionblocks", "b", None, {**PY, "description": "after"})
    change = registry.rescan([folder / "actionblock.yml"])
    assert [b.description for b in change.changed] == ["after"]
    assert registry.at_path(folder).description == "after"


def test_rescan_reports_a_rename_as_removed_and_added(roots) -> None:
    project = roots[Source.PROJECT]
    old = block(project, "before")
    other = block(project, "other")
    registry = registry_of(roots)
    new = old.with_name("after")
    old.rename(new)
    change = registry.rescan([old, new])
    assert paths(change.removed) == {old}
    assert paths(change.added) == {new}
    assert change.changed == ()
    assert paths(registry.action_blocks()) == {new, other}


def test_rescan_reports_a_deleted_block(roots) -> None:
    project = roots[Source.PROJECT]
    gone = block(project, "gone")
    kept = block(project, "kept")
    registry = registry_of(roots)
    shutil.rmtree(gone)
    change = registry.rescan([gone])
    assert paths(change.removed) == {gone}
    assert change.added == ()
    assert change.changed == ()
    assert paths(registry.action_blocks()) == {kept}


def test_rescan_after_a_deleted_manifest_forgets_the_block(roots) -> None:
    folder = write_block(roots[Source.PROJECT] / "tools", "t", "", {"name": "t"})
    registry = registry_of(roots)
    (folder / "actionblock.yml").unlink()
    change = registry.rescan([folder / "actionblock.yml"])
    assert paths(change.removed) == {folder}
    assert registry.action_blocks() == []


def test_rescan_of_a_deleted_parent_removes_every_block_below_it(roots) -> None:
    project = roots[Source.PROJECT]
    first, second = block(project, "one"), block(project, "two")
    registry = registry_of(roots)
    shutil.rmtree(project / "actionblocks")
    change = registry.rescan([project / "actionblocks"])
    assert paths(change.removed) == {first, second}


NEIGHBOURS = ("a-b", "a.b", "a0", "ab", "a b", "aa")  # sort next to `a` and `a/...` as text


def test_removing_a_folder_forgets_exactly_the_blocks_below_it(roots) -> None:
    project = roots[Source.PROJECT]
    inside = {
        write_block(project / "a" / group, f"b{index}", "print('hi')", PY)
        for group in ("x", "y-z", "y0", "actionblocks")
        for index in range(30)
    }
    neighbours = {write_block(project / name, "n", "print('hi')", PY) for name in NEIGHBOURS}
    neighbours |= {write_block(project / "a-b" / "a", "n", "print('hi')", PY)}
    registry = registry_of(roots)
    assert paths(registry.action_blocks()) == inside | neighbours

    shutil.rmtree(project / "a")
    change = registry.rescan([project / "a"])
    assert paths(change.removed) == inside
    assert paths(registry.action_blocks()) == neighbours

    shutil.rmtree(project / "a-b")
    change = registry.rescan([project / "a-b"])
    assert paths(change.removed) == {project / "a-b" / "n", project / "a-b" / "a" / "n"}
    assert paths(registry.action_blocks()) == neighbours - paths(change.removed)


def test_forgetting_a_folder_agrees_with_a_fresh_load_after_adds_and_removes(roots) -> None:
    project = roots[Source.PROJECT]
    for name in ("a", "a-b", "a0"):
        for index in range(5):
            write_block(project / name, f"b{index}", "print('hi')", PY)
    registry = registry_of(roots)
    write_block(project / "a", "new", "print('hi')", PY)
    registry.rescan([project / "a" / "new"])
    shutil.rmtree(project / "a0" / "b1")
    registry.rescan([project / "a0" / "b1"])
    shutil.rmtree(project / "a")
    registry.rescan([project / "a"])
    assert paths(registry.action_blocks()) == paths(registry_of(roots).action_blocks())
    assert {p.parent.name for p in paths(registry.action_blocks())} == {"a-b", "a0"}


def test_rescan_of_a_file_that_breaks_a_block_keeps_it_listed_as_invalid(roots) -> None:
    folder = block(roots[Source.PROJECT], "b")
    registry = registry_of(roots)
    (folder / "actionblock.yml").write_text("name: [\n")
    change = registry.rescan([folder / "actionblock.yml"])
    assert paths(change.changed) == {folder}
    assert not change.changed[0].valid


def test_rescan_with_nothing_changed_reports_nothing(roots) -> None:
    block(roots[Source.PROJECT], "b")
    registry = registry_of(roots)
    assert not registry.rescan([])
    assert not registry.rescan([roots[Source.PROJECT] / "unrelated.txt"])


def test_rescan_ignores_churn_inside_skipped_folders(roots) -> None:
    project = roots[Source.PROJECT]
    registry = registry_of(roots)
    hidden = write_block(project / "node_modules", "pkg", "", {"name": "pkg"})
    assert registry.rescan([hidden, hidden / "actionblock.yml"]) == RegistryChange()
    assert registry.action_blocks() == []


def test_a_new_project_block_reports_the_global_one_as_now_shadowed(roots) -> None:
    global_block = block(roots[Source.GLOBAL], "same")
    registry = registry_of(roots)
    assert registry.at_path(global_block).shadowed_by is None
    project_block = block(roots[Source.PROJECT], "same")
    change = registry.rescan([project_block])
    assert paths(change.added) == {project_block}
    assert change.added[0].shadowed_by is None
    assert paths(change.changed) == {global_block}
    assert change.changed[0].shadowed_by == "project:actionblock:same"

    shutil.rmtree(project_block)
    change = registry.rescan([project_block])
    assert paths(change.removed) == {project_block}
    assert paths(change.changed) == {global_block}
    assert change.changed[0].shadowed_by is None


def test_a_second_block_of_a_name_reports_the_first_as_now_conflicting(roots) -> None:
    project = roots[Source.PROJECT]
    first = write_block(project / "actionblocks", "dup", "", {**PY, "name": "dup"})
    registry = registry_of(roots)
    second = write_block(project / "tools", "dup-copy", "", {**PY, "name": "dup"})
    change = registry.rescan([second])
    assert paths(change.added) == {second}
    assert paths(change.changed) == {first}
    assert change.changed[0].conflicts_with == (str(second),)


def test_rescan_lists_a_new_dangling_symlink_like_load_does(roots) -> None:
    blocks = roots[Source.PROJECT] / "actionblocks"
    blocks.mkdir()
    registry = registry_of(roots)
    os.symlink("nowhere", blocks / "dangling")
    change = registry.rescan([blocks / "dangling"])
    assert names(change.added) == ["dangling"]


def test_rescan_agrees_with_a_fresh_load_when_a_folder_becomes_a_block(roots) -> None:
    project = roots[Source.PROJECT]
    inner = write_block(project / "suite", "inner", "", {"name": "inner"})
    registry = registry_of(roots)
    assert paths(registry.action_blocks()) == {inner}
    (project / "suite" / "actionblock.yml").write_text("name: suite\nentryPoint: inner/main.py\n")
    registry.rescan([project / "suite" / "actionblock.yml"])
    fresh = registry_of(roots)
    assert paths(fresh.action_blocks()) == {project / "suite"}
    assert paths(registry.action_blocks()) == paths(fresh.action_blocks())


def test_rescan_agrees_with_a_fresh_load_when_a_block_folder_stops_being_one(roots) -> None:
    project = roots[Source.PROJECT]
    suite = write_block(project, "suite", "", {"name": "suite"})
    inner = write_block(suite, "inner", "", {"name": "inner"})
    registry = registry_of(roots)
    assert paths(registry.action_blocks()) == {suite}
    (suite / "actionblock.yml").unlink()
    change = registry.rescan([suite / "actionblock.yml"])
    assert paths(change.removed) == {suite}
    assert paths(change.added) == {inner}
    assert paths(registry.action_blocks()) == paths(registry_of(roots).action_blocks())


# -- the JSON the manager lists --------------------------------------------------------------------

FIELDS = {
    "id",
    "name",
    "description",
    "version",
    "entryPoint",
    "path",
    "type",
    "source",
    "runtime",
    "valid",
    "errors",
    "metadata",
}


async def test_list_action_blocks_gives_the_documented_fields(project, config, tmp_path) -> None:
    manifest = {
        **PY,
        "description": "Greets",
        "version": "2.0.0",
        "metadata": {
            "author": "Ada",
            "inputs": [{"name": "who", "type": "string", "required": True}],
            "outputs": [{"name": "greeting", "type": "string"}],
        },
    }
    good = write_block(project / "actionblocks", "greet", "", manifest)
    broken = write_block(project / "actionblocks", "broken", None, "name: [\n")
    config.builtin_dir = tmp_path / "builtin"
    shipped = write_block(config.builtin_dir / "actionblocks", "shipped", "", PY)
    async with SideExecutionManager(project, config=config) as manager:
        response = await manager.list_action_blocks()
    assert response.success
    listed = {item["path"]: item for item in response.to_dict()["data"]["actionBlocks"]}
    assert set(listed) == {str(good), str(broken), str(shipped)}
    for item in listed.values():
        assert set(item) >= FIELDS, FIELDS - set(item)
        assert {"inputs", "outputs", "source"} <= set(item["metadata"])

    greet = listed[str(good)]
    assert {key: greet[key] for key in FIELDS - {"metadata"}} == {
        "id": "project:actionblock:greet",
        "name": "greet",
        "description": "Greets",
        "version": "2.0.0",
        "entryPoint": "main.py",
        "path": str(good),
        "type": "filesystem",
        "source": "project",
        "runtime": "python",
        "valid": True,
        "errors": [],
    }
    assert greet["metadata"] == {
        "author": "Ada",
        "tags": [],
        "dependencies": [],
        "inputs": [{"name": "who", "type": "string", "required": True, "description": ""}],
        "outputs": [{"name": "greeting", "type": "string", "description": ""}],
        "source": "project",
    }

    bad = listed[str(broken)]
    assert bad["valid"] is False
    assert bad["errors"]
    assert "invalid YAML" in bad["errors"][0]

    builtin = listed[str(shipped)]
    assert (builtin["type"], builtin["source"]) == ("builtin", "builtin")
    assert builtin["metadata"]["source"] == "builtin"
