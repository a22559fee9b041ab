"""The response envelope every public operation returns: `{type, success, message, error, data}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sidetui.core.records.errors import ExecutionError


class Serializable(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Response:
    """A reply of the Python API and the JSON CLI (the seed's envelope, camelCase in JSON)."""

    type: str
    success: bool
    message: str
    error: ExecutionError | None = None
    data: dict[str, Any] | None = None

    @classmethod
    def ok(cls, type_: str, message: str, data: dict[str, Any] | None = None) -> Response:
        return cls(type_, True, message, None, data)

    @classmethod
    def failure(
        cls, type_: str, error: ExecutionError, data: dict[str, Any] | None = None
    ) -> Response:
        return cls(type_, False, error.message, error, data)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "success": self.success,
            "message": self.message,
            "error": self.error.to_dict() if self.error else None,
            "data": to_json_value(self.data) if self.data is not None else None,
        }


def to_json_value(value: Any) -> Any:
    """Turn records (anything with `to_dict`) inside dicts and lists into plain JSON values."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    return value
