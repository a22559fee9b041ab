"""A table that reads its styles once per drawing pass draws exactly what Textual's table draws,
header, zebra stripes and cursor included, and takes a style changed between two passes."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widgets import DataTable

from sidetui.tui.widgets.pass_styles import StylesOncePerPass


class OncePerPass(StylesOncePerPass, DataTable[Any]):
    pass


class Tables(App[None]):
    CSS = """
    DataTable { height: 8; }
    .loud > .datatable--header { background: red; }
    .loud > .datatable--odd-row { background: blue; }
    """

    def compose(self) -> ComposeResult:
        yield DataTable(zebra_stripes=True, id="textual")
        yield OncePerPass(zebra_stripes=True, id="once")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_columns("id", "status")
            for n in range(10):
                table.add_row(Text(f"run-{n}"), Text("running", style="green"))
            table.move_cursor(row=2)


def drawn(table: DataTable[Any]) -> list[Strip]:
    table._clear_caches()
    table._styles_cache.clear()
    return table.render_lines(table.region.reset_offset)


async def test_it_draws_what_textuals_table_draws_and_follows_a_style_change() -> None:
    app = Tables()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        textual, once = app.query_one("#textual", DataTable), app.query_one("#once", OncePerPass)
        app.set_focus(None)  # neither has the focus, which changes the header's look
        await pilot.pause()
        before = drawn(textual)
        assert drawn(once) == before
        textual.focus()
        await pilot.pause()
        focused = drawn(textual)
        once.focus()
        await pilot.pause()
        assert drawn(once) == focused != before  # a focused table's header looks otherwise
        app.set_focus(None)
        await pilot.pause()
        for table in (textual, once):
            table.add_class("loud")
        await pilot.pause()
        after = drawn(textual)
        assert after != before  # the header and odd rows took the new colours...
        assert drawn(once) == after  # ...in both tables, nothing kept from the pass before
