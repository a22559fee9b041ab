"""What an execution's row shows: its cells, and its name - indented under its parent, a parent's
fold mark and count of ended children before it, a watched block's mark, and where it ran when
not here - cut to its column."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from sidetui.core import ExecutionRecord
from sidetui.core.terminal_text import one_line
from sidetui.tui.presentation import Presentation
from sidetui.tui.widgets.execution_columns import outcome
from sidetui.tui.widgets.execution_tree import TreeRows, tree_prefix

WATCHED = "⟳ "  # before the name of a run of a watched block
LIVE = ("status", "pid", "time", "cpu", "mem")  # the columns that move while an execution lives


def row_cells(
    show: Presentation, record: ExecutionRecord, name: Text | None, columns: Sequence[str]
) -> dict[str, Text]:
    """The cells of `columns` for `record`, its `name` as fitted (None: not among them)."""
    execution_id = record.side_execution_id
    live = not record.from_history and (not record.status.is_final or record.end_time is None)
    cells: dict[str, str | Text] = {
        "id": show.execution_id(execution_id, short=True),
        "name": name or Text(),
        "status": show.status(record.status),
        "pid": show.pid(record.pid, execution_id),
        "started": show.started(record),
        "time": show.duration(record),
        "cpu": show.cpu(record, live),
        "mem": show.memory(record, live),
        "exit": show.exit(record).removeprefix("SIG") or "-",  # KILL, TERM: 4 cells
        "outcome": outcome(record),
    }
    return {key: _plain(cells[key]) for key in columns}


def name_prefix(
    show: Presentation,
    execution_id: str,
    tree: TreeRows,
    records: dict[str, ExecutionRecord],
    folded: set[str],
    watched: bool,
) -> Text:
    """What goes before a name: its place in the tree, and the mark of a watched block's run."""
    colours = show.colours
    text = tree_prefix(execution_id, tree, records, folded, colours.get("text-error", "red"))
    if watched:
        text.append(WATCHED, style=f"bold {colours.get('text-accent', 'magenta')}")
    return text


def whole_name(prefix: Text, record: ExecutionRecord, origin: str | None) -> Text:
    """The name after its `prefix` (which it extends), and where it ran, dim."""
    text = prefix
    text.append(one_line(record.action_block))
    if origin:
        text.append(origin, style="dim")
    return text


def cut_name(name: Text, width: int) -> Text:
    """`name` (changed in place) cut with an ellipsis to leave the one-cell gap before the next
    column of `width`."""
    name.truncate(width - 1, overflow="ellipsis")
    return name


def _plain(value: str | Text) -> Text:
    """A cell as text: never read as markup, nor parsed again each time the table measures or
    draws it (with hundreds of rows, that parsing was a quarter of the app's time)."""
    return Text(value, end="", no_wrap=True) if isinstance(value, str) else value
