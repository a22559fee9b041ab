"""The executions table draws again only the cells whose value changed: a live column ticking
with the same values draws nothing, a changed cell draws itself, and what shows is always the
value it holds."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.text import Text
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable
from textual.widgets.data_table import DuplicateKey

from sidetui.tui.widgets.changed_cells import ChangedCellsTable


class TableApp(App[None]):
    CSS = "ChangedCellsTable { height: 1fr; }"  # as the executions table: its box is the layout's

    def compose(self) -> ComposeResult:
        yield ChangedCellsTable(zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(ChangedCellsTable)
        table.add_column("id", key="id")
        table.add_column("status", key="status")
        for n in range(20):
            table.add_row(Text(f"run-{n}"), Text("running"), key=f"run-{n}")


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(row, column) of each cell drawn from now on: by Textual's `DataTable`, or quickly."""
    cells: list[tuple[int, int]] = []
    textual_drawing = DataTable._render_cell
    quick_drawing = ChangedCellsTable._drawn_quickly

    def by_textual(self, row_index, column_index, *args, **kwargs):  # type: ignore[no-untyped-def]
        cells.append((row_index, column_index))
        return textual_drawing(self, row_index, column_index, *args, **kwargs)

    def quickly(self, value, height, where, *args, **kwargs):  # type: ignore[no-untyped-def]
        lines = quick_drawing(self, value, height, where, *args, **kwargs)
        if lines is not None:
            cells.append(where)
        return lines

    monkeypatch.setattr(DataTable, "_render_cell", by_textual)
    monkeypatch.setattr(ChangedCellsTable, "_drawn_quickly", quickly)
    return cells


async def test_only_changed_cells_are_drawn_again(drawn: list[tuple[int, int]]) -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ChangedCellsTable)
        await pilot.pause()
        assert drawn  # the first frame draws what is in sight
        drawn.clear()
        for n in range(20):  # a tick with the same values: nothing changes
            table.update_cell_if_changed(f"run-{n}", "status", Text("running"))
        await pilot.pause()
        assert drawn == []
        table.update_cell_if_changed("run-3", "status", Text("stopped"))
        await pilot.pause()
        assert [cell for cell in drawn if cell[0] >= 0] == [(3, 1)]  # that cell alone
        assert table.get_cell("run-3", "status") == Text("stopped")
        lines = app.export_screenshot()
        assert "stopped" in lines and lines.count("running") >= 5


async def test_rows_that_move_keep_their_drawing_told_their_new_place(
    drawn: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """New rows on top shift the others: once a row was drawn in both stripes, a shift keeps its
    drawing; every cell shows what Textual itself would draw there, its place (what a click
    reads) included."""
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ChangedCellsTable)

        shown = [f"run-{n}" for n in range(20)]

        async def new_row_on_top(name: str) -> None:
            table.add_row(Text(name), Text("running"), key=name)
            shown.insert(0, name)
            place = {key: index for index, key in enumerate(shown)}
            table.sort(key=lambda cells: place[str(cells[0])])
            await pilot.pause()

        await pilot.pause()
        await new_row_on_top("new-a")  # every row's other stripe: drawn once
        await new_row_on_top("new-b")
        drawn.clear()
        await new_row_on_top("new-c")
        # the new row (under the cursor), and the two newest in a stripe not drawn before
        assert {row for row, _ in drawn if row >= 0} == {0, 1, 2}
        monkeypatch.undo()
        for y in range(1, 9):
            ours = list(table.render_line(y))
            assert simple(ours) == simple(textual_line(table, y, monkeypatch)), y
            assert {s.style.meta.get("row") for s in ours if s.style and s.style.meta} == {y - 1}


def textual_line(table: DataTable, y: int, monkeypatch: pytest.MonkeyPatch) -> list[Segment]:
    """Line `y` of `table` as Textual's own `DataTable` draws it."""
    with monkeypatch.context() as patch:
        patch.setattr(type(table), "_render_cell", DataTable._render_cell)
        table._clear_caches()
        line = list(DataTable.render_line(table, y))
    table._clear_caches()
    return line


def simple(line: list[Segment]) -> list[Segment]:
    """The line as a terminal shows it: neighbours of one style joined."""
    return list(Segment.simplify(line))


async def test_rows_added_do_not_lay_out_the_screen_and_scroll_into_view(monkeypatch) -> None:
    """A table grown by rows keeps its box: the screen is not laid out again, and the scrollbar
    and the scroll range still follow the new rows."""
    layouts: list[object] = []
    original = Screen._refresh_layout

    def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        layouts.append(self)
        return original(self, *args, **kwargs)

    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ChangedCellsTable)
        await pilot.pause()
        scroll_range = table.max_scroll_y
        monkeypatch.setattr(Screen, "_refresh_layout", counting)
        for n in range(20, 30):
            table.add_row(Text(f"run-{n}"), Text("running"), key=f"run-{n}")
            await pilot.pause()
        assert layouts == []
        assert table.max_scroll_y == scroll_range + 10
        table.move_cursor(row=29)
        await pilot.pause()
        assert "run-29" in table.render_line(table.size.height - 1).text  # the bottom line
        assert table.vertical_scrollbar.window_virtual_size == 31  # 30 rows and the header


class FixedColumnsApp(App[None]):
    """A table of columns given a width, filled one row at a time or in one go."""

    CSS = "ChangedCellsTable { height: 1fr; }"

    def __init__(self, at_once: bool) -> None:
        super().__init__()
        self.at_once = at_once

    def compose(self) -> ComposeResult:
        yield ChangedCellsTable(zebra_stripes=True, cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(ChangedCellsTable)
        table.add_column("id", key="id", width=8)
        table.add_column("status", key="status", width=10)
        rows = [(f"run-{n}", [Text(f"run-{n}"), Text("ran" if n % 3 else "a much longer status")])
                for n in range(30)]  # fmt: skip
        if self.at_once:
            table.add_keyed_rows(rows)
        else:
            for key, cells in rows:
                table.add_row(*cells, key=key)


async def test_rows_added_in_one_go_show_as_rows_added_one_by_one() -> None:
    """`add_keyed_rows` leaves the table as `add_row` does: the same lines, size and cursor
    (on the first row, highlighted), cells cut to their column's width, not widening it."""
    shown: list[tuple[object, ...]] = []
    for at_once in (False, True):
        app = FixedColumnsApp(at_once)
        async with app.run_test(size=(40, 12)) as pilot:
            table = app.query_one(ChangedCellsTable)
            await pilot.pause()
            lines = tuple(tuple(table.render_line(y)) for y in range(10))
            shown.append((lines, table.virtual_size, table.cursor_coordinate, table.row_count))
            assert table.virtual_size.width == 22  # two cells of padding each
            assert "a much lon" in table.render_line(1).text  # the first row: cut at 10 cells
            with pytest.raises(DuplicateKey):
                table.add_keyed_rows([("run-3", [Text("again"), Text("ran")])])
    assert shown[0] == shown[1]


class ManyLooksApp(App[None]):
    """Cells of every kind of text: styled, with spans, wide letters, too long, empty, a tab, a
    line break, an ellipsis; a fixed column; the cursor on a row."""

    CSS = "ChangedCellsTable { height: 1fr; }"

    def __init__(self, padding: int, cursor: str) -> None:
        super().__init__()
        self.padding, self.cursor = padding, cursor

    def compose(self) -> ComposeResult:
        yield ChangedCellsTable(
            zebra_stripes=True,
            cursor_type=self.cursor,
            cell_padding=self.padding,  # type: ignore[arg-type]
        )

    def on_mount(self) -> None:
        table = self.query_one(ChangedCellsTable)
        table.fixed_columns = 1
        for key in ("a", "b", "c"):
            table.add_column(key, key=key, width=8)
        spans = Text("err ok", style="italic")
        spans.stylize("bold red", 0, 3)
        texts = [
            Text("plain"), Text("✔ done", style="bold #00ff00"), spans, Text("日本語の名前です"),
            Text("a value too long for it", style="dim"), Text(""), Text("tab\there"),
            Text("two\nlines"), Text("ellipsis here, long", overflow="ellipsis"),
        ]  # fmt: skip
        for n in range(0, len(texts), 3):
            table.add_row(*texts[n : n + 3], key=str(n))
        table.add_row("[b]markup[/b]", 1.5, Text("right", justify="right"), key="others")


@pytest.mark.parametrize(("padding", "cursor"), [(0, "row"), (1, "column")])
async def test_text_cells_drawn_quickly_look_as_textual_draws_them(
    padding: int, cursor: str, drawn: list[tuple[int, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Headers too (with a column cursor, the header over it is highlighted)."""
    app = ManyLooksApp(padding, cursor)
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(ChangedCellsTable)
        table.move_cursor(row=1, column=1)
        await pilot.pause()
        assert len(set(drawn)) >= 7  # most cells took the quick way
        monkeypatch.undo()
        for y in range(table.row_count + 1):
            assert simple(list(table.render_line(y))) == simple(textual_line(table, y, monkeypatch))


async def test_one_line_rows_scroll_to_the_cursor_and_a_click_picks_the_row_shown() -> None:
    app = FixedColumnsApp(at_once=True)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ChangedCellsTable)
        await pilot.pause()
        table.move_cursor(row=25)
        await pilot.pause()
        assert "run-25" in table.render_line(table.size.height - 1).text  # scrolled to its row
        line = 4
        shown = table.render_line(line).text.split()[0]
        assert await pilot.click(ChangedCellsTable, offset=(1, line))
        await pilot.pause()
        assert table.get_row_at(table.cursor_row)[0].plain == shown
        table.add_row(Text("tall"), Text("two lines"), key="tall", height=2)  # now Textual's way
        table.move_cursor(row=30)
        await pilot.pause()
        assert "tall" in table.render_line(table.size.height - 2).text


async def test_the_fixed_offset_is_textuals_without_listing_the_rows() -> None:
    app = FixedColumnsApp(at_once=True)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(ChangedCellsTable)
        await pilot.pause()
        for header, fixed_rows, fixed_columns in [(True, 0, 0), (False, 0, 1), (True, 2, 1)]:
            table.show_header, table.fixed_rows, table.fixed_columns = (
                header,
                fixed_rows,
                fixed_columns,
            )
            await pilot.pause()
            ours = table._get_fixed_offset()
            assert ours == DataTable._get_fixed_offset(table)
            assert ours.top == (1 if header else 0) + fixed_rows
            assert ours.left == (
                table.columns[next(iter(table.columns))].get_render_width(table)
                if fixed_columns
                else 0
            )
