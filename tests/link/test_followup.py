"""Persons watched for different lengths: the link warns, and ``timing: landmark`` compares
everyone over the same dates (link.followup, link.persons)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.errors import ConfigError
from kvalitativ.link.associations import associations
from kvalitativ.link.params import LinkRules
from kvalitativ.link.persons import person_themes

START, END = pd.Timestamp("2022-08-01"), pd.Timestamp("2024-08-01")


def _unequal_followup(n: int = 1500, seed: int = 1):
    """Notes at one rate for everyone; a theme in 8 % of notes, independent of dropout; dropouts
    watched until they leave, the others until the end of the window."""
    rng = np.random.default_rng(seed)
    span = (END - START).days
    dropout = (rng.random(n) < 0.25).astype(int)
    odate = [START + pd.Timedelta(days=int(rng.integers(30, span))) if d else END for d in dropout]
    notes, codes = [], []
    for i in range(n):
        for j, day in enumerate(np.sort(rng.integers(0, span, rng.poisson(span / 60) + 1))):
            nid = f"P{i}-{j}"
            notes.append({"note_id": nid, "person_id": f"P{i}", "date": START + pd.Timedelta(days=int(day))})
            if rng.random() < 0.08:
                codes.append({"note_id": nid, "theme_id": "motivation", "valence": "concern"})
    indicators = pd.DataFrame({"person_id": [f"P{i}" for i in range(n)], "dropout": dropout, "outcome_date": odate})
    return pd.DataFrame(codes), pd.DataFrame(notes), indicators


def _concern_row(pt, indicators):
    table = associations(pt, indicators, min_cell=5)
    return table[table["valence"] == "concern"].iloc[0]


def test_dated_notes_make_a_theme_unrelated_to_dropout_look_protective_and_the_link_says_so():
    codes, notes, ind = _unequal_followup()
    pt = person_themes(codes, notes, ind)
    row = _concern_row(pt, ind)
    assert row["or_ci_high"] < 0.8  # the bias the warning is about
    warning = pt.balance.warning("dated")
    assert warning and "timing: landmark" in warning and "not having the outcome" in warning


def test_a_landmark_compares_everyone_over_the_same_dates_and_finds_no_association():
    codes, notes, ind = _unequal_followup()
    pt = person_themes(codes, notes, ind, timing="landmark", cutoff="2023-02-01")
    row = _concern_row(pt, ind)
    assert row["or_ci_low"] < 1 < row["or_ci_high"] and 0.8 < row["odds_ratio"] < 1.25
    left = set(ind.loc[ind["outcome_date"] < pd.Timestamp("2023-02-01"), "person_id"])
    assert left and not left & set(pt.persons)  # gone before the landmark: not compared
    reasons = pt.exclusions.set_index("reason")
    assert reasons.loc["outcome_before_landmark", "n_persons"] == len(left)
    assert "landmark 2023-02-01" in pt.rules.note_rule
    assert pt.balance.warning("landmark") is None
    everyone = person_themes(codes, notes, ind, timing="landmark", cutoff="2023-02-01", population="all")
    assert not left & set(everyone.persons)


def test_a_lookback_window_leaves_out_older_notes():
    codes, notes, ind = _unequal_followup(n=200)
    pt = person_themes(codes, notes, ind, timing="landmark", cutoff="2024-01-01", lookback_months=6)
    reasons = pt.exclusions.set_index("reason")["n_notes"]
    old = (notes["date"] < pd.Timestamp("2023-07-01")).sum()
    assert reasons["before_lookback"] > 0 and reasons["before_lookback"] <= old
    assert "at most 6 months before it" in pt.rules.note_rule
    plain = person_themes(codes, notes, ind)
    assert "before_lookback" not in set(plain.exclusions["reason"])  # the default tables keep their rows


def test_bad_landmark_settings_are_refused_with_what_to_do():
    with pytest.raises(ConfigError, match="link.cutoff"):
        LinkRules(timing="landmark")
    with pytest.raises(ConfigError, match="lookback_months"):
        LinkRules(timing="none", lookback_months=6)


def test_balanced_notes_give_no_warning():
    from kvalitativ.link.followup import NoteBalance

    assert NoteBalance(with_outcome=4.4, without_outcome=4.5).warning("dated") is None
    assert "goes with the outcome" in NoteBalance(with_outcome=9.0, without_outcome=4.0).warning("dated")


def test_a_lookback_from_outcome_dates_needs_one_for_everyone():
    """Only dropouts dated: the look-back narrowed their notes and left the others' whole (a review)."""
    codes, notes, ind = _unequal_followup(n=100)
    ind.loc[ind["dropout"] == 0, "outcome_date"] = pd.NaT
    with pytest.raises(ConfigError, match="have none"):
        person_themes(codes, notes, ind, lookback_months=6)
    person_themes(codes, notes, ind)  # without a look-back, an empty date for a stayer is as before


def test_a_landmark_after_every_outcome_says_to_choose_an_earlier_one():
    """The advice was 'a --cutoff after the notes were written' — the opposite (a new user's trial)."""
    from kvalitativ.errors import InputError
    from kvalitativ.link.checks import require_persons

    codes, notes, ind = _unequal_followup(n=50)
    pt = person_themes(codes, notes, ind, timing="landmark", cutoff="2030-01-01")
    with pytest.raises(InputError, match="choose a --cutoff before most outcome dates"):
        require_persons(pt.n_persons, pt.n_notes_used, pt.exclusions, pt.rules.note_rule)
