"""One error path: every bad input ends in one line and exit 2, through `run` as through `ingest`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEADER = "NotatID;ElevID;Dato;Notat\n"


def _unbalanced(tmp: Path) -> Path:
    path = tmp / "notes.csv"
    path.write_text(HEADER + 'N1;E1;01-01-2024;"Hej med dig\nN2;E2;02-01-2024;Tekst to\n', encoding="utf-8")
    return path


def _folder(tmp: Path) -> Path:
    path = tmp / "notes.csv"
    path.mkdir()
    return path


def _symlink_loop(tmp: Path) -> Path:
    (tmp / "b.csv").symlink_to(tmp / "a.csv")
    (tmp / "a.csv").symlink_to(tmp / "b.csv")
    return tmp / "a.csv"


def _io_error(tmp: Path) -> Path:
    """A file the operating system refuses to read even for root: an I/O error (Linux)."""
    if not Path("/proc/self/mem").exists():
        pytest.skip("needs Linux /proc")
    path = tmp / "notes.csv"
    path.symlink_to("/proc/self/mem")
    return path


def _no_permission(tmp: Path) -> Path:
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("root reads every file; the I/O error case covers the same path")
    path = tmp / "notes.csv"
    path.write_text(HEADER + "N1;E1;01-01-2024;Tekst\n", encoding="utf-8")
    path.chmod(0)
    return path


CASES = {"unbalanced_quote": _unbalanced, "folder": _folder, "symlink_loop": _symlink_loop,
         "io_error": _io_error, "no_permission": _no_permission}


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kvalitativ.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300)


def _assert_one_line(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_through_ingest(case, tmp_path):
    path = CASES[case](tmp_path)
    _assert_one_line(_cli("ingest", str(path), "--out", str(tmp_path / "out"), cwd=tmp_path))


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_through_run(case, tmp_path):
    path = CASES[case](tmp_path)
    config = tmp_path / "kvalitativ.yaml"
    config.write_text(f"out: out\ningest:\n  notes: {path.name}\nembed:\n  name: tfidf\n", encoding="utf-8")
    _assert_one_line(_cli("run", "--config", str(config), cwd=tmp_path))
