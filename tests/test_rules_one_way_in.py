"""The bundled rules file seeds version 1 and nothing else: no module of the app outside the
seeding code names `rules.toml` or reaches the seeding code's private loader, and the old
public loader is gone. Everything else reads `services.rules.rules_in_force`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDING = ROOT / "db" / "rules_seed.py"
# The app's rooms (tests, benchmarks and frozen migrations are not the app; 0008 calls seed_rules).
APP_CODE = ["app.py", "asgi.py", "manage.py", "serve.py", "pages", "ui", "services", "documents", "forms", "db",
            "domain", "web"]  # fmt: skip
PRIVATE = {"_bundled_rules", "_bundled_rules_text", "_BUNDLED_RULES", "load_rules", "DEFAULT_RULES_PATH"}


def _modules() -> list[Path]:
    found: list[Path] = []
    for name in APP_CODE:
        path = ROOT / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []
    return [p for p in found if p != SEEDING]


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if "rules.toml" in node.value:
                found.append(f"{where} names rules.toml")
        elif isinstance(node, ast.Name) and node.id in PRIVATE:
            found.append(f"{where} uses {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            found.append(f"{where} uses {node.attr}")
        elif isinstance(node, ast.ImportFrom) and any(alias.name in PRIVATE for alias in node.names):
            found.append(f"{where} imports {', '.join(a.name for a in node.names if a.name in PRIVATE)}")
    return found


def test_no_module_outside_the_seeding_code_reads_the_bundled_rules() -> None:
    modules = _modules()
    assert len(modules) > 100 and ROOT / "services" / "exchanges.py" in modules
    assert [line for path in modules for line in offences(path)] == []


def test_the_check_catches_each_way_of_reading_the_bundled_file(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Mentions rules.toml in a docstring: allowed."""\n'
        "from pathlib import Path\n"
        "from db.rules_seed import _bundled_rules\n"
        'TEXT = Path("domain/rules.toml").read_text()\n'
        "import db.rules_seed\n"
        "RULES = db.rules_seed._bundled_rules_text()\n"
    )
    assert sorted(line.split(" ", 1)[1] for line in offences(sample)) == [
        "imports _bundled_rules",
        "names rules.toml",
        "uses _bundled_rules_text",
    ]
