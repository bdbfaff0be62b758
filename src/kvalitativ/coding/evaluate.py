"""Score codings against gold (human) codes: per theme and overall, for themes and valence.

Everything is judged at the **note** level: a theme is present in a note when any unit of the
note carries it (sentence codings are rolled up first), and the note's valence for the theme is
the dominant one. Which notes count:

* by default every note that appears in ``codings`` (``code_notes`` writes a row for every
  note, an ``uncoded`` row when nothing applies), or the ids passed as ``notes``;
* gold rows for notes outside that set are ignored (their number is in the summary);
* a note with no gold row has no theme (gold files usually list only coded notes).

Per theme: precision, recall, F1, support (gold notes), Cohen's kappa on presence/absence over
all the notes, and for the notes where both coder and gold have the theme and both give a
valence: valence accuracy and kappa (a coder without valence gets none). Summary: micro and macro F1 (macro over themes with gold
support), mean kappa, exact-match share, and valence accuracy / macro-F1 / kappa.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, f1_score

from kvalitativ.errors import InputError

from .api import rollup_notes
from .handcodes import one_reading
from .base import UNCODED

__all__ = ["evaluate_codings", "PER_THEME_COLUMNS"]

PER_THEME_COLUMNS = ["theme_id", "support", "n_predicted", "tp", "fp", "fn", "precision", "recall", "f1",
                     "cohen_kappa", "valence_n", "valence_accuracy", "valence_kappa"]


def _kappa(a, b) -> float:
    """Cohen's kappa; NaN when it is undefined (no items, or both raters constant and equal)."""
    a, b = np.asarray(a), np.asarray(b)
    if len(a) == 0 or len(set(a.tolist()) | set(b.tolist())) < 2:
        return float("nan")
    with np.errstate(all="ignore"):
        return float(cohen_kappa_score(a, b))


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _aligned(codings: pd.DataFrame, gold: pd.DataFrame, notes) -> tuple[list[str], dict, dict, int]:
    """(note universe, gold (note, theme) → valence, predicted pairs, gold notes outside the universe)."""
    for col in ("note_id", "theme_id"):
        if col not in gold.columns:
            raise InputError(f"gold codes: missing column '{col}' (need note_id, theme_id[, valence]).")
        if col not in codings.columns:
            raise InputError(f"codings: missing column '{col}'; give the codings table written by 'kvalitativ code'.")
    pred = rollup_notes(codings)
    pred["note_id"] = pred["note_id"].astype(str)
    g = one_reading(gold, "gold codes")  # a human_codings table too: present = false is no code
    g["theme_id"] = g["theme_id"].astype(str)
    if "valence" not in g.columns:
        g["valence"] = None
    universe = sorted(set(map(str, notes)) if notes is not None else set(pred["note_id"]))
    in_u = g["note_id"].isin(universe)
    outside = int(g.loc[~in_u, "note_id"].nunique())
    g = g[in_u & ~g["theme_id"].isin(["", UNCODED, "nan", "None"])]
    pred = pred[pred["note_id"].isin(universe) & (pred["theme_id"] != UNCODED)]
    gold_pairs = {(n, t): v for n, t, v in zip(g["note_id"], g["theme_id"], g["valence"])}
    pred_pairs = {(n, t): v for n, t, v in zip(pred["note_id"], pred["theme_id"], pred["valence"])}
    return universe, gold_pairs, pred_pairs, outside


def _theme_row(t: str, universe: list[str], gold_pairs: dict, pred_pairs: dict) -> tuple[dict, list, list]:
    """One theme's row of the per-theme table, and its (gold, predicted) valences where both coded it."""
    idx = {n: i for i, n in enumerate(universe)}
    gy = np.zeros(len(universe), dtype=int)
    py = np.zeros(len(universe), dtype=int)
    gy[[idx[n] for (n, tt) in gold_pairs if tt == t]] = 1
    py[[idx[n] for (n, tt) in pred_pairs if tt == t]] = 1
    tp, fp, fn = int((gy & py).sum()), int(((1 - gy) & py).sum()), int((gy & (1 - py)).sum())
    p, r, f = _prf(tp, fp, fn)
    gv, pv = [], []
    for (n, tt), v in gold_pairs.items():
        if tt == t and isinstance(v, str) and v and isinstance(pred_pairs.get((n, t)), str):
            gv.append(v)
            pv.append(str(pred_pairs[(n, t)]))
    row = {"theme_id": t, "support": int(gy.sum()), "n_predicted": int(py.sum()), "tp": tp, "fp": fp, "fn": fn,
           "precision": p, "recall": r, "f1": f, "cohen_kappa": _kappa(gy, py), "valence_n": len(gv),
           "valence_accuracy": float(np.mean(np.array(gv) == np.array(pv))) if gv else float("nan"),
           "valence_kappa": _kappa(np.array(gv, dtype=object), np.array(pv, dtype=object)) if gv else float("nan")}
    return row, gv, pv


def evaluate_codings(codings: pd.DataFrame, gold: pd.DataFrame, notes=None, themes=None
                     ) -> tuple[pd.DataFrame, dict]:
    """Compare ``codings`` (the codings table) with ``gold`` (``note_id, theme_id[, valence]``).

    Returns ``(per_theme, summary)``; see the module docstring for what is counted.
    """
    universe, gold_pairs, pred_pairs, outside = _aligned(codings, gold, notes)
    if themes is None:
        themes = list(dict.fromkeys([*sorted({t for _, t in gold_pairs}), *sorted({t for _, t in pred_pairs})]))
    themes = list(themes)
    rows, all_gv, all_pv = [], [], []
    for t in themes:
        row, gv, pv = _theme_row(t, universe, gold_pairs, pred_pairs)
        rows.append(row)
        all_gv += gv
        all_pv += pv
    per_theme = pd.DataFrame(rows, columns=PER_THEME_COLUMNS)
    supported = per_theme[per_theme["support"] > 0]
    mp, mr, mf = _prf(int(per_theme["tp"].sum()), int(per_theme["fp"].sum()), int(per_theme["fn"].sum()))
    gold_sets = {n: set() for n in universe}
    pred_sets = {n: set() for n in universe}
    for pairs, sets in ((gold_pairs, gold_sets), (pred_pairs, pred_sets)):
        for (n, t) in pairs:
            if t in themes:
                sets[n].add(t)
    val_labels = sorted(set(all_gv) | set(all_pv))

    def mean_of(col: str) -> float:
        return float(supported[col].mean()) if len(supported) else float("nan")

    summary = {
        "n_notes": len(universe),
        "n_themes": len(themes),
        "n_gold_pairs": int(sum(1 for (n, t) in gold_pairs if t in themes)),
        "n_predicted_pairs": int(sum(1 for (n, t) in pred_pairs if t in themes)),
        "gold_notes_outside": outside,
        "micro_precision": mp, "micro_recall": mr, "micro_f1": mf,
        "macro_precision": mean_of("precision"), "macro_recall": mean_of("recall"), "macro_f1": mean_of("f1"),
        "mean_kappa": mean_of("cohen_kappa"),
        "exact_match": float(np.mean([gold_sets[n] == pred_sets[n] for n in universe])) if universe else float("nan"),
        "valence_n": len(all_gv),
        "valence_accuracy": float(np.mean(np.array(all_gv) == np.array(all_pv))) if all_gv else float("nan"),
        "valence_macro_f1": float(f1_score(all_gv, all_pv, labels=val_labels, average="macro", zero_division=0))
        if all_gv else float("nan"),
        "valence_kappa": _kappa(np.array(all_gv, dtype=object), np.array(all_pv, dtype=object)) if all_gv else float("nan"),
    }
    return per_theme, summary
