"""The catalog as a list: the `listActionBlocksResponse` of a registry, and a registry scanned
for one call (another project's)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sidetui.core.catalog.registry import Registry
from sidetui.core.catalog.roots import roots_for
from sidetui.core.config import EngineConfig
from sidetui.core.records.response import Response


def action_blocks_response(registry: Registry) -> Response:
    """Every ActionBlock of the registry, broken, shadowed and conflicting ones included."""
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
