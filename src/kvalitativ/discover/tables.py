"""The output tables of discovery, in the shapes dashboards read (docs/schema.md).

* ``themes``: one row per discovered topic, ``theme_id`` ``topic_<n>``, origin ``discovered``.
  ``parent_id`` stays empty on purpose: a discovered topic is not a sub-theme of the codebook
  theme it resembles (and an emergent one resembles none); that link is in ``topic_map``.
* ``codings``: one row per note assigned to a topic (outliers get none), method ``topic``,
  score = cosine of the note to its topic centroid, no valence (topics carry none).
* ``topic_terms``: theme_id, rank, term, weight (c-TF-IDF).
* ``topic_map``: topic -> nearest codebook theme, similarity, ``is_emergent`` (with a codebook).
* ``topic_representatives``: the representative notes by id; for the first three of each topic
  the sentence that carries its keywords, redacted once more (:mod:`kvalitativ.discover.sentences`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.codebook import THEMES_COLUMNS  # the one themes table, codebook themes and topics alike

__all__ = ["discovery_tables", "topic_theme_id", "CODINGS_COLUMNS", "THEMES_COLUMNS"]

CODINGS_COLUMNS = ["note_id", "person_id", "segment_id", "start", "end", "theme_id", "score", "valence", "method"]


def topic_theme_id(topic_id: int) -> str:
    """The theme id of a discovered topic in every table: ``topic_3``."""
    return f"topic_{int(topic_id)}"


def _col(corpus: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name in corpus.columns:
        return np.asarray(corpus[name], dtype=object)
    return np.full(n, None, dtype=object)


def _stability(d, topic_ids) -> np.ndarray | None:
    """Each topic's stability (mean best-match Jaccard over refits), when it was measured."""
    st = getattr(d, "stability_", None)
    if st is None:
        return None
    return np.round([st.of(t) for t in topic_ids], 4)


def discovery_tables(discoverer, corpus: pd.DataFrame, mapping: pd.DataFrame | None = None,
                     topics=None, scores=None, sentences_from_text: bool = True,
                     redact=None) -> dict[str, pd.DataFrame]:
    """Tables for *corpus* (rows aligned with the notes the topics are for).

    *topics*/*scores* default to the fitted ``topics_``/``scores_``; pass the result of
    ``assign`` to write tables for new notes assigned to a saved model (then
    ``sentences_from_text=False``: the representatives are notes of the model's own fit, and
    the corpus's first rows are not those notes).
    """
    d = discoverer
    topics = np.asarray(d.topics_ if topics is None else topics, dtype=int)
    scores = np.asarray(d.scores_ if scores is None else scores, dtype=float)
    n = len(corpus)
    if len(topics) != n:
        raise ValueError(f"{len(topics)} topic assignments for {n} notes")
    info = d.topic_info_
    themes = pd.DataFrame({
        "theme_id": [topic_theme_id(t) for t in info.topic_id],
        "label": info.label.astype(str).to_numpy(),
        "parent_id": pd.Series([None] * len(info), dtype="string"),
        "origin": "discovered",
        "definition": pd.Series([None] * len(info), dtype="string"),
        "keywords": ["; ".join(k) for k in info.keywords],
        "codebook_version": pd.Series([None] * len(info), dtype="string"),
        # no one has read a topic yet: its quotes stay at municipality level (evidence.quotes.sensitive_themes)
        "sensitive": True,
    }, columns=THEMES_COLUMNS)
    stability = _stability(d, info.topic_id)
    if stability is not None:
        themes["stability"] = stability
    keep = topics != -1
    note_id = _col(corpus, "note_id", n)
    person_id = _col(corpus, "person_id", n)
    codings = pd.DataFrame({
        "note_id": note_id[keep], "person_id": person_id[keep],
        "segment_id": pd.Series([None] * int(keep.sum()), dtype="string"),
        "start": pd.array([pd.NA] * int(keep.sum()), dtype="Int64"),
        "end": pd.array([pd.NA] * int(keep.sum()), dtype="Int64"),
        "theme_id": [topic_theme_id(t) for t in topics[keep]],
        "score": np.round(scores[keep], 6),
        "valence": pd.Series([None] * int(keep.sum()), dtype="string"),
        "method": "topic",
    }, columns=CODINGS_COLUMNS)
    terms = d.topic_terms_.copy()
    terms.insert(0, "theme_id", [topic_theme_id(t) for t in terms.pop("topic_id")])
    sentences = {}
    if sentences_from_text and "text" in corpus.columns:
        from kvalitativ.discover.sentences import representative_sentences

        sentences = representative_sentences(info, corpus["text"].fillna("").astype(str).tolist(), redact,
                                             language=getattr(d, "language_", "da"))
    reps = []
    for row in info.itertuples():
        for rank, (doc, sim) in enumerate(zip(row.representative_docs, row.representative_similarity)):
            if doc < n:
                reps.append({"theme_id": topic_theme_id(row.topic_id), "rank": rank + 1,
                             "note_id": note_id[doc], "similarity": round(float(sim), 6),
                             "sentence": sentences.get((int(row.topic_id), rank + 1))})
    out = {
        "themes": themes,
        "codings": codings,
        "topic_terms": terms,
        "topic_representatives": pd.DataFrame(reps, columns=["theme_id", "rank", "note_id", "similarity", "sentence"]),
    }
    if mapping is not None:
        counts = pd.DataFrame({"t": topics, "p": person_id})[keep]
        n_notes = counts.groupby("t").size()
        n_persons = counts.groupby("t")["p"].nunique()
        out["topic_map"] = pd.DataFrame({
            "theme_id": [topic_theme_id(t) for t in mapping.topic_id],
            "label": mapping.topic_label.to_numpy(),
            "codebook_theme_id": mapping.theme_id.to_numpy(),
            "codebook_label": mapping.theme_label.to_numpy(),
            "similarity": mapping.similarity.round(6).to_numpy(),
            "raw_similarity": mapping.raw_similarity.round(6).to_numpy(),
            "second_theme_id": mapping.second_theme_id.to_numpy(),
            "second_similarity": mapping.second_similarity.round(6).to_numpy(),
            "emergent_threshold": (mapping.threshold.round(6).to_numpy() if "threshold" in mapping
                                   else np.full(len(mapping), np.nan)),
            "is_emergent": mapping.is_emergent.astype(bool).to_numpy(),
            "n_notes": [int(n_notes.get(t, 0)) for t in mapping.topic_id],
            "n_persons": [int(n_persons.get(t, 0)) for t in mapping.topic_id],
        })
        if stability is not None:
            out["topic_map"]["stability"] = _stability(d, mapping.topic_id)
    return out
