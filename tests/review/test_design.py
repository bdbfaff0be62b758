"""`review export --strategy active`: persons at random plus uncertainty-drawn notes, probabilities recorded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from kvalitativ.errors import InputError
from kvalitativ.io.store import write_tables
from kvalitativ.review.design import ACTIVE_COLUMNS, active_probabilities, select_active
from kvalitativ.review.sample import select_margins

from .conftest import THEMES, make_corpus


def test_probabilities_follow_uncertainty_with_a_floor_and_sum_to_n():
    margin = np.array([0.0, 0.1, 0.25, 0.5, 0.9, np.inf])
    p = active_probabilities(margin, n_active=2, floor=0.05)
    assert (p > 0).all()  # the floor: every note can be drawn
    assert p.sum() == pytest.approx(2.0)
    assert list(np.argsort(-p, kind="stable")[:3]) == [0, 1, 2]  # the least sure first
    assert p[3] == p[4] == p[5]  # margins ≥ 0.5 all get the floor weight
    # capping at 1 hands the excess on, so the expected size stays n_active
    p = active_probabilities(np.array([0.0, 0.0, 0.5, 0.5, 0.5]), n_active=3, floor=0.1)
    assert p[:2].tolist() == [1.0, 1.0] and p.sum() == pytest.approx(3.0)
    assert active_probabilities(np.zeros(3), n_active=10).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(InputError, match="floor"):
        active_probabilities(margin, 2, floor=0.0)


def _frames(n=120, seed=3):
    corpus, codings, _ = make_corpus(n=n, seed=seed)
    return corpus, codings[codings.score >= 0.5]


def test_select_active_draws_whole_persons_and_records_probabilities():
    corpus, codings = _frames()
    sel = select_active(codings, corpus, n_persons=5, n_active=20, themes=THEMES, random_state=1)
    assert list(sel.columns) == ACTIVE_COLUMNS
    assert not sel["note_id"].duplicated().any()
    person_of = dict(zip(corpus["note_id"].astype(str), corpus["person_id"].astype(str)))
    drawn = {person_of[n] for n in sel.loc[sel["reason"] == "person", "note_id"]}
    assert len(drawn) == 5
    # every note of a drawn person is on the sheet, and no active note belongs to one
    for p in drawn:
        assert set(corpus.loc[corpus["person_id"].astype(str) == p, "note_id"].astype(str)) <= set(sel["note_id"])
    assert not {person_of[n] for n in sel.loc[sel["reason"] == "aktiv", "note_id"]} & drawn
    n_persons = corpus["person_id"].nunique()
    assert np.allclose(sel["p_person"], 5 / n_persons)
    assert np.allclose(sel["p_include"], sel["p_person"] + (1 - sel["p_person"]) * sel["p_active"])
    assert (sel["p_active"] > 0).all() and (sel["p_active"] <= 1).all()
    # the recorded p_active is the probability computed from the margins of all notes
    ids = corpus["note_id"].astype(str).drop_duplicates()
    full = dict(zip(ids, active_probabilities(select_margins(codings, ids, THEMES), 20, 0.05)))
    assert np.allclose(sel["p_active"], sel["note_id"].map(full))
    assert sel["order"].tolist() == list(range(1, len(sel) + 1))
    pd.testing.assert_frame_equal(sel, select_active(codings, corpus, n_persons=5, n_active=20, themes=THEMES,
                                                     random_state=1))


def test_recorded_inclusion_probabilities_are_the_real_ones():
    """Monte Carlo over seeds: how often each note is selected matches its recorded p_include."""
    corpus, codings = _frames(n=60, seed=5)
    ids = corpus["note_id"].astype(str).drop_duplicates().tolist()
    hits = pd.Series(0, index=ids)
    recorded = {}
    reps = 600
    for seed in range(reps):
        sel = select_active(codings, corpus, n_persons=3, n_active=8, themes=THEMES, random_state=seed)
        hits[sel["note_id"]] += 1
        recorded.update(dict(zip(sel["note_id"], sel["p_include"])))
    p = pd.Series(recorded).reindex(ids)
    assert p.notna().all()
    se = np.sqrt(p * (1 - p) / reps)
    assert (np.abs(hits / reps - p) <= 4 * se + 1e-9).all()
    # expected sample size: all notes of the drawn persons plus about n_active more
    assert hits.sum() / reps == pytest.approx(p.sum(), rel=0.05)


def test_needs_person_ids():
    corpus, codings = _frames()
    with pytest.raises(InputError, match="person"):
        select_active(codings, corpus.drop(columns="person_id"))


def test_cli_export_active(tmp_path):
    from kvalitativ.cli import cli

    corpus, codings = _frames()
    themes = pd.DataFrame({"theme_id": THEMES, "label": THEMES, "definition": THEMES})
    out = tmp_path / "out"
    write_tables(out, {"corpus": corpus, "codings": codings, "themes": themes}, run_id="r0")
    xlsx = tmp_path / "review.xlsx"
    res = CliRunner().invoke(cli, ["review", "export", "--codings", str(out), "--strategy", "active", "--persons", "4",
                                   "--n", "15", "--out", str(xlsx)])
    assert res.exit_code == 0, res.output
    sel = pd.read_csv(xlsx.with_suffix(".selection.csv"))
    assert list(sel.columns) == ACTIVE_COLUMNS and set(sel["reason"]) <= {"person", "aktiv"}
    sheet = pd.read_csv(xlsx.with_suffix(".csv"), sep=None, engine="python")
    assert set(sheet["note_id"].astype(str)) == set(sel["note_id"].astype(str))


def test_import_keeps_the_design_probabilities(tmp_path, capsys):
    from openpyxl import load_workbook

    from kvalitativ.cli import cli
    from kvalitativ.io.store import read_stage_table

    corpus, codings = _frames()
    themes = pd.DataFrame({"theme_id": THEMES, "label": THEMES, "definition": THEMES})
    out = tmp_path / "out"
    write_tables(out, {"corpus": corpus, "codings": codings, "themes": themes}, run_id="r0")
    xlsx = tmp_path / "review.xlsx"
    runner = CliRunner()
    assert runner.invoke(cli, ["review", "export", "--codings", str(out), "--strategy", "active", "--persons", "3",
                               "--n", "10", "--out", str(xlsx)]).exit_code == 0
    wb = load_workbook(xlsx)
    ws = wb["Kodning"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        ws.cell(r, header.index("koder") + 1, "anna")
        ws.cell(r, header.index(THEMES[0]) + 1, "nej")
    wb.save(tmp_path / "anna.xlsx")
    sel_path = xlsx.with_suffix(".selection.csv")
    review = tmp_path / "review"
    res = runner.invoke(cli, ["review", "import", str(tmp_path / "anna.xlsx"), "--selection", str(sel_path),
                              "--out", str(review)])
    assert res.exit_code == 0, res.output
    human = read_stage_table(review, "human_codings")
    sel = pd.read_csv(sel_path).assign(note_id=lambda d: d["note_id"].astype(str)).set_index("note_id")
    assert set(human["note_id"]) == set(sel.index)
    for col in ("p_person", "p_active", "p_include"):
        assert np.allclose(human[col].astype(float), sel.loc[human["note_id"], col].to_numpy())
    # a selection that does not belong to the sheet is an error with exit 2
    sel.iloc[:3].reset_index().to_csv(tmp_path / "other.csv", index=False)
    from kvalitativ.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["review", "import", str(tmp_path / "anna.xlsx"), "--selection", str(tmp_path / "other.csv"),
              "--out", str(tmp_path / "r2")])
    assert exc.value.code == 2
    assert "not in the selection" in capsys.readouterr().err
