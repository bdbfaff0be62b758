"""The coding stage on the local engine: one corpus and one codebook in, (codings, themes) out.

Used by `kvalitativ code` and `kvalitativ run` through :class:`~kvalitativ.engines.StageEngine`;
the Dask engine's :func:`~kvalitativ.engines.dask_engine.code_corpus_dask` builds the same
coder with the same factory (:func:`~kvalitativ.coding.api.make_coder`).
"""

from __future__ import annotations

import pandas as pd

from kvalitativ.coding.base import UNCODED

__all__ = ["code_corpus", "coded_line"]


def code_corpus(corpus: pd.DataFrame, codebook: str, config, run_id: str, *,
                train: str | None = None, progress: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code one corpus with one codebook: (codings, themes)."""
    from kvalitativ.codebook import load_codebook
    from kvalitativ.coding.api import code_notes
    from kvalitativ.embed.configured import configured_embedder
    from kvalitativ.io.readers import read_table

    train_codes = read_table(train) if train else None
    codings = code_notes(
        corpus, codebook, coder="supervised" if train_codes is not None else "zeroshot", level=config.code.level,
        embedder=configured_embedder(config, progress=progress), train=train_codes, threshold=config.code.threshold,
        run_id=run_id, random_state=config.seed, progress=progress, exclusive=config.code.exclusive,
    )
    return codings, load_codebook(codebook).to_themes_table()


def coded_line(name: str, codings: pd.DataFrame) -> str:
    """"notes: N of M notes coded into T themes (C codings)": the line a coding stage ends with."""
    coded = codings[codings["theme_id"] != UNCODED]
    return (f"{name}: {coded['note_id'].nunique()} of {codings['note_id'].nunique()} notes coded into "
            f"{coded['theme_id'].nunique()} themes ({len(coded)} codings)")
