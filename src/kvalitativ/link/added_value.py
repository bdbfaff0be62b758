"""Do the notes add anything the numbers lack? Cross-validated AUC with and without themes.

Two logistic regressions predict the outcome: one from the quantitative indicators alone, one
from the same indicators plus the themes (binary, per theme × valence). Both are scored on the
same stratified folds out of fold, so the comparison is fair, and a paired bootstrap over
persons gives intervals for each AUC and for their difference. This measures prediction and
association — a gain in AUC does not mean a theme causes dropout.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from kvalitativ.errors import ConfigError
from kvalitativ.link import wording
from kvalitativ.link.params import RULE_COLUMNS, LinkRules
from kvalitativ.link.persons import ANY, PersonThemes, as_binary
from kvalitativ.link.presence import presence

COLUMNS = ["model", "features", "n_features", "n_persons", "n_events", "auc", "ci_low", "ci_high",
           "n_splits", "n_boot", "random_state", "suppressed", "note", "interpretation", *RULE_COLUMNS]
MODELS = ("quantitative", "quantitative+themes", "difference")


def _model(numeric: list[str], categorical: list[str], binary: list[str], random_state: int):
    parts = []
    if numeric:
        parts.append(("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric))
    if categorical:
        parts.append(("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                           OneHotEncoder(drop="first", handle_unknown="ignore")), categorical))
    if binary:
        parts.append(("bin", StandardScaler(), binary))
    pre = ColumnTransformer(parts, remainder="drop")
    return make_pipeline(pre, LogisticRegression(max_iter=2000, random_state=random_state))


def _oof(X: pd.DataFrame, y: np.ndarray, numeric, categorical, binary, folds, random_state) -> np.ndarray:
    """Out-of-fold predicted probabilities (a constant when there are no features)."""
    pred = np.full(len(y), np.nan)
    for train, test in folds:
        if not (numeric or categorical or binary):
            pred[test] = y[train].mean()
            continue
        model = _model(numeric, categorical, binary, random_state)
        model.fit(X.iloc[train], y[train])
        pred[test] = model.predict_proba(X.iloc[test])[:, 1]
    return pred


def _fast_auc(y: np.ndarray, score: np.ndarray) -> float:
    """AUC by ranks (ties get mid-ranks), equal to sklearn's roc_auc_score; NaN with one class."""
    n1 = int(y.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return np.nan
    ranks = pd.Series(score).rank(method="average").to_numpy()
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _bootstrap_aucs(y: np.ndarray, scores: list[np.ndarray], n_boot: int, random_state: int) -> np.ndarray:
    """Paired bootstrap AUCs (rows: resamples with both classes; columns: the score vectors).

    A resample is a count per person, so its AUC needs no sort: each distinct score holds
    ``w`` resampled persons, ``w1`` of them events; they share the mid-rank
    ``below + (w + 1) / 2``. The rank sum is a sum of integers and halves, exact in float64,
    so every AUC equals :func:`_fast_auc` on the resampled rows bit for bit — at the cost of
    two ``bincount`` per model instead of a rank of all persons.
    """
    n = len(y)
    rng = np.random.default_rng(random_state)
    groups = [np.unique(score, return_inverse=True)[1] for score in scores]
    sizes = [int(g.max()) + 1 if n else 0 for g in groups]
    boots = np.full((n_boot, len(scores)), np.nan)
    for i in range(n_boot):
        counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(np.float64)
        n1 = float(counts @ y)
        if n1 == 0 or n1 == n:
            continue
        n0 = n - n1
        for j, (group, size) in enumerate(zip(groups, sizes)):
            w = np.bincount(group, weights=counts, minlength=size)
            w1 = np.bincount(group, weights=counts * y, minlength=size)
            rank_sum = float(w1 @ (np.cumsum(w) - w + (w + 1) / 2))
            boots[i, j] = (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0)
    return boots[~np.isnan(boots).any(axis=1)]


def added_value(
    person_themes: PersonThemes,
    indicators: pd.DataFrame,
    outcome: str | None = None,
    quantitative: Sequence[str] = ("absence_pct", "grade_avg"),
    n_splits: int = 5,
    n_boot: int = 1000,
    random_state: int = 0,
    *,
    theme_valences: Sequence[str] | None = None,
    min_cell: int | None = 5,
    alpha: float = 0.05,
    rules: LinkRules | None = None,
    groups: Mapping[str, str] | None = None,
    leave_out: Collection[str] = (),
) -> pd.DataFrame:
    """Cross-validated AUC for the outcome from the numbers alone vs the numbers + themes.

    Parameters
    ----------
    person_themes : from :func:`person_themes` (its persons are the population).
    indicators : person_id, the outcome and the ``quantitative`` columns (numeric columns are
        median-imputed and scaled; text columns such as gender or school are one-hot encoded).
    quantitative : the indicator columns of the baseline model (may be empty: AUC 0.5).
    n_splits : stratified folds (shuffled with ``random_state``); both models use the same folds.
    n_boot : paired bootstrap resamples of persons over the out-of-fold predictions.
    theme_valences : which valences become theme features (default: every valence except
        ``any``, i.e. one 0/1 feature per theme × valence).
    min_cell : with fewer events or non-events than this the table is suppressed.
    groups : person_id → group (e.g. persons sharing a note text, :mod:`kvalitativ.link.duplicates`):
        a group is never split across folds. Persons not listed are their own group.
    leave_out : theme ids that are not features (the topics of ``kvalitativ discover``: a hundred
        exploratory topics would swamp the model; the question is what the codebook's themes add).

    Returns
    -------
    Three rows, ``model`` = quantitative, quantitative+themes, difference (the second minus the
    first): features, n_features, n_persons, n_events, auc, ci_low, ci_high (bootstrap
    percentile, 95 %), n_splits, n_boot, random_state, suppressed, note, interpretation (Danish,
    worded as prediction/association, not cause) and the rule columns.

    Example
    -------
    >>> added_value(pt, indicators, quantitative=["absence_pct", "grade_avg", "national_test_5th"])
    """
    rules = rules or (replace(person_themes.rules, outcome=outcome) if outcome else person_themes.rules)
    outcome = rules.outcome
    quantitative = list(quantitative)
    missing = [c for c in quantitative + [outcome, "person_id"] if c not in indicators.columns]
    if missing:
        raise ConfigError(f"added value: column(s) {', '.join(missing)} not in the indicators; they have "
                          f"{', '.join(map(str, indicators.columns))}.")
    if outcome in quantitative:
        raise ConfigError(f"the outcome '{outcome}' cannot be one of the quantitative predictors.")
    pres = presence(person_themes)
    valences = set(theme_valences) if theme_valences is not None else \
        {v for _, v in pres.columns if v != ANY} or {ANY}
    leave_out = set(map(str, leave_out))
    theme_cols = [(t, v) for t, v in pres.columns if v in valences and str(t) not in leave_out]
    themes = pres.dense(theme_cols, dtype="uint8")  # 0/1; the model scales them as float64 all the same
    themes.columns = [f"theme:{t}:{v}" for t, v in theme_cols]
    themes = themes.loc[:, themes.std(axis=0) > 0] if len(themes) > 1 else themes.iloc[:, :0]
    ind = indicators.assign(person_id=indicators["person_id"].astype(str)).set_index("person_id").reindex(pres.persons)
    y_all = as_binary(ind[outcome], f"indicators column '{outcome}'")
    known = y_all.notna().to_numpy()
    X = pd.concat([ind[quantitative], themes], axis=1).loc[known].reset_index(drop=True)
    y = y_all[known].astype(int).to_numpy()
    numeric = [c for c in quantitative if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])]
    categorical = [c for c in quantitative if c not in numeric]
    for c in categorical:
        X[c] = np.asarray(X[c].astype("string").fillna("(mangler)"), dtype=object)
    binary = list(themes.columns)

    n, n_events = len(y), int(y.sum())
    base = {"n_persons": n, "n_events": n_events, "n_splits": n_splits, "n_boot": n_boot,
            "random_state": random_state, "suppressed": False, "note": None}
    rows = [dict(base, model="quantitative", features=",".join(quantitative), n_features=len(quantitative)),
            dict(base, model="quantitative+themes", features=",".join(quantitative + ["themes"]),
                 n_features=len(quantitative) + len(binary)),
            dict(base, model="difference", features="themes", n_features=len(binary))]
    small = min(n_events, n - n_events)
    min_cell = 0 if min_cell is None else min_cell
    if small < max(min_cell, n_splits):
        for r in rows:
            r.update(auc=np.nan, ci_low=np.nan, ci_high=np.nan, interpretation=None,
                     note=f"too few events or non-events ({small}) for {n_splits}-fold cross-validation")
            if 0 < small < min_cell:
                r.update(suppressed=True, n_events=pd.NA, note=f"suppressed: fewer than {min_cell} events or non-events")
        return _finish(rows, rules)
    folds = _folds(y, [p for p, k in zip(pres.persons, known) if k], groups, n_splits, random_state)
    if groups:
        for r in rows:
            r["note"] = "folds keep persons who share a note text together"
    p_base = _oof(X, y, numeric, categorical, [], folds, random_state)
    p_full = _oof(X, y, numeric, categorical, binary, folds, random_state)
    auc_base, auc_full = roc_auc_score(y, p_base), roc_auc_score(y, p_full)

    boots = _bootstrap_aucs(y, [p_base, p_full], n_boot, random_state)
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
    ci_base = np.percentile(boots[:, 0], q) if len(boots) else [np.nan, np.nan]
    ci_full = np.percentile(boots[:, 1], q) if len(boots) else [np.nan, np.nan]
    ci_diff = np.percentile(boots[:, 1] - boots[:, 0], q) if len(boots) else [np.nan, np.nan]
    rows[0].update(auc=auc_base, ci_low=ci_base[0], ci_high=ci_base[1])
    rows[1].update(auc=auc_full, ci_low=ci_full[0], ci_high=ci_full[1])
    rows[2].update(auc=auc_full - auc_base, ci_low=ci_diff[0], ci_high=ci_diff[1])
    if not binary:
        rows[1]["note"] = rows[2]["note"] = "no theme varies across persons: the models are the same"
    sentence = wording.added_value_sentence(rows[0], rows[1], rows[2], rules)
    for r in rows:
        r["interpretation"] = sentence
    return _finish(rows, rules)


def _folds(y: np.ndarray, persons: list[str], groups: Mapping[str, str] | None, n_splits: int,
           random_state: int) -> list:
    """Stratified folds; grouped (StratifiedGroupKFold) when persons share a group, so a shared
    text never sits on both sides of a split."""
    labels = [groups.get(str(p), f"_self:{p}") for p in persons] if groups else None
    if labels is None or len(set(labels)) == len(labels):
        return list(StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state).split(np.zeros(len(y)), y))
    return list(StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
                .split(np.zeros(len(y)), y, np.asarray(labels, dtype=object)))


def _finish(rows: list[dict], rules: LinkRules) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    for col in ("n_features", "n_persons", "n_events", "n_splits", "n_boot", "random_state"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("Int64")
    for col in ("auc", "ci_low", "ci_high"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("float64")
    for col in ("model", "features", "note", "interpretation"):
        table[col] = table[col].astype("string")
    table["suppressed"] = table["suppressed"].astype(bool)
    rules.stamp(table)
    out = table[COLUMNS].reset_index(drop=True)
    return out
