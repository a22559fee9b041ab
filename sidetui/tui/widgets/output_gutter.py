"""What an output view draws before each line: its arrival time (none, time of day, or since the
start), the short coloured label of the execution it came from (in the merged stream), and a mark
on stderr lines. Outside text in labels is made one line before it gets here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

TimeMode = Literal["none", "absolute", "relative"]
TIME_MODES: tuple[TimeMode, ...] = ("none", "absolute", "relative")
Label = tuple[str, str]  # (text, colour)
Stamp = Callable[[float, "float | None"], str]  # (arrival time, origin or None) -> text
STDERR_MARK = "▍"
UNKNOWN = 0.0  # a line's time when it is not known


def _plain_stamp(seconds: float, origin: float | None) -> str:
    return f"{seconds - (origin or 0.0):.3f}"


class Gutter:
    """The columns before the lines of one view, measured for what it shows now."""

    def __init__(self) -> None:
        self.time_mode: TimeMode = "none"
        self.origin: float | None = None  # the start, for relative times
        self.stamp: Stamp = _plain_stamp
        self.width = 0
        self._times: Sequence[float] | None = None
        self._labels: Sequence[Label] | None = None
        self._stderr: Sequence[bool] | None = None
        self._time_width = 0
        self._label_width = 0

    def next_time_mode(self) -> TimeMode:
        """Cycle none -> absolute -> relative -> none; the new mode."""
        self.time_mode = TIME_MODES[(TIME_MODES.index(self.time_mode) + 1) % len(TIME_MODES)]
        return self.time_mode

    def measure(
        self,
        times: Sequence[float] | None,
        labels: Sequence[Label] | None,
        stderr: Sequence[bool] | None,
    ) -> None:
        """Take the columns of the lines about to be shown, and how wide the gutter is."""
        self._times, self._labels, self._stderr = times, labels, stderr
        self._time_width = len(self._stamp_of(self.origin or 1.0)) + 1 if self._timed else 0
        self._label_width = max((len(text) for text, _ in set(labels)), default=0) if labels else 0
        self._label_width += 1 if self._label_width else 0
        self.width = self._time_width + self._label_width + (1 if stderr is not None else 0)

    def remeasure(self) -> None:
        """Measure again the lines last measured (the time mode changed)."""
        self.measure(self._times, self._labels, self._stderr)

    @property
    def _timed(self) -> bool:
        return self.time_mode != "none" and self._times is not None

    def _stamp_of(self, seconds: float) -> str:
        return self.stamp(seconds, self.origin if self.time_mode == "relative" else None)

    def text_of(self, index: int) -> str:
        """The time and label of line `index` as plain text (for copying what is shown)."""
        parts = []
        if self._timed and self._times is not None and self._times[index] != UNKNOWN:
            parts.append(self._stamp_of(self._times[index]))
        if self._labels is not None:
            parts.append(self._labels[index][0])
        return " ".join(parts)

    def strip(self, index: int, continued: bool, style: Style, colours: dict[str, str]) -> Strip:
        """The gutter of line `index` (blank on the rows a wrapped line continues on)."""
        segments: list[Segment] = []
        if self._time_width:
            when = self._times[index] if self._times is not None and not continued else UNKNOWN
            text = self._stamp_of(when) if when != UNKNOWN else ""
            segments.append(Segment(text.ljust(self._time_width), style + Style(dim=True)))
        if self._label_width and self._labels is not None:
            label, colour = self._labels[index]
            shown = "" if continued else label
            segments.append(
                Segment(shown.ljust(self._label_width), style + Style(color=colour, bold=True))
            )
        if self._stderr is not None:
            if self._stderr[index] and not continued:
                error = colours.get("text-error", "#ff0000")[:7]
                segments.append(Segment(STDERR_MARK, style + Style(color=error, bold=True)))
            else:
                segments.append(Segment(" ", style))
        return Strip(segments, self.width)
