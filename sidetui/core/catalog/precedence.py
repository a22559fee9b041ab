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
from sidetui.core.catalog.entries import Entry, Source, copy_with


def derive_group(group: list[Entry], roots: Sequence[Root]) -> dict[Path, Entry]:
    """Entries of one name with ids, shadowing and conflicts worked out from each other."""
    if not group:
        return {}
    if len(group) == 1:  # most names: no one to shadow or conflict with
        entry = group[0]
        return {
            entry.path: copy_with(entry, id=entry.base_id(), shadowed_by=None, conflicts_with=())
        }
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
