"""A neighbour graph that reads words as well as meaning: the clustering input with a lexical block.

Why: the e5 vectors place notes by meaning and can miss the topic words a bag of words catches
(the zero-shot coder gained most from a lexical TF-IDF block beside the embedding). With
``lexical_weight`` a > 0 the clustering step gets, per note, the unit e5 vector times √(1−a)
beside a unit lexical vector times √a, so the cosine between two notes is
``(1 − a) · cos_e5 + a · cos_words`` — the graph is built on that, nothing else changes (keywords,
centroids, scores and assignment stay on the e5 vectors).

The lexical vector: TF-IDF (sublinear tf) over the discoverer's own keyword analyzer (lower-cased
lemmas, the curated stop words, its n-grams: words and two-word phrases by default), terms in at
least :data:`MIN_DF` notes, reduced by TruncatedSVD to :data:`DIM` dimensions and scaled to unit
length. It is built from the notes the discoverer fits, deterministically: each distinct text once
(sorted, so the notes' order does not matter and copies get bit-identical rows), a fixed SVD seed.
A note without any counted term has a zero lexical block (its cosine is then e5's alone, scaled).

``lexical_share`` s sets the weight from the data instead (:func:`share_weight`): the two cosines'
standard deviations σ_e (the clustering step's vectors) and σ_w (the lexical vectors) are
estimated on :data:`SPREAD_PAIRS` random pairs of notes (seed :data:`SPREAD_SEED`, fixed: the
weight does not depend on the clustering seed), and a is chosen so that the words carry the
share s of the similarity's spread: a·σ_w = s/(1−s)·(1−a)·σ_e, i.e.
a = r·σ_e / (σ_w + r·σ_e) with r = s/(1−s). No labels are involved.
"""

from __future__ import annotations

import math

import numpy as np

from kvalitativ.discover.representatives import normalise

__all__ = ["DIM", "MIN_DF", "SPREAD_PAIRS", "SPREAD_SEED", "cosine_spreads", "lexical_vectors", "share_weight",
           "with_words"]

#: Dimensions the TF-IDF matrix is reduced to (fewer when the vocabulary or the notes are fewer).
DIM = 100
#: A term counts when it occurs in at least this many notes (lowered to 1 when none does).
MIN_DF = 2
#: Random pairs of notes the cosines' spreads are estimated on (``lexical_share``).
SPREAD_PAIRS = 20_000
#: The seed those pairs are drawn with (fixed, not the clustering seed).
SPREAD_SEED = 0


def lexical_vectors(texts: list[str], analyzer, dim: int = DIM, min_df: int = MIN_DF) -> np.ndarray:
    """Unit TF-IDF vectors of *texts* (one row per text, float32) reduced to ≤ *dim* dimensions."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    distinct, inverse = np.unique(np.asarray(texts, dtype=object).astype(str), return_inverse=True)
    tfidf = None
    for df in sorted({max(1, int(min_df)), 1}, reverse=True):
        try:
            tfidf = TfidfVectorizer(analyzer=analyzer, min_df=df, sublinear_tf=True, lowercase=False,
                                    dtype=np.float64).fit_transform(distinct.tolist())
            break
        except ValueError:  # no term occurs that often (or no terms at all)
            continue
    if tfidf is None:
        return np.zeros((len(texts), 1), dtype=np.float32)
    k = min(int(dim), tfidf.shape[1] - 1, tfidf.shape[0] - 1)
    if k >= 1:
        reduced = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=7, random_state=0).fit_transform(tfidf)
    else:  # one distinct text or one term: the TF-IDF itself
        reduced = tfidf.toarray()
    return normalise(reduced)[inverse.ravel()].astype(np.float32)


def with_words(emb: np.ndarray, lexical: np.ndarray, weight: float) -> np.ndarray:
    """[√(1−w) · unit e5 | √w · unit lexical]: cosine = (1−w)·cos_e5 + w·cos_words (rows unit where
    the lexical block is non-zero). *weight* 0 gives *emb* back unchanged."""
    w = float(weight)
    if w == 0:
        return emb
    return np.hstack([math.sqrt(1.0 - w) * normalise(emb), math.sqrt(w) * normalise(lexical)]).astype(np.float32)


def cosine_spreads(emb: np.ndarray, lexical: np.ndarray, n_pairs: int = SPREAD_PAIRS,
                   seed: int = SPREAD_SEED) -> tuple[float, float]:
    """(σ_e, σ_w): the standard deviations of the cosines of *emb*'s and of *lexical*'s rows over
    *n_pairs* random pairs of different notes (drawn with *seed*)."""
    n = len(emb)
    if n < 2:
        return 0.0, 0.0
    rng = np.random.default_rng(int(seed))
    i = rng.integers(0, n, size=int(n_pairs))
    j = rng.integers(0, n - 1, size=int(n_pairs))
    j = j + (j >= i)  # a note is not paired with itself
    e, w = normalise(emb), normalise(lexical)
    return (float(np.einsum("ij,ij->i", e[i], e[j]).std()), float(np.einsum("ij,ij->i", w[i], w[j]).std()))


def share_weight(sigma_e: float, sigma_w: float, share: float) -> float:
    """The weight a that gives the words the share *share* (s) of the similarity's spread:
    a·σ_w = s/(1−s)·(1−a)·σ_e, so a = r·σ_e / (σ_w + r·σ_e) with r = s/(1−s); 0 when s is 0 or
    the words' cosines do not vary (they could carry no share: the vectors alone)."""
    s = float(share)
    if s <= 0 or float(sigma_w) <= 0:
        return 0.0
    r = s / (1.0 - s)
    return r * float(sigma_e) / (float(sigma_w) + r * float(sigma_e))
