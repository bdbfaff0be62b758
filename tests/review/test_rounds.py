"""Rounds of `review export --strategy active --previous`: nothing drawn twice, one cumulative design.

A new user's trial: round 2 re-drew 67 already coded notes, importing both rounds stopped ("coded
note … twice"), --selection took one file, and without it the correction silently disappeared.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kvalitativ.cli import cli
from kvalitativ.io.store import read_stage_table, write_tables

from .conftest import THEMES, make_corpus


@pytest.fixture
def stage(tmp_path):
    corpus, codings, _ = make_corpus(n=120, seed=3)
    themes = pd.DataFrame({"theme_id": THEMES, "label": THEMES, "definition": THEMES})
    out = tmp_path / "out"
    write_tables(out, {"corpus": corpus, "codings": codings[codings.score >= 0.5], "themes": themes}, run_id="r0")
    return out, corpus


def export(out: Path, xlsx: Path, *extra: str, strategy: str = "active", persons: int = 4, n: int = 10,
           seed: int = 1) -> pd.DataFrame:
    res = CliRunner().invoke(cli, ["review", "export", "--codings", str(out), "--strategy", strategy, "--persons",
                                   str(persons), "--n", str(n), "--seed", str(seed), "--out", str(xlsx), *extra])
    assert res.exit_code == 0, res.output
    return pd.read_csv(xlsx.with_suffix(".selection.csv"), dtype={"note_id": str, "person_id": str})


def fill_all(xlsx: Path, out: Path, coder: str = "anna", skip: set | None = None) -> Path:
    """Code every row (the first theme 'nej'), leaving the notes in ``skip`` blank."""
    wb = load_workbook(xlsx)
    ws = wb["Kodning"]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, header.index("note_id") + 1).value in (skip or set()):
            continue
        ws.cell(r, header.index("koder") + 1, coder)
        ws.cell(r, header.index(THEMES[0]) + 1, "nej")
    wb.save(out)
    return out


def sheet_notes(xlsx: Path) -> set:
    return set(pd.read_csv(xlsx.with_suffix(".csv"), sep=";", encoding="utf-8-sig", dtype=str)["note_id"])


def test_round_two_draws_nothing_twice_and_writes_the_cumulative_design(stage, tmp_path):
    out, corpus = stage
    r1, r2 = tmp_path / "round1.xlsx", tmp_path / "round2.xlsx"
    sel1 = export(out, r1)
    sel2 = export(out, r2, "--previous", str(r1.with_suffix(".selection.csv")), seed=2)
    on1, on2 = sheet_notes(r1), sheet_notes(r2)
    assert on1 == set(sel1["note_id"]) and not on1 & on2  # no note on two sheets
    # the cumulative selection: every note of both sheets, each once, round 1's rows first
    assert set(sel2["note_id"]) == on1 | on2 and not sel2["note_id"].duplicated().any()
    assert sel2.loc[sel2["round"] == 1, "note_id"].tolist() == sel1.sort_values("order")["note_id"].tolist()
    assert set(sel2.loc[sel2["round"] == 2, "note_id"]) == on2
    person_of = dict(zip(corpus["note_id"], corpus["person_id"]))
    drawn1 = {person_of[n] for n in sel1.loc[sel1["reason"] == "person", "note_id"]}
    drawn = set(sel2.loc[sel2["reason"] == "person", "person_id"])
    assert drawn1 < drawn and len(drawn) == 8  # 4 + 4 different persons
    for p in drawn:  # every note of every drawn person is on one of the sheets
        assert set(corpus.loc[corpus["person_id"] == p, "note_id"]) <= on1 | on2
    n_total = corpus["person_id"].nunique()
    assert (sel2["persons_drawn"] == 8).all() and (sel2["persons_total"] == n_total).all()
    assert np.allclose(sel2["p_person"], 8 / n_total)
    assert np.allclose(sel2["p_include"], sel2["p_person"] + (1 - sel2["p_person"]) * sel2["p_active"])
    # an earlier row's p_active adds round 2's probability: never smaller than in round 1
    both = sel2.set_index("note_id").loc[sel1["note_id"], "p_active"].to_numpy()
    assert (both >= sel1["p_active"].to_numpy() - 1e-12).all() and (both > sel1["p_active"].to_numpy()).any()


def test_both_rounds_import_with_the_latest_selection_and_every_person_counts(stage, tmp_path):
    out, corpus = stage
    r1, r2 = tmp_path / "round1.xlsx", tmp_path / "round2.xlsx"
    export(out, r1)
    sel2 = export(out, r2, "--previous", str(r1.with_suffix(".selection.csv")), seed=2)
    a1, a2 = fill_all(r1, tmp_path / "anna1.xlsx"), fill_all(r2, tmp_path / "anna2.xlsx")
    review = tmp_path / "review"
    res = CliRunner().invoke(cli, ["review", "import", str(a1), str(a2), "--selection",
                                   str(r2.with_suffix(".selection.csv")), "--out", str(review)])
    assert res.exit_code == 0, res.output
    assert "All 8 persons drawn at random are coded whole" in res.output
    human = read_stage_table(review, "human_codings")
    assert set(human["note_id"]) == set(sel2["note_id"])
    assert np.allclose(human["p_person"].astype(float), 8 / corpus["person_id"].nunique())
    # the persons the correction of links counts: both rounds' drawn persons (the link's own reading)
    from kvalitativ.link.human import normalise_codes

    codes = normalise_codes(human)
    person_of = dict(zip(corpus["note_id"], corpus["person_id"]))
    whole = {p for p in corpus["person_id"].unique()
             if set(corpus.loc[corpus["person_id"] == p, "note_id"]) <= set(codes["note_id"])}
    assert set(sel2.loc[sel2["reason"] == "person", "person_id"]) <= whole
    assert {person_of[n] for n in codes["note_id"]} >= whole
    # several selection files: rounds of one series are fine, and give the same design
    res = CliRunner().invoke(cli, ["review", "import", str(a1), str(a2), "--selection",
                                   str(r1.with_suffix(".selection.csv")), "--selection",
                                   str(r2.with_suffix(".selection.csv")), "--out", str(tmp_path / "review2")])
    assert res.exit_code == 0, res.output
    again = read_stage_table(tmp_path / "review2", "human_codings")
    pd.testing.assert_series_equal(again["p_include"], human["p_include"])


def test_two_separate_draws_are_not_one_design(stage, tmp_path):
    out, _ = stage
    r1, r2 = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    export(out, r1, seed=1)
    export(out, r2, seed=5)  # no --previous: a second, separate draw
    a1, a2 = fill_all(r1, tmp_path / "anna1.xlsx"), fill_all(r2, tmp_path / "bo2.xlsx", coder="bo")
    res = CliRunner().invoke(cli, ["review", "import", str(a1), str(a2), "--selection", str(r1.with_suffix(".selection.csv")),
                                   "--selection", str(r2.with_suffix(".selection.csv")), "--out", str(tmp_path / "r")])
    assert res.exit_code != 0
    assert "separate draws" in str(res.exception) and "--previous" in str(res.exception)


def test_selections_of_another_corpus_size_stop(stage, tmp_path):
    out, _ = stage
    r1 = tmp_path / "round1.xlsx"
    sel = export(out, r1)
    sel.assign(persons_total=sel["persons_total"] + 5, p_person=4 / (sel["persons_total"] + 5)).to_csv(
        tmp_path / "other.selection.csv", index=False)
    res = CliRunner().invoke(cli, ["review", "export", "--codings", str(out), "--strategy", "active", "--previous",
                                   str(tmp_path / "other.selection.csv"), "--out", str(tmp_path / "r2.xlsx")])
    assert res.exit_code != 0 and "drew from 25 persons, this corpus has 20" in str(res.exception)


def test_stratified_rounds_leave_out_coded_notes_too(stage, tmp_path):
    out, _ = stage
    r1, r2 = tmp_path / "round1.xlsx", tmp_path / "round2.xlsx"
    export(out, r1)
    export(out, r2, "--previous", str(r1.with_suffix(".selection.csv")), strategy="stratified", n=40)
    assert not sheet_notes(r1) & sheet_notes(r2) and len(sheet_notes(r2)) == 40
    r3 = tmp_path / "round3.xlsx"
    export(out, r3, "--previous", str(r1.with_suffix(".selection.csv")), "--previous",
           str(r2.with_suffix(".selection.csv")), strategy="stratified", n=40)
    assert not (sheet_notes(r1) | sheet_notes(r2)) & sheet_notes(r3)
    # an active round cannot build on a stratified sheet (no known probabilities)
    res = CliRunner().invoke(cli, ["review", "export", "--codings", str(out), "--strategy", "active", "--previous",
                                   str(r2.with_suffix(".selection.csv")), "--out", str(tmp_path / "r4.xlsx")])
    assert res.exit_code != 0 and "stratified sheet" in str(res.exception)


def test_a_person_left_blank_is_named_at_import(stage, tmp_path):
    """A blank row dropped a drawn person from the correction with only "anna coded 1049 notes"."""
    out, _ = stage
    r1 = tmp_path / "round1.xlsx"
    sel = export(out, r1)
    person = sel.loc[sel["reason"] == "person"].iloc[0]
    path = fill_all(r1, tmp_path / "anna.xlsx", skip={person["note_id"]})
    res = CliRunner().invoke(cli, ["review", "import", str(path), "--selection", str(r1.with_suffix(".selection.csv")),
                                   "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    assert "1 of the 4 persons drawn at random are not coded whole" in res.output
    assert f"{person['person_id']}: {person['note_id']}" in res.output


def test_a_selection_resaved_by_danish_excel_reads(stage, tmp_path):
    """`;`, decimal comma and Windows-1252: "column p_person must hold probabilities …" before."""
    out, _ = stage
    r1 = tmp_path / "round1.xlsx"
    sel = export(out, r1)
    danish = sel.assign(stratum=sel["stratum"].str.replace("tilfældige", "tilfældige"))
    text = danish.to_csv(sep=";", index=False, decimal=",", float_format="%.4f")
    (tmp_path / "excel.csv").write_bytes(text.encode("cp1252"))
    assert "0,2000" in text  # p_person 4/20, as Danish Excel writes it
    path = fill_all(r1, tmp_path / "anna.xlsx")
    res = CliRunner().invoke(cli, ["review", "import", str(path), "--selection", str(tmp_path / "excel.csv"),
                                   "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    human = read_stage_table(tmp_path / "r", "human_codings")
    assert np.allclose(human["p_person"].astype(float), 0.2)
    # and as a --previous of the next round
    export(out, tmp_path / "round2.xlsx", "--previous", str(tmp_path / "excel.csv"), seed=2)


def test_a_later_round_with_the_same_seed_draws_its_own_uniforms():
    """With the same --seed, round 2 drew the very uniforms of round 1: a note left out in round 1
    (u ≥ p1) was drawn in round 2 only where u < p2 — about 6 notes instead of the 38 the file's
    probabilities promise (a review)."""
    from kvalitativ.review.design import select_active

    corpus, codings, _ = make_corpus(n=600, seed=5)
    codings = codings[codings.score >= 0.5]
    r1 = select_active(codings, corpus, n_persons=0, n_active=60, random_state=0)
    r2 = select_active(codings, corpus, n_persons=0, n_active=60, random_state=0, previous=r1)
    new = r2[r2["round"] == 2]
    expected = 60  # the round's scale is set so the expected number of new notes is n_active
    assert abs(len(new) - expected) < 4 * np.sqrt(expected), len(new)
