"""The catalog's filter: narrows the catalog as it is typed; enter goes back to the catalog with
the filter kept, escape clears it and goes back.

The focus moves back at once, and keys typed ahead of the move (a quick typist, a busy machine:
the app had already handed them to this box) are passed on to where the focus went, as if typed
there."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input


class FilterBox(Input):
    """`back_to` is the selector of the widget the focus returns to."""

    BINDINGS = [
        Binding("enter", "done", "Catalog", id="filter.done", tooltip="back, the filter kept"),
        Binding("escape", "clear_filter", "Clear", id="filter.clear", tooltip="clear it, back"),
    ]

    def __init__(self, back_to: str, placeholder: str, id: str):
        super().__init__(placeholder=placeholder, id=id)
        self.back_to = back_to

    def action_done(self) -> None:
        self.screen.set_focus(self.screen.query_one(self.back_to))

    def action_clear_filter(self) -> None:
        self.value = ""
        self.action_done()

    async def on_event(self, event: events.Event) -> None:
        focused = self.screen.focused if self.is_attached else None
        if isinstance(event, events.Key) and focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            await self.app.on_event(events.Key(event.key, event.character))  # typed ahead
            return
        await super().on_event(event)
