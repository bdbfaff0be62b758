"""Small statistical building blocks for the linking tables (scipy/statsmodels underneath).

Each function takes plain counts or arrays and returns a dict of named numbers, so the table
code stays readable and every method choice is made (and named) in one place.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import odds_ratio as _scipy_odds_ratio
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

Z95 = stats.norm.ppf(0.975)

#: Below this many persons in any cell of the 2 × 2 table the odds ratio uses the exact method.
EXACT_BELOW = 5


def two_by_two(a: int, b: int, c: int, d: int, alpha: float = 0.05) -> dict:
    """Crude comparison of a binary outcome between persons with (a events, b non-events) and
    without (c events, d non-events) a theme.

    Risk difference: Newcombe's hybrid score interval; risk ratio: log interval with a 0.5
    adjustment (Koopman-style 'log-adjusted' of statsmodels) so empty cells still give an
    interval; odds ratio: Woolf (Wald on the log scale) when every cell holds at least
    ``EXACT_BELOW`` persons, else the conditional MLE with its exact interval (scipy, the
    interval that inverts Fisher's test). p-value: Fisher's exact test (two-sided), valid at
    any sample size.
    """
    a, b, c, d = (int(v) for v in (a, b, c, d))
    n1, n0 = a + b, c + d
    out = {
        "n_with": n1, "n_without": n0, "events_with": a, "events_without": c,
        "rate_with": np.nan, "rate_without": np.nan,
        "risk_difference": np.nan, "rd_ci_low": np.nan, "rd_ci_high": np.nan,
        "risk_ratio": np.nan, "rr_ci_low": np.nan, "rr_ci_high": np.nan,
        "odds_ratio": np.nan, "or_ci_low": np.nan, "or_ci_high": np.nan,
        "ci_method": None, "p_value": np.nan, "p_method": None,
    }
    if n1 == 0 or n0 == 0:
        return out
    p1, p0 = a / n1, c / n0
    out.update(rate_with=p1, rate_without=p0, risk_difference=p1 - p0)
    lo, hi = confint_proportions_2indep(a, n1, c, n0, method="newcomb", compare="diff", alpha=alpha)
    out.update(rd_ci_low=float(lo), rd_ci_high=float(hi))
    if p0 > 0:
        out["risk_ratio"] = p1 / p0
    lo, hi = confint_proportions_2indep(a, n1, c, n0, method="log-adjusted", compare="ratio", alpha=alpha)
    out.update(rr_ci_low=float(lo), rr_ci_high=float(hi))
    table = [[a, b], [c, d]]
    if min(a, b, c, d) < EXACT_BELOW:
        res = _scipy_odds_ratio(table, kind="conditional")
        ci = res.confidence_interval(confidence_level=1 - alpha)
        out.update(odds_ratio=float(res.statistic), or_ci_low=float(ci.low), or_ci_high=float(ci.high),
                   ci_method="exact_conditional")
    else:
        log_or = math.log(a * d / (b * c))
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        z = stats.norm.ppf(1 - alpha / 2)
        out.update(odds_ratio=math.exp(log_or), or_ci_low=math.exp(log_or - z * se),
                   or_ci_high=math.exp(log_or + z * se), ci_method="woolf")
    out["p_value"] = float(stats.fisher_exact(table, alternative="two-sided").pvalue)
    out["p_method"] = "fisher_exact"
    return out


def welch(with_values, without_values, alpha: float = 0.05) -> dict:
    """Mean difference (with − without) with Welch's t interval and p-value (unequal variances)."""
    x = np.asarray(with_values, dtype=float)
    y = np.asarray(without_values, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    out = {"n_with": len(x), "n_without": len(y), "mean_with": np.nan, "mean_without": np.nan,
           "mean_difference": np.nan, "md_ci_low": np.nan, "md_ci_high": np.nan,
           "p_value": np.nan, "p_method": None, "note": None}
    if len(x):
        out["mean_with"] = float(x.mean())
    if len(y):
        out["mean_without"] = float(y.mean())
    if len(x) and len(y):
        out["mean_difference"] = out["mean_with"] - out["mean_without"]
    if len(x) < 2 or len(y) < 2:
        out["note"] = "fewer than 2 values in a group: no interval"
        return out
    if x.var(ddof=1) == 0 and y.var(ddof=1) == 0:
        out["note"] = "no variation in either group: no interval"
        return out
    res = stats.ttest_ind(x, y, equal_var=False)
    ci = res.confidence_interval(confidence_level=1 - alpha)
    out.update(md_ci_low=float(ci.low), md_ci_high=float(ci.high), p_value=float(res.pvalue),
               p_method="welch_t")
    return out


def wilson(count, nobs, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for shares (vectorised; NaN where nobs is 0)."""
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    lo = np.full(count.shape, np.nan)
    hi = np.full(count.shape, np.nan)
    ok = nobs > 0
    if ok.any():
        lo[ok], hi[ok] = proportion_confint(count[ok], nobs[ok], alpha=alpha, method="wilson")
    return lo, hi


def bh(p_values) -> np.ndarray:
    """Benjamini–Hochberg q-values over every non-missing p-value (NaN stays NaN)."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return q


def bh_within(p_values, families) -> np.ndarray:
    """:func:`bh` inside each family of tests (e.g. the codebook's themes and the discovered
    topics): an exploratory family's many tests do not dilute a confirmatory family's q-values."""
    p = np.asarray(p_values, dtype=float)
    fam = np.asarray(families, dtype=object)
    q = np.full(p.shape, np.nan)
    for f in dict.fromkeys(fam.tolist()):
        rows = fam == f
        q[rows] = bh(p[rows])
    return q


def _design(covariates: pd.DataFrame, y: np.ndarray) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Covariates as a float design: categorical columns one-hot (drop_first).

    Persons in a level of a categorical covariate whose outcome never varies are dropped, with a
    note: the unconditional MLE of that level's coefficient is infinite, and dropping them gives
    the same theme estimate as its limit (they carry no within-level information).
    """
    notes: list[str] = []
    keep = np.ones(len(covariates), dtype=bool)
    cat_cols = [c for c in covariates.columns
                if not pd.api.types.is_numeric_dtype(covariates[c]) or pd.api.types.is_bool_dtype(covariates[c])]
    for col in cat_cols:
        levels = covariates[col].astype("string")
        frame = pd.DataFrame({"level": levels.to_numpy(object), "y": y})
        by = frame.groupby("level")["y"].agg(["min", "max", "size"])
        flat = by.index[(by["min"] == by["max"])]
        if len(flat) and len(flat) < len(by):
            drop = levels.isin(list(flat)).to_numpy(bool)
            keep &= ~drop
            notes.append(f"{int(drop.sum())} persons dropped: {col} level(s) with no outcome variation "
                         f"({', '.join(map(str, flat))})")
    cov = covariates.loc[keep]
    parts = []
    for col in cov.columns:
        if col in cat_cols:
            dummies = pd.get_dummies(cov[col].astype("string"), prefix=col, drop_first=True, dtype=float)
            parts.append(dummies)
        else:
            parts.append(cov[[col]].astype(float))
    design = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=cov.index)
    return design, keep, notes


def _full_rank(design: np.ndarray, names: list[str]) -> list[int]:
    """Indices of columns kept greedily (in order) so the design has full column rank."""
    kept: list[int] = []
    for j in range(design.shape[1]):
        trial = design[:, kept + [j]]
        if np.linalg.matrix_rank(trial) == len(kept) + 1:
            kept.append(j)
    return kept


@dataclass(frozen=True)
class CovariateDesign:
    """The covariate side of the adjusted model: which persons it uses and their design columns.

    It does not depend on the theme, so :func:`~kvalitativ.link.associations.associations`
    works it out once per outcome instead of once per theme × valence.
    """

    complete: np.ndarray  # persons with the outcome, the theme and every covariate
    keep: np.ndarray  # of those, the persons the model keeps (see _design)
    matrix: np.ndarray  # float design columns for the kept persons
    names: list[str]
    notes: list[str]


def covariate_design(covariates: pd.DataFrame | None, y, missing=None) -> CovariateDesign:
    """The :class:`CovariateDesign` for outcome ``y``; ``missing`` marks persons to leave out too
    (a missing theme value)."""
    y = np.asarray(y, dtype=float)
    cov = covariates.reset_index(drop=True) if covariates is not None else pd.DataFrame(index=range(len(y)))
    complete = ~np.isnan(y) & ~cov.isna().any(axis=1).to_numpy()
    if missing is not None:
        complete &= ~np.asarray(missing, dtype=bool)
    notes = []
    if (~complete).any():
        notes.append(f"{int((~complete).sum())} persons with missing covariates left out")
    design, keep, design_notes = _design(cov.loc[complete].reset_index(drop=True), y[complete])
    return CovariateDesign(complete, keep, design.to_numpy(float), list(design.columns), notes + design_notes)


def adjusted_odds_ratio(x, y, covariates: pd.DataFrame | None, alpha: float = 0.05, *,
                        design: CovariateDesign | None = None) -> dict:
    """Odds ratio of the theme ``x`` for the outcome ``y`` from a statsmodels Logit
    ``y ~ x + covariates`` (Newton, Wald interval).

    Rows with a missing covariate are left out (complete cases; ``n_adjusted`` says how many
    stayed). When the model cannot give a finite estimate — no variation, separation (every
    person with or without the theme has the same outcome), non-convergence, collinearity —
    the estimate is NaN and ``adjusted_note`` says why; it never raises. ``design``: the
    :func:`covariate_design` of ``covariates`` and ``y``, when many themes share them.
    """
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.sm_exceptions import (ConvergenceWarning, PerfectSeparationError,
                                                 PerfectSeparationWarning)

    out = {"adjusted_odds_ratio": np.nan, "aor_ci_low": np.nan, "aor_ci_high": np.nan,
           "adjusted_p_value": np.nan, "n_adjusted": 0, "adjusted_note": None}
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if design is None:
        design = covariate_design(covariates, y, missing=np.isnan(x))
    elif np.isnan(x).any():  # a shared design assumes every person has a theme value
        raise ValueError("adjusted_odds_ratio: x has missing values; pass covariates instead of a shared design")
    notes = list(design.notes)
    x, y = x[design.complete][design.keep], y[design.complete][design.keep]
    out["n_adjusted"] = int(len(y))

    def fail(why):
        out["adjusted_note"] = "; ".join(notes + [why])
        return out

    if len(y) == 0 or y.min() == y.max():
        return fail("no outcome variation: adjusted OR not estimable")
    if x.min() == x.max():
        return fail("theme present for all or none: adjusted OR not estimable")
    for group, label in ((x == 1, "with"), (x == 0, "without")):
        if y[group].min() == y[group].max():
            return fail(f"separation: every person {label} the theme has the same outcome; "
                        "adjusted OR not estimable (see the exact odds_ratio)")
    # the theme goes last: rank is kept greedily, so a theme the covariates already span is the
    # column that falls out (not estimable), never a covariate the user named
    names = ["const"] + design.names + ["theme"]
    X = np.column_stack([np.ones(len(y)), design.matrix, x]) if design.matrix.shape[1] else \
        np.column_stack([np.ones(len(y)), x])
    var = X.std(axis=0) > 0
    var[0] = True
    X, names = X[:, var], [n for n, v in zip(names, var) if v]
    kept = _full_rank(X, names)
    if len(names) - 1 not in kept:
        return fail("theme is collinear with the covariates: adjusted OR not estimable")
    if len(kept) < X.shape[1]:
        dropped = [names[j] for j in range(X.shape[1]) if j not in kept]
        notes.append("collinear covariate column(s) dropped: " + ", ".join(dropped))
        X, names = X[:, kept], [names[j] for j in kept]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = Logit(y, X).fit(method="newton", maxiter=100, disp=0)
        except (PerfectSeparationError, np.linalg.LinAlgError, ValueError) as exc:
            return fail(f"logistic regression failed ({type(exc).__name__}): adjusted OR not estimable")
    kinds = {type(w.message) for w in caught} | {w.category for w in caught}
    if PerfectSeparationWarning in kinds:
        return fail("perfect separation in the logistic regression: adjusted OR not estimable")
    converged = bool(res.mle_retvals.get("converged", True))
    if not converged or ConvergenceWarning in kinds:
        return fail("logistic regression did not converge: adjusted OR not estimable")
    j = len(names) - 1  # the theme, last (a covariate may itself be called "theme")
    beta, se = float(res.params[j]), float(res.bse[j])
    if not (np.isfinite(beta) and np.isfinite(se)) or abs(beta) > 15 or se > 50:
        return fail("estimate unstable (quasi-separation suspected): adjusted OR not estimable")
    z = stats.norm.ppf(1 - alpha / 2)
    out.update(adjusted_odds_ratio=math.exp(beta), aor_ci_low=math.exp(beta - z * se),
               aor_ci_high=math.exp(beta + z * se), adjusted_p_value=float(res.pvalues[j]))
    out["adjusted_note"] = "; ".join(notes) if notes else None
    return out
