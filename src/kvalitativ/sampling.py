"""The one seeded sample everything fitted is fitted on, in every engine.

Why: the zero-shot coder (centre, per-theme spreads, self-training) and the topic model adapt
to the notes they are fitted on. If the local, streamed and Dask engines fitted on different
notes they would code the same corpus differently. So each fits once, on the notes this module
picks — all of them up to ``FIT_SAMPLE``, beyond that a random sample drawn with the run's
seed — and then applies the fitted model to every note, chunk by chunk or partition by
partition. On a corpus of up to ``FIT_SAMPLE`` notes nothing changes: the sample is the corpus.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FIT_SAMPLE", "fit_sample"]

#: Fitting uses at most this many notes; the others are coded / assigned by the fitted model.
FIT_SAMPLE = 20_000


def fit_sample(n_notes: int, seed: int, size: int | None = None) -> np.ndarray:
    """Sorted row positions (0 … n_notes-1) of the notes to fit on.

    All rows when ``n_notes <= size``; otherwise ``size`` rows drawn without replacement by
    ``numpy.random.default_rng(seed)`` — the same rows for the same (n_notes, seed, size) in every
    engine and every process.
    """
    size = FIT_SAMPLE if size is None else int(size)
    if size < 1:
        raise ValueError(f"fit sample size must be at least 1, got {size}")
    if n_notes <= size:
        return np.arange(n_notes)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_notes, size=size, replace=False))
