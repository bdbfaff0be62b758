"""Self-training of the zero-shot coder: pseudo-labels, keyword seeds and the features it learns on.

The zero-shot coder's first guess comes from embedding similarity to the codebook. Two
additions to learning from that guess, neither needing a hand code:

* **Keyword seeds.** A unit that contains one of a theme's ``keywords`` (a word that starts
  with its stem: the keyword baseline's matcher, :mod:`kvalitativ.coding.keyword`) is a positive pseudo-example of that theme, whatever its nearest
  prototype is. Keywords are what an analyst writes when asked "which words mark this theme",
  and a sentence may carry two themes; the nearest-prototype pseudo-labels give each unit one.
  Only ``keywords`` count, not the label's words (a label word such as "Politik" is too broad).
* **A lexical view.** The self-trained models see the units' word n-grams (TF-IDF; character
  n-grams too with ``lexical_chars``) beside the embedding, so what the pseudo-labels teach
  carries over to the corpus's own vocabulary (the supervised coder stacks the same blocks). Weighted 1 by default
  (chosen on selection data, see ``ZeroShotCoder``'s ``lexical_weight``).

Both are measured in docs/benchmarks.md ("Coding quality", ablation rows). An option, off by
default: the note as context of its sentences (``UnitFeatures(context_weight=)``,
:func:`note_context`), tried and not adopted.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix, hstack, issparse, vstack
from sklearn.linear_model import LogisticRegression

from .features import LexicalFeatures
from .keyword import keyword_patterns, pattern_counts

__all__ = ["keyword_hits", "pseudo_labels", "UnitFeatures", "fit_theme", "decisions", "collapse_copies", "hand_targets",
           "note_context"]


def _keyword_stems(theme, match: str = "prefix") -> list[tuple[str, ...]]:
    """Each keyword as the match patterns of its words (a phrase such as "for sent" is one keyword)."""
    return [p for p in (keyword_patterns(kw, match) for kw in theme.keywords) if p]


def keyword_hits(themes, texts, match: str = "prefix") -> np.ndarray:
    """(n_texts, n_themes) bool: the text has, for one of the theme's ``keywords``, a match of
    each of the keyword's words (the keyword baseline's matcher,
    :func:`~kvalitativ.coding.keyword.keyword_patterns` and
    :func:`~kvalitativ.coding.keyword.stem_presence`; a phrase needs all its words; label words
    are left out)."""
    keywords = [(t, kw) for t, th in enumerate(themes) for kw in _keyword_stems(th, match)]
    out = np.zeros((len(texts), len(themes)), dtype=bool)
    counts = pattern_counts(texts, [kw for _, kw in keywords])
    for i, (t, kw) in enumerate(keywords):
        out[:, t] |= counts[:, i] == len(kw)
    return out


def pseudo_labels(Z: np.ndarray, nearer_none: np.ndarray | None, pseudo_fraction: float,
                  none_quantile: float) -> np.ndarray:
    """Per unit: the theme it is a pseudo-example of (column of ``Z``), ``k`` for "nothing
    applies", -1 for not used. Of the units whose best theme is ``t`` (or that are nearer the
    codebook's uncoded phrasings, ``nearer_none``: "nothing"), the ``pseudo_fraction`` with the
    widest margin to their second theme; units in the lowest ``none_quantile`` of best score
    that are not yet labelled become "nothing applies"."""
    k = Z.shape[1]
    best = Z.argmax(axis=1)
    if nearer_none is not None:
        best[nearer_none] = k
    zmax = Z.max(axis=1)
    part = np.sort(Z, axis=1)
    margin = part[:, -1] - part[:, -2] if k > 1 else zmax
    labels = np.full(len(Z), -1)
    for t in range(k + 1):
        idx = np.nonzero(best == t)[0]
        if len(idx) == 0:
            continue
        n_keep = max(min(5, len(idx)), int(round(pseudo_fraction * len(idx))))
        labels[idx[np.argsort(-margin[idx], kind="stable")[:n_keep]]] = t
    if none_quantile and none_quantile > 0:
        low = zmax <= np.quantile(zmax, none_quantile)
        labels[low & (labels == -1)] = k
    return labels


def collapse_copies(rows: np.ndarray, groups: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``rows`` that differ, in their order, and how many of ``rows`` each stands for: rows
    of one text (``groups``) with one pseudo-label have the same features and targets, so one row
    weighted by their count gives each theme's logistic regression the same objective. Why:
    notes repeat their sentences ("Vejleder orienteret."), and the fits were most of a static run."""
    key = groups[rows].astype(np.int64) * (int(labels.max(initial=0)) + 2) + labels[rows] + 1
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    order = np.argsort(first)
    return rows[first[order]], counts[order]


def hand_targets(Z: np.ndarray, note: np.ndarray, themes: list[list[int]]) -> np.ndarray:
    """Targets from hand codes given per note, for the units (rows of ``Z``) of hand-coded notes:
    (n_units, n_themes) of 1 (positive), 0 (negative) or -1 (unknown; also every row of a unit
    whose note was not hand-coded, ``note`` -1). ``note``: per unit, the index of its note in
    ``themes`` (the theme columns each hand-coded note carries).

    Why not the note's themes on all of its sentences: a note coded "fravær" and "trivsel" has one
    sentence about each, so each sentence would teach both themes wrongly. A note's code says that
    *some* unit carries the theme (multiple-instance learning): the unit that scores highest for it
    now (``Z``) is its positive, the note's other units are unknown for that theme, and every unit
    of a note *not* coded with a theme is a negative of it — the clearest thing a hand code says."""
    out = np.full(Z.shape, -1, dtype=int)
    out[note >= 0] = 0
    order = np.argsort(note, kind="stable")
    bounds = np.searchsorted(note[order], np.arange(len(themes) + 1))  # each note's units: one run
    for j, cols in enumerate(themes):
        rows = order[bounds[j]:bounds[j + 1]]
        for t in cols if len(rows) else ():
            out[rows, t] = -1
            out[rows[np.argmax(Z[rows, t])], t] = 1
    return out


def _unit_rows(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


def note_context(E: np.ndarray, groups, unit_length: bool = True) -> np.ndarray:
    """Per row of ``E`` (a unit's centred, unit-length vector), the mean of the *other* rows of
    its note (``groups``: per row its note id), scaled to unit length unless ``unit_length`` is
    False; zero for a note of one unit and for every row when ``groups`` is None. Only rows of
    the same note are used."""
    out = np.zeros(E.shape, dtype=np.float64)
    if groups is None or not len(E):
        return out
    inv = np.unique(np.asarray([str(g) for g in groups], dtype=object), return_inverse=True)[1].ravel()
    G = csr_matrix((np.ones(len(inv)), (inv, np.arange(len(inv)))), shape=(int(inv.max()) + 1, len(inv)))
    total = np.asarray(G @ np.asarray(E, dtype=np.float64))  # per note, the sum of its rows
    others = np.bincount(inv)[inv] - 1
    has = others > 0
    out[has] = total[inv[has]] - E[has]
    if not unit_length:
        out[has] /= others[has, None]
        return out
    return _unit_rows(out)


class UnitFeatures:
    """What the self-trained models see: the centred, unit-length embedding (float64); with
    ``context_weight`` > 0 and the units' note ids at ``fit``, beside it the note's context (the
    mean of the other sentences of the unit's note, :func:`note_context`) times that weight; and
    with ``lexical_weight`` > 0 the TF-IDF n-gram block times that weight (sparse then).

    The context block exists only where some note has two or more units at ``fit``: a corpus of
    one-sentence notes (or note-level units) gets exactly the features it had without it."""

    def __init__(self, center: np.ndarray, lexical_weight: float = 0.0, chars: bool = True,
                 context_weight: float = 0.0):
        self.center = center
        self.lexical_weight = lexical_weight
        self.chars = chars
        self.context_weight = context_weight
        self.context_ = False
        self.lexical_ = None
        self._memo = None

    def fit(self, U: np.ndarray, texts: list[str], extra=(), groups=None) -> "UnitFeatures":
        """Fit the n-gram block on the units' ``texts`` and the codebook's ``extra`` texts; the
        units' features (vectors ``U``, note ids ``groups``) are kept for every later
        ``transform`` of them."""
        self.context_ = bool(self.context_weight) and groups is not None and \
            len(set(map(str, groups))) < len(groups)
        if not self.lexical_weight:
            return self
        texts = [str(t) for t in texts]
        self.lexical_ = LexicalFeatures(chars=self.chars)
        M = self.lexical_.fit_transform(texts + list(extra))[: len(texts)]
        self._memo = (U, texts, _ids(groups), self._stack(U, M, groups))
        return self

    def _embedding(self, U: np.ndarray, groups) -> list:
        """The embedding block and, when fitted with one, the weighted context block (dense)."""
        E = np.asarray(_unit_rows(U - self.center), dtype=np.float64)
        if not getattr(self, "context_", False):
            return [E]
        return [E, note_context(E, groups) * float(self.context_weight)]

    def _stack(self, U: np.ndarray, M, groups=None):
        """The centred unit-length embedding of ``U`` (and its note context) beside the n-gram
        block ``M`` (weighted)."""
        blocks = [csr_matrix(b) for b in self._embedding(U, groups)]
        return hstack([*blocks, M * float(self.lexical_weight)]).tocsr()

    def transform(self, U: np.ndarray, texts=None, groups=None):
        """The features of vectors ``U``, their ``texts`` and note ids ``groups`` (None: no note
        context, the context block is zero). Those of the units the coder was fitted on are kept
        from the fit (self-training rounds and ``code()`` score them again); others are computed
        and not kept, so threads sharing the coder never see each other's."""
        if self.lexical_ is None:
            blocks = self._embedding(U, groups)
            return blocks[0] if len(blocks) == 1 else np.hstack(blocks)
        if texts is None or len(texts) != len(U):
            raise ValueError("the zero-shot coder has a lexical block: give the texts with their vectors")
        memo = self._memo  # read once: another thread may be dropping it
        if memo is not None and memo[0].shape == U.shape and (memo[0] is U or np.array_equal(memo[0], U)) \
                and memo[1] == [str(t) for t in texts] and (not getattr(self, "context_", False)
                                                            or memo[2] == _ids(groups)):
            return memo[-1]
        return self._stack(U, self.lexical_.transform(texts), groups)

    def copy_ids(self, U: np.ndarray, texts, groups=None) -> np.ndarray:
        """Per unit an id, equal for units whose features are equal (the same text, and with a
        context block the same context): the copies ``collapse_copies`` may merge."""
        ids = np.unique(np.asarray([str(t) for t in texts], dtype=object), return_inverse=True)[1].ravel()
        if not getattr(self, "context_", False):
            return ids
        ctx = note_context(np.asarray(_unit_rows(U - self.center), dtype=np.float64), groups)
        cid = np.unique(ctx, axis=0, return_inverse=True)[1].ravel()
        return np.unique(ids.astype(np.int64) * (int(cid.max(initial=0)) + 1) + cid, return_inverse=True)[1].ravel()

    def __getstate__(self):
        # a coder shipped to workers (the Dask engine) leaves the kept result behind
        return {**self.__dict__, "_memo": None}


def _ids(groups):
    return None if groups is None else [str(g) for g in groups]


def fit_theme(F, yt: np.ndarray, seeds, t: int, *, C: float, class_weight, seed_weight: float, random_state,
              weight: np.ndarray | None = None):
    """One theme's logistic regression on the pseudo-labelled rows ``F`` (targets ``yt``, each
    row weighted ``weight``: how many identical units it stands for) plus the codebook's seed
    rows (its examples positive; its not_examples, the other themes' examples and the
    uncoded_examples negative), each seed weighted ``seed_weight``."""
    n = np.ones(len(yt)) if weight is None else np.asarray(weight, dtype=np.float64)  # units a row stands for
    w = n
    if seeds is not None:
        SF, slabel, sowner = seeds
        use = (slabel >= 0) | (sowner == t)
        F = vstack([F, SF[use]]).tocsr() if issparse(F) else np.vstack([F, SF[use]])
        yt = np.concatenate([yt, (slabel[use] == t).astype(int)])
        w = np.concatenate([w, np.full(int(use.sum()), float(seed_weight))])
        n = np.concatenate([n, np.ones(int(use.sum()))])
    positives = n[yt == 1].sum()
    if positives < 2 or positives == n.sum():
        return None
    if class_weight == "balanced":
        # the weighted "balanced" rule, written out: scikit-learn counts sample weights in it only
        # from recent releases, and a row standing for c copies must weigh as c rows
        class_weight = {c: w.sum() / (2.0 * w[yt == c].sum()) for c in (0, 1)}
    # liblinear (Newton): many times faster than lbfgs on these well-scaled features
    lr = LogisticRegression(C=C, class_weight=class_weight, max_iter=2000, solver="liblinear",
                            dual=F.shape[0] < F.shape[1], random_state=random_state)
    return lr.fit(F, yt, sample_weight=w)


def decisions(models, F, fallback: np.ndarray) -> np.ndarray:
    """Each theme's decision values on ``F`` (``fallback`` where a theme has no model): the
    arithmetic of ``model.decision_function(F)`` with ``F`` converted once for all themes."""
    out = np.empty(fallback.shape)
    for t, m in enumerate(models):
        out[:, t] = np.asarray(F @ m.coef_.T).ravel() + m.intercept_[0] if m is not None else fallback[:, t]
    return out
