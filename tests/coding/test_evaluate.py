"""Evaluation against gold codes, checked by hand on a small example."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kvalitativ.coding import evaluate_codings, rollup_notes, rollup_persons
from kvalitativ.errors import InputError


def codings(rows):
    cols = ["run_id", "note_id", "person_id", "segment_id", "start", "end", "theme_id", "score", "valence", "method"]
    return pd.DataFrame([("r", n, p, f"{n}:s{i}", 0, 1, t, s, v, "zeroshot") for i, (n, p, t, s, v) in enumerate(rows)],
                        columns=cols)


PRED = codings([
    ("n1", "p1", "a", 0.9, "strength"),
    ("n1", "p1", "a", 0.6, "concern"),   # a second sentence: the note's valence is the score-weighted one
    ("n2", "p1", "a", 0.8, "concern"),
    ("n2", "p1", "b", 0.7, "concern"),
    ("n3", "p2", "uncoded", 0.9, None),
    ("n4", "p2", "b", 0.55, "neutral"),
])
GOLD = pd.DataFrame({"note_id": ["n1", "n2", "n3", "n4", "n9"], "theme_id": ["a", "a", "b", "b", "a"],
                     "valence": ["strength", "strength", "concern", "neutral", "concern"]})


def test_per_theme_and_summary():
    per_theme, s = evaluate_codings(PRED, GOLD)
    a = per_theme.set_index("theme_id").loc["a"]
    b = per_theme.set_index("theme_id").loc["b"]
    # a: gold {n1, n2}, predicted {n1, n2}
    assert (a.tp, a.fp, a.fn, a.f1) == (2, 0, 0, 1.0)
    assert a.cohen_kappa == pytest.approx(1.0)
    assert a.valence_n == 2 and a.valence_accuracy == pytest.approx(0.5)  # n1 right, n2 wrong
    # b: gold {n3, n4}, predicted {n2, n4}
    assert (b.tp, b.fp, b.fn) == (1, 1, 1)
    assert b.precision == pytest.approx(0.5) and b.recall == pytest.approx(0.5)
    assert b.cohen_kappa == pytest.approx(0.0)
    assert s["n_notes"] == 4 and s["gold_notes_outside"] == 1  # n9 is not among the coded notes
    assert s["micro_f1"] == pytest.approx(3 / 4)
    assert s["macro_f1"] == pytest.approx(0.75)
    assert s["exact_match"] == pytest.approx(2 / 4)  # n1 and n4
    assert s["valence_n"] == 3 and s["valence_accuracy"] == pytest.approx(2 / 3)


def test_explicit_universe_counts_missing_notes_as_uncoded():
    _, s = evaluate_codings(PRED, GOLD, notes=["n1", "n2", "n3", "n4", "n9"])
    assert s["n_notes"] == 5 and s["gold_notes_outside"] == 0
    assert s["micro_recall"] == pytest.approx(3 / 5)


def test_rollups():
    notes = rollup_notes(PRED)
    n1 = notes[(notes.note_id == "n1") & (notes.theme_id == "a")].iloc[0]
    assert n1.score == 0.9 and n1.valence == "strength" and n1.n_segments == 2
    persons = rollup_persons(PRED).set_index(["person_id", "theme_id"])
    assert persons.loc[("p1", "a"), "n_notes"] == 2
    assert persons.loc[("p1", "a"), "n_strength"] == 1 and persons.loc[("p1", "a"), "n_concern"] == 1
    assert persons.loc[("p1", "a"), "valence"] == "neutral"  # a tie
    assert persons.loc[("p2", "uncoded"), "n_notes"] == 1
    assert math.isnan(persons.loc[("p2", "uncoded"), "n_strength"] * float("nan"))


def test_bad_inputs():
    with pytest.raises(InputError, match="theme_id"):
        evaluate_codings(PRED, pd.DataFrame({"note_id": ["n1"]}))
