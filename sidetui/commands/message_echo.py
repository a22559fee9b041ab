"""What a block tells its user, printed by `sidetui run` on stderr as it arrives: one marked
line per message (`[sidetui message] ...`), every control sequence removed."""

from __future__ import annotations

import json
import sys

from sidetui.core import SideExecutionManager
from sidetui.core.terminal_text import one_line


class MessageEcho:
    """Prints the messages on an execution's record that it has not printed yet."""

    def __init__(self, manager: SideExecutionManager, execution_id: str):
        self.manager = manager
        self.execution_id = execution_id
        self.printed = 0  # of every message the record has seen, dropped ones included

    def pump(self) -> None:
        record = self.manager.get_record(self.execution_id)
        if record is None:
            return
        seen = record.messages_dropped + len(record.messages)
        fresh = record.messages[max(0, len(record.messages) - (seen - self.printed)) :]
        self.printed = seen
        for message in fresh:
            kind = message.kind + (f" {message.event_type}" if message.event_type else "")
            text = message.text
            if message.payload is not None:
                text += " " + json.dumps(message.payload, ensure_ascii=False, default=str)
            print(f"[sidetui {one_line(kind)}] {one_line(text)}", file=sys.stderr, flush=True)
