"""The parent thread's chat history a caller hands to a start, in Codebolt's ThreadMessage shape:
`{messageId, threadId, content, sender, timestamp, templateType, payload}`.

Accepted as given in that shape, or with `role` for `sender` and `text` or `message` for
`content`; what is missing is filled in (a new `messageId`, the execution's thread, now).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sidetui.core.records.errors import ErrorCode, Refusal
from sidetui.core.records.timestamps import iso_now

MAX_MESSAGES = 1000
MAX_BYTES = 4 * 1024 * 1024


def thread_messages(raw: Any) -> list[dict[str, Any]]:
    """Checked and shaped messages (`threadId` may still be None); `INVALID_REQUEST` when `raw`
    is not a list of message objects or is too big."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise Refusal(ErrorCode.INVALID_REQUEST, "thread messages must be a list of objects")
    if len(raw) > MAX_MESSAGES:
        raise Refusal(
            ErrorCode.INVALID_REQUEST, f"at most {MAX_MESSAGES} thread messages, not {len(raw)}"
        )
    size = len(json.dumps(raw, default=str))
    if size > MAX_BYTES:
        raise Refusal(
            ErrorCode.INVALID_REQUEST, f"thread messages of {size} bytes (at most {MAX_BYTES})"
        )
    return [_shaped(item) for item in raw]


def in_thread(messages: list[dict[str, Any]], thread_id: str | None) -> list[dict[str, Any]]:
    """The messages with `threadId` filled in where it is missing."""
    return [{**m, "threadId": m["threadId"] or thread_id} for m in messages]


def _shaped(item: dict[str, Any]) -> dict[str, Any]:
    content = item.get("content", item.get("text", item.get("message", "")))
    return {
        "messageId": str(item.get("messageId") or item.get("id") or uuid.uuid4().hex),
        "threadId": item.get("threadId"),
        "content": content,
        "sender": item.get("sender", item.get("role", "user")),
        "timestamp": item.get("timestamp") or iso_now(),
        "templateType": item.get("templateType", "userMessage"),
        "payload": item.get("payload"),
    }
