"""Fixtures shared by every test: an engine configuration and a manager on temporary folders."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import psutil
import pytest

from sidetui.core import EngineConfig, SideExecutionManager
from tests.helpers import scratch_config


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the user's global folder or state, nor colour settings."""
    monkeypatch.setenv("SIDETUI_GLOBAL_DIR", str(tmp_path / "global"))
    monkeypatch.setenv("SIDETUI_STATE_DIR", str(tmp_path / "state"))
    for name in ("NO_COLOR", "TEXTUAL_THEME", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_process_left_behind() -> None:
    """Every test must leave no child process of ours running."""
    yield
    me = psutil.Process(os.getpid())
    alive = [
        child
        for child in me.children(recursive=True)
        if child.is_running() and child.status() != psutil.STATUS_ZOMBIE
    ]
    left = []
    for child in alive:
        with contextlib.suppress(psutil.Error):  # it may end while we look
            left.append(f"{child.pid} {child.cmdline()}")
            child.kill()
    assert not left, f"processes left running: {left}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    (folder / "actionblocks").mkdir(parents=True)
    return folder


@pytest.fixture
def config(tmp_path: Path) -> EngineConfig:
    return scratch_config(tmp_path, stop_grace_ms=2_000, result_grace_ms=1_000)


@pytest.fixture
async def manager(project: Path, config: EngineConfig) -> AsyncIterator[SideExecutionManager]:
    async with SideExecutionManager(project, config=config) as opened:
        yield opened
