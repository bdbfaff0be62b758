"""Calibration and thresholds of the supervised coder, from out-of-fold scores.

Each takes optional per-text weights: hand codes drawn by an active design over-represent the
notes the coder was unsure of, and a threshold or a calibration fitted on them unweighted fits the
sheet, not the corpus; weighting each text by 1 / its inclusion probability fits the corpus.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

__all__ = ["_sigmoid", "_platt", "_f1", "_best_threshold"]


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def _weights(y, w) -> np.ndarray:
    return np.ones(len(y)) if w is None else np.asarray(w, dtype=float)


def _platt(decision: np.ndarray, y: np.ndarray, w=None) -> tuple[float, float]:
    """Fit p = sigmoid(a * d + b) on out-of-fold decision values (Platt's smoothed targets)."""
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    target = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    lr = LogisticRegression(C=1e4, max_iter=1000)
    # weighted fit with soft targets: duplicate rows with weights
    d = decision.reshape(-1, 1)
    X = np.vstack([d, d])
    Y = np.r_[np.ones(len(d)), np.zeros(len(d))]
    ww = _weights(y, w)
    lr.fit(X, Y, sample_weight=np.r_[target * ww, (1 - target) * ww])
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def _f1(pred: np.ndarray, y: np.ndarray, w=None) -> float:
    pred, pos, ww = np.asarray(pred, dtype=bool), np.asarray(y) == 1, _weights(y, w)
    denom = ww[pred].sum() + ww[pos].sum()
    return float(2 * ww[pred & pos].sum() / denom) if denom else 0.0


def _best_threshold(p: np.ndarray, y: np.ndarray, w=None) -> float:
    """The threshold maximising (weighted) F1 on out-of-fold scores (ties: the one closest to 0.5)."""
    if y.sum() == 0:
        return 1.0
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    pos, ww = y == 1, _weights(y, w)
    best, best_f1 = 0.5, -1.0
    for g in grid:
        pred = p >= g
        denom = ww[pred].sum() + ww[pos].sum()
        f1 = 2 * ww[pred & pos].sum() / denom if denom else 0.0
        if f1 > best_f1 + 1e-9 or (abs(f1 - best_f1) <= 1e-9 and abs(g - 0.5) < abs(best - 0.5)):
            best, best_f1 = float(g), f1
    return best
