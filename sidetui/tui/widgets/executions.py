"""The executions table: one row per execution, newest first, each execution started by another
right under its parent (indented; a parent folds them away and counts how many have ended); live
columns kept current; as many columns as fit."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from sidetui.core import ExecutionRecord
from sidetui.tui.presentation import Presentation
from sidetui.tui.widgets.changed_cells import ChangedCellsTable
from sidetui.tui.widgets.execution_cells import (
    LIVE,
    cut_name,
    name_prefix,
    row_cells,
    whole_name,
)
from sidetui.tui.widgets.execution_columns import Layout, layout
from sidetui.tui.widgets.execution_tree import Family, TreeRows, tree_rows


class ExecutionsTable(ChangedCellsTable):
    """Executions as rows keyed by their id."""

    BINDINGS = [
        Binding("enter", "screen.focus_output", "Output", id="show_output",
                tooltip="go to the selected execution's output"),
        Binding("space", "toggle_children", "Fold", id="fold_children", show=False,
                tooltip="fold or unfold the executions the selected one started (on one of "
                "them: fold its parent)"),
    ]  # fmt: skip

    class Selected(Message):
        def __init__(self, record: ExecutionRecord | None):
            super().__init__()
            self.record = record

    def __init__(self, presentation: Presentation, *, id: str | None = None):
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self.presentation = presentation
        self._records: dict[str, ExecutionRecord] = {}
        self._order: list[str] = []  # newest first
        self._tree = TreeRows()  # as shown: children under their parents
        self.folded: set[str] = set()  # parents whose children are not shown
        self.watched: set[str] = set()  # runs of blocks that run again on a change (marked)
        self._layout: Layout = layout(80, 0)
        self._longest_name = 0  # the length of the longest name, as `_fit` last found it
        self.origins: dict[str, str] = {}  # execution id: where it ran, when not here
        self.older: Callable[[], list[ExecutionRecord]] | None = None  # the next page under

    def on_mount(self) -> None:
        self._add_columns()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self, added: dict[str, Text] | None = None) -> bool:
        """The columns that fit the pane (the names take what the others leave), so the table
        fills it without a horizontal scrollbar; True when they changed (rows built again).
        `added`: only these executions came (their names uncut), the others' names are as they
        were (a page of history does not read them all)."""
        room = self.content_size.width - self.styles.scrollbar_size_vertical
        if added is None:
            names = (self._whole_name(record) for record in self._records.values())
            longest = max(map(len, names), default=0)
        else:
            longest = max([self._longest_name, *map(len, added.values())])
        self._longest_name = longest
        fitted = layout(room, longest)
        if fitted == self._layout:
            return False
        self._layout = fitted
        keep = self.selected_id
        self.clear(columns=True)
        self._add_columns()
        self._rebuild(keep)
        return True

    def _add_columns(self) -> None:
        for key, label, width in self._layout:
            self.add_column(label, key=key, width=width)

    @property
    def shown_columns(self) -> tuple[str, ...]:
        return tuple(key for key, _, _ in self._layout)

    @property
    def selected_record(self) -> ExecutionRecord | None:
        execution_id = self.selected_id
        return self._records.get(execution_id) if execution_id else None

    @property
    def selected_id(self) -> str | None:
        rows = self._tree.rows
        if not rows or self.cursor_row < 0 or self.cursor_row >= len(rows):
            return None
        return rows[self.cursor_row]

    @property
    def _rows(self) -> list[str]:  # the executions as the rows show them, top to bottom
        return self._tree.rows

    def upsert(self, record: ExecutionRecord, select: bool = False) -> None:
        """Add a new execution at the top, or bring an existing row up to date; `select` puts
        the cursor on it (the user launched it), otherwise the cursor stays on its execution."""
        execution_id = record.side_execution_id
        if execution_id in self._records:
            self._records[execution_id] = record  # the same, or read again from the history
            if select and execution_id not in self._tree.depth:  # folded away: unfold it
                self._unfold_to(execution_id)
                self._rebuild(execution_id)
                return
            for shown in (execution_id, *self.family.parents_of(execution_id)):
                if shown in self._tree.depth:  # a parent counts its children's endings
                    for key, value in self._cells(self._records[shown]).items():
                        self.update_cell_if_changed(shown, key, value)
            if select:
                self.move_cursor(row=self._tree.rows.index(execution_id))
            return
        keep = self.selected_id  # before the new row moves the rows below it
        self._records[execution_id] = record
        self._order.insert(0, execution_id)
        if select:
            self._unfold_to(execution_id)
        if self._put_on_top(execution_id, execution_id if select else keep):
            self._fit({execution_id: self._whole_name(record)})  # no other row changed
        else:
            self._rebuild(execution_id if select else keep)
            self._fit()

    def _put_on_top(self, execution_id: str, select: str | None) -> bool:
        """A new execution whose row goes on top with no other row moving: its row is added
        and the rows reordered, instead of building them all again (which made starting
        hundreds of executions quadratic). False when the tree changes otherwise."""
        tree = tree_rows(self._order, self._records, self.folded)
        if tree.rows[1:] != self._tree.rows or tree.rows[:1] != [execution_id]:
            return False
        self._tree = tree
        self.add_row(*self._cells(self._records[execution_id]).values(), key=execution_id)
        # Each row told by the object of its first cell (made for it alone by `_cells`).
        place = {id(self.get_row(row)[0]): index for index, row in enumerate(tree.rows)}
        if len(place) < len(tree.rows):  # a cell object shared by two rows: cannot tell
            self._rebuild(select)
            return True
        self.sort(key=lambda cells: place[id(cells[0])])
        if select in tree.depth:
            self.move_cursor(row=tree.rows.index(select))
        self.post_message(self.Selected(self.selected_record))  # the row under it may be new
        return True

    def add_many(self, records: list[ExecutionRecord], older: bool = False) -> None:
        """Add executions (newest first) in one rebuild: on top, or under every row shown
        (`older`: the next page of the history); rows already shown are brought up to date."""
        keep = self.selected_id
        new = [r.side_execution_id for r in records if r.side_execution_id not in self._records]
        for record in records:
            if record.side_execution_id not in new:
                self.upsert(record)
            self._records[record.side_execution_id] = record
        self._order = [*self._order, *new] if older else [*new, *self._order]
        if older and not self._tree.related(new, self._records):  # rows under the others
            self._tree.extend(below := tree_rows(new, self._records, self.folded))
            whole = {i: self._whole_name(self._records[i]) for i in below.rows}
            if not self._fit(whole):  # each name made once: measured, then cut
                self._add_rows(below.rows, whole)
            return
        self._rebuild(keep)
        self._fit()

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        """As the table does; on the last row, the executions below it are read at once, so a
        held `ctrl+end` finds them there at its next press."""
        super().watch_cursor_coordinate(old, new)
        older = self.older
        if older is not None and old != new and new.row == self.row_count - 1:
            self.older = None  # not read twice while its page is added
            try:
                records = older()
                if records:
                    self.add_many(records, older=True)
            finally:
                self.older = older

    def select_newest(self) -> None:
        """The cursor on the newest execution, in sight."""
        if self._tree.rows:
            self.move_cursor(row=0)
            self.scroll_home(animate=False)

    def update_record(self, record: ExecutionRecord) -> None:
        """Bring the row of `record` up to date, if it is shown."""
        if record.side_execution_id in self._records:
            self.upsert(record)

    def remove_executions(self, execution_ids: set[str]) -> None:
        keep = self.selected_id
        for execution_id in execution_ids:
            self._records.pop(execution_id, None)
        self._order = [i for i in self._order if i not in execution_ids]
        self._rebuild(keep if keep not in execution_ids else None)

    def finished_ids(self) -> set[str]:
        return {i for i, record in self._records.items() if record.status.is_final}

    def tick(self) -> None:
        """Refresh the columns that move while an execution lives (time, CPU, memory) in the
        rows in sight; a row brings its own up to date as it comes into sight (with 500 alive,
        refreshing every row each second stopped the keys for tens of ms)."""
        self._refresh_live()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._refresh_live()

    def _refresh_live(self) -> None:
        show, columns = self.presentation, [key for key in LIVE if key in self.shown_columns]
        for execution_id in self.keys_in_sight():
            record = self._records[execution_id]
            if not record.status.is_final or record.end_time is None:
                cells = row_cells(show, record, None, columns)
                for key, value in cells.items():
                    self.update_cell_if_changed(execution_id, key, value)

    def action_toggle_children(self) -> None:
        """Fold or unfold the selected parent; on a child, fold its parent and select it."""
        selected = self.selected_id
        if selected is None:
            return
        if selected in self._tree.children:
            self.folded ^= {selected}
        else:
            parents = self.family.parents_of(selected)
            if not parents:
                return
            self.folded.add(parents[0])
            selected = parents[0]
        self._rebuild(selected)

    @property
    def family(self) -> Family:
        """Who started whom among the executions shown, and what their children came to."""
        return Family(self._tree, self._records)

    def _unfold_to(self, execution_id: str) -> None:
        self.folded -= set(self.family.parents_of(execution_id))

    def _rebuild(self, select: str | None) -> None:
        self.clear()
        self.folded &= set(self._records)
        self._tree = tree_rows(self._order, self._records, self.folded)
        self._add_rows(self._tree.rows)
        if select in self._tree.rows:
            self.move_cursor(row=self._tree.rows.index(select))
        self.post_message(self.Selected(self.selected_record))

    def _add_rows(self, execution_ids: list[str], whole: dict[str, Text] | None = None) -> None:
        records, whole = self._records, whole or {}
        self.add_keyed_rows(
            (i, self._cells(records[i], whole.get(i)).values()) for i in execution_ids
        )

    def _cells(self, record: ExecutionRecord, whole: Text | None = None) -> dict[str, Text]:
        """Its row's cells; `whole`: its name uncut, if made already (cut here to the column)."""
        name = cut_name(whole or self._whole_name(record), self._name_width)
        return row_cells(self.presentation, record, name, self.shown_columns)

    def _prefix(self, execution_id: str) -> Text:
        watched = execution_id in self.watched
        tree, records, folded = self._tree, self._records, self.folded
        return name_prefix(self.presentation, execution_id, tree, records, folded, watched)

    def mark_watched(self, execution_ids: set[str]) -> None:
        """Mark the runs of watched blocks (and unmark the others)."""
        changed = (self.watched ^ execution_ids) & self._tree.depth.keys()
        self.watched = set(execution_ids)
        for execution_id in changed:
            if "name" in self.shown_columns:
                self.update_cell(
                    execution_id, "name", self._cells(self._records[execution_id])["name"]
                )

    def _whole_name(self, record: ExecutionRecord) -> Text:
        """Its name as the name column shows it, before it is cut to the column."""
        origin = self.origins.get(record.side_execution_id)
        return whole_name(self._prefix(record.side_execution_id), record, origin)

    @property
    def _name_width(self) -> int:
        return next(width for key, _, width in self._layout if key == "name")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(self.Selected(self.selected_record))
