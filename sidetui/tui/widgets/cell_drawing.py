"""A `DataTable` cell of `Text` one row high, drawn as Textual draws it - Rich's `Padding` in a
`Styled`, rendered to lines - at a tenth of the cost: the segments of the text, cut or padded to
the cell, the row's and the cursor's styles laid on. A page of new rows in sight draws a few
hundred cells, which took Textual most of a frame.

Only what draws the same either way takes this path: a text without tabs or line breaks, cut
rather than ended with an ellipsis, not justified. Anything else gets None, for Textual to draw.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

PLAIN_OVERFLOW = (None, "fold", "crop")  # what Rich does to a line too long: cut it
PLAIN_JUSTIFY = (None, "default", "left")


def draw_text_cell(
    text: Text, console: Console, width: int, padding: int, pre: Style, post: Style
) -> list[list[Segment]] | None:
    """The one line of a cell `width` cells wide (its `padding` each side included), `pre`
    under the text's styles and `post` over them; None for a text drawn otherwise."""
    plain = text.plain
    if (
        "\t" in plain
        or "\n" in plain
        or text.overflow not in PLAIN_OVERFLOW
        or text.justify not in PLAIN_JUSTIFY
        or width < 2 * padding
    ):
        return None
    if text.spans:
        segments = list(text.render(console))
    else:  # Rich lays the text's own style on only when it has spans
        segments = [Segment(plain, console.get_style(text.style) if text.style else None)]
    line = Segment.adjust_line_length(segments, width - 2 * padding)
    if padding:
        line = [Segment(" " * padding), *line, Segment(" " * padding)]
    return [list(Segment.apply_style(line, pre, post or None))]
