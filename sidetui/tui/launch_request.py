"""A request to start something from the app, kept so that it can be started again (re-run)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sidetui.core import (
    ExecutionKind,
    ExecutionRecord,
    Refusal,
    Response,
    SideExecutionManager,
)
from sidetui.core.capabilities import EXECUTOR_PARAMS
from sidetui.core.catalog.entries import Capability

EXECUTOR_KEYS = frozenset(EXECUTOR_PARAMS)


@dataclass(frozen=True)
class LaunchRequest:
    kind: Literal["block", "capability", "code"]
    target: str  # a block's name or id, a capability's name, or the code itself
    params: dict[str, Any] = field(default_factory=dict)
    timeout: int | None = None
    capability_type: str | None = None
    language: str = "javascript"

    @classmethod
    def again(cls, record: ExecutionRecord) -> LaunchRequest | None:
        """The request that would start `record` again (None for inline code: not kept)."""
        if record.kind is ExecutionKind.CODE:
            return None
        if record.kind is ExecutionKind.CAPABILITY:
            kind, _, name = record.action_block.partition("/")
            params = {k: v for k, v in record.params.items() if k not in EXECUTOR_KEYS}
            return cls("capability", name, params, record.timeout, kind)
        target = record.action_block_id or record.action_block
        return cls("block", target, record.params, record.timeout)

    def unavailable(self, manager: SideExecutionManager, ran_from: str | None) -> str | None:
        """Why this cannot start again (the block it ran is gone, or is now another folder),
        or None; `ran_from` is the folder the earlier run's block was in."""
        if self.kind == "capability":
            kind, name = self.capability_type, self.target
            for entry in manager.registry.entries():
                if isinstance(entry, Capability) and (entry.name, entry.type) == (name, kind):
                    return None
            return f"there is no {kind} capability named {name!r} any more"
        if self.kind == "block":
            try:
                block = manager.resolve_action_block(self.target)
            except Refusal as refusal:
                return f"it is gone from the catalog ({refusal.error.message})"
            if ran_from is not None and block.path != Path(ran_from):
                return f"{self.target} is now another block, in {block.path}"
        return None

    async def start(self, manager: SideExecutionManager) -> Response:
        """Start it; the response's data holds `sideExecutionId` when something runs."""
        if self.kind == "capability":
            return await manager.capabilities.start_capability(
                self.target, self.capability_type or "", self.params, self.timeout
            )
        if self.kind == "code":
            timeout = self.timeout if self.timeout is not None else None
            return await manager.start_with_code(self.target, self.params, timeout, self.language)
        return await manager.start_with_action_block(self.target, self.params, self.timeout)
