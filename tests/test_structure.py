"""The package's shape stays readable: no import circle, no module over 450 lines, no function
body over 80 lines (not counting its docstring).

Imports are read from the source with :mod:`ast` — every ``import`` statement, the ones inside
functions included (a function-local import only hides a circle from the interpreter, not from a
reader) — so the test sees what a newcomer sees, without importing anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kvalitativ"
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, name: str, known: set[str]) -> set[str]:
    """The kvalitativ modules ``path`` (module ``name``) imports anywhere in its body.

    ``from a.b import c`` names the module ``a.b.c`` when that is a module, else ``a.b``.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
    return {m for m in found if m in known and m != name}


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imported(path, name, known) for name, path in mods.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_walk_sees_function_local_imports():
    """The walk is real: pipeline imports the coding package only inside a function."""
    graph = import_graph()
    assert "kvalitativ.config" in graph["kvalitativ.pipeline"]
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle():
    found = circles(import_graph())
    assert not found, "import circles (break each by moving the shared part down a layer):\n" + "\n".join(
        " ↔ ".join(c) for c in found)


# Module and function size limits: a module over 450 lines or a function body over 80 lines is
# a job to split (discover/model.py, privacy/names.py, review/sheets.py, report/render.py and
# coding/evaluate.py were split by job to get here).
def test_no_module_over_450_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split by job): {long}"


def test_no_function_body_over_80_lines():
    long = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = node.body[0]
                # the body starts after the docstring: a why-docstring is not code to split
                if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                        and isinstance(first.value.value, str) and len(node.body) > 1):
                    first = node.body[1]
                n = node.end_lineno - first.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{name}.{node.name}"] = n
    assert not long, f"function bodies over {MAX_FUNCTION_LINES} lines: {long}"


def test_apply_overrides_sets_given_options_only():
    from kvalitativ.config import RunConfig, apply_overrides

    config = apply_overrides(RunConfig(), {"code.level": "note", "seed": 7, "embed.name": None})
    assert (config.code.level, config.seed, config.embed.name) == ("note", 7, RunConfig().embed.name)
    with pytest.raises(AttributeError):
        apply_overrides(RunConfig(), {"code.lvl": "note"})


def test_choices_are_declared_once():
    """The config's validation and the click options use the same tuples."""
    import click

    from kvalitativ.commands import _common, code
    from kvalitativ.config import RunConfig, validate
    from kvalitativ.constants import ENGINES, LEVELS
    from kvalitativ.errors import ConfigError

    engine = next(p for p in _common.engine_options(lambda **k: None).__click_params__ if p.name == "engine")
    level = next(p for p in code.command.params if p.name == "level")
    assert isinstance(engine.type, click.Choice) and tuple(engine.type.choices) == ENGINES
    assert tuple(level.type.choices) == LEVELS
    config = RunConfig()
    config.engine = "spark"
    with pytest.raises(ConfigError, match="'auto' or 'local' or 'streamed' or 'dask'"):
        validate(config)
