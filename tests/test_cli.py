"""The CLI: exit 2 with one clear line for bad input, no traceback unless --debug."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import write_csv


def kv(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kvalitativ.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_help_teaches_with_examples():
    result = kv("--help")
    assert result.returncode == 0
    assert "kvalitativ run --config" in result.stdout
    for command in ("ingest", "run"):
        sub = kv(command, "--help")
        assert sub.returncode == 0 and "Example" in sub.stdout


def test_ingest_danish_export_end_to_end(danish_export, tmp_path):
    out = tmp_path / "out"
    result = kv("ingest", str(danish_export), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 rows read: 3 kept, 0 rejected" in result.stdout
    notes = pd.read_parquet(out / "parquet" / "notes.parquet")
    assert notes["unit_id"].tolist()[0] == "Østre Skole"
    corpus = pd.read_parquet(out / "work" / "corpus.parquet")
    assert "æøå ÆØÅ" in corpus["text"][0]


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "junk.csv"
    binary.write_bytes(bytes(range(256)) * 40)
    nocol = write_csv(tmp_path / "nocol.csv", ["ElevID", "Notatet"], [("E1", "hej")])
    nouse = write_csv(tmp_path / "nouse.csv", ["ElevID", "Notat"], [("E1", " "), ("E2", "")])
    return {
        "missing": (tmp_path / "missing.csv", "file not found"),
        "empty": (empty, "empty"),
        "binary": (binary, "unreadable bytes"),
        "no_column": (nocol, "no text column"),
        "no_rows": (nouse, "no usable rows"),
    }


@pytest.mark.parametrize("case", ["missing", "empty", "binary", "no_column", "no_rows"])
def test_bad_input_exits_2_with_one_line(tmp_path, case):
    path, message = _bad_inputs(tmp_path)[case]
    result = kv("ingest", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, result.stderr
    assert path.name in lines[0] and message in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_shows_traceback(tmp_path):
    result = kv("--debug", "ingest", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o"))
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_usage_error_exits_2(tmp_path):
    result = kv("ingest")
    assert result.returncode == 2


def test_bad_config_key_is_named(tmp_path):
    cfg = tmp_path / "k.yaml"
    cfg.write_text("ingest:\n  notse: x.csv\n", encoding="utf-8")
    result = kv("run", "--config", str(cfg))
    assert result.returncode == 2
    assert "Did you mean 'notes'" in result.stderr
