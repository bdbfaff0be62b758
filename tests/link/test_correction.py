"""The DSL correction for coding error: a case worked by hand, agreement with ppi_py, coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kvalitativ.link.correction import dsl_odds_ratio, fold_ids, logit_fit, predict_theme, solve


def _hand_case():
    """100 persons, the even half hand-coded (π = 1/2). Counts by (true x, machine x̂, outcome y).

    Machine 2 × 2 over everyone (x̂, y): (1,1) 10, (1,0) 20, (0,1) 10, (0,0) 60.
    Hand-coded persons (x, x̂, y: count): (1,1,1) 4, (1,0,1) 2, (0,1,1) 1, (0,0,1) 3,
    (1,1,0) 6, (1,0,0) 2, (0,1,0) 4, (0,0,0) 28. The others: (x̂, y) (1,1) 5, (1,0) 10, (0,1) 5, (0,0) 30.
    """
    labelled = [(1, 1, 1, 4), (1, 0, 1, 2), (0, 1, 1, 1), (0, 0, 1, 3),
                (1, 1, 0, 6), (1, 0, 0, 2), (0, 1, 0, 4), (0, 0, 0, 28)]
    others = [(1, 1, 5), (1, 0, 10), (0, 1, 5), (0, 0, 30)]
    x, xm, y, lab = [], [], [], []
    for xi, xmi, yi, k in labelled:
        x += [xi] * k
        xm += [xmi] * k
        y += [yi] * k
        lab += [True] * k
    for xmi, yi, k in others:
        x += [0] * k  # never read: these persons were not hand-coded
        xm += [xmi] * k
        y += [yi] * k
        lab += [False] * k
    return (np.array(x, float), np.array(xm, float), np.array(y, float), np.array(lab))


def test_hand_worked_case_is_the_log_odds_ratio_of_the_corrected_table():
    # By hand: each cell of the machine table, corrected by 1/π × (hand − machine) among the hand-coded:
    # N11 = 10 + 2·(6 − 5) = 12; N10 = 20 + 2·(8 − 10) = 16; N01 = 10 + 2·(4 − 5) = 8; N00 = 60 + 2·(32 − 30) = 64,
    # so OR = 12·64 / (16·8) = 6 (the machine table alone gives 10·60 / (20·10) = 3).
    x, xm, y, lab = _hand_case()
    res = dsl_odds_ratio(y, xm, x, lab, np.full(len(y), 0.5), calibrate=False, lam=1.0)
    assert res.odds_ratio == pytest.approx(6.0, rel=1e-9)
    assert res.n_human == 50
    naive = logit_fit(np.column_stack([np.ones(len(y)), xm]), y)
    assert math.exp(naive[0][1]) == pytest.approx(3.0, rel=1e-9)
    assert res.ci_low < 6.0 < res.ci_high and res.ci_high / res.ci_low > 1


def test_solve_on_the_hand_case_directly():
    x, xm, y, lab = _hand_case()
    r = np.where(lab, 2.0, 0.0)
    beta, cov = solve(np.column_stack([np.ones(len(y)), x]), np.column_stack([np.ones(len(y)), xm]), y, r,
                      np.zeros(2))
    assert beta[1] == pytest.approx(math.log(6.0), abs=1e-9)
    assert beta[0] == pytest.approx(math.log(8 / 64), abs=1e-9)  # the corrected odds without the theme
    assert np.all(np.linalg.eigvalsh(cov) > 0)


def _ppi_data(seed: int, n: int = 900, k: int = 225):
    rng = np.random.default_rng(seed)
    x = (rng.random(n) < 0.2).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2 + 0.8 * x)))).astype(float)
    xm = np.where(rng.random(n) < 0.2, 1 - x, x)
    lab = np.zeros(n, dtype=bool)
    lab[rng.choice(n, k, replace=False)] = True
    return x, xm, y, lab, np.full(n, k / n)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agrees_with_ppi_python_where_both_apply(seed):
    """ppi_py (Angelopoulos et al.) corrects a predicted *outcome*; the odds ratio of a 2 × 2 table
    is the same read either way, so PPI's logistic regression of the theme on the outcome (λ = 1,
    every person in the "unlabelled" term) must give our log odds ratio of the outcome on the theme."""
    ppi_py = pytest.importorskip("ppi_py")
    x, xm, y, lab, pi = _ppi_data(seed)
    ours = dsl_odds_ratio(y, xm, x, lab, pi, calibrate=False, lam=1.0)
    features = np.column_stack([np.ones(len(y)), y])
    theirs = ppi_py.ppi_logistic_pointestimate(features[lab], x[lab], xm[lab], features, xm, lam=1,
                                               optimizer_options={"ftol": 1e-15, "gtol": 1e-12})
    assert ours.log_or == pytest.approx(theirs[1], abs=1e-6)


def test_prediction_step_never_learns_a_person_from_itself():
    rng = np.random.default_rng(0)
    n = 400
    xm = (rng.random(n) < 0.3).astype(float)
    y = (rng.random(n) < 0.2).astype(float)
    lab = rng.random(n) < 0.3
    x = xm.copy()
    folds = fold_ids(n, 5, 0)
    base = predict_theme(xm, y, x, lab, np.full(n, 0.3), folds)
    # changing one hand-coded person's own label must not move that person's prediction
    i = int(np.flatnonzero(lab)[0])
    x2 = x.copy()
    x2[i] = 1 - x2[i]
    moved = predict_theme(xm, y, x2, lab, np.full(n, 0.3), folds)
    assert moved[i] == base[i]
    assert not np.allclose(moved[folds != folds[i]], base[folds != folds[i]])


def test_too_few_hand_codes_is_a_reason_not_a_number():
    x, xm, y, lab, pi = _ppi_data(4)
    few = lab & (np.cumsum(lab) <= 5)
    assert "too few" in dsl_odds_ratio(y, xm, x, few, pi)


def _simulate(rng, true_or, n=900, share=0.25, unequal=False):
    """Persons with 1–10 notes, a theme in some of them, a coder with note-level errors, a covariate."""
    notes = rng.integers(1, 11, n)
    z = rng.standard_normal(n)
    x = (rng.random(n) < 1 / (1 + np.exp(-(-1.4 + 0.4 * z)))).astype(float)
    eta = -1.9 + math.log(true_or) * x + 0.5 * z
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    owner = np.repeat(np.arange(n), notes)
    true_note = (rng.random(len(owner)) < 0.4) & (x[owner] == 1)
    true_note[np.r_[0, np.cumsum(notes)[:-1]][x == 1]] = True
    machine = np.where(true_note, rng.random(len(owner)) > 0.45, rng.random(len(owner)) < 0.04)
    xm = (np.bincount(owner, weights=machine, minlength=n) > 0).astype(float)
    pi = np.where(xm == 1, 0.5, 0.15) if unequal else np.full(n, share)
    lab = rng.random(n) < pi
    return y, z, x, xm, lab, pi


@pytest.mark.parametrize("unequal", [False, True])
def test_coverage_of_the_corrected_interval_where_the_naive_one_fails(unequal):
    """Seeded datasets with a coder of note-level kappa ≈ 0.5 and a true OR of 2.5: the corrected
    95 % interval covers the truth near 95 % of the time (loose bound for 150 datasets), the naive
    one far less. With unequal probabilities (persons the machine flags drawn more often), the
    weights 1/π keep it right. The full grid is scripts/benchmarks/bench_link_correction.py."""
    true_or, covered, naive_covered, done = 2.5, 0, 0, 0
    for rep in range(150):
        y, z, x, xm, lab, pi = _simulate(np.random.default_rng([7, rep]), true_or, unequal=unequal)
        res = dsl_odds_ratio(y, xm, x, lab, pi, z[:, None], random_state=rep)
        naive = logit_fit(np.column_stack([np.ones(len(y)), xm, z]), y)
        if isinstance(res, str) or naive is None:
            continue
        done += 1
        covered += res.ci_low <= true_or <= res.ci_high
        b, se = naive[0][1], math.sqrt(naive[1][1, 1])
        naive_covered += abs(b - math.log(true_or)) <= 1.96 * se
    assert done >= 140
    assert covered / done >= 0.88
    assert naive_covered / done <= 0.75
