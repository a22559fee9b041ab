"""Node's IPC channel: a socket pair whose child end is the child's `NODE_CHANNEL_FD`.

With `NODE_CHANNEL_SERIALIZATION_MODE=json` node frames messages as JSON lines, so a plain script
has `process.on('message')` and `process.send()`; `sidetui.block` speaks the same framing. Other
children just inherit one more descriptor, which they never touch.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Callable
from typing import Any

from sidetui.core.records import strict_json

MessageHandler = Callable[[dict[str, Any]], object]
ProblemHandler = Callable[[str], None]


class IpcChannel:
    """The manager's end of one child's IPC channel."""

    def __init__(self, max_message_bytes: int):
        self._ours, self._theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._max = max_message_bytes
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self.closed = False
        self.refused: str | None = None  # why a message was refused, if one was
        self.drained = asyncio.Event()  # the child's end is closed and all it sent was read

    @property
    def child_fd(self) -> int:
        """The descriptor to pass to the child (same number in the child)."""
        return self._theirs.fileno()

    def environment(self) -> dict[str, str]:
        return {
            "NODE_CHANNEL_FD": str(self.child_fd),
            "NODE_CHANNEL_SERIALIZATION_MODE": "json",
        }

    async def open(
        self, first: dict[str, Any], on_message: MessageHandler, on_problem: ProblemHandler
    ) -> None:
        """After the spawn: send `first`, then hand every message that arrives to `on_message`."""
        self._theirs.close()
        reader, self._writer = await asyncio.open_unix_connection(sock=self._ours, limit=self._max)
        self.send(first)
        self._reader_task = asyncio.create_task(self._read(reader, on_message, on_problem))

    def send(self, message: dict[str, Any]) -> None:
        if self._writer is not None and not self.closed:
            self._writer.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    def close(self) -> None:
        """Close our end: a node child whose only work was the channel then exits."""
        if self.closed:
            return
        self.closed = True
        if self._writer is not None:
            self._writer.close()
        else:
            self._ours.close()
        self._theirs.close()
        if self._reader_task is not None and self._reader_task is not asyncio.current_task():
            self._reader_task.cancel()
        self.drained.set()

    async def _read(
        self, reader: asyncio.StreamReader, on_message: MessageHandler, on_problem: ProblemHandler
    ) -> None:
        try:
            await self._read_messages(reader, on_message, on_problem)
        finally:
            self.drained.set()

    async def _read_messages(
        self, reader: asyncio.StreamReader, on_message: MessageHandler, on_problem: ProblemHandler
    ) -> None:
        with contextlib.suppress(ConnectionError):
            while not self.closed:
                try:
                    line = await reader.readline()
                except ValueError:  # longer than the limit: the stream cannot be resynchronised
                    self.refused = f"an IPC message over {self._max} bytes closed the channel"
                    on_problem(self.refused)
                    self.close()
                    return
                if not line:
                    return
                try:
                    message = strict_json.loads(line)
                except ValueError as error:  # if it was the result, the result is lost: say so
                    self.refused = f"a malformed IPC message ({error}) was ignored"
                    on_problem(f"{self.refused}: {line[:80]!r}")
                    continue
                if not isinstance(message, dict):
                    on_problem(f"ignored an IPC message that is not a JSON object: {line[:80]!r}")
                elif not str(message.get("cmd", "")).startswith("NODE_"):  # node's own
                    on_message(message)
