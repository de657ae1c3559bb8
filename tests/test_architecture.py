"""The floor plan holds: layers, walls around SQL, thin pages, small files (docs/architecture.md).

These read the source with ``ast``, so a new module that breaks the plan fails here with the
file and line, not in a code review months later.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "oovgeo"
PAGES = sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]

# Lowest first; a module may import its own layer or a lower one. The longest matching prefix
# decides, so "store" covers store/* and "services" covers services/*.
LAYERS: list[tuple[str, ...]] = [
    ("config", "crs", "dutch", "vocab", "access", "static_assets"),
    ("areas", "context", "ingest", "police", "meetings", "shortlist", "demo", "privacy"),
    ("store",),
    ("analysis",),
    ("maps", "context_map", "exports", "report"),
    ("services",),
    ("ui", "cli"),
]
LAYER_OF = {name: i for i, names in enumerate(LAYERS) for name in names}
SQL_CALLS = {"select", "text", "insert", "update", "delete"}

# What issue 11 has not moved yet. Each test below fails on a new breach AND when a listed one
# is gone, so this list only shrinks: when you fix a breach, delete its line here.
DEBT = {
    "upward": set(),
    "sql": set(),
    "sqlalchemy": set(),
    "long_pages": set(),
    "store_in_pages": set(),
    "long_files": set(),
}


def _files(hits: list[str]) -> set[str]:
    return {h.split(":", 1)[0] for h in hits}


def _assert_debt(kind: str, hits: list[str]) -> None:
    found = _files(hits)
    new = sorted(h for h in hits if h.split(":", 1)[0] not in DEBT[kind])
    assert not new, f"new breach of the floor plan ({kind}):\n" + "\n".join(new)
    fixed = sorted(DEBT[kind] - found)
    assert not fixed, f"fixed, now delete from DEBT[{kind!r}]: {fixed}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every ``oovgeo`` module that ``path`` imports, with the line, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path).split(".") if path.is_relative_to(SRC) else []
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("oovgeo")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith("oovgeo"):
                continue
            if node.module is None or module == "oovgeo":
                # ``from oovgeo import areas``: each name may be a module
                found += [(f"{module}.{a.name}", node.lineno) for a in node.names]
            else:
                found.append((module, node.lineno))
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")[1:]
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in LAYER_OF:
            return LAYER_OF[key]
    return None


SOURCES = sorted(SRC.rglob("*.py"))


def test_every_module_has_a_layer():
    unplaced = [_module_name(p) for p in SOURCES if p.name != "__init__.py" or p.parent != SRC]
    unplaced = [m for m in unplaced if _layer(m) is None]
    assert not unplaced, f"add these to LAYERS and docs/architecture.md: {unplaced}"


def test_no_module_imports_a_higher_layer():
    upward = []
    for path in SOURCES:
        mine = _layer(_module_name(path))
        for module, line in _imports(path):
            theirs = _layer(module)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    _assert_debt("upward", upward)


def test_config_imports_nothing_outside_config():
    paths = sorted((SRC / "config").rglob("*.py"))
    assert paths, "config is a package: src/oovgeo/config/"
    outside = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in paths
        for module, line in _imports(path)
        if module != "oovgeo.config" and not module.startswith("oovgeo.config.")
    ]
    assert not outside, "config imports nothing of the project outside itself:\n" + "\n".join(
        outside
    )


def test_no_import_circle():
    graph: dict[str, set[str]] = defaultdict(set)
    names = {_module_name(p) for p in SOURCES}
    for path in SOURCES:
        for module, _ in _imports(path):
            target = module if module in names else module.rsplit(".", 1)[0]
            if target in names and target != _module_name(path):
                graph[_module_name(path)].add(target)
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if seen.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in seen and (cycle := visit(nxt)):
                return cycle
        seen[node] = 2
        stack.pop()
        return None

    for start in sorted(graph):
        if start not in seen and (cycle := visit(start)):
            pytest.fail("import circle: " + " -> ".join(cycle))


def _sql_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in SQL_CALLS:
            hits.append(f"{path.relative_to(ROOT)}:{node.lineno} {func.id}(")
        elif isinstance(func, ast.Attribute) and func.attr == "execute":
            hits.append(f"{path.relative_to(ROOT)}:{node.lineno} .execute(")
    return hits


def test_sql_lives_in_the_store_only():
    outside = [p for p in SOURCES if "store" not in p.relative_to(SRC).parts] + PAGES
    _assert_debt("sql", [hit for path in outside for hit in _sql_calls(path)])


def test_only_the_store_imports_sqlalchemy():
    outside = [p for p in SOURCES if "store" not in p.relative_to(SRC).parts] + PAGES
    hits = []
    for path in outside:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            hits += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for n in names
                if n.startswith("sqlalchemy")
            ]
    _assert_debt("sqlalchemy", hits)


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_pages_are_layout():
    long = [f"{p.name}: {n} lines (limit 80)" for p in PAGES if (n := _lines(p)) > 80]
    _assert_debt("long_pages", long)


def test_pages_do_not_import_the_store():
    hits = [
        f"{p.name}:{line} imports {m}"
        for p in PAGES
        for m, line in _imports(p)
        if m.startswith("oovgeo.store")
    ]
    _assert_debt("store_in_pages", hits)


def test_no_source_file_over_600_lines():
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in SOURCES if (n := _lines(p)) > 600]
    _assert_debt("long_files", long)
