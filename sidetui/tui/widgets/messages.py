"""What a block told its user (chat messages, notifications), as the messages tab shows them:
one line each, time, kind and text, the payload below it; nothing in them is read as markup and
every control sequence is removed."""

from __future__ import annotations

import json

from rich.console import Group, RenderableType
from rich.text import Text

from sidetui.core import ExecutionRecord
from sidetui.core.terminal_text import strip_ansi
from sidetui.tui.presentation import Presentation


def messages_of(record: ExecutionRecord | None, show: Presentation) -> RenderableType:
    """The record's messages, oldest first, or a line saying there are none."""
    if record is None:
        return Text("")
    if not record.messages:
        return Text("It has sent no messages.", style="dim")
    lines: list[RenderableType] = []
    if record.messages_dropped:
        lines.append(Text(f"{record.messages_dropped} older messages not kept", style="dim"))
    for message in record.messages:
        kind = message.kind + (f" {message.event_type}" if message.event_type else "")
        line = Text(f"{show.clock(message.time)} ", style="dim")
        line.append(f"{strip_ansi(kind)}: ", style="bold")
        line.append(strip_ansi(message.text))
        lines.append(line)
        if message.payload is not None:
            payload = json.dumps(message.payload, ensure_ascii=False, default=str)
            lines.append(Text(f"    {strip_ansi(payload)}", style="dim"))
    return Group(*lines)
