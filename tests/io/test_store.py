"""The writer: every format reads back equal, CSVs are spreadsheet-safe, writes are atomic."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import numpy as np
import pandas as pd
import pytest

from kvalitativ.errors import InputError, KvalitativError
from kvalitativ.io.store import read_stage_table, write_manifest, write_tables


def table() -> pd.DataFrame:
    return pd.DataFrame({
        "theme_id": ["motivation", "trivsel", "mødestabilitet"],
        "label": ["=HYPERLINK(\"x\")", "+45 ting", "Ærlig, ø og å"],
        "share": [0.125, 0.5, 0.0],
        "n_notes": [10, 20, 0],
        "flag": [True, False, True],
    })


def test_round_trip_every_format(tmp_path):
    frame = table()
    written = write_tables(tmp_path, {"themes_test": frame}, run_id="r1")
    assert {p.name for p in written["themes_test"]} == {"themes_test.parquet", "themes_test.csv", "kvalitativ.duckdb"}
    expected = frame.copy()
    expected.insert(0, "run_id", "r1")

    parquet = pd.read_parquet(tmp_path / "parquet" / "themes_test.parquet")
    pd.testing.assert_frame_equal(parquet, expected, check_dtype=False)

    machine = pd.read_csv(tmp_path / "csv" / "themes_test.csv", encoding="utf-8")
    assert machine["share"].tolist() == [0.125, 0.5, 0.0]
    assert machine["theme_id"].tolist() == frame["theme_id"].tolist()

    raw_da = (tmp_path / "csv_da" / "themes_test.csv").read_bytes()
    assert raw_da.startswith(b"\xef\xbb\xbf")
    danish = pd.read_csv(tmp_path / "csv_da" / "themes_test.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert danish["share"].tolist() == [0.125, 0.5, 0.0]
    assert "0,125" in raw_da.decode("utf-8-sig")
    assert danish["label"].tolist()[2] == "Ærlig, ø og å"

    db = duckdb.connect(str(tmp_path / "kvalitativ.duckdb"), read_only=True)
    from_db = db.sql("SELECT * FROM themes_test").df()
    pd.testing.assert_frame_equal(from_db, expected, check_dtype=False)


def test_danish_csv_booleans_as_1_0_and_floats_rounded_but_parquet_exact(tmp_path):
    frame = pd.DataFrame({
        "theme_id": ["a", "b", "c", "d"],
        "share": [0.42767746288252584, 1 / 3, np.nan, 2.5e-09 / 3],
        "big": [1234567.891, 12.0, 0.0, -98765.4321],
        "suppressed": [True, False, True, False],
        "maybe": pd.array([True, None, False, True], dtype="boolean"),
    })
    write_tables(tmp_path, {"csv_da_test": frame}, run_id="r1")
    text = (tmp_path / "csv_da" / "csv_da_test.csv").read_text(encoding="utf-8-sig")
    assert "True" not in text and "False" not in text
    assert "0,427677;" in text and "42767746" not in text
    danish = pd.read_csv(tmp_path / "csv_da" / "csv_da_test.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert danish["share"].tolist()[:2] == [0.427677, 0.333333] and np.isnan(danish["share"][2])
    assert danish["share"][3] == pytest.approx(8.33333e-10, rel=1e-9)
    assert danish["big"].tolist() == [1234568.0, 12.0, 0.0, -98765.4]
    assert danish["suppressed"].tolist() == [1, 0, 1, 0]
    assert danish["maybe"].astype("Int64").tolist() == [1, pd.NA, 0, 1]
    # the machine CSV, Parquet and DuckDB keep every digit and the booleans
    parquet = pd.read_parquet(tmp_path / "parquet" / "csv_da_test.parquet")
    assert parquet["share"][0] == 0.42767746288252584 and parquet["suppressed"].dtype == bool
    machine = pd.read_csv(tmp_path / "csv" / "csv_da_test.csv")
    assert machine["share"][0] == 0.42767746288252584 and machine["suppressed"].tolist() == [True, False, True, False]
    db = duckdb.connect(str(tmp_path / "kvalitativ.duckdb"), read_only=True)
    assert db.execute("SELECT share FROM csv_da_test WHERE theme_id = 'a'").fetchall()[0][0] == 0.42767746288252584


def test_csv_formulas_are_neutralised_but_parquet_keeps_values(tmp_path):
    write_tables(tmp_path, {"t": table()}, run_id="r1")
    for kind in ("csv", "csv_da"):
        text = (tmp_path / kind / "t.csv").read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text and "'+45 ting" in text
        assert "\n=" not in text and ",=" not in text and ";=" not in text
    assert pd.read_parquet(tmp_path / "parquet" / "t.parquet")["label"][0].startswith("=")


def test_dashboard_tables_refuse_text_columns(tmp_path):
    with pytest.raises(KvalitativError, match="text"):
        write_tables(tmp_path, {"quotes_bad": pd.DataFrame({"text": ["raw note"]})}, run_id="r1")


def test_internal_tables_stay_out_of_dashboards(tmp_path):
    write_tables(tmp_path, {"corpus": pd.DataFrame({"note_id": ["a"], "text": ["x"]})}, run_id="r1")
    assert (tmp_path / "work" / "corpus.parquet").exists()
    assert not (tmp_path / "csv" / "corpus.csv").exists()
    assert read_stage_table(tmp_path, "corpus")["text"].tolist() == ["x"]


def test_read_stage_table_reads_only_the_columns_and_rows_asked_for(tmp_path):
    frame = pd.DataFrame({"person_id": ["a", "b", "c", "d"], "theme_id": ["t"] * 4, "present": [1, 0, 1, 0],
                          "dropout": [0, 1, 1, 0]})
    write_tables(tmp_path, {"person_themes": frame}, run_id="r1")
    got = read_stage_table(tmp_path, "person_themes", columns=["person_id", "present", "not_there"],
                           filters=[("present", "==", 1)])
    assert list(got.columns) == ["person_id", "present"]
    assert got["person_id"].tolist() == ["a", "c"]


def test_missing_stage_table_says_what_to_run(tmp_path):
    with pytest.raises(InputError, match="kvalitativ code"):
        read_stage_table(tmp_path, "codings")


def test_manifest(tmp_path):
    import json

    path = write_manifest(tmp_path, "r1", config={"seed": 0}, inputs={"notes": "abc"})
    manifest = json.loads(path.read_text())
    assert manifest["run_id"] == "r1" and manifest["inputs"] == {"notes": "abc"}
    assert "pandas" in manifest["versions"]


def test_killed_write_leaves_previous_outputs_whole(tmp_path):
    """Kill a writer mid-write (SIGKILL): the earlier files stay readable and unchanged."""
    old = pd.DataFrame({"x": np.arange(10)})
    write_tables(tmp_path, {"big": old}, run_id="old")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    script = textwrap.dedent(f"""
        import numpy as np, pandas as pd
        from kvalitativ.io.store import write_tables
        frame = pd.DataFrame({{"x": np.arange(3_000_000), "y": np.random.default_rng(0).random(3_000_000).astype(str)}})
        print("ready", flush=True)
        write_tables({str(tmp_path)!r}, {{"big": frame}}, run_id="new")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.endswith(".tmp") for p in tmp_path.rglob(".*")):
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p: p.read_bytes() for p in before}
    assert after == before
    assert pd.read_parquet(tmp_path / "parquet" / "big.parquet")["x"].tolist() == list(range(10))
    db = duckdb.connect(str(tmp_path / "kvalitativ.duckdb"), read_only=True)
    assert db.execute("SELECT count(*) FROM big").fetchone()[0] == 10


def _hidden_alone(frame: pd.DataFrame, keys: list[str]) -> int:
    """Groups of ``keys`` with exactly one suppressed row: their count is the total minus the rest."""
    agg = frame.groupby(keys)["suppressed"].agg(["sum", "size"])
    return int(((agg["sum"] == 1) & (agg["size"] > 1)).sum())


def test_last_guard_hides_small_complements_it_was_handed():
    from kvalitativ.io.store import prepare_table
    from kvalitativ.link.associations import associations
    from kvalitativ.link.persons import PersonThemes
    from kvalitativ.link.prevalence import prevalence

    notes = pd.DataFrame({"note_id": [f"N{i}" for i in range(40)], "person_id": [f"P{i}" for i in range(40)],
                          "unit_id": ["Lille"] * 12 + ["Store"] * 28})
    cod = pd.DataFrame({"note_id": [f"N{i}" for i in range(10)] + [f"N{i}" for i in range(12, 30)],
                        "theme_id": "misbrug", "valence": "concern"})
    prev = prepare_table("prevalence", prevalence(cod, notes, group_by=["unit_id"], min_cell=None), "r0", 5)
    shown = prev[~prev["suppressed"]]
    assert not ((shown["persons_total"] - shown["n_persons"]).between(1, 4)).any()  # Lille: 12 − 10 = 2
    assert "persons_without" not in prev.columns
    x = [1] * 30 + [0] * 70
    y = [1] * 28 + [0] * 2 + [1] * 20 + [0] * 50  # 2 non-dropouts with the theme
    pt = PersonThemes.from_table(pd.DataFrame({"person_id": [f"P{i:03d}" for i in range(100)],
                                               "theme_id": "misbrug", "valence": "concern", "present": x,
                                               "n_notes": x}))
    assoc = prepare_table("associations", associations(pt, pd.DataFrame({"person_id": pt.persons, "dropout": y}),
                                                       outcome="dropout", min_cell=None), "r0", 5)
    assert assoc["suppressed"].all() and assoc["n_with"].isna().all()
    assert not {"nonevents_with", "nonevents_without"} & set(assoc.columns)


def test_last_guard_hides_a_valence_row_that_any_minus_the_others_would_give():
    from kvalitativ.io.store import prepare_table
    from kvalitativ.link.associations import associations
    from kvalitativ.link.persons import person_themes
    from kvalitativ.link.prevalence import prevalence
    from tests.link.test_disclosure import _strength_few

    corpus, codings, ind = _strength_few()
    assoc = prepare_table("associations", associations(person_themes(codings, corpus, ind), ind, min_cell=None),
                          "r0", 5)
    assert _hidden_alone(assoc, ["theme_id", "indicator"]) == 0
    assert assoc.loc[assoc["valence"] == "strength", "suppressed"].all()
    prev = prepare_table("prevalence", prevalence(codings, corpus, group_by=["overall", "unit_id"], min_cell=None),
                         "r0", 5)
    assert _hidden_alone(prev, ["theme_id", "group_by", "group_value"]) == 0
    assert prev.loc[prev["valence"] == "strength", "suppressed"].all()


def test_last_guard_refuses_a_group_with_one_hidden_row():
    from kvalitativ.privacy.suppress import SmallCellError, assert_no_small_cells

    frame = pd.DataFrame({"theme_id": ["t"] * 3, "valence": ["any", "concern", "strength"],
                          "indicator": "dropout", "n_with": pd.array([63, 60, None], dtype="Int64"),
                          "suppressed": [False, False, True]})
    from kvalitativ.io.store import SUPPRESSION_GROUPS

    with pytest.raises(SmallCellError):
        assert_no_small_cells(frame, ["n_with"], 5, by=SUPPRESSION_GROUPS["associations"], table="associations")
