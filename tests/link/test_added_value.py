"""Added value: cross-validated AUC of the numbers alone vs numbers + themes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from kvalitativ.link import added_value, person_themes
from kvalitativ.link.added_value import COLUMNS, _fast_auc
from tests.link.synth import make_link_data


def _pt(seed=41, **kw):
    d = make_link_data(n=500, seed=seed, **kw)
    return d, person_themes(d["codings"], d["corpus"], d["indicators"])


def test_themes_add_value_when_they_carry_signal_the_numbers_lack():
    d, pt = _pt(odds_ratio=4.0)
    table = added_value(pt, d["indicators"], quantitative=["absence_pct", "grade_avg", "gender"], n_boot=300)
    assert list(table["model"]) == ["quantitative", "quantitative+themes", "difference"]
    assert list(table.columns) == COLUMNS
    base, full, diff = (table.iloc[i] for i in range(3))
    assert full["auc"] > base["auc"]
    assert diff["auc"] == full["auc"] - base["auc"]
    assert diff["ci_low"] > 0  # the bootstrap interval of the gain excludes zero
    for row in (base, full, diff):
        assert row["ci_low"] <= row["auc"] <= row["ci_high"]
    assert "ikke årsag" in base["interpretation"]
    assert (table["n_persons"] == pt.n_persons).all()  # persons with and without themes


def test_no_gain_when_themes_are_noise_and_results_are_deterministic():
    d, pt = _pt(odds_ratio=1.0, seed=42)
    a = added_value(pt, d["indicators"], quantitative=["absence_pct"], n_boot=200, random_state=3)
    b = added_value(pt, d["indicators"], quantitative=["absence_pct"], n_boot=200, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    diff = a.iloc[2]
    assert diff["ci_low"] < 0.02  # no real gain


def test_fast_auc_equals_sklearn_with_ties():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.random(300), 1)
    assert _fast_auc(y, s) == np.float64(roc_auc_score(y, s)) or abs(_fast_auc(y, s) - roc_auc_score(y, s)) < 1e-12


def test_too_few_events_is_suppressed_not_computed():
    d = make_link_data(n=60, seed=43, base_rate=0.03, odds_ratio=1.0)
    pt = person_themes(d["codings"], d["corpus"], d["indicators"])
    table = added_value(pt, d["indicators"], quantitative=["absence_pct"], n_boot=50)
    assert table["auc"].isna().all()
    assert table["note"].notna().all()


def test_bootstrap_aucs_equal_the_rank_auc_of_each_resample_bit_for_bit():
    """The counting bootstrap gives exactly the AUCs of ranking every resample (ties included)."""
    from kvalitativ.link.added_value import _bootstrap_aucs, _fast_auc

    rng0 = np.random.default_rng(3)
    y = (rng0.random(400) < 0.2).astype(int)
    tied, smooth = np.round(rng0.random(400), 1), rng0.random(400)
    got = _bootstrap_aucs(y, [tied, smooth], 100, 11)
    rng, expected = np.random.default_rng(11), []
    for _ in range(100):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].min() != y[idx].max():
            expected.append((_fast_auc(y[idx], tied[idx]), _fast_auc(y[idx], smooth[idx])))
    assert np.array_equal(got, np.array(expected)) and len(got) == 100
