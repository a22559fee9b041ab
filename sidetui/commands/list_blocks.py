"""`sidetui list`: the ActionBlocks found, as a table for people or one JSON document."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from sidetui.commands.common import manager_from, print_json
from sidetui.commands.table import entry_note, entry_state, render_table


def main(args: argparse.Namespace) -> int:
    response = asyncio.run(_list(args))
    if args.json:
        print_json(response)
    else:
        print(blocks_table(response.data["actionBlocks"] if response.data else []))
    return 0


async def _list(args: argparse.Namespace) -> Any:
    async with manager_from(args) as manager:
        return await manager.list_action_blocks()


def blocks_table(blocks: list[dict[str, Any]]) -> str:
    """One line a block: name, source, runtime, version, state, then description or error."""
    if not blocks:
        return "No ActionBlocks found."
    header = ("NAME", "SOURCE", "RUNTIME", "VERSION", "STATE", "DESCRIPTION")
    rows = [
        (
            block["name"],
            block["source"],
            block["runtime"] or "-",
            block["version"],
            entry_state(block),
            entry_note(block),
        )
        for block in blocks
    ]
    return render_table(header, rows)
