"""How one execution's child talks to the manager: its IPC channel, its WebSocket, its token.

The link delivers the invocation once (on the IPC channel at spawn, on the WebSocket when the
child first connects and is listening), keeps what the child tells its user, answers its requests
on the IPC channel, and turns the first completion into the execution's result or error.
Refusals (a result for another execution, a second connection, a wrong token, garbage) are noted
on the record, never applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sidetui.core.protocol.invocation import Completion, ForeignCompletion, read_completion
from sidetui.core.protocol.ipc_channel import IpcChannel
from sidetui.core.protocol.peers import Caller, Received
from sidetui.core.records.block_message import BlockMessage

Answerer = Callable[[dict[str, Any], Caller], Awaitable[dict[str, Any]]]


class LinkOwner(Protocol):
    """The execution's side of its link: what the child reports, and notes worth keeping."""

    def child_completed(self, completion: Completion) -> None: ...
    def invocation_delivered(self) -> None: ...
    def said(self, message: BlockMessage) -> None: ...
    def note(self, text: str) -> None: ...


class _Unwired:
    """A link nobody owns yet hears nothing."""

    def child_completed(self, completion: Completion) -> None: ...
    def invocation_delivered(self) -> None: ...
    def said(self, message: BlockMessage) -> None: ...
    def note(self, text: str) -> None: ...


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
        self.delivered_on_socket = False
        self.connection_problem: str | None = None  # why its connection was refused, if it was
        self._socket_gone = asyncio.Event()
        self._socket_gone.set()
        self.owner: LinkOwner = _Unwired()
        self.answer: Answerer | None = None  # serves requests that arrive on the IPC channel
        self._close_socket: Callable[[], Any] | None = None
        self._refused: str | None = None
        self._answering: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        """After the spawn: the invocation goes out on the IPC channel."""
        if self.channel is not None:
            await self.channel.open(self.invocation, self.receive_on_channel, self.note)

    def note(self, text: str) -> None:
        self.owner.note(text)

    # -- the WebSocket ---------------------------------------------------------------------------

    def attach_socket(self, close: Callable[[], Any]) -> dict[str, Any] | None:
        """The child connected: the invocation to send once it listens, None on a reconnect
        (it has had it already)."""
        self.socket_attached = True
        self._socket_gone.clear()
        self._close_socket = close
        return None if self.delivered_on_socket else self.invocation

    def invocation_delivered(self) -> None:
        self.delivered_on_socket = True
        self.owner.invocation_delivered()

    def detach_socket(self) -> None:
        self.socket_attached = False
        self._close_socket = None
        self._socket_gone.set()

    def connection_refused(self, reason: str) -> None:
        """A connection that named this execution was refused; if the child never gets through
        and ends, this is why."""
        self.connection_problem = reason
        self.note(f"refused a WebSocket connection: {reason}")

    # -- what the child sends --------------------------------------------------------------------

    def receive(self, message: dict[str, Any]) -> Received:
        """Apply a completion (the channels are then closed), keep a message to the user;
        anything else is a request for whoever answers requests."""
        said = BlockMessage.from_frame(message)
        if said is not None:
            self.owner.said(said)
            return Received.SAID
        try:
            completion = read_completion(message, self.execution_id)
        except ForeignCompletion as refused:
            self.note(f"refused: {refused}")
            return Received.SAID
        if completion is None:
            return Received.REQUEST
        self.owner.child_completed(completion)
        self.close()
        return Received.COMPLETION

    def receive_on_channel(self, message: dict[str, Any]) -> None:
        """A message on the IPC channel: as `receive`, and its requests answered there."""
        if self.receive(message) is not Received.REQUEST or "requestId" not in message:
            return
        if self.answer is None or self.channel is None:
            return
        task = asyncio.create_task(self._answer_on_channel(self.answer, message))
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)

    async def _answer_on_channel(self, answer: Answerer, request: dict[str, Any]) -> None:
        reply = await answer(request, Caller(self.execution_id))
        if self.channel is not None:
            self.channel.send(reply)

    async def quiet(self) -> None:
        """Wait until everything the child sent has been read: its IPC end closed (it exited)
        and no socket of its is open. A result sent just before exiting is not lost."""
        if self.channel is not None and not self.channel.closed:
            await self.channel.drained.wait()
        await self._socket_gone.wait()

    def refuse(self, problem: str) -> None:
        """A message was refused (too big): if the child then ends without a result, it failed."""
        self._refused = problem
        self.note(problem)

    @property
    def refused(self) -> str | None:
        """Why a message of the child's was refused, if one was (perhaps its result)."""
        return self._refused or (self.channel.refused if self.channel else None)

    @property
    def thread_id(self) -> str | None:
        return self.invocation.get("threadId")

    @property
    def never_got_through(self) -> str | None:
        """For a child expected to connect that never received its invocation there: why."""
        if not self.expects_socket or self.delivered_on_socket:
            return None
        if self.connection_problem:
            return f"its WebSocket connection was refused: {self.connection_problem}"
        return "it never connected to the WebSocket endpoint"

    def close(self) -> None:
        """Close the channels: a node child whose only work was the channel then exits."""
        if self.channel is not None:
            self.channel.close()
        if self._close_socket is not None:
            self._close_socket()
            self._close_socket = None
