"""An ActionBlock folder read into an `ActionBlock`: `actionblock.yml|yaml`, else `package.json`.

Never raises for bad content: every problem becomes a readable entry in `ActionBlock.errors`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sidetui.core.catalog.entries import ActionBlock, OutputSpec, Source
from sidetui.core.catalog.folder_files import README, FolderFiles
from sidetui.core.catalog.inputs import parse_input_specs
from sidetui.core.catalog.limits import parse_limits
from sidetui.core.catalog.manifest_io import ManifestError, text_field

BLOCK_MANIFESTS = ("actionblock.yml", "actionblock.yaml")
PACKAGE_JSON = "package.json"
DEFAULT_ENTRIES = ("dist/index.js", "index.js", "main.py")
ENTRY_MARKERS = (PACKAGE_JSON, "index.js", "main.py")

PROTOCOLS = ("websocket", "ipc", "none")
CODEBOLT_SDK = "@codebolt/codeboltjs"
RUNTIME_BY_SUFFIX = {".js": "node", ".cjs": "node", ".mjs": "node", ".py": "python", ".sh": "bash"}
_KNOWN_KEYS = frozenset({
    "name", "description", "version", "entryPoint", "runtime", "timeout",
    "metadata", "inputs", "outputs", "protocol", "limits",
})  # fmt: skip


def load_action_block(
    folder: Path, source: Source, names: set[str] | None = None, files: FolderFiles | None = None
) -> ActionBlock:
    """Read the block in `folder`; `names` (the folder's listing) saves a directory scan, `files`
    (the folder as the walk saw it) saves that and more."""
    fields, _ = read_runnable(files or FolderFiles(folder, names), BLOCK_MANIFESTS)
    return ActionBlock(path=folder, source=source, **fields)


def read_runnable(
    files: FolderFiles, manifests: tuple[str, ...], known: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields of something that runs as a child (a block, an executor) from its folder, and
    its raw manifest; problems are in `fields["errors"]`. `known` keys stay out of metadata."""
    names = files.names
    errors: list[str] = []
    manifest_name = next((name for name in manifests if name in names), None)
    manifest = _load(files.yaml, manifest_name, errors) if manifest_name else {}
    package = _load(files.json, PACKAGE_JSON, errors) if PACKAGE_JSON in names else {}

    name = (
        text_field(manifest, "name", errors) or text_field(package, "name", []) or files.folder.name
    )
    version = text_field(manifest, "version", errors) or text_field(package, "version", [])
    description = text_field(manifest, "description", errors) or text_field(
        package, "description", []
    )
    metadata = _metadata(manifest, errors, _KNOWN_KEYS | known)
    inputs, input_errors = parse_input_specs(metadata.pop("inputs", manifest.get("inputs")))
    errors.extend(input_errors)
    outputs = _outputs(metadata.pop("outputs", manifest.get("outputs")), errors)
    entry_point = _entry_point(files, manifest, package, errors)
    runtime = text_field(manifest, "runtime", errors) or _runtime_for(files, entry_point, errors)
    timeout = _timeout(manifest, errors)
    limits = parse_limits(manifest.get("limits"), errors)
    expects_connection = _expects_connection(files.folder, manifest, package, errors)
    read = [*manifests, PACKAGE_JSON, README, entry_point]
    fields = {
        "name": name,
        "description": description or files.readme_summary(),
        "version": version or "1.0.0",
        "errors": tuple(errors),
        "metadata": metadata,
        "entry_point": entry_point,
        "runtime": runtime,
        "timeout": timeout,
        "limits": limits,
        "expects_connection": expects_connection,
        "inputs": inputs,
        "outputs": outputs,
        "manifest": manifest_name or (PACKAGE_JSON if PACKAGE_JSON in names else None),
        "stamp": files.newest_mtime([n for n in read if n and n.split("/")[0] in names]),
    }
    return fields, manifest


def runtime_for_suffix(entry_point: str) -> str | None:
    """The runtime an entry file's extension implies, or None to run the file itself."""
    if "/" in entry_point or entry_point == ".":
        return RUNTIME_BY_SUFFIX.get(Path(entry_point).suffix.lower())
    dot = entry_point.rfind(".")  # one name: its suffix as `Path.suffix` finds it, sooner
    suffix = entry_point[dot:] if 0 < dot < len(entry_point) - 1 else ""
    return RUNTIME_BY_SUFFIX.get(suffix.lower())


def _load(read: Callable[[str], dict[str, Any]], name: str, errors: list[str]) -> dict[str, Any]:
    try:
        return read(name)
    except ManifestError as error:
        errors.append(str(error))
        return {}


def _metadata(manifest: dict[str, Any], errors: list[str], known: frozenset[str]) -> dict[str, Any]:
    raw = manifest.get("metadata") or {}
    if not isinstance(raw, dict):
        errors.append(f"metadata must be a mapping, found {type(raw).__name__}")
        raw = {}
    extra = {key: value for key, value in manifest.items() if key not in known}
    return {**extra, **{str(key): value for key, value in raw.items()}}


def _outputs(raw: Any, errors: list[str]) -> tuple[OutputSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.append("outputs must be a list of {name, type, description}")
        return ()
    specs = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            errors.append(f"outputs[{index}] needs a name")
            continue
        specs.append(
            OutputSpec(
                item["name"], str(item.get("type", "string")), str(item.get("description", ""))
            )
        )
    return tuple(specs)


def _entry_point(
    files: FolderFiles, manifest: dict[str, Any], package: dict[str, Any], errors: list[str]
) -> str | None:
    declared = text_field(manifest, "entryPoint", errors) or text_field(package, "main", [])
    if declared:
        if not files.is_file(declared):
            problem = "is a folder" if files.is_dir(declared) else "does not exist"
            errors.append(f"entry point {declared} {problem}")
        elif outside := _outside(files, declared):
            errors.append(f"entry point {declared} leads out of the block's folder, to {outside}")
        return declared
    for candidate in DEFAULT_ENTRIES:
        if candidate.split("/")[0] in files.names and files.is_file(candidate):
            if outside := _outside(files, candidate):
                errors.append(
                    f"entry point {candidate} leads out of the block's folder, to {outside}"
                )
            return candidate
    errors.append("no entry point: set entryPoint in actionblock.yml, or add index.js or main.py")
    return None


def _outside(files: FolderFiles, entry: str) -> Path | None:
    """Where the entry file really is when that is outside the block's folder (absolute, `..`
    or a symlink)."""
    if _plainly_inside(files, entry):
        return None  # the common case, without resolving both paths
    folder = files.folder
    try:
        real, home = (folder / entry).resolve(), folder.resolve()
    except (OSError, RuntimeError):
        return None
    return None if real.is_relative_to(home) else real


def _plainly_inside(files: FolderFiles, entry: str) -> bool:
    """`entry` is below the folder by name, without `..`, and none of its parts is a link."""
    if "/" not in entry and entry not in (".", ".."):
        return not files.is_link(entry)  # one name: the listing knows
    folder = files.folder
    try:
        parts = (folder / entry).relative_to(folder).parts
    except ValueError:
        return False
    if ".." in parts:
        return False
    below = folder
    for part in parts:
        below = below / part
        if below.is_symlink():
            return False
    return True


def _runtime_for(files: FolderFiles, entry_point: str | None, errors: list[str]) -> str | None:
    if not entry_point:
        return None
    runtime = runtime_for_suffix(entry_point)
    if (
        runtime is None
        and files.is_file(entry_point)
        and not os.access(files.path(entry_point), os.X_OK)
    ):
        errors.append(
            f"entry point {entry_point} has no known runtime and is not executable: "
            "set runtime in actionblock.yml or chmod +x it"
        )
    return runtime


def _expects_connection(
    folder: Path, manifest: dict[str, Any], package: dict[str, Any], errors: list[str]
) -> bool:
    """Whether the child will connect to the WebSocket endpoint (so `running` waits for it).

    `protocol: websocket` (or `ipc`, `none`) in the manifest says so; else a block that depends on
    the codeboltjs SDK and has it installed does.
    """
    declared = manifest.get("protocol")
    if declared is not None:
        if declared not in PROTOCOLS:
            errors.append(f"protocol must be one of {', '.join(PROTOCOLS)}, found {declared!r}")
        return bool(declared == "websocket")
    dependencies = package.get("dependencies")
    if not isinstance(dependencies, dict) or CODEBOLT_SDK not in dependencies:
        return False
    return any(
        (where / "node_modules" / CODEBOLT_SDK).is_dir() for where in (folder, *folder.parents)
    )


def _timeout(manifest: dict[str, Any], errors: list[str]) -> int | None:
    value = manifest.get("timeout")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        errors.append(f"timeout must be a number of milliseconds >= 0, found {value!r}")
        return None
    return int(value)
