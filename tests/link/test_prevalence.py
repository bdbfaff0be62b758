"""Prevalence: shares of persons and notes per theme, overall and by group, with suppression."""

from __future__ import annotations

import pandas as pd

from kvalitativ.link import prevalence
from kvalitativ.link.prevalence import COLUMNS
from tests.link.synth import make_link_data


def test_overall_share_counts_persons_once():
    d = make_link_data(n=200, seed=31)
    prev = prevalence(d["codings"], d["corpus"], group_by=["overall"], min_cell=None)
    row = prev.set_index(["theme_id", "valence"]).loc[("moedestabilitet", "concern")]
    cod = d["codings"]
    expected = cod[(cod.theme_id == "moedestabilitet") & (cod.valence == "concern")].person_id.nunique()
    assert row["n_persons"] == expected
    assert row["persons_total"] == d["corpus"].person_id.nunique()
    assert row["notes_total"] == len(d["corpus"])
    anyrow = prev.set_index(["theme_id", "valence"]).loc[("tolerance", "any")]
    assert anyrow["n_persons"] == cod[cod.theme_id == "tolerance"].person_id.nunique()
    assert list(prev.columns[: len(COLUMNS)]) == COLUMNS
    assert (prev["note_rule"] == "all notes (descriptive; the outcome is not used)").all()


def test_groups_and_zero_rows():
    d = make_link_data(n=200, seed=32)
    prev = prevalence(d["codings"], d["corpus"], min_cell=None)
    assert set(prev["group_by"]) == {"overall", "unit_id", "period", "source"}
    units = prev[(prev.group_by == "unit_id") & (prev.theme_id == "moedestabilitet") & (prev.valence == "strength")]
    assert len(units) == 0  # the pair never occurs in the codings
    per = prev[(prev.group_by == "period") & (prev.theme_id == "moedestabilitet") & (prev.valence == "any")]
    assert set(per["group_value"]) == {"2022/23", "2023/24"}


def test_suppression_primary_and_secondary():
    d = make_link_data(n=45, seed=33, theme_share=0.12)
    prev = prevalence(d["codings"], d["corpus"], min_cell=5)
    shown = prev[~prev["suppressed"]]
    for col in ("n_persons", "persons_total"):
        v = shown[col].dropna().astype(int)
        assert not ((v >= 1) & (v <= 4)).any(), col
    without = (shown["persons_total"] - shown["n_persons"]).astype(int)
    assert not ((without >= 1) & (without <= 4)).any()
    hidden = prev[prev["suppressed"]]
    assert len(hidden) and hidden[["n_persons", "share", "ci_low", "ci_high", "n_notes"]].isna().all().all()
    # secondary suppression: no theme × valence × grouping hides exactly one of several groups
    for _, group in prev[prev.group_by != "overall"].groupby(["theme_id", "valence", "group_by"]):
        if len(group) > 1:
            assert group["suppressed"].sum() != 1


def test_cutoff_limits_notes():
    d = make_link_data(n=100, seed=34)
    prev = prevalence(d["codings"], d["corpus"], group_by=["overall"], min_cell=None, cutoff="2023-01-01")
    expected = int((d["corpus"]["date"] < pd.Timestamp("2023-01-01")).sum())
    assert (prev["notes_total"] == expected).all()
    assert (prev["cutoff"] == "2023-01-01").all()


def test_under_a_landmark_prevalence_says_it_counts_everyone_the_associations_leave_out():
    """A statistician's review: with link.timing landmark the prevalence counted every person with
    a note before the landmark (213 in a trial) while the associations compared only those still
    there on it (153), yet prevalence said ``all_notes`` like any other run."""
    from kvalitativ.config import LinkConfig
    from kvalitativ.link.stage import link

    d = make_link_data(n=300, seed=3)
    landmark = "2023-08-01"
    # some pupils leave before the landmark: their notes before it stay in the picture
    ind = d["indicators"].copy()
    left = ind.index[ind["dropout"] == 1][:30]
    ind.loc[left, "outcome_date"] = pd.Timestamp("2023-03-01")
    tables = link(d["codings"], d["corpus"], ind, LinkConfig(timing="landmark", cutoff=landmark,
                                                             covariates=[], n_boot=0), min_cell=5)
    prev, assoc = tables["prevalence"], tables["associations"]
    notes = d["corpus"][pd.to_datetime(d["corpus"]["date"]) < pd.Timestamp(landmark)]
    overall = prev[prev["group_by"] == "overall"].iloc[0]
    assert overall["persons_total"] == notes["person_id"].nunique()  # everyone, also those who left
    compared = assoc[(assoc["indicator"] == "dropout") & ~assoc["suppressed"]].iloc[0]
    assert compared["n_with"] + compared["n_without"] < overall["persons_total"]
    assert set(prev["population"]) == {"all_notes_before_landmark"}
    rule = prev["note_rule"].iloc[0]
    assert rule.startswith(f"landmark {landmark}: notes dated before {landmark} of every person")
    assert f"also those whose outcome_date is before {landmark}" in rule
    assert set(assoc["population"]) == {"with_notes"}  # the compared persons keep their own label


def test_dated_prevalence_keeps_its_labels():
    d = make_link_data(n=120, seed=1)
    prev = prevalence(d["codings"], d["corpus"], min_cell=5, cutoff="2024-01-01")
    assert set(prev["population"]) == {"all_notes"}
    assert set(prev["note_rule"]) == {"notes dated before cutoff 2024-01-01; undated notes excluded "
                                      "(descriptive; the outcome is not used)"}
