"""The catalog: ActionBlocks, capabilities by type, executors, as a tree that follows the disk.

Entries carry their source as a badge (project entries need none) and their state as a word:
broken, shadowed, conflict. A rebuild keeps the cursor on the entry it was on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from sidetui.core import ActionBlock, Entry, Source
from sidetui.core.catalog.entries import Capability, Executor
from sidetui.core.terminal_text import one_line

Node = TreeNode[Entry | None]


EMPTY_HINT = "+ new block"
LAUNCH_TIP = "launch the highlighted entry: a form from its declared inputs"
FILTER_TIP = "narrow the catalog as you type (every word must match)"


class CatalogTree(Tree[Entry | None]):
    """Everything that can be run, grouped by kind; `enter` asks to launch the entry. Without
    ActionBlocks of its own, the project gets a line offering to create one."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Launch", id="launch", tooltip=LAUNCH_TIP),
        Binding("slash", "screen.focus_filter", "Filter", id="filter", tooltip=FILTER_TIP),
    ]

    class EntryHighlighted(Message):
        def __init__(self, entry: Entry | None):
            super().__init__()
            self.entry = entry

    class LaunchRequested(Message):
        def __init__(self, entry: Entry):
            super().__init__()
            self.entry = entry

    class NewBlockRequested(Message):
        """`enter` on the line offering to create a block."""

    def __init__(self, colours: dict[str, str], *, id: str | None = None):
        super().__init__("catalog", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.colours = colours
        self._entries: list[Entry] = []
        self._filter = ""
        self._announced: Entry | None = None  # the entry the details were last told about
        self._hint: Node | None = None  # the offer to create a block, in an empty project

    @property
    def highlighted_entry(self) -> Entry | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def set_entries(self, entries: Iterable[Entry]) -> None:
        self._entries = list(entries)
        self._rebuild()

    @property
    def project_is_empty(self) -> bool:
        """No ActionBlock of the project's own (the catalog offers to create one)."""
        return self._hint is not None

    def select_path(self, path: Path) -> bool:
        """Put the cursor on the entry in the folder `path`, if it is shown."""
        for line in range(self.last_line + 1):
            node = self.get_node_at_line(line)
            if node is not None and node.data is not None and node.data.path == path:
                self.cursor_line = line
                return True
        return False

    @property
    def filter(self) -> str:
        return self._filter

    def set_filter(self, text: str) -> None:
        self._filter = text.strip().lower()
        self._rebuild()

    def _rebuild(self) -> None:
        current = self.highlighted_entry
        keep = current.path if current is not None else None
        was_at = self.cursor_line
        collapsed = {str(n.label) for n in self._group_nodes() if not n.is_expanded}
        self.clear()
        chosen = [e for e in self._entries if self._matches(e)]
        blocks = [e for e in chosen if isinstance(e, ActionBlock) and not isinstance(e, Executor)]
        capabilities = [e for e in chosen if isinstance(e, Capability)]
        executors = [e for e in chosen if isinstance(e, Executor)]
        group = self._group(self.root, "ActionBlocks", blocks, collapsed)
        self._hint = None
        if not self._filter and not any(e.source is Source.PROJECT for e in blocks):
            self._hint = group.add_leaf(Text(EMPTY_HINT, style="dim italic"), data=None)
        by_type: dict[str, list[Entry]] = {}
        for capability in capabilities:
            by_type.setdefault(capability.type or "?", []).append(capability)
        parent = self._group(self.root, "Capabilities", [], collapsed, count=len(capabilities))
        for kind, members in sorted(by_type.items()):
            self._group(parent, kind, members, collapsed)
        self._group(self.root, "Executors", executors, collapsed)
        if self._filter:  # while filtering, a group with nothing that matches is noise
            for group in list(self.root.children):
                if not group.children:
                    group.remove()
        self._restore_cursor(keep, was_at)
        self._announce(self.highlighted_entry)

    def _announce(self, entry: Entry | None) -> None:
        """Tell the details about the highlighted entry when it is another one (a rebuild or a
        filter can change it without moving the cursor; with none, what is said instead may
        change)."""
        if entry is not self._announced or entry is None:
            self._announced = entry
            self.post_message(self.EntryHighlighted(entry))

    def _group(
        self,
        parent: Node,
        title: str,
        entries: Sequence[Entry],
        collapsed: set[str],
        count: int | None = None,
    ) -> Node:
        label = Text.assemble(
            (one_line(title), "bold"), (f" {len(entries) if count is None else count}", "dim")
        )
        node = parent.add(label, data=None, expand=str(label) not in collapsed)
        for entry in entries:
            node.add_leaf(self.label_for(entry), data=entry)
        return node

    def label_for(self, entry: Entry) -> Text:
        label = Text(one_line(entry.name))
        if entry.source is not Source.PROJECT:
            label.append(f" {entry.source.label}", style=self.colours.get("text-secondary", "dim"))
        if entry.errors:
            label.append(" ✘ broken", style=f"bold {self.colours.get('text-error', 'red')}")
        elif entry.conflicts_with:
            label.append(" ⚠ conflict", style=self.colours.get("text-warning", "yellow"))
            label.append(one_line(f" {entry.path.parent.name}/{entry.path.name}"), style="dim")
        elif entry.shadowed_by:
            label.append(" ⇣ shadowed", style="dim")
        return label

    def _matches(self, entry: Entry) -> bool:
        if not self._filter:
            return True
        haystack = f"{entry.name} {entry.description} {getattr(entry, 'type', '')}".lower()
        return all(word in haystack for word in self._filter.split())

    def _group_nodes(self) -> list[Node]:
        nodes: list[Node] = []
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.data is None:
                nodes.append(node)
                stack.extend(node.children)
        return nodes

    def _restore_cursor(self, path: Path | None, was_at: int) -> None:
        """Back on the entry at `path`; if it is gone, on the entry nearest where it was."""
        entry_lines: list[int] = []
        for line in range(self.last_line + 1):
            node = self.get_node_at_line(line)
            if node is not None and node.data is not None:
                if node.data.path == path:
                    self.cursor_line = line
                    return
                entry_lines.append(line)
        hint = self._hint
        if path is None and hint is not None and hint.line >= 0:
            self.cursor_line = hint.line  # an empty project: the offer to create a block first
        elif not entry_lines:
            self.cursor_line = 0
        elif path is None:
            self.cursor_line = entry_lines[0]
        else:
            self.cursor_line = min(entry_lines, key=lambda line: (abs(line - was_at), line))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Entry | None]) -> None:
        event.stop()
        self._announce(self.highlighted_entry)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Entry | None]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.LaunchRequested(event.node.data))
        elif event.node is self._hint:
            self.post_message(self.NewBlockRequested())
