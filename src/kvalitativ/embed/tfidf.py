"""TF-IDF + truncated SVD: a fast, deterministic embedder with no neural model.

Its vector space is learned from a corpus, so it must be fitted: call ``fit(texts)``, or let
the first ``encode`` fit it on the texts it is given. Vectors are comparable only within one
fitted instance; ``version`` carries a fingerprint of the fitting corpus and the settings, so
the on-disk cache never mixes vectors from two fits. Words and character n-grams (within
word boundaries) are both used, so Danish inflections ("motiveret", "motivation") still meet.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .base import l2_normalise

__all__ = ["TfidfEmbedder"]


class TfidfEmbedder:
    """TF-IDF (words 1–2 + char 2–5) reduced to ``dim`` dimensions by TruncatedSVD.

    Up to ``exact_below`` fitting texts the decomposition is exact (via the text-by-text Gram
    matrix, fast when texts are few and n-gram features many); above, randomized SVD.
    ``dim`` is an upper bound: a small corpus gets fewer components (at most the number of
    texts - 1 and of features - 1); after fitting, ``dim`` is the real number.
    """

    name = "tfidf"
    needs_fit = True

    def __init__(self, dim: int = 256, random_state: int = 0, min_df: int = 1, progress: bool = False,
                 exact_below: int = 3000):
        self.exact_below = int(exact_below)
        self.dim = int(dim)
        self.requested_dim = int(dim)
        self.random_state = random_state
        self.min_df = min_df
        self.progress = progress
        self.fingerprint_: str | None = None

    @property
    def is_fitted(self) -> bool:
        return self.fingerprint_ is not None

    @property
    def version(self) -> str:
        fp = self.fingerprint_ or "unfitted"
        return f"tfidf-w12c25-svd{self.requested_dim}-rs{self.random_state}-{fp}"

    def fit(self, texts: list[str]) -> "TfidfEmbedder":
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [str(t) for t in texts]
        if not texts:
            from kvalitativ.errors import InputError

            raise InputError("tfidf embedder: cannot fit on zero texts")
        self.word_ = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=True,
                                     min_df=self.min_df, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
        self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True,
                                     min_df=self.min_df, sublinear_tf=True)
        x = hstack([self.word_.fit_transform(texts), self.char_.fit_transform(texts)]).tocsr()
        k = max(1, min(self.requested_dim, x.shape[0] - 1, x.shape[1] - 1))
        if x.shape[0] <= self.exact_below:
            # exact, via the small text-by-text Gram matrix: G = X Xᵀ = U S² Uᵀ, and a text y
            # maps to (y Xᵀ) U / S — the same as projecting y onto the top right singular vectors.
            gram = (x @ x.T).toarray().astype(np.float64)
            vals, vecs = np.linalg.eigh(gram)
            order = np.argsort(vals)[::-1][:k]
            vals, vecs = np.clip(vals[order], 1e-12, None), vecs[:, order]
            vecs *= np.where(vecs[np.abs(vecs).argmax(axis=0), range(k)] < 0, -1.0, 1.0)  # fixed signs
            self.train_ = x
            self.projection_ = (vecs / np.sqrt(vals)).astype(np.float64)
            self.components_ = None
        else:
            # randomized SVD in the (smaller) text space when features outnumber texts
            from sklearn.utils.extmath import randomized_svd

            _, _, vt = randomized_svd(x, k, n_iter=5, random_state=self.random_state,
                                      transpose=x.shape[0] > x.shape[1])
            self.components_ = vt.astype(np.float32)
        self.dim = k
        h = hashlib.sha256()
        for t in sorted(set(texts)):
            h.update(hashlib.sha256(t.encode("utf-8")).digest())
        self.fingerprint_ = h.hexdigest()[:16]
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        from scipy.sparse import hstack

        texts = [str(t) for t in texts]
        if not self.is_fitted:
            self.fit(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        x = hstack([self.word_.transform(texts), self.char_.transform(texts)]).tocsr()
        if self.components_ is None:
            return l2_normalise(np.asarray((x @ self.train_.T) @ self.projection_))
        return l2_normalise(np.asarray(x @ self.components_.T))
