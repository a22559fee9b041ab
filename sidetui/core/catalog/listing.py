"""The catalog as a list: the `listActionBlocksResponse` of a registry, and a registry scanned
for one call (another project's)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sidetui.core.catalog.registry import Registry
from sidetui.core.catalog.roots import roots_for
from sidetui.core.config import EngineConfig
from sidetui.core.records.errors import ErrorCode, ExecutionError
from sidetui.core.records.response import Response


def action_blocks_response(registry: Registry) -> Response:
    """Every ActionBlock of the registry, broken, shadowed and conflicting ones included;
    `REGISTRY_NOT_INITIALIZED` before its first scan."""
    if not registry.loaded:
        return not_loaded("listActionBlocksResponse")
    blocks = registry.action_blocks()
    return Response.ok(
        "listActionBlocksResponse",
        f"{len(blocks)} ActionBlocks",
        {"actionBlocks": [block.to_dict() for block in blocks]},
    )


async def scanned_registry(config: EngineConfig, project_dir: Path) -> Registry:
    """A registry of `project_dir`'s roots, loaded off the event loop."""
    registry = Registry(roots_for(config, project_dir), config.scan_max_depth)
    await asyncio.to_thread(registry.load)
    return registry


def not_loaded(kind: str) -> Response:
    """The refusal of a catalog call made before the catalog was first scanned."""
    message = "the catalog has not been scanned yet: open the manager first (`async with`)"
    return Response.failure(kind, ExecutionError(ErrorCode.REGISTRY_NOT_INITIALIZED, message))
