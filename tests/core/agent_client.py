"""An agent on the manager's WebSocket endpoint, for the agent-API and capability-API tests."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from websockets.asyncio.client import ClientConnection, connect

from sidetui.core import SideExecutionManager
from tests.helpers import FILE_DEADLINE_S as DEADLINE_S


class Agent:
    """An agent's connection: sends requests with fresh ids, reads replies one at a time. As the
    codeboltjs SDK, it matches a reply by its requestId: messages the manager pushes unasked
    (`sideExecutionResult`...) are kept in `pushed` for the test to look at."""

    def __init__(self, socket: ClientConnection):
        self.socket = socket
        self._ids = itertools.count(1)
        self.pushed: list[dict[str, Any]] = []

    async def send(self, kind: str, action: str, **fields: Any) -> str:
        request_id = f"req-{next(self._ids)}"
        request = {"type": kind, "action": action, "requestId": request_id, **fields}
        await self.socket.send(json.dumps(request))
        return request_id

    async def receive(self) -> dict[str, Any]:
        message = json.loads(await asyncio.wait_for(self.socket.recv(), DEADLINE_S))
        assert isinstance(message, dict), message
        return message

    async def ask(self, kind: str, action: str, **fields: Any) -> dict[str, Any]:
        """One request and its reply (nothing else may be in flight)."""
        request_id = await self.send(kind, action, **fields)
        return await self.reply_to(request_id)

    async def reply_to(self, request_id: str) -> dict[str, Any]:
        """The reply to one request; pushed messages that come first are kept aside."""
        while True:
            message = await self.receive()
            if "requestId" not in message:
                self.pushed.append(message)
                continue
            assert message["requestId"] == request_id, message
            return message

    async def pushed_message(self, kind: str) -> dict[str, Any]:
        """The first pushed message of that type (waiting for it if it has not come yet)."""
        while True:
            for message in self.pushed:
                if message.get("type") == kind:
                    self.pushed.remove(message)
                    return message
            message = await self.receive()
            assert "requestId" not in message, f"a reply nobody waited for: {message}"
            self.pushed.append(message)


@contextlib.asynccontextmanager
async def agent_of(manager: SideExecutionManager, **query: str) -> AsyncIterator[Agent]:
    """An agent connected with the manager's API token (and `query` in its URL, as the SDK puts
    its ids and environment there), once the manager's registry is current."""
    await manager.rescan()
    assert manager.endpoint is not None
    url, token = manager.endpoint
    async with connect(f"{url}?{urlencode({'apiToken': token, **query})}") as socket:
        yield Agent(socket)
