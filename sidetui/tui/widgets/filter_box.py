"""The catalog's filter: narrows the catalog as it is typed; enter goes back to the catalog with
the filter kept, escape clears it and goes back."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterBox(Input):
    BINDINGS = [
        Binding("enter", "done", "Catalog", id="filter.done", tooltip="back, the filter kept"),
        Binding("escape", "clear_filter", "Clear", id="filter.clear", tooltip="clear it, back"),
    ]

    class Done(Message):
        """The person is done with the filter."""

    def action_done(self) -> None:
        self.post_message(self.Done())

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Done())
