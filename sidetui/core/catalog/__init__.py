"""The catalog: what can run, found on disk and kept current.

Owns the entries (`ActionBlock`, `Capability`, `Executor`, `InputSpec`, `Source`), reading their
manifests (`actionblock.yml`, `package.json`, `capability.yaml`, `executor.yaml`, `SKILL.md`) and
declared inputs (with `validate_params`), the bounded walk that finds them under each root
(`discovery`), the `Registry` with precedence, shadowing and conflicts (`precedence`), its live
`RegistryWatcher`, and the look-up of a block by name, id or path (`resolve_action_block`).
"""

from typing import TYPE_CHECKING

from sidetui.lazy import lazy_exports

if TYPE_CHECKING:
    from sidetui.core.catalog.discovery import Root
    from sidetui.core.catalog.entries import (
        ActionBlock,
        Capability,
        Entry,
        EntryKind,
        Executor,
        InputSpec,
        OutputSpec,
        Source,
    )
    from sidetui.core.catalog.inputs import validate_params
    from sidetui.core.catalog.lookup import resolve_action_block
    from sidetui.core.catalog.registry import (
        Registry,
        RegistryChange,
    )
    from sidetui.core.catalog.roots import roots_for
    from sidetui.core.catalog.watcher import RegistryWatcher

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "sidetui.core.catalog.discovery": ("Root",),
        "sidetui.core.catalog.entries": (
            "ActionBlock",
            "Capability",
            "Entry",
            "EntryKind",
            "Executor",
            "InputSpec",
            "OutputSpec",
            "Source",
        ),
        "sidetui.core.catalog.inputs": ("validate_params",),
        "sidetui.core.catalog.lookup": ("resolve_action_block",),
        "sidetui.core.catalog.registry": ("Registry", "RegistryChange"),
        "sidetui.core.catalog.roots": ("roots_for",),
        "sidetui.core.catalog.watcher": ("RegistryWatcher",),
    },
)
__all__ = [
    "ActionBlock",
    "Capability",
    "Entry",
    "EntryKind",
    "Executor",
    "InputSpec",
    "OutputSpec",
    "Registry",
    "RegistryChange",
    "RegistryWatcher",
    "Root",
    "Source",
    "resolve_action_block",
    "roots_for",
    "validate_params",
]
