"""Citizen input: the same evidence as for young people, without an outcome link.

Why separate tables: citizen input answers other questions (what do people in each district
raise, through which channel, more or less than before) and has no outcome to link to. The
tables keep the youth tables' columns, so a dashboard page and the report section can be
built the same way: ``citizen_prevalence`` (by district = unit_id, channel = source, period),
``citizen_evidence`` (headline per theme × district) and ``citizen_quotes``.
Citizen input is often anonymous: a submission without person id counts as its own person.
"""

from __future__ import annotations

import pandas as pd

from kvalitativ.evidence.counts import person_key, themed
from kvalitativ.evidence.keywords import theme_keywords
from kvalitativ.evidence.quotes import select_quotes, sensitive_themes
from kvalitativ.evidence.summaries import CITIZEN_WORDING, build_evidence
from kvalitativ.link.prevalence import prevalence as link_prevalence

__all__ = ["citizen_tables", "CITIZEN_GROUPS"]

#: How citizen prevalence is broken down: municipality, district, channel, period.
CITIZEN_GROUPS = ("overall", "unit_id", "source", "period")


def citizen_tables(
    codings: pd.DataFrame,
    corpus: pd.DataFrame,
    themes: pd.DataFrame | None = None,
    *,
    min_cell: int = 5,
    per_theme: int = 5,
    per_unit: int = 2,
    max_chars: int = 200,
    redactor=None,
    random_state: int = 0,
    run_id: str | None = None,
    sensitive_quotes: str = "municipality",
    language: str | None = None,
) -> dict[str, pd.DataFrame]:
    """``citizen_prevalence``, ``citizen_evidence`` and ``citizen_quotes`` for coded citizen input.
    ``language``: of the headlines (``da``, ``en``; None or ``auto``: the language of most inputs).

    Example
    -------
    >>> t = citizen_tables(citizen_codings, citizen_corpus, citizen_themes)
    >>> t["citizen_evidence"][["unit_id", "theme_id", "headline"]]
    """
    codings = themed(codings)
    corpus = corpus.assign(person_id=person_key(corpus))
    codings = codings.drop(columns=[c for c in ("person_id",) if c in codings.columns])
    groups = [g for g in CITIZEN_GROUPS if g == "overall" or g in corpus.columns]
    prev = link_prevalence(codings, corpus, group_by=groups, min_cell=min_cell)
    prev = prev.drop(columns=[c for c in ("outcome", "dropout_window_months", "note_rule", "population")
                              if c in prev.columns])
    kw = theme_keywords(codings, corpus, min_persons=min_cell)
    ev = build_evidence(codings, corpus, themes, prev, None, min_cell, outcome=None, keywords=kw,
                        wording=CITIZEN_WORDING, language=language)
    ev = ev.drop(columns=[c for c in ev.columns if c in (
        "outcome", "dropout_window_months", "outcome_rate", "outcome_rate_without", "odds_ratio", "or_ci_low",
        "or_ci_high", "adjusted_odds_ratio", "aor_ci_low", "aor_ci_high", "q_value", "adjusted_q_value",
        "association")])
    quotes = select_quotes(codings, corpus, per_theme=per_theme, per_unit=per_unit, min_persons=min_cell,
                           max_chars=max_chars, redactor=redactor, random_state=random_state,
                           sensitive=sensitive_themes(themes), sensitive_quotes=sensitive_quotes)
    out = {"citizen_prevalence": prev, "citizen_evidence": ev, "citizen_quotes": quotes}
    if run_id is not None:
        for name, df in out.items():
            if "run_id" not in df.columns:
                df.insert(0, "run_id", run_id)
    return out
