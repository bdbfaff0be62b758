"""The person join: only notes dated before the outcome count, and nothing excluded goes unseen."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from kvalitativ.errors import ConfigError, InputError
from kvalitativ.link import associations, person_themes
from kvalitativ.link.associations import presence_matrix
from tests.link.synth import make_link_data

COV = ["absence_pct", "grade_avg", "gender", "school"]


def _assoc(d, **kw):
    pt = person_themes(d["codings"], d["corpus"], d["indicators"], **kw)
    return pt, associations(pt, d["indicators"], covariates=COV, numeric_indicators=["absence_pct"])


def _plant_after_outcome(d: dict, *, days: int) -> dict:
    """Every dropout gets a note `days` after (0 = on) its outcome date, coded with a strong signal:
    both the planted theme and a brand-new theme that exists only in these notes."""
    ind = d["indicators"]
    events = ind[ind["dropout"] == 1]
    notes = pd.DataFrame({"note_id": [f"{p}-LATE" for p in events["person_id"]], "person_id": events["person_id"],
                          "unit_id": events["school"], "date": events["outcome_date"] + pd.Timedelta(days=days),
                          "period": "2023/24", "source": "UU-vejleder"})
    cod = pd.concat([
        pd.DataFrame({"note_id": notes["note_id"], "person_id": notes["person_id"], "theme_id": "moedestabilitet",
                      "valence": "concern"}),
        pd.DataFrame({"note_id": notes["note_id"], "person_id": notes["person_id"], "theme_id": "rusmidler",
                      "valence": "concern"}),
        pd.DataFrame({"note_id": notes["note_id"], "person_id": notes["person_id"], "theme_id": "tolerance",
                      "valence": "neutral"}),
    ])
    cod = cod.assign(segment_id=0, start=0, end=5, score=0.99, method="gold", run_id="r0")
    return {"indicators": ind, "corpus": pd.concat([d["corpus"], notes], ignore_index=True),
            "codings": pd.concat([d["codings"], cod], ignore_index=True)}


@pytest.mark.parametrize("days", [0, 30])
def test_notes_dated_on_or_after_the_outcome_change_nothing(days):
    d = make_link_data(n=300, odds_ratio=2.0, seed=11)
    _, before = _assoc(d)
    leaked = _plant_after_outcome(d, days=days)
    pt, after = _assoc(leaked)
    assert_frame_equal(before, after)
    excl = pt.exclusions.set_index("reason")
    assert excl.loc["on_or_after_outcome", "n_notes"] == (d["indicators"]["dropout"] == 1).sum()
    assert "rusmidler" not in set(pt.table["theme_id"])


def test_the_planted_late_notes_would_change_the_result_if_they_leaked():
    """Control for the no-leak test: the same notes dated a day *before* the outcome do count."""
    d = make_link_data(n=300, odds_ratio=2.0, seed=11)
    _, before = _assoc(d)
    _, moved = _assoc(_plant_after_outcome(d, days=-1))
    key = ["theme_id", "valence", "indicator"]
    b = before.set_index(key).loc[("moedestabilitet", "concern", "dropout")]
    m = moved.set_index(key).loc[("moedestabilitet", "concern", "dropout")]
    assert m["odds_ratio"] > 3 * b["odds_ratio"]
    assert "rusmidler" in set(moved["theme_id"])


def test_cutoff_and_undated_notes_are_excluded_and_counted():
    d = make_link_data(n=200, seed=5)
    corpus = d["corpus"].copy()
    corpus.loc[corpus.index[:10], "date"] = pd.NaT
    cutoff = "2023-06-01"
    pt = person_themes(d["codings"], corpus, d["indicators"], cutoff=cutoff, window_months=15)
    excl = pt.exclusions.set_index("reason")
    assert excl.loc["no_date", "n_notes"] == 10
    n_late = int(((corpus["date"] >= pd.Timestamp(cutoff)) & corpus["date"].notna()).sum())
    assert excl.loc["after_cutoff", "n_notes"] + excl.loc["on_or_after_outcome", "n_notes"] >= n_late
    used = pt.n_notes_used
    assert used + excl["n_notes"].sum() == len(corpus)  # every note is used or accounted for
    # the rules travel with the table, in every row
    row = pt.table.iloc[0]
    assert row["cutoff"] == "2023-06-01" and row["dropout_window_months"] == 15 and row["outcome"] == "dropout"
    assert "before outcome_date" in row["note_rule"] and "2023-06-01" in row["note_rule"]


def test_event_without_outcome_date_does_not_count_and_persons_without_notes_are_left_out():
    d = make_link_data(n=100, seed=6)
    ind = d["indicators"].copy()
    event = ind.index[ind["dropout"] == 1][0]
    ind.loc[event, "outcome_date"] = pd.NaT
    extra = pd.DataFrame({"person_id": ["NO-NOTES"], "dropout": [0], "outcome_date": [pd.NaT], "absence_pct": [3.0],
                          "grade_avg": [7.0], "gender": ["pige"], "school": ["Østre Skole"]})
    ind = pd.concat([ind, extra], ignore_index=True)
    pt = person_themes(d["codings"], d["corpus"], ind)
    assert pt.exclusions.set_index("reason").loc["outcome_date_missing", "n_persons"] == 1
    assert ind.loc[event, "person_id"] not in set(pt.table["person_id"])
    assert "NO-NOTES" not in set(pt.table["person_id"])
    assert "NO-NOTES" not in pt.persons
    pt_all = person_themes(d["codings"], d["corpus"], ind, population="all")
    assert "NO-NOTES" in pt_all.persons  # in the population, without any theme
    assert "NO-NOTES" not in set(pt_all.table["person_id"])  # so no row: rows are the themes persons have
    assert presence_matrix(pt_all).loc["NO-NOTES"].sum() == 0


def test_presence_per_valence_and_any():
    d = make_link_data(n=80, seed=8)
    pt = person_themes(d["codings"], d["corpus"], d["indicators"])
    wide = pt.table.pivot_table(index="person_id", columns=["theme_id", "valence"], values="present")
    tol = wide["tolerance"]
    assert ((tol["any"] == 1) == ((tol["strength"] == 1) | (tol["concern"] == 1))).all()
    assert set(pt.table["valence"]) == {"any", "concern", "strength"}  # only pairs that occur


def test_missing_outcome_date_column_without_cutoff_is_a_clear_error():
    d = make_link_data(n=50, seed=9)
    ind = d["indicators"].drop(columns=["outcome_date"])
    with pytest.raises(ConfigError, match="outcome_date.*cutoff"):
        person_themes(d["codings"], d["corpus"], ind)
    pt = person_themes(d["codings"], d["corpus"], ind, cutoff="2023-01-01")
    assert len(pt.table)


def test_bad_outcome_values_and_dates_name_the_column():
    d = make_link_data(n=50, seed=10)
    ind = d["indicators"].copy()
    ind["dropout"] = ind["dropout"].astype(object)
    ind.loc[0, "dropout"] = "måske"
    with pytest.raises(InputError, match="dropout"):
        person_themes(d["codings"], d["corpus"], ind)
    ind = d["indicators"].copy()
    ind["outcome_date"] = ind["outcome_date"].astype(object)
    ind.loc[0, "outcome_date"] = "ikke en dato"
    with pytest.raises(InputError, match="outcome_date"):
        person_themes(d["codings"], d["corpus"], ind)
