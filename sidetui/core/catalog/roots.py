"""The roots the catalog scans, lowest precedence first: builtin, global, project."""

from __future__ import annotations

from pathlib import Path

from sidetui.core.catalog.discovery import Root
from sidetui.core.catalog.entries import Source
from sidetui.core.config import EngineConfig

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "builtin"  # sidetui/builtin


def roots_for(config: EngineConfig, project_dir: Path) -> list[Root]:
    """The builtin folder (if shipped), the global folder, the project and its extra folders."""
    builtin = config.builtin_dir or BUILTIN_DIR
    roots = [Root(builtin.resolve(), Source.BUILTIN)] if builtin.is_dir() else []
    roots.append(Root(config.global_dir.expanduser().resolve(), Source.GLOBAL))
    roots.append(Root(project_dir, Source.PROJECT))
    roots += [Root(p.expanduser().resolve(), Source.PROJECT) for p in config.extra_project_dirs]
    return roots
