"""Topic-model quality measures: NPMI coherence, topic diversity, stability across seeds.

Why our own NPMI: the usual implementation (gensim) is not installed and slides a window over
a reference corpus; with short notes the document is the natural window. We count in how many
notes of *this* corpus each pair of top terms occurs together (terms lemmatised exactly as the
topic keywords are, bigrams included), so coherence says whether the words of a topic really
occur together in these notes.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from sklearn.metrics import adjusted_rand_score

__all__ = ["DocTermIndex", "npmi_coherence", "topic_diversity", "stability_ari"]


class DocTermIndex:
    """Binary note × term incidence, built once per corpus with the keyword analyzer."""

    def __init__(self, texts, analyzer):
        from sklearn.feature_extraction.text import CountVectorizer

        cv = CountVectorizer(analyzer=analyzer, binary=True)
        self.matrix = cv.fit_transform(list(texts)).tocsc().astype(np.int32)
        self.vocab = cv.vocabulary_
        self.n_docs = self.matrix.shape[0]
        self._cols: dict[str, np.ndarray] = {}

    def docs(self, term: str) -> np.ndarray:
        """Sorted indices of the notes containing *term* (empty when unseen)."""
        if term not in self._cols:
            j = self.vocab.get(term)
            if j is None:
                self._cols[term] = np.zeros(0, dtype=np.int32)
            else:
                col = self.matrix[:, j]
                self._cols[term] = col.indices[col.data > 0]
        return self._cols[term]


def _npmi_pair(a: np.ndarray, b: np.ndarray, n: int, eps: float = 1e-12) -> float:
    if len(a) == 0 or len(b) == 0:
        return -1.0
    joint = len(np.intersect1d(a, b, assume_unique=True))
    if joint == 0:
        return -1.0
    p_ab = joint / n
    if p_ab >= 1.0 - eps:
        return 1.0
    pmi = np.log(p_ab / ((len(a) / n) * (len(b) / n)))
    return float(pmi / -np.log(p_ab))


def npmi_coherence(topic_words: list[list[str]], index: DocTermIndex, top_n: int = 10) -> float:
    """Mean over topics of the mean NPMI over pairs of the top-n terms (range −1 … 1)."""
    per_topic = []
    for words in topic_words:
        words = [w for w in words if w][:top_n]
        pairs = list(combinations(words, 2))
        if not pairs:
            continue
        per_topic.append(np.mean([_npmi_pair(index.docs(a), index.docs(b), index.n_docs) for a, b in pairs]))
    return float(np.mean(per_topic)) if per_topic else float("nan")


def topic_diversity(topic_words: list[list[str]], top_n: int = 10) -> float:
    """Share of unique words among all topics' top-n words (1 = no word shared by two topics)."""
    words = [w for ws in topic_words for w in [x for x in ws if x][:top_n]]
    return len(set(words)) / len(words) if words else float("nan")


def stability_ari(assignments: list[np.ndarray]) -> float:
    """Mean pairwise adjusted Rand index between runs (outliers count as one more label)."""
    if len(assignments) < 2:
        return float("nan")
    return float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(assignments, 2)]))
