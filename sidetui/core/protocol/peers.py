"""Who talks to the engine over a protocol, and what a child's message turned out to be."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

Push = Callable[[dict[str, Any]], Awaitable[None]]
Request = dict[str, Any]
Reply = dict[str, Any]
Handler = Callable[[Request, "Caller"], Awaitable[Reply]]
Routes = dict[tuple[str, str], Handler]  # (type, action) -> handler


@dataclass(frozen=True)
class Caller:
    """Who sent a request: an execution's child (`execution_id`), or an agent with its own ids
    (from its connection's query, as the codeboltjs SDK sends them). `push` sends it a message
    it did not ask for (that an execution it started has ended); None where nobody listens."""

    execution_id: str | None = None
    agent_id: str | None = None
    agent_instance_id: str | None = None
    thread_id: str | None = None
    push: Push | None = None


class Received(Enum):
    """What a message from a child was."""

    COMPLETION = "completion"  # its result or error: the channel closes
    SAID = "said"  # something it told its user (kept on the record), or noted and refused
    REQUEST = "request"  # anything else: answered when it carries a requestId
