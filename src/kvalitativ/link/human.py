"""The hand-coded persons behind a corrected association: who they are, what they have, how likely.

Correction needs person-level truth, so a person counts only when *every* note of theirs that the
link uses (dated before their outcome) was hand-coded; their inclusion probability comes from the
design recorded with the codes. Two formats of hand codes are read:

* a codes file (``code.train``, ``link.human_codes``, ``kvalitativ link --human``): ``note_id,
  theme_id[, valence]``, theme ``uncoded`` for a note read and found to carry no theme, and the
  design columns ``p_person`` (the person's probability of being drawn, all notes coded) and
  optionally ``p_active`` (the note's probability in an added draw);
* the ``human_codings`` table of ``review import --selection``: one row per note × coder ×
  theme with ``present``, and the same design columns. With several coders, the first coder
  (by name) of each note is used, so the truth is one person's reading, not a mix.

A person's probability of having all n of their eligible notes hand-coded is
``p_person + (1 − p_person) · Π p_active`` — the person draw, or every note by the added draw
(:mod:`kvalitativ.review.design`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kvalitativ.coding.handcodes import check_code_columns, one_reading
from kvalitativ.constants import UNCODED
from kvalitativ.errors import InputError
from kvalitativ.link.params import LinkRules
from kvalitativ.link.persons import _notes_with_reasons, _outcomes, person_themes
from kvalitativ.link.presence import Presence, presence

#: Without these columns the hand codes cannot correct (the design is unknown).
DESIGN_HELP = ("hand codes need the design they were drawn with: a p_person column (each person's "
               "probability of having all notes hand-coded, e.g. 0.25 for a random quarter of persons), as "
               "`kvalitativ review export --strategy active` records it in SHEET.selection.csv; import the filled "
               "sheets with `kvalitativ review import SHEET.xlsx --selection SHEET.selection.csv` to carry it over")


@dataclass(frozen=True)
class HumanSample:
    """The persons whose eligible notes were all hand-coded: their themes and inclusion probabilities.

    ``presence``: those persons × (theme_id, valence) from the hand codes; ``pi``: their
    probabilities, in ``presence.persons`` order; ``coded_notes``: every hand-coded note id.
    """

    presence: Presence
    pi: np.ndarray
    coded_notes: frozenset

    @property
    def n_persons(self) -> int:
        return len(self.presence.persons)


def normalise_codes(codes: pd.DataFrame, where: str = "hand codes") -> pd.DataFrame:
    """Either format as note_id, theme_id, valence, p_person, p_active (one row per note × theme,
    theme ``uncoded`` for a coded note without themes)."""
    check_code_columns(codes, where)
    if "p_person" not in codes.columns:
        raise InputError(f"{where}: {DESIGN_HELP}.")
    out = one_reading(codes, where)  # human_codings: each note's first coder, and its present rows
    for col in ("p_person", "p_active"):
        values = pd.to_numeric(out[col], errors="coerce") if col in out.columns else pd.Series(0.0, index=out.index)
        if values.isna().any() or not values.between(0, 1).all():
            raise InputError(f"{where}: column {col} must hold probabilities between 0 and 1 in every row.")
        out[col] = values.astype(float)
    out["theme_id"] = out["theme_id"].astype("string").fillna(UNCODED).replace("", UNCODED)
    out["valence"] = out["valence"].astype("string") if "valence" in out.columns else pd.NA
    extra = [c for c in ("reason", "round") if c in out.columns]  # the design of several review rounds
    return out[["note_id", "theme_id", "valence", "p_person", "p_active", *extra]].drop_duplicates()


def _inclusion(by_person: pd.DataFrame, codes: pd.DataFrame, where: str) -> np.ndarray:
    """Each person's probability of having every note hand-coded: the person draw, or every note by
    the uncertainty draw — after several review rounds the person draw alone. A note's uncertainty
    probability in the rounds before its own sheet is not recorded, so persons reached only through
    that draw would weigh too much (+9 % on Σ1/π in a review's simulation); the persons drawn at
    random are an exact simple random sample of all rounds' draws (``p_person``)."""
    rounds = pd.to_numeric(codes["round"], errors="coerce").max() if "round" in codes.columns else 1
    if not rounds > 1:
        return (by_person["p_person"] + (1 - by_person["p_person"]) * by_person["p_all_active"]).to_numpy(float)
    if "reason" not in codes.columns:
        raise InputError(f"{where}: hand codes of several review rounds need the column 'reason' (which persons "
                         "were drawn at random); import the sheets with `kvalitativ review import --selection`.")
    drawn = by_person["drawn"].fillna(False).astype(bool).to_numpy()
    return np.where(drawn, by_person["p_person"].to_numpy(float), 0.0)


def human_sample(codes: pd.DataFrame, corpus: pd.DataFrame, indicators: pd.DataFrame, rules: LinkRules,
                 persons, where: str = "hand codes") -> HumanSample:
    """The :class:`HumanSample` of ``codes`` among ``persons`` (the linked population), with the
    same note rule as the machine side (``rules``)."""
    codes = normalise_codes(codes, where)
    notes = _notes_with_reasons(corpus, _outcomes(indicators, rules), rules)
    eligible = notes.loc[notes["_reason"].isna(), ["note_id", "person_id"]].astype(str)
    coded = set(codes["note_id"])
    eligible = eligible.assign(coded=eligible["note_id"].isin(coded))
    design = codes.groupby("note_id")[["p_person", "p_active"]].first()
    if "reason" in codes.columns:
        design["drawn"] = codes.groupby("note_id")["reason"].first().astype("string").eq("person").fillna(False)
    eligible = eligible.join(design, on="note_id")
    if "drawn" in eligible:
        eligible["drawn"] = eligible["drawn"].astype("boolean").fillna(False).astype(bool)
    by_person = eligible.groupby("person_id").agg(all_coded=("coded", "all"), p_person=("p_person", "max"),
                                                  p_all_active=("p_active", "prod"),
                                                  **({"drawn": ("drawn", "any")} if "drawn" in eligible else {}))
    population = pd.Index([str(p) for p in persons])
    by_person = by_person.reindex(population)
    full = by_person["all_coded"].fillna(False).astype(bool).to_numpy()
    pi = _inclusion(by_person, codes, where)
    labelled = population[full & (pi > 0)]
    themed = codes[codes["theme_id"] != UNCODED].merge(
        corpus[["note_id", "person_id"]].astype({"note_id": str, "person_id": str}), on="note_id", how="inner")
    pt = person_themes(themed.assign(valence=themed["valence"].fillna("neutral")), corpus, indicators,
                       rules=replace(rules, population="all"))
    pres = presence(pt)
    keep = pres.persons.isin(labelled)
    pres = pres.rows(keep)
    pi_of = pd.Series(pi, index=population)
    return HumanSample(presence=pres, pi=pi_of.reindex(pres.persons).to_numpy(float), coded_notes=frozenset(coded))
