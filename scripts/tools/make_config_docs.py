"""Write docs/config.md, the reference of every config key, from src/kvalitativ/config.py itself.

Each key's type and default come from the dataclass fields; its meaning from the comment that
the source puts beside it (``#:`` lines above the field, or a ``# …`` after it on the line), so
the reference cannot drift from the code: tests/test_docs.py fails when docs/config.md is not
what this script writes, or when a key has no comment to explain it.

    python scripts/tools/make_config_docs.py          # rewrite docs/config.md
    python scripts/tools/make_config_docs.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import sys
import tokenize
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG_SOURCE = ROOT / "src" / "kvalitativ" / "config.py"
DOC = ROOT / "docs" / "config.md"

HEADER = """# Configuration reference

Every key of a kvalitativ config file (YAML), with its type, its default and what it does.
Generated from `src/kvalitativ/config.py` by `python scripts/tools/make_config_docs.py`; do not
edit by hand. Start from `corpora/sample/kvalitativ.yaml`; unknown keys are an error with a
suggestion; relative paths are taken from the config file's folder. Command options (e.g.
`--embedder`, `--exclusive`) override the keys they name for one run.
"""


def field_comments(source: str) -> dict[tuple[str, str], str]:
    """(class name, field name) → the comment that explains the field in ``source``."""
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string
    lines = source.splitlines()
    found: dict[tuple[str, str], str] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            above, line = [], stmt.lineno - 1
            while line >= 1 and lines[line - 1].strip().startswith("#:"):
                above.insert(0, lines[line - 1].strip()[2:].strip())
                line -= 1
            inline = comments.get(stmt.end_lineno)
            inline = inline.lstrip("#").strip() if inline and not inline.startswith("#:") else ""
            text = " ".join(part for part in (" ".join(above), inline) if part)
            if text:
                found[(node.name, stmt.target.id)] = text
    return found


def _type_name(f: dataclasses.Field) -> str:
    return str(f.type).replace("typing.", "").replace("'", "").replace("None", "none")


def _default(f: dataclasses.Field) -> str:
    value = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
    if value is None:
        return "none"
    return "`" + (repr(value) if not isinstance(value, str) else value) + "`" if value != "" else "`\"\"`"


def rows(cls, comments: dict, prefix: str = "") -> list[tuple[str, str, str, str]]:
    """One (key, type, default, meaning) per leaf key of the config dataclass ``cls``."""
    out = []
    for f in dataclasses.fields(cls):
        value = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            out += rows(type(value), comments, key + ".")
            continue
        meaning = comments.get((cls.__name__, f.name))
        if not meaning:
            raise SystemExit(f"config.py: {cls.__name__}.{f.name} ({key}) has no comment saying what it does; "
                             "add a '#:' line above it.")
        out.append((key, _type_name(f), _default(f), meaning))
    return out


def render() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from kvalitativ.config import RunConfig

    comments = field_comments(CONFIG_SOURCE.read_text(encoding="utf-8"))
    table = rows(RunConfig, comments)
    body = [HEADER]
    section = None
    for key, typ, default, meaning in table:
        top = key.split(".")[0] if "." in key else "(top level)"
        if top != section:
            section = top
            body += ["", f"## `{top}`" if top != "(top level)" else "## Top level", "",
                     "| key | type | default | meaning |", "|---|---|---|---|"]
        body.append(f"| `{key}` | {typ.replace(' | ', ' or ')} | {default} | {meaning.replace('|', chr(92) + '|')} |")
    return "\n".join(body) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when docs/config.md is out of date")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        same = DOC.exists() and DOC.read_text(encoding="utf-8") == text
        print("docs/config.md is up to date" if same else "docs/config.md is out of date: run "
              "python scripts/tools/make_config_docs.py")
        return 0 if same else 1
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
