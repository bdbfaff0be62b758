"""The joint display: per unit, its numbers beside its themes — the quality-dialogue pack.

Why one long table: a joint display (mixed-methods term) puts the quantitative result and the
qualitative finding side by side so each explains the other. Here a unit's dropout rate,
absence and grades (and any unit-level figure the user supplies, such as funding per pupil)
stand next to the themes most often noted there, each with the municipality's figure beside
it and one quote. One row is one fact (``kind`` = indicator / figure / theme), so a dashboard
filters it by unit, and the report renders it as two small tables per unit.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kvalitativ.errors import InputError
from kvalitativ.evidence.counts import ALL, is_small
from kvalitativ.evidence.disclosure import cover_the_rest, hide_partners
from kvalitativ.link.persons import as_binary
from kvalitativ.privacy.suppress import outcome_alike

__all__ = ["joint_display", "person_units", "read_unit_figures", "INDICATOR_LABELS", "JOINT_COLUMNS",
           "MUNICIPALITY_NOTE"]

JOINT_COLUMNS = [
    "unit_id", "kind", "rank", "key", "label", "valence", "value", "value_municipality", "value_format",
    "n_persons", "headline", "quote", "quote_note_id", "note", "suppressed",
]

#: Danish labels and formats of the usual indicators ("pct" = a share 0–1, "num" = a number).
INDICATOR_LABELS: dict[str, tuple[str, str]] = {
    "dropout": ("Frafald fra ungdomsuddannelse", "pct"),
    "absence_pct": ("Fravær, gennemsnit (%)", "num"),
    "grade_avg": ("Karaktergennemsnit", "num"),
    "national_test_5th": ("Nationale test, 5. klasse", "num"),
}
#: What an indicator's ``value_municipality`` is over (its ``note``): the units' persons together,
#: not everyone in the indicator export.
MUNICIPALITY_NOTE = "kommunen: enhedernes personer tilsammen"
#: The joint display's words in English, for English data (:mod:`kvalitativ.link.language`).
INDICATOR_LABELS_EN: dict[str, tuple[str, str]] = {
    "dropout": ("Dropout from youth education", "pct"),
    "absence_pct": ("Absence, average (%)", "num"),
    "grade_avg": ("Grade average", "num"),
    "national_test_5th": ("National tests, 5th grade", "num"),
}
_NOTES = {
    "da": {"municipality": MUNICIPALITY_NOTE, "given": "kommunens tal", "mean": "gennemsnit af enhederne"},
    "en": {"municipality": "the municipality: the units' persons together", "given": "the municipality's figure",
           "mean": "average of the units"},
}


def _words(language: str | None) -> tuple[dict, dict]:
    """(indicator labels, notes) in ``language``; Danish by default."""
    if language == "en":
        return INDICATOR_LABELS_EN, _NOTES["en"]
    return INDICATOR_LABELS, _NOTES["da"]
_MUNICIPALITY_ROWS = {"_all", "kommune", "kommunen", "i alt", "total", "alle"}


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)?([.,]\d+)?$")


def read_unit_figures(path) -> pd.DataFrame:
    """Read the user's unit-level figures (CSV/XLSX/…: unit_id + numeric columns).

    Numbers may be written the Danish way (``68.000,5``) or the machine way; a column that is
    not numbers throughout is an error naming the column, because a figure silently dropped
    from a quality-dialogue pack is worse than a stop.
    """
    from kvalitativ.io.readers import read_table

    df = read_table(path)
    df.columns = [str(c).strip() for c in df.columns]
    unit_col = next((c for c in df.columns if c.lower() in ("unit_id", "enhed", "skole", "school", "unit")), None)
    if unit_col is None:
        raise InputError(f"{path}: no unit column; name the first column unit_id (or enhed/skole). "
                         f"It has {', '.join(df.columns)}.")
    out = pd.DataFrame({"unit_id": df[unit_col].astype("string").str.strip()})
    for col in df.columns:
        if col == unit_col:
            continue
        values = df[col]
        if not pd.api.types.is_numeric_dtype(values):
            text = values.astype("string").str.strip().fillna("")
            filled = text[text != ""]
            if not filled.map(lambda v: bool(_NUMBER.match(v))).all():
                bad = filled[~filled.map(lambda v: bool(_NUMBER.match(v)))].iloc[0]
                raise InputError(f"{path}: column '{col}' holds '{bad}', not a number; unit figures must be numbers.")
            if filled.str.contains(",").any():
                text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            values = pd.to_numeric(text.replace("", None), errors="coerce")
        out[col] = values.astype("float64")
    return out


def person_units(indicators: pd.DataFrame, corpus: pd.DataFrame | None, unit_col: str | None = None) -> pd.DataFrame:
    """Which units each person belongs to (person_id, unit_id; a person may be in several).

    Default: every unit that wrote a note about the person — the same persons the unit's theme
    shares are computed over, so a unit's dropout rate and its themes describe one group.
    With ``unit_col`` (e.g. ``school`` in the indicator export): that column, one unit each.
    Without a corpus, an indicator column named unit_id or school is used.
    """
    if unit_col is None and (corpus is None or "unit_id" not in corpus.columns):
        unit_col = next((c for c in ("unit_id", "school", "skole") if c in indicators.columns), None)
        if unit_col is None:
            raise InputError("indicators have no unit_id/school column and no corpus was given to place persons in units.")
    if unit_col is not None:
        if unit_col not in indicators.columns:
            raise InputError(f"indicators: no column '{unit_col}' for the unit; it has {', '.join(indicators.columns)}.")
        pairs = pd.DataFrame({"person_id": indicators["person_id"].astype("string"),
                              "unit_id": indicators[unit_col].astype("string")})
    else:
        pairs = pd.DataFrame({"person_id": corpus["person_id"].astype("string"),
                              "unit_id": corpus["unit_id"].astype("string")})
    return pairs.dropna().drop_duplicates().reset_index(drop=True)


def _rate_row(values: pd.Series, min_cell: int) -> tuple[float, int, bool]:
    v = values.dropna()
    n, events = len(v), int(v.sum())
    # ... or everyone (or no one) of a small unit had the outcome (says it of each: outcome_alike)
    hidden = n < min_cell or is_small(events, min_cell) or is_small(n - events, min_cell) or \
        bool(outcome_alike([events], [n], min_cell)[0])
    return (np.nan if hidden else events / n), n, hidden


def _mean_row(values: pd.Series, min_cell: int) -> tuple[float, int, bool]:
    v = pd.to_numeric(values, errors="coerce").dropna()
    hidden = len(v) < min_cell
    return (np.nan if hidden else float(v.mean())), len(v), hidden


def _indicator_rows(indicators, corpus, units, outcome, indicator_cols, unit_col, min_cell, language="da"):
    if indicators is None or indicators.empty or "person_id" not in indicators.columns:
        return []
    ind = indicators.copy()
    ind["person_id"] = ind["person_id"].astype("string")
    pairs = person_units(indicators, corpus, unit_col)
    members = {u: set(g["person_id"]) for u, g in pairs.groupby("unit_id", observed=True)}
    # the municipality is the persons the units are about (a person with a note from a unit), so a
    # typical unit sits beside the municipality, not beside everyone in the indicator export
    in_units = ind["person_id"].isin(set(pairs["person_id"]))
    specs = []
    if outcome and outcome in ind.columns:
        ind["_outcome"] = as_binary(ind[outcome], f"indicators column '{outcome}'").astype("float64")
        specs.append((outcome, "_outcome", _rate_row))
    specs += [(c, c, _mean_row) for c in indicator_cols if c in ind.columns and c != outcome]
    rows = []
    for rank, (key, col, fn) in enumerate(specs, start=1):
        label, fmt = _words(language)[0].get(key, (key.replace("_", " ").capitalize(), "num"))
        muni, _, _ = fn(ind.loc[in_units, col], min_cell)
        for unit in units:
            value, n, hidden = fn(ind.loc[ind["person_id"].isin(members.get(unit, set())), col], min_cell)
            rows.append({
                "unit_id": unit, "kind": "indicator", "rank": rank, "key": key, "label": label,
                "valence": None, "value": value, "value_municipality": muni, "value_format": fmt,
                "n_persons": n, "note": _words(language)[1]["municipality"], "suppressed": hidden,
            })
    return _cover_the_rest(_hide_by_difference(rows, min_cell), members, min_cell)


def _cover_the_rest(rows: list[dict], members: dict[str, set], min_cell: int) -> list[dict]:
    """Per indicator, :func:`kvalitativ.evidence.disclosure.cover_the_rest`: the persons in no shown
    unit are none or at least ``min_cell`` (the municipal value minus the shown units is theirs)."""
    for key in dict.fromkeys(r["key"] for r in rows):
        mine = [r for r in rows if r["key"] == key]
        hidden = cover_the_rest([r["unit_id"] for r in mine], members, [bool(r["suppressed"]) for r in mine], min_cell)
        for row, hide in zip(mine, hidden):
            if hide and not row["suppressed"]:
                row.update(value=np.nan, n_persons=pd.NA, suppressed=True)
    return rows

def _hide_by_difference(rows: list[dict], min_cell: int) -> list[dict]:
    """Secondary suppression across the units of each indicator (:mod:`kvalitativ.evidence.disclosure`):
    a unit hidden alone is hidden with the unit with the next-smallest number of persons."""
    if not rows:
        return rows
    hidden = hide_partners(pd.DataFrame(rows), ["key"], "n_persons", "suppressed", min_cell)
    for row, hide in zip(rows, hidden):
        if hide:
            row.update(value=np.nan, n_persons=pd.NA, suppressed=True)
    return rows


def _figure_rows(unit_figures, units, language="da"):
    if unit_figures is None or unit_figures.empty:
        return []
    if "unit_id" not in unit_figures.columns:
        raise InputError(f"unit figures need a unit_id column; they have {', '.join(map(str, unit_figures.columns))}.")
    uf = unit_figures.copy()
    uf["unit_id"] = uf["unit_id"].astype("string")
    is_muni = uf["unit_id"].str.strip().str.lower().isin(_MUNICIPALITY_ROWS)
    muni_row, uf = uf[is_muni], uf[~is_muni]
    cols = [c for c in uf.columns if c != "unit_id" and pd.api.types.is_numeric_dtype(uf[c])]
    rows = []
    for rank, col in enumerate(cols, start=1):
        if len(muni_row):
            muni, note = float(muni_row[col].iloc[0]), _words(language)[1]["given"]
        else:
            muni, note = float(uf[col].mean()), _words(language)[1]["mean"]
        values = dict(zip(uf["unit_id"], uf[col]))
        for unit in units:
            v = values.get(unit, np.nan)
            rows.append({
                "unit_id": unit, "kind": "figure", "rank": rank, "key": col,
                "label": col.replace("_", " ").capitalize(), "valence": None,
                "value": float(v) if pd.notna(v) else np.nan, "value_municipality": muni, "value_format": "num",
                "n_persons": pd.NA, "note": note, "suppressed": False,
            })
    return rows


def _theme_rows(evidence, quotes, units, top_n):
    if evidence is None or evidence.empty:
        return []
    ev = evidence[(evidence["unit_id"] != ALL) & ~evidence["suppressed"].astype(bool)].copy()
    q = None
    if quotes is not None and not quotes.empty:
        q = quotes[(quotes["unit_id"] != ALL)].sort_values("rank", kind="stable")
        q = q.drop_duplicates(["unit_id", "theme_id", "valence"]).set_index(["unit_id", "theme_id", "valence"])
    rows = []
    for unit in units:
        eu = ev[ev["unit_id"] == unit]
        for valence in ("concern", "strength", "neutral"):
            top = eu[eu["valence"] == valence].sort_values(["share", "theme_id"], ascending=[False, True],
                                                           kind="stable").head(top_n)
            for rank, r in enumerate(top.to_dict("records"), start=1):
                quote = note_id = None
                if q is not None and (unit, r["theme_id"], valence) in q.index:
                    hit = q.loc[(unit, r["theme_id"], valence)]
                    quote, note_id = hit["quote"], hit["note_id"]
                rows.append({
                    "unit_id": unit, "kind": "theme", "rank": rank, "key": r["theme_id"],
                    "label": r.get("theme_label", r["theme_id"]), "valence": valence,
                    "value": r["share"], "value_municipality": r["share_municipality"], "value_format": "pct",
                    "n_persons": r["n_persons"], "headline": r["headline"], "quote": quote,
                    "quote_note_id": note_id, "note": None, "suppressed": False,
                })
    return rows


def joint_display(
    evidence: pd.DataFrame,
    quotes: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    corpus: pd.DataFrame | None = None,
    unit_figures: pd.DataFrame | None = None,
    *,
    outcome: str | None = "dropout",
    indicator_cols=("absence_pct", "grade_avg"),
    unit_col: str | None = None,
    top_n: int = 3,
    min_cell: int = 5,
    run_id: str | None = None,
    language: str | None = "da",
) -> pd.DataFrame:
    """The ``joint_display`` table: per unit its indicators and figures, each with the
    municipality's value, and its ``top_n`` most noted concerns and strengths with a quote.

    Parameters
    ----------
    evidence : from :func:`kvalitativ.evidence.summaries.build_evidence` (unit rows).
    quotes : from :func:`kvalitativ.evidence.quotes.select_quotes` (unit quotes; rank 1 is used).
    indicators : one row per person: person_id, the outcome (0/1), absence_pct, grade_avg.
    corpus : places persons in units: a person counts for every unit that wrote a note about
        them (as in the evidence); ``unit_col`` names an indicator column to use instead.
    unit_figures : unit_id + numeric columns the user supplies (e.g. udgift_pr_elev); a row
        named '_all'/'kommune' gives the municipality's figure, else the mean of the units.
    min_cell : an indicator for fewer persons, or a rate whose count (or complement) is below
        it, is suppressed — with the unit with the next-smallest number of persons where it would
        be the only hidden unit of the indicator; theme rows come only from unsuppressed evidence.

    An indicator's ``value_municipality`` is over the units' persons together (``note`` says so),
    so a typical unit sits beside it. ``language``: of the labels and notes (``da`` or ``en``).

    Returns one row per unit × fact with :data:`JOINT_COLUMNS` (kind: indicator, figure, theme).

    Example
    -------
    >>> jd = joint_display(evidence, quotes, indicators, corpus, unit_figures)
    >>> jd[jd.unit_id == "Nordskolen"]
    """
    units: set[str] = set()
    if evidence is not None and not evidence.empty:
        units |= set(evidence.loc[evidence["unit_id"] != ALL, "unit_id"].dropna().astype(str))
    if unit_figures is not None and not unit_figures.empty and "unit_id" in unit_figures.columns:
        units |= {u for u in unit_figures["unit_id"].dropna().astype(str) if u.strip().lower() not in _MUNICIPALITY_ROWS}
    units_sorted = sorted(units)
    rows = (_indicator_rows(indicators, corpus, units_sorted, outcome, indicator_cols, unit_col, min_cell, language)
            + _figure_rows(unit_figures, units_sorted, language)
            + _theme_rows(evidence, quotes, units_sorted, top_n))
    out = pd.DataFrame(rows, columns=JOINT_COLUMNS)
    kind_order = {"indicator": 0, "figure": 1, "theme": 2}
    val_order = {None: 0, "concern": 0, "strength": 1, "neutral": 2}
    out["_k"] = out["kind"].map(kind_order)
    out["_v"] = out["valence"].map(lambda v: val_order.get(v if isinstance(v, str) else None, 3))
    out = out.sort_values(["unit_id", "_k", "_v", "rank"], kind="stable").drop(columns=["_k", "_v"])
    for c in ("unit_id", "kind", "key", "label", "valence", "value_format", "headline", "quote", "quote_note_id", "note"):
        out[c] = out[c].astype("string")
    out["rank"] = out["rank"].astype("int64")
    for c in ("value", "value_municipality"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    out["n_persons"] = pd.to_numeric(out["n_persons"], errors="coerce").astype("Int64")
    out["suppressed"] = out["suppressed"].astype(bool)
    out = out.reset_index(drop=True)
    if run_id is not None:
        out.insert(0, "run_id", run_id)
    return out
