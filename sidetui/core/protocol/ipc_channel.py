"""Node's IPC channel: a socket pair whose child end is the child's `NODE_CHANNEL_FD`.

With `NODE_CHANNEL_SERIALIZATION_MODE=json` node frames messages as JSON lines, so a plain script
has `process.on('message')` and `process.send()`; `sidetui.block` speaks the same framing. Other
children just inherit one more descriptor, which they never touch.
"""

from __future__ import annotations

import asyncio
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
        self.max_bytes = max_message_bytes
        self._transport: asyncio.Transport | None = None
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
        loop = asyncio.get_running_loop()
        reader = _MessageReader(self, on_message, on_problem)
        self._transport, _ = await loop.create_unix_connection(lambda: reader, sock=self._ours)
        self.send(first)

    def send(self, message: dict[str, Any]) -> None:
        if self._transport is not None and not self.closed:
            self._transport.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    def refuse(self, problem: str) -> None:
        """A message the stream cannot go on after: say why and close."""
        self.refused = problem
        self.close()

    def close(self) -> None:
        """Close our end: a node child whose only work was the channel then exits."""
        if self.closed:
            return
        self.closed = True
        if self._transport is not None:
            self._transport.close()
        else:
            self._ours.close()
        self._theirs.close()
        self.drained.set()


class _MessageReader(asyncio.Protocol):
    """Cuts what arrives into JSON lines and hands each object on as it completes."""

    def __init__(self, channel: IpcChannel, on_message: MessageHandler, on_problem: ProblemHandler):
        self._channel = channel
        self._on_message = on_message
        self._on_problem = on_problem
        self._partial = bytearray()

    def data_received(self, data: bytes) -> None:
        channel = self._channel
        start, end = 0, data.find(b"\n")
        while end >= 0 and not channel.closed:
            if self._partial:
                self._partial += data[start:end]
                line, self._partial = bytes(self._partial), bytearray()
            else:
                line = data[start:end]
            self._line(line)
            start, end = end + 1, data.find(b"\n", end + 1)
        if channel.closed:
            return
        self._partial += data[start:]
        if len(self._partial) > channel.max_bytes:
            self._too_long()

    def connection_lost(self, exc: Exception | None) -> None:
        self._channel.drained.set()

    def _too_long(self) -> None:
        """A message past the limit: the stream cannot be resynchronised, so it is closed."""
        problem = f"an IPC message over {self._channel.max_bytes} bytes closed the channel"
        self._on_problem(problem)
        self._channel.refuse(problem)

    def _line(self, line: bytes) -> None:
        if len(line) > self._channel.max_bytes:
            self._too_long()
            return
        try:
            message = strict_json.loads(line)
        except ValueError as error:  # if it was the result, the result is lost: say so
            self._channel.refused = f"a malformed IPC message ({error}) was ignored"
            self._on_problem(f"{self._channel.refused}: {line[:80]!r}")
            return
        if not isinstance(message, dict):
            self._on_problem(f"ignored an IPC message that is not a JSON object: {line[:80]!r}")
        elif not str(message.get("cmd", "")).startswith("NODE_"):  # node's own
            self._on_message(message)
