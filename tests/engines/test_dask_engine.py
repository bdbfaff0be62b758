"""The Dask engine gives the local engine's tables, and fails fast and clearly on a bad scheduler.

The cluster is a real 2-worker ``LocalCluster`` with worker *processes* (as in production), so
everything the engine ships (the fitted TF-IDF space, the fitted coder, partitions) really
crosses a process boundary.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kvalitativ.config import config_from_dict
from kvalitativ.errors import KvalitativError
from kvalitativ.pipeline import run

distributed = pytest.importorskip("distributed")


def _subset(sample_dir: Path, tmp: Path, n_persons: int, n_citizen: int) -> dict[str, Path]:
    """The first persons of the sample corpus (all their notes), their indicators, some citizen input."""
    notes = pd.read_csv(sample_dir / "notes.csv", sep=";", dtype=str, keep_default_na=False)
    ind = pd.read_csv(sample_dir / "indicators.csv", dtype=str, keep_default_na=False)
    keep = set(sorted(notes["ElevID"].unique())[:n_persons])
    notes[notes["ElevID"].isin(keep)].to_csv(tmp / "notes.csv", sep=";", index=False)
    ind[ind["person_id"].isin(keep)].to_csv(tmp / "indicators.csv", index=False)
    citizen = pd.read_csv(sample_dir / "citizen_input.csv", sep=";", dtype=str, keep_default_na=False)
    citizen.head(n_citizen).to_csv(tmp / "citizen.csv", sep=";", index=False)
    return {"notes": tmp / "notes.csv", "indicators": tmp / "indicators.csv", "citizen": tmp / "citizen.csv"}


def _config(paths: dict[str, Path], out: Path, cache: Path, **extra):
    data = {"out": str(out), "ingest": {"notes": str(paths["notes"]), "indicators": str(paths["indicators"])},
            "citizen": {"notes": str(paths["citizen"])},
            "embed": {"name": "tfidf", "cache_dir": str(cache)}, "link": {"n_boot": 50}}
    data.update(extra)
    return config_from_dict(data)


def assert_same(local: pd.DataFrame, dask: pd.DataFrame, name: str) -> None:
    """Equal tables: every id, text, count, decision and valence exactly; scores to their last decimal.

    A score is a float32 matrix product, and BLAS sums in an order that depends on the batch's
    shape (a partition of 300 units against all 3,000 at once), so the last bit can differ and,
    rarely, the sixth decimal the tables round to (1 value in the full sample's tfidf tables).
    """
    pd.testing.assert_frame_equal(local, dask, check_exact=False, rtol=0, atol=1.5e-6, obj=name)


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    """Every table a run wrote: dashboard tables (parquet/) and internal ones (work/)."""
    return {f"{p.parent.name}/{p.stem}": pd.read_parquet(p)
            for sub in ("parquet", "work") for p in sorted((out / sub).glob("*.parquet"))}


@pytest.fixture(scope="module")
def both_runs(cluster, tmp_path_factory):
    """The same config run by the local and by the Dask engine (each with a fresh cache)."""
    sample = Path(__file__).resolve().parents[2] / "corpora" / "sample"
    if not (sample / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated")
    tmp = tmp_path_factory.mktemp("dask_vs_local")
    paths = _subset(sample, tmp, n_persons=150, n_citizen=300)
    cache = tmp / "cache"
    dask_cfg = _config(paths, tmp / "dask", cache, engine="dask", scheduler=cluster.scheduler_address)
    dask_result = run(dask_cfg, progress=False)
    shutil.rmtree(cache)  # the local run embeds everything itself
    local_result = run(_config(paths, tmp / "local", cache), progress=False)
    return {"tmp": tmp, "paths": paths, "dask": dask_result, "local": local_result, "cluster": cluster}


@pytest.mark.slow
def test_dask_engine_tables_equal_local(both_runs):
    tmp = both_runs["tmp"]
    assert both_runs["dask"]["run_id"] == both_runs["local"]["run_id"]
    local, dask = _tables(tmp / "local"), _tables(tmp / "dask")
    assert sorted(local) == sorted(dask)
    for name in ("parquet/notes", "parquet/codings", "parquet/citizen_codings", "parquet/redactions",
                 "parquet/prevalence", "parquet/associations", "parquet/evidence", "parquet/quotes",
                 "work/corpus", "work/citizen_corpus"):
        assert name in local, name
    for name in local:
        assert_same(local[name], dask[name], name)
    # the work really was partitioned, and really coded something
    codings = dask["parquet/codings"]
    assert (codings["theme_id"] != "uncoded").sum() > 100
    assert dask["parquet/redactions"]["n_redacted"].sum() > 0
    assert (tmp / "dask" / "report.html").stat().st_size > 10_000
    assert both_runs["dask"]["summary"][0].startswith("Dask engine: 2 worker(s)")


@pytest.mark.slow
def test_dask_ingest_with_name_column_equals_local(both_runs, tmp_path):
    """Names given in a column are redacted per row on the workers exactly as ingest does."""
    from dask.distributed import Client

    from kvalitativ.config import ColumnMapping, IngestConfig
    from kvalitativ.engines.dask_engine import ingest_notes_dask
    from kvalitativ.io.ingest import ingest_notes

    notes = pd.read_csv(both_runs["paths"]["notes"], sep=";", dtype=str, keep_default_na=False)
    notes["Fornavn"] = notes["Navn"].str.split().str[0]
    notes["Notat"] = notes["Fornavn"] + " kom i dag. " + notes["Notat"]
    notes.iloc[3, notes.columns.get_loc("Notat")] = ""  # a reject, so kept rows and source rows differ
    path = tmp_path / "named.csv"
    notes.to_csv(path, sep=";", index=False)
    config = IngestConfig(columns=ColumnMapping(names=["Navn", "Fornavn"]))
    local = ingest_notes(path, config)
    with Client(both_runs["cluster"].scheduler_address, set_as_default=False) as client:
        dask = ingest_notes_dask(path, config, client=client, progress=False)
    pd.testing.assert_frame_equal(local.corpus, dask.corpus, check_exact=True)
    pd.testing.assert_frame_equal(local.rejects, dask.rejects, check_exact=True)
    assert list(local.redactions.items()) == list(dask.redactions.items())
    assert not dask.corpus["text"].str.contains(notes["Fornavn"].iloc[0]).any()


@pytest.mark.slow
def test_dask_discovery_fits_on_a_sample_and_assigns_the_rest(both_runs, tmp_path):
    """Up to the sample size the tables are the local discoverer's; beyond, the rest is assigned."""
    from dask.distributed import Client

    from kvalitativ.codebook import load_codebook
    from kvalitativ.discover.stage import discover_corpus, read_notes, summary_lines
    from kvalitativ.embed.configured import configured_embedder
    from kvalitativ.engines.dask_engine import discover_corpus_dask

    out = tmp_path / "out"
    shutil.copytree(both_runs["tmp"] / "dask", out)  # discovery adds its rows to themes/codings
    config = _config(both_runs["paths"], out, tmp_path / "cache_dask",
                     discover={"enabled": True, "min_topic_size": 10, "n_neighbors": 10})
    corpus, _ = read_notes(out, config)
    local_config = _config(both_runs["paths"], out, tmp_path / "cache_local")
    local = discover_corpus(corpus, config, codebook=load_codebook("ungekompetencer"),
                            embedder=configured_embedder(local_config, progress=False), progress=False)
    codebook = load_codebook("ungekompetencer")
    with Client(both_runs["cluster"].scheduler_address, set_as_default=False) as client:
        whole = discover_corpus_dask(corpus, config, client=client, codebook=codebook, progress=False)
        sampled = discover_corpus_dask(corpus, config, client=client, codebook=codebook, progress=False,
                                       sample_size=len(corpus) // 2)
    assert sorted(local["tables"]) == sorted(whole["tables"])
    for name, frame in local["tables"].items():
        assert_same(frame, whole["tables"][name], name)
    codings = sampled["tables"]["codings"]
    assert any("random sample" in line for line in summary_lines(sampled))
    # notes outside the sample always get a topic; rows follow the corpus order
    position = {nid: i for i, nid in enumerate(corpus["note_id"])}
    assert np.all(np.diff(codings["note_id"].map(position).to_numpy()) > 0)
    assert len(codings) >= len(corpus) - len(corpus) // 2
    assert set(codings["theme_id"]) <= set(sampled["tables"]["themes"]["theme_id"])


@pytest.mark.slow
def test_dask_nearest_notes_assignment_equals_local(both_runs, tmp_path):
    """``discover.assignment: knn``: the light model shipped to the workers carries the fitted notes'
    vectors, so the notes outside the sample get the same topics as in the local engine."""
    from dask.distributed import Client

    from kvalitativ.discover.sampled import discover_sampled
    from kvalitativ.discover.stage import read_notes
    from kvalitativ.embed.configured import configured_embedder
    from kvalitativ.engines.dask_engine import discover_corpus_dask

    out = tmp_path / "out"
    shutil.copytree(both_runs["tmp"] / "dask", out)
    extra = {"discover": {"enabled": True, "min_topic_size": 10, "n_neighbors": 10, "assignment": "knn"}}
    config = _config(both_runs["paths"], out, tmp_path / "cache_dask", **extra)
    corpus, _ = read_notes(out, config)
    half = len(corpus) // 2
    local = discover_sampled(corpus, config, progress=False, sample_size=half, embedder=configured_embedder(
        _config(both_runs["paths"], out, tmp_path / "cache_local", **extra), progress=False))
    with Client(both_runs["cluster"].scheduler_address, set_as_default=False) as client:
        dask = discover_corpus_dask(corpus, config, client=client, progress=False, sample_size=half)
    assert local["discoverer"].assignment == "knn" and local["discoverer"].fit_vectors_ is not None
    assert_same(local["tables"]["codings"], dask["tables"]["codings"], "codings")


@pytest.mark.slow
def test_dask_supervised_coding_equals_local(both_runs, tmp_path):
    """With human codes the coder is fitted here and the workers embed their partitions themselves."""
    from dask.distributed import Client

    from kvalitativ.engines.dask_engine import code_corpus_dask
    from kvalitativ.io.store import read_stage_table
    from kvalitativ.coding.stage import code_corpus

    corpus = read_stage_table(both_runs["tmp"] / "dask", "corpus")
    gold = pd.read_csv(Path(__file__).resolve().parents[2] / "corpora" / "sample" / "gold_codings.csv")
    train = tmp_path / "codes.csv"
    gold[gold["note_id"].isin(corpus["note_id"].head(250))].to_csv(train, index=False)
    config = _config(both_runs["paths"], tmp_path / "out", tmp_path / "cache_local", code={"level": "note"})
    local, themes = code_corpus(corpus, "ungekompetencer", config, "r-test", train=str(train), progress=False)
    config = _config(both_runs["paths"], tmp_path / "out", tmp_path / "cache_dask", code={"level": "note"})
    with Client(both_runs["cluster"].scheduler_address, set_as_default=False) as client:
        dask, dthemes = code_corpus_dask(corpus, "ungekompetencer", config, "r-test", train=str(train),
                                         progress=False, client=client)
    assert (local["method"] == "supervised").all() and (local["theme_id"] != "uncoded").sum() > 50
    assert_same(local, dask, "codings")
    pd.testing.assert_frame_equal(themes, dthemes, check_exact=True)


def test_bad_scheduler_address_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("KVALITATIV_DASK_TIMEOUT", "2")
    from kvalitativ.engines.cluster import connect

    with pytest.raises(KvalitativError, match=r"tcp://127\.0\.0\.1:9: could not connect within 2 s"):
        with connect("tcp://127.0.0.1:9"):
            pass


def test_cli_bad_scheduler_exits_2(tmp_path, repo):
    notes = tmp_path / "notes.csv"
    notes.write_text("NotatID;ElevID;Dato;Notat\nN1;E1;2024-01-15;Eleven er motiveret.\n", encoding="utf-8")
    config = tmp_path / "k.yaml"
    config.write_text(f"out: {tmp_path / 'out'}\ningest:\n  notes: {notes}\nembed:\n  name: tfidf\n", encoding="utf-8")
    env = {**os.environ, "KVALITATIV_DASK_TIMEOUT": "2", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "kvalitativ.cli", "run", "--config", str(config), "--engine", "dask",
                             "--scheduler", "tcp://127.0.0.1:9"], capture_output=True, text=True, env=env,
                            cwd=repo, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "could not connect" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "parquet").exists()


def test_embedded_local_cluster_runs_the_partitions(danish_export):
    """No scheduler: the engine starts (and stops) its own LocalCluster; redaction matches ingest."""
    from kvalitativ.engines.cluster import connect
    from kvalitativ.engines.dask_engine import ingest_notes_dask
    from kvalitativ.io.ingest import ingest_notes

    with connect(None, n_workers=1) as client:
        assert len(client.scheduler_info()["workers"]) == 1
        dask = ingest_notes_dask(danish_export, client=client, progress=False)
    local = ingest_notes(danish_export)
    pd.testing.assert_frame_equal(local.corpus, dask.corpus, check_exact=True)
