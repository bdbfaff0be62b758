"""The headline of an evidence row, and its association in words, in the language of the data.

Why its own module: the evidence table's numbers and its sentences change for different
reasons; every word of a headline is here, per language (Danish by default, English for English
data, :mod:`kvalitativ.link.language`), and each sentence is composed once from the row's own
values (formatted by :mod:`kvalitativ.evidence.fmt`), so the sentence and the columns agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from kvalitativ.evidence.counts import ALL
from kvalitativ.evidence.fmt import fmt_pct, fmt_ratio, is_missing
from kvalitativ.evidence.outcome_rates import rate_clause, rate_population
from kvalitativ.link.wording import (corrected_phrase, direction_phrase, leading_estimate, ratio_by_chance,
                                    ratio_direction)

__all__ = ["Wording", "YOUTH_WORDING", "CITIZEN_WORDING", "YOUTH_WORDING_EN", "CITIZEN_WORDING_EN", "HEADLINE_WORDS",
           "wording_in", "theme_phrase", "headline", "association_words", "outcome_words"]


@dataclass(frozen=True)
class Wording:
    """The nouns and verbs a headline is built from (youth notes vs citizen input), in ``language``."""

    noun: str = "de unge"  # "… for 18 % af de unge på Skole X": for dropout; see _noun
    verb: str = "er noteret for"
    unit_preposition: str = "på"  # "på Skole X" / "i Distrikt Øst"
    municipality: str = "i kommunen"
    language: str = "da"


YOUTH_WORDING = Wording()
CITIZEN_WORDING = Wording(noun="henvendelserne", verb="indgår i", unit_preposition="i")
#: The same two in English, for English notes.
YOUTH_WORDING_EN = Wording(noun="young people", verb="is noted for", unit_preposition="at",
                           municipality="in the municipality", language="en")
CITIZEN_WORDING_EN = Wording(noun="the inquiries", verb="appears in", unit_preposition="in",
                             municipality="in the municipality", language="en")
_IN_ENGLISH = {YOUTH_WORDING: YOUTH_WORDING_EN, CITIZEN_WORDING: CITIZEN_WORDING_EN}

#: The rest of a headline's words, per language.
HEADLINE_WORDS = {
    "da": {"concern": "Bekymring om {label}", "strength": "Noget positivt om {label}", "of": "af",
           "others": "personerne", "too_few": "for få personer til at vise tal",
           "trend": "; andelen er {trend} i {periods}", "trends": {},
           "too_few_association": "for få personer til at vurdere sammenhængen",
           "numbers": "{kind} {ratio}, 95 %-KI {lo}–{hi}{suffix}", "not_cause": "; en sammenhæng, ikke en årsag"},
    "en": {"concern": "Concern about {label}", "strength": "Something positive about {label}", "of": "of",
           "others": "the people", "too_few": "too few persons to show numbers",
           "trend": "; the share is {trend} in {periods}",
           "trends": {"stigende": "rising", "faldende": "falling", "stabil": "stable"},
           "too_few_association": "too few persons to judge the association",
           "numbers": "{kind} {ratio}, 95% CI {lo}–{hi}{suffix}", "not_cause": "; an association, not a cause"},
}


def wording_in(wording: Wording, language: str | None) -> Wording:
    """The shipped wording in ``language`` (a wording of one's own is kept as it is)."""
    return _IN_ENGLISH.get(wording, wording) if language == "en" else wording


def _label_in_sentence(label: str) -> str:
    """'Mødestabilitet' -> 'mødestabilitet'; acronyms and names ('UU-vejledning') stay."""
    # only a sentence-case label: a title-case one ("Civil Rights & Equality") keeps its capitals
    if len(label) > 1 and label[0].isupper() and label[1].islower() and not any(c.isupper() for c in label[1:]):
        return label[0].lower() + label[1:]
    return label


def theme_phrase(label: str, valence: str, language: str | None = "da") -> str:
    """The subject of a headline: 'Bekymring om mødestabilitet', 'Noget positivt om motivation'
    (a strength wording that also reads right for themes named after a problem)."""
    low = _label_in_sentence(label)
    if valence in ("concern", "strength"):
        return _hw(language)[valence].format(label=low)
    return label[:1].upper() + label[1:]


def _hw(language: str | None) -> dict:
    return HEADLINE_WORDS.get(language or "da", HEADLINE_WORDS["da"])


def _outcome_clause(row: dict, rate, rate_without) -> str:
    if is_missing(rate):
        return ""
    lang = row.get("_language")
    return rate_clause(outcome_words(row, None), fmt_pct(rate, language=lang),
                       None if is_missing(rate_without) else fmt_pct(rate_without, language=lang),
                       row.get("_rate_population") or rate_population(None, language=lang))


def _noun(row: dict, wording: Wording) -> str:
    """Who the share is of: link.population_label where configured; the wording's own noun for
    dropout (youth notes) and citizen input; else the neutral "personerne" (no "de unge" for an
    outcome that is not about young people)."""
    label = row.get("population_label")
    if isinstance(label, str) and label.strip():
        return label
    if wording not in (YOUTH_WORDING, YOUTH_WORDING_EN) or row.get("outcome") == "dropout":
        return wording.noun
    return _hw(wording.language)["others"]


def headline(row: dict, wording: Wording) -> str:
    """An evidence row's headline: its theme, share, trend and outcome rate in one sentence."""
    lang, hw = wording.language, _hw(wording.language)
    subject = theme_phrase(row["theme_label"], row["valence"], lang)
    unit = row["unit_id"]
    where = wording.municipality if unit == ALL else f"{wording.unit_preposition} {unit}"
    if row["suppressed"]:
        return f"{subject} {where}: {hw['too_few']}."
    noun = _noun(row, wording)
    text = f"{subject} {wording.verb} {fmt_pct(row['share'], language=lang)} {hw['of']} {noun} {where}"
    if unit != ALL and not is_missing(row["share_municipality"]):
        text += f" ({fmt_pct(row['share_municipality'], language=lang)} {wording.municipality})"
    trend = row.get("trend")
    if isinstance(trend, str) and row.get("trend_periods") and (unit == ALL or trend != "stabil"):
        text += hw["trend"].format(trend=hw["trends"].get(trend, trend), periods=row["trend_periods"])
    text += _outcome_clause(row, row.get("outcome_rate"), row.get("outcome_rate_without"))
    return text + "."


def association_words(a: dict, outcome: str | None, alpha: float = 0.05, language: str | None = "da") -> str | None:
    """The association in words (never causal)."""
    if not a:
        return None
    hw = _hw(language)
    if a.get("suppressed"):
        return hw["too_few_association"]
    lead = leading_estimate(a, language)  # the associations table's rule: same estimate, same q, same words
    orr, lo, hi, kind = lead["or"], lead["lo"], lead["hi"], lead["kind"]
    words = outcome_words(a, outcome, language)
    suffix = ", " + corrected_phrase(int(a["n_human_persons"]), words) if lead["corrected"] else ""
    if orr is None:
        return None
    way = ratio_direction(lead, alpha)
    numbers = hw["numbers"].format(kind=kind, ratio=fmt_ratio(orr, language=language), suffix=suffix,
                                   lo=fmt_ratio(lo, language=language), hi=fmt_ratio(hi, language=language))
    if way != "none":
        return f"{direction_phrase(words, way)} ({numbers}){hw['not_cause']}"
    return f"{direction_phrase(words, 'none')} ({numbers}{ratio_by_chance(lead, alpha, language)})"


def outcome_words(row: dict, outcome: str | None, language: str | None = None) -> dict:
    """The outcome's name, the user's labels (from a link table row, which carries them) and the
    language of the sentences."""
    def text(key):
        value = row.get(key)
        return value if isinstance(value, str) and value.strip() else None

    return {"outcome": text("outcome") or outcome or "dropout", "population_label": text("population_label"),
            "outcome_label": text("outcome_label"), "language": language or row.get("_language") or "da"}
