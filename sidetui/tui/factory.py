"""The one way to build the app, for the command line and the tests alike."""

from __future__ import annotations

import os
from pathlib import Path

from sidetui.config import Settings, load_settings
from sidetui.core import EngineConfig, SideExecutionManager
from sidetui.tui.app import SidetuiApp
from sidetui.tui.presentation import MaskedPresentation, Presentation, StagedPresentation


def create_app(
    project_dir: str | os.PathLike[str] | None = None,
    *,
    settings: Settings | None = None,
    config: EngineConfig | None = None,
    global_dir: str | os.PathLike[str] | None = None,
    deterministic: bool = False,
    staged: bool = False,
) -> SidetuiApp:
    """The app on `project_dir`. `deterministic` masks ids, pids, times and usage (for snapshot
    tests); `staged` shows fixed, real-looking ones instead (for the README's pictures)."""
    settings = settings or load_settings()
    config = config or settings.engine
    manager = SideExecutionManager(Path(project_dir or Path.cwd()), global_dir, config)
    looks: type[Presentation] = (
        StagedPresentation if staged else MaskedPresentation if deterministic else Presentation
    )
    return SidetuiApp(manager, settings, looks)
