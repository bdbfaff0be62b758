"""Topic centroids and representative notes that are central AND different from each other.

Why not BERTopic's own: it keeps three notes drawn at random from a c-TF-IDF sample.
An analyst reading a topic needs 5–20 notes that show its core *and* its range, so we
pick them by maximal marginal relevance (MMR) over the notes' embeddings: first the
note closest to the topic centroid, then repeatedly the note that is close to the
centroid but far from the notes already chosen. Deterministic (ties go to the lower index).
"""

from __future__ import annotations

import numpy as np

__all__ = ["normalise", "centroids", "mmr_select", "representatives"]


def normalise(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), float64 for stable sums."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


def centroids(embeddings: np.ndarray, topics: np.ndarray, topic_ids) -> np.ndarray:
    """Unit-length mean of the (unit-length) embeddings of each topic, in ``topic_ids`` order."""
    emb = normalise(embeddings)
    topics = np.asarray(topics)
    rows = [emb[topics == t].mean(axis=0) for t in topic_ids]
    return normalise(np.vstack(rows)) if rows else np.zeros((0, emb.shape[1]))


def mmr_select(vectors: np.ndarray, centre: np.ndarray, k: int, diversity: float = 0.3) -> list[int]:
    """Indices of *k* rows of *vectors* chosen by MMR around *centre* (all unit length).

    score = (1 - diversity) * cos(row, centre) - diversity * max cos(row, chosen).
    """
    n = len(vectors)
    if n == 0 or k <= 0:
        return []
    relevance = vectors @ centre
    chosen = [int(np.argmax(relevance))]
    if k == 1 or n == 1:
        return chosen
    max_sim = vectors @ vectors[chosen[0]]
    available = np.ones(n, dtype=bool)
    available[chosen[0]] = False
    while len(chosen) < min(k, n):
        score = (1 - diversity) * relevance - diversity * max_sim
        score[~available] = -np.inf
        nxt = int(np.argmax(score))
        chosen.append(nxt)
        available[nxt] = False
        max_sim = np.maximum(max_sim, vectors @ vectors[nxt])
    return chosen


def representatives(embeddings: np.ndarray, topics: np.ndarray, topic_ids, cents: np.ndarray,
                    k: int = 8, diversity: float = 0.3) -> dict[int, list[tuple[int, float]]]:
    """Per topic: ``[(doc_index, cosine to centroid), ...]`` — k notes, central and varied."""
    emb = normalise(embeddings)
    topics = np.asarray(topics)
    out: dict[int, list[tuple[int, float]]] = {}
    for t, c in zip(topic_ids, cents):
        idx = np.flatnonzero(topics == t)
        picks = mmr_select(emb[idx], c, k, diversity)
        out[int(t)] = [(int(idx[p]), float(emb[idx[p]] @ c)) for p in picks]
    return out
