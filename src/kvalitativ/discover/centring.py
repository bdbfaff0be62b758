"""The neighbour graph on centred vectors: the clustering step's input with the corpus mean removed.

Why: e5's unit vectors share a large common component (anisotropy: on SIB-200 Danish every pair
of sentences has a cosine near 0.8, sd 0.024), so the cosines the graph ranks neighbours by sit in
a narrow band. The zero-shot coder centres its vectors against this. With ``center``:

* ``"none"`` (default): the unit vectors as they are;
* ``"mean"``: subtract the mean of the notes' unit vectors, scale each row to unit length again;
* ``"abtt"`` ("all-but-the-top", Mu & Viswanath 2018, k = 1): as ``"mean"``, and also remove each
  row's component along the top principal direction of the centred vectors before rescaling.

Only the clustering step (Leiden's graph) sees the result; keywords, centroids, scores and the
assignment of new notes stay on the unit e5 vectors. The mean and direction are computed from the
notes being fitted (no seed involved: the direction is the top eigenvector of the centred vectors'
scatter matrix; its sign does not matter to the projection removed).
"""

from __future__ import annotations

import numpy as np

from kvalitativ.discover.representatives import normalise

__all__ = ["CENTERS", "centred"]

#: The values of ``center``.
CENTERS = ("none", "mean", "abtt")


def centred(emb: np.ndarray, mode: str = "none") -> np.ndarray:
    """*emb* centred by *mode* (see the module) and scaled to unit rows, float32; ``"none"`` gives
    *emb* back unchanged. A row equal to the mean stays zero."""
    if mode == "none":
        return emb
    if mode not in CENTERS:
        raise ValueError(f"center must be one of {', '.join(CENTERS)}, got {mode!r}")
    X = normalise(emb)
    X = X - X.mean(axis=0, keepdims=True)
    if mode == "abtt" and X.shape[0] > 1:
        _, vecs = np.linalg.eigh(X.T @ X)
        u = vecs[:, -1]
        X = X - np.outer(X @ u, u)
    return normalise(X).astype(np.float32)
