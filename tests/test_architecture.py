"""The rooms and their import rules (ARCHITECTURE.md), read from the source with `ast`.

Every import of a project module counts, also one inside a function: a lazy import hides a
dependency, it does not remove it. Imports under `if TYPE_CHECKING:` are annotations only
and do not count.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "db", "forms", "documents", "services", "ui", "pages", "web")
ENTRY_POINTS = {"app": "app", "serve": "serve", "manage": "manage", "asgi": "asgi"}
STREAMLIT = ("streamlit", "streamlit_authenticator")

# room -> the rooms it may import (its own room always allowed)
ALLOWED: dict[str, frozenset[str]] = {
    "domain": frozenset(),
    "db": frozenset({"domain"}),
    "forms": frozenset({"domain"}),
    "documents": frozenset({"domain", "forms"}),
    "services": frozenset({"db", "forms", "documents", "domain"}),
    "ui": frozenset({"services", "forms", "domain"}),
    "pages": frozenset({"ui", "services", "domain"}),
    "web": frozenset({"services", "db", "domain"}),
    "migrations": frozenset({"db", "domain"}),
    "app": frozenset({"ui", "services", "domain", "web"}),  # web: the run timer of /metrics
    "asgi": frozenset({"web", "services", "db", "domain"}),
    "serve": frozenset({"services", "db", "domain", "web"}),
    "manage": frozenset({"services", "db", "domain", "documents", "forms"}),
}
# web/ wraps Streamlit's server (its config, its index.html, its session count): Streamlit yes,
# our Streamlit code (ui, pages) no.
NO_STREAMLIT = frozenset({"domain", "db", "forms", "documents", "services", "migrations", "manage"})


@dataclass(frozen=True)
class Import:
    source: str  # dotted module of the importing file
    target: str  # dotted module imported (a project module)
    line: int
    names: tuple[str, ...]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files() -> list[Path]:
    files = [ROOT / f"{name}.py" for name in ENTRY_POINTS if (ROOT / f"{name}.py").exists()]
    for package in (*PACKAGES, "migrations"):
        files += sorted(p for p in (ROOT / package).rglob("*.py") if "versions" not in p.parts)
    return files


MODULES = {module_name(p): p for p in project_files()}


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines |= set(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _resolve(name: str) -> str | None:
    """The project module a dotted name refers to (a module, or the package holding the name)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _type_checking_lines(tree)
    source = module_name(path)
    found: list[Import] = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(source, alias.name, node.lineno, ()))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                # `from services import documents` imports the module services.documents
                sub = f"{node.module}.{alias.name}"
                found.append(Import(source, sub if sub in MODULES else node.module, node.lineno, (alias.name,)))
    return found


def room_of(module: str) -> str:
    return module.split(".")[0]


def test_every_room_imports_only_what_it_may() -> None:
    broken = []
    for path in MODULES.values():
        for imp in imports_of(path):
            top = room_of(imp.target)
            room = room_of(imp.source)
            if top in STREAMLIT and room in NO_STREAMLIT:
                broken.append(f"{path.relative_to(ROOT)}:{imp.line} imports {imp.target} (no Streamlit in {room}/)")
            if _resolve(imp.target) is None or top == room:
                continue
            if top not in ALLOWED[room]:
                broken.append(
                    f"{path.relative_to(ROOT)}:{imp.line} imports {imp.target} ({room} may import "
                    f"{sorted(ALLOWED[room])})"
                )
    assert not broken, "imports that break the rules of ARCHITECTURE.md:\n" + "\n".join(sorted(set(broken)))


def test_pages_never_open_a_write_session() -> None:
    offenders = []
    for module, path in MODULES.items():
        if room_of(module) != "pages":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.id if isinstance(node, ast.Name) else node.name if isinstance(node, ast.alias) else None
            if name == "write_session":
                offenders.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}")
    assert not offenders, "pages act through ui.act(...), never with a write session of their own:\n" + "\n".join(
        offenders
    )


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for module, path in MODULES.items():
        for imp in imports_of(path):
            target = _resolve(imp.target)
            if target is not None and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one file (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_files() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "files that import each other (directly or through others):\n" + "\n".join(
        " <-> ".join(c) for c in cycles
    )


def test_the_checker_sees_a_cycle_and_a_forbidden_arrow() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    assert "db" not in ALLOWED["domain"] and "ui" not in ALLOWED["services"] and "db" not in ALLOWED["documents"]
