"""Odds ratios that stay honest when a machine coded the themes: design-based supervised learning.

A machine coder's mistakes bias the theme → outcome odds ratio (usually towards 1) and its
interval ignores them. With hand codes for a sample of persons drawn with *known* inclusion
probabilities, the doubly robust moment correction of design-based supervised learning (DSL;
Egami, Hinck, Stewart & Wei 2023) — prediction-powered inference (Angelopoulos et al. 2023)
with unequal probabilities — removes the bias whatever the coder's quality: the logistic score
equations use a prediction of each person's theme for everyone, and the hand-coded persons
correct them, weighted by 1/π::

    Σ_i  g_i (y_i − σ(g_i β))  +  R_i/π_i · [x_i (y_i − σ(x_i β)) − g_i (y_i − σ(g_i β))]  =  0

x_i is the row [1, theme, covariates] with the hand-coded theme, g_i the same row with the
predicted theme, R_i = 1 when person i's notes were all hand-coded. The prediction g is the
machine presence recalibrated on the hand-coded persons (a weighted linear model of the true
theme on machine theme and outcome, as DSL's supervised step), cross-fitted over person folds
so no person's prediction was learned from that person. The prediction term is weighted by λ
(0: the hand-coded persons alone; 1: the equations above), chosen on a grid by the smallest
estimated variance, as PPI++ does, so a poor coder never costs more than ignoring it. The
variance is the sandwich J⁻¹ Var(ψ) J⁻ᵀ / n (Bernoulli sampling: conservative for draws
without replacement).

Why not ``ppi_py``: its logistic regression corrects a predicted *outcome*; here the predicted
variable is a regressor, and the sample may be drawn with unequal probabilities (the active
design of ``review export``). For a 2 × 2 table the two coincide, which the tests use.
Why hand-rolled Newton steps and not statsmodels: the estimating equations are not a
likelihood statsmodels offers, and the coverage simulation solves them tens of thousands of
times (a few milliseconds each here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: The method name written into the ``correction`` column.
METHOD = "dsl"
#: Person folds of the cross-fitted prediction step.
N_FOLDS = 5
#: The weights of the prediction term tried by power tuning (0 = hand-coded persons alone, 1 = DSL).
LAMBDAS = tuple(np.round(np.linspace(0.0, 1.0, 11), 2))
#: Fewer hand-coded persons than this, or fewer than this with (or without) the theme: no correction.
MIN_HUMAN = 10


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def fold_ids(n: int, n_folds: int = N_FOLDS, random_state: int = 0) -> np.ndarray:
    """A seeded fold number (0 … n_folds−1) per person, balanced."""
    rng = np.random.default_rng(random_state)
    return rng.permutation(np.arange(n) % n_folds)


def predict_theme(x_machine: np.ndarray, y: np.ndarray, x_human: np.ndarray, labelled: np.ndarray,
                  pi: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """DSL's supervised step: E[true theme | machine theme, outcome], cross-fitted.

    For each fold, a weighted (1/π) least-squares line of the hand-coded theme on [1, machine,
    outcome] is fitted on the hand-coded persons of the *other* folds and predicts the fold,
    clipped to [0, 1]. Any prediction keeps the estimator unbiased; a better one narrows it.
    """
    A = np.column_stack([np.ones(len(y)), x_machine, y])
    out = np.asarray(x_machine, dtype=float).copy()
    for k in np.unique(folds):
        train = labelled & (folds != k)
        if train.sum() < A.shape[1] + 2:
            continue
        w = np.sqrt(1.0 / pi[train])
        coef, *_ = np.linalg.lstsq(A[train] * w[:, None], x_human[train] * w, rcond=None)
        out[folds == k] = np.clip(A[folds == k] @ coef, 0.0, 1.0)
    return out


def _moments(beta, X, G, y, r, lam=1.0):
    """Per-person estimating functions ψ_i (n × p) and the mean Jacobian (p × p)."""
    pg = _sigmoid(G @ beta)
    ps = _sigmoid(X @ beta)
    psi = lam * G * (y - pg)[:, None] + r[:, None] * (X * (y - ps)[:, None] - lam * G * (y - pg)[:, None])
    wg = lam * (1.0 - r) * pg * (1.0 - pg)
    wx = r * ps * (1.0 - ps)
    jac = -((G * wg[:, None]).T @ G + (X * wx[:, None]).T @ X) / len(y)
    return psi, jac


def solve(X: np.ndarray, G: np.ndarray, y: np.ndarray, r: np.ndarray, beta0: np.ndarray, lam: float = 1.0,
          max_iter: int = 50, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray] | None:
    """Newton steps on the DSL logistic moment equations; (β, covariance) or None if they fail.

    ``X``: rows with the hand-coded theme (anything finite where not hand-coded, multiplied by
    r = R/π = 0 there); ``G``: rows with the predicted theme; ``r``: R_i/π_i; ``lam``: the weight
    of the prediction term (1: DSL/PPI; 0: the hand-coded persons alone, weighted by 1/π).
    """
    beta = np.asarray(beta0, dtype=float).copy()
    for _ in range(max_iter):
        psi, jac = _moments(beta, X, G, y, r, lam)
        try:
            step = np.linalg.solve(jac, psi.mean(axis=0))
        except np.linalg.LinAlgError:
            return None
        # damp large steps: the equations are not a concave likelihood far from the root
        scale = min(1.0, 2.0 / max(np.abs(step).max(), 1e-12))
        beta = beta - scale * step
        if not np.all(np.isfinite(beta)):
            return None
        if np.abs(step).max() < tol:
            break
    else:
        return None
    psi, jac = _moments(beta, X, G, y, r, lam)
    try:
        jinv = np.linalg.inv(jac)
    except np.linalg.LinAlgError:
        return None
    meat = psi.T @ psi / len(y)
    cov = jinv @ meat @ jinv.T / len(y)
    return beta, cov


def logit_fit(X: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None,
              max_iter: int = 50) -> tuple[np.ndarray, np.ndarray] | None:
    """Plain (weighted) logistic MLE by Newton (β, inverse-information covariance) — the naive fit
    of the simulation and the start of :func:`solve`; the associations table uses statsmodels."""
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    beta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        p = _sigmoid(X @ beta)
        info = (X * (w * p * (1 - p))[:, None]).T @ X
        try:
            step = np.linalg.solve(info, X.T @ (w * (y - p)))
        except np.linalg.LinAlgError:
            return None
        beta = beta + step
        if not np.all(np.isfinite(beta)) or np.abs(beta).max() > 30:
            return None
        if np.abs(step).max() < 1e-10:
            p = _sigmoid(X @ beta)
            return beta, np.linalg.inv((X * (w * p * (1 - p))[:, None]).T @ X)
    return None


@dataclass(frozen=True)
class Corrected:
    """The corrected odds ratio of the theme (column 1 of the design) with its Wald interval."""

    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    log_or: float
    se: float
    n_human: int
    lam: float = 1.0


def dsl_odds_ratio(y, x_machine, x_human, labelled, pi, covariates: np.ndarray | None = None, *,
                   alpha: float = 0.05, n_folds: int = N_FOLDS, random_state: int = 0,
                   calibrate: bool = True, lam: float | None = None) -> Corrected | str:
    """The DSL-corrected adjusted odds ratio of a binary theme for a binary outcome.

    Parameters
    ----------
    y : outcome 0/1 per person. x_machine : machine-coded presence 0/1 per person (for the
    hand-coded persons: from a coder that did not learn from them). x_human : hand-coded presence
    (read only where ``labelled``). labelled : the persons whose notes were all hand-coded.
    pi : each person's known probability of being hand-coded (read only where labelled).
    covariates : n × k float design of the adjustment (no constant), or None.
    calibrate : recalibrate the machine presence on the hand codes first (DSL's supervised step);
    False uses the machine presence as it is (plain prediction-powered inference).
    lam : the weight of the prediction term; None (default) picks it from :data:`LAMBDAS` by the
    smallest estimated variance of the theme's coefficient (power tuning, as PPI++), so a poor
    coder never makes the interval wider than the hand-coded persons alone would.

    Returns a :class:`Corrected`, or a short English reason why no corrected estimate exists.
    """
    y = np.asarray(y, dtype=float)
    xm = np.asarray(x_machine, dtype=float)
    lab = np.asarray(labelled, dtype=bool)
    xh = np.where(lab, np.nan_to_num(np.asarray(x_human, dtype=float)), 0.0)
    pi = np.where(lab, np.asarray(pi, dtype=float), 1.0)
    n_human = int(lab.sum())
    if n_human < MIN_HUMAN:
        return f"too few hand-coded persons ({n_human}; at least {MIN_HUMAN}) for a corrected estimate"
    if min(int(xh[lab].sum()), int((1 - xh[lab]).sum())) < MIN_HUMAN // 2:
        return "too few hand-coded persons with (or without) the theme for a corrected estimate"
    if np.any(pi[lab] <= 0) or np.any(pi[lab] > 1):
        return "inclusion probabilities must lie in (0, 1]"
    g = predict_theme(xm, y, xh, lab, pi, fold_ids(len(y), n_folds, random_state)) if calibrate else xm
    cov = np.zeros((len(y), 0)) if covariates is None else np.asarray(covariates, dtype=float)
    X = np.column_stack([np.ones(len(y)), xh, cov])
    G = np.column_stack([np.ones(len(y)), g, cov])
    r = np.where(lab, 1.0 / pi, 0.0)
    # start at the weighted fit on the hand-coded persons alone (λ = 0): consistent, so near every root
    start = logit_fit(X[lab], y[lab], r[lab]) or logit_fit(G, y)
    beta = start[0] if start else np.zeros(X.shape[1])
    fits = []
    for value in (LAMBDAS if lam is None else (lam,)):
        fit = solve(X, G, y, r, beta, value)
        if fit is not None:
            beta = fit[0]
            fits.append((fit[1][1, 1], value, fit))
    if not fits:
        return "corrected estimate did not converge"
    _, chosen, fit = min(fits, key=lambda f: f[0])
    beta, vcov = fit
    b, se = float(beta[1]), float(math.sqrt(max(vcov[1, 1], 0.0)))
    if not (np.isfinite(b) and np.isfinite(se)) or se == 0 or abs(b) > 15:
        return "corrected estimate unstable"
    z = stats.norm.ppf(1 - alpha / 2)
    p = float(2 * stats.norm.sf(abs(b) / se))
    return Corrected(math.exp(b), math.exp(b - z * se), math.exp(b + z * se), p, b, se, n_human, float(chosen))


__all__ = ["Corrected", "METHOD", "dsl_odds_ratio", "fold_ids", "logit_fit", "predict_theme", "solve"]
