"""What every coder shares: embedder handling, thresholds, and turning scores into `codings`.

A coder is a scikit-learn estimator over *texts* (``fit(texts, ...)``, ``predict_proba(texts)``
-> an (n_texts, n_themes) array of scores in [0, 1] with columns ``classes_``) plus
``code(corpus)``, which splits the corpus into units (sentences or notes), scores them and
returns the ``codings`` table.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from kvalitativ.constants import UNCODED  # re-exported as kvalitativ.coding.UNCODED
from kvalitativ.embed import ensure_fitted, resolve_embedder

from .units import check_corpus, segment_corpus

__all__ = ["BaseCoder", "CODINGS_COLUMNS", "UNCODED", "codings_frame", "single_threaded_blas", "top_only"]

CODINGS_COLUMNS = ["run_id", "note_id", "person_id", "segment_id", "start", "end", "theme_id", "score",
                   "valence", "method"]


def single_threaded_blas():
    """A context with one BLAS thread. A coder's products are thin (units × 256 against a few
    dozen prototypes or one theme's weights): on 2 cores a second BLAS thread gains little even
    when idle, and when another process holds the other core its spinning barriers make the
    products several times slower. A no-op without threadpoolctl (it comes with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def top_only(scores: np.ndarray, coded: np.ndarray, exclusive: bool = True) -> np.ndarray:
    """Single-label decisions: each unit keeps at most its top-scoring theme, and only where that
    theme was coded (reached its threshold); otherwise the unit is uncoded.

    For codebooks whose themes exclude each other (topic categories), per-theme thresholds
    would code some units twice and lose precision; the top theme is the one answer. Ties go to
    the theme first in the codebook. ``exclusive=False`` returns ``coded`` unchanged.
    """
    coded = np.asarray(coded, dtype=bool)
    if not exclusive or scores.shape[1] == 0 or len(scores) == 0:
        return coded.astype(int)
    top = np.argmax(scores, axis=1)
    rows = np.arange(len(scores))
    out = np.zeros(coded.shape, dtype=int)
    out[rows, top] = coded[rows, top]
    return out


def note_top_only(scores: np.ndarray, coded: np.ndarray, notes: np.ndarray) -> np.ndarray:
    """Each note keeps only its top theme: the coded theme with the highest unit score in the note
    (``code.exclusive: auto`` at sentence level, see ``kvalitativ.coding.mode``); its units that
    were coded with it stay coded, every other decision of the note is dropped."""
    coded = np.asarray(coded, dtype=bool)
    if coded.shape[1] == 0:
        return coded
    idx, _ = pd.factorize(pd.Series(notes, dtype=object))
    best = np.full((idx.max() + 1, coded.shape[1]), -np.inf)
    np.maximum.at(best, idx, np.where(coded, scores, -np.inf))
    top = np.argmax(best, axis=1)  # ties: the theme first in the codebook
    return coded & (np.arange(coded.shape[1])[None, :] == top[idx][:, None])


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
        """Scores -> 0/1 decisions: a theme applies when its score reaches its threshold
        (with ``exclusive``, only each unit's top theme can apply)."""
        return top_only(scores, scores >= self.decision_thresholds()[None, :], getattr(self, "exclusive", False))

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
        notes = units["note_id"].to_numpy(dtype=object)  # a unit's note: the context of its sentences
        if not hasattr(self, "classes_"):
            self._fit_units(list(texts), notes)
        if len(texts):
            with single_threaded_blas():
                scores, coded, valence = self._score_units(texts, notes)
        else:
            scores = np.zeros((0, len(self.classes_)))
            coded, valence = scores.astype(bool), np.zeros((0, len(self.classes_)), object)
        if getattr(self, "note_top", False) and len(texts):
            coded = note_top_only(scores, coded, notes)
        if getattr(getattr(self, "codebook_", None), "valence", True) is False:  # codebook says: no valence
            valence = np.full(np.shape(valence), "neutral", dtype=object)
        return codings_frame(corpus, units, scores, coded, valence, list(self.classes_), self.method, run_id)

    def _fit_units(self, texts, groups) -> None:
        """Fit on the units' texts (``groups``: per unit its note id, for coders that use it;
        the others ignore it, so any coder can be fitted this way)."""
        self.fit(texts)

    def _score_units(self, texts, groups=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(scores, 0/1 decisions as bool, valences) for the unit texts (``groups``: per unit its
        note id, for coders that use it); a coder that can share work between the three (one
        embedding of the texts) overrides this."""
        scores = self.predict_proba(texts)
        coded = self.decide(scores).astype(bool)
        return scores, coded, self.predict_valence(texts, coded)


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
    # notes without any coded unit: one "uncoded" row, scored 1 - the note's best unit score
    note_ids = corpus["note_id"].astype(str).to_numpy(dtype=object)
    unit_note = (pd.Index(note_ids, dtype=object).get_indexer(units["note_id"].to_numpy(dtype=object)) if len(units)
                 else np.zeros(0, dtype=np.intp))  # each unit's note: its row in the corpus (-1: none)
    best = np.zeros(len(note_ids))
    if len(units):
        unit_max = scores.max(axis=1) if scores.shape[1] else np.zeros(len(units))
        top = np.full(len(note_ids), -np.inf, dtype=unit_max.dtype)
        ok = unit_note >= 0
        np.maximum.at(top, unit_note[ok], unit_max[ok])
        best = np.where(top > -np.inf, top.astype(float), 0.0)
    coded_note = unit_note[ui]
    unc = np.ones(len(note_ids), dtype=bool)
    unc[coded_note[coded_note >= 0]] = False
    if unc.any():
        persons = corpus["person_id"].to_numpy(dtype=object) if "person_id" in corpus.columns else np.full(len(corpus), None)
        texts = corpus["text"].fillna("").to_numpy(dtype=object)
        unc_ids = note_ids[unc]
        uncoded = pd.DataFrame({
            "note_id": unc_ids, "person_id": np.asarray(persons, dtype=object)[unc],
            "segment_id": unc_ids + ":note", "start": np.zeros(len(unc_ids), dtype=np.int64),
            "end": np.array([len(str(t)) for t in texts[unc]], dtype=np.int64), "theme_id": UNCODED,
            "score": 1.0 - best[unc], "valence": np.full(len(unc_ids), None, dtype=object),
        })
        out = pd.concat([out, uncoded], ignore_index=True) if len(out) else uncoded
    # order: the corpus' note order, then position in the note, then the codebook's theme order
    # (numpy's lexsort is stable, as pandas' stable sort was)
    n_pos = np.concatenate([coded_note, np.flatnonzero(unc)])
    n_pos = np.where(n_pos < 0, len(note_ids), n_pos)  # units of notes not in the corpus: last
    t_pos = np.concatenate([ti, np.full(int(unc.sum()), len(classes))])
    out = out.take(np.lexsort((t_pos, out["start"].to_numpy(), n_pos)))
    out.insert(0, "run_id", run_id)
    out["method"] = method
    out["start"] = out["start"].astype("int64")
    out["end"] = out["end"].astype("int64")
    out["score"] = out["score"].astype(float).round(6)
    out["valence"] = out["valence"].astype(object)
    return out[CODINGS_COLUMNS].reset_index(drop=True)
