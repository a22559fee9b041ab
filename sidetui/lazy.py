"""Imports put off until first use: package front doors that import a module only when one of
its names is first used, and stand-ins for heavy third-party modules.

`import sidetui.core.state_dir` then costs that module, not the whole engine behind
`sidetui.core`, and `sidetui run` does not load PyYAML, psutil or websockets before its child
prints: a command pays only for what it uses.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping


def lazy_exports(
    package: str, modules: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, whose public names live in `modules`
    (module -> names); each name is imported on first use and kept."""
    home = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> object:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(home)

    return __getattr__, __dir__


class LazyModule(types.ModuleType):
    """Stands for the module `name`, imported on the first use of one of its names (from any
    thread: the import system's own lock serialises the import)."""

    def __getattr__(self, attribute: str) -> object:
        module = importlib.import_module(self.__name__)
        self.__dict__.update(module.__dict__)  # later uses find the names here at once
        return getattr(module, attribute)


def lazy_module(name: str) -> types.ModuleType:
    """The module `name` if it is imported already, else a stand-in that imports it on first use:
    `psutil = lazy_module("psutil")` at the top of a module costs nothing until a call uses it."""
    return sys.modules.get(name) or LazyModule(name)
