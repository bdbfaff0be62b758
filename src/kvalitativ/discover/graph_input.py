"""What the clustering step is given: the settings that shape Leiden's graph, checked, and the
vectors built from them (the unit vectors, centred with ``center``, beside the notes' words with
``lexical_weight`` or ``lexical_share``). Keywords, centroids, scores and assignment never see
this: they stay on the unit vectors. See :mod:`~kvalitativ.discover.lexical` and
:mod:`~kvalitativ.discover.centring`."""

from __future__ import annotations

import numpy as np

from kvalitativ.discover import submodels as sub
from kvalitativ.discover.centring import CENTERS, centred
from kvalitativ.errors import ConfigError

__all__ = ["check_graph_params", "clustering_input", "refitted_input"]


def check_graph_params(d) -> None:
    """Refuse bad ``lexical_weight``, ``lexical_share`` and ``center`` values of discoverer *d*."""
    if not 0 <= float(d.lexical_weight) < 1:
        raise ConfigError("discover: lexical_weight must be at least 0 and below 1 (e.g. 0.15; 0 = the vectors alone)")
    if float(d.lexical_weight) > 0 and d.seed_topics is not None:
        raise ConfigError("discover: lexical_weight and seed topics (guided) cannot be used together: "
                          "set lexical_weight 0 or turn guided off")
    try:
        share = None if d.lexical_share is None else float(d.lexical_share)
    except (TypeError, ValueError):
        share = -1.0
    if share is not None and not 0 <= share < 1:
        raise ConfigError("discover: lexical_share must be at least 0 and below 1 (e.g. 0.1; 0 = off), or None")
    if share and float(d.lexical_weight) > 0:
        raise ConfigError("discover: set lexical_weight or lexical_share, not both "
                          "(lexical_share sets the weight from the data)")
    if share and d.seed_topics is not None:
        raise ConfigError("discover: lexical_share and seed topics (guided) cannot be used together: "
                          "set lexical_share 0 or turn guided off")
    if d.center not in CENTERS:
        raise ConfigError(f"discover: center must be one of {', '.join(CENTERS)} (none = the vectors as they are)")
    if d.center != "none" and d.clustering != "leiden":
        raise ConfigError("discover: center works on Leiden's graph only: set clustering leiden or center none")
    if d.center != "none" and d.seed_topics is not None:
        raise ConfigError("discover: center and seed topics (guided) cannot be used together: "
                          "set center none or turn guided off")


def clustering_input(d, texts: list[str], emb: np.ndarray) -> np.ndarray:
    """The vectors discoverer *d*'s clustering step gets for *texts* with unit vectors *emb*: *emb*
    itself by default before the sixth round (``center`` none, no words); centred with ``center``;
    beside the notes' weighted lexical vectors with ``lexical_weight`` > 0 or a share > 0
    (:func:`~kvalitativ.discover.lexical.with_words`). Sets ``d.lexical_weight_``, the weight used."""
    X = centred(emb, d.center)  # emb itself with center "none"
    d.lexical_weight_ = float(d.lexical_weight)
    share = sub.lexical_share_of(d)
    if float(d.lexical_weight) == 0 and share == 0:
        return X
    from kvalitativ.discover.lexical import cosine_spreads, lexical_vectors, share_weight, with_words

    lex = lexical_vectors(texts, d._analyzer())
    if share > 0:
        d.lexical_weight_ = share_weight(*cosine_spreads(X, lex), share)
    return with_words(X, lex, d.lexical_weight_)


def refitted_input(d, texts: list[str], emb: np.ndarray) -> np.ndarray:
    """What fitted discoverer *d*'s clustering step got for its training *texts* (unit vectors
    *emb*), rebuilt for a loaded model given its notes back (``attach``): the saved weight of the
    words (``lexical_weight_``), not a new one, so stability's refits cluster what the fit did."""
    X = centred(emb, d.center)
    weight = float(getattr(d, "lexical_weight_", 0.0) or 0.0)
    if weight == 0:
        return X
    from kvalitativ.discover.lexical import lexical_vectors, with_words

    return with_words(X, lexical_vectors(texts, d._analyzer()), weight)
