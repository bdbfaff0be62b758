"""Write one section of docs/benchmarks.md, leaving the rest as it is: the helper every benchmark
with ``--write-docs`` uses (import it as ``scripts.benchmarks.docs_section`` from the repository
root, or as ``docs_section`` from a benchmark run as a file in this folder)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["replace_section"]


def replace_section(doc: Path, section: str, heading: str = "## Linking") -> None:
    """Replace (or append) one `## ` section of a shared markdown file, leaving the rest as it is."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        new = "".join(lines[:start]) + section + ("\n" if end < len(lines) else "") + "".join(lines[end:])
    doc.write_text(new, encoding="utf-8")
