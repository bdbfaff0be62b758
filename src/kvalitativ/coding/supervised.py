"""Supervised coding from human-coded examples: lexical + embedding features, calibrated.

For each theme (one-vs-rest, so a note may have several): a logistic regression on TF-IDF
word and character n-grams stacked with the text's embedding (see ``features``). Then:

* **Calibration** (Platt): a sigmoid is fitted to *cross-validated* decision values, so a score
  of 0.8 means roughly "8 in 10 such texts carry the theme" on data like the training data.
  The folds keep copies of a text together (``text_folds``): the same note written for several
  persons would otherwise be scored by a model that saw it, and look easier than it is.
* **Per-theme thresholds**: on the same out-of-fold scores, the threshold that maximises F1
  for that theme (rare themes need lower ones than common themes).
* **Sentence level**: the model learns from whole notes (that is what human codes are given
  for), scores each sentence, and its calibration and threshold are fitted to the *note*
  roll-up (the highest sentence score), so "a sentence is coded" and "the note is coded" agree.
* **Valence**: a multinomial logistic regression over the same features plus the lexical
  polarity (with Danish negation), trained on the (note, theme) pairs whose valence is given;
  without valence labels, the codebook-based scorer of the zero-shot coder is used.

* **Codebook prior** (``prior``, see ``kvalitativ.coding.prior``): the zero-shot coder's
  theme logits join the features; per theme the learned model or the prior's score is kept,
  whichever codes the hand-coded texts better out of fold; ``make_coder`` turns it on.

Themes with fewer than ``min_positive`` training examples cannot be learned (listed in
``skipped_themes_``): without a prior they are left out, with one they keep the prior's score.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from kvalitativ.codebook import Theme, load_codebook
from kvalitativ.constants import UNCODED
from kvalitativ.errors import InputError
from kvalitativ.io.duplicates import text_keys
from kvalitativ.text.sentences import split_sentences

from .base import BaseCoder, top_only
from .features import LexicalFeatures, stack_features
from .prior import detached, prior_features
from .valence import VALENCES, ValenceScorer, lexical_polarities

__all__ = ["SupervisedCoder", "labels_to_matrix", "text_folds"]


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


def _f1(pred: np.ndarray, y: np.ndarray) -> float:
    pred, pos = np.asarray(pred, dtype=bool), np.asarray(y) == 1
    denom = pred.sum() + pos.sum()
    return float(2 * np.sum(pred & pos) / denom) if denom else 0.0


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


def text_folds(texts: list[str], n_splits: int, random_state) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled K folds (train rows, test rows) over ``texts`` in which a text and its copies (the
    same words, case and spacing ignored: ``io.duplicates.text_keys``, as ingest counts copies)
    are always in one fold: out-of-fold scores of a text must not come from a model that saw its
    copy. The folds are drawn over the distinct texts in order of first appearance, so without
    copies they are exactly ``KFold(n_splits, shuffle=True, random_state)`` over the texts. Empty
    texts share nothing: each is its own group."""
    keys = np.array(text_keys(pd.Series(texts, dtype=object)).fillna("").to_numpy(dtype=object))
    empty = keys == ""  # texts without words are not copies of each other (ingest's and the link's rule)
    keys[empty] = [f"\0empty {i}" for i in np.flatnonzero(empty)]
    group, _ = pd.factorize(keys)
    n_groups = int(group.max()) + 1 if len(group) else 0
    if n_groups < 2:
        raise InputError(f"the hand codes hold {n_groups} distinct text(s); a supervised coder needs at least two "
                         "different texts (copies, case and spacing ignored, count once). Hand-code more notes.")
    n_splits = max(2, min(int(n_splits), n_groups))
    folds = []
    for _, te_groups in KFold(n_splits=n_splits, shuffle=True, random_state=random_state).split(np.arange(n_groups)):
        in_test = np.isin(group, te_groups)
        folds.append((np.flatnonzero(~in_test), np.flatnonzero(in_test)))
    return folds


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
    exclusive: single-label mode: each unit gets its top theme, or none where hand codes say "no
        theme" is an answer (some training texts have none) and the top theme misses its threshold.
    note_top: at sentence level, each note also keeps only its top theme (``code.exclusive: auto``
        with single-label hand codes; see ``kvalitativ.coding.mode``). A parameter, so ``clone``
        and ``get_params`` carry it.
    prior: a :class:`~kvalitativ.coding.ZeroShotCoder` (fitted or not) whose theme logits join the
        features as the codebook's prior (see ``kvalitativ.coding.prior``); None = no prior.
    prior_weight: scale of the prior block against the TF-IDF and embedding blocks.

    >>> coder = SupervisedCoder(embedder="e5").fit(texts, [["motivation"], [], ["trivsel", "rusmidler"]])  # doctest: +SKIP
    >>> coder.predict(["Han gider ikke skolen."])                                                       # doctest: +SKIP
    """

    method = "supervised"

    def __init__(self, embedder="e5", level="note", codebook=None, lexical=True, embedding=True,
                 embedding_weight=2.0, C=10.0, cv=5, threshold=None, min_positive=3, class_weight="balanced",
                 exclusive=False, note_top=False, prior=None, prior_weight=0.25, cache_dir=None, random_state=0,
                 progress=True):
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
        self.note_top = note_top
        self.prior = prior
        self.prior_weight = prior_weight
        self.cache_dir = cache_dir
        self.random_state = random_state
        self.progress = progress

    # --- features ------------------------------------------------------------------------------
    def _features(self, texts, vectors: np.ndarray | None = None):
        lex = self.lexical_.transform(texts) if self.lexical_ is not None else None
        prior = getattr(self, "prior_", None)
        if vectors is None and (self.embedding or prior is not None):
            vectors = self._encode(texts)
        pf = prior_features(prior, vectors, self.prior_weight, texts) if prior is not None else None
        return stack_features(lex, vectors if self.embedding else None, self.embedding_weight, pf)

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
        Y = self._targets(texts, y)
        self.embedder_ = None
        self.prior_ = None
        if self.prior is not None:
            zs = self.prior if hasattr(self.prior, "classes_") else clone(self.prior).fit(texts)
            if getattr(zs, "embedder_", None) is not None and isinstance(self.embedder, str):
                self.embedder_ = zs.embedder_  # the prior's vector space (a fitted TF-IDF) and cache
            self.prior_ = detached(zs)
        if self.embedding or self.prior_ is not None:
            self._get_embedder(fit_texts=texts)
        self.lexical_ = LexicalFeatures().fit(texts) if self.lexical else None
        V = self._encode(texts) if (self.embedding or self.prior_ is not None) else None
        F = self._features(texts, V)
        oof, prior_oof = self._oof_decisions(texts, Y, F)
        self.models_ = []
        self.platt_ = []
        thresholds = []
        for j in range(Y.shape[1]):
            self.models_.append(self._new_lr(F.shape).fit(F, Y[:, j]))
            a, b = _platt(oof[:, j], Y[:, j])
            self.platt_.append((a, b))
            thresholds.append(_best_threshold(_sigmoid(a * oof[:, j] + b), Y[:, j]))
        self.oof_scores_ = np.column_stack([_sigmoid(a * oof[:, j] + b) for j, (a, b) in enumerate(self.platt_)])
        self.prior_col_ = np.full(len(self.classes_), -1)
        if prior_oof is not None:
            thresholds = self._choose_sources(Y, prior_oof, thresholds)
        self.thresholds_ = np.asarray(thresholds)
        self._fit_valence(texts, Y, valence, F)
        self.prior_ = getattr(self.prior_, "final", self.prior_)  # a cross-fitted prior (handprior): the full one now
        return self

    def _choose_sources(self, Y: np.ndarray, prior_oof: np.ndarray, thresholds: list[float]) -> list[float]:
        """Per theme, the model's or the codebook prior's score, whichever codes the hand-coded
        texts better (F1, each at its best threshold; the prior never saw these codes, so its
        scores on them are out-of-sample already). With few hand codes the prior often wins;
        themes with too few codes to learn at all keep the prior's score (appended to
        ``classes_``). Sets ``prior_col_``: the prior column a theme reads, -1 for the model."""
        pidx = {c: i for i, c in enumerate(self.prior_.classes_)}
        for j, c in enumerate(self.classes_):
            if c not in pidx:
                continue
            thr_p = _best_threshold(prior_oof[:, pidx[c]], Y[:, j])
            if _f1(prior_oof[:, pidx[c]] >= thr_p, Y[:, j]) > _f1(self.oof_scores_[:, j] >= thresholds[j], Y[:, j]):
                self.prior_col_[j], thresholds[j] = pidx[c], thr_p
        learned = set(self.classes_)
        fallback = [i for i, c in enumerate(self.prior_.classes_) if c not in learned]
        self.classes_ = np.array([*self.classes_, *self.prior_.classes_[fallback]], dtype=object)
        self.prior_col_ = np.concatenate([self.prior_col_, np.asarray(fallback, dtype=int)])
        return thresholds + [0.5] * len(fallback)

    def _targets(self, texts: list[str], y) -> np.ndarray:
        """The 0/1 matrix of the themes that can be learned; sets ``classes_``, ``skipped_themes_``,
        ``codebook_`` and ``none_seen_`` (some text has no theme: "none" is an answer)."""
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
        self.none_seen_ = bool((Y.sum(axis=1) == 0).any())
        counts = Y.sum(axis=0)
        keep = [i for i, c in enumerate(classes) if self.min_positive <= counts[i] < len(texts)]
        self.skipped_themes_ = [classes[i] for i in range(len(classes)) if i not in keep]
        if not keep:
            raise InputError(f"supervised coder: no theme has at least {self.min_positive} coded examples "
                             f"(counts: {dict(zip(classes, counts.tolist()))}); code more notes.")
        if self.skipped_themes_ and self.prior is None:
            warnings.warn(f"themes with fewer than {self.min_positive} examples are not learned: "
                          f"{', '.join(self.skipped_themes_)}", stacklevel=3)
        self.classes_ = np.array([classes[i] for i in keep], dtype=object)
        self.codebook_ = cb
        return Y[:, keep]

    def _oof_decisions(self, texts: list[str], Y: np.ndarray, F) -> np.ndarray:
        """Cross-validated decision values per text and theme (at sentence level: the best
        sentence's), for calibration and thresholds; and the codebook prior's scores of the same
        texts (None without a prior)."""
        sentence_of = None
        if self.level == "sentence":
            sents, owner = [], []
            for i, t in enumerate(texts):
                for _, _, s in split_sentences(t) or [(0, len(t), t)]:
                    sents.append(s)
                    owner.append(i)
            sentence_of = (sents, np.asarray(owner))
            Fs = self._features(sents)
        prior_oof = None
        if getattr(self, "prior_", None) is not None and self.prior_weight > 0:
            if sentence_of is None:
                prior_oof = self._prior_probs(F)
            else:  # a note's prior score: its best sentence's
                ps = self._prior_probs(Fs)
                prior_oof = np.zeros((len(texts), ps.shape[1]))
                np.maximum.at(prior_oof, sentence_of[1], ps)
        folds = text_folds(texts, int(min(self.cv, max(2, Y.sum(axis=0).min()))), self.random_state)
        oof = np.zeros(Y.shape, dtype=float)
        for tr, te in folds:
            F_tr, F_te = F[tr], F[te]  # the fold's rows, sliced once for all themes
            if sentence_of is not None:
                owner = sentence_of[1]
                mask = np.isin(owner, te)
                Fs_te = Fs[mask]
            for j in range(Y.shape[1]):
                yt = Y[tr, j]
                if yt.min() == yt.max():
                    oof[te, j] = -10.0 if yt.max() == 0 else 10.0
                    continue
                m = self._new_lr(F_tr.shape).fit(F_tr, yt)
                if sentence_of is None:
                    oof[te, j] = m.decision_function(F_te)
                else:
                    d = m.decision_function(Fs_te)
                    best = np.full(len(texts), -np.inf)
                    np.maximum.at(best, owner[mask], d)
                    oof[te, j] = best[te]
        return oof, prior_oof

    def _fit_valence(self, texts, Y, valence, F) -> None:
        self.valence_model_ = None
        themes = [self.codebook_[c] if self.codebook_ is not None and c in self.codebook_ else Theme(c, c)
                  for c in self.classes_]
        neutral = self.codebook_.uncoded_examples if self.codebook_ is not None else ()
        self.valence_fallback_ = (ValenceScorer(language=self._language()).fit(themes, self._encode, neutral)
                                  if self.embedding else None)
        if valence is None:
            return
        rows, labels = [], []
        index = {c: j for j, c in enumerate(self.classes_[: Y.shape[1]])}
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

    def _language(self) -> str:
        """The codebook's language (its valence lexicon); Danish without a codebook."""
        return self.codebook_.language if getattr(self, "codebook_", None) is not None else "da"

    def _valence_features(self, F, texts):
        from scipy.sparse import csr_matrix, hstack

        pol = lexical_polarities(texts, self._language())[:, None] * 2.0
        return hstack([F, csr_matrix(pol)]).tocsr()

    # --- predict -------------------------------------------------------------------------------
    def decision_function(self, X) -> np.ndarray:
        """Decision values of the learned themes (not of the prior's fallback themes)."""
        return self._decisions(self._features([str(t) for t in X]))

    def _prior_probs(self, F) -> np.ndarray:
        """The codebook prior's scores, read back from the prior block (the last columns of ``F``)."""
        k = len(self.prior_.classes_)
        return _sigmoid(np.asarray(F[:, F.shape[1] - k:].todense()) / float(self.prior_weight))

    def _scores_of(self, F) -> np.ndarray:
        """Calibrated scores of every column of ``classes_``: each learned theme's model's, or
        the codebook prior's where it codes better (``prior_col_``), then the fallback themes'."""
        S = self._calibrated(self._decisions(F))
        cols = getattr(self, "prior_col_", None)
        if cols is None or not (cols >= 0).any():
            return S
        S = np.column_stack([S, np.zeros((len(S), len(cols) - S.shape[1]))])
        use = np.flatnonzero(cols >= 0)
        S[:, use] = self._prior_probs(F)[:, cols[use]]
        return S

    def decide(self, scores: np.ndarray) -> np.ndarray:
        """As :meth:`BaseCoder.decide`; in single-label mode where every hand-coded text had a
        theme (no "none" among the answers) and no ``threshold`` is set, the top theme is coded
        always: the codes say that every text belongs to one of the themes."""
        if self.exclusive and self.threshold is None and not getattr(self, "none_seen_", True):
            return top_only(scores, np.ones(scores.shape, dtype=bool), True)
        return super().decide(scores)

    def _decisions(self, F) -> np.ndarray:
        return np.column_stack([m.decision_function(F) for m in self.models_])

    def _calibrated(self, D: np.ndarray) -> np.ndarray:
        return np.column_stack([_sigmoid(a * D[:, j] + b) for j, (a, b) in enumerate(self.platt_)])

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated scores in [0, 1], shape (n_texts, n_themes), columns ``classes_``."""
        X = [str(t) for t in X]
        if not X:
            return np.zeros((0, len(self.classes_)))
        return self._scores_of(self._features(X))

    def predict_valence(self, X, Y=None) -> np.ndarray:
        """Valence per (text, theme) where ``Y`` (default ``predict(X)``) codes it, None elsewhere."""
        texts = [str(t) for t in X]
        if Y is None:
            Y = self.predict(texts)
        return self._valence(texts, Y)

    def _score_units(self, texts, groups=None):
        # the units' features (TF-IDF n-grams + embedding) serve the theme scores and the valence
        texts = [str(t) for t in texts]
        F = self._features(texts)
        scores = self._scores_of(F)
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
            s = lexical_polarities([texts[i] for i in ui], self._language())
            out[ui, ti] = np.where(s > 0.15, "strength", np.where(s < -0.15, "concern", "neutral"))
        return out
