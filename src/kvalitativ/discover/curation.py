"""Curation (merging and renaming topics) that survives refitting on next year's notes.

Topic ids are arbitrary: a refit numbers topics anew. So every curation step is recorded
with a *snapshot* of the topics as they were when the analyst made it (ids, centroids,
top keywords). To re-apply it to a new model we match old topics to new ones:

**Matching rule.** Similarity between an old and a new topic is the cosine of their
centroids when both live in the same embedding space (same dimension), otherwise the
Jaccard overlap of their top keywords. An old topic *o* matches a new topic *n* when they
are each other's best match (*n* is the most similar new topic to *o* and *o* the most
similar old topic to *n*) and the similarity is at least ``min_similarity`` (0.5 for
cosine, 0.1 for Jaccard). A merge is re-applied to the new topics its old topics matched
(if at least two distinct ones); a rename to the new topic its old topic matched.
Steps that find no match are kept and reported, never guessed.

Everything here is plain JSON-able data: lists, dicts, floats, strings.
"""

from __future__ import annotations

import numpy as np

__all__ = ["snapshot", "similarity_matrix", "match_topics", "MIN_COSINE", "MIN_JACCARD"]

MIN_COSINE = 0.5
MIN_JACCARD = 0.1


def snapshot(topic_ids, centroids: np.ndarray, keywords: list[list[str]]) -> dict:
    """JSON-able picture of a model's topics (outlier topic -1 excluded)."""
    keep = [i for i, t in enumerate(topic_ids) if int(t) != -1]
    return {
        "topic_ids": [int(topic_ids[i]) for i in keep],
        "keywords": [list(keywords[i][:10]) for i in keep],
        "centroids": [[round(float(v), 6) for v in centroids[i]] for i in keep],
    }


def similarity_matrix(old: dict, new: dict) -> tuple[np.ndarray, str]:
    """(old × new similarities, "cosine" | "jaccard")."""
    a = np.asarray(old.get("centroids") or [], dtype=np.float64)
    b = np.asarray(new.get("centroids") or [], dtype=np.float64)
    if a.ndim == 2 and b.ndim == 2 and a.size and b.size and a.shape[1] == b.shape[1]:
        an = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
        bn = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
        return an @ bn.T, "cosine"
    sim = np.zeros((len(old["keywords"]), len(new["keywords"])))
    for i, ka in enumerate(old["keywords"]):
        for j, kb in enumerate(new["keywords"]):
            sa, sb = set(ka), set(kb)
            sim[i, j] = len(sa & sb) / len(sa | sb) if sa | sb else 0.0
    return sim, "jaccard"


def match_topics(old: dict, new: dict, min_similarity: float | None = None) -> dict[int, tuple[int, float]]:
    """Old topic id -> (new topic id, similarity) by the mutual-best rule above."""
    if not old["topic_ids"] or not new["topic_ids"]:
        return {}
    sim, kind = similarity_matrix(old, new)
    floor = min_similarity if min_similarity is not None else (MIN_COSINE if kind == "cosine" else MIN_JACCARD)
    best_new = sim.argmax(axis=1)
    best_old = sim.argmax(axis=0)
    out = {}
    for i, j in enumerate(best_new):
        if best_old[j] == i and sim[i, j] >= floor:
            out[int(old["topic_ids"][i])] = (int(new["topic_ids"][j]), float(sim[i, j]))
    return out
