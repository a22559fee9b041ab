"""Requests to start something, as every client makes them (Python API, agents, the app).

A request carries what to run and who asks (`Lineage`); the engine admits or refuses it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sidetui.core.output.log_file import LogFile


@dataclass(frozen=True)
class Lineage:
    """Who launches an execution: the caller's thread and agent, where it says so (the
    manager's own agent otherwise)."""

    thread_id: str | None = None
    parent_agent_id: str | None = None
    parent_agent_instance_id: str | None = None
    parent_execution_id: str | None = None  # the execution that starts this one, if any


@dataclass(frozen=True)
class StartRequest:
    """Start a side execution: a block (`target`: a name, registry id or folder path), or
    `code` in `language`. `timeout` in ms: None takes the manifest's, then the configured
    default; 0 means no limit. `thread_messages`: the parent thread's chat history, handed to
    the child as `threadContext.messages`. `output_copies`: where else each stream's raw bytes
    go as they arrive (by stream name: a CLI's own stdout and stderr)."""

    target: str | os.PathLike[str] | None = None
    code: Any = None
    language: str = "javascript"
    params: Any = None
    timeout: Any = None
    lineage: Lineage = field(default_factory=Lineage)
    thread_messages: Any = None
    output_copies: Mapping[str, LogFile] | None = None


@dataclass(frozen=True)
class CapabilityRequest:
    """Start the capability `name` of `type` with the executor of that type."""

    name: str
    type: str
    params: Any = None
    timeout: Any = None
    lineage: Lineage = field(default_factory=Lineage)
