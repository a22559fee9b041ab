"""The resources of an execution's whole process tree over time, for its details: Textual's
sparklines of CPU and memory over the samples the engine keeps (the last six minutes), the
values now, and the peak memory, which stays once the execution has ended."""

from __future__ import annotations

from rich.color import Color
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.renderables.sparkline import Sparkline

from sidetui.core import ExecutionRecord
from sidetui.core.records.execution_record import UsageSample
from sidetui.tui.presentation import Presentation

GRAPH_WIDTH = 36  # cells: one sample each until there are more, then the busiest of several
LOW, HIGH = Color.parse("#4EBF71"), Color.parse("#E0533D")


def resource_rows(record: ExecutionRecord, show: Presentation) -> list[tuple[str, RenderableType]]:
    """The details' rows about resources: graphs while it runs in this process, the peak
    memory whenever one was measured."""
    rows: list[tuple[str, RenderableType]] = []
    samples = list(record.usage_history)
    live = not record.from_history and not record.status.is_final
    if live and samples:
        rows.append(("cpu", _graph(samples, "cpu", show.cpu(record, True))))
        rows.append(("memory", _graph(samples, "mem", show.memory(record, True))))
    peak = show.peak_memory(record)
    if peak:
        rows.append(("peak memory", Text(peak)))
    return rows


def _graph(samples: list[UsageSample], which: str, now: str) -> RenderableType:
    """A sparkline of one measure, then its value now and how far back the graph goes."""
    values: list[float] = [
        s.cpu_percent if which == "cpu" else float(s.memory_rss) for s in samples
    ]
    width = min(len(values), GRAPH_WIDTH)
    line = Table.grid(padding=(0, 1))
    line.add_column(width=width, no_wrap=True)
    line.add_column(no_wrap=True)
    span = samples[-1].time - samples[0].time
    line.add_row(
        Sparkline(values, width=width, min_color=LOW, max_color=HIGH),
        Text(f"{now} now · last {_span(span)}", style="dim"),
    )
    return line


def _span(seconds: float) -> str:
    """How far back the graph goes, for people: `40s`, `3m`."""
    return f"{seconds:.0f}s" if seconds < 90 else f"{seconds / 60:.0f}m"
