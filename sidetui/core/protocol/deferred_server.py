"""A WebSocket endpoint that listens at once and loads the WebSocket library when the first
connection comes.

A child's environment needs only the endpoint's port. Importing `websockets` costs 50-65 ms on
a slow machine: a run of a block that never connects, and the app's first frame, need not pay
for it. Until the first connection, the kernel queues callers in the listening socket's backlog.
When one comes, `websockets` is imported and serves that socket from then on: the waiting caller
is accepted first.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from websockets.asyncio.server import Server, ServerConnection

BACKLOG = 100  # as asyncio's own servers
MAX_REQUEST_LINE = 256 * 1024

Handler = Callable[["ServerConnection"], Awaitable[None]]


class DeferredServer:
    """`websockets.asyncio.server.serve(handler, "127.0.0.1", port, **options)`, loaded late."""

    def __init__(self, handler: Handler, port: int = 0, **options: Any):
        self._handler = handler
        self._options = options
        self._socket = socket.create_server(("127.0.0.1", port), backlog=BACKLOG)
        self._socket.setblocking(False)
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self._socket.fileno(), self._first_caller)
        self._starting: asyncio.Task[None] | None = None
        self._server: Server | None = None

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def serving(self) -> bool:
        """Whether the WebSocket library serves the socket (a connection has come)."""
        return self._server is not None

    def _first_caller(self) -> None:
        self._loop.remove_reader(self._socket.fileno())
        self._starting = self._loop.create_task(self._serve())

    async def _serve(self) -> None:
        from websockets import http11
        from websockets.asyncio.server import serve

        # The codeboltjs SDK puts its whole environment in the connect URL (SIDE_EXECUTION_PARAMS,
        # up to 64 KiB, among it); websockets refuses request lines over 8 KiB unless told.
        http11.MAX_LINE_LENGTH = max(http11.MAX_LINE_LENGTH, MAX_REQUEST_LINE)
        try:
            self._server = await serve(self._handler, sock=self._socket, **self._options)
        except Exception as error:  # callers must not wait in the backlog for ever: refuse them
            self._socket.close()
            self._loop.call_exception_handler(
                {"message": "the WebSocket endpoint could not serve", "exception": error}
            )

    async def close(self, wait_s: float) -> None:
        """Stop listening; wait up to `wait_s` for open connections to close."""
        if self._starting is None:
            self._loop.remove_reader(self._socket.fileno())
        else:
            await self._starting
        if self._server is None:
            self._socket.close()
            return
        self._server.close()
        with contextlib.suppress(TimeoutError):  # connections stuck in their handshake
            await asyncio.wait_for(self._server.wait_closed(), wait_s)
