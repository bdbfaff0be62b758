"""Evidence per theme × valence, for the municipality and per unit, with a headline in the
language of the data (Danish by default, :mod:`kvalitativ.link.language`).

Why a headline composed from columns: a school leader reads one sentence, a dashboard reads
columns. Composing the sentence from the very values in the row (formatted by
:mod:`kvalitativ.evidence.fmt`) means the two can never disagree, and a suppressed row has
no numbers to leak — its headline says only that there are too few persons.

Works without an outcome link (``associations=None``, ``person_themes=None``): then the
outcome columns stay empty and the headline stops after prevalence and trend (citizen input).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.evidence.counts import ALL, UNCODED, coded_notes, is_small, person_key, theme_counts, themed
from kvalitativ.evidence.headlines import (CITIZEN_WORDING, CITIZEN_WORDING_EN, YOUTH_WORDING, YOUTH_WORDING_EN,
                                           Wording, theme_phrase, wording_in)
from kvalitativ.evidence.headlines import association_words as _association_words
from kvalitativ.evidence.headlines import headline as _headline
from kvalitativ.evidence.headlines import outcome_words as _words
from kvalitativ.evidence.trend import PersonPeriods, cochran_armitage, trend_words_by_q
from kvalitativ.evidence.outcome_rates import rate_population, shown_unit_rates, unit_outcome_counts
from kvalitativ.link.persons import ANY as ANY_VALENCE
from kvalitativ.link.language import language_of, output_language
from kvalitativ.link.prevalence import prevalence as link_prevalence

__all__ = ["build_evidence", "Wording", "YOUTH_WORDING", "CITIZEN_WORDING", "YOUTH_WORDING_EN", "CITIZEN_WORDING_EN",
           "EVIDENCE_COLUMNS", "theme_phrase", "wording_in"]

#: The associations' odds ratio corrected for coding error, carried into evidence (and its headline).
CORRECTED = ["aor_corrected", "aor_corrected_ci_low", "aor_corrected_ci_high", "q_corrected", "n_human_persons"]

#: Columns of the ``evidence`` table, in order (run_id is added by the writer).
EVIDENCE_COLUMNS = [
    "theme_id", "theme_label", "valence", "unit_id",
    "n_persons", "persons_total", "share", "ci_low", "ci_high", "share_municipality",
    "trend", "trend_slope", "trend_p_value", "trend_q_value", "trend_periods", "trend_n_periods",
    "outcome", "population_label", "outcome_label", "dropout_window_months", "outcome_rate", "outcome_rate_without",
    "odds_ratio", "or_ci_low", "or_ci_high", "adjusted_odds_ratio", "aor_ci_low", "aor_ci_high",
    "q_value", "adjusted_q_value", *CORRECTED, "association", "keywords", "suppressed", "headline",
]

_NUMERIC_HIDDEN = [
    "n_persons", "persons_total", "share", "ci_low", "ci_high", "share_municipality", "trend_slope",
    "trend_p_value", "trend_q_value", "outcome_rate", "outcome_rate_without", "odds_ratio", "or_ci_low", "or_ci_high",
    "adjusted_odds_ratio", "aor_ci_low", "aor_ci_high", "q_value", "adjusted_q_value", *CORRECTED,
]


def _first_row(table: pd.DataFrame | None) -> dict:
    return {} if table is None or table.empty else table.iloc[0].to_dict()


def _prevalence_rows(prevalence: pd.DataFrame | None, group_by: str) -> pd.DataFrame | None:
    """The link's prevalence rows for one grouping, keyed like theme_counts output."""
    if prevalence is None or prevalence.empty or "group_by" not in prevalence.columns:
        return None
    names = {"all": ("overall",), "unit_id": ("unit_id",)}[group_by]
    sub = prevalence[prevalence["group_by"].astype("string").isin(names)]
    if sub.empty:
        return None
    sub = sub.copy()
    sub["unit_id"] = ALL if group_by == "all" else sub["group_value"].astype("string")
    return sub


def _outcome_lookup(associations: pd.DataFrame | None, outcome: str | None) -> dict:
    if associations is None or associations.empty:
        return {}
    a = associations
    if "indicator" in a.columns and outcome is not None:
        a = a[a["indicator"].astype("string") == outcome]
    return {(str(r["theme_id"]), str(r["valence"])): r for r in a.to_dict("records")}


def _trend_table(codings, corpus, by_unit: bool, min_cell: int, alpha: float) -> pd.DataFrame:
    """Cochran–Armitage trend per theme × valence (× unit) over the periods with notes, its
    variance clustered by person (a person seen in several periods is one person, not several
    independent rows), worded from Benjamini–Hochberg q-values over the tests of this level."""
    cols = ["theme_id", "valence", "unit_id", "trend", "trend_slope", "trend_p_value",
            "trend_periods", "trend_n_periods"]
    if "period" not in corpus.columns:
        return pd.DataFrame(columns=[*cols, "trend_q_value"])
    keys = ["unit_id", "period"] if by_unit else ["period"]
    counts = theme_counts(codings, corpus, keys)
    counts = counts if by_unit else counts.assign(unit_id=ALL)
    seen = _seen_rows(corpus, keys, by_unit)
    totals = seen.groupby(["unit_id", "period"], observed=True)["_person"].nunique()
    counts = counts.assign(period=counts["period"].astype(str), unit_id=counts["unit_id"].astype("string"))
    hits = counts.set_index(["theme_id", "valence", "unit_id", "period"])["n_persons"]
    hit_rows = _hit_rows(codings, corpus, keys, by_unit, seen)
    seen_by_unit = seen.groupby("unit_id", observed=True).indices
    hits_by_theme = hit_rows.groupby(["theme_id", "valence", "unit_id"], observed=True).indices
    labels = pd.Index(seen["period"].unique())
    seen_code, seen_period = seen["_code"].to_numpy(), labels.get_indexer(seen["period"])
    hit_code, hit_period = hit_rows["_code"].to_numpy(), labels.get_indexer(hit_rows["period"])
    labels = np.asarray(labels, dtype=object)
    rows = []
    for (theme, valence, unit), _ in counts.groupby(["theme_id", "valence", "unit_id"], observed=True):
        # A unit whose notes are all undated has no periods (no trend), not a missing key.
        tot = totals.loc[unit] if unit in totals.index.get_level_values(0) else pd.Series(dtype=float)
        periods = list(tot.index)
        xs = [int(hits.get((theme, valence, unit, p), 0)) for p in periods]
        s_ix = seen_by_unit.get(unit, np.zeros(0, dtype=int))
        h_ix = hits_by_theme.get((theme, valence, unit), np.zeros(0, dtype=int))
        persons = PersonPeriods(labels, seen_code[s_ix], seen_period[s_ix], hit_code[h_ix], hit_period[h_ix])
        t = cochran_armitage(periods, xs, list(tot.to_numpy()), min_total=min_cell, alpha=alpha, persons=persons)
        rows.append({"theme_id": theme, "valence": valence, "unit_id": unit,
                     "trend": t.direction, "trend_slope": t.slope, "trend_p_value": t.p_value,
                     "trend_periods": t.periods, "trend_n_periods": t.n_periods})
    out = pd.DataFrame(rows, columns=cols)
    # one family per level (the municipality's tests, or every unit's): the words follow the q-value
    out["trend_q_value"], out["trend"] = trend_words_by_q(out["trend"], out["trend_slope"], out["trend_p_value"],
                                                          alpha)
    return out


def _seen_rows(corpus, keys: list[str], by_unit: bool) -> pd.DataFrame:
    """One row per unit × person × period with a note (unit ``_all`` for the municipality), each
    person numbered 0, 1, … within their unit (``_code``): the clusters of the trend test."""
    seen = corpus[keys].copy()
    seen["_person"] = person_key(corpus).to_numpy()
    seen = seen.dropna(subset=keys)  # a note without a unit counts for the municipality only
    seen["period"] = seen["period"].astype(str)
    seen["unit_id"] = seen["unit_id"].astype("string") if by_unit else ALL
    seen = seen.drop_duplicates(["unit_id", "_person", "period"]).sort_values(["unit_id", "_person"], kind="stable")
    pair = pd.MultiIndex.from_frame(seen[["unit_id", "_person"]])
    code = pd.factorize(pair)[0]
    first = pd.Series(code).groupby(seen["unit_id"].to_numpy()).transform("min").to_numpy()
    return seen.assign(_code=code - first).reset_index(drop=True)


def _hit_rows(codings, corpus, keys: list[str], by_unit: bool, seen: pd.DataFrame) -> pd.DataFrame:
    """One row per theme × valence × unit × person × period where the person had the theme,
    with the person's number in the unit (``_code`` of :func:`_seen_rows`)."""
    hit = coded_notes(codings, corpus, keys).dropna(subset=keys)
    hit = hit.assign(period=hit["period"].astype(str),
                     unit_id=hit["unit_id"].astype("string") if by_unit else ALL)
    hit = hit.drop_duplicates(["theme_id", "valence", "unit_id", "_person", "period"])
    codes = seen.drop_duplicates(["unit_id", "_person"])[["unit_id", "_person", "_code"]]
    hit = hit.astype({"_person": codes["_person"].dtype}).merge(codes, on=["unit_id", "_person"], how="inner")
    return hit[["theme_id", "valence", "unit_id", "period", "_code"]].reset_index(drop=True)


def _theme_labels(themes: pd.DataFrame | None) -> dict[str, str]:
    if themes is None or themes.empty or "label" not in themes.columns:
        return {}
    return {str(t): str(lab) for t, lab in zip(themes["theme_id"], themes["label"]) if isinstance(lab, str)}


def build_evidence(
    codings: pd.DataFrame,
    corpus: pd.DataFrame,
    themes: pd.DataFrame | None = None,
    prevalence: pd.DataFrame | None = None,
    associations: pd.DataFrame | None = None,
    min_cell: int = 5,
    *,
    person_themes: pd.DataFrame | None = None,
    outcome: str | None = "dropout",
    window_months: int | None = None,
    keywords: pd.DataFrame | None = None,
    by_unit: bool = True,
    wording: Wording = YOUTH_WORDING,
    alpha: float = 0.05,
    run_id: str | None = None,
    population_label: str | None = None,
    language: str | None = None,
) -> pd.DataFrame:
    """The ``evidence`` table: one row per theme × valence × unit ('_all' = municipality).

    Parameters
    ----------
    codings, corpus : the coding output and the redacted corpus (note_id, person_id, unit_id,
        period, text).
    themes : theme_id → label (the codebook's labels make the headline readable).
    prevalence : the link's prevalence; its ``overall`` and ``unit_id`` rows are the evidence's
        counts, shares and suppression, so the evidence and prevalence tables always agree.
        None (or rows missing): computed with :func:`kvalitativ.link.prevalence`.
    associations : the link's associations; the row for ``outcome`` gives the municipality's
        outcome rates and odds ratios. None (citizen input): no outcome columns.
    person_themes : the link's internal person-level table, for the outcome rate among the
        persons with a theme in each unit (shown only where no unit's hidden count could be
        worked out from the municipality's, :mod:`kvalitativ.evidence.outcome_rates`).
    keywords : from :func:`kvalitativ.evidence.keywords.theme_keywords` (joined with ", ").
    min_cell : rows for fewer persons are suppressed (numbers emptied, headline without numbers).
    language : of the headlines: ``da``, ``en``, or ``auto``/None — the language of most notes
        (:func:`kvalitativ.link.language.output_language`); a shipped ``wording`` follows it.

    Example
    -------
    >>> ev = build_evidence(codings, corpus, themes, prevalence, associations, person_themes=pt)
    >>> ev.loc[ev.unit_id == "_all", ["theme_id", "valence", "headline"]]
    """
    codings = themed(codings)
    language = output_language(language, language_of(corpus))
    wording = wording_in(wording, language)
    labels_given = {"population_label": population_label}
    labels = _theme_labels(themes)
    by_unit = by_unit and "unit_id" in corpus.columns
    ev = _counts(codings, corpus, prevalence, by_unit, min_cell)
    municipality = ev[ev["unit_id"] == ALL].set_index(["theme_id", "valence"])["share"]
    ev["share_municipality"] = [municipality.get((t, v), np.nan) for t, v in zip(ev["theme_id"], ev["valence"])]
    ev = _with_trends(ev, codings, corpus, by_unit, min_cell, alpha)

    assoc = _outcome_lookup(associations, outcome)
    if window_months is None and associations is not None and "dropout_window_months" in associations.columns:
        w = pd.to_numeric(associations["dropout_window_months"], errors="coerce").dropna()
        window_months = int(w.iloc[0]) if len(w) else None
    rate_counts = unit_outcome_counts(codings, corpus, person_themes, outcome) if outcome else pd.DataFrame()
    has_outcome = bool(assoc) or not rate_counts.empty
    first = _first_row(associations)
    who = rate_population(first.get("note_rule"), first.get("cutoff"), language)  # whom the outcome rates are over
    words = _words(first, outcome)  # the user's labels, carried by the link's tables
    words = {k: words.get(k) or labels_given.get(k) for k in ("outcome", "population_label", "outcome_label")}
    kw = {}
    if keywords is not None and not keywords.empty:
        for (t, v), g in keywords.sort_values("rank").groupby(["theme_id", "valence"], observed=True):
            kw[(str(t), str(v))] = ", ".join(g["keyword"].astype(str))

    rows = []
    for rec in ev.to_dict("records"):
        key = (rec["theme_id"], rec["valence"])
        rec["theme_label"] = labels.get(rec["theme_id"], rec["theme_id"])
        rec["outcome"] = outcome if has_outcome else None
        rec["population_label"] = words["population_label"]
        rec["outcome_label"] = words["outcome_label"] if has_outcome else None
        rec["dropout_window_months"] = window_months if has_outcome else None
        a = assoc.get(key, {}) if rec["unit_id"] == ALL else {}
        a_ok = bool(a) and not bool(a.get("suppressed", False))
        rec["outcome_rate"] = a.get("rate_with", np.nan) if a_ok else np.nan
        rec["outcome_rate_without"] = a.get("rate_without", np.nan) if a_ok else np.nan
        for c in ("odds_ratio", "or_ci_low", "or_ci_high", "adjusted_odds_ratio", "aor_ci_low", "aor_ci_high", "q_value",
                  "adjusted_q_value", *CORRECTED):
            rec[c] = a.get(c, np.nan) if a_ok else np.nan
        rec["association"] = _association_words(a, outcome, alpha, language) if a else None
        rec["_rate_population"] = who
        rec["_language"] = language
        rec["keywords"] = kw.get(key) if rec["unit_id"] == ALL else None
        rec["suppressed"] = bool(rec.pop("_link_suppressed", False)) or bool(is_small(rec["n_persons"], min_cell))
        rows.append(rec)
    _with_unit_rates(rows, rate_counts, min_cell)
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    out = _finish(out, wording)
    if run_id is not None:
        out.insert(0, "run_id", run_id)
    return out


def _with_unit_rates(rows: list[dict], rate_counts: pd.DataFrame, min_cell: int) -> None:
    """Each unit row's outcome rate, where it may be published (given the rows' suppression)."""
    hidden = {(r["theme_id"], r["valence"], r["unit_id"]) for r in rows if r["suppressed"]}
    shown = shown_unit_rates(rate_counts, hidden, min_cell)
    for rec in rows:
        if rec["unit_id"] != ALL:
            rec["outcome_rate"] = shown.get((rec["theme_id"], rec["valence"], rec["unit_id"]), np.nan)


def _counts(codings: pd.DataFrame, corpus: pd.DataFrame, prevalence: pd.DataFrame | None, by_unit: bool,
            min_cell: int) -> pd.DataFrame:
    """Counts, shares and suppression per theme × valence × unit, from the link's prevalence
    (computed the same way, with the same suppression, where the link gave none)."""
    parts = [_prevalence_rows(prevalence, "all")] + ([_prevalence_rows(prevalence, "unit_id")] if by_unit else [])
    missing = [g for g, p in zip(["overall", "unit_id"], parts) if p is None]
    if missing:  # not given by the link stage: computed the same way, with the same suppression
        computed = link_prevalence(codings, corpus.assign(person_id=person_key(corpus)),
                                   group_by=missing, min_cell=min_cell)
        parts = [p if p is not None else _prevalence_rows(computed, "all" if g == "overall" else g)
                 for g, p in zip(["overall", "unit_id"], parts)]
    cols = ["theme_id", "valence", "unit_id", "n_persons", "persons_total", "share", "ci_low", "ci_high", "suppressed"]
    frames = [p[[c for c in cols if c in p.columns]] for p in parts if p is not None]
    # no prevalence at all (e.g. one note, no theme): no evidence rows, not a failed concat
    ev = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    if "suppressed" not in ev.columns:
        ev["suppressed"] = False
    ev = ev[(ev["valence"].astype("string") != ANY_VALENCE) & (ev["theme_id"].astype("string") != UNCODED)]
    # a theme never seen in a unit has no evidence there (0 persons is not a finding to headline)
    ev = ev[ev["suppressed"].fillna(False).astype(bool) | (pd.to_numeric(ev["n_persons"], errors="coerce") > 0)]
    ev = ev.rename(columns={"suppressed": "_link_suppressed"})
    for c in ("theme_id", "valence", "unit_id"):
        ev[c] = ev[c].astype("string")
    return ev.reset_index(drop=True)


def _with_trends(ev: pd.DataFrame, codings: pd.DataFrame, corpus: pd.DataFrame, by_unit: bool, min_cell: int,
                 alpha: float) -> pd.DataFrame:
    """``ev`` with the trend columns, for the municipality and (``by_unit``) each unit."""
    trend = pd.concat(
        [_trend_table(codings, corpus, False, min_cell, alpha)]
        + ([_trend_table(codings, corpus, True, min_cell, alpha)] if by_unit and "unit_id" in corpus.columns else []),
        ignore_index=True,
    )
    if not trend.empty:
        for c in ("theme_id", "valence", "unit_id"):
            trend[c] = trend[c].astype("string")
        return ev.merge(trend, on=["theme_id", "valence", "unit_id"], how="left")
    for c in ("trend", "trend_slope", "trend_p_value", "trend_q_value", "trend_periods", "trend_n_periods"):
        ev[c] = np.nan
    return ev


def _finish(out: pd.DataFrame, wording: Wording) -> pd.DataFrame:
    """Blank what suppression hides, write the headlines, set the column types and the order."""
    for c in _NUMERIC_HIDDEN:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        out.loc[out["suppressed"], c] = np.nan
    for c in ("trend", "trend_periods", "association"):
        out[c] = out[c].astype("object")
        out.loc[out["suppressed"], c] = None
    out["trend_n_periods"] = pd.to_numeric(out["trend_n_periods"], errors="coerce").astype("Int64")
    out.loc[out["suppressed"], "trend_n_periods"] = pd.NA
    out["trend"] = [t if isinstance(t, str) else None for t in out["trend"]]
    for c in ("population_label", "outcome_label"):  # the user's words, when a link gave them
        out[c] = out[c].astype("string") if c in out.columns else pd.Series(pd.NA, index=out.index, dtype="string")
    out["headline"] = [_headline(r, wording) for r in out.to_dict("records")]
    for c in ("n_persons", "persons_total", "n_human_persons"):
        out[c] = out[c].round().astype("Int64")
    out["dropout_window_months"] = pd.to_numeric(out["dropout_window_months"], errors="coerce").astype("Int64")
    for c in ("theme_id", "theme_label", "valence", "unit_id", "outcome", "trend", "trend_periods",
              "association", "keywords", "headline"):
        out[c] = out[c].astype("string")
    out["_all_first"] = out["unit_id"] != ALL
    out = out.sort_values(["_all_first", "unit_id", "theme_id", "valence"], kind="stable").drop(columns="_all_first")
    return out[EVIDENCE_COLUMNS].reset_index(drop=True)

