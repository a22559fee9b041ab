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
    """An agent's connection: sends requests with fresh ids, reads replies one at a time."""

    def __init__(self, socket: ClientConnection):
        self.socket = socket
        self._ids = itertools.count(1)

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
        reply = await self.receive()
        assert reply["requestId"] == request_id, reply
        return reply


@contextlib.asynccontextmanager
async def agent_of(manager: SideExecutionManager) -> AsyncIterator[Agent]:
    """An agent connected with the manager's API token, once its registry is current."""
    await manager.rescan()
    assert manager.endpoint is not None
    url, token = manager.endpoint
    async with connect(f"{url}?{urlencode({'apiToken': token})}") as socket:
        yield Agent(socket)
