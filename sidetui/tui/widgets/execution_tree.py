"""The execution tree: which execution started which (`parentExecutionId`), in the order the
executions table shows them - each under its parent, newest first - with the children of a
folded parent left out, and what a parent's children have come to (counted on its row, said in
words in its details)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text

from sidetui.core import ExecutionRecord, ExecutionStatus

FOLDED, UNFOLDED, CHILD = "▸ ", "▾ ", "└ "


@dataclass
class TreeRows:
    """The rows in display order, each one's depth, and every parent's children (shown or not)."""

    rows: list[str] = field(default_factory=list)
    depth: dict[str, int] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    absent_parents: set[str] = field(default_factory=set)  # parents named but not among them

    def related(self, new: list[str], records: dict[str, ExecutionRecord]) -> bool:
        """Whether one of `new` started, or was started by, an execution known before them."""
        fresh = set(new)
        for execution_id in new:
            parent = records[execution_id].parent_execution_id
            if execution_id in self.absent_parents or (parent in records and parent not in fresh):
                return True
        return False

    def extend(self, below: TreeRows) -> None:
        """`below`'s rows under these (executions none of these is `related` to)."""
        self.rows += below.rows
        self.depth.update(below.depth)
        self.children.update(below.children)
        self.absent_parents |= below.absent_parents


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


@dataclass(frozen=True)
class ChildrenCount:
    """What everything one execution started (all its descendants) has come to."""

    ended: int
    total: int
    failed: int
    timed_out: int

    @property
    def troubled(self) -> bool:
        """One of them failed or timed out: the count is marked."""
        return bool(self.failed or self.timed_out)

    def in_words(self) -> str:
        """`2 of 3 ended · 1 failed`, as the details tab says it."""
        said = [f"{self.ended} of {self.total} ended"]
        if self.failed:
            said.append(f"{self.failed} failed")
        if self.timed_out:
            said.append(f"{self.timed_out} timed out")
        return " · ".join(said)


def children_summary(
    execution_id: str, tree: TreeRows, records: dict[str, ExecutionRecord]
) -> ChildrenCount:
    """How many of everything `execution_id` started have ended, failed and timed out."""
    below = [records[i] for i in descendants(execution_id, tree.children) if i in records]
    return ChildrenCount(
        ended=sum(1 for r in below if r.status.is_final),
        total=len(below),
        failed=sum(1 for r in below if r.status is ExecutionStatus.FAILED),
        timed_out=sum(1 for r in below if r.status is ExecutionStatus.TIMEOUT),
    )


@dataclass(frozen=True)
class Family:
    """Who started whom among the executions a table shows (`tree` built from `records`)."""

    tree: TreeRows
    records: dict[str, ExecutionRecord]

    def parents_of(self, execution_id: str) -> list[str]:
        """Its parent, the parent's parent... among them (none when it is not one of them)."""
        found: list[str] = []
        record = self.records.get(execution_id)
        parent = record.parent_execution_id if record is not None else None
        while parent in self.records and parent not in found and parent != execution_id:
            found.append(parent)
            parent = self.records[parent].parent_execution_id
        return found

    def children_of(self, execution_id: str) -> ChildrenCount | None:
        """What the executions it started have come to (None: it started none)."""
        if execution_id not in self.tree.children:
            return None
        return children_summary(execution_id, self.tree, self.records)


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
        count = children_summary(execution_id, tree, records)
        text.append(FOLDED if execution_id in folded else UNFOLDED, style="bold")
        text.append(f"{count.ended}/{count.total} ", style=error_style if count.troubled else "dim")
    return text
