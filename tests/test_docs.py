"""The docs keep up with the code (in the spirit of sqlite-utils' tests/test_docs.py).

Fails when a package under src/kvalitativ/ is missing from docs/architecture.md, when a command
is missing from the README or from docs/architecture.md, or when the one-line help that
`kvalitativ --help` lists (``cli.SHORT_HELP``, kept apart so that --help imports no command)
disagrees with the first paragraph of the command's own docstring (`kvalitativ CMD --help`).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from kvalitativ.cli import COMMANDS, SHORT_HELP

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "kvalitativ"
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def test_every_package_is_found():
    assert {"coding", "engines", "io"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_package_in_architecture(package):
    assert f"`{package}/" in ARCHITECTURE, f"docs/architecture.md: add a row for `{package}/` (its one job)"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_in_readme_and_architecture(name):
    assert f"kvalitativ {name}" in README, f"README.md: show `kvalitativ {name}` (what it is for, an example)"
    assert f"`kvalitativ {name}`" in ARCHITECTURE, f"docs/architecture.md: list `kvalitativ {name}` under Commands"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_short_help_is_the_docstring_first_paragraph(name):
    command = importlib.import_module(f"kvalitativ.commands.{COMMANDS[name]}").command
    first = " ".join((command.help or "").strip().split("\n\n")[0].split())
    assert SHORT_HELP.get(name) == first, (
        f"`kvalitativ --help` says {SHORT_HELP.get(name)!r} for {name} but its docstring begins {first!r}: "
        "make cli.SHORT_HELP and the docstring's first paragraph the same sentence")


def test_config_reference_is_generated_from_config_py():
    """docs/config.md is what scripts/tools/make_config_docs.py writes from config.py: every key
    (a key without a comment saying what it does stops the script), its type and default."""
    import dataclasses

    from kvalitativ.config import RunConfig
    from scripts.tools.make_config_docs import render

    text = render()
    assert (ROOT / "docs" / "config.md").read_text(encoding="utf-8") == text, (
        "docs/config.md is out of date: run python scripts/tools/make_config_docs.py")

    def keys(cls, prefix=""):
        for f in dataclasses.fields(cls):
            value = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            yield from keys(type(value), f"{prefix}{f.name}.") if dataclasses.is_dataclass(value) else [prefix + f.name]

    for key in keys(RunConfig):
        assert f"| `{key}` |" in text
