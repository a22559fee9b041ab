"""What a block tells its user while it runs: chat messages and notifications.

codeboltjs blocks report progress with `chat.sendMessage` and `chat.sendNotificationEvent`; the
IPC channel and `sidetui.block` carry the same messages. Each is kept on the execution's record.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from sidetui.core.records.timestamps import iso_from_epoch

MAX_TEXT = 64 * 1024  # characters of one message's text
MAX_PAYLOAD = 64 * 1024  # characters of one message's payload, as JSON

# Frames a child sends to tell something, without waiting for a reply: type -> kind.
SAID = {
    "sendMessage": "message",
    "notificationEvent": "notification",
    "chatnotify": "notification",
    "processStarted": "process",
    "processFinished": "process",
    "processStoped": "process",
}


@dataclass(frozen=True)
class BlockMessage:
    """One message: its `kind` (message, notification, process), text and optional payload."""

    kind: str
    text: str
    payload: Any = None
    event_type: str | None = None  # a notification's category (planner, debug, git, ...)
    time: float = field(default_factory=time.time)

    @classmethod
    def from_frame(cls, frame: dict[str, Any]) -> BlockMessage | None:
        """The message a child's frame carries; None when the frame is not one."""
        kind = SAID.get(str(frame.get("type")))
        if kind is None:
            return None
        raw = frame.get("data")
        data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        text = frame.get("message", frame.get("content", data.get("message", "")))
        if kind == "process" and not text:
            text = str(frame.get("type"))
        payload = frame.get("payload", data.get("payload"))
        event = frame.get("eventType", frame.get("action"))
        return cls(
            kind,
            _bounded(text if isinstance(text, str) else json.dumps(text, default=str), MAX_TEXT),
            _bounded_payload(payload),
            str(event) if event is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"time": iso_from_epoch(self.time), "kind": self.kind}
        out["text"] = self.text
        if self.event_type is not None:
            out["eventType"] = self.event_type
        if self.payload is not None:
            out["payload"] = self.payload
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], when: float) -> BlockMessage:
        """A stored message back (`when`: its time, already parsed)."""
        return cls(
            str(data.get("kind", "message")),
            str(data.get("text", "")),
            data.get("payload"),
            data.get("eventType"),
            when,
        )


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"…[+{len(text) - limit} characters]"


def _bounded_payload(payload: Any) -> Any:
    if payload is None:
        return None
    try:
        size = len(json.dumps(payload, default=str))
    except (TypeError, ValueError):
        return repr(payload)[:MAX_PAYLOAD]
    return payload if size <= MAX_PAYLOAD else {"truncated": f"a payload of {size} characters"}
