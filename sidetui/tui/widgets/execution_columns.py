"""Which columns of the executions table fit, and how wide each is: by priority, so that 80x24
keeps what matters (id, name, status, exit, time) and a wide terminal gets every column and the
outcome of each execution, instead of a name column of empty cells.

Widths are fixed for a given terminal width: a value that grows never re-lays the screen.
"""

from __future__ import annotations

import json

from rich.text import Text

from sidetui.core import ExecutionRecord
from sidetui.core.terminal_text import one_line

# key: (header, width with its one-cell gap); in the order shown.
COLUMNS = {
    "id": ("ID", 9),
    "name": ("NAME", 0),  # what the others leave, within NAME_WIDTHS
    "status": ("STATUS", 12),
    "pid": ("PID", 8),
    "started": ("STARTED", 9),
    "time": ("TIME", 7),
    "cpu": ("CPU", 6),
    "mem": ("MEM", 8),
    "exit": ("EXIT", 5),
    "outcome": ("RESULT", 0),  # on wide terminals: the rest
}
ALWAYS = ("id", "name", "status")
BY_PRIORITY = ("exit", "time", "started", "pid", "cpu", "mem")  # added while they fit
NAME_WIDTHS = (12, 40)  # the name column's least and most width
OUTCOME_MIN_WIDTH = 24

Layout = tuple[tuple[str, str, int], ...]  # (key, header, width)


def layout(room: int, longest_name: int) -> Layout:
    """The columns for a table `room` cells wide whose longest name is `longest_name`."""
    least, most = NAME_WIDTHS
    chosen = set(ALWAYS)
    left = room - least - sum(COLUMNS[key][1] for key in ALWAYS)
    for key in BY_PRIORITY:
        width = COLUMNS[key][1]
        if width > left:
            break
        chosen.add(key)
        left -= width
    name = least + left  # the names take the rest...
    wanted = min(most, max(least, longest_name + 2))
    if left + least - wanted >= OUTCOME_MIN_WIDTH:  # ...unless the outcome can have it
        name = wanted
        chosen.add("outcome")
    outcome = least + left - name
    widths = {"name": name, "outcome": outcome}
    return tuple(
        (key, header, widths.get(key, width))
        for key, (header, width) in COLUMNS.items()
        if key in chosen
    )


def outcome(record: ExecutionRecord) -> Text:
    """How it ended, on one line: its error, or its result (not the plain `exitCode: 0`)."""
    if not record.status.is_final:
        return Text("")
    if record.error is not None:
        return Text(one_line(record.error.message), style="italic")
    if record.result is None or record.result == {"exitCode": 0}:
        return Text("")
    shown = json.dumps(record.result, ensure_ascii=False, default=str, separators=(", ", ": "))
    return Text(one_line(shown), style="dim")
