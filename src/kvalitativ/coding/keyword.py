"""The keyword baseline: a theme applies when a word of the text starts with one of its stems.

Stems come from the theme's label words (and, with ``use_keywords``, its ``keywords``), lower-
cased, with a common Danish suffix cut off (``-heder``, ``-hed``, ``-ene``, ``-er``, ``-e`` ...).
It is what a careful analyst would do with a search box; the other coders must beat it.
Valence is the lexical polarity (with negation). Scores are 1.0 (match) or 0.0.
"""

from __future__ import annotations

import re
from bisect import bisect_left

import numpy as np
from scipy.sparse import csc_matrix, csr_matrix
from sklearn.feature_extraction.text import CountVectorizer

from kvalitativ.codebook import load_codebook

from .base import BaseCoder
from .valence import lexical_polarity

__all__ = ["KeywordCoder", "stem", "stem_presence"]

_SUFFIXES = ("heder", "heden", "hed", "itet", "erne", "ene", "er", "et", "en", "e")
_STOP = {"og", "i", "med", "for", "af", "til", "på", "om", "the", "and"}
_TOKEN = re.compile(r"[a-zæøåéü0-9]+")


def stem(word: str) -> str:
    w = word.lower()
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def stem_presence(texts, stems: list[str]) -> csc_matrix:
    """(n_texts, n_stems) 0/1: the text has a word that starts with the stem (words as
    ``_TOKEN`` finds them in the lower-cased text).

    Why sparse algebra: testing every word of every text against every stem in Python took half
    a minute on 50,000 sentences. Here each distinct word is tested once (a stem's words are one
    range of the sorted vocabulary), and the text × stem hits are one sparse product."""
    n = len(texts)
    if not n or not stems:
        return csc_matrix((n, len(stems)), dtype=np.int32)
    counter = CountVectorizer(token_pattern=_TOKEN.pattern, lowercase=True, binary=True, dtype=np.int32)
    try:
        X = counter.fit_transform([str(t) for t in texts])
    except ValueError:  # no word in any text
        return csc_matrix((n, len(stems)), dtype=np.int32)
    vocab = counter.get_feature_names_out().tolist()  # sorted: a stem's words are one range
    rows, cols = [], []
    for j, s in enumerate(stems):
        lo, hi = bisect_left(vocab, s), bisect_left(vocab, s + "\U0010ffff")
        rows.extend(range(lo, hi))
        cols.extend([j] * (hi - lo))
    W = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(vocab), len(stems)))
    H = (X @ W).tocsc()
    H.data[:] = 1
    return H


class KeywordCoder(BaseCoder):
    """Match codebook label words (and keywords) by stem; no embedding, no training."""

    method = "keyword"

    def __init__(self, codebook="ungekompetencer", level="note", use_keywords=True, threshold=None):
        self.codebook = codebook
        self.level = level
        self.use_keywords = use_keywords
        self.threshold = threshold

    def fit(self, X=None, y=None) -> "KeywordCoder":
        cb = load_codebook(self.codebook)
        themes = cb.leaves()
        self.classes_ = np.array([t.id for t in themes], dtype=object)
        self.stems_ = []
        for t in themes:
            words = _TOKEN.findall(t.label.lower())
            if self.use_keywords:
                for kw in t.keywords:
                    words += _TOKEN.findall(kw.lower())
            self.stems_.append(sorted({stem(w) for w in words if w not in _STOP and len(w) >= 3}))
        self.thresholds_ = np.full(len(self.classes_), 0.5)
        return self

    def predict_proba(self, X) -> np.ndarray:
        columns = sorted({s for stems in self.stems_ for s in stems})
        index = {s: j for j, s in enumerate(columns)}
        H = stem_presence(list(X), columns)
        out = np.zeros((H.shape[0], len(self.classes_)))
        for j, stems in enumerate(self.stems_):
            if stems:
                out[:, j] = np.asarray(H[:, [index[s] for s in stems]].sum(axis=1)).ravel() > 0
        return out

    def predict_valence(self, X, Y=None) -> np.ndarray:
        texts = [str(t) for t in X]
        if Y is None:
            Y = self.predict(texts)
        out = np.full((len(texts), len(self.classes_)), None, dtype=object)
        for i, j in zip(*np.nonzero(np.asarray(Y))):
            s = lexical_polarity(texts[i])
            out[i, j] = "strength" if s > 0.15 else "concern" if s < -0.15 else "neutral"
        return out
