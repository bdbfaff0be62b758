"""Selection files of ``review export``, read back and put together round by round.

A selection file is written by ``review export`` beside its sheet. It may come back re-saved by
Danish Excel (``;``, decimal comma, Windows-1252): it is read as every other export is
(:func:`kvalitativ.io.readers.read_table`, numbers through the ingest's Danish number reader).

Rounds of ``--strategy active`` (``review export --previous``) each write the *cumulative*
selection: every note of every round so far, its probabilities brought up to date
(:mod:`kvalitativ.review.design`). So the latest selection file is the design of all rounds, and
several files given together must be rounds of one series (one holding the others) drawn from
the same persons; two separate draws are no design with known probabilities and stop.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kvalitativ.errors import InputError
from kvalitativ.io.ingest import _to_number
from kvalitativ.io.readers import read_table

PROBABILITIES = ["p_person", "p_active", "p_include"]
_NUMBERS = ["order", *PROBABILITIES, "round", "persons_drawn", "persons_total"]
ROUND_HELP = ("export each later round with --previous <the earlier round's>.selection.csv: its selection file then "
              "holds every round, and is the one to give")


def read_selection(path: str | Path) -> pd.DataFrame:
    """A selection file as written, or as Danish Excel saved it: numbers as numbers."""
    frame = read_table(path)
    for col in _NUMBERS:
        if col in frame.columns:
            values = frame[col].astype(str).str.strip()
            number = _to_number(values, f"{path}: {col}: ")
            if number is None:  # Excel writes a small number as 1,2E-05
                number = pd.to_numeric(values.str.replace(",", ".", regex=False).replace("", None), errors="coerce")
                number = None if number[values != ""].isna().any() else number
            if number is None:
                bad = values[values != ""].iloc[0]
                raise InputError(f"{path}: column {col} holds '{bad}', which is not a number; was the file edited? "
                                 "Use the .selection.csv that `kvalitativ review export` wrote.")
            frame[col] = number
    margin = frame["margin"].astype(str).str.replace(",", ".", regex=False) if "margin" in frame else None
    if margin is not None:
        frame["margin"] = pd.to_numeric(margin, errors="coerce")
    return frame


def design_selection(selection: pd.DataFrame, where: str) -> pd.DataFrame:
    """``selection`` checked as a design (an active export): probabilities between 0 and 1,
    ``p_person`` exact from the person counts where the file has them (Excel may have rounded
    it), ``p_include`` recomputed from ``p_person`` and ``p_active``."""
    missing = [c for c in ["note_id", "reason", "p_person", "p_active"] if c not in selection.columns]
    if missing:
        raise InputError(f"{where}: column(s) {', '.join(missing)} missing; pass the .selection.csv that "
                         "`kvalitativ review export --strategy active` wrote beside the sheet.")
    sel = selection.assign(note_id=selection["note_id"].astype(str)).drop_duplicates("note_id").reset_index(drop=True)
    for col in ("p_person", "p_active"):
        sel[col] = pd.to_numeric(sel[col], errors="coerce")
        if sel[col].isna().any() or not sel[col].between(0, 1).all():
            raise InputError(f"{where}: column {col} must hold probabilities between 0 and 1; was the file edited?")
    if {"persons_drawn", "persons_total"} <= set(sel.columns):
        exact = sel["persons_drawn"].astype(float) / sel["persons_total"].astype(float)
        if not ((exact - sel["p_person"]).abs() <= 0.005).all():
            raise InputError(f"{where}: p_person does not match persons_drawn / persons_total; was the file edited?")
        sel["p_person"] = exact
    if "round" not in sel.columns:
        sel["round"] = 1  # a selection from before rounds: one round
    sel["p_include"] = sel["p_person"] + (1.0 - sel["p_person"]) * sel["p_active"]
    return sel


def _drawn(sel: pd.DataFrame) -> set:
    if "person_id" not in sel.columns:
        return set()
    return set(sel.loc[sel["reason"] == "person", "person_id"].dropna().astype(str))


def combine_selections(selections: list[tuple[pd.DataFrame, str]]) -> pd.DataFrame:
    """One design from several selection files (``(frame, where)`` pairs, each a
    :func:`design_selection`): the latest round, once it holds every other file's notes and
    drawn persons and all were drawn from the same number of persons; else an error."""
    if len(selections) == 1:
        return selections[0][0]
    totals = {int(s["persons_total"].iloc[0]): w for s, w in selections if "persons_total" in s and len(s)}
    if len(totals) > 1:
        (n1, w1), (n2, w2) = list(totals.items())[:2]
        raise InputError(f"{w1} was drawn from {n1} persons, {w2} from {n2}: they are not rounds of one corpus. "
                         "Give the selections of one series of rounds.")
    ordered = sorted(selections, key=lambda s: (int(s[0]["round"].max()), len(_drawn(s[0])), len(s[0])))
    latest, where = ordered[-1]
    for sel, other in ordered[:-1]:
        if set(sel["note_id"]) <= set(latest["note_id"]) and _drawn(sel) <= _drawn(latest):
            continue  # an earlier round of the latest one
        both = sorted(_drawn(sel) & _drawn(latest))
        clash = f" (person {both[0]} is drawn in both)" if both else ""
        raise InputError(f"{other} and {where} are separate draws{clash}, not rounds of one series, so together they "
                         f"have no known inclusion probabilities: {ROUND_HELP}.")
    return latest


def incomplete_persons(selection: pd.DataFrame, coded: set) -> dict[str, list[str]]:
    """Persons of the random stratum (``reason`` person) with a note nobody coded: person → the
    note ids still to code (key ``?`` for a selection without person ids)."""
    if "reason" not in selection.columns:
        return {}
    person = selection.loc[selection["reason"] == "person"]
    left = person.loc[~person["note_id"].astype(str).isin(coded)]
    if left.empty:
        return {}
    keys = left["person_id"].astype(str) if "person_id" in left.columns else pd.Series("?", index=left.index)
    return {k: sorted(g.astype(str)) for k, g in left["note_id"].groupby(keys)}


__all__ = ["ROUND_HELP", "combine_selections", "design_selection", "incomplete_persons", "read_selection"]
