"""The layout holds: no module imports, however indirectly, one that imports it back (also not
for type checking), and the walk of a message in docs/architecture.md names what is there."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "store", "dialogues")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ours that ``name`` imports anywhere in its text."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                      for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m in known and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                found.append(sorted([node, *group]))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]  # the check can fail
    assert cycles(graph) == []


WALK = ROOT / "docs" / "architecture.md"
_NAMED = re.compile(r"`([\w/]+\.py)`|`([A-Za-z_][\w.]*)`")


def walk_names() -> list[tuple[str, str]]:
    """(file, name) for each name the walk gives: in the file named last before it; a
    ``Class.method`` in the file where that class was named first."""
    found, last, home = [], "", {}
    for path, name in _NAMED.findall(WALK.read_text(encoding="utf-8")):
        if path:
            last = path
        elif "." in name:
            found.append((home.setdefault(name.split(".")[0], last), name))
        else:
            found.append((last, name))
    return found


def test_the_walk_of_a_message_names_what_is_there():
    names = walk_names()
    assert len(names) > 30
    for path, name in names:
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        target = module
        for part in name.split("."):
            assert hasattr(target, part), f"{path} has no {name}"
            target = getattr(target, part)
    assert len(WALK.read_text(encoding="utf-8").splitlines()) <= 60  # about one screen
