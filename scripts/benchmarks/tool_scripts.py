"""Load a script of ``scripts/tools`` (a generator of test data) as a module, the one way the
benchmarks do it: by its file, since a benchmark runs as a file from this folder, where the
``scripts`` package is not importable. No side effect on ``sys.path``, so a benchmark that
measures another revision's ``src`` in a child process (``bench_redaction_sib.py``) can use it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

__all__ = ["load_tool"]

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def load_tool(name: str):
    """``scripts/tools/<name>.py`` as module ``name`` (registered in ``sys.modules``: its
    dataclasses look their module up)."""
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod
