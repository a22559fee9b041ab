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
from dataclasses import dataclass, replace
from pathlib import Path

from sidetui.core.catalog.block_manifest import BLOCK_MANIFESTS, ENTRY_MARKERS, load_action_block
from sidetui.core.catalog.capability_manifest import (
    CAPABILITY_MANIFESTS,
    EXECUTOR_MANIFESTS,
    SKILL_FILE,
    load_capability,
    load_executor,
)
from sidetui.core.catalog.entries import ActionBlock, Entry, Source
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


def detect(folder: Path, names: set[str], source: Source) -> Entry | None:
    """The entry `folder` is, by the rules of the spec, explicit manifests first; or None."""
    parent, grandparent = folder.parent.name, folder.parent.parent.name
    if any(name in names for name in EXECUTOR_MANIFESTS):
        return load_executor(folder, source, names)
    if any(name in names for name in CAPABILITY_MANIFESTS):
        return load_capability(folder, source, names, _capability_type(parent, grandparent))
    if any(name in names for name in BLOCK_MANIFESTS):
        return load_action_block(folder, source, names)
    if grandparent == CAPABILITIES_FOLDER:
        if parent == EXECUTORS_FOLDER:
            return load_executor(folder, source, names)
        return load_capability(folder, source, names, parent)
    if SKILL_FILE in names and parent == "skills" and grandparent in SKILL_HOMES:
        return load_capability(folder, source, names, "skill")
    if parent == BLOCKS_FOLDER and any(name in names for name in ENTRY_MARKERS):
        return load_action_block(folder, source, names)
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
) -> dict[Path, Entry]:
    """Entries at or below `folder`, at most `depth` levels down, keyed by their folder.

    `prune` names folders to leave alone (another root nested in this one). A symlink that leads
    out of `within` (the root, by default `folder`) is followed only to an entry's folder, which
    is then marked `linked_to` its target; anything else out there is not walked (in an
    `actionblocks` folder it is listed as a broken block saying so). The walk stops when its
    `budget` runs out (then `budget.stopped` says why).
    """
    root = _real(within or folder) or (within or folder)
    found: dict[Path, Entry] = {}
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[Path, int, Path | None]] = [(folder, depth, None)]
    while stack and (budget is None or budget.spend()):
        current, remaining, outside = stack.pop()
        children, problem = _list_dir(current, visited)
        in_blocks = current.parent.name == BLOCKS_FOLDER
        if children is None:
            if in_blocks and (broken := _unlisted_block(current, source, problem)):
                found[current] = broken
            continue
        names = {child.name for child in children}
        if "pyvenv.cfg" in names:
            continue
        entry = detect(current, names, source)
        if entry is not None:
            found[current] = replace(entry, linked_to=str(outside)) if outside else entry
            continue
        if outside is not None:
            if in_blocks:
                reason = (
                    f"{current.name} links to {outside}, outside {root}: a link that leaves "
                    "the folder is followed only to a block's own folder"
                )
                found[current] = ActionBlock(
                    name=current.name, path=current, source=source, errors=(reason,)
                )
            continue
        if remaining <= 0:
            continue
        for child in children:
            if is_skipped(child.name):
                continue
            path = current / child.name
            if prune and prune(path):
                continue
            if _is_dir(child) or (current.name == BLOCKS_FOLDER and child.is_symlink()):
                leaves = _leaves(path, root) if child.is_symlink() else None
                stack.append((path, remaining - 1, leaves))
    return found


def _list_dir(
    folder: Path, visited: set[tuple[int, int]]
) -> tuple[list[os.DirEntry[str]] | None, OSError | None]:
    """The folder's entries; None with the error when it is unreadable, None alone when it was
    already walked (a link loop)."""
    try:
        info = folder.stat()
        key = (info.st_dev, info.st_ino)
        if key in visited:
            return None, None
        visited.add(key)
        with os.scandir(folder) as listing:
            return list(listing), None
    except OSError as error:
        return None, error


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
