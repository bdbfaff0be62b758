"""Per-topic stability: would a topic's notes come back together with another seed?

Why: a topic found once may be an accident of one UMAP layout. An analyst needs to see, per
topic, whether it is a theme or a seed's whim, before reading meaning into it. We refit only the
*clustering step* (the reducer and clusterer in BERTopic's slots, with the same settings) on the
cached embeddings of a seeded subsample of at most :data:`STABILITY_SAMPLE` notes: with
``n_seeds`` other seeds, and once with the model's own seed on the notes in a shuffled order.
Each refit sees its own seeded draw of :data:`REFIT_SHARE` of those notes and is compared with the
model on the notes it saw: so stability measures whether the *data* carry a topic, not only
whether the seed does (refits of one subsample differ only in seed, and a fixed graph's
communities come back on pure noise: consensus Leiden scored ARI 0.70 on random vectors).
Each refit assigns every clustering outlier to its nearest cluster centroid, as the fitted model
does with ``outlier_target`` 0.

* **Per topic**: the best-match Jaccard between the topic's notes (in the refit's notes) and the
  refit's clusters, ``max_B |A∩B| / |A∪B|``, averaged over the refits (1 = always found again
  as one cluster with the same notes; below :data:`UNSTABLE` the report marks it unstable).
* **Overall**: the mean adjusted Rand index between the model's assignment and each refit.

Only the clustering is refitted (keywords and labels are not): that is the step that varies.

The refits are independent, so with Leiden they run side by side (``workers``; default one per
core): each refit's neighbour graph is built here, its 11 single-threaded Leiden runs and the
merging in a forked worker process (the graph's numba code uses OpenMP, which a forked process
must not call). Every refit is seeded on its own, so the table is the serial one, bit for bit.
"""

from __future__ import annotations

import gc
import math
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from kvalitativ.discover import submodels as sub
from kvalitativ.discover.representatives import centroids, normalise
from kvalitativ.errors import InputError

__all__ = ["STABILITY_SAMPLE", "REFIT_SHARE", "UNSTABLE", "LOW_ARI", "Stability", "topic_stability", "best_match_jaccard",
           "cluster_once", "default_workers"]

#: The most notes the refits run on (a seeded subsample above it).
STABILITY_SAMPLE = 10_000
#: The share of the (sub)sample each refit sees, its own seeded draw: refits differ in data, not only
#: in seed (a fixed neighbour graph's communities come back whatever the seed, even on noise).
#: 0.8 as in consensus clustering's resampling (Monti et al. 2003); not tuned on any data set.
REFIT_SHARE = 0.8
#: A topic whose mean best-match Jaccard is below this is marked unstable in the report.
UNSTABLE = 0.5
#: Overall stability (ARI between the model and its refits) below this gives a warning.
LOW_ARI = 0.6


@dataclass
class Stability:
    """Per-topic stability (``per_topic``: topic_id, stability) and the overall ARI."""

    per_topic: pd.DataFrame
    ari: float
    n_notes: int
    n_refits: int
    seconds: float
    refit_aris: list[float] = field(default_factory=list)
    workers: int = 1  # processes the refits ran in (1: one after another)

    def of(self, topic_id: int) -> float:
        row = self.per_topic[self.per_topic.topic_id == int(topic_id)]
        return float(row.stability.iloc[0]) if len(row) else float("nan")


def best_match_jaccard(reference: np.ndarray, other: np.ndarray, topic_ids) -> dict[int, float]:
    """For each topic of *reference*: the largest Jaccard overlap with any cluster of *other*."""
    reference, other = np.asarray(reference), np.asarray(other)
    counts = dict(zip(*np.unique(other, return_counts=True)))
    out = {}
    for t in topic_ids:
        a = reference == t
        size_a = int(a.sum())
        if size_a == 0:
            out[int(t)] = float("nan")
            continue
        labels, inter = np.unique(other[a], return_counts=True)
        sizes = np.array([counts[b] for b in labels])
        out[int(t)] = float(np.max(inter / (size_a + sizes - inter)))
    return out


def _assign_all(emb: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Every clustering outlier (-1) to its nearest cluster centroid (cosine)."""
    ids = sorted(set(labels.tolist()) - {-1})
    if not ids or not np.any(labels == -1):
        return labels
    cents = centroids(emb, labels, ids)
    out = labels.copy()
    rest = np.flatnonzero(labels == -1)
    out[rest] = np.asarray(ids)[np.argmax(normalise(emb[rest]) @ cents.T, axis=1)]
    return out


def _refit_slots(d, n: int, dim: int, seed: int, mcs: int, fitted_notes, refit_runs):
    """The refit's (reducer, clusterer): the discoverer's settings; Leiden's consensus runs
    *refit_runs* where given (None: the number the fit used)."""
    reducer, clusterer = sub.slots(d, n, dim, random_state=seed, min_topic_size=mcs, resolution_notes=fitted_notes,
                                   refit=True)
    if refit_runs is not None and hasattr(clusterer, "n_runs"):
        clusterer.n_runs = max(1, int(refit_runs))
    return reducer, clusterer


def cluster_once(discoverer, emb: np.ndarray, seed: int, min_cluster_size: int, assign_all: bool,
                 fitted_notes: int | None = None, refit_runs: int | None = None) -> np.ndarray:
    """The discoverer's clustering step (its reducer and clusterer settings) with *seed*, on *emb*;
    Leiden's resolution that of *fitted_notes* (the model's notes; None: ``len(emb)``) and its
    consensus runs *refit_runs* (None: the fit's)."""
    reducer, clusterer = _refit_slots(discoverer, len(emb), emb.shape[1], seed, min_cluster_size, fitted_notes,
                                      refit_runs)
    # UMAP: its fitted layout; BERTopic's identity reducer (Leiden) has no fit_transform
    reduced = reducer.fit_transform(emb) if hasattr(reducer, "fit_transform") else reducer.fit(emb).transform(emb)
    labels = np.asarray(clusterer.fit(reduced).labels_, dtype=int)
    return _assign_all(emb, labels) if assign_all else labels


def _draw(rows, n, seed, frac, shuffled, min_topic_size) -> tuple[np.ndarray, np.ndarray, int]:
    """(rows refitted, the order they are clustered in, the smallest topic) for one refit: a seeded
    share *frac* of *rows*, in a seeded order when *shuffled*, the smallest topic scaled to them."""
    rng = np.random.default_rng([int(seed), int(shuffled)])
    m = max(3, int(round(frac * len(rows)))) if frac < 1 else len(rows)
    part = np.sort(rng.choice(rows, size=min(m, len(rows)), replace=False))
    order = rng.permutation(len(part)) if shuffled else np.arange(len(part))
    return part, order, max(2, math.ceil(int(min_topic_size) * len(part) / n))


def _refit_on_subset(d, emb, rows, n, seed, frac, shuffled, assign_all,
                     refit_runs=None) -> tuple[np.ndarray, np.ndarray]:
    """(rows of *emb* refitted, their labels): a seeded share *frac* of *rows*, in a seeded order
    when *shuffled*, clustered with *seed*, the smallest topic scaled to the notes clustered and
    Leiden's resolution the model's (of *n* notes): the refit cuts as finely as the model."""
    part, order, mcs = _draw(rows, n, seed, frac, shuffled, d.min_topic_size)
    labels = np.empty(len(part), dtype=int)
    labels[order] = cluster_once(d, emb[part[order]], int(seed), mcs, assign_all, fitted_notes=n,
                                  refit_runs=refit_runs)
    return part, labels


def default_workers() -> int:
    """The cores this process may use (its CPU affinity and its container's CPU quota)."""
    from kvalitativ.cores import usable_cores

    return usable_cores()


def _communities(clusterer, graph) -> np.ndarray:
    """A worker's share of a refit: the consensus Leiden communities of a built graph."""
    return np.asarray(clusterer.fit_graph(graph).labels_, dtype=int)


def _refits_parallel(d, emb, rows, n, plan, frac, assign_all, workers, refit_runs=None) -> list:
    """:func:`_refit_on_subset` for every (seed, shuffled) of *plan*, the Leiden searches in
    *workers* forked processes while the next graph is built here; results in *plan*'s order."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    jobs, out = [], []
    # the workers' garbage collector then leaves the inherited objects (and their pages) alone;
    # not where the host program froze objects itself (its freeze is not ours to undo)
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"))
    try:
        for seed, shuffled in plan:
            part, order, mcs = _draw(rows, n, seed, frac, shuffled, d.min_topic_size)
            x = emb[part[order]]
            _, clusterer = _refit_slots(d, len(x), x.shape[1], int(seed), mcs, n, refit_runs)
            jobs.append((part, order, x, pool.submit(_communities, clusterer, clusterer.graph_of(x))))
        for part, order, x, job in jobs:
            labels = np.empty(len(part), dtype=int)
            found = job.result()
            labels[order] = _assign_all(x, found) if assign_all else found
            out.append((part, labels))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # on an error, the refits not started are dropped
        if freeze:
            gc.unfreeze()
    return out


def _can_fork(d) -> bool:
    """Refits run in forked workers only with Leiden (UMAP's numba layout cannot run in a forked
    process), where fork is safe to use (Linux) and where this process may have children (a
    daemonic process, e.g. a multiprocessing pool's or a Dask nanny's worker, may not)."""
    import multiprocessing as mp

    return (getattr(d, "clustering", "hdbscan") == "leiden" and sys.platform.startswith("linux")
            and not mp.current_process().daemon)


def topic_stability(discoverer, embeddings, topics, *, n_seeds: int = 5, shuffled: bool = True,
                    sample_size: int = STABILITY_SAMPLE, random_state: int = 0,
                    refit_share: float = REFIT_SHARE, workers: int = 0,
                    refit_runs: int | None = None) -> Stability | None:
    """Stability of the topics *topics* (one per row of *embeddings*) found by *discoverer*.

    *embeddings*: what the discoverer's clustering step was given (with the words in the graph,
    ``lexical_share``, the vectors beside the word block: ``discoverer._cluster_emb`` of a fit);
    None: that, from the fit (a loaded model given its notes with ``attach``: the same input rebuilt
    at the saved weight of the words). The unit vectors alone are refused where the fit clustered more, so
    the refits never cluster something else than the model did.
    *workers*: processes the refits run in (0: one per core; 1: one after another here); the
    result does not depend on it.
    *refit_runs*: Leiden's consensus runs per refit (None: the number the fit used, ``consensus_runs_``).
    None when the discoverer's reducer is an object of the caller's (it cannot be refitted).
    """
    d = discoverer
    if not isinstance(d.reducer, str):
        return None
    start = time.perf_counter()
    fitted = getattr(d, "_cluster_emb", None)
    if fitted is None and getattr(d, "_emb", None) is not None and getattr(d, "_texts", None) is not None:
        from kvalitativ.discover.graph_input import refitted_input  # a loaded model given its notes (attach)

        fitted = d._cluster_emb = refitted_input(d, d._texts, d._emb)
    if embeddings is None and fitted is None:
        raise InputError("stability: no vectors given and the discoverer keeps none from its fit")
    emb = np.asarray(fitted if embeddings is None else embeddings, dtype=np.float32)
    if fitted is not None and emb.shape[1] != np.shape(fitted)[1]:
        raise InputError(f"stability: vectors of {emb.shape[1]} dimensions, but the clustering step was given "
                         f"{np.shape(fitted)[1]} (the vectors beside the words): pass discoverer._cluster_emb or None")
    topics = np.asarray(topics, dtype=int)
    n = len(topics)
    rng = np.random.default_rng(random_state)
    rows = np.sort(rng.choice(n, size=sample_size, replace=False)) if n > sample_size else np.arange(n)
    assign_all = d.outlier_target is not None and float(d.outlier_target) == 0.0
    plan = [(int(random_state) + k, False) for k in range(1, int(n_seeds) + 1)]
    plan += [(int(random_state), True)] if shuffled else []
    workers = min(len(plan), int(workers) if int(workers) > 0 else default_workers())
    workers = workers if workers > 1 and _can_fork(d) else 1
    refits = None
    if workers > 1:
        from concurrent.futures.process import BrokenProcessPool

        try:
            refits = _refits_parallel(d, emb, rows, n, plan, float(refit_share), assign_all, workers,
                                           refit_runs)
        except (BrokenProcessPool, OSError) as exc:  # a worker killed (memory), or no fork: same refits here
            warnings.warn(f"stability: the refits' worker processes failed ({type(exc).__name__}: {exc}); "
                          "running them one after another instead (same result, slower)", RuntimeWarning,
                          stacklevel=2)
            workers = 1
    if refits is None:
        refits = [_refit_on_subset(d, emb, rows, n, seed, float(refit_share), shuf, assign_all, refit_runs)
                  for seed, shuf in plan]
    ids = [int(t) for t in sorted(set(topics.tolist()) - {-1})]
    per = {t: [] for t in ids}
    for part, other in refits:
        for t, j in best_match_jaccard(topics[part], other, ids).items():
            per[t].append(j)
    per_topic = pd.DataFrame({"topic_id": ids,
                              "stability": [float(np.nanmean(per[t])) if np.any(np.isfinite(per[t]))
                                            else float("nan") for t in ids]})
    aris = [float(adjusted_rand_score(topics[part], other)) for part, other in refits]
    return Stability(per_topic=per_topic, ari=float(np.mean(aris)) if aris else float("nan"), n_notes=len(rows),
                     n_refits=len(refits), seconds=time.perf_counter() - start, refit_aris=aris,
                     workers=workers)
