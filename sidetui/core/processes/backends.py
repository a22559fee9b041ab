"""The process backends `EngineConfig.process_backend` can name, and the choice of one."""

from __future__ import annotations

from sidetui.core.config import EngineConfig
from sidetui.core.processes.backend import ProcessBackend
from sidetui.core.processes.local import LocalProcessBackend

BACKENDS = ("local",)


def process_backend(config: EngineConfig) -> ProcessBackend:
    """The backend the configuration names; `ValueError` for one that does not exist."""
    if config.process_backend == "local":
        return LocalProcessBackend(config)
    known = ", ".join(BACKENDS)
    raise ValueError(f"unknown process backend {config.process_backend!r} (known: {known})")
