"""UMAP on exact nearest neighbours: the reducer in BERTopic's ``umap_model`` slot.

Why: above 4,096 notes UMAP finds neighbours with NN-descent (pynndescent), whose numba code
compiles for 80–90 s the first time a process uses it — most of `discover`'s time at 100,000
notes (fitted on a 20,000-note sample), and again in every fresh process. The exact neighbours
of a few thousand to 20,000 unit vectors are one blocked matrix product away (seconds, and no
approximation); UMAP takes them as ``precomputed_knn``. Below 4,096 notes UMAP computes exact
distances itself, so nothing changes there. Ties (identical notes) go to the lower row number.
"""

from __future__ import annotations

import warnings

import numpy as np
from umap import UMAP

__all__ = ["ExactUMAP", "exact_cosine_knn", "SMALL_DATA"]

#: Below this UMAP computes all distances itself (its ``_small_data`` branch).
SMALL_DATA = 4096


def exact_cosine_knn(X: np.ndarray, k: int, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """(indices, cosine distances) of each row's *k* nearest rows, itself first; rows unit length."""
    X = np.ascontiguousarray(X, dtype=np.float32)
    n = len(X)
    k = min(int(k), n)
    idx = np.empty((n, k), dtype=np.int32)
    dist = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        stop = min(start + block, n)
        d = 1.0 - X[start:stop] @ X.T
        rows = np.arange(stop - start)
        d[rows, rows + start] = -1.0  # itself first, whatever its rounding
        cand = np.argpartition(d, k - 1, axis=1)[:, :k]
        cd = np.take_along_axis(d, cand, axis=1)
        order = np.lexsort((cand, cd), axis=1)
        idx[start:stop] = np.take_along_axis(cand, order, axis=1)
        dist[start:stop] = np.clip(np.take_along_axis(cd, order, axis=1), 0.0, 2.0)
    return idx, dist


class ExactUMAP(UMAP):
    """:class:`umap.UMAP` (cosine) given exact neighbours of the data it is fitted on."""

    def fit(self, X, y=None, *args, **kwargs):
        X = np.asarray(X, dtype=np.float32)
        if len(X) >= SMALL_DATA and self.metric == "cosine":
            norms = np.linalg.norm(X, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            idx, dist = exact_cosine_knn(X / norms, self.n_neighbors)
            self.precomputed_knn = (idx, dist, None)
        with warnings.catch_warnings():  # "no search index": we never transform new notes with UMAP
            warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]", category=UserWarning)
            return super().fit(X, y, *args, **kwargs)
