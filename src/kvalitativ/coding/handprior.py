"""The codebook prior taught by the hand codes, cross-fitted so the supervised head is not fooled.

The supervised coder stacks the codebook prior (a self-trained zero-shot coder, see
``kvalitativ.coding.prior``) with its learned features, and learns *how far to trust the prior*
from the prior's scores of the hand-coded notes. A prior that self-trained on those same hand
codes (``fit_prior(..., codes=...)``) scores them better than it scores any other note: the head
then over-trusts it (a stacking leak; on SIB-200 it lost at 400 hand codes).

Cross-fitting removes the leak: the hand-coded notes are split into ``folds`` folds (copies of a
text in one fold: ``supervised.text_folds``); a prior fitted without fold k's hand codes (their
units still in its fit sample, unlabelled) scores the notes of fold k while the supervised coder
is fitted; after the fit, the prior fitted with all hand codes scores everything. The cost is
``folds + 1`` prior fits per ``code --train``.

An option, off by default (``make_coder(prior_folds=0)``): on seeds 10-11 it gained on the
sample at 200 and 400 hand codes but lost on SIB-200 at 400 with 5 and with 10 folds
(docs/benchmarks.md, "Coding quality", learning curves).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.io.duplicates import text_keys

from .prior import detached, fit_prior
from .supervised import text_folds
from .units import segment_corpus

__all__ = ["CrossFitPrior", "fit_hand_prior"]


def _keys(texts) -> np.ndarray:
    return text_keys(pd.Series(list(texts), dtype=object)).fillna("").to_numpy(dtype=object)


class CrossFitPrior:
    """A prior that scores a text of a hand-coded note with the prior fitted without that note's
    fold (``folds``: per fold, its text keys and its prior), every other text with ``final``.
    :class:`~kvalitativ.coding.SupervisedCoder` uses it while it fits and keeps ``final`` after."""

    def __init__(self, final, folds: list[tuple[set, object]]):
        self.final = final
        self.folds = folds
        self.classes_ = final.classes_
        self.embedder_ = getattr(final, "embedder_", None)
        self.fold_of_ = {}
        for k, (keys, _) in enumerate(folds):
            # A sentence in notes of two or more folds is scored by the first fold's prior. No prior
            # is clean for it (each saw the hand codes of its notes in the other folds), so any
            # fold's does as well; a clean one would cost a fit per pair of folds. Acceptable:
            # copies of a whole note stay in one fold (text_folds), so only sentences shared by
            # different notes cross folds, mostly boilerplate that carries no theme, and the
            # hand-code prior is an option, off by default.
            for key in keys:
                self.fold_of_.setdefault(key, k)

    def score_vectors(self, U: np.ndarray, texts=None, groups=None) -> np.ndarray:
        """As ``ZeroShotCoder.score_vectors``, each text by the prior its fold allows."""
        S = np.array(self.final.score_vectors(U, texts, groups), dtype=float)
        if texts is None or not len(S):
            return S
        fold = np.array([self.fold_of_.get(k, -1) for k in _keys(texts)])
        for k, (_, prior) in enumerate(self.folds):
            rows = np.flatnonzero(fold == k)
            if len(rows):
                S[rows] = prior.score_vectors(np.asarray(U)[rows], [texts[i] for i in rows],
                                              None if groups is None else [groups[i] for i in rows])
        return S


def fit_hand_prior(corpus: pd.DataFrame, codebook, codes: pd.DataFrame, *, folds: int, level: str, embedder,
                   exclusive: bool, cache_dir, random_state: int, progress: bool) -> CrossFitPrior:
    """The prior fitted with all hand ``codes`` and, per fold of the hand-coded notes, one fitted
    without that fold's codes (``folds + 1`` fits), as a :class:`CrossFitPrior`."""
    kw = dict(level=level, embedder=embedder, exclusive=exclusive, cache_dir=cache_dir,
              random_state=random_state, progress=progress)
    codes = codes.assign(note_id=codes["note_id"].astype(str))
    ids = np.array(list(dict.fromkeys(codes["note_id"])), dtype=object)
    final = fit_prior(corpus, codebook, codes=codes, **kw)
    notes = corpus.assign(note_id=corpus["note_id"].astype(str)).drop_duplicates("note_id").set_index("note_id")
    coded = notes.loc[ids].reset_index()
    out, held_notes = [], []
    for train, held in text_folds(coded["text"].fillna("").astype(str).tolist(), folds, random_state):
        prior = fit_prior(corpus, codebook, codes=codes[codes["note_id"].isin(set(ids[train]))], notes=ids, **kw)
        units = segment_corpus(coded.iloc[held], level)
        keys = set(_keys(coded["text"].iloc[held].fillna(""))) | set(_keys(units["text"]))
        out.append((keys, detached(prior)))
        held_notes.append(set(ids[held]))
    cf = CrossFitPrior(detached(final), out)
    cf.fold_notes_ = held_notes  # per fold, the hand-coded note ids it holds out
    cf.embedder_ = getattr(final, "embedder_", None)
    return cf
