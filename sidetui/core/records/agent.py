"""Who launches executions: the local "agent" identity and the thread it works in."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field


def _instance_id() -> str:
    return f"sidetui_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def _thread_id() -> str:
    return f"thread_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class AgentIdentity:
    """The launching agent as children see it (`parentId`, `parentAgentInstanceId`, `threadId`)."""

    agent_id: str = "sidetui"
    instance_id: str = field(default_factory=_instance_id)
    thread_id: str = field(default_factory=_thread_id)
