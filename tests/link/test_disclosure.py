"""Disclosure by difference and by the whole group: a hidden valence row is not ``any`` minus the
others, and a small cell where everyone had the outcome (or, for a sensitive theme, the theme)
is hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.link.associations import associations
from kvalitativ.link.persons import PersonThemes, person_themes
from kvalitativ.link.prevalence import prevalence


def _strength_few(n: int = 400):
    """60 persons with a concern about substance use, 3 with a strength (2 of them dropped out)."""
    rng = np.random.default_rng(0)
    notes, cod, y = [], [], rng.random(n) < 0.2
    for i in range(n):
        pid = f"P{i:03d}"
        notes.append({"note_id": pid, "person_id": pid, "date": pd.Timestamp("2023-01-01"), "unit_id": "Skole A"})
        if i < 63:
            cod.append({"note_id": pid, "theme_id": "misbrug", "valence": "concern" if i < 60 else "strength"})
    y[60:63] = [True, True, False]
    ind = pd.DataFrame({"person_id": [f"P{i:03d}" for i in range(n)], "dropout": y.astype(int),
                        "outcome_date": pd.Timestamp("2024-06-01")})
    return pd.DataFrame(notes), pd.DataFrame(cod), ind


def _one_hidden(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Groups of ``keys`` holding exactly one suppressed row (recoverable by subtraction)."""
    hidden = table.groupby(keys)["suppressed"].agg(["sum", "size"])
    return hidden[(hidden["sum"] == 1) & (hidden["size"] > 1)]


def test_a_hidden_valence_row_is_not_any_minus_the_others_in_associations():
    corpus, codings, ind = _strength_few()
    table = associations(person_themes(codings, corpus, ind), ind)
    rows = table.set_index("valence")
    assert rows.loc["strength", "suppressed"]
    assert rows.loc["concern", "suppressed"], "any − concern would give the hidden strength row"
    assert _one_hidden(table, ["theme_id", "indicator"]).empty


def test_a_hidden_valence_row_is_not_any_minus_the_others_in_prevalence():
    corpus, codings, _ = _strength_few()
    table = prevalence(codings, corpus, group_by=["overall", "unit_id"])
    assert table.loc[table["valence"] == "strength", "suppressed"].all()
    assert _one_hidden(table, ["theme_id", "group_by", "group_value"]).empty
    assert _one_hidden(table, ["theme_id", "valence", "group_by"]).empty


def _everyone_dropped_out(n_theme: int):
    x = [1] * n_theme + [0] * 200
    y = [1] * n_theme + [1 if i % 5 == 0 else 0 for i in range(200)]
    pid = [f"P{i:03d}" for i in range(len(x))]
    pt = PersonThemes.from_table(pd.DataFrame({"person_id": pid, "theme_id": "misbrug", "valence": "concern",
                                               "present": x, "n_notes": x}))
    return associations(pt, pd.DataFrame({"person_id": pid, "dropout": y}), outcome="dropout")


def test_a_small_cell_where_everyone_had_the_outcome_is_hidden():
    row = _everyone_dropped_out(6).iloc[0]
    assert row["suppressed"] and pd.isna(row["events_with"]) and pd.isna(row["rate_with"])
    assert not _everyone_dropped_out(20).iloc[0]["suppressed"]  # 4 × min_cell and up: published


def _all_at_small_school():
    notes = pd.DataFrame({"note_id": [f"N{i}" for i in range(206)], "person_id": [f"P{i}" for i in range(206)],
                          "unit_id": ["Lille Skole"] * 6 + ["Store Skole"] * 200})
    codings = pd.DataFrame({"note_id": [f"N{i}" for i in range(6)] + [f"N{i}" for i in range(40, 70)],
                            "theme_id": ["misbrug"] * 6 + ["motivation"] * 30, "valence": "concern"})
    return codings, notes


def test_a_sensitive_theme_held_by_everyone_in_a_small_group_is_hidden():
    codings, notes = _all_at_small_school()
    table = prevalence(codings, notes, group_by=["unit_id"], sensitive={"misbrug"})
    small = table[(table["theme_id"] == "misbrug") & (table["group_value"] == "Lille Skole")]
    assert small["suppressed"].all() and small["share"].isna().all()
    # a theme not marked sensitive is published as before
    plain = prevalence(codings, notes, group_by=["unit_id"])
    assert not plain.loc[(plain["theme_id"] == "misbrug") & (plain["group_value"] == "Lille Skole"),
                         "suppressed"].any()


def test_the_link_stage_takes_sensitive_themes_from_the_themes_table():
    from kvalitativ.link.stage import sensitive_theme_ids

    themes = pd.DataFrame({"theme_id": ["misbrug", "motivation", "topic_3"], "sensitive": [True, False, None],
                           "origin": ["codebook", "codebook", "discovered"]})
    assert sensitive_theme_ids(themes) == {"misbrug", "topic_3"}
    assert sensitive_theme_ids(None) == frozenset()


def test_an_outcome_cell_where_no_one_had_the_outcome_is_hidden_like_one_where_everyone_did():
    """'0 of 9 with the concern dropped out' says it of each of the 9 (a new user's trial; the
    coding of an outcome, dropout or reached_goal, decides which way round it is)."""
    from kvalitativ.privacy.suppress import outcome_alike

    assert outcome_alike([0, 9, 3, 0], [9, 9, 9, 25], 5).tolist() == [True, True, False, False]
