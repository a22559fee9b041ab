"""What a child's own exit means when it reported nothing: completed, or failed and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sidetui.core.output.stream import OutputStream
from sidetui.core.records.errors import ErrorCode
from sidetui.core.records.status import ExecutionStatus


@dataclass(frozen=True)
class ExitVerdict:
    """The final status an exit earns, with its result or its error."""

    status: ExecutionStatus
    result: Any = None
    code: ErrorCode | None = None
    message: str = ""


def judge_exit(
    exit_code: int | None, signal: str | None, stderr: OutputStream | None, refused: str | None
) -> ExitVerdict:
    """Exit 0 is `completed` with `{"exitCode": 0}` - unless a message of the child's was refused
    (its result, perhaps); a non-zero exit or a signal is `failed`, quoting the last stderr line."""
    if exit_code == 0 and refused is not None:
        message = f"{refused}; its result, if that was it, was lost"
        return ExitVerdict(ExecutionStatus.FAILED, code=ErrorCode.EXECUTION_FAILED, message=message)
    if exit_code == 0:
        return ExitVerdict(ExecutionStatus.COMPLETED, result={"exitCode": 0})
    how = f"killed by {signal}" if signal is not None else f"exited with code {exit_code}"
    return ExitVerdict(
        ExecutionStatus.FAILED, code=ErrorCode.PROCESS_CRASHED, message=how + last_words(stderr)
    )


def last_words(stderr: OutputStream | None) -> str:
    """`: <last line of stderr>`, to make a failure message useful on its own."""
    lines = [line for line in (stderr.lines()[-5:] if stderr else []) if line.strip()]
    if stderr and stderr.partial.strip():
        lines.append(stderr.partial)
    if not lines:
        return ""
    last = lines[-1].strip()
    return f": {last[:200]}"
