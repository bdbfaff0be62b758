"""Person counts per theme and group, straight from codings and the corpus.

Why here and not only in ``kvalitativ.link``: the evidence stage must also work without an
outcome link (citizen input) and needs counts the link does not publish (theme × unit ×
period for unit trends). The definition is the link's: a person "has" a theme × valence in a
group when at least one of their notes in that group carries it; the denominator is every
person with a note in that group.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from kvalitativ.constants import UNCODED  # the coders' row for a note with no theme: never evidence
from kvalitativ.errors import InputError

__all__ = ["theme_counts", "wilson", "person_key", "themed", "theme_spans", "theme_groups", "NoteLookup", "ALL",
           "UNCODED"]

#: unit_id (or group value) that stands for the whole municipality.
ALL = "_all"


def themed(codings: pd.DataFrame) -> pd.DataFrame:
    """The codings that carry a theme: without the coders' ``uncoded`` rows and empty themes."""
    if "theme_id" not in codings.columns:
        return codings
    keep = codings["theme_id"].notna() & (codings["theme_id"].astype("string") != UNCODED)
    return codings if bool(keep.all()) else codings[keep.to_numpy(bool)]


def wilson(k, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes out of n (vectorised; NaN where n == 0)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        lo = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        hi = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return lo, hi


def person_key(corpus: pd.DataFrame) -> pd.Series:
    """The person a note belongs to; a note without person_id counts as its own person
    (citizen input is often anonymous)."""
    if "person_id" not in corpus.columns:
        return corpus["note_id"].astype("string")
    pid = corpus["person_id"].astype("string")
    return pid.where(pid.notna() & (pid != ""), "note:" + corpus["note_id"].astype("string"))


def _require(df: pd.DataFrame, cols, name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(
            f"table '{name}' lacks column(s) {', '.join(missing)}; it has {', '.join(map(str, df.columns))}. "
            f"Re-run the stage that writes '{name}'."
        )


def coded_notes(codings: pd.DataFrame, corpus: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One row per (note, theme, valence) with the note's person and grouping columns."""
    _require(codings, ["note_id", "theme_id", "valence"], "codings")
    _require(corpus, ["note_id", *by], "corpus")
    notes = corpus[["note_id", *by]].copy()
    notes["_person"] = person_key(corpus).to_numpy()
    notes["note_id"] = notes["note_id"].astype("string")
    c = codings[["note_id", "theme_id", "valence"]].copy()
    c["note_id"] = c["note_id"].astype("string")
    c = c.drop_duplicates()
    return c.merge(notes, on="note_id", how="inner")


def theme_counts(codings: pd.DataFrame, corpus: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Persons and notes per theme × valence × group.

    Returns theme_id, valence, *by, n_persons, n_notes, persons_total, notes_total, share,
    ci_low, ci_high (Wilson 95 %). ``by=[]`` (or None) gives the municipality.
    Unsuppressed: the caller decides what to show.
    """
    by = list(by or [])
    merged = coded_notes(codings, corpus, by)
    keys = ["theme_id", "valence", *by]
    if merged.empty:
        cols = [*keys, "n_persons", "n_notes", "persons_total", "notes_total", "share", "ci_low", "ci_high"]
        return pd.DataFrame(columns=cols)
    grouped = merged.groupby(keys, dropna=False, observed=True)
    out = grouped.agg(n_persons=("_person", "nunique"), n_notes=("note_id", "nunique")).reset_index()
    base = corpus[["note_id", *by]].copy()
    base["_person"] = person_key(corpus).to_numpy()
    if by:
        tot = base.groupby(by, dropna=False, observed=True).agg(
            persons_total=("_person", "nunique"), notes_total=("note_id", "nunique")
        ).reset_index()
        out = out.merge(tot, on=by, how="left")
    else:
        out["persons_total"] = base["_person"].nunique()
        out["notes_total"] = base["note_id"].nunique()
    for col in ("n_persons", "n_notes", "persons_total", "notes_total"):
        out[col] = out[col].astype("int64")
    out["share"] = out["n_persons"] / out["persons_total"]
    out["ci_low"], out["ci_high"] = wilson(out["n_persons"], out["persons_total"])
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def is_small(count, threshold: int) -> bool:
    """A count between 1 and threshold − 1 (0 is not disclosive; NaN is treated as small)."""
    if count is None or (isinstance(count, float) and math.isnan(count)):
        return True
    return 0 < int(count) < threshold


#: Spans made at a time by :func:`theme_spans`.
SPAN_CHUNK = 100_000


class NoteLookup:
    """Each note's row in the corpus and its person, computed once for a corpus, so that spans
    made theme by theme (:func:`theme_groups`) do not index a million note ids per theme."""

    def __init__(self, corpus: pd.DataFrame):
        ids = corpus["note_id"].astype("string")
        self._first = np.flatnonzero(~ids.duplicated().to_numpy())  # note ids are unique after ingest
        self._index = pd.Index(ids.iloc[self._first])
        self.person = person_key(corpus).to_numpy()

    def rows(self, note_ids: pd.Series) -> np.ndarray:
        """The corpus row of each note id (-1: not in the corpus)."""
        row = self._index.get_indexer(note_ids.astype("string"))
        return np.where(row >= 0, self._first[np.maximum(row, 0)], -1)


def theme_groups(codings: pd.DataFrame):
    """(theme_id, valence, codings of that pair), in sorted order: the evidence stage works one
    theme at a time so that the spans of a million notes never lie in memory together."""
    for (theme, valence), group in codings.groupby(["theme_id", "valence"], sort=True, observed=True):
        yield theme, valence, group


def theme_spans(codings: pd.DataFrame, corpus: pd.DataFrame, extra: list[str] | None = None,
                lookup: NoteLookup | None = None) -> pd.DataFrame:
    """Unique (theme, valence, note, span) rows with the span's text (``span``), the note's
    person (``_person``) and any ``extra`` corpus columns (e.g. unit_id).

    The span is ``text[start:end]`` — the sentence that carried the theme — or the whole
    note when the coding has no span (note-level coding). ``lookup`` (a :class:`NoteLookup` of
    ``corpus``) saves indexing the corpus again when spans are made theme by theme.
    """
    extra = [c for c in (extra or []) if c in corpus.columns and c not in ("note_id", "text")]
    keep = ["note_id", "theme_id", "valence"] + [c for c in ("start", "end", "score") if c in codings.columns]
    # each coding's note by position (an inner join on the unique note ids, in codings order):
    # the note's text is sliced once per kept span, never copied onto every coding row
    lookup = lookup if lookup is not None else NoteLookup(corpus)
    row = lookup.rows(codings["note_id"])
    found = row >= 0
    m = codings.loc[found, keep].reset_index(drop=True)
    row = row[found]
    m["note_id"] = m["note_id"].astype("string")
    for col in extra:
        m[col] = corpus[col].to_numpy()[row]
    m["_person"] = lookup.person[row]
    m["_row"] = row
    has_span = {"start", "end"} <= set(m.columns)
    key = ["theme_id", "valence", "note_id"] + (["start", "end"] if has_span else [])
    if "score" in m.columns:
        m = m.sort_values("score", ascending=False, kind="stable")
    m = m.drop_duplicates(key).sort_values(key, kind="stable").reset_index(drop=True)
    m["span"] = _span_texts(corpus["text"], m, has_span)
    return m.drop(columns=["_row"])


def _span_texts(text: pd.Series, m: pd.DataFrame, has_span: bool) -> pd.Series:
    """The text of each span (``text[start:end]``, or the whole note), made ``SPAN_CHUNK`` rows at
    a time so that only one chunk's notes are Python strings at once (a million notes' spans
    otherwise held 1.4 GB of them)."""
    rows = m["_row"].to_numpy()
    starts = pd.to_numeric(m["start"], errors="coerce").to_numpy(float) if has_span else None
    ends = pd.to_numeric(m["end"], errors="coerce").to_numpy(float) if has_span else None
    parts = []
    for i in range(0, len(m), SPAN_CHUNK):
        notes = [t if isinstance(t, str) else "" for t in text.iloc[rows[i:i + SPAN_CHUNK]].tolist()]
        if has_span:
            notes = [t if np.isnan(a) or np.isnan(b) else t[int(a):int(b)]
                     for t, a, b in zip(notes, starts[i:i + SPAN_CHUNK], ends[i:i + SPAN_CHUNK])]
        parts.append(pd.Series(notes))
    return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype=object)
