"""`kvalitativ run --engine streamed` writes the local engine's tables, in chunks.

The corpus (150 persons of the sample, about 700 notes) is read and coded in chunks of 150 rows,
so it spans at least 4 chunks; discovery, link, summaries and the report run too. Every file
is compared: Parquet content, CSV bytes (machine and Danish), DuckDB rows, and the report.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kvalitativ.config import config_from_dict
from kvalitativ.pipeline import run
from tests.engines.test_dask_engine import _subset

CHUNK = 150


def _config(paths: dict[str, Path], out: Path, cache: Path, **extra):
    data = {"out": str(out), "ingest": {"notes": str(paths["notes"]), "indicators": str(paths["indicators"])},
            "citizen": {"notes": str(paths["citizen"])}, "chunk_size": CHUNK,
            "embed": {"name": "static", "cache_dir": str(cache)}, "link": {"n_boot": 50},
            "discover": {"enabled": True, "min_topic_size": 10, "n_neighbors": 10}}
    data.update(extra)
    return config_from_dict(data)


@pytest.fixture(scope="module")
def both_runs(tmp_path_factory):
    sample = Path(__file__).resolve().parents[2] / "corpora" / "sample"
    if not (sample / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated")
    tmp = tmp_path_factory.mktemp("streamed_vs_local")
    paths = _subset(sample, tmp, n_persons=150, n_citizen=300)
    streamed = run(_config(paths, tmp / "streamed", tmp / "cache", engine="streamed"), progress=False)
    shutil.rmtree(tmp / "cache", ignore_errors=True)  # the local run embeds everything itself
    local = run(_config(paths, tmp / "local", tmp / "cache", engine="local"), progress=False)
    return {"tmp": tmp, "streamed": streamed, "local": local}


@pytest.mark.slow
def test_streamed_run_equals_local(both_runs):
    tmp = both_runs["tmp"]
    assert both_runs["streamed"]["run_id"] == both_runs["local"]["run_id"]
    n_notes = len(pd.read_parquet(tmp / "local" / "work" / "corpus.parquet"))
    assert n_notes >= 4 * CHUNK  # the corpus really spans several chunks
    files = sorted(str(p.relative_to(tmp / "local")) for p in (tmp / "local").rglob("*")
                   if p.is_file() and p.name not in ("run.json", "kvalitativ.duckdb", "report.html"))
    assert files == sorted(str(p.relative_to(tmp / "streamed")) for p in (tmp / "streamed").rglob("*")
                           if p.is_file() and p.name not in ("run.json", "kvalitativ.duckdb", "report.html"))
    for name in ("parquet/notes.parquet", "parquet/codings.parquet", "parquet/topic_map.parquet",
                 "parquet/associations.parquet", "parquet/evidence.parquet", "csv_da/codings.csv"):
        assert name in files, name
    for name in files:
        a, b = tmp / "local" / name, tmp / "streamed" / name
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b), obj=name)
        else:
            assert a.read_bytes() == b.read_bytes(), name
    dbs = [duckdb.connect(str(tmp / e / "kvalitativ.duckdb"), read_only=True) for e in ("local", "streamed")]
    tables = sorted(r[0] for r in dbs[0].execute("SELECT table_name FROM information_schema.tables").fetchall())
    assert tables == sorted(r[0] for r in dbs[1].execute("SELECT table_name FROM information_schema.tables").fetchall())
    for table in tables:
        query = f'SELECT * FROM "{table}"'
        pd.testing.assert_frame_equal(dbs[0].execute(query).df(), dbs[1].execute(query).df(), obj=table)
    reports = [re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?", "", (tmp / e / "report.html").read_text())
               for e in ("local", "streamed")]
    assert reports[0] == reports[1]
    assert (pd.read_parquet(tmp / "streamed" / "parquet" / "codings.parquet")["theme_id"] != "uncoded").sum() > 100


def test_auto_engine_streams_a_large_notes_file(tmp_path, monkeypatch):
    """``engine: auto`` (the default) picks the streamed engine above the size the docs name."""
    from kvalitativ.engines.stage_engine import resolve_engine

    notes = tmp_path / "notes.csv"
    notes.write_text("note_id;text\n1;Hej\n", encoding="utf-8")
    assert resolve_engine(None, None, "auto", None, str(notes)) == ("local", None)
    monkeypatch.setattr("kvalitativ.engines.streamed.STREAM_ABOVE_BYTES", 10)
    assert resolve_engine(None, None, "auto", None, str(notes)) == ("streamed", None)
    assert resolve_engine("local", None, "auto", None, str(notes)) == ("local", None)
    from kvalitativ.errors import ConfigError

    with pytest.raises(ConfigError, match="dask engine"):
        resolve_engine("streamed", "tcp://x:1", "auto", None, str(notes))


def test_streamed_code_with_hand_codes_equals_local(tmp_path):
    """``code --train`` streamed codes as the local engine: both fit the supervised coder (and its
    codebook prior) on the fit sample plus the hand-coded notes. Streamed fitted the prior on the
    hand-coded notes alone and coded 75 notes fewer on the sample (a new user's trial)."""
    from click.testing import CliRunner

    from kvalitativ.cli import cli

    sample = Path(__file__).resolve().parents[2] / "corpora" / "sample"
    if not (sample / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated")
    paths = _subset(sample, tmp_path, n_persons=150, n_citizen=10)
    notes = pd.read_csv(paths["notes"], sep=";", dtype=str)
    codes = pd.read_csv(sample / "human_codes.csv", dtype=str)
    codes[codes["note_id"].isin(set(notes["NotatID"]))].to_csv(tmp_path / "train.csv", index=False)
    (tmp_path / "k.yaml").write_text(f"chunk_size: {CHUNK}\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(cli, ["--quiet", "ingest", str(paths["notes"]), "--out", str(tmp_path / "in")])
    assert res.exit_code == 0, res.output
    for engine in ("local", "streamed"):
        res = runner.invoke(cli, ["--quiet", "code", str(tmp_path / "in"), "--train", str(tmp_path / "train.csv"),
                                  "--embedder", "static", "--engine", engine, "--config", str(tmp_path / "k.yaml"),
                                  "--cache-dir", str(tmp_path / "cache"), "--out", str(tmp_path / engine)])
        assert res.exit_code == 0, res.output
    assert len(notes) >= 4 * CHUNK
    local, streamed = (pd.read_parquet(tmp_path / e / "parquet" / "codings.parquet") for e in ("local", "streamed"))
    pd.testing.assert_frame_equal(local, streamed)
