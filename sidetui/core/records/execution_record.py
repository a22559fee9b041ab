"""The execution record: everything known about one side execution, live while it runs."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from sidetui.core.output import Interleaving, OutputStream
from sidetui.core.records.block_message import BlockMessage
from sidetui.core.records.errors import ExecutionError
from sidetui.core.records.status import ExecutionStatus
from sidetui.core.records.timestamps import iso_from_epoch

MAX_NOTICES = 50
MAX_MESSAGES = 1000
USAGE_SAMPLES = 720  # kept for graphs: six minutes at the default sample interval


class ExecutionKind(StrEnum):
    ACTION_BLOCK = "actionBlock"
    CODE = "code"
    CAPABILITY = "capability"


@dataclass(frozen=True)
class TreeUsage:
    """Resources of an execution's whole process tree at the last sample."""

    processes: int = 0
    cpu_percent: float = 0.0
    memory_rss: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "processes": self.processes,
            "cpuPercent": round(self.cpu_percent, 1),
            "memoryRss": self.memory_rss,
        }


class UsageSample(NamedTuple):
    """The whole tree's CPU and memory at one moment (epoch seconds)."""

    time: float
    cpu_percent: float
    memory_rss: int


@dataclass(eq=False)
class ExecutionRecord:
    """One side execution. The engine updates it in place; `to_dict` is its JSON form."""

    side_execution_id: str
    kind: ExecutionKind
    action_block: str  # the name or path it was started with
    params: dict[str, Any]
    timeout: int | None
    action_block_id: str | None = None
    action_block_path: str | None = None
    capability_execution_id: str | None = None  # the cap_ execution this one runs for
    thread_id: str | None = None
    parent_agent_id: str | None = None
    parent_agent_instance_id: str | None = None
    parent_execution_id: str | None = None  # the execution that started this one, if any
    status: ExecutionStatus = ExecutionStatus.STARTING
    result: Any = None
    error: ExecutionError | None = None
    exit_code: int | None = None
    signal: str | None = None
    pid: int | None = None
    start_time: float = field(default_factory=time.time)
    end_time: float | None = None
    stdout: OutputStream | None = None
    stderr: OutputStream | None = None
    usage: TreeUsage = field(default_factory=TreeUsage)
    usage_history: deque[UsageSample] = field(default_factory=lambda: deque(maxlen=USAGE_SAMPLES))
    peak_memory: int = 0  # the most memory the whole tree held at a sample
    leftover_pids: tuple[int, ...] = ()  # processes that survived SIGKILL (should stay empty)
    notices: list[str] = field(default_factory=list)  # refused messages and the like
    messages: list[BlockMessage] = field(default_factory=list)  # what the block told its user
    messages_dropped: int = 0  # past MAX_MESSAGES, the oldest go
    thread_messages: list[dict[str, Any]] = field(default_factory=list)  # handed to it at start
    interleaving: Interleaving | None = None  # arrival order of stdout and stderr lines
    stored_log_paths: dict[str, str | None] = field(default_factory=dict)  # of a stored record
    from_history: bool = False  # read back from the history, not run by this manager

    def add_usage(self, usage: TreeUsage, when: float) -> None:
        """A sample of the tree: the latest, kept for graphs, and the peak so far."""
        self.usage = usage
        self.usage_history.append(UsageSample(when, usage.cpu_percent, usage.memory_rss))
        self.peak_memory = max(self.peak_memory, usage.memory_rss)

    def add_notice(self, text: str) -> None:
        if len(self.notices) < MAX_NOTICES:
            self.notices.append(text)

    def add_message(self, message: BlockMessage) -> None:
        self.messages.append(message)
        if len(self.messages) > MAX_MESSAGES:
            del self.messages[0]
            self.messages_dropped += 1

    @property
    def duration_ms(self) -> int:
        end = self.end_time if self.end_time is not None else time.time()
        return max(0, int((end - self.start_time) * 1000))

    @property
    def output(self) -> str:
        return self.stdout.text() if self.stdout else ""

    @property
    def error_output(self) -> str:
        return self.stderr.text() if self.stderr else ""

    def merged_output(self) -> tuple[list[str], list[bool], int]:
        """The last lines of both streams in the order they arrived: (lines, from stderr?,
        number of the first). Empty for a record read back from the history."""
        if self.interleaving is None or self.stdout is None or self.stderr is None:
            return [], [], 0
        return self.interleaving.merge(self.stdout.lines(), self.stderr.lines())

    @property
    def log_errors(self) -> list[str]:
        """Why a log file stopped short of what the child wrote (a full disk...), if one did."""
        return [s.log.error for s in (self.stdout, self.stderr) if s is not None and s.log.error]

    @property
    def log_paths(self) -> dict[str, str | None]:
        if self.stdout is None and self.stderr is None:
            return {"stdout": None, "stderr": None, **self.stored_log_paths}
        return {
            "stdout": str(self.stdout.log.path) if self.stdout else None,
            "stderr": str(self.stderr.log.path) if self.stderr else None,
        }

    def to_dict(self) -> dict[str, Any]:
        streams = [s for s in (self.stdout, self.stderr) if s is not None]
        return {
            "sideExecutionId": self.side_execution_id,
            "kind": self.kind.value,
            "actionBlock": self.action_block,
            "actionBlockId": self.action_block_id,
            "actionBlockPath": self.action_block_path,
            "capabilityExecutionId": self.capability_execution_id,
            "status": self.status.value,
            "params": self.params,
            "result": self.result,
            "error": self.error.to_dict() if self.error else None,
            "output": self.output,
            "errorOutput": self.error_output,
            "exitCode": self.exit_code,
            "signal": self.signal,
            "pid": self.pid,
            "startTime": iso_from_epoch(self.start_time),
            "endTime": iso_from_epoch(self.end_time) if self.end_time is not None else None,
            "duration": self.duration_ms,
            "timeout": self.timeout,
            "threadId": self.thread_id,
            "parentAgentId": self.parent_agent_id,
            "parentAgentInstanceId": self.parent_agent_instance_id,
            "parentExecutionId": self.parent_execution_id,
            "logPaths": self.log_paths,
            "outputStats": {
                s.name: {"bytes": s.bytes_total, "lines": s.lines_total} for s in streams
            },
            "logErrors": self.log_errors,
            "logsComplete": not self.log_errors,
            "usage": self.usage.to_dict(),
            "peakMemory": self.peak_memory,
            "leftoverPids": list(self.leftover_pids),
            "notices": list(self.notices),
            "messages": [message.to_dict() for message in self.messages],
            "messagesDropped": self.messages_dropped,
        }
