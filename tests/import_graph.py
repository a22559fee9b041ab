"""The import graph of a package, read from its source with `ast` (imports inside functions and
`if TYPE_CHECKING:` blocks included), and the cycles in it."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path

Graph = dict[str, set[str]]


def module_graph(package_dir: Path) -> Graph:
    """Each module of the package (`a.b.c`; a package is its `__init__`) -> the modules of the
    same package it imports. `from a import b` names the module `a.b` when there is one."""
    root = package_dir.parent
    modules = {_module_name(path, root): path for path in sorted(package_dir.rglob("*.py"))}
    top = package_dir.name
    graph: Graph = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            for target in _targets(node, name, is_package, modules.keys()):
                while target not in modules and "." in target:  # `import a.b` of a name in a
                    target = target.rsplit(".", 1)[0]
                if target.split(".")[0] == top and target in modules and target != name:
                    graph[name].add(target)
    return graph


def package_graphs(graph: Graph) -> dict[str, Graph]:
    """For every package, the graph between its direct children (each subpackage taken whole,
    each module alone; the package's own `__init__` left out): child A -> child B when a module
    in A imports a module in B."""
    packages = {name for name in graph if any(other.startswith(name + ".") for other in graph)}
    result: dict[str, Graph] = {package: defaultdict(set) for package in packages}
    for source, targets in graph.items():
        for target in targets:
            for package in packages:
                a, b = _child_of(package, source), _child_of(package, target)
                if a and b and a != b:
                    result[package][a].add(b)
    return {package: dict(children) for package, children in result.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """Every strongly connected group of more than one node, each as a sorted list (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    nodes = set(graph) | {t for targets in graph.values() for t in targets}

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _targets(node: ast.AST, module: str, is_package: bool, modules: Collection[str]) -> list[str]:
    """The modules an import statement loads: `from a import b` is `a.b` when that is a module,
    else `a` (where `b` is defined or re-exported)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parts = module.split(".") if is_package else module.split(".")[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, base] if base else parts)
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def _child_of(package: str, module: str) -> str | None:
    """The direct child of `package` that holds `module` (None when outside, or the package's
    own `__init__`)."""
    if not module.startswith(package + "."):
        return None
    return package + "." + module[len(package) + 1 :].split(".")[0]
