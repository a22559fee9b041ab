"""Child output on screen, rendered line by line: only the visible lines, from the engine's
bounded tail. Colours (SGR) are kept; every other escape sequence is neutralised; nothing is ever
read as markup. It follows the end while you are at the end, and stays put when you scroll up."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from sidetui.core.terminal_text import neutralise, strip_ansi

MAX_WIDTH = 4_000  # columns of horizontal scrolling, however long a line is
STDERR_MARK = "▍"


class OutputView(ScrollView, can_focus=True):
    """A scrollable, searchable, selectable window on a list of output lines."""

    DEFAULT_CSS = """
    OutputView { background: $surface; }
    OutputView:focus { background-tint: $foreground 3%; }
    """

    following: reactive[bool] = reactive(True)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._key: object = None
        self._lines: Sequence[str] = ()
        self._stderr: Sequence[bool] | None = None
        self._first = 0  # number of _lines[0] in the whole stream
        self._cache: LRUCache[tuple[int, str], Strip] = LRUCache(1_000)
        self._search = ""
        self._matches: list[int] | None = None  # line numbers (absolute) that match
        self._match = -1
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
            self.following = True
            dropped = 0
        else:
            dropped = first_number - self._first  # lines that left the tail since last time
        self._lines, self._first, self._stderr = lines, first_number, stderr
        self._matches = None
        width = min(MAX_WIDTH, max(map(len, lines), default=0) + 2)
        self.virtual_size = Size(width, len(lines))
        if self.following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        elif dropped > 0:
            self.scroll_to(y=max(0, self.scroll_y - dropped), animate=False, immediate=True)
        self.refresh()

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def plain_text(self) -> str:
        """The content as plain text (escape sequences removed), for the clipboard."""
        return "\n".join(strip_ansi(line) for line in self._lines)

    # -- following -----------------------------------------------------------------------------

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.following = round(new) >= self.max_scroll_y

    def toggle_follow(self) -> None:
        if self.following:
            self.following = False
        else:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
            self.following = True

    # -- search --------------------------------------------------------------------------------

    def search(self, term: str, forward: bool = True) -> tuple[int, int]:
        """Highlight `term` and go to its next (or previous) match; (match number, matches)."""
        if term != self._search:
            self._search, self._matches, self._match = term, None, -1
            self._cache.clear()
            self.refresh()
        matches = self._match_numbers()
        if not matches:
            return 0, 0
        here = (
            self._first + round(self.scroll_y) + (self.size.height // 2 if self._match >= 0 else 0)
        )
        if forward:
            later = [
                i for i, n in enumerate(matches) if n > here or (self._match < 0 and n >= here)
            ]
            self._match = later[0] if later else 0
        else:
            earlier = [i for i, n in enumerate(matches) if n < here]
            self._match = earlier[-1] if earlier else len(matches) - 1
        target = matches[self._match] - self._first
        self.following = False
        self.scroll_to(y=max(0, target - self.size.height // 2), animate=False, immediate=True)
        return self._match + 1, len(matches)

    def _match_numbers(self) -> list[int]:
        if self._matches is None:
            term = self._search.lower()
            self._matches = (
                [
                    self._first + i
                    for i, line in enumerate(self._lines)
                    if term in strip_ansi(line).lower()
                ]
                if term
                else []
            )
        return self._matches

    # -- rendering -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        style = self.rich_style
        if index >= len(self._lines):
            if index == 0 and self.placeholder:
                text = Text(self.placeholder, style="dim italic")
                return Strip(text.render(self.app.console)).crop_extend(0, width, style)
            return Strip.blank(width, style)
        strip = self._strip(index, style)
        return strip.crop_extend(scroll_x, scroll_x + width, style).apply_offsets(scroll_x, index)

    def _strip(self, index: int, style: Style) -> Strip:
        selection = self.text_selection
        key = (self._first + index, self._search)
        if selection is None and key in self._cache:
            return self._cache[key]
        text = Text.from_ansi(neutralise(self._lines[index]), no_wrap=True, end="")
        if self._search:
            text.highlight_words(
                [self._search],
                self.screen.get_component_rich_style("screen--selection"),
                case_sensitive=False,
            )
        if selection is not None and (span := selection.get_span(index)) is not None:
            start, end = span
            text.stylize(
                self.screen.get_component_rich_style("screen--selection"),
                start,
                None if end == -1 else end,
            )
        segments = list(text.render(self.app.console))
        if self._stderr is not None:
            colour = self.app.get_css_variables().get("text-error", "#ff0000")[:7]
            mark = Style(color=colour, bold=True) if self._stderr[index] else None
            segments.insert(0, Segment(STDERR_MARK if mark else " ", mark))
        strip = Strip(segments).apply_style(style)
        if selection is None:
            self._cache[key] = strip
        return strip

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract("\n".join(strip_ansi(line) for line in self._lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._cache.clear()
        self.refresh()
