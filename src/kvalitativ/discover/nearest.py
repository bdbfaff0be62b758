"""Assigning notes to fitted topics: by a vote of the nearest fitted notes, or by the nearest centroid.

Why: above the fit sample, discovery fits its topics on a sample and assigns every other note
(``discover/sampled.py``), and a saved model assigns new notes (``discover --use-model``).
Leiden's topics are communities of the neighbour graph, not round blobs around a centre, so the
nearest *centroid* puts a note on the edge of a long or curved topic into the neighbouring one
that a full fit would not have given it. The k nearest *fitted notes* carry the topics' shapes:

* **knn** (``Discoverer(assignment="knn")``): the note's ``k`` nearest fitted notes by cosine
  (``k`` = the model's ``n_neighbors``, as many as the graph joined each note to; fitted notes
  left as outliers, topic -1, do not vote) vote for their topics, each with weight
  max(cosine, 0). The topic with the largest total wins; **ties** (totals within 1e-6) go to
  the tied topic holding the nearest voting note, then to the lower topic id. A note whose
  neighbours all have cosine ≤ 0 thus gets its nearest fitted note's topic.
* **centroid**: the topic whose centroid (mean of its notes, unit length) is nearest by cosine.

Either way the returned score is the cosine of the note to its topic's centroid, the meaning the
``score`` of a topic row has for fitted notes too (``Discoverer.scores_``, docs/schema.md).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ASSIGNMENTS", "knn_topics", "centroid_topics", "TIE_TOLERANCE"]

#: The assignment rules a discoverer knows (``Discoverer(assignment=...)``, ``discover.assignment``).
ASSIGNMENTS = ("knn", "centroid")

#: Vote totals this close count as a tie.
TIE_TOLERANCE = 1e-6

#: Similarities computed at a time (rows × fitted notes): bounds the memory of a block (~100 MB
#: with the partial sort's indices).
_BLOCK_CELLS = 4_000_000


def centroid_topics(emb: np.ndarray, centroids: np.ndarray, topic_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(topic id, cosine to it) of the nearest centroid for each row of *emb* (unit rows)."""
    if len(emb) == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    sims = emb.astype(np.float64) @ np.asarray(centroids, dtype=np.float64).T
    best = sims.argmax(axis=1)
    return np.asarray(topic_ids)[best].astype(int), sims[np.arange(len(emb)), best]


def _vote(sims: np.ndarray, topics: np.ndarray, n_topics: int) -> np.ndarray:
    """Winning topic position per row: *sims* and *topics* (positions) of each row's neighbours."""
    rows = np.repeat(np.arange(len(sims)), sims.shape[1])
    totals = np.zeros((len(sims), n_topics))
    np.add.at(totals, (rows, topics.ravel()), np.maximum(sims, 0.0).ravel())
    nearest = np.full((len(sims), n_topics), -np.inf)
    np.maximum.at(nearest, (rows, topics.ravel()), sims.ravel())
    voted = nearest > -np.inf
    best = np.where(voted, totals, -np.inf).max(axis=1, keepdims=True)
    tied = voted & (totals >= best - TIE_TOLERANCE)
    return np.where(tied, nearest, -np.inf).argmax(axis=1)  # first maximum: the lower topic id


def knn_topics(emb: np.ndarray, fitted: np.ndarray, fitted_topics: np.ndarray, topic_ids: np.ndarray,
               k: int) -> np.ndarray:
    """Topic id per row of *emb* by the similarity-weighted vote of its *k* nearest rows of
    *fitted* (unit rows, any float dtype) whose topic (*fitted_topics*) is one of *topic_ids*
    (see the module doc for the weights and the tie rule)."""
    topic_ids = np.unique(np.asarray(topic_ids, dtype=int))  # sorted: the first of tied is the lower id
    if len(emb) == 0:
        return np.zeros(0, dtype=int)
    fitted_topics = np.asarray(fitted_topics, dtype=int)
    voters = np.flatnonzero(np.isin(fitted_topics, topic_ids))
    pos_of = np.searchsorted(topic_ids, fitted_topics[voters])
    F = np.ascontiguousarray(fitted[voters], dtype=np.float32)
    k = max(1, min(int(k), len(voters)))
    block = max(1, _BLOCK_CELLS // max(len(voters), 1))
    out = np.empty(len(emb), dtype=int)
    for start in range(0, len(emb), block):
        sims = np.asarray(emb[start:start + block], dtype=np.float32) @ F.T
        cand = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < len(voters) else np.broadcast_to(
            np.arange(len(voters)), sims.shape)
        near = np.take_along_axis(sims, cand, axis=1).astype(np.float64)
        out[start:start + block] = topic_ids[_vote(near, pos_of[cand], len(topic_ids))]
    return out
