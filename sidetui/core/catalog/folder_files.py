"""One entry folder as its loader reads it: the names it holds, each file looked at (stat) at most
once, and its manifests parsed through the cache when there is one.

The walk already listed the folder, so the loaders ask this object instead of the disk: which
names exist and which are symlinks come from that listing, and the few files an entry needs are
each looked at once even when several rules ask about them (exists, is a file, modified when).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sidetui.core.catalog.manifest_cache import ManifestCache
from sidetui.core.catalog.manifest_io import (
    load_json_mapping,
    load_yaml_mapping,
    readme_file_summary,
)

README = "README.md"


class FolderFiles:
    """The files of `folder`; `names` and `links` come from its listing (read now when None)."""

    def __init__(
        self,
        folder: Path,
        names: set[str] | None = None,
        links: set[str] | None = None,
        cache: ManifestCache | None = None,
        base: str | None = None,
    ):
        self.folder = folder
        self.base = base or os.fspath(folder)  # the folder as text (the walk has it)
        if names is None:
            names, links = _listing(self.base)
        self.names = names
        self.links = links  # names that are symlinks; None: not known, ask the disk
        self.cache = cache
        self._stats: dict[str, os.stat_result | None] = {}

    def path(self, name: str) -> str:
        """The path of `name`, a name or a relative path (normalised as `Path` does it)."""
        return f"{self.base}/{name}" if "/" not in name else os.fspath(self.folder / name)

    def stat(self, name: str) -> os.stat_result | None:
        """The file `name` (links followed), or None when it cannot be looked at."""
        if name not in self._stats:
            try:
                self._stats[name] = os.stat(self.path(name))
            except (OSError, ValueError):
                self._stats[name] = None
        return self._stats[name]

    def is_file(self, name: str) -> bool:
        info = self.stat(name)
        return info is not None and stat.S_ISREG(info.st_mode)

    def is_dir(self, name: str) -> bool:
        info = self.stat(name)
        return info is not None and stat.S_ISDIR(info.st_mode)

    def is_link(self, name: str) -> bool:
        """Whether `name` (one name, no folder) is a symlink."""
        if self.links is not None and name in self.names:
            return name in self.links
        return os.path.islink(self.path(name))

    def newest_mtime(self, names: list[str]) -> int:
        """The newest modification time (ns) among the named files that exist."""
        times = [info.st_mtime_ns for name in names if (info := self.stat(name)) is not None]
        return max(times, default=0)

    def yaml(self, name: str) -> dict[str, Any]:
        """A YAML manifest as a mapping; `ManifestError` for one that cannot be used."""
        mapping: dict[str, Any] = self.parsed(name, load_yaml_mapping, "yaml", _is_mapping)
        return mapping

    def json(self, name: str) -> dict[str, Any]:
        """A JSON manifest as a mapping; `ManifestError` for one that cannot be used."""
        mapping: dict[str, Any] = self.parsed(name, load_json_mapping, "json", _is_mapping)
        return mapping

    def readme_summary(self) -> str:
        """The first paragraph of README.md that is not a heading or a badge, or ""."""
        if README not in self.names:
            return ""
        return str(self.parsed(README, readme_file_summary, "readme", _is_text))

    def parsed(
        self, name: str, parse: Callable[[str], Any], kind: str, valid: Callable[[Any], bool]
    ) -> Any:
        """`parse(path of name)`, through the cache (see `ManifestCache.read`); `kind` names
        the parse, `valid` checks the shape of a cached value."""
        info = self.stat(name) if self.cache is not None else None
        if self.cache is None or info is None:
            return parse(self.path(name))
        return self.cache.read(self.path(name), info, parse, kind, valid)


def _is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _listing(base: str) -> tuple[set[str], set[str] | None]:
    try:
        with os.scandir(base) as listing:
            children = list(listing)
    except OSError:
        return set(), None
    return {child.name for child in children}, {c.name for c in children if c.is_symlink()}
