"""Registry entries: ActionBlocks, capabilities and executors, with where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sidetui.core.catalog.limits import ResourceLimits


class Source(IntEnum):
    """Where an entry was found; a higher value wins over a lower one of the same name."""

    PATH = 0  # given by path, outside every discovery root
    BUILTIN = 1
    GLOBAL = 2
    PROJECT = 3

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]  # looked up: `self.name` costs microseconds, once an entry


_SOURCE_LABELS = {source: source.name.lower() for source in Source}


class EntryKind(StrEnum):
    ACTION_BLOCK = "actionblock"
    CAPABILITY = "capability"
    EXECUTOR = "executor"


JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array")
E = TypeVar("E", bound="Entry")


@dataclass(frozen=True)
class InputSpec:
    """One declared parameter of a block or capability."""

    name: str
    type: str = "string"
    required: bool = False
    description: str = ""
    default: Any = None
    has_default: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "description": self.description,
        }
        if self.has_default:
            out["default"] = self.default
        return out


@dataclass(frozen=True)
class OutputSpec:
    name: str
    type: str = "string"
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "description": self.description}


@dataclass(frozen=True)
class Entry:
    """What every registry entry has: identity, origin, and whether it can run."""

    name: str
    path: Path
    source: Source
    description: str = ""
    version: str = "1.0.0"
    errors: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, hash=False)
    stamp: int = 0  # newest modification time (ns) of the files read: an edit changes the entry
    # Filled in by the registry from the other entries it holds.
    id: str = ""
    shadowed_by: str | None = None
    conflicts_with: tuple[str, ...] = ()
    linked_to: str | None = None  # reached through a symlink out of its root: where it leads

    kind: EntryKind = EntryKind.ACTION_BLOCK

    def __post_init__(self) -> None:
        if not self.id:  # its id alone in its name; the registry adds `@<folder>` to a conflict
            object.__setattr__(self, "id", self.base_id())

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def shadow_key(self) -> tuple[str, ...]:
        """Entries with equal keys in different sources shadow each other."""
        return (self.kind.value, self.name)

    def base_id(self) -> str:
        return f"{self.source.label}:{self.kind.value}:{self.name}"

    def to_dict(self) -> dict[str, Any]:
        """The entry as the JSON CLI and the WebSocket API show it."""
        raise NotImplementedError


@dataclass(frozen=True)
class ActionBlock(Entry):
    """A folder that runs as one child process."""

    entry_point: str | None = None
    runtime: str | None = None
    timeout: int | None = None
    inputs: tuple[InputSpec, ...] = ()
    outputs: tuple[OutputSpec, ...] = ()
    manifest: str | None = None  # the file the fields came from
    expects_connection: bool = False  # a codeboltjs block: it must connect to the endpoint
    limits: ResourceLimits | None = None  # memory, processes, cpu (see catalog.limits)

    kind: EntryKind = EntryKind.ACTION_BLOCK

    @property
    def entry_path(self) -> Path | None:
        return self.path / self.entry_point if self.entry_point else None

    def to_dict(self) -> dict[str, Any]:
        """The ActionBlock object of the JSON CLI and the WebSocket API."""
        metadata = {
            "author": None,
            "tags": [],
            "dependencies": [],
            **self.metadata,
            "inputs": [spec.to_dict() for spec in self.inputs],
            "outputs": [spec.to_dict() for spec in self.outputs],
            "source": self.source.label,
        }
        return {
            "id": self.id or self.base_id(),
            "name": self.name,
            "description": self.description,
            "version": self.version,
            "entryPoint": self.entry_point,
            "path": str(self.path),
            "type": "builtin" if self.source is Source.BUILTIN else "filesystem",
            "source": self.source.label,
            "runtime": self.runtime,
            "timeout": self.timeout,
            "manifest": self.manifest,
            "expectsConnection": self.expects_connection,
            "limits": self.limits.to_dict() if self.limits else None,
            "valid": self.valid,
            "errors": list(self.errors),
            "shadowedBy": self.shadowed_by,
            "conflictsWith": list(self.conflicts_with),
            "linkedTo": self.linked_to,
            "metadata": metadata,
        }


@dataclass(frozen=True)
class Capability(Entry):
    """A named unit of a type (skill, power, talent...), run by the executor of its type."""

    type: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    inputs: tuple[InputSpec, ...] = ()
    outputs: tuple[OutputSpec, ...] = ()
    manifest: str | None = None  # capability.yaml, SKILL.md, or None (a bare folder)
    instructions: str = ""  # the body of a SKILL.md

    kind: EntryKind = EntryKind.CAPABILITY

    @property
    def shadow_key(self) -> tuple[str, ...]:
        return (self.kind.value, self.type, self.name)

    def base_id(self) -> str:
        return f"{self.source.label}:{self.kind.value}:{self.type}/{self.name}"

    def config(self) -> dict[str, Any]:
        """What the executor is told about the capability (`capabilityConfig`)."""
        return {
            "name": self.name,
            "type": self.type,
            "version": self.version,
            "description": self.description,
            "author": self.author,
            "tags": list(self.tags),
            "inputs": [spec.to_dict() for spec in self.inputs],
            "outputs": [spec.to_dict() for spec in self.outputs],
            "manifest": self.manifest,
            "instructions": self.instructions,
            "metadata": self.metadata,
        }

    def to_dict(self) -> dict[str, Any]:
        """The Capability object of the JSON CLI and the WebSocket API (codeboltjs' fields)."""
        return {
            "id": self.id or self.base_id(),
            "name": self.name,
            "type": self.type,
            "version": self.version,
            "description": self.description,
            "path": str(self.path),
            "source": self.source.label,
            "manifest": self.manifest,
            "valid": self.valid,
            "errors": list(self.errors),
            "shadowedBy": self.shadowed_by,
            "conflictsWith": list(self.conflicts_with),
            "linkedTo": self.linked_to,
            "metadata": {
                **self.metadata,
                "author": self.author,
                "tags": list(self.tags),
                "inputs": [spec.to_dict() for spec in self.inputs],
                "outputs": [spec.to_dict() for spec in self.outputs],
                "source": self.source.label,
            },
        }


@dataclass(frozen=True)
class Executor(ActionBlock):
    """A program that runs capabilities of the types it supports; it runs like an ActionBlock."""

    supported_types: tuple[str, ...] = ()

    kind: EntryKind = EntryKind.EXECUTOR

    def to_dict(self) -> dict[str, Any]:
        """The CapabilityExecutor object of the JSON CLI and the WebSocket API."""
        return {
            "id": self.id or self.base_id(),
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "supportedTypes": list(self.supported_types),
            "entryPoint": self.entry_point,
            "path": str(self.path),
            "source": self.source.label,
            "runtime": self.runtime,
            "valid": self.valid,
            "errors": list(self.errors),
            "shadowedBy": self.shadowed_by,
            "conflictsWith": list(self.conflicts_with),
            "linkedTo": self.linked_to,
            "metadata": {**self.metadata, "source": self.source.label},
        }


def copy_with(entry: E, **changes: Any) -> E:
    """`dataclasses.replace` for the fields the registry fills in, without running `__init__`
    again (the entry's fields were made and checked once): it is done to every entry on every
    load, so it must cost next to nothing."""
    copy = object.__new__(type(entry))
    object.__setattr__(copy, "__dict__", {**entry.__dict__, **changes})
    return copy
