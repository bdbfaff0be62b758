"""Import a script of ``scripts/tools`` (a generator of test data) as the package module
``scripts.tools.<name>``, the one way the benchmarks do it (the tests import it the same way).

A benchmark runs as a file from this folder, where the ``scripts`` package is not importable
until the repository root is on ``sys.path``; the root holds no ``kvalitativ`` package (that
lives under ``src/``), so adding it never changes which ``kvalitativ`` is imported — a benchmark
that measures another revision's ``src`` in a child process (``bench_redaction_sib.py``) is
unaffected."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

__all__ = ["load_tool"]

REPO = Path(__file__).resolve().parents[2]


def load_tool(name: str):
    """``scripts/tools/<name>.py`` as the module ``scripts.tools.<name>``."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # this repository's scripts package, never another of that name
    return importlib.import_module(f"scripts.tools.{name}")
