"""Error codes and the error record every refusal and failure carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sidetui.core.records.timestamps import iso_now


class ErrorCode(StrEnum):
    """Machine-readable error codes of side executions and capabilities."""

    ACTION_BLOCK_NOT_FOUND = "ACTION_BLOCK_NOT_FOUND"
    INVALID_ACTION_BLOCK = "INVALID_ACTION_BLOCK"
    INVALID_PARAMS = "INVALID_PARAMS"
    SYNTAX_ERROR = "SYNTAX_ERROR"
    EXECUTION_TIMEOUT = "EXECUTION_TIMEOUT"
    PROCESS_CRASHED = "PROCESS_CRASHED"
    CONNECTION_FAILED = "CONNECTION_FAILED"
    SPAWN_FAILED = "SPAWN_FAILED"
    SIDE_EXECUTION_NOT_FOUND = "SIDE_EXECUTION_NOT_FOUND"
    INVALID_REQUEST = "INVALID_REQUEST"
    CAPABILITY_NOT_FOUND = "CAPABILITY_NOT_FOUND"
    EXECUTOR_NOT_FOUND = "EXECUTOR_NOT_FOUND"
    INVALID_CAPABILITY_CONFIG = "INVALID_CAPABILITY_CONFIG"
    INVALID_EXECUTOR_CONFIG = "INVALID_EXECUTOR_CONFIG"
    EXECUTION_FAILED = "EXECUTION_FAILED"
    DOWNLOAD_FAILED = "DOWNLOAD_FAILED"
    EXTRACTION_FAILED = "EXTRACTION_FAILED"
    REGISTRY_NOT_INITIALIZED = "REGISTRY_NOT_INITIALIZED"
    RESOURCE_LIMIT_EXCEEDED = "RESOURCE_LIMIT_EXCEEDED"  # a block's own limit (memory...)


@dataclass(frozen=True)
class ExecutionError:
    """What went wrong: a person reads `message`, a program reads `code`."""

    code: ErrorCode | str  # a block's own code (from its error) is kept as it said it
    message: str
    details: dict[str, Any] | None = None
    side_execution_id: str | None = None
    timestamp: str = field(default_factory=iso_now)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": str(self.code), "message": self.message}
        if self.details is not None:
            out["details"] = self.details
        if self.side_execution_id is not None:
            out["sideExecutionId"] = self.side_execution_id
        out["timestamp"] = self.timestamp
        return out


def error_code(raw: Any, default: ErrorCode = ErrorCode.EXECUTION_FAILED) -> ErrorCode | str:
    """A code as a block or a stored record gave it: one of ours, else its own text (at most 100
    characters), else `default`."""
    if not isinstance(raw, str) or not raw.strip():
        return default
    try:
        return ErrorCode(raw)
    except ValueError:
        return raw.strip()[:100]


class Refusal(Exception):
    """A request the engine refuses before anything runs; carries the error to report."""

    def __init__(self, code: ErrorCode, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.error = ExecutionError(code, message, details)
