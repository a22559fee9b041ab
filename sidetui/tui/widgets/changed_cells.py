"""A `DataTable` that draws again only the cells whose value changed, and grows without laying
out the screen again.

Textual's `DataTable` keys its drawn cells by a counter that every `update_cell` and every new
row moves on, so a table with a live column draws every cell in sight on each change - with a
few hundred rows, most of a frame. This table also keeps each drawn cell under its row and column
keys, its look (style - zebra stripe included -, width, cursor, hover, focus) and the very value
object it drew, and draws a cell again only when one of those changed; a cell whose row moved (a
new row on top) keeps its drawing, told its new place. What empties Textual's caches for good
reason (a resize, a theme, a setting of the table) empties this one too.

Nor does it measure cells for columns given a width: Textual measures each new cell, and on a
value that shrank every cell of its column, through Rich, although a fixed column's width never
reads the measure. A page of history or a tick of 500 live rows paid for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import zip_longest
from typing import Any, Self

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.geometry import Region, Size, Spacing
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, DuplicateKey, Row, RowKey

from sidetui.tui.widgets.cell_drawing import draw_text_cell
from sidetui.tui.widgets.pass_styles import StylesOncePerPass

_Drawn = tuple[object, tuple[int, int], list[list[Segment]]]  # (value, where, its lines)


class ChangedCellsTable(StylesOncePerPass, DataTable[Any]):
    """`DataTable`, drawing a cell again only when its value object or its look changed; set a
    cell to a new object to have it drawn (the same object changed in place is not seen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._drawn: dict[tuple[object, ...], _Drawn] = {}  # before: the setup empties it
        self._grown_from: Size | None = None  # while the dimensions are worked out: the size before
        self._one_line_rows = True  # every row is one line high: a row's place is its index
        super().__init__(*args, **kwargs)

    def add_row(self, *cells: Any, height: int | None = 1, **kwargs: Any) -> RowKey:
        self._one_line_rows &= height == 1
        return super().add_row(*cells, height=height, **kwargs)

    def clear(self, columns: bool = False) -> Self:
        self._one_line_rows = True
        return super().clear(columns)

    def _get_row_region(self, row_index: int) -> Region:
        """As Textual's, without adding up the heights of every row above: with rows one line
        high each, a row's place is its index (the cursor's moves read it, several times each)."""
        if not self._one_line_rows or not self.is_valid_row_index(row_index):
            return super()._get_row_region(row_index)
        width = sum(column.get_render_width(self) for column in self.columns.values())
        y = row_index + (self.header_height if self.show_header else 0)
        return Region(0, y, max(self.size.width, width + self._row_label_column_width), 1)

    def _get_fixed_offset(self) -> Spacing:
        """As Textual's, without listing every row when none is fixed: each cursor move asks,
        and the list was made again after every change (a page of history: 20,000 rows)."""
        if self.fixed_rows:
            return super()._get_fixed_offset()
        top = self.header_height if self.show_header else 0
        fixed = self.ordered_columns[: self.fixed_columns]
        left = sum(column.get_render_width(self) for column in fixed)
        return Spacing(top, 0, 0, left + self._row_label_column_width)

    @property
    def _y_offsets(self) -> Sequence[tuple[RowKey, int]]:  # type: ignore[override]
        """Which row each line of the table shows: with rows one line high, line y is row y's,
        told without listing every line again after each change."""
        if self._one_line_rows:
            return _OneLineRows(self._row_locations, self.row_count)
        return super()._y_offsets

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """As Textual's, but a table grown by rows (not widened) is not cause to lay out the
        screen again: its own box does not depend on how many rows it holds, so only its
        scrollbars are told (as Textual does after a layout). New rows used to cost a layout of
        every widget on the screen, each."""
        self._grown_from = self.virtual_size
        try:
            if self._measures_nothing(new_rows):
                self._set_virtual_size()
            else:
                super()._update_dimensions(new_rows)
        finally:
            self._grown_from = None

    def _update_column_widths(self, updated_cells: set[CellKey]) -> None:
        """As Textual's, for the cells of columns whose width is their content's."""
        columns = self.columns
        measured = {
            cell
            for cell in updated_cells
            if (column := columns.get(cell.column_key)) is not None and column.auto_width
        }
        if measured:
            super()._update_column_widths(measured)

    def _measures_nothing(self, new_rows: Iterable[RowKey]) -> bool:
        """Whether no width or height depends on these rows' cells: every column has its
        width, and none of the rows has a label or a height of its content."""
        if any(column.auto_width for column in self.columns.values()):
            return False
        rows = self.rows
        return not any(
            (row := rows.get(key)) is not None and (row.label is not None or row.auto_height)
            for key in new_rows
        )

    def _set_virtual_size(self) -> None:
        """The size of everything the table holds, as Textual works it out after measuring."""
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header
        )

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        grown_from = self._grown_from
        if layout and grown_from is not None and self._box_is_fixed(grown_from):
            self._scroll_update(self.virtual_size)
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _box_is_fixed(self, before: Size) -> bool:
        """Whether a change from `before` to the present virtual size leaves the table's box as
        it is: as wide as before, and a height that is not the content's."""
        height = self.styles.height
        return self.virtual_size.width == before.width and not (height and height.is_auto)

    def add_keyed_rows(self, rows: Iterable[tuple[str, Iterable[object]]]) -> None:
        """Rows of one line each, `(key, cells)`, added at the bottom as `add_row` adds them,
        with the cursor checked and the table's caches moved on once for all of them rather
        than for each (a page of rows paid a reactive update per row)."""
        columns = [column.key for column in self.ordered_columns]
        was_empty = self.row_count == 0
        for key, cells in rows:
            row_key = RowKey(key)
            if row_key in self._row_locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            values = list(cells)
            if len(values) > len(columns):
                raise ValueError("More values provided than there are columns.")
            self._row_locations[row_key] = self.row_count
            self._data[row_key] = dict(zip_longest(columns, values))
            self.rows[row_key] = Row(row_key, 1)
            self._new_rows.add(row_key)
        if self.row_count == 0 and was_empty:
            return
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # a cursor can show where it could not
        self._update_count += 1
        self.check_idle()

    def keys_in_sight(self) -> list[str]:
        """The keys the rows in sight were given (rows one line high)."""
        header = self.header_height if self.show_header else 0
        first = int(self.scroll_y)
        last = min(self.row_count, first + self.scrollable_content_region.height - header)
        keys = (self._row_locations.get_key(i) for i in range(first, last))
        return [key.value for key in keys if key is not None and key.value is not None]

    def update_cell_if_changed(self, row_key: str, column_key: str, value: object) -> None:
        """`update_cell`, unless the cell already holds an equal value."""
        if self.get_cell(row_key, column_key) != value:
            self.update_cell(row_key, column_key, value)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        header = row_index == -1
        row_key = self._header_row_key if header else self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:  # row labels: as Textual does
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        value = self.columns[column_key].label if header else self._data[row_key][column_key]
        height = self.header_height if header else self.rows[row_key].height
        look = (base_style, width, cursor, hover, self._show_hover_cursor, self.show_cursor)
        key = (row_key, column_key, *look, self._pseudo_class_state, height)
        drawn = self._drawn.get(key)
        if drawn is not None and drawn[0] is value:
            if drawn[1] == (row_index, column_index):
                return drawn[2]
            lines = _placed(drawn[2], row_index, column_index)  # rows moved: new places
        else:
            where = (row_index, column_index)
            quick = self._drawn_quickly(value, height, where, base_style, width, look)
            if quick is None:
                quick = super()._render_cell(*where, base_style, width, cursor, hover)
            lines = quick
        if len(self._drawn) > 20_000:  # rows come and go: start again rather than grow
            self._drawn.clear()
        self._drawn[key] = (value, (row_index, column_index), lines)
        return lines

    def _drawn_quickly(
        self,
        value: object,
        height: int,
        where: tuple[int, int],
        base_style: Style,
        width: int,
        look: tuple[object, ...],
    ) -> list[list[Segment]] | None:
        """A text cell one line high (a header's too), with the styles Textual gives it; None
        otherwise."""
        if not isinstance(value, Text) or height != 1:
            return None
        row_index, column_index = where
        _, _, cursor, hover, show_hover_cursor, show_cursor = look
        header = row_index == -1
        fixed = not header and (row_index < self.fixed_rows or column_index < self.fixed_columns)
        component, post = self._get_styles_to_render_cell(
            header, False, fixed, hover, cursor, show_cursor, show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )  # fmt: skip
        place = Style.from_meta({"row": row_index, "column": column_index})
        pre = base_style + place + component
        return draw_text_cell(value, self.app.console, width, self.cell_padding, pre, post)

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._drawn.clear()

    def notify_style_update(self) -> None:
        self._drawn.clear()
        super().notify_style_update()


class _OneLineRows(Sequence[tuple[RowKey, int]]):
    """The (row, line within it) of each line of a table whose rows are one line high."""

    def __init__(self, locations: TwoWayDict[RowKey, int], count: int) -> None:
        self._locations, self._count = locations, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, y: int) -> tuple[RowKey, int]:  # type: ignore[override]
        key = self._locations.get_key(y) if 0 <= y < self._count else None
        if key is None:
            raise IndexError(y)
        return key, 0

    def clear(self) -> None:
        """Nothing kept to let go (Textual's `clear` empties its list)."""


def _placed(lines: list[list[Segment]], row: int, column: int) -> list[list[Segment]]:
    """Lines drawn for a cell elsewhere, told where they are now (a click reads the place from
    the style's meta)."""
    here = Style.from_meta({"row": row, "column": column})
    return [list(Segment.apply_style(line, post_style=here)) for line in lines]
