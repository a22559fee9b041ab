"""Discovery of capabilities and executors over real folders: where each is found, what its files
say, which executor serves each type across the builtin, global and project sources, shadowing and
conflicts, and live changes followed by the watcher."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

import sidetui
from sidetui.core import (
    EngineConfig,
    EntryKind,
    ErrorCode,
    Event,
    Refusal,
    RegistryChanged,
    SideExecutionManager,
    Source,
    Subscription,
)
from sidetui.core.catalog.entries import Capability, Entry, Executor
from tests.helpers import next_event, write_block

BUILTIN_TYPES = {"skill", "power", "talent"}
BUILTIN_FOLDER = Path(sidetui.__file__).resolve().parent / "builtin"
RETURNS_ONE = "def execute(params):\n    return 1\n"
EXECUTOR_MAIN = """
from sidetui.block import on_invocation

@on_invocation
def main(params, context):
    return params["capabilityName"]
"""


def capability(
    root: Path,
    kind: str,
    name: str,
    manifest: dict[str, Any] | str | None = None,
    main_py: str | None = RETURNS_ONE,
) -> Path:
    """`root/capabilities/<kind>/<name>/` with a `main.py` and, if given, a `capability.yaml`."""
    files = {} if manifest is None else {"capability.yaml": as_yaml(manifest)}
    return write_block(root / "capabilities" / kind, name, main_py, files=files)


def executor(root: Path, name: str, types: Any, **fields: Any) -> Path:
    """`root/capabilities/executors/<name>/` with `executor.yaml` and a Python entry point."""
    manifest = {"name": name, "supportedTypes": types, "entryPoint": "main.py", **fields}
    return write_block(
        root / "capabilities" / "executors",
        name,
        EXECUTOR_MAIN,
        files={"executor.yaml": as_yaml(manifest)},
    )


def skill(root: Path, home: str, name: str, text: str) -> Path:
    """`root/<home>/skills/<name>/SKILL.md`."""
    return write_block(root / home / "skills", name, None, files={"SKILL.md": text})


def as_yaml(manifest: dict[str, Any] | str) -> str:
    return manifest if isinstance(manifest, str) else json.dumps(manifest)


def at(manager: SideExecutionManager, folder: Path) -> Entry:
    entry = manager.registry.at_path(folder)
    assert entry is not None, f"nothing found at {folder}"
    return entry


def capability_at(manager: SideExecutionManager, folder: Path) -> Capability:
    entry = at(manager, folder)
    assert isinstance(entry, Capability), entry
    return entry


def executor_at(manager: SideExecutionManager, folder: Path) -> Executor:
    entry = at(manager, folder)
    assert isinstance(entry, Executor), entry
    return entry


def served_by(manager: SideExecutionManager) -> dict[str, Path]:
    """Each capability type and the folder of the executor that runs it now."""
    return {kind: e.path for kind, e in manager.registry.executor_map().items()}


async def serving(manager: SideExecutionManager) -> dict[str, list[str]]:
    """`list_executors()`'s `serving` for each executor path."""
    listed = await manager.capabilities.list_executors()
    assert listed.success, listed
    assert listed.data is not None
    return {e["path"]: e["serving"] for e in listed.data["executors"]}


# -- where capabilities are found ------------------------------------------------------------------


async def test_a_type_folder_is_a_capability_with_or_without_capability_yaml(
    manager: SideExecutionManager, project: Path
) -> None:
    bare = capability(project, "power", "bare")
    declared = capability(
        project,
        "power",
        "declared",
        {
            "name": "renamed",
            "description": "declared in yaml",
            "version": "2.0.0",
            "author": "Ada",
            "tags": ["text", "fast"],
            "inputs": [{"name": "text", "type": "string", "required": True}],
        },
    )
    retyped = capability(project, "power", "retyped", {"type": "talent"})
    await manager.rescan()

    found = capability_at(manager, bare)
    assert (found.name, found.type, found.source, found.manifest) == (
        "bare",
        "power",
        Source.PROJECT,
        None,
    )
    assert found.valid, found.errors
    assert found.id == "project:capability:power/bare"

    named = capability_at(manager, declared)
    assert (named.name, named.type, named.version, named.author) == (
        "renamed",
        "power",
        "2.0.0",
        "Ada",
    )
    assert named.description == "declared in yaml"
    assert named.tags == ("text", "fast")
    assert [(i.name, i.type, i.required) for i in named.inputs] == [("text", "string", True)]
    assert named.manifest == "capability.yaml"
    assert named.id == "project:capability:power/renamed"

    assert capability_at(manager, retyped).type == "talent", "the manifest's type wins"


async def test_any_folder_holding_capability_yaml_is_a_capability(
    manager: SideExecutionManager, project: Path
) -> None:
    deep = write_block(
        project / "tools" / "group",
        "summarise",
        None,
        files={"capability.yaml": "type: talent\ndescription: sums up\n"},
    )
    untyped = write_block(
        project / "tools", "untyped", None, files={"capability.yaml": "description: no type\n"}
    )
    await manager.rescan()

    found = capability_at(manager, deep)
    assert (found.name, found.type, found.description) == ("summarise", "talent", "sums up")
    assert found.valid, found.errors

    broken = capability_at(manager, untyped)
    assert not broken.valid
    assert any("type" in error for error in broken.errors), broken.errors


async def test_skills_are_read_from_claude_and_agents_skill_folders(
    manager: SideExecutionManager, project: Path
) -> None:
    described = skill(
        project,
        ".claude",
        "review",
        "---\n"
        "name: code-review\n"
        "description: Reviews a change.\n"
        "author: Grace\n"
        "tags: [review, git]\n"
        "inputs:\n  - name: diff\n    type: string\n    required: true\n"
        "---\n"
        "# Review\n\nRead the diff twice.\n",
    )
    undescribed = skill(
        project,
        ".agents",
        "notes",
        "---\nauthor: Linus\n---\n# Notes\n\nKeep notes short\nand dated.\n\nSecond paragraph.\n",
    )
    elsewhere = skill(project, "docs", "ignored", "---\nname: ignored\n---\nbody\n")
    await manager.rescan()

    review = capability_at(manager, described)
    assert (review.name, review.type, review.description, review.author) == (
        "code-review",
        "skill",
        "Reviews a change.",
        "Grace",
    )
    assert review.tags == ("review", "git")
    assert [(i.name, i.required) for i in review.inputs] == [("diff", True)]
    assert review.manifest == "SKILL.md"
    assert review.instructions == "# Review\n\nRead the diff twice."
    assert review.valid, review.errors

    notes = capability_at(manager, undescribed)
    assert (notes.name, notes.type, notes.author) == ("notes", "skill", "Linus")
    assert notes.description == "Keep notes short and dated."
    assert notes.valid, notes.errors

    assert manager.registry.at_path(elsewhere) is None, "only .claude/ and .agents/ hold skills"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("---\nname: [unclosed\n---\nbody\n", "invalid YAML", id="bad-yaml"),
        pytest.param("---\nname: open\nbody without an end\n", "never closed", id="unclosed"),
        pytest.param("---\n- a\n- list\n---\nbody\n", "mapping", id="not-a-mapping"),
        pytest.param("---\nname: x\ntags: not-a-list\n---\nbody\n", "tags", id="bad-tags"),
    ],
)
async def test_broken_front_matter_is_a_broken_skill_with_its_reason(
    manager: SideExecutionManager, project: Path, text: str, reason: str
) -> None:
    broken = skill(project, ".claude", "broken", text)
    fine = skill(project, ".claude", "fine", "---\nname: fine\n---\nWorks.\n")
    await manager.rescan()

    entry = capability_at(manager, broken)
    assert entry.type == "skill"
    assert not entry.valid
    assert any(reason in error for error in entry.errors), entry.errors
    assert capability_at(manager, fine).valid

    listed = await manager.capabilities.list_capabilities()
    assert listed.data is not None
    shown = {c["path"]: c for c in listed.data["capabilities"]}
    assert shown[str(broken)]["valid"] is False
    assert shown[str(broken)]["errors"] == list(entry.errors)


# -- where executors are found ---------------------------------------------------------------------


async def test_executors_come_from_the_executors_folder_and_any_folder_with_executor_yaml(
    manager: SideExecutionManager, project: Path
) -> None:
    listed = executor(project, "alpha", ["gizmo"], description="runs gizmos")
    anywhere = write_block(
        project / "tools",
        "beta",
        EXECUTOR_MAIN,
        files={"executor.yaml": "supportedTypes: [widget, gadget]\nentryPoint: main.py\n"},
    )
    await manager.rescan()

    alpha = executor_at(manager, listed)
    assert (alpha.name, alpha.supported_types, alpha.description) == (
        "alpha",
        ("gizmo",),
        "runs gizmos",
    )
    assert (alpha.entry_point, alpha.source, alpha.id) == (
        "main.py",
        Source.PROJECT,
        "project:executor:alpha",
    )
    assert alpha.valid, alpha.errors

    beta = executor_at(manager, anywhere)
    assert (beta.name, beta.supported_types) == ("beta", ("widget", "gadget"))
    assert beta.valid, beta.errors

    default = manager.registry.find(EntryKind.EXECUTOR, "default").path
    assert served_by(manager) == {
        **dict.fromkeys(BUILTIN_TYPES, default),
        "gizmo": listed,
        "widget": anywhere,
        "gadget": anywhere,
    }


@pytest.mark.parametrize(
    "types",
    [
        pytest.param(None, id="missing"),
        pytest.param([], id="empty"),
        pytest.param("skill", id="a-string"),
        pytest.param({"skill": True}, id="a-mapping"),
        pytest.param([""], id="an-empty-name"),
    ],
)
async def test_an_executor_without_usable_supported_types_is_broken_and_serves_nothing(
    manager: SideExecutionManager, project: Path, types: Any
) -> None:
    manifest = {"name": "odd", "entryPoint": "main.py"}
    if types is not None:
        manifest["supportedTypes"] = types
    folder = write_block(
        project / "capabilities" / "executors",
        "odd",
        EXECUTOR_MAIN,
        files={"executor.yaml": json.dumps(manifest)},
    )
    await manager.rescan()

    entry = executor_at(manager, folder)
    assert not entry.valid
    assert any("supportedTypes" in error for error in entry.errors), entry.errors
    assert folder not in served_by(manager).values()

    listed = await manager.capabilities.list_executors()
    assert listed.data is not None
    shown = next(e for e in listed.data["executors"] if e["path"] == str(folder))
    assert (shown["valid"], shown["serving"]) == (False, [])
    assert shown["errors"] == list(entry.errors)


async def test_an_executors_folder_without_executor_yaml_is_a_broken_executor(
    manager: SideExecutionManager, project: Path
) -> None:
    folder = write_block(project / "capabilities" / "executors", "bare", EXECUTOR_MAIN)
    await manager.rescan()
    entry = executor_at(manager, folder)
    assert not entry.valid
    assert any("supportedTypes" in error for error in entry.errors), entry.errors
    assert manager.registry.capabilities() == [], "an executors folder holds no capability"


# -- which executor serves each type ---------------------------------------------------------------


async def test_the_builtin_default_executor_serves_skill_power_and_talent(
    manager: SideExecutionManager,
) -> None:
    chosen = manager.registry.executor_map()
    assert set(chosen) == BUILTIN_TYPES
    default = chosen["skill"]
    assert (default.name, default.source, default.id) == (
        "default",
        Source.BUILTIN,
        "builtin:executor:default",
    )
    assert default.path.is_relative_to(BUILTIN_FOLDER)
    assert default.valid, default.errors
    assert {chosen[kind].path for kind in BUILTIN_TYPES} == {default.path}
    assert (await serving(manager))[str(default.path)] == sorted(BUILTIN_TYPES)


async def test_a_project_executor_takes_one_type_from_a_global_one_that_keeps_another(
    manager: SideExecutionManager, project: Path, config: EngineConfig
) -> None:
    global_runner = executor(config.global_dir, "g-runner", ["skill", "talent"])
    project_runner = executor(project, "p-runner", ["skill"])
    await manager.rescan()
    default = manager.registry.find(EntryKind.EXECUTOR, "default").path

    assert served_by(manager) == {
        "skill": project_runner,
        "talent": global_runner,
        "power": default,
    }
    assert await serving(manager) == {
        str(default): ["power"],
        str(global_runner): ["talent"],
        str(project_runner): ["skill"],
    }
    assert executor_at(manager, global_runner).source is Source.GLOBAL
    assert executor_at(manager, project_runner).source is Source.PROJECT


async def test_an_executor_of_the_same_name_overrides_only_the_types_it_serves(
    manager: SideExecutionManager, project: Path, config: EngineConfig
) -> None:
    global_runner = executor(config.global_dir, "runner", ["power", "talent"])
    project_runner = executor(project, "runner", ["power"])
    await manager.rescan()

    assert served_by(manager)["power"] == project_runner
    assert served_by(manager)["talent"] == global_runner
    shown = await serving(manager)
    assert (shown[str(global_runner)], shown[str(project_runner)]) == (["talent"], ["power"])
    assert executor_at(manager, global_runner).shadowed_by == "project:executor:runner"
    assert manager.registry.find(EntryKind.EXECUTOR, "runner").path == project_runner


async def test_a_global_executor_whose_type_a_project_executor_serves_is_marked_shadowed(
    manager: SideExecutionManager, project: Path, config: EngineConfig
) -> None:
    global_runner = executor(config.global_dir, "g-runner", ["power"])
    executor(project, "p-runner", ["power"])
    await manager.rescan()
    assert served_by(manager)["power"] != global_runner
    assert executor_at(manager, global_runner).shadowed_by == "project:executor:p-runner"


# -- shadowing and conflicts of capabilities -------------------------------------------------------


async def test_a_project_capability_shadows_a_global_one_of_the_same_name_and_type_only(
    manager: SideExecutionManager, project: Path, config: EngineConfig
) -> None:
    global_power = capability(config.global_dir, "power", "same", {"description": "global power"})
    global_talent = capability(config.global_dir, "talent", "same", {"description": "talent"})
    project_power = capability(project, "power", "same", {"description": "project power"})
    await manager.rescan()

    assert capability_at(manager, project_power).shadowed_by is None
    assert capability_at(manager, global_power).shadowed_by == "project:capability:power/same"
    assert capability_at(manager, global_talent).shadowed_by is None
    assert capability_at(manager, global_power).id == "global:capability:power/same"

    found = manager.registry.find(EntryKind.CAPABILITY, "same", "power")
    assert found.path == project_power
    assert manager.registry.find(EntryKind.CAPABILITY, "same", "talent").path == global_talent

    listed = await manager.capabilities.list_capabilities()
    assert listed.data is not None
    shown = {c["path"]: c for c in listed.data["capabilities"]}
    assert set(shown) == {str(global_power), str(global_talent), str(project_power)}
    assert shown[str(global_power)]["shadowedBy"] == "project:capability:power/same"
    assert shown[str(global_talent)]["shadowedBy"] is None


async def test_two_capabilities_of_one_name_and_type_in_one_source_are_a_conflict(
    manager: SideExecutionManager, project: Path
) -> None:
    first = capability(project, "power", "dup")
    second = write_block(
        project / "tools", "dup", RETURNS_ONE, files={"capability.yaml": "type: power\n"}
    )
    other_type = capability(project, "talent", "dup")
    await manager.rescan()

    one, two = capability_at(manager, first), capability_at(manager, second)
    assert one.conflicts_with == (str(second),)
    assert two.conflicts_with == (str(first),)
    assert one.id != two.id
    assert capability_at(manager, other_type).conflicts_with == ()

    with pytest.raises(Refusal) as refused:
        manager.registry.find(EntryKind.CAPABILITY, "dup", "power")
    assert refused.value.error.code is ErrorCode.INVALID_REQUEST
    assert str(first) in refused.value.error.message
    assert str(second) in refused.value.error.message

    started = await manager.capabilities.start_capability("dup", "power")
    assert not started.success
    assert started.error is not None
    assert started.error.code is ErrorCode.INVALID_REQUEST
    assert manager.records == []

    detail = await manager.capabilities.get_capability_detail("dup", "talent")
    assert detail.success, detail
    assert detail.data is not None
    assert detail.data["capability"]["path"] == str(other_type)


async def test_two_executors_of_one_name_in_one_source_are_a_conflict(
    manager: SideExecutionManager, project: Path
) -> None:
    first = executor(project, "twin", ["gizmo"])
    second = write_block(
        project / "tools",
        "twin",
        EXECUTOR_MAIN,
        files={"executor.yaml": "supportedTypes: [gizmo]\nentryPoint: main.py\n"},
    )
    await manager.rescan()

    assert executor_at(manager, first).conflicts_with == (str(second),)
    assert executor_at(manager, second).conflicts_with == (str(first),)
    with pytest.raises(Refusal) as refused:
        manager.registry.find(EntryKind.EXECUTOR, "twin")
    assert refused.value.error.code is ErrorCode.INVALID_REQUEST


async def test_capability_detail_by_name_is_refused_for_several_types_and_fine_with_a_type(
    manager: SideExecutionManager, project: Path
) -> None:
    power = capability(project, "power", "shared", {"description": "as a power"})
    talent = capability(project, "talent", "shared", {"description": "as a talent"})
    await manager.rescan()

    refused = await manager.capabilities.get_capability_detail("shared")
    assert not refused.success
    assert refused.error is not None
    assert refused.error.code is ErrorCode.INVALID_REQUEST
    assert "power" in refused.error.message
    assert "talent" in refused.error.message

    for kind, folder in (("power", power), ("talent", talent)):
        detail = await manager.capabilities.get_capability_detail("shared", kind)
        assert detail.success, detail
        assert detail.data is not None
        shown = detail.data["capability"]
        assert (shown["type"], shown["path"], shown["description"]) == (
            kind,
            str(folder),
            f"as a {kind}",
        )
        assert (shown["valid"], shown["errors"]) == (True, [])

    unknown = await manager.capabilities.get_capability_detail("shared", "skill")
    assert unknown.error is not None
    assert unknown.error.code is ErrorCode.CAPABILITY_NOT_FOUND


# -- live changes ----------------------------------------------------------------------------------


@asynccontextmanager
async def watching(
    project: Path, config: EngineConfig
) -> AsyncIterator[tuple[SideExecutionManager, Subscription]]:
    config.watch = True
    async with SideExecutionManager(project, config=config) as manager:
        yield manager, manager.subscribe(output=False)


def reported(
    field: str, folder: Path, test: Callable[[Entry], bool] = lambda _: True
) -> Callable[[Event], bool]:
    """A RegistryChanged whose `field` (added, changed, removed) holds `folder`'s entry."""

    def matches(event: Event) -> bool:
        if not isinstance(event, RegistryChanged):
            return False
        return any(e.path == folder and test(e) for e in getattr(event.change, field))

    return matches


def place(staged: Path, destination: Path) -> Path:
    """Move a folder built elsewhere into a watched root in one step."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    os.rename(staged, destination)
    return destination


def rewrite(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


async def test_a_capability_added_edited_and_removed_is_reported_live(
    project: Path, config: EngineConfig, tmp_path: Path
) -> None:
    async with watching(project, config) as (manager, events):
        staged = capability(tmp_path / "staging", "power", "live", {"description": "first"})
        folder = place(staged, project / "capabilities" / "power" / "live")
        event = await next_event(events, reported("added", folder))
        added = next(e for e in event.change.added if e.path == folder)
        assert isinstance(added, Capability)
        assert (added.name, added.type, added.description) == ("live", "power", "first")

        rewrite(folder / "capability.yaml", json.dumps({"description": "second"}))
        await next_event(events, reported("changed", folder, lambda e: e.description == "second"))
        detail = await manager.capabilities.get_capability_detail("live", "power")
        assert detail.data is not None
        assert detail.data["capability"]["description"] == "second"

        shutil.rmtree(folder)
        await next_event(events, reported("removed", folder))
        gone = await manager.capabilities.get_capability_detail("live", "power")
        assert gone.error is not None
        assert gone.error.code is ErrorCode.CAPABILITY_NOT_FOUND


async def test_a_skill_added_under_a_claude_folder_created_later_is_reported(
    project: Path, config: EngineConfig, tmp_path: Path
) -> None:
    async with watching(project, config) as (manager, events):
        skill(tmp_path / "staging", ".claude", "late", "---\nname: late\n---\nLate.\n")
        place(tmp_path / "staging" / ".claude", project / ".claude")
        folder = project / ".claude" / "skills" / "late"
        event = await next_event(events, reported("added", folder))
        added = next(e for e in event.change.added if e.path == folder)
        assert (added.name, added.description) == ("late", "Late.")
        assert manager.registry.find(EntryKind.CAPABILITY, "late", "skill").path == folder


async def test_a_project_executor_takes_over_a_type_live_and_hands_it_back_when_deleted(
    project: Path, config: EngineConfig, tmp_path: Path
) -> None:
    async with watching(project, config) as (manager, events):
        builtin = manager.registry.executor_map()["skill"]
        assert builtin.source is Source.BUILTIN

        staged = executor(tmp_path / "staging", "skills-here", ["skill"])
        folder = place(staged, project / "capabilities" / "executors" / "skills-here")
        await next_event(events, reported("added", folder))
        assert served_by(manager)["skill"] == folder
        assert served_by(manager)["power"] == builtin.path
        assert (await serving(manager))[str(builtin.path)] == ["power", "talent"]

        manifest = {"supportedTypes": ["skill", "power"], "entryPoint": "main.py"}
        rewrite(folder / "executor.yaml", json.dumps({"name": "skills-here", **manifest}))
        await next_event(
            events,
            reported(
                "changed", folder, lambda e: getattr(e, "supported_types", ()) == ("skill", "power")
            ),
        )
        assert served_by(manager)["power"] == folder
        assert served_by(manager)["talent"] == builtin.path

        shutil.rmtree(folder)
        await next_event(events, reported("removed", folder))
        assert served_by(manager) == {kind: builtin.path for kind in BUILTIN_TYPES}
        assert (await serving(manager))[str(builtin.path)] == sorted(BUILTIN_TYPES)
