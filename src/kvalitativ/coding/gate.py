"""Two-level agreement ("note gate"): a sentence keeps a theme only if its note, read whole, agrees.

At sentence level the zero-shot coder over-codes (a sentence borrows a theme from a word or a
phrasing), while the same coder fitted on whole notes errs the other way (it misses themes a
single sentence carries). :class:`GatedCoder` fits both on the same notes — the sentence-level
:class:`~kvalitativ.coding.zeroshot.ZeroShotCoder` as ever and a second one at note level (same
codebook, same embedder, same options) — and keeps a sentence's code (unit ``u`` of note ``n``,
theme ``t``) only if the note-level score of ``(n, t)`` reaches ``gate`` times the note-level
coder's own threshold for ``t``: a lower bar than coding the note outright.

``add=True`` (a second variant) also goes the other way: a theme the note-level coder codes
outright (score ≥ its threshold) and no sentence of the note carries is added to the note's
sentence that scores highest for it.

The note-level unit is the note's sentences joined by one space, so the coder needs nothing
but the units and their note ids (``code()``, the streamed and the Dask engine give those),
and a chunk of whole notes is coded exactly as in a run over the whole corpus. Scores are the
sentence coder's, unchanged (an added sentence keeps its own, sub-threshold score); only the
decisions are gated. At note level there is nothing to gate: the coder is the plain zero-shot
coder.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.embed import resolve_embedder

from .base import BaseCoder, single_threaded_blas
from .zeroshot import ZeroShotCoder

__all__ = ["GatedCoder", "note_texts", "gate_decisions"]


def note_texts(texts, groups) -> tuple[list[str], np.ndarray]:
    """(one text per note: its units joined by a space, in order of first appearance; per unit
    the index of its note)."""
    codes, uniques = pd.factorize(pd.Series(np.asarray(groups, dtype=object)), sort=False)
    joined = [[] for _ in range(len(uniques))]
    for i, t in zip(codes, texts):
        joined[i].append(str(t))
    return [" ".join(parts) for parts in joined], np.asarray(codes, dtype=int)


def gate_decisions(coded: np.ndarray, scores: np.ndarray, note_of: np.ndarray, note_scores: np.ndarray,
                   note_thresholds: np.ndarray, gate: float, note_coded: np.ndarray | None = None) -> np.ndarray:
    """Sentence decisions ``coded`` (units × themes) kept where the unit's note scores at least
    ``gate`` × the note threshold for the theme; with ``note_coded`` (notes × themes, the note
    coder's decisions) a theme coded for a note that none of its units carries is added to the
    unit of that note with the highest score for it."""
    out = np.asarray(coded, dtype=bool) & (note_scores[note_of] >= gate * np.asarray(note_thresholds)[None, :])
    if note_coded is None or not len(out):
        return out
    has = np.zeros(note_scores.shape, dtype=bool)
    np.logical_or.at(has, note_of, out)
    for n, t in zip(*np.nonzero(np.asarray(note_coded, dtype=bool) & ~has)):
        units = np.flatnonzero(note_of == n)
        if len(units):
            out[units[np.argmax(scores[units, t])], t] = True
    return out


class GatedCoder(BaseCoder):
    """The zero-shot coder at sentence level, each sentence's codes gated by its note's view.

    Parameters: ``gate`` (the share of the note-level threshold a note must reach for its
    sentences to keep a theme), ``add`` (also add the note-level coder's confident themes that no
    sentence carries), and ``options``: the :class:`ZeroShotCoder` arguments, used for both coders.
    Off by default everywhere (``make_coder(note_gate=0)``): measured and not adopted, see
    docs/benchmarks.md, "Two-level agreement".
    """

    method = "zeroshot"

    def __init__(self, codebook="ungekompetencer", embedder="e5", gate=0.5, add=False, level="sentence",
                 options=None):
        self.codebook = codebook
        self.embedder = embedder
        self.gate = gate
        self.add = add
        self.level = level
        self.options = options

    def _coders(self):
        kw = dict(self.options or {})
        # one embedder (one model load, one cache) serves both coders
        emb = resolve_embedder(self.embedder, cache_dir=kw.get("cache_dir"), progress=kw.get("progress", True))
        return (ZeroShotCoder(self.codebook, embedder=emb, level=self.level, **kw),
                ZeroShotCoder(self.codebook, embedder=emb, level="note", **kw))

    def fit(self, X=None, y=None, groups=None) -> "GatedCoder":
        """Fit the sentence coder on the units ``X`` and the note coder on their notes
        (``groups``: per unit its note id; default: each unit its own note)."""
        texts = [str(t) for t in (X if X is not None else [])]
        groups = np.arange(len(texts)) if groups is None else groups
        self.unit_coder_, self.note_coder_ = self._coders()
        self.unit_coder_.fit(texts, groups=groups)
        if self.level == "sentence":
            self.note_coder_.fit(note_texts(texts, groups)[0])
        self.classes_ = self.unit_coder_.classes_
        self.codebook_ = self.unit_coder_.codebook_
        self.thresholds_ = self.unit_coder_.thresholds_
        return self

    def _fit_units(self, texts, groups):
        return self.fit(texts, groups=groups)

    def decision_thresholds(self) -> np.ndarray:
        return self.unit_coder_.decision_thresholds()

    def predict_proba(self, X, groups=None) -> np.ndarray:
        """The sentence coder's scores, unchanged (the gate acts on the decisions)."""
        return self.unit_coder_.predict_proba(X, groups)

    def _score_units(self, texts, groups=None):
        uc = self.unit_coder_
        texts = [str(t) for t in texts]
        groups = np.arange(len(texts)) if groups is None else groups
        U = uc._encode(texts)
        with single_threaded_blas():
            scores = uc._scores(U, texts, groups)
        coded = uc.decide(scores).astype(bool)
        if self.level == "sentence" and len(texts):
            notes, note_of = note_texts(texts, groups)
            nc = self.note_coder_
            with single_threaded_blas():
                ns = nc._scores(nc._encode(notes), notes)
            coded = gate_decisions(coded, scores, note_of, ns, nc.decision_thresholds(), float(self.gate),
                                   nc.decide(ns) if self.add else None)
        return scores, coded, uc._valence(U, texts, coded)

    def decide(self, scores: np.ndarray) -> np.ndarray:
        """Without the notes, the sentence coder's own decisions (the gate needs ``code()``)."""
        return self.unit_coder_.decide(scores)

    def predict_valence(self, X, Y=None) -> np.ndarray:
        return self.unit_coder_.predict_valence(X, Y)
