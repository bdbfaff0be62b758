"""The codebook as a prior for the supervised coder: the zero-shot coder's scores as features.

With a few dozen hand codes a supervised model knows less about a theme than its codebook
entry does: 25 coded notes hold one or two examples of most themes. So the supervised coder
can take, beside its TF-IDF and embedding blocks, one more block: each theme's zero-shot
logit (the codebook's label, definition and examples, self-trained on the corpus). The block is
scaled by ``prior_weight``; a regularised logistic regression then leans on the codebook where
the hand codes are few and overrules it where they disagree with it.

The prior is fitted where the zero-shot coder is (on the run's units, transductively) and is
applied to the same embedding vectors the supervised coder uses, so nothing is embedded twice.
"""

from __future__ import annotations

import copy

import numpy as np

__all__ = ["prior_features", "fit_prior", "detached"]

_CLIP = 0.01


def prior_features(zeroshot, vectors: np.ndarray, weight: float, texts=None) -> np.ndarray:
    """Each theme's zero-shot logit (scores clipped to [0.01, 0.99]) times ``weight``,
    columns in the zero-shot coder's theme order; ``texts``: those of ``vectors`` (the
    zero-shot coder's lexical block reads them)."""
    if getattr(getattr(getattr(zeroshot, "final", zeroshot), "features_", None), "context_", False):
        # the supervised coder scores texts without their notes: such a prior would read a zero context
        raise ValueError("a zero-shot coder fitted with context_weight cannot be the supervised coder's "
                         "prior; fit the prior with context_weight=0")
    p = np.clip(zeroshot.score_vectors(np.asarray(vectors, dtype=np.float32), texts), _CLIP, 1 - _CLIP)
    return np.log(p / (1 - p)) * float(weight)


def detached(zeroshot):
    """A fitted zero-shot coder without its embedder: the prior only scores vectors it is given,
    and a coder shipped to other processes (the Dask engine) must not carry a live embedder."""
    out = copy.copy(zeroshot)
    out.embedder = None
    out.embedder_ = None
    out.progress = False
    return out


def fit_prior(corpus, codebook, *, level: str, embedder, exclusive: bool, cache_dir, random_state: int,
              progress: bool, codes=None, notes=None):
    """A zero-shot coder fitted on the units of the run's fit sample (the same sample every
    engine fits a zero-shot coder on), to serve as the supervised coder's prior.

    ``codes`` (optional): hand codes (``note_id, theme_id``; "uncoded" = no theme) the prior
    self-trains on too (``ZeroShotCoder.fit(X, y, groups)``); ``notes``: note ids that join the
    fit sample (default: those of ``codes``), so a prior fitted without some notes' codes still
    sees their units, unlabelled. See ``kvalitativ.coding.handprior`` for why and how."""
    from kvalitativ.sampling import fit_sample

    from .units import segment_corpus
    from .zeroshot import ZeroShotCoder

    rows = fit_sample(len(corpus), random_state)
    coded = _code_sets(codes) if codes is not None else None
    extra = set(map(str, notes)) if notes is not None else set(coded or ())
    if extra:
        ids = corpus["note_id"].astype(str).to_numpy()
        rows = np.union1d(rows, np.flatnonzero(np.isin(ids, list(extra))))
    units = segment_corpus(corpus.iloc[rows], level)
    y = groups = None
    if coded is not None:
        groups = units["note_id"].astype(str).to_numpy(dtype=object)
        y = [coded.get(n) for n in groups]
    zs = ZeroShotCoder(codebook, embedder=embedder, level=level, exclusive=exclusive, cache_dir=cache_dir,
                       random_state=random_state, progress=progress)
    return zs.fit([str(t) for t in np.asarray(units["text"], dtype=object)], y, groups)


def _code_sets(codes) -> dict:
    """Per hand-coded note id: the set of its themes ("uncoded" and empty left out)."""
    from kvalitativ.constants import UNCODED

    out: dict = {}
    for n, t in zip(codes["note_id"].astype(str), codes["theme_id"]):
        themes = out.setdefault(n, set())
        if isinstance(t, str) and t not in ("", UNCODED):
            themes.add(t)
    return out
