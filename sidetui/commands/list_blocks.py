"""`sidetui list`: the ActionBlocks found, as a table for people or one JSON document."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Iterable
from typing import Any

from sidetui.commands.common import config_from, print_json, print_out, project_dir_from
from sidetui.commands.table import entry_note, entry_state, render_table
from sidetui.core.catalog.entries import ActionBlock
from sidetui.core.catalog.listing import action_blocks_response
from sidetui.core.catalog.registry import Registry
from sidetui.core.catalog.roots import registry_for
from sidetui.core.catalog.scan_budget import ScanBudget


def main(args: argparse.Namespace) -> int:
    # One scan, one print, then the process ends: the cyclic collector would only walk the
    # growing catalog again and again (a sixth of the time of a large one), finding nothing.
    gc.disable()
    registry = _scanned(args)
    if args.json:
        print_json(action_blocks_response(registry))
    else:
        print_out(blocks_table(_table_fields(block) for block in registry.action_blocks()))
    return 0


def _scanned(args: argparse.Namespace) -> Registry:
    """The catalog alone, scanned once: no manager, no child processes; parsed manifests are
    kept in the state folder for the next time."""
    config = config_from(args)
    registry = registry_for(config, project_dir_from(args))
    registry.load(ScanBudget())
    return registry


def _table_fields(block: ActionBlock) -> dict[str, Any]:
    """The fields of `ActionBlock.to_dict` the table shows, without building the rest."""
    return {
        "name": block.name,
        "source": block.source.label,
        "runtime": block.runtime,
        "version": block.version,
        "errors": block.errors,
        "conflictsWith": block.conflicts_with,
        "shadowedBy": block.shadowed_by,
        "description": block.description,
    }


def blocks_table(blocks: Iterable[dict[str, Any]]) -> str:
    """One line a block: name, source, runtime, version, state, then description or error."""
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
    if not rows:
        return "No ActionBlocks found."
    return render_table(header, rows)
