"""Supervised coding from human-coded examples: lexical + embedding features, calibrated.

For each theme (one-vs-rest, so a note may have several): a logistic regression on TF-IDF
word and character n-grams stacked with the text's embedding (see ``features``). Then:

* **Calibration** (Platt): a sigmoid is fitted to *cross-validated* decision values, so a score
  of 0.8 means roughly "8 in 10 such texts carry the theme" on data like the training data.
* **Per-theme thresholds**: on the same out-of-fold scores, the threshold that maximises F1
  for that theme (rare themes need lower ones than common themes).
* **Sentence level**: the model learns from whole notes (that is what human codes are given
  for), scores each sentence, and its calibration and threshold are fitted to the *note*
  roll-up (the highest sentence score), so "a sentence is coded" and "the note is coded" agree.
* **Valence**: a multinomial logistic regression over the same features plus the lexical
  polarity (with Danish negation), trained on the (note, theme) pairs whose valence is given;
  without valence labels, the codebook-based scorer of the zero-shot coder is used.

Themes with fewer than ``min_positive`` training examples cannot be learned and are left out
(listed in ``skipped_themes_``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from kvalitativ.codebook import Theme, load_codebook
from kvalitativ.constants import UNCODED
from kvalitativ.errors import InputError
from kvalitativ.text.sentences import split_sentences

from .base import BaseCoder
from .features import LexicalFeatures, stack_features
from .valence import VALENCES, ValenceScorer, lexical_polarities

__all__ = ["SupervisedCoder", "labels_to_matrix"]


def labels_to_matrix(y, classes: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Multi-label targets -> (0/1 matrix, classes). ``y`` holds, per text, a theme id, an
    iterable of theme ids, or nothing (None / empty / "uncoded")."""
    sets = []
    for v in y:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            sets.append(set())
        elif isinstance(v, str):
            sets.append(set() if v in ("", UNCODED) else {v})
        elif isinstance(v, Iterable):
            sets.append({str(t) for t in v if t not in (None, "", UNCODED)})
        else:
            sets.append({str(v)})
    if classes is None:
        classes = sorted(set().union(*sets)) if sets else []
    index = {c: i for i, c in enumerate(classes)}
    Y = np.zeros((len(sets), len(classes)), dtype=int)
    for i, s in enumerate(sets):
        for t in s:
            if t in index:
                Y[i, index[t]] = 1
    return Y, list(classes)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def _platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit p = sigmoid(a * d + b) on out-of-fold decision values (Platt's smoothed targets)."""
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    target = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    lr = LogisticRegression(C=1e4, max_iter=1000)
    # weighted fit with soft targets: duplicate rows with weights
    d = decision.reshape(-1, 1)
    X = np.vstack([d, d])
    Y = np.r_[np.ones(len(d)), np.zeros(len(d))]
    w = np.r_[target, 1 - target]
    lr.fit(X, Y, sample_weight=w)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def _best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The threshold maximising F1 on out-of-fold scores (ties: the one closest to 0.5)."""
    if y.sum() == 0:
        return 1.0
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    pos = y == 1
    best, best_f1 = 0.5, -1.0
    for g in grid:
        pred = p >= g
        tp = np.sum(pred & pos)
        f1 = 2 * tp / (pred.sum() + pos.sum()) if (pred.sum() + pos.sum()) else 0.0
        if f1 > best_f1 + 1e-9 or (abs(f1 - best_f1) <= 1e-9 and abs(g - 0.5) < abs(best - 0.5)):
            best, best_f1 = float(g), f1
    return best


class SupervisedCoder(BaseCoder):
    """Learn themes (and valence) from human-coded texts.

    Parameters
    ----------
    embedder: embedder name or object for the embedding features (``e5`` by default).
    level: ``"note"`` or ``"sentence"``: the unit ``code()`` scores (training is on notes).
    codebook: optional; orders the themes, gives labels, and valence examples as a fallback.
    lexical, embedding: which feature blocks to use (both by default).
    embedding_weight: scale of the embedding block against the TF-IDF block.
    C: inverse regularisation of the logistic regressions.
    cv: folds for calibration and threshold tuning.
    threshold: one threshold for all themes; None = the per-theme F1-optimal ones.
    min_positive: fewest training examples a theme needs.
    exclusive: single-label mode: each unit gets its top theme (if it reaches its threshold) or none.

    >>> coder = SupervisedCoder(embedder="e5").fit(texts, [["motivation"], [], ["trivsel", "rusmidler"]])  # doctest: +SKIP
    >>> coder.predict(["Han gider ikke skolen."])                                                       # doctest: +SKIP
    """

    method = "supervised"

    def __init__(self, embedder="e5", level="note", codebook=None, lexical=True, embedding=True,
                 embedding_weight=2.0, C=10.0, cv=5, threshold=None, min_positive=3, class_weight="balanced",
                 exclusive=False, cache_dir=None, random_state=0, progress=True):
        self.embedder = embedder
        self.level = level
        self.codebook = codebook
        self.lexical = lexical
        self.embedding = embedding
        self.embedding_weight = embedding_weight
        self.C = C
        self.cv = cv
        self.threshold = threshold
        self.min_positive = min_positive
        self.class_weight = class_weight
        self.exclusive = exclusive
        self.cache_dir = cache_dir
        self.random_state = random_state
        self.progress = progress

    # --- features ------------------------------------------------------------------------------
    def _features(self, texts, vectors: np.ndarray | None = None):
        lex = self.lexical_.transform(texts) if self.lexical_ is not None else None
        emb = None
        if self.embedding:
            emb = vectors if vectors is not None else self._encode(texts)
        return stack_features(lex, emb, self.embedding_weight)

    def _new_lr(self, shape: tuple[int, int] | None = None) -> LogisticRegression:
        # the dual problem is many times faster when features outnumber texts (n-grams do)
        dual = bool(shape and shape[1] > shape[0])
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000, solver="liblinear",
                                  dual=dual, random_state=self.random_state)

    # --- fit -----------------------------------------------------------------------------------
    def fit(self, X, y, valence=None) -> "SupervisedCoder":
        """Learn from texts ``X`` and their themes ``y`` (per text: a theme id, a list of ids,
        or nothing). ``valence``: optional, per text a dict ``{theme_id: valence}``."""
        texts = [str(t) for t in X]
        if len(texts) != len(y):
            raise InputError(f"supervised coder: {len(texts)} texts but {len(y)} label sets.")
        if len(texts) < 4:
            raise InputError(f"supervised coder: {len(texts)} coded texts are too few to learn from; code at least "
                             "a few dozen notes.")
        cb = load_codebook(self.codebook) if self.codebook is not None else None
        classes = None
        if cb is not None:
            seen = labels_to_matrix(y)[1]
            classes = [t.id for t in cb.leaves() if t.id in seen] + [c for c in seen if c not in cb]
        Y, classes = labels_to_matrix(y, classes)
        counts = Y.sum(axis=0)
        keep = [i for i, c in enumerate(classes) if self.min_positive <= counts[i] < len(texts)]
        self.skipped_themes_ = [classes[i] for i in range(len(classes)) if i not in keep]
        if not keep:
            raise InputError(f"supervised coder: no theme has at least {self.min_positive} coded examples "
                             f"(counts: {dict(zip(classes, counts.tolist()))}); code more notes.")
        if self.skipped_themes_:
            warnings.warn(f"themes with fewer than {self.min_positive} examples are not learned: "
                          f"{', '.join(self.skipped_themes_)}", stacklevel=2)
        Y = Y[:, keep]
        self.classes_ = np.array([classes[i] for i in keep], dtype=object)
        self.codebook_ = cb

        self.embedder_ = None
        if self.embedding:
            self._get_embedder(fit_texts=texts)
        self.lexical_ = LexicalFeatures().fit(texts) if self.lexical else None
        V = self._encode(texts) if self.embedding else None
        F = self._features(texts, V)

        sentence_of = None
        if self.level == "sentence":
            sents, owner = [], []
            for i, t in enumerate(texts):
                for _, _, s in split_sentences(t) or [(0, len(t), t)]:
                    sents.append(s)
                    owner.append(i)
            sentence_of = (sents, np.asarray(owner))
            Fs = self._features(sents)

        n_splits = int(min(self.cv, max(2, Y.sum(axis=0).min())))
        folds = list(KFold(n_splits=n_splits, shuffle=True, random_state=self.random_state).split(texts))
        oof = np.zeros(Y.shape, dtype=float)
        for tr, te in folds:
            te_set = te
            F_tr, F_te = F[tr], F[te_set]  # the fold's rows, sliced once for all themes
            if sentence_of is not None:
                sents, owner = sentence_of
                mask = np.isin(owner, te_set)
                Fs_te = Fs[mask]
            for j in range(Y.shape[1]):
                yt = Y[tr, j]
                if yt.min() == yt.max():
                    oof[te_set, j] = -10.0 if yt.max() == 0 else 10.0
                    continue
                m = self._new_lr(F_tr.shape).fit(F_tr, yt)
                if sentence_of is None:
                    oof[te_set, j] = m.decision_function(F_te)
                else:
                    d = m.decision_function(Fs_te)
                    best = np.full(len(texts), -np.inf)
                    np.maximum.at(best, owner[mask], d)
                    oof[te_set, j] = best[te_set]
        self.models_ = []
        self.platt_ = []
        thresholds = []
        for j in range(Y.shape[1]):
            self.models_.append(self._new_lr(F.shape).fit(F, Y[:, j]))
            a, b = _platt(oof[:, j], Y[:, j])
            self.platt_.append((a, b))
            thresholds.append(_best_threshold(_sigmoid(a * oof[:, j] + b), Y[:, j]))
        self.thresholds_ = np.asarray(thresholds)
        self.oof_scores_ = np.column_stack([_sigmoid(a * oof[:, j] + b) for j, (a, b) in enumerate(self.platt_)])
        self._fit_valence(texts, Y, valence, F)
        return self

    def _fit_valence(self, texts, Y, valence, F) -> None:
        self.valence_model_ = None
        themes = [self.codebook_[c] if self.codebook_ is not None and c in self.codebook_ else Theme(c, c)
                  for c in self.classes_]
        self.valence_fallback_ = ValenceScorer().fit(themes, self._encode) if self.embedding else None
        if valence is None:
            return
        rows, labels = [], []
        index = {c: j for j, c in enumerate(self.classes_)}
        for i, v in enumerate(valence):
            if not isinstance(v, dict):
                continue
            for theme, val in v.items():
                if theme in index and val in VALENCES and Y[i, index[theme]]:
                    rows.append(i)
                    labels.append(val)
        if len(set(labels)) < 2 or len(labels) < 6:
            return
        rows = np.asarray(rows)
        Fv = self._valence_features(F[rows], [texts[i] for i in rows])
        self.valence_model_ = LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced", solver="liblinear",
                                                 dual=Fv.shape[1] > Fv.shape[0]).fit(Fv, labels)

    @staticmethod
    def _valence_features(F, texts):
        from scipy.sparse import csr_matrix, hstack

        pol = lexical_polarities(texts)[:, None] * 2.0
        return hstack([F, csr_matrix(pol)]).tocsr()

    # --- predict -------------------------------------------------------------------------------
    def decision_function(self, X) -> np.ndarray:
        return self._decisions(self._features([str(t) for t in X]))

    def _decisions(self, F) -> np.ndarray:
        return np.column_stack([m.decision_function(F) for m in self.models_])

    def _calibrated(self, D: np.ndarray) -> np.ndarray:
        return np.column_stack([_sigmoid(a * D[:, j] + b) for j, (a, b) in enumerate(self.platt_)])

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated scores in [0, 1], shape (n_texts, n_themes), columns ``classes_``."""
        X = [str(t) for t in X]
        if not X:
            return np.zeros((0, len(self.classes_)))
        return self._calibrated(self.decision_function(X))

    def predict_valence(self, X, Y=None) -> np.ndarray:
        """Valence per (text, theme) where ``Y`` (default ``predict(X)``) codes it, None elsewhere."""
        texts = [str(t) for t in X]
        if Y is None:
            Y = self.predict(texts)
        return self._valence(texts, Y)

    def _score_units(self, texts):
        # the units' features (TF-IDF n-grams + embedding) serve the theme scores and the valence
        texts = [str(t) for t in texts]
        F = self._features(texts)
        scores = self._calibrated(self._decisions(F))
        coded = self.decide(scores).astype(bool)
        return scores, coded, self._valence(texts, coded, F)

    def _valence(self, texts: list[str], Y, F=None) -> np.ndarray:
        """``F``: the features of all ``texts`` when already at hand (rows are independent)."""
        out = np.full((len(texts), len(self.classes_)), None, dtype=object)
        ui, ti = np.nonzero(np.asarray(Y))
        if not len(ui):
            return out
        if self.valence_model_ is not None:
            rows = np.unique(ui)
            row_texts = [texts[i] for i in rows]
            Fr = F[rows] if F is not None else self._features(row_texts)
            lab = self.valence_model_.predict(self._valence_features(Fr, row_texts))
            by_row = dict(zip(rows.tolist(), lab))
            out[ui, ti] = [by_row[i] for i in ui]
        elif self.valence_fallback_ is not None:
            V = self._encode([texts[i] for i in ui])
            out[ui, ti] = self.valence_fallback_.label(self.valence_fallback_.score(V, [texts[i] for i in ui], ti))
        else:
            s = lexical_polarities([texts[i] for i in ui])
            out[ui, ti] = np.where(s > 0.15, "strength", np.where(s < -0.15, "concern", "neutral"))
        return out
