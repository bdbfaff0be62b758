"""The keyword baseline: a theme applies when a word of the text matches one of its stems.

Stems come from the theme's label words (and, with ``use_keywords``, its ``keywords``), lower-
cased, with a common Danish suffix cut off (``-heder``, ``-hed``, ``-ene``, ``-er``, ``-e`` ...).
By default (``match="prefix"``) a word of the text matches a keyword when it starts with the
keyword's stem: Danish compounds count ("trafik" matches "trafiksikkerhed"), and so do unrelated
words ("mor" matches "morgen"). ``match="stem"`` asks for the same stem ("parken" matches
"parker", not "parkering"), and then a keyword written with a trailing ``*`` ("park*") still
matches as a prefix. Stem equality was measured and not adopted: it lost the compounds
(citizen input zero-shot micro-F1 0.733 -> 0.680, keyword baseline 0.698 -> 0.529; the sample
about level, 0.683 -> 0.684;
``scripts/benchmarks/bench_coding_select.py``).
The zero-shot coder's keyword seeds use the same matcher (:func:`keyword_patterns`,
:func:`stem_presence`). It is what a careful analyst would do with a search box; the other
coders must beat it.
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

__all__ = ["KeywordCoder", "stem", "stem_presence", "pattern_counts", "keyword_patterns", "MATCHES"]

_SUFFIXES = ("heder", "heden", "hed", "itet", "erne", "ene", "er", "et", "en", "e")
_STOP = {"og", "i", "med", "for", "af", "til", "på", "om", "the", "and"}
_TOKEN = re.compile(r"[a-zæøåéü0-9]+")
MATCHES = ("stem", "prefix")


def stem(word: str) -> str:
    w = word.lower()
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def keyword_patterns(text: str, match: str = "prefix") -> tuple[str, ...]:
    """The match patterns of one keyword (or label), one per word of it (stop words and words
    under 3 letters left out), sorted and distinct: the word's stem, with a trailing ``*`` where
    the word is to match as a prefix (written so, or every word with ``match="prefix"``)."""
    if match not in MATCHES:
        raise ValueError(f"keyword match is {match!r}: use one of {', '.join(MATCHES)}")
    out = set()
    for m in re.finditer(_TOKEN.pattern + r"(\*?)", str(text).lower()):
        w, star = m.group(0).rstrip("*"), m.group(0).endswith("*")
        if w in _STOP or len(w) < 3:
            continue
        out.add(stem(w) + ("*" if star or match == "prefix" else ""))
    return tuple(sorted(out))


def stem_presence(texts, stems: list[str]) -> csc_matrix:
    """(n_texts, n_stems) 0/1: the text has a word (as ``_TOKEN`` finds them in the lower-cased
    text) whose stem is the pattern, or, for a pattern ending in ``*``, that starts with it
    (patterns as :func:`keyword_patterns` makes them).

    Why sparse algebra: testing every word of every text against every stem in Python took half
    a minute on 50,000 sentences. Here each distinct word is tested once (a prefix's words are
    one range of the sorted vocabulary, a stem's words one group), and the text × pattern hits
    are one sparse product."""
    n = len(texts)
    if not n or not stems:
        return csc_matrix((n, len(stems)), dtype=np.int32)
    counter = CountVectorizer(token_pattern=_TOKEN.pattern, lowercase=True, binary=True, dtype=np.int32)
    try:
        X = counter.fit_transform([str(t) for t in texts])
    except ValueError:  # no word in any text
        return csc_matrix((n, len(stems)), dtype=np.int32)
    vocab = counter.get_feature_names_out().tolist()  # sorted: a prefix's words are one range
    by_stem: dict[str, list[int]] = {}
    if any(not s.endswith("*") for s in stems):
        for i, w in enumerate(vocab):
            by_stem.setdefault(stem(w), []).append(i)
    rows, cols = [], []
    for j, s in enumerate(stems):
        if s.endswith("*"):
            lo, hi = bisect_left(vocab, s[:-1]), bisect_left(vocab, s[:-1] + "\U0010ffff")
            hit = range(lo, hi)
        else:
            hit = by_stem.get(s, ())
        rows.extend(hit)
        cols.extend([j] * len(hit))
    W = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(vocab), len(stems)))
    H = (X @ W).tocsc()
    H.data[:] = 1
    return H


def pattern_counts(texts, groups) -> np.ndarray:
    """(n_texts, n_groups): how many of each group's patterns (a theme's stems, a keyword's
    words) the text has, from one :func:`stem_presence` over every pattern of every group."""
    out = np.zeros((len(texts), len(groups)), dtype=np.int64)
    columns = sorted({p for g in groups for p in g})
    if not columns or not len(texts):
        return out
    H = stem_presence(list(texts), columns)
    index = {p: j for j, p in enumerate(columns)}
    for j, g in enumerate(groups):
        if g:
            out[:, j] = np.asarray(H[:, [index[p] for p in g]].sum(axis=1)).ravel()
    return out


class KeywordCoder(BaseCoder):
    """Match codebook label words (and keywords) by stem; no embedding, no training.

    ``keyword_match``: ``"prefix"`` (a word starting with a keyword's stem matches) or
    ``"stem"`` (the same stem only; ``*`` at the end of a keyword makes it a prefix)."""

    method = "keyword"

    def __init__(self, codebook="ungekompetencer", level="note", use_keywords=True, threshold=None,
                 keyword_match="prefix"):
        self.codebook = codebook
        self.level = level
        self.use_keywords = use_keywords
        self.threshold = threshold
        self.keyword_match = keyword_match

    def fit(self, X=None, y=None) -> "KeywordCoder":
        cb = load_codebook(self.codebook)
        themes = cb.leaves()
        self.classes_ = np.array([t.id for t in themes], dtype=object)
        self.language_ = cb.language  # the valence lexicon's language
        self.stems_ = []
        for t in themes:
            words = [t.label, *(t.keywords if self.use_keywords else ())]
            self.stems_.append(sorted({p for w in words for p in keyword_patterns(w, self.keyword_match)}))
        self.thresholds_ = np.full(len(self.classes_), 0.5)
        return self

    def predict_proba(self, X) -> np.ndarray:
        return (pattern_counts(list(X), self.stems_) > 0).astype(np.float64)

    def predict_valence(self, X, Y=None) -> np.ndarray:
        texts = [str(t) for t in X]
        if Y is None:
            Y = self.predict(texts)
        out = np.full((len(texts), len(self.classes_)), None, dtype=object)
        for i, j in zip(*np.nonzero(np.asarray(Y))):
            s = lexical_polarity(texts[i], self.language_)
            out[i, j] = "strength" if s > 0.15 else "concern" if s < -0.15 else "neutral"
        return out
