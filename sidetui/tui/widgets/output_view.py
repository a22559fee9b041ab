"""Child output on screen, rendered line by line: only the visible lines, from the engine's
bounded tail. Colours (SGR) are kept; every other escape sequence is neutralised; nothing is ever
read as markup. It follows the end while you are at the end, and stays put when you scroll up."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from sidetui.core.terminal_text import neutralise, strip_ansi
from sidetui.tui.widgets.output_search import OutputSearch

MAX_WIDTH = 4_000  # columns of horizontal scrolling, however long a line is
STDERR_MARK = "▍"


class OutputView(ScrollView, can_focus=True):
    """A scrollable, searchable, selectable window on a list of output lines."""

    DEFAULT_CSS = """
    OutputView { background: $surface; }
    OutputView:focus { background-tint: $foreground 3%; }
    """

    following: reactive[bool] = reactive(True)

    class FollowingChanged(Message):
        """The view started or stopped following the end."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._key: object = None
        self._lines: Sequence[str] = ()
        self._stderr: Sequence[bool] | None = None
        self._first = 0  # number of _lines[0] in the whole stream
        self._cache: LRUCache[tuple[int, str, str, int], Strip] = LRUCache(1_000)
        self.finder = OutputSearch()
        self._adjusting = False
        self._style: Style | None = None
        self.placeholder = ""

    # -- content -------------------------------------------------------------------------------

    def show(
        self,
        key: object,
        lines: Sequence[str],
        first_number: int = 0,
        stderr: Sequence[bool] | None = None,
    ) -> None:
        """Show `lines` (numbered from `first_number`) of the content `key` names."""
        if key != self._key:
            self._key = key
            self._cache.clear()
            self.finder.forget_content()
            self.following = True
            dropped = 0
        else:
            dropped = first_number - self._first  # lines that left the tail since last time
        self._lines, self._first, self._stderr = lines, first_number, stderr
        self.finder.update(lines, first_number)
        self._adjusting = True  # the content moves, not the reader: `following` stays as it is
        try:
            self._resize(Size(min(MAX_WIDTH, max(map(len, lines), default=0) + 2), len(lines)))
            if self.following:
                self.scroll_end(animate=False, immediate=True, x_axis=False)
            elif dropped > 0:
                self.scroll_to(y=max(0, self.scroll_y - dropped), animate=False, immediate=True)
        finally:
            self._adjusting = False
        self.refresh()

    def _resize(self, size: Size) -> None:
        """New content size without laying out the screen again: the view's own size does not
        depend on it, so only its scrollbars need to know (as Textual's own `_size_updated`)."""
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)

    @property
    def key(self) -> object:
        """What is shown: (execution id, tab)."""
        return self._key

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def plain_text(self) -> str:
        """The content as plain text (escape sequences removed), for the clipboard."""
        return "\n".join(strip_ansi(line) for line in self._lines)

    # -- following -----------------------------------------------------------------------------

    def watch_following(self) -> None:
        self.post_message(self.FollowingChanged())

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if not self._adjusting:  # the reader scrolled: at the end means follow
            self.following = round(new) >= self.max_scroll_y

    # Moving up stops following at once, not when the scroll lands: output arriving meanwhile
    # would otherwise pull the view back to the end.

    def action_scroll_up(self) -> None:
        self.following = False
        super().action_scroll_up()

    def action_page_up(self) -> None:
        self.following = False
        super().action_page_up()

    def action_scroll_home(self) -> None:
        self.following = False
        super().action_scroll_home()

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if not (event.ctrl or event.shift):
            self.following = False
        super()._on_mouse_scroll_up(event)

    def action_scroll_end(self) -> None:
        """`end`: to the last line at once, and follow from there."""
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.following = True

    def toggle_follow(self) -> None:
        if self.following:
            self.following = False
        else:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
            self.following = True

    # -- search --------------------------------------------------------------------------------

    def search(self, term: str, forward: bool = True) -> None:
        """Highlight `term` and make its next (or previous) occurrence current, from the current
        one (from the lines on screen for a new term); scroll to it when it is out of sight."""
        if self.finder.set_term(term):
            self._cache.clear()
            self.finder.update(self._lines, self._first)
            self.refresh()
        before = self.finder.current
        top = self._first + round(self.scroll_y)
        found = self.finder.step(forward, top, top + self.size.height - 1)
        if found is None:
            return
        if found != before:
            self._cache.clear()  # the current occurrence is drawn apart from the others
            self.refresh()
        self.following = False
        line, column = found[0] - self._first, found[1]
        height, width = self.size.height, self.size.width
        x = self.scroll_x
        if not x <= column < x + width - len(term):
            x = max(0, column - width // 3)
        y = self.scroll_y
        if not y <= line < y + height:
            y = max(0, line - height // 2)
        self.scroll_to(x=x, y=y, animate=False, immediate=True)

    # -- rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None  # focus, theme or CSS changed: lines are drawn again in the new style
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if self._style is None:  # computing it walks every ancestor: once, not once a line
            self._style = self.rich_style
        style = self._style
        if index >= len(self._lines):
            if index == 0 and self.placeholder:
                text = Text(self.placeholder, style="dim italic")
                strip = Strip(text.render(self.app.console)).apply_style(style)
                return strip.crop_extend(0, width, style)
            return Strip.blank(width, style)
        gutter = 0 if self._stderr is None else 1  # the merged view's stderr marks
        strip = self._strip(index, style)
        strip = strip.crop_extend(scroll_x, scroll_x + width - gutter, style)
        strip = strip.apply_offsets(scroll_x, index)  # where a selection starts: text only
        if gutter:
            strip = Strip.join([self._stderr_mark(index, style), strip])
        return strip

    def _strip(self, index: int, style: Style) -> Strip:
        selection = self.text_selection
        number = self._first + index
        current = self.finder.current
        current_column = current[1] if current is not None and current[0] == number else -1
        line = self._lines[index]
        key = (number, line, self.finder.term, current_column)  # an unfinished line changes
        if selection is None and key in self._cache:
            return self._cache[key]
        text = Text.from_ansi(neutralise(line), no_wrap=True, end="")
        if self.finder.term:
            size = len(self.finder.term)
            for column in self.finder.columns(line):
                chosen = column == current_column
                text.stylize(self._match_style(chosen), column, column + size)
        if selection is not None and (span := selection.get_span(index)) is not None:
            start, end = span
            text.stylize(self._selection_style(), start, None if end == -1 else end)
        strip = Strip(text.render(self.app.console)).apply_style(style)
        if selection is None:
            self._cache[key] = strip
        return strip

    def _stderr_mark(self, index: int, style: Style) -> Strip:
        if self._stderr is None or not self._stderr[index]:
            return Strip([Segment(" ", style)], 1)
        colour = self.app.theme_variables.get("text-error", "#ff0000")[:7]
        return Strip([Segment(STDERR_MARK, style + Style(color=colour, bold=True))], 1)

    def _match_style(self, current: bool = False) -> Style:
        """Search matches: the theme's accent (the current one: its warning colour, underlined),
        with text in the contrasting colour."""
        variables = self.app.theme_variables
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
        return Style(bgcolor=self.screen.get_component_rich_style("screen--selection").bgcolor)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract("\n".join(strip_ansi(line) for line in self._lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._cache.clear()
        self.refresh()
