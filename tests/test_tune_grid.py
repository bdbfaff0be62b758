"""`kvalitativ tune --grid`: values typed as the settings take them, one type per column."""

from __future__ import annotations

import pandas as pd

from kvalitativ.commands.tune import parse_grid
from kvalitativ.io.store import read_stage_table, write_tables


def test_a_grid_of_whole_and_decimal_numbers_is_one_float_column(tmp_path):
    """`--grid "resolution=0.5,1"` (the help's own kind of example) ran every fit and then failed
    to write the table: 0.5 was kept as text and 1 as a number in one column (a new user's trial)."""
    grid = parse_grid("resolution=0.5,1;min_topic_size=10,15;outlier_strategy=embeddings,none")
    assert grid == {"resolution": [0.5, 1.0], "min_topic_size": [10, 15], "outlier_strategy": ["embeddings", None]}
    assert all(isinstance(v, float) for v in grid["resolution"])
    table = pd.DataFrame({"resolution": grid["resolution"], "min_topic_size": grid["min_topic_size"]})
    write_tables(tmp_path, {"tuning": table}, run_id="r1")
    back = read_stage_table(tmp_path, "tuning")
    assert back["resolution"].tolist() == [0.5, 1.0] and back["resolution"].dtype == "float64"


def test_discover_and_tune_take_the_embedding_cache_like_code(tmp_path):
    """`discover`, `tune` and `agreement` had no --cache-dir (a new user's trial: `tune` made a cache
    in the working folder and would re-embed a corpus `code` had cached elsewhere)."""
    from click.testing import CliRunner

    from kvalitativ.cli import cli
    from tests.discover.conftest import make_corpus

    texts, _ = make_corpus()
    pd.DataFrame({"note_id": [f"n{i}" for i in range(len(texts))], "person_id": "p1", "text": texts}).to_csv(
        tmp_path / "notes.csv", index=False)
    for name, args in (("tune", ["--grid", "min_topic_size=5", "--seeds", "0"]), ("discover", ["--stability-seeds", "0"])):
        cache = tmp_path / f"cache-{name}"
        res = CliRunner().invoke(cli, [name, str(tmp_path / "notes.csv"), "--embedder", "static", "--cache-dir",
                                       str(cache), "--out", str(tmp_path / name), *args])
        assert res.exit_code == 0, res.output
        assert any((cache / "embeddings").rglob("*.npy")), name
    from kvalitativ.io.store import read_stage_table

    tuning = read_stage_table(tmp_path / "tune", "tuning")
    assert str(tuning["n_components"].dtype) == "Int64"  # Leiden has none: an empty whole-number column, not text
    assert "--cache-dir" in CliRunner().invoke(cli, ["agreement", "--help"]).output
