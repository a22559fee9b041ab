"""The catalog as a list: the `listActionBlocksResponse` of a registry, and a registry scanned
for one call (another project's)."""

from __future__ import annotations

import os
from pathlib import Path

from sidetui.core.catalog.registry import Registry, RegistryChange
from sidetui.core.catalog.roots import registry_for
from sidetui.core.catalog.scan_budget import ScanBudget
from sidetui.core.config import EngineConfig
from sidetui.core.records.errors import ErrorCode, ExecutionError, Refusal
from sidetui.core.records.response import Response


def action_blocks_response(registry: Registry) -> Response:
    """Every ActionBlock of the registry, broken, shadowed and conflicting ones included;
    `REGISTRY_NOT_INITIALIZED` before its first scan."""
    if not registry.loaded:
        return not_loaded("listActionBlocksResponse")
    blocks = registry.action_blocks()
    note = f" ({registry.scan_note}: some may be missing)" if registry.scan_note else ""
    data: dict[str, object] = {"actionBlocks": [block.to_dict() for block in blocks]}
    if registry.scan_note:
        data["scanNote"] = registry.scan_note
    return Response.ok("listActionBlocksResponse", f"{len(blocks)} ActionBlocks{note}", data)


async def scanned_registry(config: EngineConfig, project_dir: Path) -> Registry:
    """A registry of `project_dir`'s roots, loaded on a scan thread within the usual bounds;
    cancelling the call stops the scan. `INVALID_REQUEST` for a project that is not a folder,
    or is the root of the file system."""
    if not project_dir.is_dir():
        raise Refusal(ErrorCode.INVALID_REQUEST, f"projectPath {project_dir} is not a folder")
    if project_dir == project_dir.parent:
        raise Refusal(ErrorCode.INVALID_REQUEST, "projectPath cannot be the file system's root")
    registry = registry_for(config, project_dir)
    await load(registry)
    return registry


async def load(registry: Registry) -> RegistryChange:
    """`registry.load()` on a scan thread; cancelling the call stops the scan."""
    import asyncio  # here: `sidetui list` lists without an event loop

    from sidetui.core.workers import in_scan_thread

    budget = ScanBudget()
    try:
        return await in_scan_thread(registry.load, budget)
    except asyncio.CancelledError:
        budget.cancel()
        raise


def not_loaded(kind: str) -> Response:
    """The refusal of a catalog call made before the catalog was first scanned."""
    message = "the catalog has not been scanned yet: open the manager first (`async with`)"
    return Response.failure(kind, ExecutionError(ErrorCode.REGISTRY_NOT_INITIALIZED, message))


async def action_blocks(
    config: EngineConfig,
    registry: Registry,
    project_dir: Path,
    project_path: str | os.PathLike[str] | None,
) -> Response:
    """`listActionBlocksResponse` of the registry, or of `project_path` scanned for the call."""
    if project_path is None or Path(project_path).resolve() == project_dir:
        return action_blocks_response(registry)
    try:
        return action_blocks_response(await scanned_registry(config, Path(project_path).resolve()))
    except Refusal as refusal:
        return Response.failure("listActionBlocksResponse", refusal.error)
