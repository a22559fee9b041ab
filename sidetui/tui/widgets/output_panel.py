"""What every output panel has: an output view, its status line, a search bar and a filter box.
The one execution's pane and the merged stream are panels; each says what it shows (`content`)
and what its status line adds, and the panel filters and shows it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from sidetui.tui.presentation import Presentation
from sidetui.tui.widgets.filter_box import OutputFilterBox
from sidetui.tui.widgets.line_filter import Content, LineFilter
from sidetui.tui.widgets.logs_filter import filter_of
from sidetui.tui.widgets.output_view import OutputView

SEARCH_PLACEHOLDER = "search the output · enter: next · escape: close"
TIMES_SAID = {"absolute": "times of day", "relative": "times since the start"}


class OutputPanel(Vertical):
    """An output view with its tools; subclasses say what it shows."""

    def __init__(
        self, presentation: Presentation, *, id: str | None = None, classes: str | None = None
    ):
        super().__init__(id=id, classes=classes)
        self.presentation = presentation
        self.line_filter: LineFilter | None = None
        self._status_text = ""

    def compose_tools(self) -> ComposeResult:
        """The status line, the search bar and the filter box, below the view."""
        yield Label("", id="output-status", classes="output-status")
        yield Input(placeholder=SEARCH_PLACEHOLDER, id="search")
        yield OutputFilterBox(id="output-filter")

    def on_mount(self) -> None:
        self.search_box.display = False
        self.filter_box.display = False
        self.view.prefix.stamp = self.presentation.line_time

    @property
    def view(self) -> OutputView:
        return self.query_one(OutputView)

    @property
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def filter_box(self) -> OutputFilterBox:
        return self.query_one(OutputFilterBox)

    # -- what subclasses say -------------------------------------------------------------------

    def refresh_output(self) -> None:
        """Bring the view up to date (called as output arrives)."""
        raise NotImplementedError

    def status_parts(self) -> list[str]:
        """What the status line says of the content (the search and filter come first)."""
        return []

    # -- showing -------------------------------------------------------------------------------

    def show_content(self, content: Content) -> None:
        """Show `content` in the view, through the filter when there is one."""
        query = self.filter_box.line_query
        if query is None:
            self.line_filter = None
        elif (
            self.line_filter is None
            or self.line_filter.query != query
            or self.line_filter.source != content.key
        ):
            self._start_filter(filter_of(query, content))
        if self.line_filter is not None:
            content = self.line_filter.apply(content)
        view = self.view
        view.show(
            content.key, content.lines, content.first, content.stderr, content.times, content.labels
        )
        self.update_status()

    def _start_filter(self, line_filter: LineFilter) -> None:
        self.line_filter = line_filter
        problem = line_filter.query.problem()
        if problem:
            line_filter.scan.error = problem
            line_filter.scan.done = True
            return
        self.run_worker(line_filter.run(self._filter_found), group="filter", exclusive=True)

    def _filter_found(self) -> None:
        if self.is_attached:
            self.refresh_output()

    def on_output_filter_box_query_changed(self, event: OutputFilterBox.QueryChanged) -> None:
        event.stop()
        self.refresh_output()

    # -- the search and the status line ---------------------------------------------------------

    def search(self, term: str, forward: bool = True) -> None:
        """Go to the next (or previous) match of `term` and say where it is; "" ends the search."""
        self.view.search(term, forward)
        self.update_status()

    def on_output_view_following_changed(self, event: OutputView.FollowingChanged) -> None:
        event.stop()
        self.update_status()

    def update_status(self) -> None:
        parts = self.status_parts()
        if self.line_filter is not None:
            parts.insert(0, self.line_filter.summary())
        if summary := self.view.finder.summary():
            parts.insert(0, summary)  # first: a narrow pane cuts the end of the line
        text = " · ".join(parts)
        if text != self._status_text:  # a fixed-size line: repaint it, never re-lay the screen
            self._status_text = text
            label = self.query_one(".output-status", Label)
            label.update(Text(text, style="dim"), layout=False)

    def following_part(self) -> str:
        """Following or paused, and the view's modes (timestamps, wrap) when they are on."""
        view = self.view
        parts = ["following" if view.following else "paused (f: follow)"]
        if view.prefix.time_mode != "none":
            parts.append(TIMES_SAID[view.prefix.time_mode])
        if view.wrap:
            parts.append("wrapped")
        return " · ".join(parts)
