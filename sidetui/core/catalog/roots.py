"""The roots the catalog scans, lowest precedence first: builtin, global, project; and the
registry over them that the engine and the command line use."""

from __future__ import annotations

from pathlib import Path

from sidetui.core.catalog.discovery import Root
from sidetui.core.catalog.entries import Source
from sidetui.core.catalog.manifest_cache import CacheFolder
from sidetui.core.catalog.registry import Registry
from sidetui.core.config import EngineConfig

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "builtin"  # sidetui/builtin
CACHE_FOLDER = "catalog"  # in the state folder: parsed manifests (see manifest_cache)


def roots_for(config: EngineConfig, project_dir: Path) -> list[Root]:
    """The builtin folder (if shipped), the global folder, the project and its extra folders."""
    builtin = config.builtin_dir or BUILTIN_DIR
    roots = [Root(builtin.resolve(), Source.BUILTIN)] if builtin.is_dir() else []
    roots.append(Root(config.global_dir.expanduser().resolve(), Source.GLOBAL))
    roots.append(Root(project_dir, Source.PROJECT))
    roots += [Root(p.expanduser().resolve(), Source.PROJECT) for p in config.extra_project_dirs]
    return roots


def registry_for(config: EngineConfig, project_dir: Path) -> Registry:
    """A registry of the project's roots that keeps parsed manifests in the state folder."""
    cache = CacheFolder(config.state_dir.expanduser() / CACHE_FOLDER)
    return Registry(roots_for(config, project_dir), config.scan_max_depth, cache)
