"""Consensus Leiden communities of the notes' neighbour graph: a clusterer for BERTopic's slot.

Why: UMAP's stochastic layout, and HDBSCAN's sensitivity to it, is what changes topics between
seeds. The fuzzy neighbour graph UMAP starts from (:func:`umap.umap_.fuzzy_simplicial_set` on
exact cosine neighbours) involves no randomness; only the community search does. One Leiden run
still depends on its seed, so we run it ``n_runs`` times, weight each edge by the share of runs
that keep its two ends together, and take the Leiden communities of that consensus graph (the
ensemble step of scanpy/PhenoGraph-style clustering; far steadier across seeds than one run).

The number of topics comes from the data: the modularity resolution (1.0 = plain modularity;
the discoverer grows it with the notes, ``submodels.leiden_resolution``), and communities smaller
than ``min_cluster_size`` join the community they share most edge weight with. Every note gets a topic (no outliers, ``-1``).
Sits in BERTopic's ``hdbscan_model`` slot (``fit`` / ``labels_``) after an identity reducer.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

__all__ = ["LeidenClusterer", "neighbour_graph", "merge_small"]


def neighbour_graph(X: np.ndarray, n_neighbors: int):
    """UMAP's fuzzy union graph of exact cosine neighbours, as (edges (m × 2), weights)."""
    from umap.umap_ import fuzzy_simplicial_set

    from kvalitativ.discover.exact_umap import exact_cosine_knn
    from kvalitativ.discover.representatives import normalise

    Xn = normalise(np.asarray(X, dtype=np.float32)).astype(np.float32)
    k = max(2, min(int(n_neighbors), len(Xn) - 1))
    idx, dist = exact_cosine_knn(Xn, k)
    graph = fuzzy_simplicial_set(Xn, k, 0, "cosine", knn_indices=idx, knn_dists=dist)[0].tocoo()
    upper = graph.row < graph.col
    edges = np.column_stack([graph.row[upper], graph.col[upper]]).astype(np.int64)
    order = np.lexsort((edges[:, 1], edges[:, 0]))  # one edge order whatever scipy's
    return edges[order], graph.data[upper][order].astype(np.float64)


def merge_small(labels: np.ndarray, edges: np.ndarray, weights: np.ndarray, min_size: int) -> np.ndarray:
    """Communities below *min_size* join, smallest first, the one they share most edge weight with."""
    labels = np.asarray(labels, dtype=np.int64).copy()
    while True:
        ids, counts = np.unique(labels, return_counts=True)
        if len(ids) <= 1 or counts.min() >= min_size:
            return labels
        small = ids[np.lexsort((ids, counts))[0]]
        a, b = labels[edges[:, 0]], labels[edges[:, 1]]
        touch = (a == small) ^ (b == small)
        other = np.where(a[touch] == small, b[touch], a[touch])
        shared = np.bincount(other, weights=weights[touch], minlength=labels.max() + 1)
        if shared.max() > 0:
            target = int(np.argmax(shared))
        else:  # an island: the largest other community
            target = int(ids[ids != small][np.argmax(counts[ids != small])])
        labels[labels == small] = target


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Ids 0, 1, … by size (largest first; ties: the community holding the earliest note)."""
    ids, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    new = np.empty(ids.max() + 1, dtype=np.int64)
    new[ids[order]] = np.arange(len(ids))
    return new[labels]


class LeidenClusterer(ClusterMixin, BaseEstimator):
    """Consensus Leiden communities of the fuzzy cosine neighbour graph (see module doc).

    n_neighbors : neighbours per note in the graph (UMAP's ``n_neighbors``).
    resolution : modularity resolution; higher = more, smaller topics (1.0 = modularity).
    min_cluster_size : the smallest topic; smaller communities are merged into a neighbour.
    n_runs : Leiden runs the consensus is taken over (1 = a single run, no consensus).
    n_iterations : Leiden's iterations a run (leidenalg's default 2; -1 = until nothing improves:
        12× slower on a 20,000-note graph, 816 communities instead of 803).
    random_state : seeds the community search (the graph itself has no randomness).
    """

    def __init__(self, n_neighbors=15, resolution=1.0, min_cluster_size=10, n_runs=10, n_iterations=2,
                 random_state=0):
        self.n_neighbors = n_neighbors
        self.n_iterations = n_iterations
        self.resolution = resolution
        self.min_cluster_size = min_cluster_size
        self.n_runs = n_runs
        self.random_state = random_state

    def _leiden(self, graph, weights, seed: int) -> np.ndarray:
        import leidenalg as la

        part = la.find_partition(graph, la.RBConfigurationVertexPartition, weights=weights.tolist(),
                                 resolution_parameter=float(self.resolution), seed=int(seed),
                                 n_iterations=int(self.n_iterations))
        return np.asarray(part.membership, dtype=np.int64)

    def fit(self, X, y=None):
        import igraph as ig

        n = len(X)
        if n < 3:
            self.labels_ = np.zeros(n, dtype=np.int64)
            self.n_edges_ = 0
            return self
        edges, weights = neighbour_graph(X, self.n_neighbors)
        graph = ig.Graph(n=n, edges=edges.tolist())  # one graph for every run; runs differ in seed and weights
        seeds = np.random.default_rng(self.random_state).integers(0, 2**31 - 1, size=max(1, int(self.n_runs)) + 1)
        together = np.zeros(len(edges))
        for s in seeds[:-1]:
            m = self._leiden(graph, weights, s)
            together += m[edges[:, 0]] == m[edges[:, 1]]
        labels = m
        if int(self.n_runs) > 1:
            labels = self._leiden(graph, weights * together / len(seeds[:-1]), seeds[-1])
        self.labels_ = _by_size(merge_small(labels, edges, weights, int(self.min_cluster_size)))
        self.n_edges_ = len(edges)
        return self
