"""Finding entries under a root: a bounded walk that skips caches, VCS and virtual environments.

Detection rules (spec `discovery.md`), see `detect`: an ActionBlock is a folder holding
`actionblock.yml|yaml`, or an immediate child of a folder named `actionblocks` holding a
`package.json`, `index.js` or `main.py`; a capability holds `capability.yaml|yml`, or is
`capabilities/<type>/<name>/`, or a skill `.claude|.agents/skills/<name>/SKILL.md`; an executor
holds `executor.yaml|yml` or is `capabilities/executors/<name>/`. The walk does not descend into
an entry's own folder: its subfolders are its assets.

"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sidetui.core.catalog.block_manifest import BLOCK_MANIFESTS, ENTRY_MARKERS, load_action_block
from sidetui.core.catalog.capability_manifest import (
    CAPABILITY_MANIFESTS,
    EXECUTOR_MANIFESTS,
    SKILL_FILE,
    load_capability,
    load_executor,
)
from sidetui.core.catalog.entries import ActionBlock, Entry, Source, copy_with
from sidetui.core.catalog.folder_files import FolderFiles
from sidetui.core.catalog.manifest_cache import ManifestCache
from sidetui.core.catalog.scan_budget import ScanBudget

SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
        ".cache", ".parcel-cache", ".turbo", ".next", ".gradle", ".idea", "site-packages",
    }
)  # fmt: skip
BLOCKS_FOLDER = "actionblocks"
CAPABILITIES_FOLDER = "capabilities"
EXECUTORS_FOLDER = "executors"
SKILL_HOMES = (".claude", ".agents")
DEFAULT_MAX_DEPTH = 6


@dataclass(frozen=True)
class Root:
    """A folder that discovery walks, and the source its entries belong to."""

    path: Path
    source: Source


def is_skipped(name: str) -> bool:
    return name in SKIPPED_DIRS


def detect(files: FolderFiles, source: Source, parent: str, grandparent: str) -> Entry | None:
    """The entry a folder is, by the rules of the spec, explicit manifests first; or None.
    `parent` and `grandparent` are the names of the folders above it."""
    names = files.names
    if not names.isdisjoint(EXECUTOR_MANIFESTS):
        return load_executor(files, source)
    if not names.isdisjoint(CAPABILITY_MANIFESTS):
        return load_capability(files, source, _capability_type(parent, grandparent))
    if not names.isdisjoint(BLOCK_MANIFESTS):
        return load_action_block(files.folder, source, files=files)
    if grandparent == CAPABILITIES_FOLDER:
        if parent == EXECUTORS_FOLDER:
            return load_executor(files, source)
        return load_capability(files, source, parent)
    if SKILL_FILE in names and parent == "skills" and grandparent in SKILL_HOMES:
        return load_capability(files, source, "skill")
    if parent == BLOCKS_FOLDER and not names.isdisjoint(ENTRY_MARKERS):
        return load_action_block(files.folder, source, files=files)
    return None


def _capability_type(parent: str, grandparent: str) -> str | None:
    if grandparent == CAPABILITIES_FOLDER and parent != EXECUTORS_FOLDER:
        return parent
    return None


def scan(
    folder: Path,
    source: Source,
    depth: int = DEFAULT_MAX_DEPTH,
    prune: Callable[[Path], bool] | None = None,
    within: Path | None = None,
    budget: ScanBudget | None = None,
    cache: ManifestCache | None = None,
) -> dict[Path, Entry]:
    """Entries at or below `folder`, at most `depth` levels down, keyed by their folder.

    `prune` names folders to leave alone (another root nested in this one). A symlink that leads
    out of `within` (the root, by default `folder`) is followed only to an entry's folder, which
    is then marked `linked_to` its target; anything else out there is not walked (in an
    `actionblocks` folder it is listed as a broken block saying so). The walk stops when its
    `budget` runs out (then `budget.stopped` says why). Manifests are parsed through `cache`.
    """
    root = _real(within or folder) or (within or folder)
    found: dict[Path, Entry] = {}
    visited: set[tuple[int, int]] = set()
    # A folder to list: its Path and text, how deep it may still go, where a link out led, its
    # (device, inode) when the listing above already told it, the names of the two folders above.
    above = (folder.parent.name, folder.parent.parent.name)
    stack: list[tuple[Path, str, int, Path | None, tuple[int, int] | None, str, str]] = [
        (folder, os.fspath(folder), depth, None, None, *above)
    ]
    while stack and (budget is None or budget.spend()):
        path, base, remaining, outside, key, parent, grandparent = stack.pop()
        children, problem, device = _list_dir(base, key, visited)
        in_blocks = parent == BLOCKS_FOLDER
        if children is None:
            if in_blocks and (broken := _unlisted_block(path, source, problem)):
                found[path] = broken
            continue
        names = {child.name for child in children}
        if "pyvenv.cfg" in names:
            continue
        links = {child.name for child in children if child.is_symlink()}
        entry = detect(FolderFiles(path, names, links, cache, base), source, parent, grandparent)
        if entry is not None:
            found[path] = copy_with(entry, linked_to=str(outside)) if outside else entry
            continue
        if outside is not None:
            if in_blocks:
                reason = (
                    f"{path.name} links to {outside}, outside {root}: a link that "
                    "leaves the folder is followed only to a block's own folder"
                )
                found[path] = ActionBlock(
                    name=path.name, path=path, source=source, errors=(reason,)
                )
            continue
        if remaining <= 0:
            continue
        name = path.name
        for child in children:
            if is_skipped(child.name):
                continue
            below = path / child.name
            if prune and prune(below):
                continue
            linked = child.name in links
            if _is_dir(child) or (name == BLOCKS_FOLDER and linked):
                leaves = _leaves(below, root) if linked else None
                known = None if linked else (device, child.inode())
                stack.append((below, child.path, remaining - 1, leaves, known, name, parent))
    return found


def _list_dir(
    base: str, key: tuple[int, int] | None, visited: set[tuple[int, int]]
) -> tuple[list[os.DirEntry[str]] | None, OSError | None, int]:
    """The folder's entries and its device; None with the error when it is unreadable, None
    alone when it was already walked (a link loop). `key` is its (device, inode) if known."""
    try:
        if key is None:  # the root, or reached through a symlink: ask the disk
            info = os.stat(base)
            key = (info.st_dev, info.st_ino)
        if key in visited:
            return None, None, key[0]
        visited.add(key)
        with os.scandir(base) as listing:
            return list(listing), None, key[0]
    except OSError as error:
        return None, error.with_traceback(None), 0  # its frames would hold the walk's locals


def _real(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return None


def _leaves(link: Path, root: Path) -> Path | None:
    """Where a symlink leads when that is outside `root` (None: inside, or nowhere)."""
    target = _real(link)
    return target if target is not None and not target.is_relative_to(root) else None


def _is_dir(child: os.DirEntry[str]) -> bool:
    try:
        return child.is_dir()
    except OSError:
        return False


def _unlisted_block(path: Path, source: Source, problem: OSError | None) -> ActionBlock | None:
    """A folder in `actionblocks` that cannot be listed: a symlink that leads nowhere or loops,
    or a folder that cannot be read, shown as a broken block with the reason."""
    if path.is_symlink():
        try:
            path.stat()
            return None  # a link to a file (or a folder already walked): not a broken block
        except OSError as error:
            if error.errno == errno.ELOOP:
                reason = f"{path.name} is a symlink loop"
            else:
                reason = f"{path.name} is a dangling symlink to {os.readlink(path)}"
    elif problem is not None and problem.errno not in (errno.ENOENT, errno.ENOTDIR):
        reason = f"cannot read the folder {path.name}: {problem.strerror or problem}"
    else:
        return None
    return ActionBlock(name=path.name, path=path, source=source, errors=(reason,))


def entries_under(paths: Iterable[Path], folder: Path) -> list[Path]:
    """Those of `paths` that are `folder` or inside it."""
    return [path for path in paths if path == folder or path.is_relative_to(folder)]
