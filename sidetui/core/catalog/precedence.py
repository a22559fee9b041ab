"""Precedence among entries of one name: their ids, who shadows whom, which ones conflict.

A higher source shadows a lower one (the shadowed entry stays listed, `shadowedBy` naming the
winner); two entries of one name in one source conflict, and their ids get `@<folder>` so they
stay distinct.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from sidetui.core.catalog.discovery import Root
from sidetui.core.catalog.entries import Entry, Executor, Source, copy_with


def derive_group(group: list[Entry], roots: Sequence[Root]) -> dict[Path, Entry]:
    """Entries of one name with ids, shadowing and conflicts worked out from each other."""
    if not group:
        return {}
    if len(group) == 1:  # most names: no one to shadow or conflict with
        entry, base = group[0], group[0].base_id()
        if entry.id != base or entry.shadowed_by is not None or entry.conflicts_with:
            entry = copy_with(entry, id=base, shadowed_by=None, conflicts_with=())
        return {entry.path: entry}
    by_source: dict[Source, list[Entry]] = defaultdict(list)
    for entry in group:
        by_source[entry.source].append(entry)
    top = max(by_source)
    winner_id = _id_of(min(by_source[top], key=lambda e: str(e.path)), by_source, roots)
    return {
        entry.path: copy_with(
            entry,
            id=_id_of(entry, by_source, roots),
            shadowed_by=None if source is top else winner_id,
            conflicts_with=tuple(str(o.path) for o in members if o.path != entry.path),
        )
        for source, members in by_source.items()
        for entry in members
    }


def _id_of(entry: Entry, by_source: dict[Source, list[Entry]], roots: Sequence[Root]) -> str:
    """`<source>:<kind>:<name>`, plus `@<folder>` while another entry of its source shares it."""
    base = entry.base_id()
    if len(by_source[entry.source]) == 1:
        return base
    root = next((r.path for r in roots if entry.path.is_relative_to(r.path)), None)
    where = entry.path.relative_to(root) if root else entry.path
    return f"{base}@{where}"


def shadow_executors_by_type(
    executors: list[Executor], serving: dict[str, Executor]
) -> list[Executor]:
    """An executor whose every type another one serves is shadowed by it (spec: executors that
    serve the same type shadow each other); `serving` is the executor chosen for each type.
    Returns the executors whose `shadowed_by` changed, changed."""
    updated: list[Executor] = []
    for executor in executors:
        same_name = [e for e in executors if e.name == executor.name]
        top = max(e.source for e in same_name)
        by_name = min((e for e in same_name if e.source == top), key=lambda e: str(e.path))
        taken = [serving[t] for t in executor.supported_types if serving.get(t) is not executor]
        by_type = taken[0] if taken and len(taken) == len(executor.supported_types) else None
        winner = by_name if by_name is not executor else by_type
        shadowed_by = winner.id if winner is not None else None
        if shadowed_by != executor.shadowed_by:
            updated.append(copy_with(executor, shadowed_by=shadowed_by))
    return updated
