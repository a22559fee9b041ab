"""How one execution ended and what it was, as the result and details tabs show them; nothing in
them is read as markup and every control sequence is removed from outside text."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.json import JSON
from rich.table import Table
from rich.text import Text

from sidetui.core import ExecutionRecord, ExecutionStatus
from sidetui.core.terminal_text import strip_ansi
from sidetui.tui.presentation import Presentation
from sidetui.tui.widgets.execution_tree import ChildrenCount
from sidetui.tui.widgets.resource_graphs import resource_rows

STDERR_LINES = 5  # of a failed execution, under its error: what it said last
EXPLAINED_BY_RESULT = frozenset({ExecutionStatus.FAILED, ExecutionStatus.TIMEOUT})


def explaining_tab(record: ExecutionRecord) -> str | None:
    """The tab that explains how `record` ended, when it is not its output: the result of a
    failure or a timeout, and of a completed execution that printed nothing but returned
    something."""
    if record.status in EXPLAINED_BY_RESULT:
        return "result"
    if record.status is ExecutionStatus.COMPLETED and record.result not in (None, {"exitCode": 0}):
        stdout = record.stdout
        if stdout is not None and not stdout.bytes_total:
            return "result"
    return None


def result_of(record: ExecutionRecord | None, show: Presentation) -> RenderableType:
    if record is None:
        return Text("")
    if not record.status.is_final:
        return Text(f"{record.status.value}…", style="dim")
    if record.error is not None:
        colour = show.colours.get("text-error", "red")
        parts: list[RenderableType] = [
            Text(strip_ansi(str(record.error.code)), style=f"bold {colour}"),
            Text(strip_ansi(record.error.message)),
        ]
        said = [line for line in _last_stderr_lines(record) if line not in record.error.message]
        if said:  # more than the message quotes
            parts.append(Text("\nits last lines on stderr:", style="dim"))
            parts += [Text(strip_ansi(line)) for line in said]
    else:
        parts = [Text("result", style="bold"), json_of(record.result)]
    for notice in record.notices:
        parts.append(Text(f"note: {strip_ansi(notice)}", style="dim"))
    return Group(*parts)


def details_of(
    record: ExecutionRecord | None, show: Presentation, children: ChildrenCount | None = None
) -> RenderableType:
    """The facts of `record`; for a parent, what the executions it started (`children`, all
    its descendants) have come to."""
    if record is None:
        return Text("")
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    rows: list[tuple[str, Any]] = [
        ("id", show.execution_id(record.side_execution_id)),
        ("kind", record.kind.value),
        ("runs", strip_ansi(record.action_block)),
        ("block path", show.path(record.action_block_path) if record.action_block_path else "-"),
        ("status", show.status(record.status)),
        ("pid", show.pid(record.pid, record.side_execution_id)),
        ("started", show.started(record)),
        ("ended", show.ended(record)),
        ("duration", show.duration(record)),
        *resource_rows(record, show),
        ("exit", show.exit(record) or "-"),
        ("timeout", f"{record.timeout} ms" if record.timeout else "none"),
        ("thread", show.thread(record.thread_id)),
        ("started by", _parent(record, show)),
        *_children_row(children, show),
        ("params", json_of(record.params)),
    ]
    rows += [
        (f"{name} log", show.log_path(path, record.side_execution_id))
        for name, path in record.log_paths.items()
        if path and show.log_path(path, record.side_execution_id)
    ]
    if record.leftover_pids:
        rows.append(("survivors", ", ".join(map(str, record.leftover_pids))))
    for label, value in rows:
        table.add_row(label, Text(value) if isinstance(value, str) else value)
    return table


def json_of(value: Any) -> RenderableType:
    try:
        return JSON(strip_ansi(json.dumps(value, ensure_ascii=False, default=str)))
    except (TypeError, ValueError):
        return Text(repr(value))


def _last_stderr_lines(record: ExecutionRecord) -> list[str]:
    stderr = record.stderr
    if stderr is None:
        return []
    lines = stderr.lines()[-STDERR_LINES:]
    return [line for line in lines if line.strip()]


def _children_row(children: ChildrenCount | None, show: Presentation) -> list[tuple[str, Any]]:
    """`children  2 of 3 ended · 1 failed` (marked like the table's count), for a parent."""
    if children is None:
        return []
    style = show.colours.get("text-error", "red") if children.troubled else ""
    return [("children", Text(children.in_words(), style=style))]


def _parent(record: ExecutionRecord, show: Presentation) -> str:
    if record.parent_execution_id:
        return f"execution {show.execution_id(record.parent_execution_id)}"
    return strip_ansi(f"{record.parent_agent_id or '-'}")
