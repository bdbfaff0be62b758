"""`kvalitativ run` end to end: deterministic tables, a manifest, the cache reused, nothing leaked."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kvalitativ.config import config_from_dict
from kvalitativ.pipeline import run


def small_sample(sample_dir: Path, tmp: Path, n_persons: int = 120) -> tuple[Path, Path]:
    """The first persons of the sample corpus (all their notes) and their indicators."""
    notes = pd.read_csv(sample_dir / "notes.csv", sep=";", dtype=str, keep_default_na=False)
    ind = pd.read_csv(sample_dir / "indicators.csv", dtype=str, keep_default_na=False)
    keep = set(sorted(notes["ElevID"].unique())[:n_persons])
    notes[notes["ElevID"].isin(keep)].to_csv(tmp / "notes.csv", sep=";", index=False)
    ind[ind["person_id"].isin(keep)].to_csv(tmp / "indicators.csv", index=False)
    return tmp / "notes.csv", tmp / "indicators.csv"


def config_for(notes: Path, indicators: Path, out: Path, cache: Path, **extra):
    data = {"out": str(out), "ingest": {"notes": str(notes), "indicators": str(indicators)},
            "embed": {"name": "tfidf", "cache_dir": str(cache)}, "link": {"n_boot": 50}}
    data.update(extra)
    return config_from_dict(data)


def parquet_tables(out: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted((out / "parquet").glob("*.parquet"))}


@pytest.mark.slow
def test_run_is_deterministic_and_complete(sample_dir, tmp_path):
    notes, ind = small_sample(sample_dir, tmp_path)
    cache = tmp_path / "cache"
    first = run(config_for(notes, ind, tmp_path / "a", cache), progress=False)
    second = run(config_for(notes, ind, tmp_path / "b", cache), progress=False)
    assert first["run_id"] == second["run_id"]
    a, b = parquet_tables(tmp_path / "a"), parquet_tables(tmp_path / "b")
    for name in ("notes", "rejects", "codings", "themes", "prevalence", "associations", "evidence", "quotes",
                 "joint_display"):
        assert name in a, name
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)
    manifest = json.loads((tmp_path / "a" / "run.json").read_text())
    assert manifest["run_id"] == first["run_id"]
    assert set(manifest["stages"]) >= {"ingest", "code", "link", "summarize", "report"}
    assert manifest["inputs"]["notes"]["file"] == "notes.csv" and len(manifest["inputs"]["notes"]["sha256"]) == 64
    assert (tmp_path / "a" / "report.html").stat().st_size > 10_000
    db = duckdb.connect(str(tmp_path / "a" / "kvalitativ.duckdb"), read_only=True)
    names = {r[0] for r in db.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"codings", "prevalence", "associations", "evidence", "v_prevalence_by_school"} <= names
    assert "corpus" not in names and "person_themes" not in names
    # every input row is accounted for
    n_rows = len(pd.read_csv(notes, sep=";"))
    assert len(a["notes"]) + (a["rejects"]["source_file"] == "notes.csv").sum() == n_rows


def _all_output_text(out: Path) -> str:
    parts = []
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".html", ".json"):
            parts.append(path.read_text(encoding="utf-8-sig", errors="replace"))
        elif path.suffix == ".parquet":
            parts.append(pd.read_parquet(path).astype(str).to_csv())
    db = duckdb.connect(str(out / "kvalitativ.duckdb"), read_only=True)
    for (name,) in db.execute("SELECT table_name FROM information_schema.tables").fetchall():
        parts.append(db.execute(f'SELECT * FROM "{name}"').df().astype(str).to_csv())
    return "\n".join(parts)


@pytest.mark.slow
def test_no_planted_identifier_in_any_output(sample_dir, tmp_path):
    """Issue 8's must-show: across every output of `kvalitativ run` on the sample corpus, no planted identifier."""
    cfg = config_from_dict({
        "out": str(tmp_path / "out"),
        "ingest": {"notes": str(sample_dir / "notes.csv"), "indicators": str(sample_dir / "indicators.csv")},
        "citizen": {"notes": str(sample_dir / "citizen_input.csv")},
        "embed": {"name": "tfidf", "cache_dir": str(tmp_path / "cache")},
        "link": {"n_boot": 50},
    })
    run(cfg, progress=False)
    text = _all_output_text(tmp_path / "out")
    planted = pd.read_csv(sample_dir / "pii_planted.csv", dtype=str, keep_default_na=False)
    # whole-token matches: a planted first name such as "Frida" must not match "timeFriday" in plotly.js
    leaked = [v for v in planted["value"].unique() if v and re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text)]
    assert leaked == []


def test_run_from_cli_with_bad_config_path_exits_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kvalitativ.cli", "run", "--config", str(tmp_path / "nope.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "config file not found" in result.stderr
