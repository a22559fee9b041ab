"""The keys bound to a binding as the person has them: rebinding from the configuration applied,
written as the footer writes them (`^s`, `esc`), for the help screen and the dialogs' buttons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingType


def keys_of(app: App[Any], binding: Binding) -> str:
    """`n/esc` for a binding of `n,escape` (or of whatever the configuration rebinds it to)."""
    keymap: Mapping[str, str] = getattr(app, "keymap", {})
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    shown = [
        binding.key_display or app.get_key_display(Binding(key.strip(), ""))
        for key in keys.split(",")
        if key.strip()
    ]
    return "/".join(shown)


def binding_with_id(bindings: Iterable[BindingType], binding_id: str) -> Binding:
    """The binding of that id among a class's BINDINGS."""
    for binding in bindings:
        if isinstance(binding, Binding) and binding.id == binding_id:
            return binding
    raise KeyError(binding_id)
