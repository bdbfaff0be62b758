"""The `associations` table: every theme × valence × indicator, with honest uncertainty.

Binary outcome (dropout): counts, rates, risk difference, risk ratio and odds ratio with 95 %
intervals (exact when a cell is small), an adjusted odds ratio from a statsmodels logistic
regression on the covariates the user names, Fisher p-values and Benjamini–Hochberg q-values
over every test in the table. Numeric indicators (absence %, grade average): the difference in
means with a Welch interval. Rows with a cell of 1 to min_cell−1 persons are suppressed, so are
small outcome cells in which every person had the outcome, and then enough of a theme's valence
rows that no hidden row can be worked out from its ``any`` row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from kvalitativ.errors import ConfigError, InputError
from kvalitativ.link import corrected, stats, wording
from kvalitativ.link.params import RULE_COLUMNS, LinkRules
from kvalitativ.link.persons import PersonThemes, as_binary
from kvalitativ.link.presence import presence

#: Column order of the associations table (rule columns last).
COLUMNS = [
    "theme_id", "valence", "indicator", "indicator_type",
    "n_with", "n_without", "events_with", "events_without", "rate_with", "rate_without",
    "risk_difference", "rd_ci_low", "rd_ci_high", "risk_ratio", "rr_ci_low", "rr_ci_high",
    "odds_ratio", "or_ci_low", "or_ci_high", "ci_method",
    "adjusted_odds_ratio", "aor_ci_low", "aor_ci_high", "adjusted_p_value", "adjusted_q_value",
    "n_adjusted", "covariates", *corrected.COLUMNS,
    "mean_with", "mean_without", "mean_difference", "md_ci_low", "md_ci_high",
    "p_value", "p_method", "q_value", "suppressed", "note", "interpretation", *RULE_COLUMNS,
]

#: Person counts checked for small cells (non-event cells are checked too, then dropped).
COUNT_COLUMNS = ["n_with", "n_without", "events_with", "events_without", "nonevents_with", "nonevents_without"]
#: Everything derived from the counts: blanked on a suppressed row.
VALUE_COLUMNS = [
    "rate_with", "rate_without", "risk_difference", "rd_ci_low", "rd_ci_high", "risk_ratio", "rr_ci_low",
    "rr_ci_high", "odds_ratio", "or_ci_low", "or_ci_high", "adjusted_odds_ratio", "aor_ci_low", "aor_ci_high",
    "adjusted_p_value", "adjusted_q_value", "n_adjusted", *[c for c in corrected.COLUMNS if c != "correction"],
    "mean_with", "mean_without", "mean_difference",
    "md_ci_low", "md_ci_high", "p_value", "q_value",
]
FLOAT_COLUMNS = [c for c in VALUE_COLUMNS if c not in ("n_adjusted", "n_human_persons")]
INT_COLUMNS = ["n_with", "n_without", "events_with", "events_without", "n_adjusted", "n_human_persons"]


def presence_matrix(person_themes: PersonThemes) -> pd.DataFrame:
    """person_themes (long) as persons × (theme_id, valence) 0/1, keeping persons without themes.

    Dense: for small tables and inspection. The linking code itself works on the sparse
    :func:`kvalitativ.link.presence.presence`, a column at a time.
    """
    return presence(person_themes).dense()


def _sentence(row: dict, rules, alpha: float) -> str | None:
    """The row's sentence (binary: odds ratio; numeric: mean difference)."""
    label = row["_label"]
    if row["indicator_type"] == "numeric":
        return wording.numeric_sentence(row, label, rules, row["indicator"], alpha)
    odds = row.get("odds_ratio")
    return None if odds is None or np.isnan(odds) else wording.binary_sentence(row, label, rules, alpha)


def _covariate_frame(indicators: pd.DataFrame, covariates: Sequence[str], outcome: str) -> pd.DataFrame:
    missing = [c for c in covariates if c not in indicators.columns]
    if missing:
        raise ConfigError(f"covariate(s) {', '.join(missing)} not in the indicators; it has "
                          f"{', '.join(map(str, indicators.columns))}. Fix --covariates.")
    if outcome in covariates:
        raise ConfigError(f"the outcome '{outcome}' cannot also be a covariate.")
    return indicators[list(covariates)]


#: Rows that add up: a theme's ``any`` row is the union of its valence rows, so a hidden valence
#: row could be recovered as ``any`` minus the others; secondary suppression runs across them.
SUPPRESSION_GROUPS = [["theme_id", "indicator"]]


def _suppress(table: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Small cells, outcome cells where everyone or no one had the outcome (privacy.suppress rule 3), and
    the valence rows that would give either away through the theme's ``any`` row."""
    from kvalitativ.privacy.suppress import outcome_alike, suppress_small_cells

    everyone = outcome_alike(table["events_with"], table["n_with"], min_cell) | \
        outcome_alike(table["events_without"], table["n_without"], min_cell)
    table = table.assign(suppressed=table["suppressed"].astype(bool).to_numpy() | everyone)
    return suppress_small_cells(table, COUNT_COLUMNS, threshold=min_cell, by=SUPPRESSION_GROUPS,
                                value_cols=VALUE_COLUMNS)


def _column_numbers(x: np.ndarray, y: np.ndarray, design: stats.CovariateDesign, values: dict[str, np.ndarray],
                    alpha: float) -> tuple[dict, dict, dict]:
    """Everything one presence column ``x`` gives: the crude 2 × 2 comparison, the adjusted odds
    ratio and a Welch comparison per numeric indicator (they depend on x, not on its name)."""
    a = int(((x == 1) & (y == 1)).sum())
    b = int(((x == 1) & (y == 0)).sum())
    c = int(((x == 0) & (y == 1)).sum())
    d = int(((x == 0) & (y == 0)).sum())
    crude = {**stats.two_by_two(a, b, c, d, alpha=alpha), "nonevents_with": b, "nonevents_without": d}
    adj = stats.adjusted_odds_ratio(x, y, None, alpha=alpha, design=design)
    welch = {col: stats.welch(v[x == 1], v[x == 0], alpha=alpha) for col, v in values.items()}
    return crude, adj, welch


def associations(
    person_themes: PersonThemes,
    indicators: pd.DataFrame,
    outcome: str | None = None,
    covariates: Sequence[str] = (),
    min_cell: int | None = 5,
    numeric_indicators: Sequence[str] = (),
    *,
    theme_labels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
    rules: LinkRules | None = None,
    correction: corrected.Correction | str | None = None,
    families: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Compare persons with and without each theme × valence on the outcome and numeric indicators.

    Parameters
    ----------
    person_themes : the output of :func:`person_themes` (its persons are the population, its
        attrs carry the note rule).
    indicators : person_id + the outcome (0/1), the covariates and the numeric indicators.
    outcome : binary indicator column (default: the one person_themes was built for).
    covariates : columns for the adjusted odds ratio (numeric as is; text/categorical one-hot
        with the first level dropped). Persons with a missing covariate leave that model only.
    min_cell : a row where any of n_with, n_without, events_with, events_without or the
        non-event cells holds 1 to min_cell−1 persons is suppressed: ``suppressed`` is True and
        counts and every derived number are blanked (zero cells stay, unless every person of
        a cell under 4 × min_cell had the outcome: that says it of each of them). Secondary
        suppression runs across each theme's ``any`` and valence rows per indicator. At least 3; ``None`` switches suppression off for in-memory analysis only (the table
        writer suppresses again before anything is published).
    numeric_indicators : numeric columns compared by mean difference (Welch).
    theme_labels : theme_id → readable label, for the ``interpretation`` sentence.
    correction : the hand-coded persons (and cross-fitted machine codes) for the corrected
        columns (:mod:`kvalitativ.link.corrected`); None (or a reason) leaves them empty with a note.
    families : theme_id → family of tests for the q-values (e.g. "discovered" for topics of
        ``kvalitativ discover``; themes not listed are "codebook"): Benjamini–Hochberg runs within
        each family, so a hundred exploratory topics do not dilute the codebook themes' q-values.

    Returns
    -------
    One row per theme × valence × indicator with the columns in :data:`COLUMNS`:
    ``ci_method`` is ``exact_conditional`` (conditional MLE, exact interval) when a 2 × 2 cell
    holds fewer than 5 persons, else ``woolf``; ``p_value`` is Fisher's exact test (binary) or
    Welch's t (numeric), named in ``p_method``; ``q_value`` is Benjamini–Hochberg over every
    p-value in the table (suppressed rows included, then blanked), ``adjusted_q_value`` likewise
    over the logistic-regression p-values; ``note`` says why a number is missing; the rule
    columns (outcome, dropout_window_months, cutoff, note_rule, population) say how persons and
    notes were joined. ``interpretation`` is a Danish sentence worded as association, never cause.

    Example
    -------
    >>> pt = person_themes(codings, corpus, indicators, cutoff="2024-08-01")
    >>> associations(pt, indicators, covariates=["absence_pct", "grade_avg", "gender"],
    ...              numeric_indicators=["absence_pct", "grade_avg"])
    """
    rules = rules or (replace(person_themes.rules, outcome=outcome) if outcome else person_themes.rules)
    outcome = rules.outcome
    labels = dict(theme_labels or {})
    if "person_id" not in indicators.columns or outcome not in indicators.columns:
        raise InputError(f"indicators need person_id and the outcome column '{outcome}'; they have "
                         f"{', '.join(map(str, indicators.columns))}.")
    for col in numeric_indicators:
        if col not in indicators.columns:
            raise ConfigError(f"numeric indicator '{col}' not in the indicators; it has "
                              f"{', '.join(map(str, indicators.columns))}.")
        if not pd.api.types.is_numeric_dtype(indicators[col]):
            raise InputError(f"indicators column '{col}' is not numeric; drop it from --numeric-indicators.")
    pres = presence(person_themes)
    ind = indicators.assign(person_id=indicators["person_id"].astype(str)).set_index("person_id")
    ind = ind.reindex(pres.persons)
    y = as_binary(ind[outcome], f"indicators column '{outcome}'")
    known = y.notna().to_numpy()
    pres, ind, y = pres.rows(known), ind.loc[known], y[known].astype(int).to_numpy()
    cov = _covariate_frame(ind, list(covariates), outcome)

    design = stats.covariate_design(cov, y)
    values = {col: pd.to_numeric(ind[col], errors="coerce").to_numpy(float) for col in numeric_indicators}
    fixer = corrected.CorrectedColumns(pres, y, design, correction, alpha) \
        if isinstance(correction, corrected.Correction) else None
    done: dict[bytes, tuple] = {}  # a discovered topic's "any" and "neutral" columns are often the same persons
    rows = []
    for j, (theme_id, valence) in enumerate(pres.columns):
        key = pres.key(j)
        if key not in done:
            done[key] = _column_numbers(pres.column(j), y, design, values, alpha)
        crude, adj, welch = done[key]
        label = labels.get(theme_id, theme_id)
        row = {"theme_id": theme_id, "valence": valence, "indicator": outcome, "indicator_type": "binary", **crude}
        row.update({k: v for k, v in adj.items() if k != "adjusted_note"})
        row["covariates"] = ",".join(covariates)
        fixed = fixer.row(j) if fixer else corrected.empty_row(note=correction or corrected.NO_HUMAN)
        notes = []
        if row["n_with"] == 0 or row["n_without"] == 0:
            notes.append("no persons " + ("with" if row["n_with"] == 0 else "without") + " the theme")
        if adj["adjusted_note"]:
            notes.append(adj["adjusted_note"])
        if fixed["corrected_note"]:
            notes.append(fixed.pop("corrected_note"))
        row.update({k: v for k, v in fixed.items() if k != "corrected_note"})
        row["note"] = "; ".join(notes) or None
        row["_label"] = label
        rows.append(row)
        for col, w in welch.items():
            rows.append({"theme_id": theme_id, "valence": valence, "indicator": col, "indicator_type": "numeric",
                         "covariates": None, "_label": label, **w})

    table = pd.DataFrame(rows)
    for col in COLUMNS + ["nonevents_with", "nonevents_without"]:
        if col not in table.columns:
            table[col] = np.nan
    family = [(families or {}).get(str(t), "codebook") for t in table["theme_id"]] if len(table) else []
    table["q_value"] = stats.bh_within(table["p_value"].astype(float), family)
    table["adjusted_q_value"] = stats.bh_within(table["adjusted_p_value"].astype(float), family)
    table["q_corrected"] = stats.bh_within(table["p_corrected"].astype(float), family)
    # worded once the q-values exist: a direction needs its interval and its q-value (wording.direction)
    table["interpretation"] = [_sentence(r, rules, alpha) for r in table.to_dict("records")] if len(table) else []
    table = table.drop(columns="_label")
    table["suppressed"] = False
    if len(table) and min_cell is not None:
        table = _suppress(table, min_cell)
        hidden = wording.suppressed_sentence(min_cell, wording.sentence_language(rules))
        table.loc[table["suppressed"].astype(bool), "interpretation"] = hidden
    table = table.drop(columns=["nonevents_with", "nonevents_without"])
    for col in INT_COLUMNS:
        table[col] = pd.to_numeric(table[col], errors="coerce").round().astype("Int64")
    for col in FLOAT_COLUMNS:
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("float64")
    for col in ("theme_id", "valence", "indicator", "indicator_type", "ci_method", "covariates", "p_method",
                "correction", "note", "interpretation"):
        table[col] = table[col].astype("string")
    table["suppressed"] = table["suppressed"].astype(bool)
    rules.stamp(table)
    table = table[COLUMNS].reset_index(drop=True)
    return table
