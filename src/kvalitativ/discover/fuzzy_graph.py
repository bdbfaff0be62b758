"""The notes' neighbour graph for Leiden, with identical notes collapsed into one weighted node.

Why: municipal exports hold many copies ("Mødt.", "Samtale afholdt."). In UMAP's fuzzy graph a
note's first *distinct* neighbour gets full weight however far it is (local connectivity: the
distance ρ to it is subtracted), and copies fill each other's neighbour lists, so small groups
of copies were tied to whatever lay nearest and mixed in one community. Here copies are one
node whose copies count as its nearest neighbours (an approximation of the graph with every copy
a node: a copied node keeps its distinct neighbours, and a note that has it as a neighbour sees
it once); for modularity the node stands exactly for its copies:

* **neighbours** are found among the distinct vectors (exact cosine, UMAP's fuzzy membership
  ``exp(-(d - ρ) / σ)`` with σ set so a node's memberships sum to log2 k) — unchanged for a
  note without copies, so a corpus without copies gives UMAP's graph bit for bit;
* a node with ``c`` copies has ρ = 0 (its nearest neighbour is a copy, at distance 0) and its
  ``c - 1`` copies, each of membership 1, count toward the log2 k; what is left is shared by
  its distinct neighbours (none when ``c - 1 ≥ log2 k``);
* for modularity, a node of ``c_u`` copies stands for a clique: edge u–v weighs
  ``w_uv · c_u · c_v`` (every copy of u to every copy of v) and u carries a self-loop of
  ``c_u (c_u - 1) / 2`` (its copies, pairwise, membership 1). With these weights the
  RB-configuration quality leidenalg optimises equals that of the expanded graph for every
  partition that keeps copies together (leidenalg's own aggregation rule; a test checks it).

Within :func:`reused_graphs` (``tune``, benchmarks) the last graph built is kept, keyed by the
vectors' bytes, ``n_neighbors`` and the copies, so refits of the same notes with other seeds or
settings build it once; outside it nothing is kept (a long-lived process holds no graph).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

__all__ = ["distinct_rows", "neighbour_graph", "snn_graph", "collapsed_graph", "reused_graphs"]

#: Inside :func:`reused_graphs`: the last graph built, {key: (edges, weights)}, one entry replaced
#: whole (no lock needed); None outside (nothing kept).
_LAST: dict | None = None


@contextmanager
def reused_graphs():
    """Keep the last neighbour graph built while inside, for fits of the same notes (tune's
    seeds and settings); dropped on leaving."""
    global _LAST
    outer, _LAST = _LAST, {}
    try:
        yield
    finally:
        _LAST = outer


def distinct_rows(Xn: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first row of each distinct vector in order of first appearance, each row's distinct
    index, copies per distinct vector). Rows compared bit for bit."""
    Xn = np.ascontiguousarray(Xn)
    keys = Xn.view(np.dtype((np.void, Xn.dtype.itemsize * Xn.shape[1]))).ravel()
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
    order = np.argsort(first, kind="stable")  # by first appearance: no copies -> rows as given
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[np.asarray(inverse).ravel()], counts[order]


def _copy_sigmas(dists: np.ndarray, target: np.ndarray, n_iter: int = 64) -> np.ndarray:
    """σ per row with sum_j exp(-d_j / σ) = target (ρ = 0), by bisection as UMAP's smooth_knn_dist."""
    lo = np.zeros(len(dists))
    hi = np.full(len(dists), np.inf)
    mid = np.ones(len(dists))
    for _ in range(n_iter):
        psum = np.exp(-dists / mid[:, None]).sum(axis=1)
        high = psum > target
        hi = np.where(high, mid, hi)
        lo = np.where(high, lo, mid)
        mid = np.where(np.isinf(hi), mid * 2, (lo + hi) / 2)
    return mid


def neighbour_graph(X: np.ndarray, n_neighbors: int, counts: np.ndarray | None = None):
    """The fuzzy union graph of exact cosine neighbours of the rows of *X* (distinct vectors),
    *counts* copies each (None: one): (edges (m × 2, i < j), memberships). Inside
    :func:`reused_graphs` the last one is reused."""
    import hashlib

    X = np.ascontiguousarray(X, dtype=np.float32)
    c = np.ascontiguousarray(np.ones(len(X), dtype=np.int64) if counts is None else counts, dtype=np.int64)
    kept = _LAST
    if kept is None:
        return _build_graph(X, n_neighbors, None if counts is None else c)
    key = (X.shape, int(n_neighbors), hashlib.blake2b(X.tobytes(), digest_size=16).hexdigest(),
           hashlib.blake2b(c.tobytes(), digest_size=16).hexdigest())
    last = kept.get(key)
    if last is None:
        last = _build_graph(X, n_neighbors, None if counts is None else c)
        kept.clear()
        kept[key] = last
    return last[0].copy(), last[1].copy()


def _build_graph(X: np.ndarray, n_neighbors: int, counts: np.ndarray | None):
    """What :func:`neighbour_graph` returns, built (see the module doc)."""
    import scipy.sparse as sp
    from umap.umap_ import compute_membership_strengths, smooth_knn_dist

    from kvalitativ.discover.exact_umap import exact_cosine_knn
    from kvalitativ.discover.representatives import normalise

    Xn = normalise(np.asarray(X, dtype=np.float32)).astype(np.float32)
    n = len(Xn)
    k = max(2, min(int(n_neighbors), n - 1))
    idx, dist = exact_cosine_knn(Xn, k)
    sigmas, rhos = smooth_knn_dist(dist, float(k), local_connectivity=1.0)
    rows, cols, vals, _ = compute_membership_strengths(idx, dist, sigmas, rhos, False)
    copied = np.flatnonzero(np.asarray(counts if counts is not None else np.ones(n)) > 1)
    if len(copied):
        target = np.log2(k) - (np.asarray(counts)[copied] - 1.0)
        d = dist[copied, 1:].astype(np.float64)
        sig = _copy_sigmas(d, np.maximum(target, 1e-12))
        strength = np.where(target[:, None] > 0, np.exp(-d / sig[:, None]), 0.0)
        vals = vals.reshape(n, k)
        vals[copied, 1:] = strength.astype(np.float32)
        vals = vals.ravel()
    P = sp.coo_matrix((vals, (rows, cols)), shape=(n, n))
    P.eliminate_zeros()
    Pt = P.transpose()
    graph = (1.0 * (P + Pt - P.multiply(Pt)) + 0.0 * P.multiply(Pt)).tocoo()  # UMAP's fuzzy union
    graph.eliminate_zeros()
    upper = graph.row < graph.col
    edges = np.column_stack([graph.row[upper], graph.col[upper]]).astype(np.int64)
    order = np.lexsort((edges[:, 1], edges[:, 0]))  # one edge order whatever scipy's
    return edges[order], graph.data[upper][order].astype(np.float64)


def snn_graph(X: np.ndarray, n_neighbors: int, counts: np.ndarray | None = None):
    """A shared-nearest-neighbour graph as PhenoGraph builds it, for comparison with the fuzzy
    graph (``LeidenClusterer(graph="snn")``): each row joined to its *n_neighbors* exact cosine
    neighbours, the edge weighted by the Jaccard overlap of the two rows' neighbour sets (each
    set holds the row itself). *counts* is accepted for the same call as :func:`neighbour_graph`
    and not used (copies weigh in through :func:`collapsed_graph`). (edges (m × 2, i < j), weights)."""
    import scipy.sparse as sp

    from kvalitativ.discover.exact_umap import exact_cosine_knn
    from kvalitativ.discover.representatives import normalise

    Xn = normalise(np.asarray(X, dtype=np.float32)).astype(np.float32)
    n = len(Xn)
    k = max(2, min(int(n_neighbors) + 1, n))
    idx, _ = exact_cosine_knn(Xn, k)
    member = sp.csr_matrix((np.ones(n * k), (np.repeat(np.arange(n), k), idx.ravel())), shape=(n, n))
    a, b = np.repeat(np.arange(n), k - 1), idx[:, 1:].ravel().astype(np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pairs = np.unique(np.column_stack([lo, hi])[lo != hi], axis=0)
    shared = np.asarray((member[pairs[:, 0]].multiply(member[pairs[:, 1]])).sum(axis=1)).ravel()
    return pairs.astype(np.int64), shared / (2 * k - shared)


def collapsed_graph(edges: np.ndarray, weights: np.ndarray, counts: np.ndarray):
    """Modularity weights for nodes of *counts* copies: (edges with self-loops appended, weights).
    Edge u–v: w · c_u · c_v; node u with copies: a loop of c_u (c_u - 1) / 2 (see module doc)."""
    c = np.asarray(counts, dtype=np.float64)
    w = weights * c[edges[:, 0]] * c[edges[:, 1]]
    loops = np.flatnonzero(c > 1)
    return (np.vstack([edges, np.column_stack([loops, loops])]).astype(np.int64),
            np.concatenate([w, c[loops] * (c[loops] - 1) / 2]))
