"""Zero-shot coding from the codebook alone: no human codes needed.

How a unit (sentence or note) gets its theme scores:

1. **Prototypes.** Each theme's texts are embedded: "label: definition", its include criteria
   and keywords (the *description*), and its example phrasings (strength, concern, neutral).
   The prototype is the mean of the description vector and the example vector, so a codebook of
   bare names still works (label only) and a rich codebook gets sharper prototypes.
2. **Centring.** e5 vectors share a large common direction; subtracting the mean vector of the
   corpus being coded (and of the prototypes likewise) makes cosine similarity reflect *what a
   text is about* rather than that it is Danish prose. Needs ≥ ``min_center`` units.
3. **Per-theme standardising.** Some themes are generically closer to everything; each theme's
   similarities are turned into z-scores over the corpus (median and spread), so one number
   means the same for every theme.
4. **Self-training** (transductive, still no labels). Units whose best theme stands out clearly
   become pseudo-examples of that theme; units far from every theme become pseudo-examples of
   "nothing applies". A one-vs-rest logistic regression on the (centred) vectors, trained on
   these pseudo-labels, generalises from the codebook's words to the corpus's own phrasings.
   Its probability is the score. With too few units it is skipped, and the score is a logistic
   function of the z-score. Units with one of a theme's ``keywords`` are pseudo-examples of it
   too, and the models see the units' word n-grams beside the embedding
   (:mod:`kvalitativ.coding.selftrain`).

Valence comes from :class:`~kvalitativ.coding.valence.ValenceScorer` (examples + lexicon with
Danish negation). A fitted coder is specific to the corpus it was fitted on (centre, spreads,
pseudo-labels): refit it for a new corpus — ``code()`` does this when unfitted.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import expit

from kvalitativ.codebook import load_codebook

from .base import BaseCoder, single_threaded_blas, top_only
from .selftrain import (UnitFeatures, _unit_rows, collapse_copies, decisions, fit_theme, hand_targets, keyword_hits,
                        note_context, pseudo_labels)
from .valence import ValenceScorer

__all__ = ["ZeroShotCoder", "theme_texts"]


def theme_texts(theme) -> tuple[list[str], list[str]]:
    """(description texts, example texts) for one theme."""
    desc = [theme.label]
    if theme.definition:
        desc += [f"{theme.label}: {theme.definition}", theme.definition]
    desc += [f"{theme.label}: {inc}" for inc in theme.include]
    if theme.keywords:
        desc.append(f"{theme.label}: {', '.join(theme.keywords)}")
    return desc, list(theme.examples)


class ZeroShotCoder(BaseCoder):
    """Code texts into the leaf themes of a codebook without training data.

    Parameters
    ----------
    codebook: a :class:`~kvalitativ.codebook.Codebook`, a path, or a shipped name.
    embedder: an embedder name (``e5``, ``tfidf``, ...) or an Embedder object.
    level: ``"sentence"`` or ``"note"``: the unit ``code()`` scores.
    threshold: one score threshold for all themes; None = 0.5 on the self-trained
        probabilities (or on the z-score curve when self-training is off).
    self_training: learn from confident pseudo-labels on the corpus (see module docs).
    pseudo_fraction: share of the units whose best theme is a theme that become its examples.
    none_quantile: units whose best z-score is below this quantile become "nothing applies".
    center, min_center: subtract the corpus mean vector when there are at least this many units.
    C, class_weight: the self-trained logistic regressions' regularisation and class weights.
    n_rounds: self-training rounds (each relabels with the previous round's model); None = 2 in
        single-label mode (``exclusive``), else 1.
    example_weight: how much a unit's similarity to the nearest single example phrasing counts
        beside the similarity to the theme's mean prototype (0 = mean prototype only).
    relative: at sentence level, a theme must also score at least this share of the
        sentence's best theme score (None = no such rule).
    use_counter_examples: self-train also on the codebook's own phrasings: each theme's
        examples (positive), its ``not_examples`` (negative for it) and the codebook's
        ``uncoded_examples`` (negative for every theme, and a competitor "no theme applies" in
        the pseudo-labels), each row weighted ``seed_weight``.
    uncoded_rule: a unit nearer the codebook's ``uncoded_examples`` than to every theme's
        prototype is uncoded (all its scores 0). No effect without ``uncoded_examples``.
    lexical_weight: weight of the units' TF-IDF n-grams beside the embedding in the
        self-trained models (0 = embedding only); the texts must then come with their vectors.
        1 was chosen from 0, 0.25, 0.5 and 1 on selection data: SIB-200 Danish train and dev
        sentences each coded alone, and a seeded half of the sample's and of the citizen input's
        notes (``scripts/benchmarks/bench_coding_select.py``; highest mean of the three e5 scores,
        with 0, 0.25 and 0.5 within 0.002 of it); SIB-200 test and the other halves are held out.
    lexical_chars: the lexical block holds character n-grams (2–5) beside the words (1–2). Off
        by default: words alone code as well on the sample, citizen input and SIB-200, and the
        characters made the coder 1.4× slower (``scripts/benchmarks/bench_coding_lexical.py``).
    keyword_seeds: self-train also on the units that contain one of a theme's ``keywords``, as
        positive pseudo-examples of that theme.
    keyword_match: how a keyword matches a word: ``"prefix"`` (a word that starts with the
        keyword's stem, so compounds count: "trafik" matches "trafiksikkerhed") or ``"stem"``
        (the same stem only; a keyword ending in ``*`` still matches as a prefix). Prefix by
        default: stem equality lost 0.05 micro-F1 on the citizen input and gained 0.001 on the
        sample (``bench_coding_select.py``); see :mod:`kvalitativ.coding.keyword`.
    hand_weight: the weight of a unit of a hand-coded note in self-training, against 1 for a
        pseudo-labelled unit (``fit(X, y, groups)``). 30 was chosen from 1, 3, 10, 30 and 100 at
        200 random hand codes on seeds (10, 11) that the reported learning curves (0-4) do not use,
        on the sample and SIB-200 (``scripts/benchmarks/bench_coding_curve.py``).
    context_weight: at sentence level, the self-trained models also see each sentence's note: the
        mean of the vectors of the note's *other* sentences (zero for a one-sentence note), times
        this weight, beside the sentence's own vector; needs the units' note ids (``code()`` and
        ``fit(X, groups=...)`` give them). 0 = off, the default: 0.25, 0.5 and 1 gained nothing
        on the selection halves of the sample and citizen input (``bench_coding_select.py
        --context``; docs/benchmarks.md, "The note as context for its sentences").
    context_pseudo: with ``context_weight``, the pseudo-labels read the note too: a sentence's
        z-scores plus ``context_weight`` times the mean z-scores of its note's other sentences.
    exclusive: single-label mode: each unit gets its top theme (if it reaches its threshold) or
        none, for codebooks whose themes exclude each other.
    cache_dir: on-disk embedding cache (None = in memory only).

    >>> coder = ZeroShotCoder("ungekompetencer", embedder="e5")          # doctest: +SKIP
    >>> codings = coder.code(corpus)                                      # doctest: +SKIP
    """

    method = "zeroshot"

    def __init__(self, codebook="ungekompetencer", embedder="e5", level="sentence", threshold=None,
                 self_training=True, pseudo_fraction=0.5, none_quantile=0.2, center=True, min_center=20,
                 min_self_training=30, z_offset=1.5, C=1.0, class_weight="balanced", n_rounds=None,
                 example_weight=0.5, relative=0.8, exclusive=False, use_counter_examples=True, seed_weight=1.0,
                 uncoded_rule=True, lexical_weight=1.0, lexical_chars=False, keyword_seeds=True,
                 keyword_match="prefix", hand_weight=30.0, context_weight=0.0, context_pseudo=False, cache_dir=None, random_state=0, progress=True):
        self.codebook = codebook
        self.embedder = embedder
        self.level = level
        self.threshold = threshold
        self.self_training = self_training
        self.pseudo_fraction = pseudo_fraction
        self.none_quantile = none_quantile
        self.center = center
        self.min_center = min_center
        self.min_self_training = min_self_training
        self.z_offset = z_offset
        self.C = C
        self.class_weight = class_weight
        self.n_rounds = n_rounds
        self.example_weight = example_weight
        self.relative = relative
        self.exclusive = exclusive
        self.use_counter_examples = use_counter_examples
        self.seed_weight = seed_weight
        self.uncoded_rule = uncoded_rule
        self.lexical_weight = lexical_weight
        self.lexical_chars = lexical_chars
        self.keyword_seeds = keyword_seeds
        self.keyword_match = keyword_match
        self.hand_weight = hand_weight
        self.context_weight = context_weight
        self.context_pseudo = context_pseudo
        self.cache_dir = cache_dir
        self.random_state = random_state
        self.progress = progress

    # ------------------------------------------------------------------------------------------
    def fit(self, X=None, y=None, groups=None) -> "ZeroShotCoder":
        """Build the theme prototypes and, given the texts ``X`` to be coded, adapt to them.

        ``y`` (optional): hand codes, per unit of ``X`` the theme ids its note was hand-coded
        with (empty: coded, no theme), or None where the note was not hand-coded; ``groups``: per
        unit its note id (default: each unit its own note). Self-training then learns from them
        too (:func:`~kvalitativ.coding.selftrain.hand_targets`, each row weighted
        ``hand_weight``). Without ``y`` the coder is zero-shot. ``groups`` also give each sentence
        its note's context (``context_weight``).
        """
        with single_threaded_blas():
            return self._fit(X, y, groups)

    def _fit(self, X, y=None, groups=None) -> "ZeroShotCoder":
        cb = load_codebook(self.codebook)
        themes = cb.leaves()
        self.codebook_ = cb
        self.themes_ = themes
        self.classes_ = np.array([t.id for t in themes], dtype=object)
        texts = [str(t) for t in (X if X is not None else [])]
        _check_groups(groups, len(texts))
        self.hand_ = self._hand(y, groups, len(texts))
        pairs = [theme_texts(t) for t in themes]
        all_theme_texts = [s for d, e in pairs for s in (*d, *e)]
        self.embedder_ = None
        self._get_embedder(fit_texts=texts + all_theme_texts)

        protos, extra, owner = [], [], []
        for t, (desc, ex) in enumerate(pairs):
            d = _unit_rows(self._encode(desc).mean(axis=0, keepdims=True))
            if ex:
                E = self._encode(ex)
                d = _unit_rows(d + _unit_rows(E.mean(axis=0, keepdims=True)))
                extra.append(E)
                owner += [t] * len(E)
            protos.append(d[0])
        P = np.vstack(protos)
        U = self._encode(texts) if texts else np.zeros((0, P.shape[1]), np.float32)
        self.center_ = U.mean(axis=0) if (self.center and len(U) >= self.min_center) else np.zeros(P.shape[1], np.float32)
        self.prototypes_ = _unit_rows(P - self.center_)
        # each example phrasing is also a prototype of its theme ("max" mixes in the nearest one)
        self.example_vectors_ = _unit_rows(np.vstack(extra) - self.center_) if extra else None
        self.example_owner_ = np.asarray(owner, dtype=int)

        # "no theme applies": the codebook's uncoded_examples (administration) are its prototypes
        uncoded = list(cb.uncoded_examples) if self.use_counter_examples else []
        self.none_vectors_ = _unit_rows(self._encode(uncoded) - self.center_) if uncoded else None
        ref = U if len(U) >= self.min_center else self._encode(all_theme_texts)
        S = self._sims(ref)
        self.loc_ = np.median(S, axis=0)
        spread = np.std(S, axis=0)
        self.scale_ = np.where(spread > 1e-6, spread, 1.0)

        self.model_ = None
        self.features_ = UnitFeatures(self.center_)
        self.seeds_ = None
        if self.self_training and len(U) >= self.min_self_training:
            context = self.context_weight if self.level == "sentence" else 0.0
            self.features_ = UnitFeatures(self.center_, self.lexical_weight, self.lexical_chars, context)
            self.features_.fit(U, texts, all_theme_texts + uncoded, groups=groups)
            self.seeds_ = self._seeds(themes, uncoded) if self.use_counter_examples else None
            hits = keyword_hits(themes, texts, self.keyword_match) if self.keyword_seeds else None
            self.model_ = self._self_train(U, texts, hits, groups)
        elif self.use_counter_examples:
            self.seeds_ = self._seeds(themes, uncoded)
        self.thresholds_ = np.full(len(self.classes_), 0.5)
        self.valence_ = ValenceScorer(language=cb.language).fit(themes, self._encode, cb.uncoded_examples)
        return self

    def _sims(self, U: np.ndarray) -> np.ndarray:
        C = _unit_rows(U - self.center_)
        S = C @ self.prototypes_.T
        if self.example_weight and self.example_vectors_ is not None:
            SE = C @ self.example_vectors_.T
            # the nearest example of each theme: columns grouped by theme, a max over each group
            order = np.argsort(self.example_owner_, kind="stable")
            owners, starts = np.unique(self.example_owner_[order], return_index=True)
            best = np.maximum.reduceat(SE[:, order], starts, axis=1)
            S[:, owners] = (1 - self.example_weight) * S[:, owners] + self.example_weight * best
        return S

    def _z(self, U: np.ndarray) -> np.ndarray:
        """Standardised similarities, one column per theme, plus a last column for "no theme
        applies" when the codebook has uncoded_examples (standardised like a theme)."""
        S = self._sims(U)
        return (S - self.loc_[: S.shape[1]]) / self.scale_[: S.shape[1]]

    def _none_sims(self, U: np.ndarray) -> np.ndarray | None:
        if self.none_vectors_ is None:
            return None
        SN = _unit_rows(U - self.center_) @ self.none_vectors_.T
        return (1 - self.example_weight) * (SN.mean(axis=1)) + self.example_weight * SN.max(axis=1)

    def _seeds(self, themes, uncoded: list[str]):
        """The codebook's own phrasings as labelled rows for self-training: each theme's examples
        (label: the theme), its not_examples (negatives of that theme only) and the codebook's
        uncoded_examples (negatives of every theme). None when the codebook has no phrasings."""
        texts, label, owner = [], [], []
        k = len(themes)
        for t, th in enumerate(themes):
            pos = list(th.examples)
            texts += pos + list(th.not_examples)
            label += [t] * len(pos) + [-2] * len(th.not_examples)
            owner += [t] * (len(pos) + len(th.not_examples))
        texts += uncoded
        label += [k] * len(uncoded)
        owner += [k] * len(uncoded)
        if not texts:
            return None
        F = self.features_.transform(self._encode(texts), texts)
        return F, np.asarray(label, dtype=int), np.asarray(owner, dtype=int)

    def _self_train(self, U: np.ndarray, texts: list[str], hits: np.ndarray | None, notes=None):
        models = None
        # once for all rounds: the features (the n-gram block is the costly part), the z-scores and
        # which units are nearer the codebook's "no theme" phrasings depend on the units alone
        F = self.features_.transform(U, texts, notes)
        Z0 = self._z(U)
        if self.context_pseudo and self.features_.context_:
            Z0 = Z0 + float(self.context_weight) * note_context(Z0, notes, unit_length=False)
        zn = self._none_sims(U)
        nearer_none = zn > self._sims(U).max(axis=1) if zn is not None else None
        groups = self.features_.copy_ids(U, texts, notes)
        for _ in range(self._rounds()):
            Z = Z0 if models is None else self._standardise(decisions(models, F, Z0))
            models = self._train_round(Z, F, hits, nearer_none, groups) or models
        return models

    def _rounds(self) -> int:
        """``n_rounds``, or by default 2 in single-label mode and 1 otherwise: when every unit
        belongs to one of the themes, relabelling with the first round's model sharpens the
        pseudo-labels (SIB-200 Danish, 204 sentences coded alone: 0.721 -> 0.755 accuracy); when
        most sentences carry no theme, the second round drifts (the sample and citizen input lose
        0.02-0.05 micro-F1). See docs/benchmarks.md, Coding quality."""
        if self.n_rounds is not None:
            return max(1, int(self.n_rounds))
        return 2 if self.exclusive else 1

    @staticmethod
    def _standardise(S: np.ndarray) -> np.ndarray:
        spread = S.std(axis=0)
        return (S - np.median(S, axis=0)) / np.where(spread > 1e-6, spread, 1.0)

    def _hand(self, y, groups, n: int):
        """(per unit: the index of its hand-coded note or -1, per such note: its theme columns),
        or None without hand codes."""
        if y is None:
            return None
        if len(y) != n or (groups is not None and len(groups) != n):
            raise ValueError(f"hand codes: {len(y)} label sets for {n} units; give one per unit")
        col = {c: j for j, c in enumerate(self.classes_)}
        groups = np.arange(n) if groups is None else np.asarray(groups, dtype=object)
        coded = [i for i in range(n) if y[i] is not None]
        notes, note = {}, np.full(n, -1)
        for i in coded:
            note[i] = notes.setdefault(groups[i], len(notes))
        themes = [[] for _ in notes]
        for i in coded:
            themes[note[i]] = sorted({col[t] for t in y[i] if t in col} | set(themes[note[i]]))
        return (note, themes) if notes else None

    def _train_round(self, Z: np.ndarray, F, hits: np.ndarray | None, nearer_none: np.ndarray | None,
                     groups: np.ndarray):
        """One round: pseudo-labels from ``Z`` (and the keyword ``hits``; ``nearer_none``: units
        nearer the uncoded phrasings), one model per theme on the units' features ``F``, each
        distinct unit once with its count as weight (``groups``: the units' text ids)."""
        k = len(self.classes_)
        labels = pseudo_labels(Z, nearer_none, self.pseudo_fraction, self.none_quantile)
        if hits is None:
            hits = np.zeros(Z.shape, dtype=bool)
        Y = (labels[:, None] == np.arange(k)[None, :]) | hits  # pseudo-label or keyword, per theme
        keep = (labels >= 0) | hits.any(axis=1)
        if getattr(self, "hand_", None) is not None:
            return self._hand_round(Z, F, Y, keep, labels, groups)
        if not Y[keep].any() or (len(np.unique(labels[keep])) < 2 and not hits[keep].any()):
            return None
        rows, weight = collapse_copies(np.flatnonzero(keep), groups, labels)
        Y, F = Y[rows], F[rows]
        return [fit_theme(F, Y[:, t].astype(int), self.seeds_, t, C=self.C, class_weight=self.class_weight,
                          seed_weight=self.seed_weight, random_state=self.random_state, weight=weight)
                for t in range(k)]

    def _hand_round(self, Z, F, Y, keep, labels, groups):
        """A round with hand codes: the units of hand-coded notes take their hand targets
        (:func:`hand_targets`) instead of pseudo-labels, each weighted ``hand_weight``; the other
        units as in a zero-shot round (copies collapsed into one weighted row)."""
        hand = self.hand_[0] >= 0
        T = np.where(keep[:, None], Y, False).astype(int) - (~keep[:, None]).astype(int)
        T[hand] = hand_targets(Z, *self.hand_)[hand]
        rows, weight = collapse_copies(np.flatnonzero(keep & ~hand), groups, labels)
        rows = np.r_[rows, np.flatnonzero(hand)]
        weight = np.r_[weight.astype(float), np.full(int(hand.sum()), float(self.hand_weight))]
        T, F = T[rows], F[rows]
        out = []
        for t in range(len(self.classes_)):
            use = T[:, t] >= 0
            out.append(fit_theme(F[use], T[use, t], self.seeds_, t, C=self.C, class_weight=self.class_weight,
                                 seed_weight=self.seed_weight, random_state=self.random_state, weight=weight[use]))
        return out

    # ------------------------------------------------------------------------------------------
    def predict_proba(self, X, groups=None) -> np.ndarray:
        """Scores in [0, 1], shape (n_texts, n_themes), columns ``classes_``; ``groups``: per
        text its note id (the note's context, with ``context_weight``; None: none)."""
        texts = [str(t) for t in X]
        return self._scores(self._encode(texts), texts, groups)

    def score_vectors(self, U: np.ndarray, texts=None, groups=None) -> np.ndarray:
        """Scores of texts already embedded by this coder's embedder (used as the supervised
        coder's codebook prior, which has the vectors at hand); ``texts``: the texts of ``U``,
        needed when the coder has a lexical block; ``groups``: as in ``predict_proba``."""
        with single_threaded_blas():
            return self._scores(np.asarray(U, dtype=np.float32), texts, groups)

    def _scores(self, U: np.ndarray, texts=None, groups=None) -> np.ndarray:
        if len(U) == 0:
            return np.zeros((0, len(self.classes_)))
        _check_groups(groups, len(U))
        if groups is None and getattr(self.features_, "context_", False):
            warnings.warn("zero-shot coder: fitted with context_weight but scored without note ids "
                          "(groups): every sentence is scored without its note's context",
                          UserWarning, stacklevel=3)
        Z = self._z(U)
        curve = 1.0 / (1.0 + np.exp(-(Z - self.z_offset) * 2.0))
        if not self.model_:
            return curve
        # each theme's model's predict_proba, stored in Z's dtype; the curve where a theme has none
        out = curve.copy()
        has = [t for t, m in enumerate(self.model_) if m is not None]
        out[:, has] = expit(decisions(self.model_, self.features_.transform(U, texts, groups), np.zeros(Z.shape)))[:, has]
        zn = self._none_sims(U) if self.uncoded_rule else None
        if zn is not None and out.shape[1]:
            # nearer the codebook's phrasings of "no theme" than to every theme: uncoded
            out[zn > self._sims(U).max(axis=1)] = 0.0
        return out

    def decide(self, scores: np.ndarray) -> np.ndarray:
        """Threshold, and at sentence level keep only themes within ``relative`` of the
        sentence's best score (a sentence is seldom about several themes); with ``exclusive``
        only the top theme: then, unless ``threshold`` is set, the top theme is coded whenever
        the unit scores above 0 (it is not nearer the codebook's uncoded_examples than to every
        theme), because one-vs-rest probabilities of mutually exclusive themes share the mass
        and a per-theme 0.5 would leave many units uncoded that the top theme codes right."""
        if self.exclusive and self.threshold is None:
            return top_only(scores, scores > 0, True)
        coded = scores >= self.decision_thresholds()[None, :]
        if self.level == "sentence" and self.relative and scores.shape[1]:
            coded &= scores >= self.relative * scores.max(axis=1, keepdims=True)
        return top_only(scores, coded, self.exclusive)

    def predict_valence(self, X, Y=None) -> np.ndarray:
        """Valence per (text, theme): "strength"/"concern"/"neutral" where ``Y`` (0/1, default
        ``predict``) codes the theme, None elsewhere."""
        texts = [str(t) for t in X]
        U = self._encode(texts)
        if Y is None:
            Y = self.decide(self._scores(U, texts))
        return self._valence(U, texts, Y)

    def _valence(self, U: np.ndarray, texts, Y) -> np.ndarray:
        out = np.full((len(texts), len(self.classes_)), None, dtype=object)
        ui, ti = np.nonzero(np.asarray(Y))
        if len(ui):
            s = self.valence_.score(U[ui], [texts[i] for i in ui], ti)
            out[ui, ti] = self.valence_.label(s)
        return out

    def _fit_units(self, texts, groups):
        return self.fit(texts, groups=groups)

    def _score_units(self, texts, groups=None):
        # one embedding of the units serves the theme scores and the valence
        texts = [str(t) for t in texts]
        U = self._encode(texts)
        scores = self._scores(U, texts, groups)
        coded = self.decide(scores).astype(bool)
        return scores, coded, self._valence(U, texts, coded)


def _check_groups(groups, n: int) -> None:
    """Note ids (``groups``), when given, are one per unit and none is missing."""
    if groups is None:
        return
    if len(groups) != n:
        raise ValueError(f"zero-shot coder: {len(groups)} note ids (groups) for {n} units; give one per unit")
    if any(g is None or (isinstance(g, float) and g != g) for g in groups):  # None or NaN
        raise ValueError("zero-shot coder: some note ids (groups) are missing; give every unit its note's id")
