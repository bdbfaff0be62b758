"""Topic-model quality measures: topic diversity and stability across seeds.

Coherence (NPMI over a sliding window, as gensim's ``c_npmi``) is in
:mod:`kvalitativ.discover.coherence`; per-topic stability in :mod:`kvalitativ.discover.stability`.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from sklearn.metrics import adjusted_rand_score

__all__ = ["topic_diversity", "stability_ari", "stability_mi"]


def topic_diversity(topic_words: list[list[str]], top_n: int = 10) -> float:
    """Share of unique words among all topics' top-n words (1 = no word shared by two topics)."""
    words = [w for ws in topic_words for w in [x for x in ws if x][:top_n]]
    return len(set(words)) / len(words) if words else float("nan")


def stability_ari(assignments: list[np.ndarray]) -> float:
    """Mean pairwise adjusted Rand index between runs (outliers count as one more label)."""
    if len(assignments) < 2:
        return float("nan")
    return float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(assignments, 2)]))


def stability_mi(assignments: list[np.ndarray]) -> float:
    """Mean pairwise mutual information between runs, in bits: how much of a partition comes back
    with another seed (outliers count as one more label). One run: its entropy (nothing is lost).

    Why not only ARI: ARI and NMI are normalised, so two runs that both put everything in three
    broad topics agree perfectly while saying little; mutual information counts the bits of the
    partition that are reproduced, so a finer partition that mostly comes back scores higher
    than a coarse one that comes back whole, and a fine one that does not come back scores low.
    """
    from sklearn.metrics import mutual_info_score

    if not assignments:
        return float("nan")
    if len(assignments) == 1:
        a = assignments[0]
        return float(mutual_info_score(a, a) / np.log(2))
    return float(np.mean([mutual_info_score(a, b) for a, b in combinations(assignments, 2)]) / np.log(2))
