"""Coverage of the odds-ratio intervals on many small synthetic datasets with a known truth.

If the 95 % intervals are honest, they cover the true odds ratio in about 95 % of datasets. With
200 datasets the binomial standard error is 1.5 points, so 0.90–0.99 is a ±3 SE band (the exact
conditional interval, used for small cells, is conservative by design: coverage ≥ 95 %).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.link import associations
from tests.link.synth import person_table

N_DATASETS = 200
TRUE_OR = 2.5


def _coverage(rows: list[tuple[float, float]], truth: float) -> float:
    lo = np.array([r[0] for r in rows])
    hi = np.array([r[1] for r in rows])
    return float(np.mean((lo <= truth) & (truth <= hi)))


def test_crude_odds_ratio_interval_covers_truth_about_95_percent():
    rng = np.random.default_rng(20240601)
    intervals, methods = [], []
    for _ in range(N_DATASETS):
        n = int(rng.integers(60, 250))  # small datasets: some cells fall under 5 → exact method
        x = (rng.random(n) < 0.25).astype(int)
        p = 1 / (1 + np.exp(-(np.log(0.15 / 0.85) + np.log(TRUE_OR) * x)))
        y = (rng.random(n) < p).astype(int)
        ind = pd.DataFrame({"person_id": [f"P{i:04d}" for i in range(n)], "dropout": y})
        row = associations(person_table(x), ind, min_cell=None).iloc[0]
        intervals.append((row["or_ci_low"], row["or_ci_high"]))
        methods.append(row["ci_method"])
    cover = _coverage(intervals, TRUE_OR)
    assert 0.90 <= cover <= 0.99, cover
    assert {"woolf", "exact_conditional"} <= set(methods)  # both methods were exercised


def test_adjusted_odds_ratio_interval_covers_truth_under_confounding():
    """Absence raises both the theme and dropout: the crude OR is biased, the adjusted one honest."""
    rng = np.random.default_rng(7)
    adjusted, crude = [], []
    for _ in range(N_DATASETS):
        n = 300
        z = rng.normal(size=n)
        gender = rng.choice(["pige", "dreng"], n)
        x = (rng.random(n) < 1 / (1 + np.exp(-(-1.0 + 1.2 * z)))).astype(int)
        logit = np.log(0.2 / 0.8) + np.log(TRUE_OR) * x + 1.0 * z + 0.3 * (gender == "dreng")
        y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
        ind = pd.DataFrame({"person_id": [f"P{i:04d}" for i in range(n)], "dropout": y,
                            "absence_z": z, "gender": gender})
        row = associations(person_table(x), ind, covariates=["absence_z", "gender"], min_cell=None).iloc[0]
        adjusted.append((row["aor_ci_low"], row["aor_ci_high"]))
        crude.append((row["or_ci_low"], row["or_ci_high"]))
    cover = _coverage(adjusted, TRUE_OR)
    assert 0.90 <= cover <= 0.99, cover
    assert _coverage(crude, TRUE_OR) < 0.6  # the confounding is real: the crude OR misses the truth
