"""Exact neighbours for UMAP: the same neighbours as a full sort, itself first, ties by row."""

from __future__ import annotations

import numpy as np

from kvalitativ.discover.exact_umap import SMALL_DATA, ExactUMAP, exact_cosine_knn


def _unit(n, d, seed=0):
    x = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_neighbours_equal_a_full_sort_and_start_with_the_note_itself():
    X = _unit(700, 16)
    X[5] = X[3]  # two identical notes
    idx, dist = exact_cosine_knn(X, 10, block=128)
    full = 1.0 - X.astype(np.float64) @ X.T.astype(np.float64)
    np.fill_diagonal(full, -1)
    for i in range(len(X)):
        assert idx[i, 0] == i and dist[i, 0] == 0.0
        assert set(idx[i]) == set(np.argsort(full[i], kind="stable")[:10])
        assert np.all(np.diff(dist[i]) >= 0)
    assert list(idx[3, :2]) == [3, 5] and list(idx[5, :2]) == [5, 3] and dist[5, 1] < 1e-6


def test_exact_umap_is_reproducible_above_the_small_data_size():
    X = _unit(SMALL_DATA + 200, 24, seed=1)
    kw = dict(n_neighbors=10, n_components=3, min_dist=0.0, metric="cosine", random_state=0, n_jobs=1, init="pca",
              n_epochs=30)
    a, b = ExactUMAP(**kw).fit_transform(X), ExactUMAP(**kw).fit_transform(X)
    assert a.shape == (len(X), 3) and np.array_equal(a, b)
