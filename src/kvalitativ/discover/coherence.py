"""Topic coherence the standard way: NPMI over a boolean sliding window (gensim's ``c_npmi``).

Why: a tuning rule that trusts coherence needs the coherence researchers know. gensim's
``CoherenceModel(coherence="c_npmi")`` slides a window of 10 tokens over each text of a
reference corpus; every window is a virtual document (a text shorter than the window is one).
Only texts holding at least one of the topics' words count. For each pair of a topic's top
words, NPMI = log((p(a,b) + ε) / (p(a) p(b))) / −log(p(a,b) + ε) with ε = 1e-12 and p the share
of windows holding the word(s); a topic's coherence is the mean over its pairs, the model's the
mean over topics. Every text counts (an empty one is one window), as in gensim 4. This is that computation in numpy (gensim is not a dependency).

The reference corpus is the notes themselves, tokenised as the keywords are (lemmatised,
stop words out, in the notes' language: :class:`~kvalitativ.text.lemmas.DanishAnalyzer`); a two-word keyword counts in
a window when both its words stand next to each other inside it.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

__all__ = ["WindowIndex", "c_npmi", "WINDOW", "EPSILON"]

WINDOW = 10
EPSILON = 1e-12


class WindowIndex:
    """The reference corpus as one token stream with document and phrase boundaries."""

    def __init__(self, texts, analyzer, window: int = WINDOW):
        self.window = int(window)
        vocab: dict[str, int] = {}
        toks, seg, doc = [], [], []
        n_seg = 0
        for d, text in enumerate(texts):
            for s in analyzer.segments(text):
                toks += [vocab.setdefault(t, len(vocab)) for t in s]
                seg += [n_seg] * len(s)
                doc += [d] * len(s)
                n_seg += 1
        self.vocab = vocab
        self.tok = np.asarray(toks, dtype=np.int64)
        self.seg = np.asarray(seg, dtype=np.int64)
        self.doc = np.asarray(doc, dtype=np.int64)
        n_docs = len(texts)
        lengths = np.bincount(self.doc, minlength=n_docs) if len(self.doc) else np.zeros(n_docs, dtype=np.int64)
        self.doc_start = np.r_[0, np.cumsum(lengths)[:-1]] if n_docs else np.zeros(0, dtype=np.int64)
        self.n_windows = np.maximum(1, lengths - self.window + 1)
        self.window_start = np.r_[0, np.cumsum(self.n_windows)[:-1]] if n_docs else np.zeros(0, dtype=np.int64)
        self._cache: dict[str, np.ndarray] = {}

    def _occurrences(self, term: str) -> np.ndarray:
        """Global token positions where *term* (one word or a phrase) starts."""
        words = term.split()
        ids = [self.vocab.get(w) for w in words]
        if not words or any(i is None for i in ids):
            return np.zeros(0, dtype=np.int64)
        pos = np.flatnonzero(self.tok == ids[0])
        for k, i in enumerate(ids[1:], start=1):
            pos = pos[pos + k < len(self.tok)]
            pos = pos[(self.tok[pos + k] == i) & (self.seg[pos + k] == self.seg[pos])]
        return pos

    def windows(self, term: str) -> np.ndarray:
        """Sorted global ids of the windows holding *term*."""
        if term not in self._cache:
            pos = self._occurrences(term)
            n = len(term.split())
            d = self.doc[pos]
            q = pos - self.doc_start[d]
            lo = np.maximum(0, q + n - self.window)
            hi = np.minimum(q, self.n_windows[d] - 1)
            base = self.window_start[d]
            parts = [np.arange(b + a, b + c + 1) for a, c, b in zip(lo, hi, base)]
            wins = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
            self._cache[term] = wins
        return self._cache[term]


def _npmi(a: np.ndarray, b: np.ndarray, n: int) -> float:
    if len(a) == 0 or len(b) == 0 or n == 0:
        return -1.0  # a word the reference corpus never holds
    p_ab = len(np.intersect1d(a, b, assume_unique=True)) / n
    return float(np.log((p_ab + EPSILON) / ((len(a) / n) * (len(b) / n))) / -np.log(p_ab + EPSILON))


def c_npmi(topic_words: list[list[str]], index: WindowIndex, top_n: int = 10, per_topic: bool = False):
    """Mean NPMI of each topic's top-*top_n* words over the sliding windows (gensim ``c_npmi``).

    Returns the mean over topics, or the list of per-topic values with ``per_topic=True``.
    """
    tops = [[w for w in words if w][:top_n] for words in topic_words]
    n = int(index.n_windows.sum())
    values = []
    for words in tops:
        pairs = list(combinations(words, 2))
        if pairs:
            values.append(float(np.mean([_npmi(index.windows(a), index.windows(b), n) for a, b in pairs])))
    if per_topic:
        return values
    return float(np.mean(values)) if values else float("nan")
