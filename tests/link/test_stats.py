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
    # 24 persons with the theme, none dropped out; 40 without, 10 dropped out (a zero cell is not
    # suppressed; "none of them" among fewer than 20 would be: privacy.suppress.outcome_alike)
    x = np.r_[np.ones(24), np.zeros(40)].astype(int)
    y = np.r_[np.zeros(24), np.ones(10), np.zeros(30)].astype(int)
    ind = pd.DataFrame({"person_id": [f"P{i:04d}" for i in range(len(x))], "dropout": y})
    row = associations(person_table(x), ind).iloc[0]
    assert not row["suppressed"]
    assert row["ci_method"] == "exact_conditional"
    ref = odds_ratio([[0, 24], [10, 30]], kind="conditional")
    ci = ref.confidence_interval(0.95)
    assert row["odds_ratio"] == pytest.approx(ref.statistic) == 0.0
    assert row["or_ci_low"] == pytest.approx(ci.low)
    assert row["or_ci_high"] == pytest.approx(ci.high)
    assert row["p_value"] == pytest.approx(sps.fisher_exact([[0, 24], [10, 30]]).pvalue)
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


def _theme_is_a_covariate():
    """The concern is noted exactly for the pupils with special needs, which drive dropout."""
    rng = np.random.default_rng(0)
    n = 600
    special = (rng.random(n) < 0.15).astype(int)
    y = (rng.random(n) < np.where(special == 1, 0.5, 0.15)).astype(int)
    cov = pd.DataFrame({"absence_pct": rng.normal(8, 3, n), "special_needs": special})
    return special.copy(), y, cov


def test_a_theme_the_covariates_span_has_no_adjusted_or_and_no_covariate_is_dropped():
    x, y, cov = _theme_is_a_covariate()
    out = stats.adjusted_odds_ratio(x, y, cov)
    assert math.isnan(out["adjusted_odds_ratio"])
    assert "theme is collinear with the covariates" in out["adjusted_note"]
    assert "special_needs" not in (out["adjusted_note"] or "")


def test_a_crude_fallback_under_named_covariates_says_ujusteret():
    from kvalitativ.link import wording

    x, y, cov = _theme_is_a_covariate()
    pid = [f"P{i:03d}" for i in range(len(x))]
    from kvalitativ.link.persons import PersonThemes

    pt = PersonThemes.from_table(pd.DataFrame({"person_id": pid, "theme_id": "motivation", "valence": "concern",
                                               "present": x, "n_notes": x}))
    ind = pd.DataFrame({"person_id": pid, "dropout": y, **{c: cov[c].to_numpy() for c in cov.columns}})
    row = associations(pt, ind, outcome="dropout", covariates=list(cov.columns),
                       theme_labels={"motivation": "Motivation"}).iloc[0]
    assert "(ujusteret OR " in row["interpretation"] and "justeret OR" not in row["interpretation"].replace(
        "ujusteret OR", "")
    assert wording.leading_estimate({"odds_ratio": 2.0, "or_ci_low": 1.2, "or_ci_high": 3.0,
                                     "q_value": 0.01})["kind"] == "OR"  # no covariates named: plain OR


def test_a_failed_adjusted_model_leaves_a_sentence_that_says_ujusteret():
    from kvalitativ.link import wording

    row = {"valence": "concern", "covariates": "absence_pct", "adjusted_odds_ratio": float("nan"),
           "odds_ratio": 3.0, "or_ci_low": 1.5, "or_ci_high": 6.0, "q_value": 0.01}
    text = wording.binary_sentence(row, "Motivation", "dropout")
    assert "faldt oftere fra (ujusteret OR 3,0; 95 % KI 1,5–6,0)" in text


def test_many_comparisons_are_blamed_only_where_the_test_alone_was_clear():
    from kvalitativ.link import wording

    # Woolf's interval clears 1 but Fisher's p does not: one test, so "many comparisons" is not why
    row = {"valence": "concern", "odds_ratio": 2.92, "or_ci_low": 1.003, "or_ci_high": 8.51,
           "p_value": 0.0859, "q_value": 0.0859}
    assert "sammenligninger" not in wording.binary_sentence(row, "Motivation", "dropout")
    # p below 0.05, q above: the comparisons are the reason, and the sentence says so
    row.update(p_value=0.01, q_value=0.2)
    assert "q 0,200: ikke tydelig blandt så mange sammenligninger" in wording.binary_sentence(
        row, "Motivation", "dropout")


def test_a_covariate_called_theme_does_not_take_the_themes_coefficient():
    """The theme's column is the last one; names.index('theme') found a covariate of that name
    first (a review: true OR e ≈ 2.7 read 0.97)."""
    rng = np.random.default_rng(3)
    n = 2000
    x = rng.integers(0, 2, n)
    other = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1 + 1.0 * x + 0.3 * other)))).astype(int)
    frame = pd.DataFrame({"theme": other, "absence": other})
    named_theme = stats.adjusted_odds_ratio(x, y, frame[["theme"]])
    named_other = stats.adjusted_odds_ratio(x, y, frame[["absence"]])
    assert named_theme["adjusted_odds_ratio"] == pytest.approx(named_other["adjusted_odds_ratio"])
    assert 2.0 < named_theme["adjusted_odds_ratio"] < 3.6
