"""`sidetui list`: the ActionBlocks found, as a table for people or one JSON document."""

from __future__ import annotations

import argparse
from typing import Any

from sidetui.commands.common import config_from, print_json, print_out, project_dir_from
from sidetui.commands.table import entry_note, entry_state, render_table
from sidetui.core.catalog.listing import action_blocks_response
from sidetui.core.catalog.registry import Registry
from sidetui.core.catalog.roots import roots_for
from sidetui.core.catalog.scan_budget import ScanBudget
from sidetui.core.records.response import Response


def main(args: argparse.Namespace) -> int:
    response = _list(args)
    if args.json:
        print_json(response)
    else:
        print_out(blocks_table(response.data["actionBlocks"] if response.data else []))
    return 0


def _list(args: argparse.Namespace) -> Response:
    """The catalog alone, scanned once: no manager, no state folder, no child processes."""
    config = config_from(args)
    registry = Registry(roots_for(config, project_dir_from(args)), config.scan_max_depth)
    registry.load(ScanBudget())
    return action_blocks_response(registry)


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
