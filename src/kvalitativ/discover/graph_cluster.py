"""Consensus Leiden communities of the notes' neighbour graph: a clusterer for BERTopic's slot.

Why: UMAP's stochastic layout, and HDBSCAN's sensitivity to it, is what changes topics between
seeds. The fuzzy neighbour graph UMAP starts from (:func:`umap.umap_.fuzzy_simplicial_set` on
exact cosine neighbours) involves no randomness; only the community search does. One Leiden run
still depends on its seed, so we run it ``n_runs`` times, weight each edge by the share of runs
that keep its two ends together, and take the Leiden communities of that consensus graph (the
ensemble step of scanpy/PhenoGraph-style clustering; far steadier across seeds than one run).

Identical notes are one node of the graph (``fuzzy_graph``: their copies weigh in, and count as
each other's nearest neighbours), so copies always share a topic and small groups of copies are
not tied to whatever lies nearest.

The number of topics comes from the data: the modularity resolution (1.0 = plain modularity;
the discoverer grows it with the notes, ``submodels.leiden_resolution``), and communities smaller
than ``min_cluster_size`` join the community they share most edge weight with. Every note gets a topic (no outliers, ``-1``).
Sits in BERTopic's ``hdbscan_model`` slot (``fit`` / ``labels_``) after an identity reducer.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from kvalitativ.discover.fuzzy_graph import collapsed_graph, distinct_rows, neighbour_graph, snn_graph

__all__ = ["CONSENSUS_EDGE_BUDGET", "CONSENSUS_RUNS_MAX", "CONSENSUS_RUNS_MIN", "LeidenClusterer", "consensus_runs",
           "neighbour_graph", "merge_small"]

#: ``n_runs`` None: as many consensus runs as keep runs × the graph's edges within this budget (10
#: runs on the benchmark's 20,000-note fit sample, 329,344 edges: the Leiden work there stays what
#: it was; a graph with fewer edges, e.g. of many copies, gets more runs for the same work), at least :data:`CONSENSUS_RUNS_MIN`, at most :data:`CONSENSUS_RUNS_MAX`.
CONSENSUS_EDGE_BUDGET = 3_400_000
CONSENSUS_RUNS_MIN = 10
CONSENSUS_RUNS_MAX = 50


def consensus_runs(n_edges: int) -> int:
    """Consensus runs for a graph of *n_edges* edges under ``n_runs`` None (:data:`CONSENSUS_EDGE_BUDGET`)."""
    return int(min(CONSENSUS_RUNS_MAX, max(CONSENSUS_RUNS_MIN, CONSENSUS_EDGE_BUDGET // max(1, int(n_edges)))))


def merge_small(labels: np.ndarray, edges: np.ndarray, weights: np.ndarray, min_size: int,
                sizes: np.ndarray | None = None) -> np.ndarray:
    """Communities below *min_size* notes join, smallest first (ties: lower id), the one they share
    most edge weight with (ties: lower id; an island: the largest other, ties: lower id).
    *sizes*: notes per node (copies; None: one). The community graph is built once and updated
    per merge (not recomputed from the edges)."""
    import heapq

    labels = np.asarray(labels, dtype=np.int64).copy()
    if len(labels) == 0:
        return labels
    size = np.bincount(labels, weights=None if sizes is None else np.asarray(sizes, dtype=np.float64))
    alive = {int(c) for c in np.unique(labels)}
    a, b = labels[edges[:, 0]], labels[edges[:, 1]]
    cross = a != b
    nbr: dict[int, dict[int, float]] = {c: {} for c in alive}
    for u, v, w in zip(a[cross].tolist(), b[cross].tolist(), np.asarray(weights)[cross].tolist()):
        nbr[u][v] = nbr[u].get(v, 0.0) + w
        nbr[v][u] = nbr[v].get(u, 0.0) + w
    heap = [(float(size[c]), c) for c in alive]
    heapq.heapify(heap)
    into = {}
    while len(alive) > 1 and heap:
        s, small = heapq.heappop(heap)
        if small not in alive or s != size[small]:
            continue  # stale entry
        if s >= min_size:
            break
        touching = nbr.pop(small)
        shared = {t: w for t, w in touching.items() if w > 0}
        if shared:
            target = min(shared, key=lambda t: (-shared[t], t))
        else:
            target = min((t for t in alive if t != small), key=lambda t: (-size[t], t))
        for t, w in touching.items():
            del nbr[t][small]
            if t != target:
                nbr[target][t] = nbr[target].get(t, 0.0) + w
                nbr[t][target] = nbr[t].get(target, 0.0) + w
        alive.discard(small)
        into[small] = target
        size[target] += size[small]
        heapq.heappush(heap, (float(size[target]), target))
    final = np.arange(len(size))
    for c in into:  # follow each merge chain to its end
        t = into[c]
        while t in into:
            t = into[t]
        final[c] = t
    return final[labels]


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Ids 0, 1, … by size (largest first; ties: the community holding the earliest note)."""
    ids, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    new = np.empty(ids.max() + 1, dtype=np.int64)
    new[ids[order]] = np.arange(len(ids))
    return new[labels]


class LeidenClusterer(ClusterMixin, BaseEstimator):
    """Consensus Leiden communities of the fuzzy cosine neighbour graph (see module doc).

    n_neighbors : neighbours per note in the graph (UMAP's ``n_neighbors``); 30, the discoverer's
        default for Leiden (``submodels.DEFAULT_NEIGHBORS``).
    resolution : modularity resolution; higher = more, smaller topics (1.0 = modularity).
    min_cluster_size : the smallest topic; smaller communities are merged into a neighbour.
    n_runs : Leiden runs the consensus is taken over (1 = a single run, no consensus; None = by the
        graph's size, :func:`consensus_runs`: 10 to 50, fewer on larger graphs). The number used is
        ``n_runs_``.
    n_iterations : Leiden's iterations a run (leidenalg's default 2; -1 = until nothing improves:
        12× slower on a 20,000-note graph, 816 communities instead of 803).
    random_state : seeds the community search (the graph itself has no randomness).
    graph : ``"fuzzy"`` (UMAP's fuzzy union graph, the default) or ``"snn"`` (PhenoGraph's
        shared-nearest-neighbour Jaccard graph; measured against it, docs/benchmarks.md).
    """

    def __init__(self, n_neighbors=30, resolution=1.0, min_cluster_size=10, n_runs=10, n_iterations=2,
                 random_state=0, graph="fuzzy"):
        self.n_neighbors = n_neighbors
        self.graph = graph
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
        return self.fit_graph(self.graph_of(X))

    def graph_of(self, X) -> tuple:
        """The notes' collapsed neighbour graph (distinct notes, each note's node, copies per node,
        edges, weights): built apart from the community search so that stability's refits can run
        the search in worker processes (the graph's numba code cannot run in a forked process)."""
        from kvalitativ.discover.representatives import normalise

        Xn = normalise(np.asarray(X, dtype=np.float32)).astype(np.float32)
        first, node_of, counts = distinct_rows(Xn) if len(Xn) else (np.zeros(0, int),) * 3
        n = len(first)
        if n < 3:  # too few distinct notes for a graph: one topic each, then the smallest-topic rule
            return n, node_of, counts, np.zeros((0, 2), dtype=np.int64), np.zeros(0)
        build = snn_graph if self.graph == "snn" else neighbour_graph
        return (n, node_of, counts) + tuple(collapsed_graph(*build(np.asarray(X)[first], self.n_neighbors, counts),
                                                            counts))

    def fit_graph(self, graph: tuple):
        """The consensus communities of a graph from :meth:`graph_of` (``labels_``, one per note)."""
        import igraph as ig

        n, node_of, counts, edges, weights = graph
        self.n_distinct_ = n
        self.n_runs_ = 0  # set by the consensus (none below three distinct notes)
        labels = np.arange(n) if n < 3 else self._consensus(ig, n, edges, weights)
        labels = merge_small(labels, edges, weights, int(self.min_cluster_size), sizes=counts)
        self.labels_ = _by_size(labels[node_of]) if len(node_of) else np.zeros(0, dtype=np.int64)
        self.n_edges_ = int(np.sum(edges[:, 0] != edges[:, 1]))
        return self

    def _consensus(self, ig, n: int, edges: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Leiden ``n_runs`` times, then Leiden on edges weighted by the share of runs joining their ends."""
        graph = ig.Graph(n=n, edges=edges.tolist())  # one graph for every run; runs differ in seed and weights
        runs = consensus_runs(len(edges)) if self.n_runs is None else max(1, int(self.n_runs))
        self.n_runs_ = runs
        seeds = np.random.default_rng(self.random_state).integers(0, 2**31 - 1, size=runs + 1)
        together = np.zeros(len(edges))
        for s in seeds[:-1]:
            m = self._leiden(graph, weights, s)
            together += m[edges[:, 0]] == m[edges[:, 1]]
        if runs > 1:
            m = self._leiden(graph, weights * together / len(seeds[:-1]), seeds[-1])
        return m
