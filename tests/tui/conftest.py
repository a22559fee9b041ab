"""Fixtures for the app: a copy of the samples as the project, and the app built by the factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidetui.config import Settings
from sidetui.core import EngineConfig
from sidetui.tui.app import SidetuiApp
from sidetui.tui.factory import create_app
from tests.helpers import scratch_config
from tests.tui.pilot_support import AppFactory, copy_samples


@pytest.fixture
def samples_project(tmp_path: Path) -> Path:
    """The bundled samples, copied: tests never write into committed folders."""
    return copy_samples(tmp_path / "project")


@pytest.fixture
def engine_config(tmp_path: Path) -> EngineConfig:
    return scratch_config(tmp_path)


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
