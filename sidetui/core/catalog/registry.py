"""The registry of discovered entries across the builtin, global and project sources.

It owns precedence (a higher source shadows a lower one of the same name; the shadowed entry stays
listed), conflicts (two entries of one name in one source are both listed and a look-up by that name
is refused), and incremental rescans that report what was added, changed and removed.
"""

from __future__ import annotations

import os
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sidetui.core.catalog.discovery import DEFAULT_MAX_DEPTH, Root, is_skipped, scan
from sidetui.core.catalog.entries import (
    ActionBlock,
    Capability,
    Entry,
    EntryKind,
    Executor,
)
from sidetui.core.catalog.manifest_cache import CacheFolder
from sidetui.core.catalog.precedence import derive_group, shadow_executors_by_type
from sidetui.core.catalog.scan_budget import ScanBudget
from sidetui.core.records.errors import ErrorCode, Refusal


@dataclass(frozen=True)
class RegistryChange:
    """What one scan changed; an entry whose manifest or entry file was edited is `changed`."""

    added: tuple[Entry, ...] = ()
    changed: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class Registry:
    """Entries found under the roots, kept current by `rescan`."""

    def __init__(
        self,
        roots: Sequence[Root],
        max_depth: int = DEFAULT_MAX_DEPTH,
        cache: CacheFolder | None = None,
    ):
        # Most specific root first, so a path belongs to the innermost root that holds it.
        self.roots = sorted(
            {root.path: root for root in roots}.values(), key=lambda r: -len(r.path.parts)
        )
        self.max_depth = max_depth
        self.cache = cache  # where `load` keeps parsed manifests (None: parse every time)
        self.loaded = False  # scanned at least once: until then it knows nothing
        self.scan_note: str | None = None  # why the last scan stopped short, if it did
        self._found: dict[Path, Entry] = {}  # as read from disk
        self._groups: dict[tuple[str, ...], list[Path]] = defaultdict(list)  # by shadow key
        self._dirty: set[tuple[str, ...]] = set()  # groups to work out again
        self._view: dict[Path, Entry] = {}  # with ids, shadowing and conflicts
        self._view_groups: dict[tuple[str, ...], tuple[Path, ...]] = {}  # tuples: most hold one
        self._named: dict[tuple[EntryKind, str], list[Path]] = defaultdict(list)  # indexes
        self._ids: dict[str, Path] = {}
        self._sorted: list[Path] | None = None  # `_found`'s folders in text order, made on demand

    # -- reading -------------------------------------------------------------------------------

    def entries(self, kind: EntryKind | None = None) -> list[Entry]:
        """Every entry, broken and shadowed ones included, in a stable display order."""
        chosen = [e for e in self._view.values() if kind is None or e.kind is kind]
        return sorted(chosen, key=lambda e: (e.kind.value, e.name.lower(), -e.source, str(e.path)))

    def action_blocks(self) -> list[ActionBlock]:
        return [e for e in self.entries(EntryKind.ACTION_BLOCK) if isinstance(e, ActionBlock)]

    def capabilities(self) -> list[Capability]:
        return [e for e in self.entries(EntryKind.CAPABILITY) if isinstance(e, Capability)]

    def executors(self) -> list[Executor]:
        return [e for e in self.entries(EntryKind.EXECUTOR) if isinstance(e, Executor)]

    def executor_map(self) -> dict[str, Executor]:
        """For each capability type, the executor that runs it: the last registered wins, in the
        order builtin, global, project (and by folder within a source)."""
        chosen: dict[str, Executor] = {}
        for executor in sorted(self.executors(), key=lambda e: (e.source, str(e.path))):
            for kind in executor.supported_types:
                chosen[kind] = executor
        return chosen

    def at_path(self, path: Path) -> Entry | None:
        return self._view.get(path)

    def find(self, kind: EntryKind, name: str, type_: str | None = None) -> Entry:
        """The entry a name (or registry id) means, of capability type `type_` if given; refused
        when unknown or ambiguous."""
        path = self._ids.get(name)
        if path is not None and self._view[path].kind is kind:
            return self._view[path]
        named = [self._view[p] for p in self._named.get((kind, name), ())]
        if type_ is not None:
            named = [e for e in named if getattr(e, "type", None) == type_]
        elif len({e.shadow_key for e in named}) > 1:
            types = ", ".join(sorted({str(getattr(e, "type", "")) for e in named}))
            raise Refusal(
                ErrorCode.INVALID_REQUEST,
                f"{_LABELS[kind]} name {name!r} exists for several types ({types}): give a type",
            )
        if not named:
            known = sorted({e.name for e in self._view.values() if e.kind is kind})
            hint = f" (known: {', '.join(known[:20])})" if known else ""
            of_type = f" of type {type_!r}" if type_ else ""
            raise Refusal(_NOT_FOUND[kind], f"No {_LABELS[kind]} named {name!r}{of_type}{hint}")

        top = max(e.source for e in named)
        winners = sorted((e for e in named if e.source is top), key=lambda e: str(e.path))
        if len(winners) > 1:
            paths = " and ".join(str(e.path) for e in winners)
            raise Refusal(
                ErrorCode.INVALID_REQUEST,
                f"{_LABELS[kind]} name {name!r} is ambiguous: {top.label} defines it at {paths}; "
                "use a path instead",
                {"paths": [str(e.path) for e in winners]},
            )
        return winners[0]

    def root_for(self, path: Path) -> Root | None:
        for root in self.roots:
            if path == root.path or path.is_relative_to(root.path):
                return root
        return None

    # -- scanning ------------------------------------------------------------------------------

    def load(self, budget: ScanBudget | None = None) -> RegistryChange:
        """Scan every root from scratch, within `budget` (the default bounds when None)."""
        budget = budget or ScanBudget()
        for path in list(self._found):
            self._drop(path)
        self._sorted = None
        caches = []
        for root in self.roots:
            cache = self.cache.for_root(root.path) if self.cache else None
            for path, entry in scan(
                root.path, root.source, self.max_depth, self._pruner(root), root.path, budget, cache
            ).items():
                self._put(path, entry)
            caches.append(cache)
        for cache in caches:
            if cache:
                cache.save(complete=not budget.stopped)
        change = self._publish()
        self.loaded, self.scan_note = True, budget.stopped
        return change

    def rescan(self, paths: Iterable[Path]) -> RegistryChange:
        """Bring the registry up to date after `paths` were created, changed or deleted."""
        budget = ScanBudget()
        for path in sorted(set(paths)):
            root = self.root_for(path)
            if root is None or any(is_skipped(p) for p in path.relative_to(root.path).parts):
                continue
            owner = self._owner_of(path)
            if owner is not None:
                self._rescan_folder(owner, root, True, budget)
            elif path.is_dir() or (path.is_symlink() and not path.exists()):
                self._rescan_folder(path, root, True, budget)
            elif path.exists():
                self._rescan_folder(path.parent, root, False, budget)
            else:
                self._forget_under(path)
        self.scan_note = budget.stopped or self.scan_note
        return self._publish()

    def _rescan_folder(self, folder: Path, root: Root, subtree: bool, budget: ScanBudget) -> None:
        """Scan `folder` again (its whole subtree, or just itself) and replace what was known."""
        remaining = self.max_depth - len(folder.relative_to(root.path).parts)
        if remaining < 0 or not folder.is_relative_to(root.path):
            return
        depth = remaining if subtree else 0
        found = scan(folder, root.source, depth, self._pruner(root), root.path, budget)
        if subtree or folder in found:  # an entry's folder hides what lies below it
            self._forget_under(folder)
        else:
            self._drop(folder)
        for path, entry in found.items():
            self._put(path, entry)

    def _forget_under(self, folder: Path) -> None:
        """Drop the entries at or below `folder`: a range of the folders in text order (what
        starts with `folder/` sorts together), so a change costs the same in any project."""
        if self._sorted is None:
            self._sorted = sorted(self._found, key=os.fspath)
        inside = os.path.join(folder, "")
        start = bisect_left(self._sorted, inside, key=os.fspath)
        end = bisect_left(self._sorted, inside[:-1] + _AFTER_SEP, key=os.fspath)
        for path in [folder, *self._sorted[start:end]]:
            self._drop(path)

    def _put(self, path: Path, entry: Entry) -> None:
        self._drop(path)
        self._found[path] = entry
        self._groups[entry.shadow_key].append(path)  # lists: most groups hold one
        self._dirty.add(entry.shadow_key)
        if self._sorted is not None:
            insort(self._sorted, path, key=os.fspath)

    def _drop(self, path: Path) -> None:
        entry = self._found.pop(path, None)
        if entry is not None:
            self._groups[entry.shadow_key].remove(path)
            self._dirty.add(entry.shadow_key)
            if self._sorted is not None:
                del self._sorted[bisect_left(self._sorted, os.fspath(path), key=os.fspath)]

    def _owner_of(self, path: Path) -> Path | None:
        """The known entry folder that is `path` or holds it."""
        for candidate in (path, *path.parents):
            if candidate in self._found:
                return candidate
        return None

    def _pruner(self, root: Root) -> Callable[[Path], bool] | None:
        inner = {r.path for r in self.roots if r is not root and r.path.is_relative_to(root.path)}
        return (lambda path: path in inner) if inner else None

    # -- derived view --------------------------------------------------------------------------

    def _publish(self) -> RegistryChange:
        """Work out the touched groups again; report what that changed."""
        added: list[Entry] = []
        changed: list[Entry] = []
        removed: list[Entry] = []
        view, named, ids = self._view, self._named, self._ids
        for key in self._dirty:
            paths = self._groups.get(key)
            now = derive_group([self._found[p] for p in paths], self.roots) if paths else {}
            for path, entry in now.items():
                before = view.get(path)
                if before is None:
                    added.append(entry)
                elif before != entry:
                    changed.append(entry)
                    self._unindex(before)
                view[path] = entry
                if path not in (same_name := named[(entry.kind, entry.name)]):
                    same_name.append(path)
                ids[entry.id] = path
            if (shown := self._view_groups.get(key)) is not None:
                for path in [p for p in shown if p not in now]:
                    removed.append(view.pop(path))
                    self._unindex(removed[-1])
            if paths:
                self._view_groups[key] = tuple(now)
            else:
                self._groups.pop(key, None)
                self._view_groups.pop(key, None)

        if any(key[0] == EntryKind.EXECUTOR.value for key in self._dirty):
            updated_executors = shadow_executors_by_type(self.executors(), self.executor_map())
            for updated in updated_executors:
                self._view[updated.path] = updated
                listed = next(
                    (
                        group
                        for group in (added, changed)
                        if any(e.path == updated.path for e in group)
                    ),
                    None,
                )
                if listed is None:
                    changed.append(updated)
                else:
                    listed[:] = [updated if e.path == updated.path else e for e in listed]
        self._dirty.clear()
        return RegistryChange(tuple(added), tuple(changed), tuple(removed))

    def _unindex(self, entry: Entry) -> None:
        if entry.path in (listed := self._named[(entry.kind, entry.name)]):
            listed.remove(entry.path)
        if self._ids.get(entry.id) == entry.path:
            del self._ids[entry.id]


_AFTER_SEP = chr(ord(os.sep) + 1)  # the character after "/": the end of a folder's range


_NOT_FOUND = {
    EntryKind.ACTION_BLOCK: ErrorCode.ACTION_BLOCK_NOT_FOUND,
    EntryKind.CAPABILITY: ErrorCode.CAPABILITY_NOT_FOUND,
    EntryKind.EXECUTOR: ErrorCode.EXECUTOR_NOT_FOUND,
}
_LABELS = {
    EntryKind.ACTION_BLOCK: "ActionBlock",
    EntryKind.CAPABILITY: "capability",
    EntryKind.EXECUTOR: "executor",
}
