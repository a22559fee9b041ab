"""The execution tree: which execution started which (`parentExecutionId`), in the order the
executions table shows them - each under its parent, newest first - with the children of a
folded parent left out, and what a parent's children have come to."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text

from sidetui.core import ExecutionRecord, ExecutionStatus

FOLDED, UNFOLDED, CHILD = "▸ ", "▾ ", "└ "
TROUBLE = frozenset({ExecutionStatus.FAILED, ExecutionStatus.TIMEOUT})


@dataclass
class TreeRows:
    """The rows in display order, each one's depth, and every parent's children (shown or not)."""

    rows: list[str] = field(default_factory=list)
    depth: dict[str, int] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    absent_parents: set[str] = field(default_factory=set)  # parents named but not among them


def tree_rows(
    newest_first: list[str], records: dict[str, ExecutionRecord], folded: set[str]
) -> TreeRows:
    """Each execution followed by those it started (newest first, recursively), except under a
    `folded` one. An execution whose parent is not shown is a root."""
    tree = TreeRows()
    roots = []
    for execution_id in newest_first:
        parent = records[execution_id].parent_execution_id
        if parent in records and parent != execution_id:
            tree.children.setdefault(parent, []).append(execution_id)
        else:
            roots.append(execution_id)
            if parent is not None and parent != execution_id:
                tree.absent_parents.add(parent)
    placed: set[str] = set()
    stack = [(execution_id, 0) for execution_id in reversed(roots)]
    while stack:
        execution_id, level = stack.pop()
        if execution_id in placed:
            continue
        placed.add(execution_id)
        tree.rows.append(execution_id)
        tree.depth[execution_id] = level
        if execution_id not in folded:
            below = tree.children.get(execution_id, [])
            stack += [(child, level + 1) for child in reversed(below)]
    return tree


def descendants(execution_id: str, children: dict[str, list[str]]) -> list[str]:
    """Every execution started, directly or not, by `execution_id`."""
    found: list[str] = []
    stack = list(children.get(execution_id, []))
    while stack:
        child = stack.pop()
        if child not in found:
            found.append(child)
            stack += children.get(child, [])
    return found


def children_summary(
    execution_id: str, tree: TreeRows, records: dict[str, ExecutionRecord]
) -> tuple[int, int, int]:
    """(ended, all, failed or timed out) of everything `execution_id` started."""
    below = [records[i] for i in descendants(execution_id, tree.children) if i in records]
    ended = sum(1 for r in below if r.status.is_final)
    failed = sum(1 for r in below if r.status in TROUBLE)
    return ended, len(below), failed


def tree_prefix(
    execution_id: str,
    tree: TreeRows,
    records: dict[str, ExecutionRecord],
    folded: set[str],
    error_style: str,
) -> Text:
    """What goes before a name: its indent under its parent, and for a parent whether it is
    folded and how many of its children have ended (`▾ 2/3 `; red when one failed)."""
    depth = tree.depth.get(execution_id, 0)
    text = Text()
    if depth:
        text.append("  " * (depth - 1) + CHILD, style="dim")
    if execution_id in tree.children:
        ended, total, failed = children_summary(execution_id, tree, records)
        text.append(FOLDED if execution_id in folded else UNFOLDED, style="bold")
        text.append(f"{ended}/{total} ", style=error_style if failed else "dim")
    return text
