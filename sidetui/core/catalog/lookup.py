"""Which ActionBlock a name, a registry id or a folder path means."""

from __future__ import annotations

import os
from pathlib import Path

from sidetui.core.catalog.block_manifest import load_action_block
from sidetui.core.catalog.entries import ActionBlock, EntryKind, Source
from sidetui.core.catalog.registry import Registry
from sidetui.core.records.errors import ErrorCode, Refusal


def resolve_action_block(
    registry: Registry, project_dir: Path, name_or_path: str | os.PathLike[str]
) -> ActionBlock:
    """The block `name_or_path` means; `Refusal` when there is none.

    Text is looked up in the registry first, as a name or an id (a name may hold a `/`, as an npm
    package name `@scope/block` does); what the registry does not know is tried as a folder,
    relative to the working directory and then to the project. A folder outside every root is
    loaded as it is. A `PathLike` is always a folder.
    """
    text = os.fspath(name_or_path)
    not_found: Refusal | None = None
    if not isinstance(name_or_path, os.PathLike) and not text.startswith((".", "~", "/")):
        try:
            entry = registry.find(EntryKind.ACTION_BLOCK, text)
            assert isinstance(entry, ActionBlock)
            return entry
        except Refusal as refusal:
            if refusal.error.code is not ErrorCode.ACTION_BLOCK_NOT_FOUND:
                raise
            not_found = refusal
    for folder in _candidate_folders(text, project_dir):
        known = registry.at_path(folder.absolute()) or registry.at_path(folder.resolve())
        if isinstance(known, ActionBlock):
            return known
        return load_block_by_path(folder.resolve())
    raise not_found or Refusal(ErrorCode.ACTION_BLOCK_NOT_FOUND, f"No ActionBlock folder at {text}")


def load_block_by_path(path: Path) -> ActionBlock:
    """An ActionBlock named by its folder, outside the registry's roots."""
    return load_action_block(path, Source.PATH)


def _candidate_folders(text: str, project_dir: Path) -> list[Path]:
    path = Path(text).expanduser()
    options = [path] if path.is_absolute() else [Path.cwd() / path, project_dir / path]
    return [option for option in options if option.is_dir()]
