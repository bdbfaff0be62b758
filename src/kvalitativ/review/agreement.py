"""Inter-coder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha, bootstrap CIs.

Why our own implementation: the reliability table needs thousands of bootstrap
replicates per theme and coder pair. Both statistics are functions of a
contingency (kappa) or coincidence (alpha) matrix that is a *sum over units*, so
a resample is just a weight vector over units and every replicate costs one
matrix product. The tests check the point estimates against
``sklearn.metrics.cohen_kappa_score`` and the ``krippendorff`` package.

Data shape used throughout: a *reliability matrix* ``R`` of shape
(coders, units) holding integer value codes, ``-1`` for "not coded".
"""

from __future__ import annotations

from itertools import combinations
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from kvalitativ.errors import KvalitativError

MISSING = -1
OVERALL = "_overall"
ALL_CODERS = "all"

RELIABILITY_COLUMNS = [
    "run_id",
    "theme_id",
    "coder_a",
    "coder_b",
    "n_units",
    "percent_agreement",
    "cohen_kappa",
    "kappa_ci_low",
    "kappa_ci_high",
    "krippendorff_alpha",
    "alpha_ci_low",
    "alpha_ci_high",
]


# --------------------------------------------------------------------------- point estimates


def _encode(values: Sequence, domain: Sequence | None = None) -> tuple[np.ndarray, list]:
    """Map arbitrary labels (None/NaN = missing) to integer codes 0..V-1, -1 for missing."""
    arr = np.asarray(values, dtype=object)
    missing = pd.isna(arr) if arr.size else np.zeros(arr.shape, dtype=bool)
    if domain is None:
        domain = sorted({v for v in arr[~missing].ravel().tolist()}, key=lambda v: (str(type(v)), v))
    index = {v: i for i, v in enumerate(domain)}
    codes = np.full(arr.shape, MISSING, dtype=np.int64)
    for pos in zip(*np.nonzero(~missing)):
        codes[pos] = index[arr[pos]]
    return codes, list(domain)


def _contingency_rows(a: np.ndarray, b: np.ndarray, n_values: int) -> np.ndarray:
    """One flattened V×V contingency row per unit where both coders gave a value."""
    both = (a != MISSING) & (b != MISSING)
    rows = np.zeros((a.size, n_values * n_values))
    idx = np.nonzero(both)[0]
    rows[idx, a[idx] * n_values + b[idx]] = 1.0
    return rows


def _kappa_from_tables(tables: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray]:
    """Percent agreement and Cohen's kappa for a stack of flattened contingency tables."""
    t = tables.reshape(-1, n_values, n_values)
    n = t.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = np.trace(t, axis1=1, axis2=2) / n
        p_e = (t.sum(axis=2) * t.sum(axis=1)).sum(axis=1) / n**2
        kappa = (p_o - p_e) / (1.0 - p_e)
    kappa = np.where(np.isclose(p_e, 1.0), np.nan, kappa)
    return p_o, kappa


def _coincidence_rows(R: np.ndarray, n_values: int) -> np.ndarray:
    """One flattened V×V coincidence contribution per unit (Krippendorff 2011, nominal).

    Unit u with m_u ≥ 2 pairable values adds, for every ordered pair of values
    from different coders, 1/(m_u − 1) to o[c, k]. Units with fewer than two
    values add nothing: they are not pairable.
    """
    n_units = R.shape[1]
    counts = np.zeros((n_units, n_values))
    for row in R:
        ok = row != MISSING
        np.add.at(counts, (np.nonzero(ok)[0], row[ok]), 1.0)
    m = counts.sum(axis=1)
    pairable = m >= 2
    out = np.zeros((n_units, n_values, n_values))
    c = counts[pairable]
    outer = c[:, :, None] * c[:, None, :]
    idx = np.arange(n_values)
    outer[:, idx, idx] -= c  # pairs of a value with itself from the *same* coder do not count
    out[pairable] = outer / (m[pairable] - 1.0)[:, None, None]
    return out.reshape(n_units, n_values * n_values)


def _alpha_from_coincidences(o: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray]:
    """Nominal alpha and pairwise percent agreement for a stack of coincidence matrices."""
    o = o.reshape(-1, n_values, n_values)
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    observed_agree = np.trace(o, axis1=1, axis2=2)
    observed_disagree = n - observed_agree
    expected_disagree = (n**2 - (n_c**2).sum(axis=1)) / (n - 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - observed_disagree / expected_disagree
        pct = observed_agree / n
    alpha = np.where(expected_disagree > 0, alpha, np.nan)
    return pct, alpha


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa between two coders over the units both coded (None/NaN = not coded).

    Returns NaN when chance agreement is 1 (both coders used one and the same value
    throughout): kappa is undefined there, percent agreement says it all.
    """
    codes, domain = _encode(np.vstack([np.asarray(a, dtype=object), np.asarray(b, dtype=object)]))
    v = max(len(domain), 1)
    table = _contingency_rows(codes[0], codes[1], v).sum(axis=0, keepdims=True)
    return float(_kappa_from_tables(table, v)[1][0])


def krippendorff_alpha(reliability_data: Sequence[Sequence]) -> float:
    """Krippendorff's alpha (nominal) for a coders × units matrix, None/NaN = missing.

    Any number of coders; units with fewer than two values are not pairable and
    are ignored. NaN when only one value occurs among pairable units.
    """
    codes, domain = _encode(np.asarray(reliability_data, dtype=object))
    if codes.ndim != 2:
        raise KvalitativError("reliability data must be a coders × units matrix")
    v = max(len(domain), 1)
    o = _coincidence_rows(codes, v).sum(axis=0, keepdims=True)
    return float(_alpha_from_coincidences(o, v)[1][0])


def percent_agreement(a: Sequence, b: Sequence) -> float:
    """Share of units both coders coded on which they gave the same value."""
    codes, domain = _encode(np.vstack([np.asarray(a, dtype=object), np.asarray(b, dtype=object)]))
    v = max(len(domain), 1)
    table = _contingency_rows(codes[0], codes[1], v).sum(axis=0, keepdims=True)
    return float(_kappa_from_tables(table, v)[0][0])


# --------------------------------------------------------------------------- bootstrap


def _bootstrap_weights(clusters: np.ndarray, n_boot: int, random_state: int) -> np.ndarray:
    """(n_boot, n_units) multiplicities: clusters (notes) drawn with replacement.

    Resampling whole notes keeps the themes of one note together, so the
    overall CI does not pretend the 16 themes of one note are 16 independent facts.
    """
    uniq, inverse = np.unique(clusters, return_inverse=True)
    rng = np.random.default_rng(random_state)
    draws = rng.integers(0, uniq.size, size=(n_boot, uniq.size))
    per_cluster = np.zeros((n_boot, uniq.size))
    np.add.at(per_cluster, (np.repeat(np.arange(n_boot), uniq.size), draws.ravel()), 1.0)
    return per_cluster[:, inverse]


def _ci(samples: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    s = samples[np.isfinite(samples)]
    if s.size < 0.5 * samples.size or s.size == 0:
        return (np.nan, np.nan)
    lo, hi = np.quantile(s, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(lo), float(hi)


def pair_stats(
    a: np.ndarray,
    b: np.ndarray,
    n_values: int,
    clusters: np.ndarray,
    n_boot: int = 1000,
    random_state: int = 0,
) -> dict:
    """Kappa, percent agreement and two-coder alpha with bootstrap CIs for one pair."""
    rows_k = _contingency_rows(a, b, n_values)
    rows_a = _coincidence_rows(np.vstack([a, b]), n_values)
    n_units = int(((a != MISSING) & (b != MISSING)).sum())
    pct, kappa = _kappa_from_tables(rows_k.sum(axis=0, keepdims=True), n_values)
    _, alpha = _alpha_from_coincidences(rows_a.sum(axis=0, keepdims=True), n_values)
    out = {
        "n_units": n_units,
        "percent_agreement": float(pct[0]),
        "cohen_kappa": float(kappa[0]),
        "krippendorff_alpha": float(alpha[0]),
    }
    if n_boot and n_units:
        w = _bootstrap_weights(clusters, n_boot, random_state)
        _, kb = _kappa_from_tables(w @ rows_k, n_values)
        _, ab = _alpha_from_coincidences(w @ rows_a, n_values)
        out["kappa_ci_low"], out["kappa_ci_high"] = _ci(kb)
        out["alpha_ci_low"], out["alpha_ci_high"] = _ci(ab)
    else:
        out.update(kappa_ci_low=np.nan, kappa_ci_high=np.nan, alpha_ci_low=np.nan, alpha_ci_high=np.nan)
    return out


def group_stats(R: np.ndarray, n_values: int, clusters: np.ndarray, n_boot: int = 1000, random_state: int = 0) -> dict:
    """Alpha across all coders (missing allowed) with bootstrap CI; percent agreement is pairwise."""
    rows_a = _coincidence_rows(R, n_values)
    n_units = int(((R != MISSING).sum(axis=0) >= 2).sum())
    pct, alpha = _alpha_from_coincidences(rows_a.sum(axis=0, keepdims=True), n_values)
    out = {
        "n_units": n_units,
        "percent_agreement": float(pct[0]),
        "cohen_kappa": np.nan,
        "kappa_ci_low": np.nan,
        "kappa_ci_high": np.nan,
        "krippendorff_alpha": float(alpha[0]),
        "alpha_ci_low": np.nan,
        "alpha_ci_high": np.nan,
    }
    if n_boot and n_units:
        w = _bootstrap_weights(clusters, n_boot, random_state)
        _, ab = _alpha_from_coincidences(w @ rows_a, n_values)
        out["alpha_ci_low"], out["alpha_ci_high"] = _ci(ab)
    return out


# --------------------------------------------------------------------------- tables


def _coding_value(present: pd.Series, valence: pd.Series, level: str) -> pd.Series:
    if level == "presence":
        return present.map(lambda p: "ja" if bool(p) else "nej")
    if level == "valence":
        val = valence.astype(object).where(valence.notna(), "ja")
        return pd.Series(np.where(present.astype(bool), val, "nej"), index=present.index, dtype=object)
    raise KvalitativError(f"unknown agreement level {level!r}: use 'presence' or 'valence'")


def reliability_matrix(
    codings: pd.DataFrame, coders: Sequence[str], themes: Sequence[str], level: str = "presence"
) -> tuple[np.ndarray, list[str], list[str], list]:
    """Long codings (coder, note_id, theme_id, present, valence) → (coders, notes × themes) codes.

    A coder who coded a note for no theme at all has *not coded* that note: all
    its cells stay missing, so silence is never counted as agreement. Units are
    ordered note-major: unit j is note j // len(themes), theme j % len(themes).
    """
    df = codings[codings["coder"].isin(coders) & codings["theme_id"].isin(themes)].copy()
    df["value"] = _coding_value(df["present"], df["valence"] if "valence" in df else pd.Series(np.nan, index=df.index), level)
    notes = sorted(df["note_id"].astype(str).unique().tolist())
    note_idx = {n: i for i, n in enumerate(notes)}
    theme_idx = {t: i for i, t in enumerate(themes)}
    coder_idx = {c: i for i, c in enumerate(coders)}
    domain = ["nej", "ja"] if level == "presence" else ["nej", "strength", "concern", "neutral", "ja"]
    value_idx = {v: i for i, v in enumerate(domain)}
    R = np.full((len(coders), len(notes) * len(themes)), MISSING, dtype=np.int64)
    ci = df["coder"].map(coder_idx).to_numpy()
    ui = df["note_id"].astype(str).map(note_idx).to_numpy() * len(themes) + df["theme_id"].map(theme_idx).to_numpy()
    vi = df["value"].map(value_idx)
    if vi.isna().any():
        bad = df.loc[vi.isna(), "value"].iloc[0]
        raise KvalitativError(f"unknown valence {bad!r} in codings: use strength, concern or neutral")
    R[ci, ui] = vi.to_numpy().astype(np.int64)
    return R, notes, list(themes), domain


def reliability_table(
    codings: pd.DataFrame,
    themes: Sequence[str] | None = None,
    human_coders: Sequence[str] | None = None,
    model_coders: Sequence[str] = (),
    level: str = "presence",
    n_boot: int = 1000,
    random_state: int = 0,
    run_id: str | None = None,
) -> pd.DataFrame:
    """The ``reliability`` table: per theme and ``_overall``, every coder pair plus alpha over all people.

    ``codings`` is long: coder, note_id, theme_id, present (bool), valence. Pairs
    are every two human coders and every model coder against every human coder;
    the ``coder_a == coder_b == "all"`` row is Krippendorff's alpha over all human
    coders. ``_overall`` pools every note × theme unit; its bootstrap resamples
    whole notes. ``level="valence"`` compares absent/strength/concern/neutral
    instead of yes/no. Deterministic for a given ``random_state``.
    """
    if codings.empty:
        return pd.DataFrame(columns=RELIABILITY_COLUMNS)
    if themes is None:
        themes = sorted(codings["theme_id"].unique().tolist())
    if human_coders is None:
        human_coders = sorted(c for c in codings["coder"].unique().tolist() if c not in set(model_coders))
    coders = list(human_coders) + [m for m in model_coders if m not in human_coders]
    R, notes, themes, domain = reliability_matrix(codings, coders, list(themes), level)
    v = len(domain)
    n_t = len(themes)
    note_of_unit = np.repeat(np.arange(len(notes)), n_t)
    theme_of_unit = np.tile(np.arange(n_t), len(notes))
    pairs = list(combinations(range(len(human_coders)), 2))
    pairs += [(coders.index(m), h) for m in model_coders for h in range(len(human_coders))]
    rows = []
    for t_name, mask in [(t, theme_of_unit == i) for i, t in enumerate(themes)] + [(OVERALL, slice(None))]:
        sub = R[:, mask]
        clusters = note_of_unit[mask]
        for i, j in pairs:
            s = pair_stats(sub[i], sub[j], v, clusters, n_boot, random_state)
            rows.append({"theme_id": t_name, "coder_a": coders[i], "coder_b": coders[j], **s})
        if len(human_coders) >= 2:
            s = group_stats(sub[: len(human_coders)], v, clusters, n_boot, random_state)
            rows.append({"theme_id": t_name, "coder_a": ALL_CODERS, "coder_b": ALL_CODERS, **s})
    out = pd.DataFrame(rows)
    out["run_id"] = run_id
    return out[RELIABILITY_COLUMNS]


def model_as_coder(
    model_codings: pd.DataFrame,
    note_ids: Iterable,
    themes: Sequence[str],
    threshold: float | Mapping[str, float] | None = None,
    coder: str = "model",
) -> pd.DataFrame:
    """Turn a ``codings`` table into present/absent per note × theme, as coder ``coder``.

    ``threshold=None`` takes the coder's own decision: every row in ``codings``
    is a coding (the coders write only themes that pass their calibrated
    threshold). A number, or a mapping theme → number, re-thresholds the scores.
    Segment rows are pooled per note by their highest score; a note in
    ``note_ids`` with no row for a theme is absent (the model saw it and found
    nothing). The valence of a present theme is the one of its highest-scoring row.
    """
    note_ids = [str(n) for n in note_ids]
    themes = list(themes)
    grid = pd.MultiIndex.from_product([note_ids, themes], names=["note_id", "theme_id"]).to_frame(index=False)
    mc = model_codings.copy()
    mc["note_id"] = mc["note_id"].astype(str)
    mc = mc[mc["note_id"].isin(set(note_ids)) & mc["theme_id"].isin(set(themes))]
    if not mc.empty:
        mc = mc.sort_values("score", ascending=False, kind="mergesort").drop_duplicates(["note_id", "theme_id"])
        mc = mc.assign(_hit=True)
        cols = ["note_id", "theme_id", "score", "_hit"] + (["valence"] if "valence" in mc else [])
        grid = grid.merge(mc[cols], on=["note_id", "theme_id"], how="left")
    else:
        grid["score"], grid["_hit"] = np.nan, np.nan
    if "valence" not in grid:
        grid["valence"] = None
    if threshold is None:
        grid["present"] = grid["_hit"].notna()
    else:
        if isinstance(threshold, Mapping):
            thr = grid["theme_id"].map(lambda t: threshold.get(t, 0.5)).astype(float)
        else:
            thr = float(threshold)
        grid["present"] = grid["score"].fillna(-np.inf) >= thr
    grid["valence"] = grid["valence"].astype(object).where(grid["present"], None)
    grid["coder"] = coder
    return grid[["coder", "note_id", "theme_id", "present", "valence"]]
