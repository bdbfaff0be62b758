"""Linking stays proportional to the codings when discovery adds many topics.

At 100,000 notes discovery found 1,700 topics; a person × theme × valence grid then held
21,680 × 3,350 = 73 million rows and the link and summarize stages needed 20 GB. These tests
pin the shapes that keep it linear (rows per coding, a sparse presence matrix), and check
that the faster paths give the same numbers as the straightforward ones.
"""

from __future__ import annotations

import numpy as np
import pytest
import pandas as pd
from pandas.testing import assert_frame_equal
from scipy import sparse

from kvalitativ.link import PersonThemes, associations, person_themes
from kvalitativ.link import stats
from kvalitativ.link.presence import presence
from tests.link.synth import make_link_data


def _many_topics(n: int = 1500, n_topics: int = 300, per_topic: int = 6, seed: int = 4) -> dict:
    """make_link_data plus ``n_topics`` discovered topics (no valence), each on ``per_topic`` persons."""
    d = make_link_data(n=n, seed=seed)
    rng = np.random.default_rng(seed)
    ids = d["indicators"]["person_id"].to_numpy()
    rows = [{"note_id": f"{p}-N0", "person_id": p, "theme_id": f"topic_{t}", "valence": None}
            for t in range(n_topics) for p in rng.choice(ids, per_topic, replace=False)]
    topics = pd.DataFrame(rows).assign(segment_id=0, start=0, end=10, score=0.5, method="topic", run_id="r0")
    topics["valence"] = topics["valence"].astype("string")
    return {**d, "codings": pd.concat([d["codings"], topics], ignore_index=True)}


def test_person_themes_rows_grow_with_the_codings_not_with_persons_times_themes():
    d = _many_topics()
    pt = person_themes(d["codings"], d["corpus"], d["indicators"])
    n_persons, n_pairs = pt.n_persons, len(pt.table[["theme_id", "valence"]].drop_duplicates())
    assert n_pairs > 600 and n_persons > 1000  # a grid would be ~1 million rows
    assert len(pt.table) <= 2 * len(d["codings"])  # one row per coded person × theme × valence (+ "any")
    assert (pt.table["present"] == 1).all() and (pt.table["n_notes"] >= 1).all()
    assert not pt.table.duplicated(["person_id", "theme_id", "valence"]).any()


def test_presence_is_sparse_and_equals_the_pivot_of_the_table():
    d = _many_topics(n=300, n_topics=40)
    for population in ("with_notes", "all"):
        pt = person_themes(d["codings"], d["corpus"], d["indicators"], population=population)
        pres = presence(pt)
        assert isinstance(pres.matrix, sparse.sparray) and pres.matrix.nnz == len(pt.table)
        ref = pt.table.pivot_table(index="person_id", columns=["theme_id", "valence"], values="present", aggfunc="max",
                             fill_value=0, observed=True)
        ref = ref.reindex(pd.Index(list(pt.persons), name="person_id"), fill_value=0)
        ref.index = ref.index.astype(str)
        assert_frame_equal(pres.dense(), ref.sort_index(axis=1).astype("int64"))


def test_presence_of_a_full_grid_table_keeps_its_zero_columns():
    """A hand-made table with 0 rows (the old, full layout) still gives every column it names."""
    table = pd.DataFrame({"person_id": ["a", "b", "a", "b"], "theme_id": ["t", "t", "u", "u"],
                          "valence": "any", "present": [1, 0, 0, 0], "n_notes": [2, 0, 0, 0]})
    wide = presence(PersonThemes.from_table(table)).dense()
    assert list(wide.columns) == [("t", "any"), ("u", "any")]
    assert wide.to_numpy().tolist() == [[1, 0], [0, 0]]


def test_associations_work_out_each_distinct_column_once_with_the_same_numbers():
    d = _many_topics(n=400, n_topics=30, per_topic=40)
    pt = person_themes(d["codings"], d["corpus"], d["indicators"])
    table = associations(pt, d["indicators"], covariates=["absence_pct", "gender"],
                         numeric_indicators=["absence_pct"], min_cell=None)
    key = ["theme_id", "indicator"]
    topics = table[table["theme_id"].str.startswith("topic_")]
    any_rows = topics[topics["valence"] == "any"].set_index(key).drop(columns=["valence", "interpretation"])
    neutral = topics[topics["valence"] == "neutral"].set_index(key).drop(columns=["valence", "interpretation"])
    assert len(any_rows) == 60
    assert_frame_equal(any_rows, neutral.loc[any_rows.index])  # same persons, same numbers
    # and each row is what the building blocks give for that column alone
    x = presence(pt).dense([("topic_3", "any")]).iloc[:, 0]
    ind = d["indicators"].set_index("person_id").loc[x.index]
    y = ind["dropout"].to_numpy()
    adj = stats.adjusted_odds_ratio(x.to_numpy(), y, ind[["absence_pct", "gender"]])
    row = any_rows.loc[("topic_3", "dropout")]
    assert row["adjusted_odds_ratio"] == adj["adjusted_odds_ratio"]
    assert row["p_value"] == stats.two_by_two(*_cells(x.to_numpy(), y))["p_value"]


def _cells(x, y):
    return ((x == 1) & (y == 1)).sum(), ((x == 1) & (y == 0)).sum(), ((x == 0) & (y == 1)).sum(), \
        ((x == 0) & (y == 0)).sum()


def test_a_shared_covariate_design_gives_the_same_adjusted_odds_ratio():
    rng = np.random.default_rng(5)
    n = 300
    cov = pd.DataFrame({"z": rng.normal(size=n), "school": rng.choice(["A", "B", "C"], n)})
    cov.loc[:4, "z"] = np.nan
    y = (rng.random(n) < 0.3).astype(int)
    design = stats.covariate_design(cov, y)
    for seed in range(3):
        x = np.random.default_rng(seed).integers(0, 2, n)
        assert stats.adjusted_odds_ratio(x, y, cov, design=design) == stats.adjusted_odds_ratio(x, y, cov)


def test_presence_refuses_a_bare_table_whose_population_it_cannot_know():
    """Persons without any theme have no row: from the table alone the population would shrink
    silently (and every denominator with it), so only the typed join is accepted."""
    d = make_link_data(n=120, seed=3)
    pt = person_themes(d["codings"], d["corpus"], d["indicators"], population="all")
    assert pt.n_persons > pt.table["person_id"].nunique()  # some persons have no theme at all
    with pytest.raises(TypeError, match="PersonThemes"):
        presence(pt.table)
    assert presence(pt).matrix.shape[0] == pt.n_persons
