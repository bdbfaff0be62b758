"""Topic-model quality measures: topic diversity and stability across seeds.

Coherence (NPMI over a sliding window, as gensim's ``c_npmi``) is in
:mod:`kvalitativ.discover.coherence`; per-topic stability in :mod:`kvalitativ.discover.stability`.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from sklearn.metrics import adjusted_rand_score

__all__ = ["topic_diversity", "stability_ari"]


def topic_diversity(topic_words: list[list[str]], top_n: int = 10) -> float:
    """Share of unique words among all topics' top-n words (1 = no word shared by two topics)."""
    words = [w for ws in topic_words for w in [x for x in ws if x][:top_n]]
    return len(set(words)) / len(words) if words else float("nan")


def stability_ari(assignments: list[np.ndarray]) -> float:
    """Mean pairwise adjusted Rand index between runs (outliers count as one more label)."""
    if len(assignments) < 2:
        return float("nan")
    return float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(assignments, 2)]))
