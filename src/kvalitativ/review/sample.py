"""Pick the notes people should code: every theme represented, plus the model's hardest cases.

Why both: a purely random sample of 200 notes may hold no note at all of a rare
theme, so its agreement cannot be measured; a sample of only uncertain notes
says nothing about how often the model is right on typical notes. The mix —
a floor per theme, proportional fill by each note's main theme, and a share of
notes whose scores lie nearest the threshold — gives both, and the ``reason``
column says why each note was picked so the analysis can weight or split by it.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from kvalitativ.constants import UNCODED
from kvalitativ.errors import InputError

NO_THEME = "_ingen"
SELECTION_COLUMNS = ["note_id", "order", "reason", "stratum", "margin"]


def note_scores(codings: pd.DataFrame, note_ids, themes=None) -> pd.DataFrame:
    """Notes × themes matrix of the highest score per note (segments pooled), 0 where no row."""
    for col in ("note_id", "theme_id", "score"):
        if col not in codings.columns:
            raise InputError(f"codings table: column '{col}' is missing; pass the output of `kvalitativ code`.")
    c = codings.assign(note_id=codings["note_id"].astype(str))
    wide = c.pivot_table(index="note_id", columns="theme_id", values="score", aggfunc="max")
    if themes is not None:
        wide = wide.reindex(columns=list(themes))
    wide = wide.reindex(index=[str(n) for n in note_ids])
    return wide.fillna(0.0).astype(float)


def _thresholds(themes, thresholds: float | Mapping[str, float]) -> np.ndarray:
    if isinstance(thresholds, Mapping):
        return np.array([float(thresholds.get(t, 0.5)) for t in themes])
    return np.full(len(themes), float(thresholds))


def _margins(codings: pd.DataFrame, note_ids: pd.Index, themes: list[str], thresholds):
    """(scores, thresholds, margin): each note's distance of its closest theme score to the
    threshold; the ``uncoded`` rows count too (a best theme just under the threshold)."""
    scores = note_scores(codings, note_ids, themes) if themes else pd.DataFrame(index=note_ids)
    thr = _thresholds(themes, thresholds)
    S = scores.to_numpy()
    margin = np.abs(S - thr).min(axis=1) if themes else np.full(len(note_ids), np.inf)
    uncoded = codings[codings["theme_id"] == UNCODED] if len(codings) else codings
    if len(uncoded):
        best = 1.0 - uncoded.assign(note_id=uncoded["note_id"].astype(str)).groupby("note_id")["score"].max()
        best = best.reindex(note_ids).to_numpy()
        ok = ~np.isnan(best)
        margin[ok] = np.minimum(margin[ok], np.abs(best[ok] - float(np.min(thr) if themes else 0.5)))
    return S, thr, margin


def select_margins(codings: pd.DataFrame, note_ids, themes: list[str] | None = None,
                   thresholds: float | Mapping[str, float] = 0.5) -> np.ndarray:
    """Each note's margin (see :func:`select_for_review`), in the order of ``note_ids``."""
    note_ids = pd.Index([str(n) for n in note_ids])
    if themes is None:
        themes = sorted(codings["theme_id"].dropna().unique().tolist()) if len(codings) else []
    return _margins(codings, note_ids, [t for t in themes if t != UNCODED], thresholds)[2]


def _largest_remainder(sizes: pd.Series, total: int) -> pd.Series:
    """Split ``total`` over strata in proportion to ``sizes`` without exceeding any stratum."""
    alloc = pd.Series(0, index=sizes.index, dtype=int)
    remaining = total
    avail = sizes.copy()
    while remaining > 0 and avail.sum() > 0:
        share = avail / avail.sum() * remaining
        step = np.minimum(np.floor(share).astype(int), avail)
        if step.sum() == 0:  # hand out single slots by largest remainder
            order = (share - np.floor(share)).sort_values(ascending=False, kind="mergesort")
            for key in order.index[:remaining]:
                if avail[key] > 0:
                    step[key] = 1
        alloc += step
        avail -= step
        remaining -= int(step.sum())
        if step.sum() == 0:
            break
    return alloc


def select_for_review(
    codings: pd.DataFrame,
    corpus: pd.DataFrame,
    n: int = 200,
    random_state: int = 0,
    uncertain_share: float = 0.3,
    thresholds: float | Mapping[str, float] = 0.5,
    floor: int | None = None,
    themes: list[str] | None = None,
) -> pd.DataFrame:
    """Choose ``n`` notes of ``corpus`` for independent human coding.

    1. *Floor*: for every theme (rarest first) up to ``floor`` notes where the model
       finds it (score ≥ threshold); a theme the model never finds gets its
       highest-scoring notes, so people can say whether the model misses it.
    2. *Uncertain*: ``round(n * uncertain_share)`` notes with the smallest margin
       ``min over themes |score − threshold|`` (the model is least sure about them).
    3. *Proportional*: the rest in proportion to each note's main theme (highest
       score above threshold, or ``_ingen``), at random within each stratum.

    Returns note_id, order (the shuffled order for the sheet, so coders do not see
    the strata in blocks), reason (``tema``/``usikker``/``proportional``), stratum
    and margin. ``themes`` (default: those in ``codings``) are the codebook's
    themes, so a theme the model never coded still gets its floor. The
    ``uncoded`` rows coders write count in the margin: a note whose best theme
    scored just under the threshold is an uncertain note too. Deterministic for
    a given ``random_state``.
    """
    if "note_id" not in corpus.columns:
        raise InputError("corpus: column 'note_id' is missing.")
    if not 0 <= uncertain_share <= 1:
        raise InputError(f"uncertain_share is {uncertain_share}: use a share between 0 and 1.")
    note_ids = pd.Index(corpus["note_id"].astype(str).drop_duplicates())
    if themes is None:
        themes = sorted(codings["theme_id"].dropna().unique().tolist()) if len(codings) else []
    themes = [t for t in themes if t != UNCODED]
    rng = np.random.default_rng(random_state)
    n = int(min(n, len(note_ids)))
    if n <= 0 or len(note_ids) == 0:
        return pd.DataFrame(columns=SELECTION_COLUMNS)

    S, thr, margin = _margins(codings, note_ids, themes, thresholds)
    present = S >= thr if themes else np.zeros((len(note_ids), 0), dtype=bool)
    above = np.where(present, S - thr, -np.inf)
    main = np.where(present.any(axis=1), np.array(themes, dtype=object)[above.argmax(axis=1)] if themes else NO_THEME, NO_THEME)
    tiebreak = rng.permutation(len(note_ids))  # a seeded random order breaks every tie

    chosen: dict[int, tuple[str, str]] = {}
    n_uncertain = int(round(n * uncertain_share))
    n_strat = n - n_uncertain
    if floor is None:
        floor = max(1, min(10, n_strat // max(2 * len(themes), 1)))
    # 1. floor per theme, rarest theme first
    for j in sorted(range(len(themes)), key=lambda k: (present[:, k].sum(), themes[k])):
        if len(chosen) >= n_strat:
            break
        have = sum(1 for i in chosen if present[i, j])
        need = min(floor, n_strat - len(chosen)) - have
        if need <= 0:
            continue
        if present[:, j].any():
            pool = [i for i in np.argsort(tiebreak) if present[i, j] and i not in chosen]
        else:
            pool = [i for i in np.lexsort((tiebreak, -S[:, j])) if i not in chosen]
        for i in pool[:need]:
            chosen[int(i)] = ("tema", themes[j])
    # 2. uncertain notes
    taken = 0
    for i in np.lexsort((tiebreak, margin)):
        if taken >= n_uncertain or len(chosen) >= n:
            break
        if i not in chosen:
            chosen[int(i)] = ("usikker", str(main[i]))
            taken += 1
    # 3. proportional fill by main theme
    left = n - len(chosen)
    if left > 0:
        rest = pd.Series([i for i in range(len(note_ids)) if i not in chosen])
        strata = pd.Series(main[rest.to_numpy()], index=rest.index)
        alloc = _largest_remainder(strata.value_counts().sort_index(), left)
        for stratum, k in alloc.items():
            members = rest[strata == stratum].to_numpy()
            members = members[np.argsort(tiebreak[members])]
            for i in members[:k]:
                chosen[int(i)] = ("proportional", str(stratum))

    idx = np.array(sorted(chosen), dtype=int)
    out = pd.DataFrame(
        {
            "note_id": note_ids[idx].astype(str),
            "reason": [chosen[i][0] for i in idx],
            "stratum": [chosen[i][1] for i in idx],
            "margin": margin[idx],
        }
    )
    out = out.iloc[rng.permutation(len(out))].reset_index(drop=True)
    out.insert(1, "order", np.arange(1, len(out) + 1))
    return out[SELECTION_COLUMNS]
