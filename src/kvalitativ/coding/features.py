"""Lexical + embedding features for the supervised coder.

On Danish text neither alone is best: TF-IDF catches the exact words a coder keys on
("UU", "pjæk", "hash") and e5 catches paraphrase. Word n-grams (1–2) and character n-grams
within word boundaries (2–5, robust to inflection and typos) are stacked with the embedding,
which is scaled by ``embedding_weight`` so its 384 dense columns weigh against the many sparse
ones in one regularised linear model.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["LexicalFeatures", "stack_features"]


class LexicalFeatures:
    """TF-IDF of words (1–2) and characters (2–5, ``char_wb``), sublinear tf, l2 per block.

    ``chars=False`` keeps the word block only: character n-grams cost four times the words'
    time per text, which the zero-shot coder pays on every sentence of a run."""

    def __init__(self, min_df: int = 1, max_features: int | None = 200_000, chars: bool = True):
        self.min_df = min_df
        self.max_features = max_features
        self.chars = chars

    def fit(self, texts) -> "LexicalFeatures":
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts) -> csr_matrix:
        """Fit, and the features of ``texts`` (as ``transform`` would give them, one pass fewer)."""
        texts = np.asarray([str(t) for t in texts], dtype=object)
        min_df = self.min_df if len(texts) >= 10 * max(self.min_df, 1) else 1
        self.word_ = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=True, sublinear_tf=True,
                                     min_df=min_df, token_pattern=r"(?u)\b\w+\b", max_features=self.max_features)
        if not self.chars:
            self.char_ = None
            return self.word_.fit_transform(texts).tocsr()
        self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True,
                                     min_df=max(min_df, 2) if len(texts) >= 50 else 1, max_features=self.max_features)
        return hstack([self.word_.fit_transform(texts), self.char_.fit_transform(texts)]).tocsr() / np.sqrt(2.0)

    def transform(self, texts) -> csr_matrix:
        texts = np.asarray([str(t) for t in texts], dtype=object)
        if getattr(self, "char_", None) is None:  # word block only (older pickles have char_)
            return self.word_.transform(texts).tocsr()
        return hstack([self.word_.transform(texts), self.char_.transform(texts)]).tocsr() / np.sqrt(2.0)


def stack_features(lexical: csr_matrix | None, embedding: np.ndarray | None, embedding_weight: float,
                   prior: np.ndarray | None = None) -> csr_matrix:
    """One sparse matrix: the lexical block, the weighted embedding block and the (already
    weighted) codebook prior block side by side."""
    blocks = []
    if lexical is not None:
        blocks.append(lexical)
    if embedding is not None:
        blocks.append(csr_matrix(np.asarray(embedding, dtype=np.float64) * float(embedding_weight)))
    if prior is not None:
        blocks.append(csr_matrix(np.asarray(prior, dtype=np.float64)))
    if not blocks:
        raise ValueError("no features: enable lexical or embedding features")
    return hstack(blocks).tocsr() if len(blocks) > 1 else blocks[0].tocsr()
