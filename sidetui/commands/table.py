"""Plain-text tables for people: aligned columns, the last one cut to the terminal's width.

Every cell is outside text (names, descriptions, errors from a project): each is made one safe
line (`terminal_text.one_line`) before it is measured or printed."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import Any

from sidetui.core.terminal_text import one_line


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [tuple(header), *(tuple(_safe(str(cell)) for cell in row) for row in rows)]
    fixed = len(header) - 1
    widths = [max(len(line[i]) for line in lines) for i in range(fixed)]
    width = shutil.get_terminal_size((120, 24)).columns
    out = []
    for line in lines:
        head = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line[:fixed]))
        room = max(20, width - len(head) - 2)
        last = line[fixed] if len(line[fixed]) <= room else line[fixed][: room - 1] + "…"
        out.append(f"{head}  {last}".rstrip())
    return "\n".join(out)


def _safe(cell: str) -> str:
    """`one_line(cell)`; printable ASCII is already one safe line (most cells: skip the work)."""
    return cell if cell.isascii() and cell.isprintable() else one_line(cell)


def entry_state(entry: dict[str, Any]) -> str:
    """The STATE column of a listed entry (block, capability or executor)."""
    if entry["errors"]:
        return "broken"
    if entry["conflictsWith"]:
        return "conflict"
    return "shadowed" if entry["shadowedBy"] else "ok"


def entry_note(entry: dict[str, Any]) -> str:
    """The DESCRIPTION column: why it is broken, else its description."""
    return "; ".join(entry["errors"]) or entry["description"]
