"""One module of kvalitativ as it is at another git revision, loaded beside the working tree's:
the "before" of a benchmark that compares one rule before and after (import it as
``scripts.benchmarks.revision`` from the repository root)."""

from __future__ import annotations

import importlib.util
import subprocess
import tempfile
from pathlib import Path

__all__ = ["module_at"]

REPO = Path(__file__).resolve().parents[2]


def module_at(rev: str, path: str, name: str):
    """The file ``path`` (relative to the repository) at git revision ``rev``, loaded as module ``name``."""
    src = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=REPO, check=True, capture_output=True, text=True).stdout
    file = Path(tempfile.mkdtemp()) / f"{name}.py"
    file.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, file)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
