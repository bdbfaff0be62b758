"""Small-cell suppression: primary, secondary (no recovery by subtraction), and the guard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvalitativ.errors import ConfigError, KvalitativError
from kvalitativ.privacy.suppress import SmallCellError, assert_no_small_cells, suppress_small_cells


def prevalence(counts: dict[str, list[int]]) -> pd.DataFrame:
    """A prevalence-shaped table: theme × group_by=unit_id × schools, with derived columns."""
    rows = []
    for theme, ns in counts.items():
        for k, n in enumerate(ns):
            rows.append({"run_id": "r1", "theme_id": theme, "valence": "concern", "group_by": "unit_id",
                         "group_value": f"skole{k}", "n_persons": n, "n_notes": n * 2, "share": n / 100,
                         "ci_low": max(n - 3, 0) / 100, "ci_high": (n + 3) / 100})
    return pd.DataFrame(rows)


def test_primary_suppression_blanks_counts_and_derived_values():
    df = prevalence({"trivsel": [0, 1, 4, 5, 30]})
    out = suppress_small_cells(df, ["n_persons"], threshold=5, by=[])
    assert out["suppressed"].tolist() == [False, True, True, False, False]
    hidden = out[out["suppressed"]]
    for col in ("n_persons", "n_notes", "share", "ci_low", "ci_high"):
        assert hidden[col].isna().all(), col
    # keys and the rows that stay keep their values
    assert hidden["group_value"].tolist() == ["skole1", "skole2"]
    assert out.loc[~out["suppressed"], "n_persons"].tolist() == [0, 5, 30]
    assert out.loc[4, "share"] == pytest.approx(0.30)
    assert str(out["n_persons"].dtype) == "Int64"


def test_secondary_suppression_stops_recovery_by_subtraction():
    # theme total is published elsewhere (e.g. 2 + 10 + 7 + 30 = 49 persons with the theme)
    df = prevalence({"trivsel": [2, 10, 7, 30]})
    total = int(df["n_persons"].sum())
    only_primary = suppress_small_cells(df, ["n_persons"], by=[])
    # the attack: total minus the shown cells gives the hidden one back exactly
    assert total - only_primary["n_persons"].sum() == 2
    out = suppress_small_cells(df, ["n_persons"], by=["theme_id", "valence", "group_by"])
    assert out["suppressed"].tolist() == [True, False, True, False]  # 7 is the next-smallest cell
    hidden_sum = total - out["n_persons"].sum()
    assert hidden_sum == 9 and out["suppressed"].sum() == 2  # 9 could be 2 + 7, 4 + 5, ...: nothing recovered


def test_default_grouping_is_every_key_but_group_value():
    df = prevalence({"trivsel": [2, 10, 7, 30], "motivation": [12, 20, 3, 0]})
    out = suppress_small_cells(df, ["n_persons"])  # by=None → theme × valence × group_by
    per_theme = out.groupby("theme_id")["suppressed"].sum().to_dict()
    assert per_theme == {"trivsel": 2, "motivation": 2}
    # the complementary cell is a positive count, not a 0 (a hidden 0 would still give the 3 away)
    mot = out[out["theme_id"] == "motivation"].set_index("group_value")
    assert mot.loc["skole3", "suppressed"] == False  # noqa: E712
    assert mot.loc["skole0", "suppressed"]
    assert_no_small_cells(out, ["n_persons"], 5, by=None)


def test_several_groupings_until_stable():
    # a 2 × 3 table published with row and column totals
    df = pd.DataFrame({"theme_id": ["a", "a", "a", "b", "b", "b"], "unit_id": ["x", "y", "z"] * 2,
                       "n_persons": [3, 20, 30, 25, 40, 50]})
    out = suppress_small_cells(df, ["n_persons"], by=[["theme_id"], ["unit_id"]])
    for keys in (["theme_id"], ["unit_id"]):
        assert (out.groupby(keys)["suppressed"].sum() != 1).all()
    assert out["suppressed"].sum() == 4


def test_more_than_one_small_cell_needs_no_extra_suppression():
    df = prevalence({"trivsel": [2, 3, 10, 30]})
    out = suppress_small_cells(df, ["n_persons"], by=None)
    assert out["suppressed"].tolist() == [True, True, False, False]


def test_associations_suppress_whole_row_on_either_count():
    df = pd.DataFrame({"theme_id": ["a", "b", "c"], "valence": ["concern"] * 3, "indicator": ["frafald"] * 3,
                       "n_with": [3, 40, 50], "n_without": [200, 2, 150], "rate_with": [0.3, 0.2, 0.1],
                       "odds_ratio": [2.0, 1.1, 0.9], "p_value": [0.01, 0.5, 0.7], "window_months": [15, 15, 15]})
    out = suppress_small_cells(df, ["n_with", "n_without"], threshold=5)
    assert out["suppressed"].tolist() == [True, True, False]
    assert out.loc[0, ["n_with", "n_without", "rate_with", "odds_ratio", "p_value"]].isna().all()
    assert out["window_months"].tolist() == [15, 15, 15]  # a parameter, not a value


def test_rows_already_suppressed_stay_suppressed():
    df = prevalence({"trivsel": [20, 10, 7, 30]}).assign(suppressed=[False, True, False, False])
    out = suppress_small_cells(df, ["n_persons"])
    assert out["suppressed"].tolist() == [False, True, True, False]


@pytest.mark.parametrize("threshold", [3, 4, 10])
def test_threshold_is_configurable(threshold):
    df = prevalence({"trivsel": [threshold - 1, threshold, 100]})
    out = suppress_small_cells(df, ["n_persons"], threshold=threshold, by=[])
    assert out["suppressed"].tolist() == [True, False, False]


@pytest.mark.parametrize("threshold", [2, 1, 0, -5, 4.5, "fem", None])
def test_threshold_below_three_or_not_whole_is_a_config_error(threshold):
    with pytest.raises(ConfigError, match="min_cell"):
        suppress_small_cells(prevalence({"a": [1]}), ["n_persons"], threshold=threshold)


def test_missing_count_column_is_an_error():
    with pytest.raises(KvalitativError, match="n_persons"):
        suppress_small_cells(pd.DataFrame({"x": [1]}), ["n_persons"])


def test_assert_no_small_cells():
    raw = prevalence({"trivsel": [2, 10, 7, 30]})
    with pytest.raises(SmallCellError, match="n_persons"):
        assert_no_small_cells(raw, ["n_persons"], 5, table="prevalence")
    with pytest.raises(AssertionError):  # usable as a plain test assertion too
        assert_no_small_cells(raw, "n_persons", 5)
    only_primary = suppress_small_cells(raw, ["n_persons"], by=[])
    assert_no_small_cells(only_primary, ["n_persons"], 5)  # counts alone are fine ...
    with pytest.raises(SmallCellError, match="exactly one suppressed"):  # ... but subtraction is not
        assert_no_small_cells(only_primary, ["n_persons"], 5, by=None)
    assert_no_small_cells(suppress_small_cells(raw, ["n_persons"]), ["n_persons"], 5, by=None)


def test_empty_table_and_input_not_changed():
    empty = prevalence({}).reindex(columns=["theme_id", "group_by", "group_value", "n_persons"])
    out = suppress_small_cells(empty, ["n_persons"])
    assert out.empty and "suppressed" in out.columns
    df = prevalence({"trivsel": [2, 10]})
    before = df.copy()
    suppress_small_cells(df, ["n_persons"])
    pd.testing.assert_frame_equal(df, before)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=6), min_size=1, max_size=5),
       st.integers(3, 10))
def test_property_no_small_cell_shown_and_no_lonely_suppression(groups, threshold):
    df = prevalence({f"t{i}": ns for i, ns in enumerate(groups)})
    out = suppress_small_cells(df, ["n_persons"], threshold=threshold)
    shown = out["n_persons"].dropna().to_numpy(dtype=float)
    assert not ((shown >= 1) & (shown < threshold)).any()
    lonely = out.groupby("theme_id")["suppressed"].agg(lambda s: s.sum() == 1 and len(s) > 1)
    assert not lonely.any()
    assert np.array_equal(out["suppressed"].to_numpy(), suppress_small_cells(df, ["n_persons"], threshold=threshold)["suppressed"].to_numpy())


def test_hidden_cells_that_hold_few_persons_between_them_get_a_partner():
    """Five small schools hidden on their own (1, 1, 0, 0, 0 pupils) still gave their sum away by
    subtraction: 2 pupils whose dropout and mean absence the municipal figure then published
    (a new user's trial). Hidden cells must hold at least the threshold between them."""
    df = pd.DataFrame({"theme_id": "t", "group_value": ["A", "B", "C", "D", "E", "F", "G"],
                       "n_persons": [1, 1, 0, 0, 0, 40, 60], "share": 0.5})
    out = suppress_small_cells(df, ["n_persons"], threshold=5, by=["theme_id"])
    assert out["suppressed"].tolist() == [True, True, False, False, False, True, False]
    hidden = df.loc[out["suppressed"], "n_persons"].sum()
    assert hidden >= 5  # the sum the others give away is no longer a small group
