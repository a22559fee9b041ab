"""The manager's WebSocket endpoint on 127.0.0.1: codeboltjs children and agents meet it here.

A child (an execution's process) connects as the codeboltjs SDK does, with its execution id
(`agentId` or `SIDE_EXECUTION_ID`) and its execution token (`token` or `SIDE_EXECUTION_TOKEN`,
which the SDK forwards from its environment unawares). It gets `registered`, then its
`actionBlockInvocation`; its first `actionBlockComplete` ends it and the socket is closed. An agent
connects with the manager's API token (`apiToken` or `SIDETUI_API_TOKEN` in the query, or an
`Authorization: Bearer` header) and sends requests. Requests with a `requestId` are answered on
either kind of connection; anything unauthenticated is closed with 1008 (policy violation).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from sidetui.core.config import EngineConfig
from sidetui.core.protocol.accept_errors import quiet_accept_errors
from sidetui.core.protocol.deferred_server import DeferredServer
from sidetui.core.protocol.peers import Caller, Push, Received
from sidetui.core.protocol.replies import failure
from sidetui.core.records import strict_json
from sidetui.core.records.errors import ErrorCode
from sidetui.lazy import lazy_module

if TYPE_CHECKING:
    from websockets import exceptions
    from websockets.asyncio.server import ServerConnection
else:
    exceptions = lazy_module("websockets.exceptions")  # loaded by the first connection

POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009
PING_INTERVAL_S = 25
CLOSE_WAIT_S = 2.0
PONG_WAIT_S = 5.0  # for the handshake ping: any client answers at once (RFC 6455 5.5.2)


class SocketChild(Protocol):
    """What the endpoint needs of an execution."""

    token: str
    socket_attached: bool

    @property
    def thread_id(self) -> str | None: ...

    def attach_socket(self, close: Any) -> dict[str, Any] | None: ...
    def invocation_delivered(self) -> None: ...
    def receive(self, message: dict[str, Any]) -> Received: ...
    def refuse(self, problem: str) -> None: ...
    def connection_refused(self, reason: str) -> None: ...
    def detach_socket(self) -> None: ...
    def note(self, text: str) -> None: ...


ChildFinder = Callable[[str], SocketChild | None]  # a live execution's link, by execution id
Answerer = Callable[[dict[str, Any], Caller], Awaitable[dict[str, Any]]]  # a request's reply


class Bridge:
    """One manager's endpoint."""

    def __init__(self, find_child: ChildFinder, answer: Answerer):
        self.find_child = find_child
        self.answer = answer
        self.api_token = secrets.token_urlsafe(32)
        self.endpoint_file: Path | None = None
        self._server: DeferredServer | None = None

    async def start(self, port: int = 0, max_frame_bytes: int = 16 << 20) -> None:
        """Listen on 127.0.0.1:`port` (0: a port the OS chooses)."""
        quiet_accept_errors(asyncio.get_running_loop())
        self._server = DeferredServer(
            self._serve,
            port,
            max_size=max_frame_bytes,
            ping_interval=PING_INTERVAL_S,
            compression=None,
        )

    async def open(self, config: EngineConfig, project: Path) -> int:
        """Listen as `config` says, and tell agents where (the endpoint file); the port."""
        await self.start(config.socket_port, config.max_message_bytes)
        self.write_endpoint_file(config.state_dir / "endpoints", str(project))
        return self.port

    @property
    def listening(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.port

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/codebolt"

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close(CLOSE_WAIT_S)
        if self.endpoint_file is not None:
            self.endpoint_file.unlink(missing_ok=True)

    def write_endpoint_file(self, folder: Path, project: str) -> Path:
        """Where agents find this endpoint and its API token: a JSON file only we can read."""
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"{os.getpid()}-{self.port}.json"
        description = {
            "url": self.url,
            "token": self.api_token,
            "pid": os.getpid(),
            "project": project,
        }
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(description, handle)
        self.endpoint_file = path  # removed on close
        return path

    async def _serve(self, connection: ServerConnection) -> None:
        request = connection.request
        query = dict(parse_qsl(urlsplit(request.path if request else "").query))
        header = request.headers.get("Authorization", "") if request else ""
        api_token = query.get("apiToken") or query.get("SIDETUI_API_TOKEN") or _bearer(header)
        if api_token and _same_secret(api_token, self.api_token):
            await self._converse(connection, _agent(query, _pusher(connection)), None)
            return
        execution_id = query.get("agentId") or query.get("SIDE_EXECUTION_ID") or ""
        token = query.get("token") or query.get("SIDE_EXECUTION_TOKEN") or ""
        child = self.find_child(execution_id) if execution_id else None
        if child is None:
            await connection.close(POLICY_VIOLATION, "unknown execution, or a wrong token")
            return
        if not token or not _same_secret(token, child.token):
            child.connection_refused("it gave a wrong token" if token else "it gave no token")
            await connection.close(POLICY_VIOLATION, "unknown execution, or a wrong token")
            return
        if child.socket_attached:
            child.note("refused a second WebSocket connection")
            await connection.close(POLICY_VIOLATION, "this execution is already connected")
            return
        await self._serve_child(connection, child, execution_id)

    async def _serve_child(
        self, connection: ServerConnection, child: SocketChild, execution_id: str
    ) -> None:
        invocation = child.attach_socket(lambda: asyncio.ensure_future(connection.close()))
        try:
            registered = {
                "type": "registered",
                "connectionId": execution_id,
                "connectionType": "agent",
                "threadId": child.thread_id,
            }
            await connection.send(json.dumps(registered))
            if invocation is not None:
                await _until_listening(connection, child)
                await connection.send(json.dumps(invocation))
                child.invocation_delivered()
            await self._converse(connection, Caller(execution_id, push=_pusher(connection)), child)
        except exceptions.ConnectionClosed:
            pass  # gone during the handshake: its execution judges what that means
        finally:
            child.detach_socket()

    async def _converse(
        self, connection: ServerConnection, caller: Caller, child: SocketChild | None
    ) -> None:
        """Read frames until the socket closes; a child's completion ends the conversation."""
        answering: set[asyncio.Task[None]] = set()
        try:
            async for frame in connection:
                message, problem = _parse(frame)
                if message is None:
                    await self._refuse_frame(connection, frame, problem, child)
                    continue
                received = child.receive(message) if child is not None else Received.REQUEST
                if received is Received.COMPLETION:
                    await connection.close()
                    return
                if received is Received.REQUEST and "requestId" in message:
                    task = asyncio.create_task(self._answer(connection, message, caller))
                    answering.add(task)
                    task.add_done_callback(answering.discard)
        except exceptions.ConnectionClosed as closed:
            closing = closed.sent or closed.rcvd
            if child is not None and closing is not None and closing.code == MESSAGE_TOO_BIG:
                child.refuse("a WebSocket frame over the size limit closed the connection")

        finally:
            for task in answering:
                task.cancel()

    async def _refuse_frame(
        self,
        connection: ServerConnection,
        frame: str | bytes,
        problem: str,
        child: SocketChild | None,
    ) -> None:
        """A frame that is not a JSON object sidetui accepts: noted for a child; answered when
        its requestId can still be read (it only held NaN, say), so the caller is not left
        waiting."""
        if child is not None:
            why = f" ({problem})" if problem else ""
            child.note(f"ignored a WebSocket frame that is not a JSON object{why}")
        request_id = _request_id_of(frame)
        if request_id is not None:
            why = f"not valid JSON: {problem}" if problem else "not a JSON object"
            reply = failure("error", ErrorCode.INVALID_REQUEST, why)
            with contextlib.suppress(exceptions.ConnectionClosed):
                await connection.send(json.dumps({**reply, "requestId": request_id}))

    async def _answer(
        self, connection: ServerConnection, request: dict[str, Any], caller: Caller
    ) -> None:
        reply = await self.answer(request, caller)
        with contextlib.suppress(exceptions.ConnectionClosed):
            await connection.send(json.dumps(reply, default=str))


async def _until_listening(connection: ServerConnection, child: SocketChild) -> None:
    """Until the child's event loop has turned since the socket opened.

    The codeboltjs SDK attaches its message listener in a `.then()` after `open`: a frame that
    node parses in the same read as the handshake reply (or while the block's own synchronous
    code still runs) reaches no listener and is lost. A ping is answered in the read that parses
    it; the next frame we send after its pong arrives in a later read, after the SDK's pending
    `.then()` callbacks have run.
    """
    try:
        pong = await connection.ping()
        await asyncio.wait_for(pong, PONG_WAIT_S)
    except TimeoutError:
        child.note(f"no pong within {PONG_WAIT_S:g} s; the invocation was sent anyway")


def _agent(query: dict[str, str], push: Push) -> Caller:
    """An agent's ids as the codeboltjs SDK puts them in the query (its environment): its agent
    id, its instance (else this connection's id), its thread (else one for this connection)."""
    instance = query.get("agentInstanceId") or query.get("AGENT_INSTANCE_ID") or query.get("id")
    thread = query.get("threadId") or query.get("THREAD_ID") or f"thread_{secrets.token_hex(16)}"
    return Caller(
        None,
        query.get("agentId") or query.get("AGENT_ID") or None,
        instance or f"agent_{secrets.token_hex(8)}",
        thread,
        push,
    )


def _pusher(connection: ServerConnection) -> Push:
    async def push(message: dict[str, Any]) -> None:
        with contextlib.suppress(exceptions.ConnectionClosed):
            await connection.send(json.dumps(message, default=str))

    return push


def _parse(frame: str | bytes) -> tuple[dict[str, Any] | None, str]:
    """The frame's JSON object; else None and why (malformed, NaN, nested too deeply...)."""
    try:
        message = strict_json.loads(frame)
    except ValueError as error:
        return None, str(error)
    return (message, "") if isinstance(message, dict) else (None, "")


def _request_id_of(frame: str | bytes) -> Any:
    """The requestId of a refused frame, where a lenient reading finds one."""
    with contextlib.suppress(ValueError, RecursionError):
        loaded = json.loads(frame)
        return loaded.get("requestId") if isinstance(loaded, dict) else None
    return None


def _same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison that any text given (non-ASCII too) survives."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def _bearer(header: str) -> str:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""
