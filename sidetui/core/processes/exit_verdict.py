"""A child's own exit: its last words, and what the exit means when it reported nothing
(completed, or failed and why)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sidetui.core.output.stream import OutputStream
from sidetui.core.processes.backend import RunningChild
from sidetui.core.processes.waiting import wait_at_most
from sidetui.core.protocol.child_link import ChildLink
from sidetui.core.records.errors import ErrorCode
from sidetui.core.records.execution_record import ExecutionRecord
from sidetui.core.records.status import ExecutionStatus


@dataclass(frozen=True)
class ExitVerdict:
    """The final status an exit earns, with its result or its error."""

    status: ExecutionStatus
    result: Any = None
    code: ErrorCode | None = None
    message: str = ""


async def last_words(child: RunningChild, link: ChildLink | None, drain_s: float) -> None:
    """After the child exited: until its output has ended and everything it sent on its link
    was read (a result sent just before exiting is not lost), at most `drain_s`."""
    waiting: list[asyncio.Future[Any]] = [child.output_ended]
    if link is not None:
        waiting.append(asyncio.ensure_future(link.quiet()))
    await wait_at_most(asyncio.gather(*waiting), drain_s)


def judge_exit(
    record: ExecutionRecord, link: ChildLink | None, limit_exceeded: str | None = None
) -> ExitVerdict:
    """Exit 0 is `completed` with `{"exitCode": 0}` - unless the child was to connect and never
    got its invocation (`CONNECTION_FAILED`, saying why), or a message of its was refused (its
    result, perhaps); a non-zero exit or a signal is `failed`, quoting the last stderr line."""
    exit_code, signal, stderr = record.exit_code, record.signal, record.stderr
    if limit_exceeded is not None:
        message = f"killed by {signal}: {limit_exceeded}"
        return ExitVerdict(
            ExecutionStatus.FAILED, code=ErrorCode.RESOURCE_LIMIT_EXCEEDED, message=message
        )
    never_got_through = link.never_got_through if link else None
    refused = link.refused if link else None
    if exit_code == 0 and never_got_through is not None:
        message = f"exited without its invocation: {never_got_through}"
        return ExitVerdict(
            ExecutionStatus.FAILED, code=ErrorCode.CONNECTION_FAILED, message=message
        )
    if exit_code == 0 and refused is not None:
        message = f"{refused}; its result, if that was it, was lost"
        return ExitVerdict(ExecutionStatus.FAILED, code=ErrorCode.EXECUTION_FAILED, message=message)
    if exit_code == 0:
        return ExitVerdict(ExecutionStatus.COMPLETED, result={"exitCode": 0})
    how = f"killed by {signal}" if signal is not None else f"exited with code {exit_code}"
    return ExitVerdict(
        ExecutionStatus.FAILED, code=ErrorCode.PROCESS_CRASHED, message=how + _last_line(stderr)
    )


def _last_line(stderr: OutputStream | None) -> str:
    """`: <last line of stderr>`, to make a failure message useful on its own."""
    lines = [line for line in (stderr.lines()[-5:] if stderr else []) if line.strip()]
    if stderr and stderr.partial.strip():
        lines.append(stderr.partial)
    if not lines:
        return ""
    last = lines[-1].strip()
    return f": {last[:200]}"
