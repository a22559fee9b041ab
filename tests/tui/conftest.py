"""Fixtures for the app: a copy of the samples as the project, and the app built by the factory."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sidetui.config import Settings
from sidetui.core import EngineConfig
from sidetui.tui.app import SidetuiApp
from sidetui.tui.factory import create_app
from tests.helpers import SAMPLES

AppFactory = Callable[..., SidetuiApp]


@pytest.fixture
def samples_project(tmp_path: Path) -> Path:
    """The bundled samples, copied: tests never write into committed folders."""
    project = tmp_path / "project"
    shutil.copytree(SAMPLES, project, ignore=shutil.ignore_patterns("node_modules"))
    return project


@pytest.fixture
def engine_config(tmp_path: Path) -> EngineConfig:
    return EngineConfig(
        state_dir=tmp_path / "state",
        global_dir=tmp_path / "global",
        watch=False,
        stop_grace_ms=1_000,
        result_grace_ms=500,
    )


@pytest.fixture
def make_app(samples_project: Path, engine_config: EngineConfig) -> AppFactory:
    """`make_app(project=None, keys=None, watch=False, deterministic=True)` builds the app."""

    def build(
        project: Path | None = None,
        keys: dict[str, str] | None = None,
        watch: bool = False,
        deterministic: bool = True,
    ) -> SidetuiApp:
        engine_config.watch = watch
        settings = Settings(engine_config, keys=keys or {})
        return create_app(
            project or samples_project,
            settings=settings,
            config=engine_config,
            deterministic=deterministic,
        )

    return build
