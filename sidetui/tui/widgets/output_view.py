"""Child output on screen, rendered line by line: only the visible lines, from the engine's
bounded tail. Colours (SGR) are kept; every other escape sequence is neutralised; nothing is ever
read as markup. It follows the end while you are at the end, and stays put when you scroll up.
Each line may have a gutter (its time, its execution's label, a stderr mark), and long lines
scroll sideways or wrap."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from sidetui.core.terminal_text import strip_ansi
from sidetui.tui.widgets.output_gutter import STDERR_MARK, Gutter, Label
from sidetui.tui.widgets.output_line import LinePainter, row_starts
from sidetui.tui.widgets.output_search import OutputSearch

MAX_WIDTH = 4_000  # columns of horizontal scrolling, however long a line is
__all__ = ["STDERR_MARK", "OutputView"]


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
        self._first = 0  # number of _lines[0] in the whole stream
        self._painter = LinePainter(self)
        self.finder = OutputSearch()
        self._adjusting = False
        self._style: Style | None = None
        self.placeholder = ""
        self.prefix = Gutter()
        self.wrap = False
        self._rows: list[int] | None = None  # wrapped: the first row of each line, then the end

    # -- content -------------------------------------------------------------------------------

    def show(
        self,
        key: object,
        lines: Sequence[str],
        first_number: int = 0,
        stderr: Sequence[bool] | None = None,
        times: Sequence[float] | None = None,
        labels: Sequence[Label] | None = None,
    ) -> None:
        """Show `lines` (numbered from `first_number`) of the content `key` names, with their
        stderr marks, arrival times and labels where there are some."""
        if key != self._key:
            self._key = key
            self._painter.clear()
            self.finder.forget_content()
            self.following = True
            dropped = 0
        else:
            dropped = first_number - self._first  # lines that left the tail since last time
        self._lines, self._first = lines, first_number
        self.prefix.measure(times, labels, stderr)
        self.finder.update(lines, first_number)
        top = self._row_of(dropped) if dropped > 0 and not self.following else 0
        self._lay_out()
        if top:
            self._adjust(lambda: self.scroll_to(y=max(0, self.scroll_y - top), animate=False))
        self.refresh()

    def _lay_out(self) -> None:
        """Measure the content again (wrap on, the rows of every line) and keep following."""
        lines = self._lines
        if self.wrap:
            self._rows = row_starts(lines, self._text_width)
            size = Size(self.size.width, self._rows[-1])
        else:
            self._rows = None
            widest = min(MAX_WIDTH, max(map(len, lines), default=0) + 2)
            size = Size(widest + self.prefix.width, len(lines))
        self._adjust(lambda: self._resize(size))
        if self.following:
            self._adjust(lambda: self.scroll_end(animate=False, immediate=True, x_axis=False))

    def _adjust(self, move: Callable[[], object]) -> None:
        """The content moves, not the reader: `following` stays as it is."""
        self._adjusting = True
        try:
            move()
        finally:
            self._adjusting = False

    @property
    def _text_width(self) -> int:
        return max(1, self.size.width - self.prefix.width)

    def _row_of(self, index: int) -> int:
        """The first row of line `index` (rows are lines unless they wrap)."""
        if self._rows is None:
            return index
        return self._rows[min(index, len(self._rows) - 1)]

    def set_wrap(self, wrap: bool) -> None:
        """Wrap long lines (or scroll them sideways), keeping the line on top in sight."""
        if wrap == self.wrap:
            return
        top = self._line_at(round(self.scroll_y))
        self.wrap = wrap
        self._painter.clear()
        self._lay_out()
        if not self.following:
            self._adjust(lambda: self.scroll_to(x=0, y=self._row_of(top), animate=False))
        self.refresh()

    def relayout(self) -> None:
        """The gutter changed (timestamps on or off): measure and draw again."""
        self.prefix.remeasure()
        self._lay_out()
        self.refresh()

    def on_resize(self) -> None:
        if self.wrap:
            self._lay_out()

    def _line_at(self, row: int) -> int:
        if self._rows is None:
            return row
        return max(0, bisect_right(self._rows, row) - 1)

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
    def lines(self) -> Sequence[str]:
        return self._lines

    @property
    def first_number(self) -> int:
        """Number of the first line shown in the whole stream."""
        return self._first

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def plain_text(self) -> str:
        """The content as plain text (escape sequences removed), for the clipboard."""
        text_of = self.prefix.text_of
        if not self.prefix.width:
            return "\n".join(strip_ansi(line) for line in self._lines)
        return "\n".join(
            " ".join(filter(None, (text_of(i), strip_ansi(line))))
            for i, line in enumerate(self._lines)
        )

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
            self._painter.clear()
            self.finder.update(self._lines, self._first)
            self.refresh()
        before = self.finder.current
        top = self._first + self._line_at(round(self.scroll_y))
        found = self.finder.step(forward, top, top + self.size.height - 1)
        if found is None:
            return
        if found != before:
            self._painter.clear()  # the current occurrence is drawn apart from the others
            self.refresh()
        self.following = False
        line, column = found[0] - self._first, found[1]
        height, width = self.size.height, self._text_width
        x = self.scroll_x
        if self.wrap:
            x, line = 0, self._row_of(line) + column // width
        elif not x <= column < x + width - len(term):
            x = max(0, column - width // 3)
        y = self.scroll_y
        if not y <= line < y + height:
            y = max(0, line - height // 2)
        self.scroll_to(x=x, y=y, animate=False, immediate=True)

    # -- rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style = None  # focus, theme or CSS changed: lines are drawn again in the new style
        self._painter.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        index = self._line_at(row)
        width = self.size.width
        if self._style is None:  # computing it walks every ancestor: once, not once a line
            self._style = self.rich_style
        style = self._style
        if index >= len(self._lines):
            if row == 0 and self.placeholder:
                text = Text(self.placeholder, style="dim italic")
                strip = Strip(text.render(self.app.console)).apply_style(style)
                return strip.crop_extend(0, width, style)
            return Strip.blank(width, style)
        part = row - self._rows[index] if self._rows is not None else 0
        start = part * self._text_width if self._rows is not None else scroll_x
        strip = self._painter.strip(index, style)
        strip = strip.crop_extend(start, start + width - self.prefix.width, style)
        strip = strip.apply_offsets(start, index)  # where a selection starts: text only
        if self.prefix.width:
            colours = self.app.theme_variables
            strip = Strip.join([self.prefix.strip(index, part > 0, style, colours), strip])
        return strip

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract("\n".join(strip_ansi(line) for line in self._lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._painter.clear()
        self.refresh()
