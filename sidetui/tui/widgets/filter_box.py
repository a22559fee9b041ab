"""The filters. The catalog's narrows the catalog as it is typed; enter goes back to the catalog
with the filter kept, escape clears it and goes back. The output's shows only the lines that match
(`OutputFilterBox`).

The focus moves back at once, and keys typed ahead of the move (a quick typist, a busy machine:
the app had already handed them to this box) are passed on to where the focus went, as if typed
there."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from sidetui.core.output.log_query import LineQuery

FILTER_PLACEHOLDER = (
    "filter the output · ctrl+r regex · ctrl+t case · ctrl+n invert · escape: clear"
)


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


class OutputFilterBox(Input):
    """The output's filter: the lines shown are those that match what is typed (as it is
    typed); ctrl+r, ctrl+t and ctrl+n toggle regex, case and invert; enter goes back to the
    output with the filter kept, escape clears it."""

    BINDINGS = [
        Binding("ctrl+r", "toggle_option('regex')", "Regex", id="output_filter.regex",
                tooltip="the filter is a regular expression (or plain text)"),
        Binding("ctrl+t", "toggle_option('case_sensitive')", "Case", id="output_filter.case",
                tooltip="the filter tells upper from lower case (or not)"),
        Binding("ctrl+n", "toggle_option('invert')", "Invert", id="output_filter.invert",
                tooltip="show the lines that do not match"),
        Binding("enter", "done", "Output", id="output_filter.done", tooltip="back, filter kept"),
        Binding("escape", "clear_filter", "Clear", id="output_filter.clear",
                tooltip="clear the filter, back to the output"),
    ]  # fmt: skip

    class QueryChanged(Message):
        """What to filter with changed (None: no filter)."""

        def __init__(self, box: OutputFilterBox, query: LineQuery | None):
            super().__init__()
            self.box = box
            self.query = query

    class Done(Message):
        """The person is done with the filter box."""

        def __init__(self, box: OutputFilterBox):
            super().__init__()
            self.box = box

        @property
        def control(self) -> OutputFilterBox:
            return self.box

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=FILTER_PLACEHOLDER, id=id)
        self.options = {"regex": False, "case_sensitive": False, "invert": False}

    @property
    def line_query(self) -> LineQuery | None:
        if not self.value:
            return None
        return LineQuery(self.value, **self.options)

    def action_toggle_option(self, option: str) -> None:
        self.options[option] = not self.options[option]
        self._changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()

    def _changed(self) -> None:
        self.post_message(self.QueryChanged(self, self.line_query))

    def action_done(self) -> None:
        self.post_message(self.Done(self))

    def action_clear_filter(self) -> None:
        self.value = ""
        self.post_message(self.Done(self))
