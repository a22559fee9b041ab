"""A request to start something from the app, kept so that it can be started again (re-run)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sidetui.core import Response, SideExecutionManager


@dataclass(frozen=True)
class LaunchRequest:
    kind: Literal["block", "capability", "code"]
    target: str  # a block's name or id, a capability's name, or the code itself
    params: dict[str, Any] = field(default_factory=dict)
    timeout: int | None = None
    capability_type: str | None = None
    language: str = "javascript"

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
