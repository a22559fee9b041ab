"""How one execution's child talks to the manager: its IPC channel, its WebSocket, its token.

The link delivers the invocation (on the IPC channel at spawn, on the WebSocket when the child
connects) and turns the first completion into the execution's result or error. Refusals (a result
for another execution, a second connection, garbage) are noted on the record, never applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sidetui.core.protocol.invocation import Completion, ForeignCompletion, read_completion
from sidetui.core.protocol.ipc_channel import IpcChannel


class ChildLink:
    """One child's channels to the manager (what the WebSocket endpoint sees of an execution)."""

    def __init__(
        self,
        execution_id: str,
        token: str,
        invocation: dict[str, Any],
        channel: IpcChannel | None,
        expects_socket: bool,
    ):
        self.execution_id = execution_id
        self.token = token
        self.invocation = invocation
        self.channel = channel
        self.expects_socket = expects_socket
        self.socket_attached = False
        self._socket_gone = asyncio.Event()
        self._socket_gone.set()
        self.on_completion: Callable[[Completion], None] = lambda completion: None
        self.on_delivered: Callable[[], object] = lambda: None
        self.note: Callable[[str], None] = lambda text: None
        self._close_socket: Callable[[], Any] | None = None
        self._refused: str | None = None

    async def open(self) -> None:
        """After the spawn: the invocation goes out on the IPC channel."""
        if self.channel is not None:
            await self.channel.open(self.invocation, self.receive, self.note)

    def attach_socket(self, close: Callable[[], Any]) -> dict[str, Any]:
        """The child connected to the WebSocket endpoint: the invocation it is to receive."""
        self.socket_attached = True
        self._socket_gone.clear()
        self._close_socket = close
        return self.invocation

    def invocation_delivered(self) -> None:
        self.on_delivered()

    def detach_socket(self) -> None:
        self._close_socket = None
        self._socket_gone.set()

    async def quiet(self) -> None:
        """Wait until everything the child sent has been read: its IPC end closed (it exited)
        and no socket of its is open. A result sent just before exiting is not lost."""
        if self.channel is not None and not self.channel.closed:
            await self.channel.drained.wait()
        await self._socket_gone.wait()

    def receive(self, message: dict[str, Any]) -> bool:
        """Apply a completion; True when `message` was one (the socket is then closed)."""
        try:
            completion = read_completion(message, self.execution_id)
        except ForeignCompletion as refused:
            self.note(f"refused: {refused}")
            return False
        if completion is None:
            return False
        self.on_completion(completion)
        self.close()
        return True

    def refuse(self, problem: str) -> None:
        """A message was refused (too big): if the child then ends without a result, it failed."""
        self._refused = problem
        self.note(problem)

    @property
    def refused(self) -> str | None:
        """Why a message of the child's was refused, if one was (perhaps its result)."""
        return self._refused or (self.channel.refused if self.channel else None)

    def close(self) -> None:
        """Close the channels: a node child whose only work was the channel then exits."""
        if self.channel is not None:
            self.channel.close()
        if self._close_socket is not None:
            self._close_socket()
            self._close_socket = None
