"""Drawing one line of output: colours (SGR) kept, every other escape sequence neutralised,
nothing read as markup; search matches and the selection highlighted. Drawn lines are cached by
their number and text (a line still being written draws again when it grows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.cache import LRUCache
from textual.color import Color
from textual.screen import Screen
from textual.selection import Selection
from textual.strip import Strip

from sidetui.core.terminal_text import neutralise, strip_ansi
from sidetui.tui.widgets.output_search import OutputSearch


class PaintedView(Protocol):
    """What the painter reads of the view it draws for."""

    @property
    def lines(self) -> Sequence[str]: ...
    @property
    def first_number(self) -> int: ...
    @property
    def finder(self) -> OutputSearch: ...
    @property
    def text_selection(self) -> Selection | None: ...
    @property
    def app(self) -> App[object]: ...
    @property
    def screen(self) -> Screen[object]: ...


class LinePainter:
    """Draws the lines of one view, and remembers the last thousand it drew."""

    def __init__(self, view: PaintedView) -> None:
        self.view = view
        self._cache: LRUCache[tuple[int, str, str, int], Strip] = LRUCache(1_000)

    def clear(self) -> None:
        self._cache.clear()

    def strip(self, index: int, style: Style) -> Strip:
        """Line `index` of what the view shows, drawn in `style` (not cropped)."""
        view = self.view
        selection = view.text_selection
        number = view.first_number + index
        current = view.finder.current
        current_column = current[1] if current is not None and current[0] == number else -1
        line = view.lines[index]
        key = (number, line, view.finder.term, current_column)  # an unfinished line changes
        if selection is None and key in self._cache:
            return self._cache[key]
        text = Text.from_ansi(neutralise(line), no_wrap=True, end="")
        if view.finder.term:
            size = len(view.finder.term)
            for column in view.finder.columns(line):
                chosen = column == current_column
                text.stylize(self._match_style(chosen), column, column + size)
        if selection is not None and (span := selection.get_span(index)) is not None:
            start, end = span
            text.stylize(self._selection_style(), start, None if end == -1 else end)
        strip = Strip(text.render(view.app.console)).apply_style(style)
        if selection is None:
            self._cache[key] = strip
        return strip

    def _match_style(self, current: bool = False) -> Style:
        """Search matches: the theme's accent (the current one: its warning colour, underlined),
        with text in the contrasting colour."""
        variables = self.view.app.theme_variables
        name, fallback = ("warning", "#ffa62b") if current else ("accent", "#0178d4")
        background = Color.parse(variables.get(name, fallback))
        return Style(
            color=background.get_contrast_text().rich_color,
            bgcolor=background.rich_color,
            bold=current,
            underline=current,
        )

    def _selection_style(self) -> Style:
        """The theme's selection background, keeping the text's own colours: the theme's
        selection foreground can be transparent, which would paint the text in its background."""
        return Style(bgcolor=self.view.screen.get_component_rich_style("screen--selection").bgcolor)


def row_starts(lines: Sequence[str], width: int) -> list[int]:
    """The first row of each line wrapped at `width` columns, and the number of rows."""
    starts, total = [0], 0
    for line in lines:
        columns = cell_len(line if line.isprintable() else strip_ansi(neutralise(line)))
        total += max(1, -(-columns // width))
        starts.append(total)
    return starts
