"""From a capability request to what runs it: the executor, the capability, the checked params.

Refusals come in the seed's order: no executor for the type, no capability, a malformed
capability, a malformed executor.
"""

from __future__ import annotations

from typing import Any

from sidetui.core.capabilities.interfaces import CapabilityCatalog
from sidetui.core.catalog.entries import Capability, EntryKind, Executor
from sidetui.core.catalog.inputs import validate_params
from sidetui.core.records.errors import ErrorCode, Refusal

EXECUTOR_PARAMS = (
    "capabilityPath", "capabilityName", "capabilityType", "capabilityConfig", "executionId",
)  # fmt: skip


def resolve(catalog: CapabilityCatalog, name: str, kind: str) -> tuple[Executor, Capability]:
    """The executor of type `kind` and the capability `name` of that type; `Refusal` otherwise."""
    executor = catalog.executor_map().get(kind)
    if executor is None:
        raise Refusal(
            ErrorCode.EXECUTOR_NOT_FOUND, f"No executor runs capabilities of type {kind!r}"
        )
    found = catalog.find(EntryKind.CAPABILITY, name, kind)
    assert isinstance(found, Capability)
    if not found.valid:
        raise Refusal(
            ErrorCode.INVALID_CAPABILITY_CONFIG,
            f"capability {kind}/{name} is malformed: {'; '.join(found.errors)}",
            {"path": str(found.path), "errors": list(found.errors)},
        )
    if not executor.valid:
        raise Refusal(
            ErrorCode.INVALID_EXECUTOR_CONFIG,
            f"executor {executor.name} is malformed: {'; '.join(executor.errors)}",
            {"path": str(executor.path), "errors": list(executor.errors)},
        )
    return executor, found


def checked_params(capability: Capability, params: dict[str, Any] | None) -> dict[str, Any]:
    """The params against the capability's declared inputs (`INVALID_REQUEST` when they fail)."""
    try:
        return validate_params(capability.inputs, params)
    except Refusal as refusal:
        raise Refusal(
            ErrorCode.INVALID_REQUEST, refusal.error.message, refusal.error.details
        ) from None


def executor_params(
    capability: Capability, params: dict[str, Any], execution_id: str
) -> dict[str, Any]:
    """What the executor's side execution receives: the capability described, then the caller's
    params."""
    return {
        **params,
        "capabilityPath": str(capability.path),
        "capabilityName": capability.name,
        "capabilityType": capability.type,
        "capabilityConfig": capability.config(),
        "executionId": execution_id,
    }
