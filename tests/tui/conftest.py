"""Fixtures for the app: a copy of the samples as the project, the app built by the factory, and
the comparison of a driven app with its snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from sidetui.config import Settings
from sidetui.core import EngineConfig
from sidetui.tui.app import SidetuiApp
from sidetui.tui.factory import create_app
from tests.helpers import scratch_config
from tests.tui.pilot_support import (
    SIZE,
    AppFactory,
    Drive,
    Snapshot,
    copy_samples,
    details,
    started,
    wait_until,
)


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


@pytest.fixture
def matches_snapshot(make_app: AppFactory, snap_compare) -> Snapshot:
    """`matches_snapshot(drive, size=SIZE, project=None)`: the app built now (after the test has
    written its project), started and driven (the details caught up with the catalog cursor), looks
    as its snapshot does."""

    def compare(drive: Drive, size: tuple[int, int] = SIZE, project: Path | None = None) -> bool:
        app = make_app(project)

        async def run_before(pilot: Pilot[None]) -> None:
            await started(pilot, app)
            await drive(pilot, app)
            await wait_until(pilot, lambda: details(app).settled, "the details to catch up")

        return snap_compare(app, terminal_size=size, run_before=run_before)

    return compare
