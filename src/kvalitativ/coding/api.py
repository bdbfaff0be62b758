"""``code_notes``: a corpus in, the ``codings`` table out; and the roll-ups to notes and persons.

The ``codings`` table (one row per coded unit × theme)::

    run_id, note_id, person_id, segment_id, start, end, theme_id, score, valence, method

* ``segment_id`` is ``<note_id>:s<k>`` for the k-th sentence (level "sentence") or
  ``<note_id>:note`` for the whole note; ``start``/``end`` are character offsets of that unit
  in the note's (redacted) text.
* ``score`` is the coder's calibrated score in [0, 1]; ``valence`` is ``strength``,
  ``concern`` or ``neutral``; ``method`` is ``zeroshot``, ``supervised`` or ``keyword``.
* A note none of whose units is coded gets exactly **one** row with ``theme_id = "uncoded"``,
  ``segment_id = <note_id>:note``, the whole-note span, ``score = 1 - its best theme score``
  and an empty valence. So every note of the corpus appears in ``codings``: nothing is lost,
  and "no theme applies" can be counted like a theme.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kvalitativ.codebook import load_codebook
from kvalitativ.embed import resolve_embedder
from kvalitativ.errors import ConfigError, InputError

from .base import UNCODED, BaseCoder
from .gate import GatedCoder
from .handcodes import in_corpus_order, one_reading
from .handprior import fit_hand_prior
from .prior import detached, fit_prior
from .supervised import SupervisedCoder
from .units import check_corpus
from .zeroshot import ZeroShotCoder

__all__ = ["code_notes", "make_coder", "rollup_notes", "rollup_persons", "training_from_codes"]


def training_from_codes(corpus: pd.DataFrame, codes: pd.DataFrame, where: str = "codes",
                        themes: Iterable[str] | None = None,
                        groups: Iterable[str] = ()) -> tuple[list[str], list[list[str]], list[dict]]:
    """Texts, theme lists and valence dicts for the notes of ``corpus`` that ``codes`` covers.

    ``codes`` has ``note_id``, ``theme_id`` and optionally ``valence``; a note coded with
    ``theme_id`` "uncoded" (or empty) is a coded note with no theme. Notes of ``codes`` that are
    not in the corpus are an error (a wrong file is likelier than intent); so are theme ids that
    are not among ``themes`` (the codebook's, when given): a misspelt theme would become a theme
    of its own that no ``themes`` row describes, and dashboards joining on ``theme_id`` drop it.
    """
    codes = one_reading(codes, where)  # either format; present = false is no code
    text_of = dict(zip(corpus["note_id"].astype(str), corpus["text"].fillna("").astype(str)))
    unknown = sorted(set(codes["note_id"]) - set(text_of))
    if unknown:
        raise InputError(f"{where}: {len(unknown)} coded note id(s) are not in the notes (e.g. {unknown[0]!r}); "
                         "check that the codes belong to this export.")
    if themes is not None:
        _check_themes(codes, set(themes), where, set(groups))
    codes = in_corpus_order(codes, text_of)  # whatever the file's order: the same codes give the same model
    has_val = "valence" in codes.columns
    texts, ys, vals = [], [], []
    for nid, grp in codes.groupby("note_id", sort=False):  # in order of first appearance: the corpus's
        themes = [str(t) for t in grp["theme_id"].dropna() if str(t) not in ("", UNCODED)]
        texts.append(text_of[nid])
        ys.append(sorted(set(themes)))
        v = {}
        if has_val:
            for t, val in zip(grp["theme_id"], grp["valence"]):
                if isinstance(val, str) and val and str(t) in themes:
                    v[str(t)] = val.strip().lower()
        vals.append(v)
    return texts, ys, vals


_LANGUAGE_NAMES = {"da": "Danish", "en": "English"}


def warn_if_other_language(corpus: pd.DataFrame, codebook) -> bool:
    """Warn when most notes are in another language than the codebook (English notes coded with the
    default Danish ``ungekompetencer``: its definitions, examples and valence words then match
    nothing); True when it warned. Judged on the notes whose language was told (``language``
    column of ingest), with at least 10 of them and 60 % in the other language."""
    import warnings

    book = str(getattr(codebook, "language", "") or "")[:2]
    if "language" not in corpus.columns or book not in _LANGUAGE_NAMES:
        return False
    told = corpus["language"].astype(str)
    told = told[told.isin(list(_LANGUAGE_NAMES))]
    if len(told) < 10:
        return False
    top, share = told.value_counts(normalize=True).index[0], float(told.value_counts(normalize=True).iloc[0])
    if top == book or share < 0.6:
        return False
    warnings.warn(f"{share:.0%} of the notes are {_LANGUAGE_NAMES[top]}, but the codebook '{codebook.name}' is "
                  f"{_LANGUAGE_NAMES[book]} (language: {book}): its definitions, examples and valence words are "
                  f"matched against notes in another language. Give a codebook written in the notes' language "
                  f"(--codebook FILE, with language: {top}; docs/codebook.md).", UserWarning, stacklevel=3)
    return True


def _check_themes(codes: pd.DataFrame, themes: set[str], where: str, groups: set[str] = frozenset()) -> None:
    """Stop on hand codes whose theme the codebook does not have, naming the closest theme (or
    saying that a code names a group, which coders and topics never land in)."""
    import difflib

    used = {str(t) for t in codes["theme_id"].dropna()} - {"", UNCODED}
    foreign = sorted(used - themes)
    if not foreign:
        return
    grouped = [t for t in foreign if t in groups]
    if grouped:
        raise InputError(f"{where}: {', '.join(repr(t) for t in grouped)} is a group of the codebook, not a theme: "
                         "code the note with the group's themes (the leaves of the codebook).")
    counts = codes["theme_id"].astype(str).value_counts()
    parts = []
    for t in foreign[:5]:
        close = difflib.get_close_matches(t, sorted(themes), n=1)
        parts.append(f"'{t}' ({counts.get(t, 0)} codes" + (f"; did you mean '{close[0]}'?)" if close else ")"))
    raise InputError(f"{where}: {len(foreign)} theme id(s) are not themes of the codebook: " + ", ".join(parts)
                     + f". The codebook's themes: {', '.join(sorted(themes))}. Correct the theme ids, or add the "
                     "themes to the codebook.")


def code_notes(corpus: pd.DataFrame, codebook="ungekompetencer", coder: str | BaseCoder = "zeroshot",
               level: str = "sentence", embedder="e5", train: pd.DataFrame | None = None,
               cache_dir=None, threshold: float | None = None, run_id: str | None = None,
               random_state: int = 0, progress: bool = True, exclusive: bool | str = "auto",
               note_gate: float = 0.0, note_gate_add: bool = False) -> pd.DataFrame:
    """Code every note of ``corpus`` (columns ``note_id``, ``text``[, ``person_id``]).

    ``coder``: ``"zeroshot"`` (from the codebook alone; default), ``"supervised"`` (needs
    ``train``: human codes with ``note_id, theme_id[, valence]`` for notes of this corpus;
    all notes, the training notes included, are then coded by the model), or a coder object
    (fitted or not). ``embedder``: a name or an Embedder. ``cache_dir``: on-disk embedding
    cache. ``exclusive``: single-label mode, each unit gets its top theme or none; "auto" (default):
    see :func:`make_coder`.
    ``note_gate``, ``note_gate_add``: see :func:`make_coder`. Returns the ``codings`` table (see
    the module docstring).

    >>> codings = code_notes(corpus, "ungekompetencer", embedder="e5",
    ...                      cache_dir=".kvalitativ-cache/embeddings")      # doctest: +SKIP
    """
    check_corpus(corpus)
    model = coder if isinstance(coder, BaseCoder) else make_coder(
        corpus, codebook, coder, level=level, embedder=embedder, train=train, threshold=threshold,
        cache_dir=cache_dir, random_state=random_state, progress=progress, exclusive=exclusive,
        note_gate=note_gate, note_gate_add=note_gate_add)
    return model.code(corpus, run_id=run_id)


def make_coder(corpus: pd.DataFrame, codebook="ungekompetencer", coder: str = "zeroshot", *,
               level: str = "sentence", embedder="e5", train: pd.DataFrame | None = None, threshold: float | None = None,
               cache_dir=None, random_state: int = 0, progress: bool = True, exclusive: bool | str = "auto",
               prior=True, prior_weight: float = 0.25, prior_folds: int = 0, note_gate: float = 0.0,
               note_gate_add: bool = False) -> BaseCoder:
    """The coder every engine codes with: ``"zeroshot"`` (not yet fitted: it fits on the units it
    is given) or ``"supervised"`` (fitted here on ``train``, the human codes of notes of ``corpus``).
    ``prior``: the supervised coder also uses the codebook, as a zero-shot prior fitted on the
    run's fit sample (see ``kvalitativ.coding.prior``); False: hand codes only; or a fitted
    :class:`ZeroShotCoder` to use as the prior. ``prior_folds``: K >= 2: the prior self-trains
    with the hand codes too, cross-fitted over K folds of the hand-coded notes (K + 1 prior fits;
    see ``kvalitativ.coding.handprior``); 0 (default): the prior does not see the hand codes
    (the hand-code prior lost on SIB-200 at 400 codes; docs/benchmarks.md, "Coding quality").
    ``note_gate``: g > 0: the zero-shot coder at sentence level keeps a sentence's theme only where
    a second zero-shot coder, fitted on whole notes, scores the note at least g times its own
    threshold for the theme (:class:`~kvalitativ.coding.gate.GatedCoder`); ``note_gate_add``: it
    also adds the note coder's confident themes to the note's best sentence. 0 (default): off (measured
    and not adopted: docs/benchmarks.md, "Two-level agreement: the note gate").

    ``exclusive``: True (single-label), False (multi-label), a resolved ``Mode`` (a run's, so folds
    and chunks code alike) or "auto" (default): single-label when
    the hand codes ``train`` give every note at most one theme (at sentence level each note then
    also keeps its top theme; see ``kvalitativ.coding.mode``); zero-shot: multi-label.

    One factory, so the local and the Dask engine build the same coder from the same arguments.
    """
    from kvalitativ.coding.mode import Mode, resolve_exclusive

    book = load_codebook(codebook) if codebook is not None else None  # read once for every use below
    if book is not None:
        warn_if_other_language(corpus, book)
    mode = exclusive if isinstance(exclusive, Mode) else resolve_exclusive(
        exclusive, train if coder == "supervised" else None, level)
    exclusive = mode.exclusive
    if coder == "zeroshot" and note_gate and level == "sentence":
        return GatedCoder(codebook, embedder=embedder, gate=note_gate, add=note_gate_add, options=dict(
            threshold=threshold, cache_dir=cache_dir, random_state=random_state, progress=progress, exclusive=exclusive))
    if coder == "zeroshot":
        return ZeroShotCoder(codebook, embedder=embedder, level=level, threshold=threshold,
                             cache_dir=cache_dir, random_state=random_state, progress=progress,
                             exclusive=exclusive)
    if coder == "supervised":
        if train is None:
            raise ConfigError("the supervised coder needs human codes: pass train= (note_id, theme_id[, valence]).")
        # one reading, in one order, for the model, its prior and their folds
        train = in_corpus_order(one_reading(train, "train"), corpus["note_id"])
        themes = [t.id for t in book.leaves()] if book is not None else None
        groups = {t.id for t in book.themes} - set(themes) if book is not None else set()
        texts, ys, vals = training_from_codes(corpus, train, where="train (hand codes)", themes=themes, groups=groups)
        zs = prior if isinstance(prior, ZeroShotCoder) else None
        if zs is None and prior is True and codebook is not None:
            embedder = resolve_embedder(embedder, cache_dir=cache_dir, progress=progress)
            kw = dict(level=level, embedder=embedder, exclusive=exclusive, cache_dir=cache_dir,
                      random_state=random_state, progress=progress)
            if prior_folds == 1 or prior_folds < 0:
                raise ConfigError(f"prior_folds is {prior_folds}: use 0 (the prior without the hand codes) or 2 or more.")
            zs = fit_hand_prior(corpus, codebook, train, folds=prior_folds, **kw) if prior_folds else \
                detached(fit_prior(corpus, codebook, **kw))
        model = SupervisedCoder(embedder=embedder, level=level, codebook=book if codebook else None,
                                threshold=threshold, exclusive=exclusive, note_top=mode.note_top, prior=zs,
                                prior_weight=prior_weight, cache_dir=cache_dir, random_state=random_state,
                                progress=progress)  # note_top: auto at sentence level, each note keeps its top theme
        return model.fit(texts, ys, vals)
    raise ConfigError(f"unknown coder {coder!r}: use 'zeroshot' or 'supervised'.")


def _dominant(totals: pd.DataFrame) -> pd.Series:
    """Row-wise valence with the largest total; a tie between the top two -> "neutral"."""
    if totals.shape[1] == 0:
        return pd.Series([None] * len(totals), index=totals.index, dtype=object)
    vals = totals.to_numpy(dtype=float)
    order = np.argsort(-vals, axis=1, kind="stable")
    top = vals[np.arange(len(vals)), order[:, 0]]
    second = vals[np.arange(len(vals)), order[:, 1]] if vals.shape[1] > 1 else np.full(len(vals), -1.0)
    names = np.asarray(totals.columns, dtype=object)[order[:, 0]]
    out = np.where(np.isclose(top, second), "neutral", names).astype(object)
    out[top <= 0] = None
    return pd.Series(out, index=totals.index, dtype=object)


_NOTE_COLS = ["run_id", "note_id", "person_id", "theme_id", "score", "valence", "n_segments", "method"]


def rollup_notes(codings: pd.DataFrame) -> pd.DataFrame:
    """One row per note × theme: ``run_id, note_id, person_id, theme_id, score`` (the highest
    unit score), ``valence`` (dominant, score-weighted), ``n_segments``, ``method``.
    A note is ``uncoded`` only if it has no theme row."""
    if codings.empty:
        return pd.DataFrame(columns=_NOTE_COLS)
    c = codings.copy()
    for col in ("run_id", "person_id", "method"):
        if col not in c.columns:
            c[col] = None
    key = ["note_id", "theme_id"]
    base = c.groupby(key, sort=False, dropna=False).agg(
        run_id=("run_id", "first"), person_id=("person_id", "first"), score=("score", "max"),
        n_segments=("score", "size"), method=("method", "first"))
    withval = c[c["valence"].notna()]
    if len(withval):
        totals = withval.assign(valence=withval["valence"].astype(str), w=withval["score"].astype(float) + 1e-9
                                ).pivot_table(index=key, columns="valence", values="w", aggfunc="sum", fill_value=0.0)
        base["valence"] = _dominant(totals).reindex(base.index)
    else:
        base["valence"] = None
    base["valence"] = base["valence"].astype(object).where(base["valence"].notna(), None)
    out = base.reset_index()
    out["n_segments"] = out["n_segments"].astype("int64")
    return out[_NOTE_COLS]


def rollup_persons(codings: pd.DataFrame) -> pd.DataFrame:
    """One row per person × theme: ``n_notes`` with the theme, ``n_strength``/``n_concern``/
    ``n_neutral`` (notes by their dominant valence), ``valence`` (dominant over the notes),
    ``max_score``. Uncoded notes count under ``uncoded``. Person-level: keep it internal."""
    notes = rollup_notes(codings)
    cols = ["run_id", "person_id", "theme_id", "n_notes", "n_strength", "n_concern", "n_neutral", "valence",
            "max_score"]
    if notes.empty:
        return pd.DataFrame(columns=cols)
    key = ["person_id", "theme_id"]
    base = notes.groupby(key, sort=False, dropna=False).agg(
        run_id=("run_id", "first"), n_notes=("note_id", "nunique"), max_score=("score", "max"))
    counts = (notes.assign(valence=notes["valence"].fillna("none").astype(str))
              .pivot_table(index=key, columns="valence", values="note_id", aggfunc="count", fill_value=0))
    for v in ("strength", "concern", "neutral"):
        base[f"n_{v}"] = (counts[v] if v in counts.columns else pd.Series(0, index=counts.index)).reindex(base.index).fillna(0).astype("int64")
    base["valence"] = _dominant(base[["n_strength", "n_concern", "n_neutral"]].rename(
        columns=lambda x: x[2:]).astype(float))
    out = base.reset_index()
    out["n_notes"] = out["n_notes"].astype("int64")
    return out[cols]
