"""Settings from a file: `$SIDETUI_CONFIG`, else `$XDG_CONFIG_HOME/sidetui/config.toml`.

    [engine]          # any EngineConfig field, e.g.
    stop_grace_ms = 3000
    tail_lines = 20000

    [keys]            # binding id = key(s), e.g.
    stop = "k"
    search = "ctrl+f"

    [app]
    bell_on_end = true  # ring the terminal bell when a launched execution ends out of sight

A file that cannot be read or holds unknown or mistyped settings is reported in `problems` and
otherwise ignored: the app starts with the defaults rather than not at all.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sidetui.core.config import EngineConfig


@dataclass
class Settings:
    engine: EngineConfig
    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    path: Path | None = None
    bell_on_end: bool = False


def settings_path(environ: Mapping[str, str]) -> Path:
    if explicit := environ.get("SIDETUI_CONFIG"):
        return Path(explicit).expanduser()
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "sidetui" / "config.toml"


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Engine settings from the environment and the file, key bindings from the file."""
    environ = os.environ if environ is None else environ
    path = path or settings_path(environ)
    settings = Settings(EngineConfig.from_env(environ), path=path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return settings
    except (OSError, tomllib.TOMLDecodeError) as error:
        settings.problems.append(f"{path}: {error}")
        return settings
    _apply_engine(settings, data.get("engine", {}))
    keys = data.get("keys", {})
    if isinstance(keys, dict):
        settings.keys = {str(k): str(v) for k, v in keys.items() if isinstance(v, str)}
        settings.problems += [
            f"[keys] {k}: give the key as text" for k, v in keys.items() if not isinstance(v, str)
        ]
    _apply_app(settings, data.get("app", {}))
    for section in set(data) - {"engine", "keys", "app"}:
        settings.problems.append(f"{path}: unknown section [{section}]")
    return settings


def _apply_engine(settings: Settings, values: Any) -> None:
    if not isinstance(values, dict):
        settings.problems.append("[engine] must be a table of settings")
        return
    fields = {f.name: f for f in dataclasses.fields(EngineConfig)}
    for key, value in values.items():
        if key not in fields:
            settings.problems.append(f"[engine] {key}: no such setting")
            continue
        try:
            setattr(settings.engine, key, _coerce(str(fields[key].type), value))
        except (TypeError, ValueError) as error:
            settings.problems.append(f"[engine] {key}: {error}")


def _apply_app(settings: Settings, values: Any) -> None:
    if not isinstance(values, dict):
        settings.problems.append("[app] must be a table of settings")
        return
    for key, value in values.items():
        if key != "bell_on_end":
            settings.problems.append(f"[app] {key}: no such setting")
        elif not isinstance(value, bool):
            settings.problems.append(f"[app] bell_on_end: expected true or false, got {value!r}")
        else:
            settings.bell_on_end = value


def _coerce(annotation: str, value: Any) -> Any:
    """`value` from TOML as the field's type (given by its annotation's text)."""
    paths = "Path" in annotation
    if annotation.startswith("tuple"):
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {value!r}")
        return tuple(Path(str(v)).expanduser() if paths else str(v) for v in value)
    if paths:
        return None if value is None else Path(str(value)).expanduser()
    wanted = {"int": int, "bool": bool, "dict": dict}
    for name, kind in wanted.items():
        if annotation.startswith(name) or annotation.startswith(f"{name} "):
            if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
                return value
            raise TypeError(f"expected {name}, got {value!r}")
    return value
