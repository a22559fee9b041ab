"""How long an execution waits at each step of its ending, from the engine's settings."""

from __future__ import annotations

from dataclasses import dataclass

from sidetui.core.config import EngineConfig


@dataclass(frozen=True)
class Graces:
    stop_s: float  # asking to stop to forcing it, on stop and timeout
    result_s: float  # after a result, or after the child exited with processes left behind
    exit_drain_s: float  # after the child exited, for its last output
    connect_s: float  # for a child expected to connect to the WebSocket endpoint

    @classmethod
    def from_config(cls, config: EngineConfig) -> Graces:
        return cls(
            config.stop_grace_ms / 1000,
            config.result_grace_ms / 1000,
            config.exit_drain_ms / 1000,
            config.connect_timeout_ms / 1000,
        )
