"""The `prevalence` table: how many persons (and notes) carry each theme, overall and by group.

Shares are of persons with at least one note in the group (the denominator a school leader
would expect: "of the pupils we wrote about, how many ..."), with Wilson score intervals, which
behave well for small groups and shares near 0 or 1. Cells for 1 to min_cell−1 persons are
suppressed (and, for sensitive themes, small groups in which everyone has the theme), then
secondary suppression within each theme × valence × grouping, and across a group's ``any`` and
valence rows, stops a hidden cell from being worked out from the others. Persons can be in several
groups (units, school years), so where a grouping hides a row, more of its groups are hidden
until the persons with the theme found in no shown group are none or at least min_cell.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from kvalitativ.errors import ConfigError, InputError
from kvalitativ.link import stats
from kvalitativ.link.params import LinkRules, parse_cutoff
from kvalitativ.link.persons import ANY, as_dates

COLUMNS = [
    "theme_id", "valence", "group_by", "group_value", "n_persons", "persons_total", "share", "ci_low",
    "ci_high", "n_notes", "notes_total", "note_share", "suppressed",
]
OVERALL = "overall"
#: Rows that add up to a published total, for secondary suppression: a theme × valence's groups
#: (the overall row holds them all), and a group's ``any`` row with its valence rows (``any`` is
#: their union, so one hidden valence row is ``any`` minus the others).
SUPPRESSION_GROUPS = [["theme_id", "valence", "group_by"], ["theme_id", "group_by", "group_value"]]


def prevalence(
    codings: pd.DataFrame,
    corpus: pd.DataFrame,
    group_by: Sequence[str] = (OVERALL, "unit_id", "period", "source"),
    min_cell: int | None = 5,
    *,
    cutoff=None,
    alpha: float = 0.05,
    rules: LinkRules | None = None,
    sensitive: Collection[str] = (),
) -> pd.DataFrame:
    """Share of persons (and of notes) with each theme × valence, overall and per group.

    Parameters
    ----------
    codings : note_id, theme_id, valence (person_id is taken from the corpus).
    corpus : note_id, person_id, date and the grouping columns (unit_id, period, source).
    group_by : ``"overall"`` and/or corpus columns. Notes with an empty group value count in
        ``overall`` only.
    min_cell : persons below which a cell is hidden (n_persons, persons_total or the persons
        without the theme in 1..min_cell−1), then secondary suppression within each
        theme × valence × group_by and across each group's ``any`` and valence rows, and more
        groups hidden until the persons with the theme in no shown group are 0 or ≥ min_cell
        (:func:`_cover_overlaps`). At least 3;
        ``None`` = no suppression (in-memory analysis only).
    cutoff : ISO date; if given, only notes dated before it count (undated notes then drop out).
    sensitive : theme ids (the codebook's ``sensitive`` themes) whose rows are hidden too where
        every person of a group under 4 × min_cell has the theme ("all 6 pupils at a school have
        a substance-use concern" says it of each of them).
    rules : the link rules whose outcome and window to stamp into the rule columns (the note rule
        always reads as descriptive: prevalence never uses the outcome).

    Returns
    -------
    Columns theme_id, valence (``any`` per theme plus each theme × valence pair in the codings),
    group_by, group_value,
    n_persons (persons with the theme in the group), persons_total (persons with any note in the
    group), share = n_persons / persons_total, ci_low, ci_high (Wilson, 95 %), n_notes,
    notes_total, note_share, suppressed, and the rule columns (outcome, dropout_window_months,
    cutoff, note_rule, population). Every such pair × group appears, also with 0 persons.

    Example
    -------
    >>> prevalence(codings, corpus, group_by=["overall", "unit_id", "period"])
    """
    cutoff = parse_cutoff(cutoff)
    rules = dataclasses.replace(rules, cutoff=cutoff, scope="descriptive") if rules is not None else \
        LinkRules(outcome=None, cutoff=cutoff, scope="descriptive")
    for col in ("note_id", "theme_id", "valence"):
        if col not in codings.columns:
            raise InputError(f"codings: missing column '{col}'.")
    if "note_id" not in corpus.columns or "person_id" not in corpus.columns:
        raise InputError("corpus (notes): needs note_id and person_id columns.")
    group_cols = [g for g in group_by if g != OVERALL]
    missing = [g for g in group_cols if g not in corpus.columns]
    if missing:
        raise ConfigError(f"group_by {', '.join(missing)}: not a corpus column; it has "
                          f"{', '.join(map(str, corpus.columns))}.")

    notes = corpus[["note_id", "person_id"] + (["date"] if "date" in corpus.columns else []) + group_cols].copy()
    notes = notes.loc[:, ~notes.columns.duplicated()].drop_duplicates("note_id")
    notes["note_id"] = notes["note_id"].astype("string")
    notes["person_id"] = notes["person_id"].astype("string")
    notes[OVERALL] = OVERALL
    if cutoff is not None:
        if "date" not in notes.columns:
            raise InputError("corpus (notes): a cutoff needs a date column.")
        dates = as_dates(notes["date"], "corpus column 'date'")
        notes = notes.loc[(dates < cutoff).fillna(False).to_numpy(bool)]
    cod = codings[["note_id", "theme_id", "valence"]].copy()
    cod["note_id"] = cod["note_id"].astype("string")
    cod["theme_id"] = cod["theme_id"].astype("string")
    cod["valence"] = cod["valence"].astype("string").fillna("neutral")
    cod = cod.dropna(subset=["theme_id"])
    pairs = cod[["theme_id", "valence"]].drop_duplicates()
    pairs = pd.concat([pairs.assign(valence=ANY).drop_duplicates(), pairs[pairs["valence"] != ANY]])
    cod = cod.merge(notes, on="note_id", how="inner")
    cod_any = cod.assign(valence=ANY)
    cod_all = pd.concat([cod_any, cod], ignore_index=True)

    parts = [_group_counts(notes, cod_all, pairs, g)
             for g in ([OVERALL] + group_cols if OVERALL in group_by else group_cols)]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    if not len(table):
        table = pd.DataFrame({c: pd.Series(dtype="float64") for c in COLUMNS})
    table = _shares(table, min_cell, alpha, sensitive)
    if min_cell is not None:
        table = _cover_overlaps(table, cod_all, min_cell)
    order = {g: i for i, g in enumerate([OVERALL] + group_cols)}
    table = table.sort_values(
        ["group_by", "theme_id", "valence", "group_value"],
        key=lambda s: s.map(order) if s.name == "group_by" else (
            s.map(lambda v: (v != ANY, v)) if s.name == "valence" else s.astype(str)),
        kind="stable")
    for col in ("n_persons", "persons_total", "n_notes", "notes_total"):
        table[col] = pd.to_numeric(table[col], errors="coerce").round().astype("Int64")
    for col in ("share", "ci_low", "ci_high", "note_share"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("float64")
    for col in ("theme_id", "valence", "group_by", "group_value"):
        table[col] = table[col].astype("string")
    table["suppressed"] = table["suppressed"].astype(bool)
    rules.stamp(table)
    out = table[COLUMNS + list(rules.columns())].reset_index(drop=True)
    return out


def _group_counts(notes: pd.DataFrame, cod_all: pd.DataFrame, pairs: pd.DataFrame, g: str) -> pd.DataFrame:
    """Persons and notes per theme × valence × value of group column ``g``; every pair × value,
    also with 0 (notes with an empty group value are left out)."""
    gv = notes[g].astype("string")
    groups = notes.assign(_g=gv).dropna(subset=["_g"])
    totals = groups.groupby("_g").agg(persons_total=("person_id", "nunique"), notes_total=("note_id", "nunique"))
    c = cod_all.assign(_g=cod_all[g].astype("string")).dropna(subset=["_g"])
    counts = c.groupby(["theme_id", "valence", "_g"]).agg(n_persons=("person_id", "nunique"),
                                                         n_notes=("note_id", "nunique"))
    gvals = list(totals.index)
    full = pd.MultiIndex.from_arrays(
        [np.repeat(pairs["theme_id"].to_numpy(object), len(gvals)),
         np.repeat(pairs["valence"].to_numpy(object), len(gvals)), np.tile(np.asarray(gvals, dtype=object),
                                                                           len(pairs))],
        names=["theme_id", "valence", "_g"])
    counts = counts.reindex(full, fill_value=0).reset_index()
    counts = counts.merge(totals.reset_index(), on="_g", how="left")
    counts = counts.rename(columns={"_g": "group_value"})
    counts.insert(2, "group_by", g)
    return counts


def _shares(table: pd.DataFrame, min_cell: int | None, alpha: float, sensitive: Collection[str] = ()) -> pd.DataFrame:
    """Shares with Wilson intervals, then small-cell, all-alike (sensitive themes) and secondary suppression."""
    for col in ("n_persons", "persons_total", "n_notes", "notes_total"):
        table[col] = table[col].astype("int64")
    table["share"] = np.where(table["persons_total"] > 0, table["n_persons"] / table["persons_total"].clip(lower=1),
                              np.nan)
    table["note_share"] = np.where(table["notes_total"] > 0, table["n_notes"] / table["notes_total"].clip(lower=1),
                                   np.nan)
    table["ci_low"], table["ci_high"] = stats.wilson(table["n_persons"], table["persons_total"], alpha=alpha)
    table["persons_without"] = table["persons_total"] - table["n_persons"]
    table["suppressed"] = False
    if len(table) and min_cell is not None:
        from kvalitativ.privacy.suppress import all_alike

        everyone = all_alike(table["n_persons"], table["persons_total"], min_cell) & \
            table["theme_id"].astype(str).isin(set(map(str, sensitive))).to_numpy()
        table["suppressed"] = everyone
        table = _suppress(table, min_cell)
    return table.drop(columns=["persons_without"])


def _suppress(table: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Small-cell and secondary suppression of the rows (rows already ``suppressed`` stay so)."""
    from kvalitativ.privacy.suppress import suppress_small_cells

    counts = [c for c in ("n_persons", "persons_total", "persons_without") if c in table.columns]
    return suppress_small_cells(table, counts, threshold=min_cell, by=SUPPRESSION_GROUPS,
                                value_cols=["share", "ci_low", "ci_high", "n_notes", "notes_total", "note_share"])


def _cover_overlaps(table: pd.DataFrame, cod_all: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """More group rows hidden where a person can be in several groups (units, school years, writer
    roles): per theme × valence × grouping, :func:`kvalitativ.evidence.disclosure.cover_the_rest`
    until the persons with the theme found in no shown group are none or at least ``min_cell``.

    Why: the overall row counts every person once; minus the shown groups' persons it counts those
    of the hidden groups only, and where persons belong to several groups the hidden rows' own
    counts say nothing about how few those are (the rule the evidence's unit rates and the joint
    display already keep). Hiding a row can expose its valence partners, so secondary suppression
    runs again, until nothing changes. Persons whose notes with the theme have an empty group value
    are in the overall row and in no group row: they are part of that rest, and where they alone
    are a few (1 to ``min_cell`` − 1), the overall row minus the groups would give their count."""
    from kvalitativ.evidence.disclosure import cover_the_rest

    table = table.reset_index(drop=True)
    members: dict[tuple, frozenset] = {}
    unplaced = _unplaced(cod_all, [g for g in table["group_by"].astype(str).unique() if g != OVERALL])
    for _ in range(len(table) + 1):
        hidden = table["suppressed"].to_numpy(bool).copy()
        groups = _groups_with_hidden(table, hidden, {k for k, v in unplaced.items() if len(v) < min_cell})
        members.update(_theme_members(cod_all, [k for k in groups if k not in _known(members)]))
        for (theme, valence, g), rows in groups.items():
            units = list(table["group_value"].iloc[rows])
            sets = {u: members.get((theme, valence, g, u), frozenset()) for u in units}
            hidden[rows] = cover_the_rest(units, sets, list(hidden[rows]), min_cell,
                                          everyone=unplaced.get((theme, valence, g), frozenset()))
        if not (hidden & ~table["suppressed"].to_numpy(bool)).any():
            return table
        table = _suppress(table.assign(suppressed=hidden), min_cell)
    return table


def _groups_with_hidden(table: pd.DataFrame, hidden: np.ndarray, left_over: set[tuple] = frozenset()
                        ) -> dict[tuple, np.ndarray]:
    """(theme_id, valence, group_by) → the positions of its group rows, for the groupings with a
    hidden row or in ``left_over`` (a few persons with the theme in no group: where every group is
    shown and no one has an empty group value, no one is left over)."""
    grouped = ~(table["group_by"] == OVERALL).to_numpy(bool)
    pos = np.flatnonzero(grouped)
    keys = table.loc[grouped, ["theme_id", "valence", "group_by"]].astype(str)
    out = {}
    for key, ix in keys.groupby(["theme_id", "valence", "group_by"]).indices.items():
        if hidden[pos[ix]].any() or key in left_over:
            out[key] = pos[ix]
    return out


def _unplaced(cod_all: pd.DataFrame, group_cols: list[str]) -> dict[tuple, frozenset]:
    """(theme_id, valence, group_by) → the persons with the theme × valence none of whose notes
    with it has a value in that group column (only the non-empty sets)."""
    out = {}
    keys = ["theme_id", "valence"]
    everyone = cod_all[keys + ["person_id"]].drop_duplicates()
    for g in group_cols:
        placed = cod_all.loc[cod_all[g].astype("string").notna(), keys + ["person_id"]].drop_duplicates()
        left = everyone.merge(placed, how="left", indicator=True)
        left = left[left["_merge"] == "left_only"]
        for (theme, valence), persons in left.groupby(keys)["person_id"]:
            out[(str(theme), str(valence), g)] = frozenset(persons)
    return out


def _known(members: dict) -> set[tuple]:
    return {k[:3] for k in members}


def _theme_members(cod_all: pd.DataFrame, needed: list[tuple]) -> dict[tuple, frozenset]:
    """(theme_id, valence, group_by, group_value) → the persons with the theme × valence there,
    for the ``needed`` (theme_id, valence, group_by)."""
    out = {}
    for g in sorted({k[2] for k in needed}):
        pairs = pd.MultiIndex.from_tuples([k[:2] for k in needed if k[2] == g])
        sub = cod_all[["theme_id", "valence", g, "person_id"]].dropna()
        sub = sub[pd.MultiIndex.from_frame(sub[["theme_id", "valence"]].astype(str)).isin(pairs)]
        sub = sub.assign(_g=sub[g].astype(str)).drop_duplicates(["theme_id", "valence", "_g", "person_id"])
        for (theme, valence, value), persons in sub.groupby(["theme_id", "valence", "_g"])["person_id"]:
            out[(str(theme), str(valence), g, value)] = frozenset(persons)
    return out
