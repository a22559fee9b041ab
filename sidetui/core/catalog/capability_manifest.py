"""Capabilities and executors read from their folders: `capability.yaml|yml`, a skill's `SKILL.md`
(YAML front matter, the body as its instructions), `executor.yaml|yml`.

As for blocks, every problem becomes a readable error on the entry; nothing raises.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sidetui.core.catalog.block_manifest import read_runnable
from sidetui.core.catalog.entries import Capability, Executor, OutputSpec, Source
from sidetui.core.catalog.folder_files import README, FolderFiles
from sidetui.core.catalog.inputs import parse_input_specs
from sidetui.core.catalog.manifest_io import ManifestError, first_paragraph, read_text, text_field
from sidetui.lazy import lazy_module

if TYPE_CHECKING:
    import yaml
else:
    yaml = lazy_module("yaml")

CAPABILITY_MANIFESTS = ("capability.yaml", "capability.yml")
EXECUTOR_MANIFESTS = ("executor.yaml", "executor.yml")
SKILL_FILE = "SKILL.md"
_CAPABILITY_KEYS = {
    "name", "type", "version", "description", "author", "tags", "inputs", "outputs", "metadata",
}  # fmt: skip


def load_capability(files: FolderFiles, source: Source, type_hint: str | None) -> Capability:
    """The capability in a folder; `type_hint` is its `capabilities/<type>/` folder, if any."""
    folder, names = files.folder, files.names
    errors: list[str] = []
    manifest_name = next((n for n in CAPABILITY_MANIFESTS if n in names), None)
    data: dict[str, Any] = {}
    instructions = ""
    try:
        if manifest_name:
            data = files.yaml(manifest_name)
        elif SKILL_FILE in names:
            data, instructions = files.parsed(SKILL_FILE, _skill_as_list, "skill", _is_skill)
            manifest_name = SKILL_FILE
    except ManifestError as error:
        errors.append(str(error))
    kind = text_field(data, "type", errors) or type_hint or ""
    if not kind:
        errors.append("no type: put it under capabilities/<type>/ or set type in capability.yaml")
    raw_metadata = data.get("metadata")
    metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
    inputs, input_errors = parse_input_specs(data.get("inputs", metadata.get("inputs")))
    errors.extend(input_errors)
    description = text_field(data, "description", errors) or first_paragraph(instructions)
    extra = {k: v for k, v in data.items() if k not in _CAPABILITY_KEYS}
    return Capability(
        name=text_field(data, "name", errors) or folder.name,
        path=folder,
        source=source,
        type=kind,
        description=description or files.readme_summary(),
        version=text_field(data, "version", errors) or "1.0.0",
        author=text_field(data, "author", errors),
        tags=_tags(data.get("tags", metadata.get("tags")), errors),
        inputs=inputs,
        outputs=_outputs(data.get("outputs", metadata.get("outputs"))),
        manifest=manifest_name,
        instructions=instructions,
        errors=tuple(errors),
        metadata={**extra, **{k: v for k, v in metadata.items() if k not in ("inputs", "outputs")}},
        stamp=files.newest_mtime([n for n in (manifest_name, README) if n]),
    )


def load_executor(files: FolderFiles, source: Source) -> Executor:
    """The executor in a folder: runnable like an ActionBlock, plus its `supportedTypes`."""
    fields, manifest = read_runnable(files, EXECUTOR_MANIFESTS, frozenset({"supportedTypes"}))
    types = manifest.get("supportedTypes")
    if not isinstance(types, list) or not types or not all(isinstance(t, str) and t for t in types):
        fields["errors"] = (
            *fields["errors"],
            "supportedTypes is required: a list of the capability types it runs (skill, power...)",
        )
        types = []
    return Executor(path=files.folder, source=source, supported_types=tuple(types), **fields)


def _skill_as_list(path: str) -> list[Any]:
    return list(read_skill(path))  # JSON's shape, as the cache keeps it


def _is_skill(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], dict)
        and isinstance(value[1], str)
    )


def read_skill(path: str | Path) -> tuple[dict[str, Any], str]:
    """A SKILL.md's YAML front matter (between `---` lines at the top) and its body."""
    text = read_text(path)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text.strip()
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            front, body = "".join(lines[1:index]), "".join(lines[index + 1 :])
            break
    else:
        raise ManifestError(f"{SKILL_FILE}: the front matter opened with --- is never closed")
    try:
        data = yaml.safe_load(front) or {}
    except yaml.YAMLError as error:
        raise ManifestError(f"{SKILL_FILE}: invalid YAML front matter: {error}") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{SKILL_FILE}: the front matter must be a mapping of fields")
    return data, body.strip()


def _tags(raw: Any, errors: list[str]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, list) and all(isinstance(tag, str) for tag in raw):
        return tuple(raw)
    errors.append("tags must be a list of words")
    return ()


def _outputs(raw: Any) -> tuple[OutputSpec, ...]:
    items = raw if isinstance(raw, list) else []
    return tuple(
        OutputSpec(item["name"], str(item.get("type", "string")), str(item.get("description", "")))
        for item in items
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    )
