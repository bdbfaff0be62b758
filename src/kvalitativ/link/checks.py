"""Checks before linking: the indicator columns a run can use, and a population that is not empty.

Why a module of its own: an export that is not the sample (another outcome, no dates, no
absence or grades) must fail once, saying everything that is wrong and what to do — not one
missing column at a time, and never by printing statistics of zero persons with exit status 0.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from kvalitativ.config import LinkConfig
from kvalitativ.errors import InputError

#: The built-in covariates and numeric indicators (the sample's columns): when the config leaves
#: them at these defaults, those an export lacks are left out, not an error.
_DEFAULTS = LinkConfig()


def usable_columns(indicators: pd.DataFrame, config: LinkConfig) -> tuple[LinkConfig, list[str]]:
    """``config`` with covariates, numeric indicators and the added-value baseline limited to the
    indicator columns that exist, and the lines that say what was left out.

    Columns the user named (anything other than the built-in defaults) must exist: all missing
    ones, and a missing outcome, are reported in one error that lists the columns there are.
    """
    have = set(map(str, indicators.columns))
    notes: list[str] = []
    missing: list[str] = [] if config.outcome in have else [f"outcome '{config.outcome}' (--outcome / link.outcome)"]
    changes = {}
    for key in ("covariates", "numeric_indicators", "quantitative"):
        cols = getattr(config, key)
        if cols is None:
            continue
        absent = [c for c in cols if c not in have]
        if not absent:
            continue
        if list(cols) == list(getattr(_DEFAULTS, key) or []):
            changes[key] = [c for c in cols if c in have]
            notes.append(f"{key.replace('_', ' ')}: {', '.join(absent)} not in the indicators, left out "
                         f"(using {', '.join(changes[key]) or 'none'}).")
        else:
            missing.append(f"{key} {', '.join(absent)} (--{key.replace('_', '-')} / link.{key})")
    if missing:
        shown = ", ".join(sorted(have - {"run_id"}))
        hint = " (give --covariates '' for none)" if any(m.startswith("covariates ") for m in missing) else ""
        raise InputError(f"indicators: not found: {'; '.join(missing)}. The indicators have {shown}. "
                         f"Name the columns there are{hint}.")
    return dataclasses.replace(config, **changes), notes


def require_persons(n_persons: int, n_notes_used: int, exclusions: pd.DataFrame, note_rule: str) -> None:
    """Stop when the join left nobody (or no note) to compare: the statistics would be empty."""
    if n_persons > 0 and n_notes_used > 0:
        return
    counted = {r.reason: int(r.n_notes) for r in exclusions.itertuples() if pd.notna(r.n_notes) and int(r.n_notes) > 0}
    reasons = ", ".join(f"{k}: {v} notes" for k, v in counted.items()) or "none recorded"
    if counted and max(counted, key=counted.get) == "outcome_before_landmark":
        advice = ("Every person's outcome date is before the landmark (--cutoff), so no one was still there on it: "
                  "choose a --cutoff before most outcome dates (and after enough notes were written).")
    else:
        advice = ("For notes without dates, set link.timing: none (cross-sectional: every note counts, stated in "
                  "note_rule); otherwise give the outcome date column (--outcome-date-col) or a --cutoff after "
                  "the notes were written.")
    raise InputError(f"link used {n_persons} persons and {n_notes_used} notes (rule: {note_rule}; excluded {reasons}). "
                     + advice)
