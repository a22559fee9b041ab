"""The parsed-manifest cache over real files: what it reuses, what it notices, what it ignores."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sidetui.core import Source
from sidetui.core.catalog.discovery import Root
from sidetui.core.catalog.manifest_cache import CacheFolder, ManifestCache
from sidetui.core.catalog.manifest_io import load_yaml_mapping
from sidetui.core.catalog.registry import Registry
from sidetui.core.catalog.scan_budget import ScanBudget
from tests.helpers import write_block

REAL = "The description in the file."
CACHED = "A description only the cache holds."  # what a reused value shows


class CountingParse:
    """`load_yaml_mapping`, counting its calls: the test's window on what was parsed."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, path: str) -> dict[str, Any]:
        self.calls.append(path)
        return load_yaml_mapping(path)


def read_once(cache: ManifestCache, path: Path, parse: Callable[[str], Any]) -> Any:
    return cache.read(str(path), os.stat(path), parse, "yaml", lambda value: True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    write_block(folder / "actionblocks", "b", "print('hi')", f"name: b\ndescription: {REAL}\n")
    return folder


@pytest.fixture
def cache_folder(tmp_path: Path) -> CacheFolder:
    return CacheFolder(tmp_path / "state" / "catalog", settle_ns=0)  # every file counts as settled


def loaded(project: Path, cache: CacheFolder | None) -> Registry:
    registry = Registry([Root(project, Source.PROJECT)], cache=cache)
    registry.load()
    return registry


def description(project: Path, cache: CacheFolder | None) -> str:
    (block,) = loaded(project, cache).action_blocks()
    return block.description


def cache_file(cache_folder: CacheFolder, project: Path) -> Path:
    return cache_folder.for_root(project).file


def plant(cache_folder: CacheFolder, project: Path) -> Path:
    """Fill the cache with a load, then make its copy of the manifest say CACHED, so a later
    load shows whether it parsed the file or used the cache."""
    loaded(project, cache_folder)
    file = cache_file(cache_folder, project)
    document = json.loads(file.read_text())
    for record in document["files"].values():
        if record[0].startswith("yaml "):
            record[-1] = json.dumps({"name": "b", "description": CACHED})
    file.write_text(json.dumps(document))  # the same file: its mode stays 0600
    return file


def edit_keeping_size_and_mtime(path: Path, text: str) -> None:
    """Rewrite `path` in place with as many bytes and its old modification time put back; only
    its change time (a tick later) tells."""
    before = os.stat(path)
    assert len(text.encode()) == before.st_size
    while True:
        path.write_text(text)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        if os.stat(path).st_ctime_ns != before.st_ctime_ns:
            return


# -- reuse ----------------------------------------------------------------------------------------


def test_a_second_load_uses_the_parsed_value_again(tmp_path: Path) -> None:
    manifest = tmp_path / "actionblock.yml"
    manifest.write_text("name: b\ninputs: [1, 2]\n")
    parse = CountingParse()
    file = tmp_path / "cache.json"
    first = ManifestCache(file, tmp_path, settle_ns=0)
    assert read_once(first, manifest, parse) == {"name": "b", "inputs": [1, 2]}
    first.save()
    second = ManifestCache(file, tmp_path, settle_ns=0)
    assert read_once(second, manifest, parse) == {"name": "b", "inputs": [1, 2]}
    assert parse.calls == [str(manifest)]


def test_a_registry_load_shows_the_cached_value_not_a_new_parse(project, cache_folder) -> None:
    assert description(project, cache_folder) == REAL
    plant(cache_folder, project)
    assert description(project, cache_folder) == CACHED
    assert description(project, None) == REAL  # without a cache the file is read


def test_only_the_files_a_load_used_are_kept(project, cache_folder) -> None:
    second = write_block(project / "actionblocks", "c", "print('hi')", "name: c\n")
    loaded(project, cache_folder)
    kept = json.loads(cache_file(cache_folder, project).read_text())["files"]
    assert str(second / "actionblock.yml") in kept
    (second / "actionblock.yml").unlink()
    (second / "main.py").unlink()
    loaded(project, cache_folder)
    kept = json.loads(cache_file(cache_folder, project).read_text())["files"]
    assert str(second / "actionblock.yml") not in kept
    assert str(project / "actionblocks" / "b" / "actionblock.yml") in kept


def test_a_load_cut_short_keeps_what_it_parsed_and_what_it_did_not_reach(project, cache_folder):
    for name in "cdefg":
        write_block(project / "actionblocks", name, "print('hi')", f"name: {name}\n")

    def kept() -> int:
        file = cache_file(cache_folder, project)
        return len(json.loads(file.read_text())["files"]) if file.exists() else 0

    cut_short = Registry([Root(project, Source.PROJECT)], cache=cache_folder)
    cut_short.load(ScanBudget(max_folders=4))  # the root, actionblocks and two blocks
    assert cut_short.scan_note and len(cut_short.action_blocks()) == 2
    assert kept() == 2  # a large tree fills its cache over a few slow loads
    loaded(project, cache_folder)
    assert kept() == 6
    cut_short = Registry([Root(project, Source.PROJECT)], cache=cache_folder)
    cut_short.load(ScanBudget(max_folders=4))
    assert kept() == 6  # nothing new: the file is left as it is, the rest not dropped


# -- what invalidates a value ---------------------------------------------------------------------


def test_an_edit_of_the_same_size_with_the_old_mtime_is_seen(project, cache_folder) -> None:
    manifest = project / "actionblocks" / "b" / "actionblock.yml"
    loaded(project, cache_folder)
    edited = manifest.read_text().replace("in the file", "is edited!!")
    edit_keeping_size_and_mtime(manifest, edited)
    assert description(project, cache_folder) == "The description is edited!!."


def test_a_file_replaced_by_another_is_seen(project, cache_folder) -> None:
    manifest = project / "actionblocks" / "b" / "actionblock.yml"
    plant(cache_folder, project)
    before = os.stat(manifest)
    replacement = manifest.with_name("new.yml")
    replacement.write_text(manifest.read_text())  # the same bytes, size and times
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, manifest)
    assert os.stat(manifest).st_ino != before.st_ino
    assert description(project, cache_folder) == REAL


def test_a_file_younger_than_the_settle_time_is_not_kept(project, tmp_path) -> None:
    young = CacheFolder(tmp_path / "young", settle_ns=3_600 * 10**9)
    assert description(project, young) == REAL
    kept = cache_file(young, project)
    files = json.loads(kept.read_text())["files"] if kept.exists() else {}
    assert not any(record[0].startswith("yaml ") for record in files.values())

    manifest = tmp_path / "actionblock.yml"
    manifest.write_text("name: b\n")
    parse = CountingParse()
    for _ in range(2):
        cache = ManifestCache(tmp_path / "cache.json", tmp_path)  # the default settle time
        read_once(cache, manifest, parse)
        cache.save()
    assert len(parse.calls) == 2


def test_a_value_json_cannot_carry_is_parsed_every_time(tmp_path: Path) -> None:
    manifest = tmp_path / "actionblock.yml"
    manifest.write_text("name: b\nwhen: 2024-01-02\n")  # YAML reads a date
    parse = CountingParse()
    for _ in range(2):
        cache = ManifestCache(tmp_path / "cache.json", tmp_path, settle_ns=0)
        assert str(read_once(cache, manifest, parse)["when"]) == "2024-01-02"
        cache.save()
    assert len(parse.calls) == 2


# -- what is ignored ------------------------------------------------------------------------------


def rewrite(field: str, value: Any) -> Callable[[Path], None]:
    def change(file: Path) -> None:
        document = json.loads(file.read_text())
        document[field] = value
        file.write_text(json.dumps(document))

    return change


IGNORED: dict[str, Callable[[Path], None]] = {
    "cut short": lambda file: file.write_bytes(file.read_bytes()[:-40]),
    "not JSON": lambda file: file.write_bytes(b"\x00\xff garbage"),
    "a list": lambda file: file.write_text("[1, 2, 3]"),
    "nested too deep": lambda file: file.write_text("[" * 100_000 + "]" * 100_000),
    "empty": lambda file: file.write_bytes(b""),
    "another root": rewrite("root", "/somewhere/else"),
    "another version": rewrite("version", 0),
    "another parser": rewrite("parser", "sidetui 0.0.0, PyYAML 1.0"),
    "another format": rewrite("format", "something-else"),
    "files not a mapping": rewrite("files", ["x"]),
    "group-readable": lambda file: file.chmod(0o640),
    "others-readable": lambda file: file.chmod(0o604),
    "owned by another user": lambda file: os.chown(file, 65534, 65534),
}


@pytest.mark.parametrize("spoil", IGNORED.values(), ids=IGNORED.keys())
def test_a_cache_file_that_is_not_ours_is_ignored(project, cache_folder, spoil) -> None:
    if spoil is IGNORED["owned by another user"] and os.geteuid() != 0:
        pytest.skip("giving a file away needs root")
    file = plant(cache_folder, project)
    assert description(project, cache_folder) == CACHED  # the planted value would show
    spoil(file)
    assert description(project, cache_folder) == REAL
    assert json.loads(file.read_text())["files"]  # and a load put a good cache back
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert file.stat().st_uid == os.geteuid()


def test_a_record_of_the_wrong_shape_is_parsed_again(project, cache_folder) -> None:
    file = plant(cache_folder, project)
    document = json.loads(file.read_text())
    for record in document["files"].values():
        record[-1] = json.dumps(["not", "a", "mapping"])
    file.write_text(json.dumps(document))
    assert description(project, cache_folder) == REAL


def test_a_symlink_in_place_of_the_cache_file_is_not_followed(project, cache_folder, tmp_path):
    file = plant(cache_folder, project)
    elsewhere = tmp_path / "elsewhere.json"
    os.replace(file, elsewhere)
    file.symlink_to(elsewhere)
    assert description(project, cache_folder) == REAL


# -- where it is kept -----------------------------------------------------------------------------


def test_the_cache_file_is_private_in_a_private_folder(project, tmp_path) -> None:
    cache = CacheFolder(tmp_path / "new-state" / "catalog", settle_ns=0)
    loaded(project, cache)
    file = cache_file(cache, project)
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(file.parent.parent.stat().st_mode) == 0o700
    assert [p.name for p in file.parent.iterdir()] == [file.name]  # no temporary left


def test_an_open_cache_folder_is_made_private(project, tmp_path) -> None:
    folder = tmp_path / "state" / "catalog"
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    loaded(project, CacheFolder(folder, settle_ns=0))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_each_root_has_a_file_of_its_own(tmp_path: Path, cache_folder) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    write_block(one / "actionblocks", "b", "print('hi')", "name: b\n")
    write_block(two / "actionblocks", "b", "print('hi')", "name: b\n")
    registry = Registry([Root(one, Source.PROJECT), Root(two, Source.GLOBAL)], cache=cache_folder)
    registry.load()
    assert len(list(cache_folder.folder.iterdir())) == 2


def test_sidetui_list_works_where_the_cache_cannot_be_written(project, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("the state folder would have to be inside this file\n")
    env = {**os.environ, "SIDETUI_STATE_DIR": str(blocker / "state")}
    for _ in range(2):
        ran = subprocess.run(
            [sys.executable, "-m", "sidetui", "list", "--project", str(project)],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
        assert ran.returncode == 0, ran.stderr
        assert "b " in ran.stdout and REAL in ran.stdout
        assert ran.stderr == ""


def test_sidetui_list_keeps_its_cache_in_the_state_folder(project, tmp_path) -> None:
    state = tmp_path / "cli-state"
    env = {**os.environ, "SIDETUI_STATE_DIR": str(state)}
    command = [sys.executable, "-m", "sidetui", "list", "--project", str(project)]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)
    assert first.returncode == 0, first.stderr
    files = list((state / "catalog").iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    for file in files:
        file.unlink()  # safe to delete: the next list parses again
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)
    assert again.stdout == first.stdout


# -- two writers ----------------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from sidetui.core.catalog.manifest_cache import ManifestCache
    from sidetui.core.catalog.manifest_io import load_yaml_mapping
    cache_file, root, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    mine = sorted(str(p) for p in Path(sys.argv[4]).iterdir())
    for _ in range(rounds):
        cache = ManifestCache(cache_file, root, settle_ns=0)
        for path in mine:
            cache.read(path, os.stat(path), load_yaml_mapping, "yaml", lambda value: True)
        cache.save()  # the other writer's files are not mine: a write every round
    """
)


def test_two_writers_at_once_leave_a_whole_file(tmp_path: Path) -> None:
    root = tmp_path / "root"
    sets = []
    for side in ("left", "right"):
        folder = root / side
        folder.mkdir(parents=True)
        for index in range(60):
            (folder / f"m{index}.yml").write_text(f"name: {side}-{index}\nfill: {'x' * 200}\n")
        sets.append({str(p) for p in folder.iterdir()})
    file = tmp_path / "state" / "catalog.json"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(file), str(root), "40", str(folder)])
        for folder in (root / "left", root / "right")
    ]
    documents = 0
    while any(writer.poll() is None for writer in writers):
        try:
            text = file.read_text()
        except FileNotFoundError:
            continue
        assert set(json.loads(text)["files"]) in sets  # never a mix, never a torn file
        documents += 1
    assert [writer.wait() for writer in writers] == [0, 0]
    assert documents > 0
    assert set(json.loads(file.read_text())["files"]) in sets
    assert [p.name for p in file.parent.iterdir()] == [file.name]
