"""What every coder shares: embedder handling, thresholds, and turning scores into `codings`.

A coder is a scikit-learn estimator over *texts* (``fit(texts, ...)``, ``predict_proba(texts)``
-> an (n_texts, n_themes) array of scores in [0, 1] with columns ``classes_``) plus
``code(corpus)``, which splits the corpus into units (sentences or notes), scores them and
returns the ``codings`` table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from kvalitativ.embed import ensure_fitted, resolve_embedder

from .units import check_corpus, segment_corpus

__all__ = ["BaseCoder", "CODINGS_COLUMNS", "UNCODED", "codings_frame"]

CODINGS_COLUMNS = ["run_id", "note_id", "person_id", "segment_id", "start", "end", "theme_id", "score",
                   "valence", "method"]
#: theme_id of the one row a note gets when no theme applies to any of its units.
UNCODED = "uncoded"


class BaseCoder(BaseEstimator):
    """Shared machinery; subclasses set ``method`` and implement ``fit``/``predict_proba``."""

    method = "coder"

    # --- embedder ------------------------------------------------------------------------------
    def _get_embedder(self, fit_texts: list[str] | None = None):
        emb = getattr(self, "embedder_", None)
        if emb is None:
            emb = resolve_embedder(self.embedder, cache_dir=getattr(self, "cache_dir", None),
                                   progress=getattr(self, "progress", True))
            self.embedder_ = emb
        if fit_texts is not None:
            ensure_fitted(emb, fit_texts)
        return emb

    def _encode(self, texts) -> np.ndarray:
        return np.asarray(self._get_embedder().encode([str(t) for t in texts]), dtype=np.float32)

    # --- decisions -----------------------------------------------------------------------------
    def decision_thresholds(self) -> np.ndarray:
        """Per-theme thresholds: the ``threshold`` parameter when set, else the fitted ones."""
        thr = getattr(self, "threshold", None)
        if thr is not None:
            return np.full(len(self.classes_), float(thr))
        return np.asarray(self.thresholds_, dtype=float)

    def decide(self, scores: np.ndarray) -> np.ndarray:
        """Scores -> 0/1 decisions: a theme applies when its score reaches its threshold."""
        return (scores >= self.decision_thresholds()[None, :]).astype(int)

    def predict(self, X) -> np.ndarray:
        """0/1 matrix (n_texts, n_themes): which themes apply to each text."""
        return self.decide(self.predict_proba(X))

    def predict_valence(self, X, Y=None) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    # --- corpus -> codings ----------------------------------------------------------------------
    def code(self, corpus: pd.DataFrame, run_id: str | None = None) -> pd.DataFrame:
        """Code a corpus (``note_id``, ``text``[, ``person_id``]) into the ``codings`` table.

        A zero-shot coder that is not fitted yet adapts to the corpus units first.
        """
        check_corpus(corpus)
        units = segment_corpus(corpus, self.level)
        texts = np.asarray(units["text"], dtype=object)
        if not hasattr(self, "classes_"):
            self.fit(list(texts))
        scores = self.predict_proba(texts) if len(texts) else np.zeros((0, len(self.classes_)))
        coded = self.decide(scores).astype(bool)
        valence = self.predict_valence(texts, coded) if len(texts) else np.zeros((0, len(self.classes_)), object)
        return codings_frame(corpus, units, scores, coded, valence, list(self.classes_), self.method, run_id)


def codings_frame(corpus: pd.DataFrame, units: pd.DataFrame, scores: np.ndarray, coded: np.ndarray,
                  valence: np.ndarray, classes: list[str], method: str, run_id: str | None) -> pd.DataFrame:
    """Rows for every coded (unit, theme), plus one ``uncoded`` row per note with none."""
    ui, ti = np.nonzero(coded)
    out = pd.DataFrame({
        "note_id": units["note_id"].to_numpy(dtype=object)[ui],
        "person_id": units["person_id"].to_numpy(dtype=object)[ui],
        "segment_id": units["segment_id"].to_numpy(dtype=object)[ui],
        "start": units["start"].to_numpy()[ui],
        "end": units["end"].to_numpy()[ui],
        "theme_id": np.asarray(classes, dtype=object)[ti],
        "score": scores[ui, ti].astype(float),
        "valence": np.asarray(valence, dtype=object)[ui, ti] if len(ui) else np.array([], dtype=object),
    })
    # notes without any coded unit
    note_ids = corpus["note_id"].astype(str).to_numpy(dtype=object)
    has = set(out["note_id"])
    best = {}
    if len(units):
        unit_max = scores.max(axis=1) if scores.shape[1] else np.zeros(len(units))
        best = pd.Series(unit_max).groupby(units["note_id"].to_numpy()).max().to_dict()
    persons = corpus["person_id"].to_numpy(dtype=object) if "person_id" in corpus.columns else [None] * len(corpus)
    texts = np.asarray(corpus["text"].fillna(""), dtype=object)
    unc = [
        {"note_id": nid, "person_id": pid, "segment_id": f"{nid}:note", "start": 0, "end": len(str(text)),
         "theme_id": UNCODED, "score": float(1.0 - best.get(nid, 0.0)), "valence": None}
        for nid, pid, text in zip(note_ids, persons, texts) if nid not in has
    ]
    if unc:
        out = pd.concat([out, pd.DataFrame(unc)], ignore_index=True) if len(out) else pd.DataFrame(unc)
    order = {nid: i for i, nid in enumerate(note_ids)}
    theme_order = {t: i for i, t in enumerate([*classes, UNCODED])}
    out["_n"] = out["note_id"].map(order)
    out["_t"] = out["theme_id"].map(theme_order)
    out = out.sort_values(["_n", "start", "_t"], kind="stable").drop(columns=["_n", "_t"])
    out.insert(0, "run_id", run_id)
    out["method"] = method
    out["start"] = out["start"].astype("int64")
    out["end"] = out["end"].astype("int64")
    out["score"] = out["score"].astype(float).round(6)
    out["valence"] = out["valence"].astype(object)
    return out[CODINGS_COLUMNS].reset_index(drop=True)
