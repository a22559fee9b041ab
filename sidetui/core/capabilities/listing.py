"""The capability catalog as the API lists it: capabilities by filter, one in detail, executors."""

from __future__ import annotations

from typing import Any

from sidetui.core.capabilities.interfaces import CapabilityCatalog
from sidetui.core.catalog.entries import Capability, EntryKind
from sidetui.core.catalog.listing import not_loaded
from sidetui.core.records.errors import Refusal
from sidetui.core.records.response import Response


def list_capabilities(catalog: CapabilityCatalog, filter: dict[str, Any] | None) -> Response:
    """Capabilities, narrowed by `filter` `{type?, tags?, author?}`."""
    if not catalog.loaded:
        return not_loaded("listCapabilitiesResponse")
    wanted = filter or {}
    chosen = [c for c in catalog.capabilities() if _matches(c, wanted)]
    data = {"capabilities": [c.to_dict() for c in chosen]}
    return Response.ok("listCapabilitiesResponse", f"{len(chosen)} capabilities", data)


def capability_detail(catalog: CapabilityCatalog, name: str, type: str | None) -> Response:
    kind = "getCapabilityDetailResponse"
    if not catalog.loaded:
        return not_loaded(kind)
    try:
        capability = catalog.find(EntryKind.CAPABILITY, name, type)
    except Refusal as refusal:
        return Response.failure(kind, refusal.error)
    return Response.ok(kind, capability.name, {"capability": capability.to_dict()})


def list_executors(catalog: CapabilityCatalog) -> Response:
    """Executors, each with the types it serves now (`serving`: the last registered wins)."""
    if not catalog.loaded:
        return not_loaded("listExecutorsResponse")
    serving: dict[str, list[str]] = {}
    for kind, executor in sorted(catalog.executor_map().items()):
        serving.setdefault(str(executor.path), []).append(kind)
    executors = [
        {**e.to_dict(), "serving": serving.get(str(e.path), [])} for e in catalog.executors()
    ]
    return Response.ok(
        "listExecutorsResponse", f"{len(executors)} executors", {"executors": executors}
    )


def _matches(capability: Capability, wanted: dict[str, Any]) -> bool:
    if wanted.get("type") and capability.type != wanted["type"]:
        return False
    if wanted.get("author") and capability.author != wanted["author"]:
        return False
    tags = wanted.get("tags") or []
    return all(tag in capability.tags for tag in tags)
