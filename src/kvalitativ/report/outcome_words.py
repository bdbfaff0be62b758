"""Who and what the report speaks of, in its language: the persons, the outcome, the title.

Why its own module: the report's language is decided here once (:func:`report_language`, the
rule of every sentence kvalitativ writes) and its words for the persons and the outcome follow
the user's labels carried by the link's tables, so a report about something other than dropout
never says "de unge" or "frafald" — in Danish or in English.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from kvalitativ.evidence.fmt import fmt_num
from kvalitativ.link.language import language_of, output_language
from kvalitativ.link.params import lookback_of, timing_of

__all__ = ["report_language", "outcome_words", "correction_line", "title", "TITLES", "first_value", "is_na"]


def is_na(v) -> bool:
    """None, NaN, NA or NaT: a cell the report shows as empty."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return isinstance(v, float) and math.isnan(v)
    except TypeError:
        return False


def first_value(df: pd.DataFrame | None, col: str):
    """The first non-empty value of a column (a rule column is the same on every row)."""
    if df is None or col not in df.columns:
        return None
    vals = df[col].dropna()
    return None if vals.empty else vals.iloc[0]


#: The report's own words for the persons and the outcome, per language.
_OUTCOME_WORDS = {
    "da": {"young": "de unge", "others": "personerne", "dropout": "Frafald", "rate": "Andel med udfaldet"},
    "en": {"young": "young people", "others": "the people", "dropout": "Dropout", "rate": "Share with the outcome"},
}


def outcome_words(outcome: str, associations, evidence, has_link: bool, language: str = "da") -> dict:
    """The report's words for the persons and the outcome: the user's labels (link.population_label,
    link.outcome_label, carried by the link's tables), dropout words only for a dropout outcome,
    neutral words otherwise — so no "de unge" or "frafald" in a report about something else."""
    from kvalitativ.link import wording

    words = {"outcome": outcome, "language": language}
    for key in ("population_label", "outcome_label"):
        value = first_value(associations, key) or first_value(evidence, key)
        words[key] = value if isinstance(value, str) and value.strip() else None
    is_dropout = has_link and outcome == "dropout" and (words["outcome_label"] is None
                                                        or wording.is_dropout_label(words["outcome_label"], words))
    label = words["population_label"]
    own = _OUTCOME_WORDS.get(language, _OUTCOME_WORDS["da"])
    covariates = associations["covariates"].dropna().astype(str) if associations is not None \
        and "covariates" in associations.columns else pd.Series([], dtype=str)
    rule = str(first_value(associations, "note_rule") or "")
    return {
        "outcome_word": wording.words_for(language)["dropout_noun"] if is_dropout else wording.outcome_noun(words),
        "population_word": wording.population_word(words),
        "population_noun": label or (own["young"] if is_dropout else own["others"]),
        "more_word": wording.outcome_verbs(words)[0],
        "rate_word": own["dropout"] if is_dropout else own["rate"],
        "is_dropout": is_dropout,
        "has_link": has_link,
        "has_covariates": bool((covariates.str.strip() != "").any()),
        "cross_sectional": timing_of(rule) == "none",
        "landmark": timing_of(rule) == "landmark",  # link.timing landmark: everyone watched over the same dates
        "notes_ratio": _followup_ratio(associations, rule, language),
        "lookback": lookback_of(rule),
    }


def _followup_ratio(associations, rule: str, language: str = "da") -> dict | None:
    """When persons with and without the outcome were watched for lengths far enough apart to bend
    every association (link.followup): how many times the notes ("1,8") and which group had more
    (``without_more``: those without the outcome, so themes lean towards not having it)."""
    from kvalitativ.link.followup import imbalanced

    ratio = first_value(associations, "notes_ratio")
    if ratio is None or is_na(ratio) or timing_of(rule) != "dated":
        return None
    ratio = float(ratio)
    if not imbalanced(ratio):
        return None
    return {"times": fmt_num(max(ratio, 1 / ratio), 1, language), "without_more": ratio > 1}


def correction_line(associations, outcome, overview: dict, language: str = "da") -> str | None:
    """The "how many notes to hand-code" sentence, when the associations were corrected."""
    from kvalitativ.link.corrected import hand_coding_needed
    from kvalitativ.link.wording import hand_coding_sentence

    advice = hand_coding_needed(associations)
    if advice is None:
        return None
    per_person = overview["n_notes"] / overview["n_persons"] if overview.get("n_persons") else None
    words = {**outcome, "language": language} if isinstance(outcome, dict) else {"outcome": outcome,
                                                                                   "language": language}
    return hand_coding_sentence(advice, words, per_person)


#: The default titles (without and with a unit), per language.
TITLES = {"da": ("Kvalitativ evidens", "Dialogpakke: {unit}"), "en": ("Qualitative evidence", "Dialogue pack: {unit}")}


def title(language: str, unit: str | None = None, given: str | None = None) -> str:
    """The title: ``given`` (report.title) when the user wrote one, else the default of the whole
    report or of one unit's brief in ``language`` — the config's own default title is Danish, and
    an English report would otherwise open with it."""
    if given and (language != "en" or given != TITLES["da"][0]):
        return given
    return TITLES.get(language, TITLES["da"])[bool(unit)].format(unit=unit)


def report_language(tables: Mapping[str, pd.DataFrame], meta: Mapping | None = None) -> str:
    """The report's language: ``meta["language"]`` (the run's ``ingest.language``) when it is da or
    en, else — ``auto`` or not given — the language of most notes in the ``notes`` table
    (:func:`kvalitativ.link.language.output_language`, the rule the link and summarize use)."""
    notes = next((df for df in (tables.get("notes"), tables.get("corpus")) if isinstance(df, pd.DataFrame)), None)
    return output_language((meta or {}).get("language"), language_of(notes))
