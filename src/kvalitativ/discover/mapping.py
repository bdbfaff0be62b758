"""Match discovered topics to codebook themes; topics that match none are *emergent*.

Emergent themes are what an analyst wants to see first: things the notes talk about that
the codebook has no place for.

How: each codebook theme becomes one vector — the mean of the embeddings of its
"label: definition", its examples and its keywords (with the embedder the topics were
found with). Each topic is represented by its centroid. Sentence embedders such as e5 put
all Danish text in a narrow cone (raw cosines of unrelated texts are 0.7–0.8), so both
are **centred** on the notes' mean vector before the cosine: the similarity then reads
like a correlation (about 0 = unrelated), so one threshold can serve several embedders. A topic
whose best centred similarity is below ``threshold`` is emergent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.config import DiscoverConfig
from kvalitativ.discover.representatives import normalise
from kvalitativ.errors import ConfigError

__all__ = ["map_to_codebook", "theme_texts", "MAP_COLUMNS"]

MAP_COLUMNS = ["topic_id", "topic_label", "size", "theme_id", "theme_label", "similarity",
               "raw_similarity", "second_theme_id", "second_similarity", "is_emergent"]


def _get(obj, key, default=None):
    return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)


def _themes(codebook) -> list:
    if hasattr(codebook, "leaves"):
        return list(codebook.leaves())  # groups are not themes coders (or topics) land in
    return list(_get(codebook, "themes", codebook))


def theme_texts(theme) -> list[str]:
    """The texts that stand for one theme: label + definition, examples, keywords."""
    label = str(_get(theme, "label", "") or "")
    definition = str(_get(theme, "definition", "") or "")
    texts = [f"{label}: {definition}" if definition else label]
    for key in ("examples_strength", "examples_concern", "examples_neutral", "examples"):
        for ex in _get(theme, key, None) or []:
            if str(ex).strip() and str(ex) not in texts:
                texts.append(str(ex))
    kws = [str(k) for k in (_get(theme, "keywords", None) or []) if str(k).strip()]
    if kws:
        texts.append(", ".join(kws))
    return texts


def map_to_codebook(discoverer, codebook, embedder=None, threshold: float | None = None) -> pd.DataFrame:
    """One row per discovered topic: nearest codebook theme, similarity, ``is_emergent``.

    *embedder* defaults to the discoverer's own (it must be the one the topics were found
    with). *threshold* defaults to ``DiscoverConfig.emergent_threshold``.
    """
    discoverer._check_fitted()
    embedder = embedder if embedder is not None else discoverer.embedder
    if embedder is None:
        raise ConfigError("map_to_codebook: needs the embedder the topics were found with "
                          "(pass embedder=get_embedder(...))")
    threshold = DiscoverConfig().emergent_threshold if threshold is None else float(threshold)
    themes = _themes(codebook)
    if not themes:
        raise ConfigError("map_to_codebook: the codebook has no themes")
    all_texts, owner = [], []
    for i, th in enumerate(themes):
        tt = theme_texts(th)
        all_texts += tt
        owner += [i] * len(tt)
    vecs = normalise(np.asarray(embedder.encode(all_texts), dtype=np.float64))
    if vecs.shape[1] != discoverer.centroids_.shape[1]:
        raise ConfigError(f"map_to_codebook: the embedder gives {vecs.shape[1]} dimensions, the topics have "
                          f"{discoverer.centroids_.shape[1]}: use the embedder the topics were found with")
    owner = np.asarray(owner)
    theme_vecs = normalise(np.vstack([vecs[owner == i].mean(axis=0) for i in range(len(themes))]))
    cents = normalise(discoverer.centroids_)
    mean = np.asarray(discoverer.mean_embedding_, dtype=np.float64)
    raw = cents @ theme_vecs.T
    centred = normalise(cents - mean) @ normalise(theme_vecs - mean).T
    info = discoverer.topic_info_.set_index("topic_id")
    rows = []
    for k, t in enumerate(discoverer.topic_ids_):
        order = np.argsort(-centred[k], kind="stable")
        best = int(order[0])
        second = int(order[1]) if len(order) > 1 else None
        rows.append({
            "topic_id": int(t), "topic_label": info.loc[t, "label"], "size": int(info.loc[t, "size"]),
            "theme_id": str(_get(themes[best], "id")), "theme_label": str(_get(themes[best], "label")),
            "similarity": float(centred[k, best]), "raw_similarity": float(raw[k, best]),
            "second_theme_id": str(_get(themes[second], "id")) if second is not None else None,
            "second_similarity": float(centred[k, second]) if second is not None else np.nan,
            "is_emergent": bool(centred[k, best] < threshold),
        })
    out = pd.DataFrame(rows, columns=MAP_COLUMNS)
    out.attrs["threshold"] = threshold
    out.attrs["rule"] = (f"emergent when the centred cosine between the topic centroid and the nearest "
                         f"codebook theme is below {threshold}")
    return out
