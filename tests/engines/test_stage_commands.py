"""`kvalitativ ingest|code|discover --engine dask|streamed` write the same tables as the local engine.

Each command runs three times through the real CLI entry point on the same small slice of the
sample corpus: locally, on the session's 2-worker LocalCluster (``--scheduler``), and on the
streamed engine in chunks of 40 rows (``chunk_size`` from a config file), each with its own
embedding cache, so the Dask run really embeds on the workers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kvalitativ.cli import main
from tests.conftest import SAMPLE
from tests.engines.test_dask_engine import _subset, _tables, assert_same

pytestmark = pytest.mark.slow


def _assert_same_folders(local: Path, dask: Path) -> None:
    a, b = _tables(local), _tables(dask)
    assert sorted(a) == sorted(b)
    for name in a:
        assert_same(a[name], b[name], name)


@pytest.fixture(scope="module")
def runs(cluster, tmp_path_factory):
    """ingest → code → discover, once per engine; returns the two folders and the Dask run's output."""
    if not (SAMPLE / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated")
    tmp = tmp_path_factory.mktemp("stage_commands")
    paths = _subset(SAMPLE, tmp, n_persons=60, n_citizen=10)
    said = {}
    # every run reads a config from one folder, so all use the pseudonym key kept beside it
    (tmp / "plain.yaml").write_text("seed: 0\n", encoding="utf-8")
    (tmp / "streamed.yaml").write_text("seed: 0\nchunk_size: 40\n", encoding="utf-8")
    engines = {"local": ["--config", str(tmp / "plain.yaml")],
               "dask": ["--scheduler", cluster.scheduler_address, "--config", str(tmp / "plain.yaml")],
               "streamed": ["--engine", "streamed", "--config", str(tmp / "streamed.yaml")]}
    for engine, where in engines.items():
        out, cache = tmp / engine, tmp / f"cache-{engine}"
        steps = {
            "ingest": ["ingest", str(paths["notes"]), "--indicators", str(paths["indicators"]), "--out", str(out)],
            "code": ["code", str(out), "--embedder", "tfidf", "--cache-dir", str(cache), "--out", str(out)],
            "discover": ["discover", str(out), "--codebook", "ungekompetencer", "--embedder", "tfidf",
                         "--min-topic-size", "8", "--n-neighbors", "10", "--out", str(out)],
        }
        for step, args in steps.items():
            said[(engine, step)] = _invoke(["--quiet", *args, *where])
    return {"local": tmp / "local", "dask": tmp / "dask", "streamed": tmp / "streamed", "said": said}


def _invoke(args: list[str]) -> str:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main(args)
    return buffer.getvalue()


def test_stage_commands_on_dask_write_the_local_tables(runs):
    _assert_same_folders(runs["local"], runs["dask"])
    codings = pd.read_parquet(runs["dask"] / "parquet" / "codings.parquet")
    assert {"topic"} < set(codings["method"]) and (codings["theme_id"] != "uncoded").sum() > 50
    for step in ("ingest", "code", "discover"):
        assert "Dask engine: 2 worker(s)" in runs["said"][("dask", step)], step
        assert "Dask engine" not in runs["said"][("local", step)], step


def test_stage_commands_on_the_streamed_engine_write_the_local_tables(runs):
    n_notes = len(pd.read_parquet(runs["streamed"] / "work" / "corpus.parquet"))
    assert n_notes > 4 * 40  # several chunks
    _assert_same_folders(runs["local"], runs["streamed"])
    coded = [runs["said"][(engine, "code")].splitlines()[0] for engine in ("local", "streamed")]
    assert coded[0] == coded[1] and coded[0].startswith("notes: ")


def test_scheduler_with_local_engine_is_a_clear_error(tmp_path, capsys):
    notes = tmp_path / "notes.csv"
    notes.write_text("NotatID;ElevID;Dato;Notat\nN1;E1;2024-01-15;Eleven er motiveret.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["code", str(notes), "--engine", "local", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "o")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--scheduler tcp://127.0.0.1:9 is an address for the dask engine" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
