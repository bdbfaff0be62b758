"""The statistical building blocks agree with the reference implementations they claim to use."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from scipy.stats.contingency import odds_ratio
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from kvalitativ.link import associations, prevalence, stats
from tests.link.synth import make_link_data, person_table


def test_bh_q_values_equal_statsmodels_over_the_whole_table():
    d = make_link_data(n=300, seed=3)
    from kvalitativ.link import person_themes

    pt = person_themes(d["codings"], d["corpus"], d["indicators"])
    table = associations(pt, d["indicators"], covariates=["absence_pct"], min_cell=None,
                         numeric_indicators=["absence_pct", "grade_avg"])
    tested = table["p_value"].notna()
    assert tested.sum() >= 6  # binary and numeric rows share one family
    expected = multipletests(table.loc[tested, "p_value"], method="fdr_bh")[1]
    np.testing.assert_allclose(table.loc[tested, "q_value"], expected)
    adj = table["adjusted_p_value"].notna()
    np.testing.assert_allclose(table.loc[adj, "adjusted_q_value"],
                               multipletests(table.loc[adj, "adjusted_p_value"], method="fdr_bh")[1])


def test_bh_family_includes_suppressed_rows():
    """Suppression hides rows after the q-values are computed: the family is every test made."""
    d = make_link_data(n=70, seed=12, theme_share=0.12)
    from kvalitativ.link import person_themes

    pt = person_themes(d["codings"], d["corpus"], d["indicators"])
    full = associations(pt, d["indicators"], min_cell=None, numeric_indicators=["grade_avg"])
    shown = associations(pt, d["indicators"], min_cell=5, numeric_indicators=["grade_avg"])
    assert shown["suppressed"].any()
    expected = pd.Series(multipletests(full["p_value"].dropna(), method="fdr_bh")[1],
                         index=full["p_value"].dropna().index)
    visible = ~shown["suppressed"] & shown["q_value"].notna()
    np.testing.assert_allclose(shown.loc[visible, "q_value"], expected[visible[visible].index])


def test_bh_keeps_missing_p_values_missing():
    q = stats.bh([0.01, np.nan, 0.04, 0.5])
    assert np.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2, 3]], multipletests([0.01, 0.04, 0.5], method="fdr_bh")[1])


def test_wilson_interval_equals_statsmodels_in_prevalence():
    d = make_link_data(n=120, seed=4)
    prev = prevalence(d["codings"], d["corpus"], group_by=["overall", "unit_id"], min_cell=None)
    assert len(prev) > 6
    lo, hi = proportion_confint(prev["n_persons"].astype(int), prev["persons_total"].astype(int),
                                alpha=0.05, method="wilson")
    np.testing.assert_allclose(prev["ci_low"], lo)
    np.testing.assert_allclose(prev["ci_high"], hi)
    np.testing.assert_allclose(prev["share"], prev["n_persons"] / prev["persons_total"])


def test_exact_conditional_odds_ratio_when_a_cell_is_zero():
    # 12 persons with the theme, none dropped out; 40 without, 10 dropped out
    x = np.r_[np.ones(12), np.zeros(40)].astype(int)
    y = np.r_[np.zeros(12), np.ones(10), np.zeros(30)].astype(int)
    ind = pd.DataFrame({"person_id": [f"P{i:04d}" for i in range(len(x))], "dropout": y})
    row = associations(person_table(x), ind).iloc[0]  # a zero cell is not suppressed (min_cell 5)
    assert not row["suppressed"]
    assert row["ci_method"] == "exact_conditional"
    ref = odds_ratio([[0, 12], [10, 30]], kind="conditional")
    ci = ref.confidence_interval(0.95)
    assert row["odds_ratio"] == pytest.approx(ref.statistic) == 0.0
    assert row["or_ci_low"] == pytest.approx(ci.low)
    assert row["or_ci_high"] == pytest.approx(ci.high)
    assert row["p_value"] == pytest.approx(sps.fisher_exact([[0, 12], [10, 30]]).pvalue)
    # the logistic regression cannot estimate this (separation): NA with the reason, no crash
    assert pd.isna(row["adjusted_odds_ratio"])
    assert "separation" in row["note"]


def test_woolf_interval_when_every_cell_is_large():
    out = stats.two_by_two(30, 20, 40, 110)
    assert out["ci_method"] == "woolf"
    log_or = math.log(30 * 110 / (20 * 40))
    se = math.sqrt(1 / 30 + 1 / 20 + 1 / 40 + 1 / 110)
    assert out["odds_ratio"] == pytest.approx(math.exp(log_or))
    assert out["or_ci_low"] == pytest.approx(math.exp(log_or - 1.959964 * se), rel=1e-5)
    assert out["or_ci_high"] == pytest.approx(math.exp(log_or + 1.959964 * se), rel=1e-5)
    assert out["risk_ratio"] == pytest.approx((30 / 50) / (40 / 150))
    assert out["rd_ci_low"] < out["risk_difference"] < out["rd_ci_high"]
    assert out["rr_ci_low"] < out["risk_ratio"] < out["rr_ci_high"]


def test_exact_method_also_for_small_nonzero_cell():
    assert stats.two_by_two(3, 20, 40, 110)["ci_method"] == "exact_conditional"


def test_welch_mean_difference_matches_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(10, 2, 30), rng.normal(8, 4, 50)
    out = stats.welch(a, b)
    ref = sps.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert out["mean_difference"] == pytest.approx(a.mean() - b.mean())
    assert (out["md_ci_low"], out["md_ci_high"]) == pytest.approx((ci.low, ci.high))
    assert out["p_value"] == pytest.approx(ref.pvalue)


def test_adjusted_or_with_categorical_covariates_matches_statsmodels_formula():
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(1)
    n = 400
    df = pd.DataFrame({"x": rng.integers(0, 2, n), "z": rng.normal(size=n),
                       "school": rng.choice(["A", "B", "C"], n)})
    logit = -1 + 0.8 * df["x"] + 0.5 * df["z"] + 0.4 * (df["school"] == "B")
    df["y"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    out = stats.adjusted_odds_ratio(df["x"], df["y"], df[["z", "school"]])
    ref = smf.logit("y ~ x + z + C(school)", df).fit(disp=0)
    assert out["adjusted_odds_ratio"] == pytest.approx(math.exp(ref.params["x"]), rel=1e-6)
    lo, hi = np.exp(ref.conf_int().loc["x"])
    assert (out["aor_ci_low"], out["aor_ci_high"]) == pytest.approx((lo, hi), rel=1e-6)
    assert out["adjusted_p_value"] == pytest.approx(ref.pvalues["x"], rel=1e-6)
    assert out["n_adjusted"] == n


def test_adjusted_or_drops_missing_covariates_and_flat_levels_with_a_note():
    rng = np.random.default_rng(2)
    n = 300
    z = rng.normal(size=n)
    z[:7] = np.nan
    school = rng.choice(["A", "B"], n).astype(object)
    school[-6:] = "Lille"  # a small school where nobody dropped out
    x = rng.integers(0, 2, n)
    y = (rng.random(n) < 0.3).astype(int)
    y[-6:] = 0
    out = stats.adjusted_odds_ratio(x, y, pd.DataFrame({"z": z, "school": school}))
    assert np.isfinite(out["adjusted_odds_ratio"])
    assert out["n_adjusted"] == n - 7 - 6
    assert "missing covariates" in out["adjusted_note"] and "Lille" in out["adjusted_note"]


def test_shared_design_refuses_a_theme_with_missing_values():
    """A covariate design shared across themes assumes every person has a theme value."""
    from kvalitativ.link.stats import adjusted_odds_ratio, covariate_design

    y = np.array([0, 1, 0, 1, 0, 1, 0, 0], dtype=float)
    design = covariate_design(None, y)
    with pytest.raises(ValueError, match="missing values"):
        adjusted_odds_ratio(np.array([1, 0, np.nan, 1, 0, 1, 0, 1]), y, None, design=design)
