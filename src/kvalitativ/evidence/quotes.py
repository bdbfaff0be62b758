"""Short, representative, mutually different, redacted quotes per theme × valence (× unit).

Why this selection: a reader trusts a theme when its quotes sound like the notes behind it
(representative: high coder score and close to the centroid of the theme's sentences) and
learns something from each quote (diverse: maximal marginal relevance, one quote per person).
Quotes are the sentence span that carried the theme, trimmed at a word boundary, never the
whole note. The corpus text is already redacted by ingest; every quote is redacted once more
here, because a quote is the one piece of free text that reaches a dashboard. Themes seen in
fewer than ``min_persons`` persons (in the municipality, and in the unit for unit quotes) get
no quotes at all. Themes the codebook marks ``sensitive`` (mental health, substance use,
family, bullying) get no unit quotes by default: at a small school a story with no name in it
still points at one child, while among all the municipality's young people it does not.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from kvalitativ.codebook import discovered_theme_ids
from kvalitativ.errors import ConfigError
from kvalitativ.evidence.counts import ALL, NoteLookup, theme_groups, theme_spans, themed
from kvalitativ.evidence.quote_text import PLACEHOLDER, core_words, near_copy, says_something
from kvalitativ.text.clean import trim_quote  # re-exported: the quotes' own trimming

__all__ = ["select_quotes", "trim_quote", "sensitive_themes", "QUOTE_COLUMNS", "SENSITIVE_QUOTES"]

QUOTE_COLUMNS = ["theme_id", "valence", "unit_id", "rank", "note_id", "quote", "score", "similarity"]

#: Where quotes of sensitive themes may appear: nowhere, for the municipality only, or per unit too.
SENSITIVE_QUOTES = ("none", "municipality", "unit")


def sensitive_themes(themes: pd.DataFrame | None) -> frozenset[str]:
    """The theme ids whose quotes stay at municipality level: those a ``themes`` table marks
    sensitive, and every discovered topic (``origin`` "discovered"). A topic carries no flag of its
    own and what it holds is known only once an analyst has read it: a topic nearest to mental
    health quotes the same notes the coded theme would, so it is treated as sensitive."""
    if themes is None:
        return frozenset()
    ids: set[str] = set()
    if "sensitive" in themes.columns:
        flag = themes["sensitive"].astype("boolean").fillna(False).to_numpy(bool)
        ids |= set(themes.loc[flag, "theme_id"].astype(str))
    return frozenset(ids | discovered_theme_ids(themes))


def _redact_function(redactor):
    """A text -> text function from a Redactor (or the default one)."""
    if redactor is False:
        return lambda s: s
    if redactor is None:
        from kvalitativ.privacy.redact import Redactor

        redactor = Redactor()
    for attr in ("redact_text", "redact"):
        fn = getattr(redactor, attr, None)
        if callable(fn):
            break
    else:
        fn = redactor if callable(redactor) else None
    if fn is None:
        raise ConfigError("redactor must be a kvalitativ.privacy.redact.Redactor or a text -> text function")

    def run(text: str) -> str:
        out = fn(text)
        if isinstance(out, tuple):
            out = out[0]
        return getattr(out, "text", out)

    return run


#: kept under their old names: the rules live in :mod:`kvalitativ.evidence.quote_text`
_core = core_words
_near_copy = near_copy


def _mmr(relevance: np.ndarray, vectors, persons: np.ndarray, k: int, lam: float,
         max_similarity: float, cores: list[list[str]] | None = None) -> list[int]:
    """Greedy maximal marginal relevance: relevance minus redundancy, one pick per person,
    never a near-copy (cosine above ``max_similarity``) of a quote already picked."""
    chosen: list[int] = []
    used_persons: set = set()
    n = len(relevance)
    max_sim = np.zeros(n)
    available = np.ones(n, dtype=bool)
    while len(chosen) < k:
        score = lam * relevance - (1 - lam) * max_sim
        score[~available | (max_sim > max_similarity)] = -np.inf
        i = int(np.argmax(score))
        if not np.isfinite(score[i]):
            break
        chosen.append(i)
        used_persons.add(persons[i])
        available &= persons != persons[i]
        if cores is not None:
            available &= np.array([not _near_copy(cores[i], c) for c in cores])
        sims = (vectors @ vectors[i].T).toarray().ravel() if hasattr(vectors, "toarray") else vectors @ vectors[i]
        max_sim = np.maximum(max_sim, sims)
    return chosen


def _select(group: pd.DataFrame, vec, cores: list[list[str]], rows: np.ndarray, k: int, lam: float,
            max_similarity: float) -> pd.DataFrame:
    """Pick up to k quotes among ``rows`` of ``group`` (``vec``: their char TF-IDF rows of the
    whole theme, fitted once; the centroid is that of the rows, so unit quotes represent the unit)."""
    sub = group.iloc[rows]
    v = vec[rows]
    centroid = np.asarray(v.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid) or 1.0
    sim = np.asarray(v @ centroid).ravel() / norm
    score = pd.to_numeric(sub["score"], errors="coerce").fillna(0).to_numpy(float)

    def unit(x):
        lo, hi = np.nanmin(x), np.nanmax(x)
        return np.zeros_like(x) if hi - lo < 1e-12 else (x - lo) / (hi - lo)

    relevance = 0.5 * unit(score) + 0.5 * unit(sim)
    relevance -= 0.5 * sub["quote"].str.contains(PLACEHOLDER).to_numpy(bool)  # prefer quotes without gaps
    picks = _mmr(relevance, v, sub["_person"].to_numpy(object), k, lam, max_similarity, [cores[i] for i in rows])
    out = sub.iloc[picks].copy()
    out["similarity"] = sim[picks]
    out["rank"] = np.arange(1, len(out) + 1)
    return out


#: A theme × valence with more spans than this many times ``max_candidates`` is cut to a seeded
#: sample before its quotes are cleaned and compared (per unit too), so that a million notes'
#: sentences are never all redacted and vectorised; below it every span is a candidate.
LARGE_GROUP = 10


#: Cleaned quotes remembered across themes (a sentence coded with several themes is redacted
#: once); beyond this many the memo starts over, so a million notes' candidates never pile up.
QUOTE_CACHE = 50_000


def _at_most(rows: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """``rows``, or a seeded draw of ``k`` of them (sorted) when there are more."""
    return rows if len(rows) <= k else np.sort(rng.choice(rows, size=k, replace=False))


def _candidates(spans: pd.DataFrame, n_unit: pd.Series | None, min_persons: int, max_candidates: int,
                rng: np.random.Generator) -> pd.DataFrame:
    """A very large theme's spans cut to a seeded sample: 2 × ``max_candidates`` drawn over the
    whole theme (marked ``_municipality``) plus as many from each unit that may get quotes; a
    smaller theme is returned whole, every span a municipality candidate (and the draws of
    :func:`_theme_quotes` are the same as before this cut existed)."""
    spans = spans.assign(_municipality=True)
    if len(spans) <= LARGE_GROUP * max_candidates:
        return spans
    size = 2 * max_candidates
    municipality = np.zeros(len(spans), dtype=bool)
    municipality[rng.choice(len(spans), size=size, replace=False)] = True
    keep = municipality.copy()
    if n_unit is not None:
        units = spans["unit_id"].astype("string").to_numpy(object)
        for unit in sorted({u for u in units if isinstance(u, str)}):
            if n_unit.get(unit, 0) >= min_persons:
                keep[_at_most(np.flatnonzero(units == unit), size, rng)] = True
    return spans.assign(_municipality=municipality)[keep]


def _theme_quotes(grp: pd.DataFrame, n_unit: pd.Series | None, *, per_theme: int, per_unit: int, min_persons: int,
                  max_candidates: int, lam: float, max_similarity: float, rng: np.random.Generator) -> list:
    """The quotes of one theme × valence: for the municipality and for each unit with enough
    persons (``n_unit``; None: no unit quotes). ``grp``: its cleaned candidate spans."""
    try:
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(
            grp["quote"].tolist())
    except ValueError:  # empty vocabulary
        return []
    cores = [_core(t) for t in grp["quote"]]
    rows = _at_most(np.flatnonzero(grp["_municipality"].to_numpy(bool)), max_candidates, rng)
    parts = [_select(grp, vec, cores, rows, per_theme, lam, max_similarity).assign(unit_id=ALL)]
    if n_unit is None:
        return parts
    units = grp["unit_id"].astype("string").to_numpy(object)
    for unit in sorted({u for u in units if isinstance(u, str)}):
        if n_unit.get(unit, 0) < min_persons:
            continue
        rows = _at_most(np.flatnonzero(units == unit), max_candidates, rng)
        parts.append(_select(grp, vec, cores, rows, per_unit, lam, max_similarity).assign(unit_id=unit))
    return parts


def select_quotes(
    codings: pd.DataFrame,
    corpus: pd.DataFrame,
    *,
    per_theme: int = 5,
    per_unit: int = 2,
    min_persons: int = 5,
    by_unit: bool = True,
    max_chars: int = 200,
    min_chars: int = 25,
    diversity: float = 0.3,
    max_similarity: float = 0.8,
    max_candidates: int = 2000,
    redactor=None,
    random_state: int = 0,
    run_id: str | None = None,
    sensitive: frozenset[str] | set[str] = frozenset(),
    sensitive_quotes: str = "municipality",
) -> pd.DataFrame:
    """The ``quotes`` table: up to ``per_theme`` quotes per theme × valence for the
    municipality (unit_id '_all') and ``per_unit`` per unit.

    Parameters
    ----------
    codings : note_id, theme_id, valence, start, end, score (sentence spans).
    corpus : note_id, person_id, unit_id, text (redacted).
    per_theme : 3–10 quotes per theme × valence for the municipality.
    min_persons : the disclosure threshold; a theme needs this many persons (in the
        municipality, and in the unit for unit quotes) before any quote is shown.
    diversity : weight of redundancy in maximal marginal relevance (0 = only relevance).
    max_similarity : a candidate this similar (cosine of char TF-IDF) to a chosen quote is
        never chosen: a near-copy tells the reader nothing new.
    redactor : a :class:`kvalitativ.privacy.redact.Redactor` (default: a new one), a text ->
        text function, or False to skip the second redaction (tests only).
    random_state : seeds the subsample when a theme has more than ``max_candidates`` spans.
    sensitive : theme ids whose quotes could single out a person (see :func:`sensitive_themes`).
    sensitive_quotes : for those themes, "none" (no quotes), "municipality" (the default: no
        unit quotes) or "unit" (unit quotes like any theme).

    Returns theme_id, valence, unit_id, rank, note_id, quote, score (the coder's), similarity
    (to the theme's centroid, char TF-IDF). ``note_id``, ``score`` and ``similarity`` are empty for
    sensitive themes: they would join the quote to its note (``codings`` publishes the score per
    note) and so to the note's school, date and person.

    Example
    -------
    >>> q = select_quotes(codings, corpus, per_theme=5, min_persons=5)
    >>> q[q.unit_id == "_all"].groupby(["theme_id", "valence"]).quote.apply(list)
    """
    codings = themed(codings)
    if not 1 <= per_theme <= 10:
        raise ConfigError(f"per_theme is {per_theme}: choose between 1 and 10 quotes per theme (3–5 reads well).")
    if min_persons < 1:
        raise ConfigError("min_persons must be at least 1 (use the disclosure threshold, default 5).")
    if sensitive_quotes not in SENSITIVE_QUOTES:
        raise ConfigError(f"sensitive_quotes is '{sensitive_quotes}': use none, municipality or unit.")
    redact = _redact_function(redactor)
    rng = np.random.default_rng(random_state)
    cache: dict[str, str] = {}

    def clean(text: str) -> str:
        if text not in cache:
            if len(cache) >= QUOTE_CACHE:  # a memo only (redaction is a function of the text): bound it
                cache.clear()
            cache[text] = trim_quote(redact(trim_quote(text, max_chars * 2)), max_chars)
        return cache[text]

    lookup = NoteLookup(corpus)
    parts = []
    for theme, valence, group in theme_groups(codings):
        is_sensitive = theme in sensitive
        if is_sensitive and sensitive_quotes == "none":
            continue
        spans = theme_spans(group, corpus, extra=["unit_id"], lookup=lookup)
        # who has the theme, before any candidate is dropped: the disclosure rule counts persons
        if spans.empty or spans["_person"].nunique() < min_persons:
            continue
        n_unit = (spans.groupby("unit_id", observed=True)["_person"].nunique()
                  if by_unit and "unit_id" in spans.columns and not (is_sensitive and sensitive_quotes != "unit")
                  else None)
        spans = _candidates(spans, n_unit, min_persons, max_candidates, rng)
        if "score" not in spans.columns:
            spans["score"] = 1.0
        spans["quote"] = [clean(t) for t in spans["span"]]
        letters = spans["quote"].str.replace(PLACEHOLDER, "", regex=True).str.count(r"[^\W\d_]")
        spans = spans[(letters >= min_chars * 0.6) & (spans["quote"].str.len() >= min_chars)
                      & spans["quote"].map(says_something).astype(bool)]  # no heading, contact or thin line
        # identical sentences stay in: they weigh the centroid; MMR never picks a copy twice
        if not spans.empty:
            parts += _theme_quotes(spans.reset_index(drop=True), n_unit, per_theme=per_theme, per_unit=per_unit,
                                   min_persons=min_persons, max_candidates=max_candidates, lam=1 - diversity,
                                   max_similarity=max_similarity, rng=rng)
    if not parts:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out = out[QUOTE_COLUMNS].copy()
    # a sensitive theme's quote must not join to the notes table: its note_id leads to the school,
    # the date and the person id, which is what "never per unit" keeps from the reader — and so
    # would its score, the coder's score that codings publishes per note (joined on theme, valence
    # and score: a review found 30 of 60 quotes again on the static embedder)
    secret = out["theme_id"].isin(list(sensitive))
    out.loc[secret, "note_id"] = None
    out.loc[secret, ["score", "similarity"]] = np.nan
    for c in ("theme_id", "valence", "unit_id", "note_id", "quote"):
        out[c] = out[c].astype("string")
    out["rank"] = out["rank"].astype("int64")
    out["score"] = pd.to_numeric(out["score"], errors="coerce").astype("float64")
    out["similarity"] = out["similarity"].astype("float64")
    out["_all_first"] = out["unit_id"] != ALL
    out = out.sort_values(["_all_first", "unit_id", "theme_id", "valence", "rank"], kind="stable")
    out = out.drop(columns="_all_first").reset_index(drop=True)
    if run_id is not None:
        out.insert(0, "run_id", run_id)
    return out
