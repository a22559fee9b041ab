"""`sidetui list`: the ActionBlocks found, as a table for people or one JSON document."""

from __future__ import annotations

import argparse
import asyncio
import shutil
from typing import Any

from sidetui.commands.common import manager_from, print_json


def main(args: argparse.Namespace) -> int:
    response = asyncio.run(_list(args))
    if args.json:
        print_json(response)
    else:
        print(render_table(response.data["actionBlocks"] if response.data else []))
    return 0


async def _list(args: argparse.Namespace) -> Any:
    async with manager_from(args) as manager:
        return await manager.list_action_blocks()


def render_table(blocks: list[dict[str, Any]]) -> str:
    """One line a block: name, source, runtime, version, state, then description or error."""
    if not blocks:
        return "No ActionBlocks found."
    rows = [("NAME", "SOURCE", "RUNTIME", "VERSION", "STATE", "DESCRIPTION")]
    rows += [
        (
            block["name"],
            block["source"],
            block["runtime"] or "-",
            block["version"],
            _state(block),
            "; ".join(block["errors"]) if block["errors"] else block["description"],
        )
        for block in blocks
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    width = shutil.get_terminal_size((120, 24)).columns
    lines = []
    for row in rows:
        head = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5]))
        room = max(20, width - len(head) - 2)
        tail = row[5] if len(row[5]) <= room else row[5][: room - 1] + "…"
        lines.append(f"{head}  {tail}".rstrip())
    return "\n".join(lines)


def _state(block: dict[str, Any]) -> str:
    if block["errors"]:
        return "broken"
    if block["conflictsWith"]:
        return "conflict"
    if block["shadowedBy"]:
        return "shadowed"
    return "ok"
