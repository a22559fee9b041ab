"""`?`: every key, by where it works, as bound now (rebinding from the configuration applied),
with the binding id to rebind it by."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sidetui.tui.bindings import MAIN_BINDINGS
from sidetui.tui.keys import keys_of
from sidetui.tui.screens.confirm import ConfirmScreen
from sidetui.tui.screens.inline_code import InlineCodeScreen
from sidetui.tui.screens.launch import LaunchScreen
from sidetui.tui.screens.new_block import NewBlockScreen
from sidetui.tui.widgets.catalog import CatalogTree
from sidetui.tui.widgets.executions import ExecutionsTable
from sidetui.tui.widgets.filter_box import FilterBox

Row = tuple[str, str, str]  # keys, what they do, binding id ("" for a key that is not rebound)

MOVING = [
    (
        "tab shift+tab",
        "the next / previous part of the screen (the one with the focus is lit)",
        "",
    ),
]
CATALOG = [
    ("↑ ↓", "move through the entries; the details show the one under the cursor", ""),
    ("space", "open or close a group", ""),
]
EXECUTIONS = [("↑ ↓", "select an execution; the output shows it", "")]
OUTPUT = [
    ("↑↓ pgup pgdn", "scroll (scrolling up stops following the end)", ""),
    ("home", "the start", ""),
    ("end", "the end, and follow it", ""),
    ("mouse drag", "select text, for c to copy", ""),
]
SEARCH_BAR = [("enter / esc", "the next match / close the search bar", "")]


class HelpScreen(ModalScreen[None]):
    """Every key of the app; esc, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="help"):
            yield Static(Text("Keys, by where they work", style="bold"))
            with VerticalScroll(id="help-body"):
                yield Static(self._table())
            yield Static(
                Text(
                    "Rebind a key by its id: [keys] in ~/.config/sidetui/config.toml. esc closes.",
                    style="dim",
                )
            )

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()  # the arrows and page keys scroll it

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        table.add_column(style="dim", no_wrap=True)
        palette = ("ctrl+p", "the command palette: every action, Launch <name>, Stop <id>", "")
        app_keys = [*self._rows(self.app.BINDINGS), palette]
        sections: Sequence[tuple[str, list[Row]]] = (
            ("Everywhere", app_keys + MOVING),
            ("Main screen", self._rows(MAIN_BINDINGS)),
            ("Catalog", self._rows(CatalogTree.BINDINGS) + CATALOG),
            ("Filter box", self._rows(FilterBox.BINDINGS)),
            ("Executions", self._rows(ExecutionsTable.BINDINGS) + EXECUTIONS),
            ("Output", OUTPUT),
            ("Search bar", SEARCH_BAR),
            ("Launch dialog", self._rows(LaunchScreen.BINDINGS)),
            ("Inline code", self._rows(InlineCodeScreen.BINDINGS)),
            ("New block", self._rows(NewBlockScreen.BINDINGS)),
            ("Questions", self._rows(ConfirmScreen.BINDINGS)),
        )
        for title, rows in sections:
            table.add_row(Text(title, style="bold underline"), "", "")
            for keys, what, binding_id in rows:
                table.add_row(Text(keys), Text(what), Text(binding_id))
            table.add_row("", "", "")
        return table

    def _rows(self, bindings: Iterable[BindingType]) -> list[Row]:
        return [
            (keys_of(self.app, b), b.tooltip or b.description, b.id or "")
            for b in bindings
            if isinstance(b, Binding)
        ]
