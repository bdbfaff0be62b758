"""Danish one-sentence readings of linking results, always worded as association, never cause.

A school leader reads these sentences beside the numbers; a sentence that sounds causal ("X
causes dropout") would be wrong for observational notes, so every sentence ends by saying so.
"""

from __future__ import annotations

import math

VALENCE_WORDS = {
    "concern": "bekymring om",
    "strength": "styrke i",
    "neutral": "neutral omtale af",
    "any": "omtale af",
}

OUTCOME_WORDS = {
    # outcome: (more often, less often, no clear difference)
    "dropout": ("faldt oftere fra", "faldt sjældnere fra", "faldt hverken tydeligt oftere eller sjældnere fra"),
}

#: Configured outcome labels whose Danish word order needs its own phrasing.
OUTCOME_LABEL_WORDS = {"faldt fra": OUTCOME_WORDS["dropout"]}

NOT_CAUSE = "en sammenhæng, ikke en årsag."
SUPPRESSED = "Skjult: færre end {k} personer i mindst én celle."


def num(x: float, digits: int = 1) -> str:
    """A number in Danish notation (decimal comma); ∞ for infinity."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    text = f"{x:,.{digits}f}"
    if float(text.replace(",", "")) == 0:  # −0.04 at one digit is 0,0, not −0,0
        text = text.lstrip("-")
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def _digits(*values) -> int:
    """One decimal, or two where a value that is not 0 would show as 0,0 (an interval ending at
    −0,04 is below zero, and must read so)."""
    small = [abs(v) for v in values if v is not None and not math.isnan(v) and v != 0]
    return 2 if any(v < 0.05 for v in small) else 1


def _ci(lo: float, hi: float, digits: int = 1) -> str:
    return f"{num(lo, digits)}–{num(hi, digits)}"


def _inline(label: str) -> str:
    """A theme label inside a sentence: 'Mødestabilitet' → 'mødestabilitet' (acronyms kept)."""
    # only a sentence-case label: a title-case one ("Civil Rights & Equality") keeps its capitals
    if len(label) > 1 and label[0].isupper() and label[1].islower() and not any(c.isupper() for c in label[1:]):
        return label[0].lower() + label[1:]
    return label


def _labels(outcome) -> tuple[str, str | None, str | None]:
    """(outcome column, population label, outcome label) from an outcome name or from anything
    carrying them (the link's LinkRules, a table row): the user's words where configured."""
    if outcome is None or isinstance(outcome, str):
        return outcome or "dropout", None, None
    get = outcome.get if isinstance(outcome, dict) else (lambda k, d=None: getattr(outcome, k, d))

    def text(key):
        value = get(key, None)
        return value if isinstance(value, str) and value.strip() else None

    return text("outcome") or "dropout", text("population_label"), text("outcome_label")


def population_word(outcome) -> str:
    """The word for the persons compared: link.population_label where configured ("elever",
    "borgere", "henvendelser"), else "elever" for dropout and "personer" otherwise — one place,
    so every sentence follows the configured label."""
    name, population, _ = _labels(outcome)
    if population:
        return population
    return "elever" if name == "dropout" else "personer"


def outcome_verbs(outcome) -> tuple[str, str, str]:
    """(more often, less often, no clear difference) for the outcome, in the user's words."""
    name, _, label = _labels(outcome)
    if label in OUTCOME_LABEL_WORDS:
        return OUTCOME_LABEL_WORDS[label]
    if label:
        return (f"{label} oftere", f"{label} sjældnere", f"{label} hverken tydeligt oftere eller sjældnere")
    if name in OUTCOME_WORDS:
        return OUTCOME_WORDS[name]
    return (f"havde oftere udfaldet '{name}'", f"havde sjældnere udfaldet '{name}'",
            f"havde hverken tydeligt oftere eller sjældnere udfaldet '{name}'")


def outcome_noun(outcome) -> str:
    """The outcome as a noun phrase ("frafald", "at nå målet", "udfaldet 'passed'")."""
    name, _, label = _labels(outcome)
    if label:
        return f"hvem der {label}"
    return "frafald" if name == "dropout" else f"udfaldet '{name}'"


def corrected_phrase(n_human: int, outcome) -> str:
    """'korrigeret for kodningsfejl ud fra 225 håndkodede elever'."""
    return f"korrigeret for kodningsfejl ud fra {n_human} håndkodede {population_word(outcome)}"


def has_corrected(row) -> bool:
    """Whether a row carries a corrected odds ratio (then it leads, the uncorrected one beside)."""
    value = row.get("aor_corrected")
    try:
        return value is not None and not math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def subject(theme_label: str, valence: str, outcome) -> str:
    who = population_word(outcome)
    who = who[:1].upper() + who[1:]  # "Borgere", and a label's own capitals kept
    return f"{who} med {VALENCE_WORDS.get(valence, valence)} {_inline(theme_label)}"


def _value(row, key):
    value = row.get(key)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def leading_estimate(row) -> dict:
    """The odds ratio a sentence decides on, in every table alike: corrected for coding error where
    hand codes allow, else adjusted for the covariates (when the row names any), else the crude
    one — with its interval and its q-value (Benjamini–Hochberg over the table's tests). The
    crude one is called "ujusteret OR" where covariates were named but the adjusted OR is not
    estimable, so it never reads as adjusted under a report headed "justeret".
    ``{"kind", "corrected", "or", "lo", "hi", "p", "q"}``; ``or`` None where the row has none."""
    if has_corrected(row):
        return {"kind": "OR", "corrected": True, "or": _value(row, "aor_corrected"),
                "lo": _value(row, "aor_corrected_ci_low"), "hi": _value(row, "aor_corrected_ci_high"),
                "p": _value(row, "p_corrected"), "q": _value(row, "q_corrected")}
    if row.get("covariates") and _value(row, "adjusted_odds_ratio") is not None:
        return {"kind": "justeret OR", "corrected": False, "or": _value(row, "adjusted_odds_ratio"),
                "lo": _value(row, "aor_ci_low"), "hi": _value(row, "aor_ci_high"),
                "p": _value(row, "adjusted_p_value"), "q": _value(row, "adjusted_q_value")}
    kind = "ujusteret OR" if row.get("covariates") else "OR"
    return {"kind": kind, "corrected": False, "or": _value(row, "odds_ratio"), "lo": _value(row, "or_ci_low"),
            "hi": _value(row, "or_ci_high"), "p": _value(row, "p_value"), "q": _value(row, "q_value")}


def direction(lo, hi, q, alpha: float = 0.05) -> str:
    """'more', 'less' or 'none': a direction only where the interval excludes no difference (1 for
    a ratio, 0 for a difference: pass ``lo``/``hi`` minus that) *and* the q-value is below
    ``alpha`` — among dozens of theme × valence tests an interval alone finds differences by chance."""
    if lo is None or hi is None or (q is not None and q >= alpha):
        return "none"
    return "more" if lo > 0 else "less" if hi < 0 else "none"


def _by_chance(lo, hi, q, alpha: float = 0.05, p=None) -> str:
    """'; q 0,45: ikke tydelig blandt så mange sammenligninger' where only the many comparisons said
    no: the test alone was clear (p < alpha ≤ q). Where the interval and the test disagree (Woolf's
    interval beside Fisher's p) the comparisons are not the reason, so the clause is left out; a
    row without its p-value is judged by the interval alone."""
    if p is not None and p >= alpha:
        return ""
    if q is not None and q >= alpha and lo is not None and hi is not None and (lo > 0 or hi < 0):
        return f"; q {num(q, 3)}: ikke tydelig blandt så mange sammenligninger"
    return ""


def _log(x):
    return None if x is None else -math.inf if x <= 0 else math.log(x)


def ratio_direction(lead: dict, alpha: float = 0.05) -> str:
    """:func:`direction` of a :func:`leading_estimate` (an odds ratio's "no difference" is 1)."""
    return direction(_log(lead["lo"]), _log(lead["hi"]), lead["q"], alpha)


def binary_sentence(row: dict, theme_label: str, outcome, alpha: float = 0.05) -> str:
    """E.g. 'Elever med bekymring om fremmøde faldt oftere fra (justeret OR 2,9; 95 % KI 2,0–4,3;
    ujusteret OR 3,1, 2,1–4,5) — en sammenhæng, ikke en årsag.' The verb follows
    :func:`leading_estimate` and :func:`direction`, the same rule as the evidence table's words."""
    verbs = dict(zip(("more", "less", "none"), outcome_verbs(outcome)))
    lead = leading_estimate(row)
    lo, hi = lead["lo"], lead["hi"]
    verb = verbs[ratio_direction(lead, alpha)]
    stats = f"{lead['kind']} {num(lead['or'])}; 95 % KI {_ci(lo, hi)}"
    if lead["corrected"]:
        stats += f", {corrected_phrase(int(row['n_human_persons']), outcome)}; ukorrigeret"
        aor = _value(row, "adjusted_odds_ratio") if row.get("covariates") else None
        if aor is not None:
            stats += f" justeret OR {num(aor)}, {_ci(row['aor_ci_low'], row['aor_ci_high'])}"
        else:
            stats += f" OR {num(row['odds_ratio'])}, {_ci(row.get('or_ci_low'), row.get('or_ci_high'))}"
    elif lead["kind"] == "justeret OR":
        stats += f"; ujusteret OR {num(row['odds_ratio'])}, {_ci(row.get('or_ci_low'), row.get('or_ci_high'))}"
    stats += _by_chance(_log(lo), _log(hi), lead["q"], alpha, lead["p"])
    return f"{subject(theme_label, row['valence'], outcome)} {verb} ({stats}) — {NOT_CAUSE}"


#: The usual numeric indicators in a Danish sentence: (noun, unit of the difference or None).
#: A column not listed here is named as it is, in quotes, so a reader sees it is a column name.
INDICATOR_WORDS: dict[str, tuple[str, str | None]] = {
    "absence_pct": ("fravær", "procentpoint"),
    "grade_avg": ("karaktergennemsnit", None),
    "national_test_5th": ("resultat i de nationale test i 5. klasse", None),
}


def indicator_words(indicator: str) -> tuple[str, str | None]:
    """('fravær', 'procentpoint') for absence_pct; ("'my_col'", None) for a column it does not know."""
    return INDICATOR_WORDS.get(indicator, (f"'{indicator}'", None))


def numeric_sentence(row: dict, theme_label: str, outcome, indicator: str, alpha: float = 0.05) -> str:
    """E.g. 'Elever med bekymring om fremmøde havde i gennemsnit 4,2 procentpoint højere fravær
    (95 % KI 2,1–6,3) — en sammenhæng, ikke en årsag.' — the indicator in words, not its column name."""
    diff, lo, hi = row["mean_difference"], row.get("md_ci_low"), row.get("md_ci_high")
    who = subject(theme_label, row["valence"], outcome)
    noun, unit = indicator_words(indicator)
    unit = f" {unit}" if unit else ""
    if diff is None or math.isnan(diff):
        return f"{who}: ingen sammenligning af {noun} mulig."
    d = _digits(diff, lo, hi)
    q = _value(row, "q_value")
    lo_, hi_ = _value(row, "md_ci_low"), _value(row, "md_ci_high")
    p = _value(row, "p_value")
    if direction(lo_, hi_, q, alpha) == "none":
        return (f"{who} adskilte sig ikke tydeligt i {noun} (forskel {num(diff, d)}{unit}; 95 % KI "
                f"{_span(lo, hi, d)}{_by_chance(lo_, hi_, q, alpha, p)}) — {NOT_CAUSE}")
    higher = "højere" if diff > 0 else "lavere"
    return (f"{who} havde i gennemsnit {num(abs(diff), d)}{unit} {higher} {noun} (95 % KI {_span(lo, hi, d)}) "
            f"— {NOT_CAUSE}")


def _span(lo: float, hi: float, digits: int) -> str:
    """An interval of differences: 'fra −1,7 til 0,3' when a bound is negative (a dash between
    two signed numbers reads badly), else '2,1–6,3'."""
    if any(v is not None and not math.isnan(v) and v < 0 for v in (lo, hi)):
        return f"fra {num(lo, digits)} til {num(hi, digits)}"
    return _ci(lo, hi, digits)


def added_value_sentence(base: dict, full: dict, diff: dict, outcome) -> str:
    what = outcome_noun(outcome)
    if not base.get("n_features"):  # no numbers to compare with: say what the themes alone do
        return (f"Der er ingen tal at sammenligne med; temaerne fra notaterne forudsiger {what} med AUC "
                f"{num(full['auc'], 2)} (95 % KI {_ci(full['ci_low'], full['ci_high'], 2)}). "
                "Det er forudsigelse og sammenhæng, ikke årsag.")
    return (f"Tallene alene forudsiger {what} med AUC {num(base['auc'], 2)} (95 % KI "
            f"{_ci(base['ci_low'], base['ci_high'], 2)}); med temaer fra notaterne {num(full['auc'], 2)} "
            f"({_ci(full['ci_low'], full['ci_high'], 2)}), en forskel på {num(diff['auc'], 2)} "
            f"({_span(diff['ci_low'], diff['ci_high'], 2)}). " + (f"{_verdict(diff)} " if _verdict(diff) else "")
            + "Det er forudsigelse og sammenhæng, ikke årsag.")


def _verdict(diff: dict) -> str:
    """The difference in words, so a reader does not weigh −0,03 against 0,02 alone: an interval
    above 0 is a gain, below 0 a loss (the themes then add noise), across 0 no clear difference."""
    lo, hi = diff.get("ci_low"), diff.get("ci_high")
    if lo is not None and not math.isnan(lo) and lo > 0:
        return "Temaerne forbedrer forudsigelsen."
    if hi is not None and not math.isnan(hi) and hi < 0:
        return "Med temaerne forudsiges dårligere: her lægger de mest støj til."
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return ""  # no interval (no bootstrap): no verdict
    return "Temaerne gør ingen tydelig forskel for forudsigelsen."


def hand_coding_sentence(advice: dict, outcome, notes_per_person: float | None = None) -> str:
    """The report's "how many notes to hand-code" line, from
    :func:`kvalitativ.link.corrected.hand_coding_needed`."""
    who = population_word(outcome)
    text = (f"Odds ratioerne er {corrected_phrase(advice['n_human'], outcome)}; det gør intervallerne i mediantal "
            f"{num(advice['width_ratio'])} gange så brede som de ukorrigerede (logaritmisk skala).")
    if advice["n_persons_needed"] > advice["n_human"]:
        notes = (f" (omkring {int(round(advice['n_persons_needed'] * notes_per_person, -1)):,} notater)".replace(",", ".")
                 if notes_per_person else "")
        text += (f" Håndkod alle notater for omkring {advice['n_persons_needed']:,} tilfældigt udvalgte {who}"
                 .replace(",", ".") + f"{notes} for at få dem ned på {num(advice['target'], 2)} gange.")
    else:
        text += " Flere håndkodede notater ville kun gøre dem lidt smallere."
    return text


def rate_clause(outcome, rate: str, rate_without: str | None) -> str:
    """'; blandt dem faldt 12 % fra mod 8 % blandt de øvrige' — in the user's words when configured."""
    name, _, label = _labels(outcome)
    if label and label not in OUTCOME_LABEL_WORDS:
        clause = f"; {rate} af dem {label}"
    elif name == "dropout" or label:
        clause = f"; blandt dem faldt {rate} fra"
    else:
        clause = f"; blandt dem har {rate} udfaldet '{name}'"
    return clause + (f" mod {rate_without} blandt de øvrige" if rate_without else "")


def direction_phrase(outcome, direction: str) -> str:
    """'hyppigere frafald' / 'nåede målet oftere' / 'ingen klar sammenhæng med …' for a direction
    of "more", "less" or "none"."""
    name, _, label = _labels(outcome)
    if label and label not in OUTCOME_LABEL_WORDS:
        return {"more": f"{label} oftere", "less": f"{label} sjældnere"}.get(
            direction, f"ingen klar sammenhæng med, hvem der {label}")
    what = "frafald" if name == "dropout" or label else f"udfaldet '{name}'"
    return {"more": f"hyppigere {what}", "less": f"sjældnere {what}"}.get(direction, f"ingen klar sammenhæng med {what}")
