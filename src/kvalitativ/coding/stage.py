"""The coding stage on the local engine: one corpus and one codebook in, (codings, themes) out.

Used by `kvalitativ code` and `kvalitativ run` through :class:`~kvalitativ.engines.StageEngine`;
the Dask engine's :func:`~kvalitativ.engines.dask_engine.code_corpus_dask` builds the same
coder with the same factory (:func:`~kvalitativ.coding.api.make_coder`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.coding.base import UNCODED

__all__ = ["code_corpus", "coded_line", "stage_coder", "fit_on_sample", "fit_rows", "fit_corpus", "hand_codes"]


def hand_codes(train) -> pd.DataFrame | None:
    """The hand codes of ``code.train``, read once per stage: a path is read, a table (already
    read by the caller) passes through, None stays None."""
    if train is None or isinstance(train, pd.DataFrame):
        return train
    from kvalitativ.coding.handcodes import check_code_columns
    from kvalitativ.io.readers import read_table

    codes = read_table(train)
    check_code_columns(codes, f"{train} (code.train)")  # before anything indexes note_id
    return codes


def stage_coder(corpus: pd.DataFrame, codebook: str, config, *, train=None, embedder=None,
                progress: bool = True):
    """The coder of a coding stage, from the config: supervised when ``train`` (human codes: a
    path or the table, :func:`hand_codes`) is given — fitted here — else zero-shot, not fitted yet
    (see :func:`fit_on_sample`). ``corpus`` must hold the training notes of ``train``."""
    from kvalitativ.coding.api import make_coder
    from kvalitativ.coding.mode import resolve_exclusive

    train_codes = hand_codes(train)
    # resolved once, from all of this coder's hand codes; none (the citizen input, zero-shot notes):
    # multi-label under auto, whatever code.train holds for the notes
    mode = resolve_exclusive(config.code.exclusive, train_codes, config.code.level)
    return make_coder(corpus, codebook, "supervised" if train_codes is not None else "zeroshot",
                      level=config.code.level, embedder=embedder, train=train_codes,
                      threshold=config.code.threshold, random_state=config.seed, progress=progress,
                      exclusive=mode)


def fit_on_sample(coder, corpus: pd.DataFrame, seed: int, units: pd.DataFrame | None = None):
    """Fit a zero-shot coder on the units of the run's fit sample (:func:`kvalitativ.sampling.fit_sample`):
    every note up to ``FIT_SAMPLE``, beyond that the seeded sample every engine fits on.

    ``units``: the corpus's units if already cut (only the sample's are used). A coder that is
    already fitted (supervised) is returned as it is.
    """
    from kvalitativ.coding.units import segment_corpus
    from kvalitativ.sampling import fit_sample

    if hasattr(coder, "classes_"):
        return coder
    rows = fit_sample(len(corpus), seed)
    if units is None:
        units = segment_corpus(corpus.iloc[rows], coder.level)
    elif len(rows) < len(corpus):
        units = units[units["note_id"].astype(str).isin(set(corpus["note_id"].iloc[rows].astype(str)))]
    texts = [str(t) for t in np.asarray(units["text"], dtype=object)]
    coder._fit_units(texts, units["note_id"].astype(str).to_numpy(dtype=object))
    return coder


def fit_rows(note_ids: pd.Series, seed: int, train) -> np.ndarray:
    """Row positions a supervised coder is fitted on, in every engine: the run's fit sample
    (:func:`kvalitativ.sampling.fit_sample`; every note up to ``FIT_SAMPLE``) and every note of the
    hand codes ``train`` — the hand-coded notes to learn from, the sample for the codebook prior's
    self-training. The streamed engine reads the same rows chunk by chunk. ``train``: a path or the
    table (:func:`hand_codes`)."""
    from kvalitativ.sampling import fit_sample

    keep = np.zeros(len(note_ids), dtype=bool)
    keep[fit_sample(len(note_ids), seed)] = True
    keep |= note_ids.astype(str).isin(set(hand_codes(train)["note_id"].astype(str))).to_numpy()
    return np.flatnonzero(keep)


def fit_corpus(corpus: pd.DataFrame, seed: int, train) -> pd.DataFrame:
    """The corpus rows a stage's coder is fitted on (:func:`fit_rows`; every row without hand codes)."""
    return corpus.iloc[fit_rows(corpus["note_id"], seed, train)] if train is not None else corpus


def code_corpus(corpus: pd.DataFrame, codebook: str, config, run_id: str, *,
                train: str | None = None, progress: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code one corpus with one codebook: (codings, themes)."""
    from kvalitativ.codebook import load_codebook
    from kvalitativ.coding.units import check_corpus
    from kvalitativ.embed.configured import configured_embedder

    check_corpus(corpus)
    train = hand_codes(train)  # read once: the fit rows and the coder both use it
    coder = stage_coder(fit_corpus(corpus, config.seed, train), codebook, config, train=train, progress=progress,
                        embedder=configured_embedder(config, progress=progress))
    codings = fit_on_sample(coder, corpus, config.seed).code(corpus, run_id=run_id)
    return codings, load_codebook(codebook).to_themes_table()


def coded_line(name: str, codings: pd.DataFrame) -> str:
    """"notes: N of M notes coded into T themes (C codings)": the line a coding stage ends with."""
    coded = codings[codings["theme_id"] != UNCODED]
    return (f"{name}: {coded['note_id'].nunique()} of {codings['note_id'].nunique()} notes coded into "
            f"{coded['theme_id'].nunique()} themes ({len(coded)} codings)")
