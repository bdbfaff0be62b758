"""The outcome rates in the evidence: which persons they are over, and which units may show one.

Why its own module: an evidence row's share counts every note, but its outcome rate counts only
the link's persons, whose theme stood in a note that counted (before the outcome, under the
default rule). The headline must say so (:func:`rate_clause`), or "blandt dem" claims a rate for
persons it was not computed over. And the units' rates, with their numbers of persons, add up
to the municipality's ``associations.events_with``: which units show a rate is decided for all
units of a theme × valence together (:mod:`kvalitativ.evidence.disclosure`).
"""

from __future__ import annotations

import pandas as pd

from kvalitativ.evidence.counts import is_small
from kvalitativ.evidence.disclosure import cover_the_rest, hide_partners
from kvalitativ.link.params import timing_of
from kvalitativ.link.wording import sentence_language
from kvalitativ.link.wording import rate_clause as link_rate_clause
from kvalitativ.privacy.suppress import outcome_alike

__all__ = ["unit_outcome_counts", "shown_unit_rates", "rate_population", "rate_clause"]

_KEYS = ["theme_id", "valence", "unit_id"]


def unit_outcome_counts(codings, corpus, person_themes, outcome) -> pd.DataFrame:
    """Persons (``n``, and who: ``members``, for disclosure control only) and outcomes (``events``)
    per theme × valence × unit, among persons with the theme in the unit and the theme in their
    eligible notes (the link's ``person_themes``).

    A person counts for (theme, valence, unit) when a note of theirs in the unit carries the
    theme *and* the link found the theme in their eligible (pre-outcome) notes.
    """
    if person_themes is None or person_themes.empty or outcome not in person_themes.columns:
        return pd.DataFrame(columns=[*_KEYS, "n", "events", "members"])
    pt = person_themes[person_themes["present"] == 1][["person_id", "theme_id", "valence", outcome]].copy()
    for c in ("person_id", "theme_id", "valence"):
        pt[c] = pt[c].astype("string")
    c = codings[["note_id", "theme_id", "valence"]].copy()
    c["note_id"] = c["note_id"].astype("string")
    notes = corpus[["note_id", "person_id", "unit_id"]].copy()
    notes["note_id"] = notes["note_id"].astype("string")
    m = c.merge(notes, on="note_id").drop(columns="note_id").drop_duplicates()
    for col in ("person_id", "theme_id", "valence", "unit_id"):
        m[col] = m[col].astype("string")
    m = m.merge(pt, on=["person_id", "theme_id", "valence"], how="inner")
    m = m[m[outcome].notna()].drop_duplicates([*_KEYS, "person_id"])
    out = m.groupby(_KEYS, observed=True).agg(n=("person_id", "nunique"), events=(outcome, "sum"),
                                              members=("person_id", frozenset)).reset_index()
    # everyone the municipal figure (associations' events_with) is over: persons whose notes with the
    # theme have no unit are in it and in no unit (a review: all units shown, the municipal count
    # minus theirs gave the outcome of the 2 persons without a unit)
    everyone = pt[pt[outcome].notna()].groupby(["theme_id", "valence"], observed=True)["person_id"].agg(frozenset)
    keys = pd.MultiIndex.from_frame(out[["theme_id", "valence"]])
    out["everyone"] = everyone.reindex(keys).to_numpy() if len(out) else []
    return out.astype({"n": "int64", "events": "int64"})


def shown_unit_rates(counts: pd.DataFrame, hidden_rows: set[tuple], min_cell: int) -> dict[tuple, float]:
    """(theme, valence, unit) → outcome rate, for the units whose rate may be published.

    A rate is hidden when its count or complement is below ``min_cell``, when every one — or no
    one — of fewer than 4 × ``min_cell`` persons had the outcome ("blandt dem faldt 100 % fra" or
    "0 %" at a small school says it of each pupil: :func:`kvalitativ.privacy.suppress.outcome_alike`,
    the associations' rule),
    or when its evidence row is suppressed (``hidden_rows``); where that leaves one unit of a theme
    × valence hidden, the unit with the next-smallest number of persons is hidden too, and more
    until the persons in no shown unit are none or at least ``min_cell`` (``counts.members``).
    """
    if counts.empty:
        return {}
    keys = list(zip(*(counts[c].astype(str) for c in _KEYS)))
    everyone = outcome_alike(counts["events"].to_numpy(float), counts["n"].to_numpy(float), min_cell)
    primary = [n < min_cell or is_small(e, min_cell) or is_small(n - e, min_cell) or k in hidden_rows or alike
               for k, n, e, alike in zip(keys, counts["n"], counts["events"], everyone)]
    hidden = hide_partners(counts.assign(_hidden=primary), ["theme_id", "valence"], "n", "_hidden", min_cell)
    if "members" in counts.columns:  # persons of several units: who is in no shown unit counts
        hidden = hidden.copy()
        for _, ix in counts.groupby(["theme_id", "valence"], observed=True).indices.items():
            units = [keys[i][2] for i in ix]
            members = dict(zip(units, counts["members"].iloc[ix]))
            everyone = counts["everyone"].iloc[ix[0]] if "everyone" in counts.columns else None
            hidden[ix] = cover_the_rest(units, members, list(hidden[ix]), min_cell,
                                        everyone=everyone if isinstance(everyone, frozenset) else None)
    return {k: e / n for k, n, e, h in zip(keys, counts["n"], counts["events"], hidden) if not h}


#: The clauses per language: (known outcome, before the landmark, before the outcome, "and the
#: cut-off date", the word "them" in the link's rate clause, how a clause about the notes begins,
#: and how it is set in: Danish a relative clause between commas, English in brackets).
_POPULATION_WORDS = {
    "da": ("med kendt udfald", "hvor det blev noteret før skæringsdatoen", "hvor det blev noteret før udfaldet",
           " og skæringsdatoen", "dem", "hvor ", ", {p},"),
    "en": ("with a known outcome", "noted before the cut-off date", "noted before the outcome",
           " and the cut-off date", "them", "noted ", " ({p})"),
}


def rate_population(note_rule, cutoff=None, language: str | None = "da") -> str:
    """Who an outcome rate is over, as a clause: 'hvor det blev noteret før udfaldet' (the link's
    default rule, also when the rule is not known), '… før udfaldet og skæringsdatoen' (with a
    cut-off; the date itself is in the report's method, not a number in a headline), 'med kendt
    udfald' (every note counted)."""
    known, landmark, before, and_cutoff, *_ = _POPULATION_WORDS.get(language or "da", _POPULATION_WORDS["da"])
    timing = timing_of(note_rule)
    if timing == "none":
        return known
    if timing == "landmark":
        return landmark
    has_cutoff = isinstance(cutoff, str) and bool(cutoff.strip())
    return before + (and_cutoff if has_cutoff else "")


def rate_clause(words: dict, rate: str, rate_without: str | None, population: str) -> str:
    """The link's rate clause with the rate's population named: '; blandt dem, hvor det blev
    noteret før udfaldet, faldt 40 % fra mod 22 % blandt de øvrige' — not 'blandt dem', which
    would claim the rate for every person the share counts."""
    *_, them, notes, set_in = _POPULATION_WORDS[sentence_language(words)]
    clause = link_rate_clause(words, rate, rate_without)
    named = set_in.format(p=population) if population.startswith(notes) else f" {population}"
    return clause.replace(f" {them} ", f" {them}{named} ", 1)
