"""Match discovered topics to codebook themes; topics that match none are *emergent*.

Emergent themes are what an analyst wants to see first: things the notes talk about that
the codebook has no place for.

How: each codebook theme becomes one vector — the mean of the embeddings of its
"label: definition", its examples and its keywords (with the embedder the topics were
found with). Each topic is represented by its centroid. Sentence embedders such as e5 put
all Danish text in a narrow cone (raw cosines of unrelated texts are 0.7–0.8), so both
are **centred** on the notes' mean vector before the cosine: the similarity then reads
like a correlation (about 0 = unrelated). A topic whose best centred similarity is below its
threshold is emergent.

The threshold (``threshold=None``, the default) is calibrated without labels, per topic, for the
embedder and notes at hand: centred cosines are not on one scale across embedders (a static
embedder's run higher than e5's, so one fixed number let topics about meetings and logistics land
on sensitive themes). The null is what a topic *without* a theme reaches: :data:`NULL_DRAWS`
seeded random groups of the topic's size drawn from the notes, each group's centroid compared with
every theme like a topic's; the threshold is the :data:`NULL_QUANTILE` quantile of the groups'
best similarity. A topic is emergent when it is no nearer a theme than a random group of its
size. A number (``discover.emergent_threshold``) is used for every topic instead; unset, the
discovery stage keeps 0.15 for e5, the embedder that number was set for (:func:`emergent_threshold_for`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kvalitativ.discover.representatives import normalise
from kvalitativ.errors import ConfigError

__all__ = ["map_to_codebook", "theme_texts", "null_thresholds", "emergent_threshold_for", "MAP_COLUMNS",
           "NULL_DRAWS", "NULL_QUANTILE", "NULL_POOL", "E5_THRESHOLD"]

MAP_COLUMNS = ["topic_id", "topic_label", "size", "theme_id", "theme_label", "similarity",
               "raw_similarity", "second_theme_id", "second_similarity", "threshold", "is_emergent"]

#: Random groups of notes per topic size in the null (the 0.95 quantile is then the 10th largest of 200).
NULL_DRAWS = 200
#: The quantile of the random groups' best similarity a topic must reach to map to a theme: a
#: one-sided 5 % test per topic, the conventional level; not tuned on any data set.
NULL_QUANTILE = 0.95
#: The most notes the random groups are drawn from (a seeded subsample above it), bounding the cost.
NULL_POOL = 10_000


def _get(obj, key, default=None):
    return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)


def _themes(codebook) -> list:
    """The codebook's leaf themes; a name or a path is loaded first (a string was read as
    its characters: a trial's 18 one-letter "themes", every topic emergent)."""
    if isinstance(codebook, (str, Path)):
        from kvalitativ.codebook import load_codebook

        codebook = load_codebook(codebook)
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


def _group_best(vectors: np.ndarray, size: int, mean: np.ndarray, theme_c: np.ndarray,
                draws: int, rng) -> np.ndarray:
    """The best centred similarity to any theme of *draws* random groups of *size* notes: the
    null a topic of that size is compared with (each group's centroid as a topic's)."""
    from scipy.sparse import csr_matrix

    n = len(vectors)
    size = max(1, min(int(size), n))
    picks = np.argpartition(rng.random((draws, n)), size - 1, axis=1)[:, :size]  # without replacement
    select = csr_matrix((np.ones(picks.size), (np.repeat(np.arange(draws), size), picks.ravel())),
                        shape=(draws, n))
    cents = normalise(np.asarray(select @ vectors))
    return (normalise(cents - mean) @ theme_c.T).max(axis=1)


def null_thresholds(vectors: np.ndarray, sizes, mean: np.ndarray, theme_vecs: np.ndarray, *,
                    draws: int = NULL_DRAWS, quantile: float = NULL_QUANTILE, pool: int = NULL_POOL,
                    random_state: int = 0) -> dict[int, float]:
    """{topic size: the *quantile* of the best similarity random groups of that size reach}.

    *vectors*: the notes' unit vectors; *mean* the unit mean the similarities are centred on;
    *theme_vecs* the unit theme vectors. Seeded: the same notes, themes and seed give the same
    thresholds. Why: a label-free line between "near a theme" and "near any theme by chance",
    on the scale of the embedder and notes at hand (see the module).
    """
    rng = np.random.default_rng(random_state)
    X = normalise(np.asarray(vectors, dtype=np.float64))
    if len(X) > pool:
        X = X[np.sort(rng.choice(len(X), size=pool, replace=False))]
    mean = np.asarray(mean, dtype=np.float64).ravel()
    theme_c = normalise(normalise(theme_vecs) - mean)
    return {int(k): float(np.quantile(_group_best(X, k, mean, theme_c, draws, rng), quantile))
            for k in sorted({int(s) for s in sizes})}


#: The fixed threshold kept for e5 (set on SIB-200 leave-one-theme-out); see :func:`emergent_threshold_for`.
E5_THRESHOLD = 0.15


def emergent_threshold_for(value, embedder_name: str | None) -> float | None:
    """``discover.emergent_threshold`` resolved for the embedder: a number stays; "auto" -> None
    (calibrated); None (unset) -> :data:`E5_THRESHOLD` for e5, the embedder it was set for (the
    calibrated rule measured worse on e5's right mappings, docs/benchmarks.md), else calibrated."""
    if value is None:
        return E5_THRESHOLD if str(embedder_name or "").lower() == "e5" else None
    if isinstance(value, str):
        if value.strip().lower() == "auto":
            return None
        raise ConfigError(f"discover.emergent_threshold is {value!r}: give a number, auto, or leave it out")
    return float(value)


def _note_vectors(discoverer, embeddings):
    """The notes the null draws from: *embeddings* if given, else the fit's (or the saved model's) vectors."""
    for v in (embeddings, getattr(discoverer, "_emb", None), getattr(discoverer, "fit_vectors_", None)):
        if v is not None and len(v):
            return np.asarray(v, dtype=np.float64)
    return None


def map_to_codebook(discoverer, codebook, embedder=None, threshold: float | None = None,
                    embeddings=None, random_state: int | None = None) -> pd.DataFrame:
    """One row per discovered topic: nearest codebook theme, similarity, its threshold, ``is_emergent``.

    *embedder* defaults to the discoverer's own (it must be the one the topics were found
    with). *threshold*: a number for every topic; None (default) = calibrated per topic size from
    random groups of notes (see the module; the config's default is :func:`emergent_threshold_for`).
    *embeddings*: the notes' vectors the null draws from (default: those of the fit; a loaded
    model without them needs them). *random_state*: the null's seed (default the discoverer's).
    """
    discoverer._check_fitted()
    embedder = embedder if embedder is not None else discoverer.embedder
    if embedder is None:
        raise ConfigError("map_to_codebook: needs the embedder the topics were found with "
                          "(pass embedder=get_embedder(...))")
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
    sizes = [int(info.loc[t, "size"]) for t in discoverer.topic_ids_]
    limits, rule = _thresholds(discoverer, threshold, sizes, mean, theme_vecs, embeddings, random_state)
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
            "threshold": limits[sizes[k]],
            "is_emergent": bool(centred[k, best] < limits[sizes[k]]),
        })
    out = pd.DataFrame(rows, columns=MAP_COLUMNS)
    out.attrs["threshold"] = float(threshold) if threshold is not None else "auto"
    out.attrs["rule"] = rule
    return out


def _thresholds(discoverer, threshold, sizes, mean, theme_vecs, embeddings, random_state):
    """({topic size: threshold}, the rule in words): the user's number, or the calibrated null."""
    if threshold is not None:
        t = float(threshold)
        return {s: t for s in sizes}, (f"emergent when the centred cosine between the topic centroid and the "
                                      f"nearest codebook theme is below {t:g} (set by the user)")
    vectors = _note_vectors(discoverer, embeddings)
    if vectors is None:
        raise ConfigError("map_to_codebook: the calibrated threshold draws random groups from the notes, and "
                          "this model keeps none of their vectors: pass embeddings= (the notes' vectors) or "
                          "set a threshold (discover.emergent_threshold)")
    seed = int(getattr(discoverer, "random_state", 0) or 0) if random_state is None else int(random_state)
    limits = null_thresholds(vectors, sizes, mean, theme_vecs, random_state=seed)
    return limits, (f"emergent when the centred cosine between the topic centroid and the nearest codebook "
                    f"theme is below the {NULL_QUANTILE:g} quantile of the best centred cosine that "
                    f"{NULL_DRAWS} random groups of notes of the topic's size reach (seed {seed}; "
                    f"thresholds {min(limits.values()):.3f} to {max(limits.values()):.3f})")
