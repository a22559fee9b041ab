"""Imports flow one way: no cycle between modules or packages of sidetui (type-only imports and
imports inside functions included), and the engine's rooms keep their declared layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import REPO
from tests.import_graph import Graph, cycles, module_graph, package_graphs

# sidetui.core's rooms, highest first: a room imports only rooms below it (and the leaves).
CORE_LAYERS = (
    ("rerun",),
    ("manager",),
    ("capabilities",),
    ("processes",),
    ("protocol",),
    ("events", "history"),
    ("catalog",),
    ("records",),
    ("output",),
)
CORE_LEAVES = ("config", "proc_table", "state_dir", "terminal_text", "workers")


@pytest.fixture(scope="module")
def graph() -> Graph:
    return module_graph(REPO / "sidetui")


def test_no_module_imports_itself_back(graph: Graph) -> None:
    assert cycles(graph) == []


def test_no_package_imports_itself_back(graph: Graph) -> None:
    found = {package: cycles(children) for package, children in package_graphs(graph).items()}
    assert {package: c for package, c in found.items() if c} == {}


def test_the_engine_rooms_import_downwards_only(graph: Graph) -> None:
    rank = {room: level for level, rooms in enumerate(CORE_LAYERS) for room in rooms}
    rooms = package_graphs(graph)["sidetui.core"]
    known = set(rank) | set(CORE_LEAVES)
    assert {name.rsplit(".", 1)[1] for name in rooms} <= known, "a new room needs a layer"
    upwards = [
        (source, target)
        for source, targets in rooms.items()
        for target in targets
        if target.rsplit(".", 1)[1] not in CORE_LEAVES
        and rank.get(target.rsplit(".", 1)[1], -1) <= rank[source.rsplit(".", 1)[1]]
    ]
    leaves_importing = [s for s in rooms if s.rsplit(".", 1)[1] in CORE_LEAVES and rooms[s]]
    assert upwards == []
    assert leaves_importing == []


def test_the_checks_see_a_cycle_that_only_type_checking_imports_make(tmp_path: Path) -> None:
    """The detector itself: a cycle of three modules across two packages, one arrow of it an
    import under `if TYPE_CHECKING:` inside a function's module, is found at both levels."""
    package = tmp_path / "pkg"
    (package / "a").mkdir(parents=True)
    (package / "b").mkdir()
    for folder in (package, package / "a", package / "b"):
        (folder / "__init__.py").write_text("")
    (package / "a" / "one.py").write_text("from pkg.b.two import thing\n")
    (package / "b" / "two.py").write_text("from . import three\nthing = 1\n")
    (package / "b" / "three.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import one\n"
    )
    found = module_graph(package)
    assert cycles(found) == [["pkg.a.one", "pkg.b.three", "pkg.b.two"]]
    assert cycles(package_graphs(found)["pkg"]) == [["pkg.a", "pkg.b"]]
