"""Person-level join of codings and indicators, with no leak from after the outcome.

A person "has" a theme with a valence when any of their eligible notes carries it. A note is
eligible only when it is dated strictly before the person's outcome date (and before the global
cut-off, if one is given): a note written after a young person dropped out says something
*about* the dropout, not something that went before it, and letting it in inflates every
association. Undated notes cannot be placed in time, so they are excluded and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kvalitativ.errors import ConfigError, InputError
from kvalitativ.link.followup import NoteBalance, note_balance
from kvalitativ.link.params import LinkRules, parse_cutoff

#: The valence that means "any valence" in person_themes, associations and prevalence.
ANY = "any"

#: Why a note did not count, in the order the reasons are tested (a note gets the first that fits).
EXCLUSION_REASONS = (
    "not_in_corpus",  # coded note whose note_id is not in the corpus (no date, no person)
    "no_indicator_row",  # the person is not in the indicator file
    "outcome_missing",  # the person's outcome value is empty
    "no_date",  # the note has no date
    "outcome_date_missing",  # the person had the event but no outcome date: leak cannot be ruled out
    "outcome_before_landmark",  # timing landmark: the person's outcome date is before the landmark
    "after_cutoff",  # dated on or after the global cut-off
    "before_lookback",  # dated earlier than link.lookback_months before the outcome date / landmark
    "on_or_after_outcome",  # dated on or after the person's outcome date
)

EXCLUSION_COLUMNS = ["reason", "n_notes", "n_persons"]


@dataclass(frozen=True)
class PersonThemes:
    """The person-level join: who has which theme × valence, over which population, by which rule.

    Why a type and not a DataFrame with ``attrs``: the population (``persons``, including those
    with no theme at all) decides every denominator downstream. Carried in ``DataFrame.attrs`` it
    silently vanished whenever pandas dropped the attrs, and the statistics then ran on another
    population; here it cannot be lost without an error.

    ``table``: one row per person × theme × valence the person *has* (person_id, theme_id,
    valence, n_notes, present, the outcome, the rule columns) — internal, it holds person ids.
    ``persons``: the population, sorted. ``exclusions``: the notes that did not count, by reason
    (reason, n_notes, n_persons). ``rules``: the note rule the join was made with.
    ``n_notes_used``: the notes that did count. ``balance``: the mean of those per person, with and
    without the outcome (a large gap makes every theme lean one way: link.followup).
    """

    table: pd.DataFrame
    persons: tuple[str, ...]
    rules: LinkRules
    exclusions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EXCLUSION_COLUMNS))
    n_notes_used: int = 0
    #: Mean notes that count per person with and without the outcome (link.followup).
    balance: NoteBalance | None = None

    @property
    def n_persons(self) -> int:
        return len(self.persons)

    @classmethod
    def from_table(cls, table: pd.DataFrame, rules: LinkRules | None = None) -> "PersonThemes":
        """Wrap a table in which every person of the population has at least one row.

        For a table made elsewhere (a simulation, a full persons × themes grid): the population
        is then the table's own person ids, sorted.
        """
        persons = tuple(sorted(table["person_id"].astype(str).unique()))
        return cls(table=table, persons=persons, rules=rules or LinkRules())


def _require(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(
            f"{what}: missing column(s) {', '.join(missing)}; it has {', '.join(map(str, df.columns))}."
        )


def as_dates(values: pd.Series, what: str) -> pd.Series:
    """Parse a date column to naive datetime64; text that is not a date is an error, empty is NaT."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(None)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = parsed.isna() & values.notna() & (values.astype("string").str.strip() != "")
    if bad.any():
        first = values[bad].iloc[0]
        raise InputError(
            f"{what}: {int(bad.sum())} value(s) are not dates (first: '{first}'); "
            "write dates as YYYY-MM-DD or leave the cell empty."
        )
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert(None)
    return parsed


def as_binary(values: pd.Series, what: str) -> pd.Series:
    """A yes/no column (an outcome, a sheet's ``present``) as a nullable 0/1 integer series: accepts
    0/1, booleans, true/false, ja/nej, yes/no, sand/falsk (Danish Excel); anything else is an error
    naming ``what``, never a silent no."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("Int64")
    if pd.api.types.is_numeric_dtype(values):
        out = pd.to_numeric(values, errors="coerce")
    else:
        text = values.astype("string").str.strip().str.lower()
        mapping = {"1": 1, "0": 0, "1.0": 1, "0.0": 0, "true": 1, "false": 0, "ja": 1, "nej": 0,
                   "yes": 1, "no": 0, "sand": 1, "falsk": 0, "": np.nan}
        out = text.map(lambda v: mapping.get(v, "bad") if v is not pd.NA else np.nan)
        if (out == "bad").any():
            first = values[out == "bad"].iloc[0]
            raise InputError(f"{what}: value '{first}' is not 0/1; write 0/1 (or ja/nej, true/false).")
        out = pd.to_numeric(out, errors="coerce")
    bad = out.notna() & ~out.isin([0, 1])
    if bad.any():
        raise InputError(f"{what}: value '{values[bad].iloc[0]}' is not 0/1; write 0/1 (or ja/nej, true/false).")
    return out.astype("Int64")


def person_themes(
    codings: pd.DataFrame,
    corpus: pd.DataFrame,
    indicators: pd.DataFrame,
    outcome: str = "dropout",
    outcome_date_col: str = "outcome_date",
    cutoff=None,
    *,
    window_months: int | None = None,
    population: str = "with_notes",
    timing: str = "dated",
    lookback_months: int | None = None,
    rules: LinkRules | None = None,
) -> PersonThemes:
    """Which persons have which theme × valence, counting only notes from before the outcome.

    Parameters
    ----------
    codings : note_id, person_id, theme_id, valence (+ segment_id, start, end, score, method, run_id).
    corpus : note_id, person_id, date (datetime64 or ISO text), optionally unit_id, period, source.
    indicators : person_id, the ``outcome`` column (0/1) and ``outcome_date_col`` (date the
        outcome was observed; may be empty for persons without the event).
    outcome, outcome_date_col : column names in ``indicators``.
    cutoff : ISO date; notes dated on or after it are excluded for everyone.
    window_months : the dropout window of the indicator export (a label written into the output).
    population : ``"with_notes"`` (default: persons with a known outcome and at least one eligible
        note) or ``"all"`` (every person with a known outcome; no eligible note = no theme).
    timing, lookback_months : see :class:`~kvalitativ.link.params.LinkRules` (``landmark``: notes
        before ``cutoff`` count, persons whose outcome date is before it are left out).
    rules : the whole rule at once (overrides the arguments above), as the stage built it.

    Returns
    -------
    A :class:`PersonThemes`. Its ``table`` has one row per person × theme × valence the person
    *has* (valence ``"any"`` per theme plus each theme × valence pair seen in the eligible
    codings), with columns person_id, theme_id, valence, present (always 1), n_notes (eligible
    notes carrying it, ≥ 1), the outcome value, and the rule columns outcome,
    dropout_window_months, cutoff, note_rule, population. A person without a theme has no row
    for it: the rows grow with the codings, not with persons × themes. The population (persons
    with and without themes) is ``persons``; :func:`kvalitativ.link.presence.presence` turns the
    whole into persons × (theme, valence) 0/1. Themes only seen in excluded notes do not appear.
    ``exclusions`` says which notes did not count and why (reason, n_notes, n_persons);
    ``n_notes_used`` is the number that did.

    It holds person ids: internal input to :func:`associations` and :func:`added_value`, never
    a dashboard table (the store keeps ``table`` under work/ only).

    Example
    -------
    >>> pt = person_themes(codings, corpus, indicators, outcome="dropout", cutoff="2024-08-01")
    >>> pt.exclusions
    """
    rules = rules or LinkRules(outcome=outcome, outcome_date_col=outcome_date_col, window_months=window_months,
                               cutoff=parse_cutoff(cutoff), population=population, timing=timing,
                               lookback_months=lookback_months)
    outcome, population = rules.outcome, rules.population
    _require(codings, ["note_id", "theme_id", "valence"], "codings")
    _require(corpus, ["note_id", "person_id", "date"], "corpus (notes)")
    _require(indicators, ["person_id", outcome], "indicators")
    ind = _outcomes(indicators, rules)
    notes = _notes_with_reasons(corpus, ind, rules)

    cod = codings.copy()
    cod["note_id"] = cod["note_id"].astype("string")
    in_corpus = cod["note_id"].isin(notes["note_id"])
    orphan = cod.loc[~in_corpus]
    cod = cod.loc[in_corpus].drop(columns=[c for c in ("person_id",) if c in cod.columns])
    cod = cod.merge(notes[["note_id", "person_id", "_reason"]], on="note_id", how="left")
    excluded = _exclusion_counts(notes, orphan, _reasons_of(rules))

    eligible_notes = notes.loc[notes["_reason"].isna()]
    elig = cod.loc[cod["_reason"].isna()]
    elig = elig.assign(valence=elig["valence"].astype("string").fillna("neutral"),
                       theme_id=elig["theme_id"].astype("string"))

    known = ind.loc[ind["_y"].notna() & ~ind["person_id"].isin(_before_landmark(ind, rules))]
    if population == "with_notes":
        persons = known.loc[known["person_id"].isin(eligible_notes["person_id"])]
    else:
        persons = known
    persons = persons.sort_values("person_id")

    out = _present_rows(_note_counts(elig), persons["person_id"], _seen_pairs(elig))
    out = out.merge(persons[["person_id", "_y"]].rename(columns={"_y": outcome}), on="person_id", how="left")
    out = out[["person_id", "theme_id", "valence", "present", "n_notes", outcome]]
    rules.stamp(out, compact=True)
    return PersonThemes(table=out, persons=tuple(str(p) for p in persons["person_id"]), rules=rules,
                        exclusions=excluded, n_notes_used=int(eligible_notes["note_id"].nunique()),
                        balance=note_balance(eligible_notes, persons))


def _outcomes(indicators: pd.DataFrame, rules: LinkRules) -> pd.DataFrame:
    """person_id, the outcome as 0/1 (``_y``) and its date (``_odate``), one row per person."""
    outcome, outcome_date_col = rules.outcome, rules.outcome_date_col
    has_outcome_date = outcome_date_col in indicators.columns and rules.timing != "none"
    if not has_outcome_date and rules.cutoff is None and rules.timing != "none":
        raise ConfigError(
            f"indicators have no '{outcome_date_col}' column, so notes written after the outcome could "
            "leak into the association. Add the outcome date column (or name it with --outcome-date-col), "
            "or give a --cutoff date before which every note was written; for an export without dates, "
            "set link.timing: none (cross-sectional)."
        )
    ind = indicators[["person_id", outcome] + ([outcome_date_col] if has_outcome_date else [])].copy()
    ind["person_id"] = ind["person_id"].astype("string")
    if ind["person_id"].duplicated().any():
        dup = ind.loc[ind["person_id"].duplicated(), "person_id"].iloc[0]
        raise InputError(f"indicators: person_id '{dup}' occurs more than once; give one row per person.")
    ind["_y"] = as_binary(ind[outcome], f"indicators column '{outcome}'")
    ind["_odate"] = as_dates(ind[outcome_date_col], f"indicators column '{outcome_date_col}'") \
        if has_outcome_date else pd.Series(pd.NaT, index=ind.index, dtype="datetime64[ns]")
    return ind


def _notes_with_reasons(corpus: pd.DataFrame, ind: pd.DataFrame, rules: LinkRules) -> pd.DataFrame:
    """The corpus notes with their person's outcome and ``_reason``: why the note does not count
    (the first of :data:`EXCLUSION_REASONS` that fits), or NA when it does."""
    notes = corpus[["note_id", "person_id", "date"]].copy()
    notes["note_id"] = notes["note_id"].astype("string")
    notes["person_id"] = notes["person_id"].astype("string")
    notes["date"] = as_dates(notes["date"], "corpus column 'date'")
    notes = notes.drop_duplicates("note_id")
    notes = notes.merge(ind[["person_id", "_y", "_odate"]], on="person_id", how="left", indicator="_m")

    reason = pd.Series(pd.NA, index=notes.index, dtype="string")

    def mark(mask, why):
        reason[mask.fillna(False).to_numpy(bool) & reason.isna().to_numpy()] = why

    mark(notes["_m"] == "left_only", "no_indicator_row")
    mark(notes["_y"].isna(), "outcome_missing")
    if rules.timing == "none":  # cross-sectional: dates are not used
        notes["_reason"] = reason
        return notes
    mark(notes["date"].isna(), "no_date")
    mark((notes["_y"] == 1) & notes["_odate"].isna(), "outcome_date_missing")
    if rules.timing == "landmark":
        mark(notes["person_id"].isin(_before_landmark(ind, rules)), "outcome_before_landmark")
    if rules.cutoff is not None:
        mark(notes["date"] >= rules.cutoff, "after_cutoff")
    if rules.lookback_months:
        if rules.timing == "dated":
            _require_outcome_dates(ind, rules)
        index_date = rules.cutoff if rules.timing == "landmark" else notes["_odate"]
        mark(notes["date"] < index_date - pd.DateOffset(months=int(rules.lookback_months)), "before_lookback")
    mark(notes["date"] >= notes["_odate"], "on_or_after_outcome")
    notes["_reason"] = reason
    return notes


def _require_outcome_dates(ind: pd.DataFrame, rules: LinkRules) -> None:
    """A look-back from each person's outcome date needs one for everyone: where only persons with
    the outcome carry a date, it would narrow their notes and leave the others' whole — the very
    imbalance the window is meant to remove (a review)."""
    known = ind.loc[ind["_y"].notna()]
    missing = int(known["_odate"].isna().sum())
    if missing:
        raise ConfigError(
            f"link.lookback_months counts back from each person's {rules.outcome_date_col}, but {missing} of "
            f"{len(known)} persons have none (often those without the outcome). Give every person a date (the end "
            "of follow-up for those without the outcome), or use link.timing: landmark with link.cutoff, which "
            "counts back from one date for everyone.")


def _before_landmark(ind: pd.DataFrame, rules: LinkRules) -> pd.Series:
    """The persons a landmark comparison leaves out: their outcome date is before the landmark
    (they were no longer there to be watched; an empty date for a person without the event stays)."""
    if rules.timing != "landmark":
        return ind["person_id"].iloc[:0]
    return ind.loc[ind["_odate"] < rules.cutoff, "person_id"]


def _reasons_of(rules: LinkRules) -> tuple[str, ...]:
    """The exclusion reasons a rule can give (the landmark and look-back rows only where used)."""
    unused = {"outcome_before_landmark"} if rules.timing != "landmark" else set()
    if not rules.lookback_months:
        unused.add("before_lookback")
    return tuple(r for r in EXCLUSION_REASONS if r not in unused)


def _exclusion_counts(notes: pd.DataFrame, orphan: pd.DataFrame, reasons: tuple[str, ...]) -> pd.DataFrame:
    """Every corpus note that did not count, plus coded notes missing from the corpus, by reason."""
    excl = notes.loc[notes["_reason"].notna(), ["note_id", "person_id", "_reason"]]
    rows = []
    for why in reasons:
        if why == "not_in_corpus":
            sub_notes, sub_persons = orphan["note_id"].nunique(), \
                (orphan["person_id"].nunique() if "person_id" in orphan else 0)
        else:
            sub = excl[excl["_reason"] == why]
            sub_notes, sub_persons = sub["note_id"].nunique(), sub["person_id"].nunique()
        rows.append({"reason": why, "n_notes": int(sub_notes), "n_persons": int(sub_persons)})
    return pd.DataFrame(rows, columns=EXCLUSION_COLUMNS)


def _seen_pairs(elig: pd.DataFrame) -> pd.DataFrame:
    """The theme × valence pairs seen in eligible notes (plus "any" per theme), in table order.

    Only pairs seen in eligible notes: a pair seen only after the outcome must not even appear,
    or the leak would show up as an extra row."""
    pairs = elig.dropna(subset=["theme_id"])[["theme_id", "valence"]].drop_duplicates()
    pairs = pd.concat([pairs.assign(valence=ANY).drop_duplicates(), pairs[pairs["valence"] != ANY]])
    return pairs.sort_values(["theme_id", "valence"], key=lambda s: s if s.name == "theme_id"
                             else s.map(lambda v: (v != ANY, v)))


def _note_counts(elig: pd.DataFrame) -> pd.Series:
    """Eligible notes per person × theme × valence, with valence "any" per person × theme."""
    counts_v = elig.groupby(["person_id", "theme_id", "valence"])["note_id"].nunique()
    counts_any = elig.groupby(["person_id", "theme_id"])["note_id"].nunique()
    counts_any.index = pd.MultiIndex.from_arrays(
        [counts_any.index.get_level_values(0), counts_any.index.get_level_values(1),
         np.full(len(counts_any), ANY)], names=["person_id", "theme_id", "valence"])
    return pd.concat([counts_any, counts_v])


def _present_rows(counts: pd.Series, person_ids: pd.Series, pairs: pd.DataFrame) -> pd.DataFrame:
    """The (person, theme, valence) cells with at least one note, ordered person by person
    (``person_ids`` order) and within a person in ``pairs`` order.

    Only present cells: a full persons × pairs grid grows with persons times themes (tens of
    millions of rows once discovery adds hundreds of topics), while these grow with the codings.
    """
    cols = ["person_id", "theme_id", "valence"]
    out = counts.rename("n_notes").reset_index()
    person_rank = pd.Series(np.arange(len(person_ids)), index=pd.Index(person_ids.astype("string")))
    pair_rank = pd.Series(np.arange(len(pairs)), index=pd.MultiIndex.from_frame(pairs[["theme_id", "valence"]]))
    out["_p"] = person_rank.reindex(out["person_id"].astype("string")).to_numpy()
    out["_t"] = pair_rank.reindex(pd.MultiIndex.from_frame(out[["theme_id", "valence"]])).to_numpy()
    out = out.dropna(subset=["_p", "_t"]).sort_values(["_p", "_t"], kind="stable").reset_index(drop=True)
    for col in cols:
        out[col] = out[col].astype("string")
    out["n_notes"] = out["n_notes"].astype("int64")
    out["present"] = (out["n_notes"] > 0).astype("int64")
    return out[cols + ["n_notes", "present"]]
