"""Engine settings with their defaults; `EngineConfig.from_env` reads the environment variables
(`SIDETUI_STATE_DIR`, `SIDETUI_GLOBAL_DIR`, `SIDETUI_CGROUPS=0` to do without cgroups)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

KIB = 1024
MIB = 1024 * KIB


def default_state_dir(environ: Mapping[str, str]) -> Path:
    if explicit := environ.get("SIDETUI_STATE_DIR"):
        return Path(explicit).expanduser()
    base = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "sidetui"


def default_global_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("SIDETUI_GLOBAL_DIR") or Path.home() / ".codebolt").expanduser()


@dataclass
class EngineConfig:
    """Everything the engine can be told; times are in milliseconds, sizes in bytes."""

    state_dir: Path = field(default_factory=lambda: default_state_dir(os.environ))
    global_dir: Path = field(default_factory=lambda: default_global_dir(os.environ))
    extra_project_dirs: tuple[Path, ...] = ()
    builtin_dir: Path | None = None  # None: the folder shipped inside the package

    stop_grace_ms: int = 5_000
    result_grace_ms: int = 2_000
    exit_drain_ms: int = 200  # after the child exits, how long its pipes may stay open
    default_timeout_ms: int | None = None  # for blocks whose manifest sets none
    code_timeout_ms: int = 300_000
    connect_timeout_ms: int = 30_000

    websocket: bool = True  # the endpoint for codeboltjs children and agents
    socket_port: int = 0  # 0: chosen by the OS
    max_message_bytes: int = 16 * MIB  # a WebSocket frame or an IPC message

    tail_lines: int = 5_000
    tail_bytes: int = 1 * MIB
    line_max_bytes: int = 64 * KIB
    output_flush_ms: int = 30
    line_times: bool = True  # each line's arrival time, in memory and in <log>.times
    subscriber_max_lines: int = 200_000

    env: dict[str, str] = field(default_factory=dict)  # added to every child's environment
    pass_env: tuple[str, ...] = ()  # names passed through from our environment

    watch: bool = True
    watch_debounce_ms: int = 50
    scan_max_depth: int = 6
    process_backend: str = "local"  # what runs children: see sidetui.core.processes.backends
    tree_sample_ms: int = 500
    subreaper: bool = True  # Linux: adopt orphaned grandchildren so stop can find them
    cgroups: bool = True  # a cgroup per execution where the machine allows it
    keeper: bool = True  # a process that ends the trees if this one is killed
    reap_orphans: bool = False  # collect every adopted orphan (only where we own the process)
    history: bool = True  # keep settled executions' records in <state dir>/history.sqlite3
    history_keep: int = 500

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> EngineConfig:
        environ = os.environ if environ is None else environ
        config = cls(state_dir=default_state_dir(environ), global_dir=default_global_dir(environ))
        config.cgroups = environ.get("SIDETUI_CGROUPS", "1") not in ("0", "no", "false")
        for key, value in overrides.items():
            setattr(config, key, value)
        return config

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"
