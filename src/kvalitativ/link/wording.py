"""One-sentence readings of linking results, always worded as association, never cause.

A school leader reads these sentences beside the numbers; a sentence that sounds causal ("X
causes dropout") would be wrong for observational notes, so every sentence ends by saying so.
The sentences are in the language of the data (:mod:`kvalitativ.link.language`): each sentence
is built once, its words taken from the small per-language table :data:`WORDS`; the language
travels with the outcome's words (``language`` beside ``population_label`` and ``outcome_label``).
"""

from __future__ import annotations

import math

#: The words of every sentence, per language; a sentence's logic is written once, below.
WORDS: dict[str, dict] = {
    "da": {
        "valence": {"concern": "bekymring om", "strength": "styrke i", "neutral": "neutral omtale af",
                    "any": "omtale af"},
        # outcome: (more often, less often, no clear difference)
        "outcome": {"dropout": ("faldt oftere fra", "faldt sjældnere fra",
                                "faldt hverken tydeligt oftere eller sjældnere fra")},
        "label_verbs": ("{label} oftere", "{label} sjældnere", "{label} hverken tydeligt oftere eller sjældnere"),
        "named_verbs": ("havde oftere udfaldet '{name}'", "havde sjældnere udfaldet '{name}'",
                        "havde hverken tydeligt oftere eller sjældnere udfaldet '{name}'"),
        "dropout_noun": "frafald", "label_noun": "hvem der {label}", "named_noun": "udfaldet '{name}'",
        "pupils": "elever", "persons": "personer", "with": "med",
        "not_cause": "en sammenhæng, ikke en årsag.",
        "suppressed": "Skjult: færre end {k} personer i mindst én celle.",
        "ci": "95 % KI", "adjusted": "justeret OR", "unadjusted": "ujusteret OR", "uncorrected": "ukorrigeret",
        "corrected": "korrigeret for kodningsfejl ud fra {n} håndkodede {who}",
        "by_chance": "; q {q}: ikke tydelig blandt så mange sammenligninger",
        "no_comparison": "{who}: ingen sammenligning af {noun} mulig.",
        "no_difference": "{who} adskilte sig ikke tydeligt i {noun} (forskel {diff}{unit}; {ci} {span}{chance})",
        "difference": "{who} havde i gennemsnit {diff}{unit} {way} {noun} ({ci} {span})",
        "higher": "højere", "lower": "lavere", "span": "fra {lo} til {hi}",
        "indicators": {"absence_pct": ("fravær", "procentpoint"), "grade_avg": ("karaktergennemsnit", None),
                       "national_test_5th": ("resultat i de nationale test i 5. klasse", None)},
        "themes_alone": "Der er ingen tal at sammenligne med; temaerne fra notaterne forudsiger {what} med AUC "
                        "{auc} ({ci} {ci_span}). ",
        "numbers_alone": "Tallene alene forudsiger {what} med AUC {auc} ({ci} {ci_span}); med temaer fra notaterne "
                         "{auc_full} ({ci_full}), en forskel på {diff} ({diff_span}). ",
        "prediction": "Det er forudsigelse og sammenhæng, ikke årsag.",
        "gain": "Temaerne forbedrer forudsigelsen.",
        "loss": "Med temaerne forudsiges dårligere: her lægger de mest støj til.",
        "no_gain": "Temaerne gør ingen tydelig forskel for forudsigelsen.",
        "hand_coding": "Odds ratioerne er {corrected}; det gør intervallerne i mediantal {ratio} gange så brede som "
                       "de ukorrigerede (logaritmisk skala).",
        "hand_more": " Håndkod alle notater for omkring {n} flere tilfældigt udvalgte {who}{notes}, omkring {total} i "
                     "alt, for at få dem ned på {target} gange.",
        "hand_notes": " (omkring {n} notater)",
        "hand_enough": " Flere håndkodede notater ville kun gøre dem lidt smallere.",
        "thousands": ".",
        "rate_label": "; {rate} af dem {label}", "rate_dropout": "; blandt dem faldt {rate} fra",
        "rate_named": "; blandt dem har {rate} udfaldet '{name}'", "rate_without": " mod {rate} blandt de øvrige",
        "dir_label": ("{label} oftere", "{label} sjældnere", "ingen klar sammenhæng med, hvem der {label}"),
        "dir_noun": ("hyppigere {what}", "sjældnere {what}", "ingen klar sammenhæng med {what}"),
    },
    "en": {
        "valence": {"concern": "concern about", "strength": "strength in", "neutral": "neutral mention of",
                    "any": "mention of"},
        "outcome": {"dropout": ("dropped out more often", "dropped out less often",
                                "dropped out neither clearly more nor less often")},
        "label_verbs": ("{label} more often", "{label} less often", "{label} neither clearly more nor less often"),
        "named_verbs": ("had the outcome '{name}' more often", "had the outcome '{name}' less often",
                        "had the outcome '{name}' neither clearly more nor less often"),
        "dropout_noun": "dropout", "label_noun": "who {label}", "named_noun": "the outcome '{name}'",
        "pupils": "pupils", "persons": "people", "with": "with",
        "not_cause": "an association, not a cause.",
        "suppressed": "Hidden: fewer than {k} persons in at least one cell.",
        "ci": "95% CI", "adjusted": "adjusted OR", "unadjusted": "unadjusted OR", "uncorrected": "uncorrected",
        "corrected": "corrected for coding error from {n} hand-coded {who}",
        "by_chance": "; q {q}: not clear among so many comparisons",
        "no_comparison": "{who}: no comparison of {noun} possible.",
        "no_difference": "{who} did not differ clearly in {noun} (difference {diff}{unit}; {ci} {span}{chance})",
        "difference": "{who} had on average {diff}{unit} {way} {noun} ({ci} {span})",
        "higher": "higher", "lower": "lower", "span": "from {lo} to {hi}",
        "indicators": {"absence_pct": ("absence", "percentage points"), "grade_avg": ("grade average", None),
                       "national_test_5th": ("result in the national tests in 5th grade", None)},
        "themes_alone": "There are no numbers to compare with; the themes from the notes predict {what} with AUC "
                        "{auc} ({ci} {ci_span}). ",
        "numbers_alone": "The numbers alone predict {what} with AUC {auc} ({ci} {ci_span}); with themes from the "
                         "notes {auc_full} ({ci_full}), a difference of {diff} ({diff_span}). ",
        "prediction": "This is prediction and association, not cause.",
        "gain": "The themes improve the prediction.",
        "loss": "With the themes the prediction is worse: here they mostly add noise.",
        "no_gain": "The themes make no clear difference to the prediction.",
        "hand_coding": "The odds ratios are {corrected}; that makes the intervals {ratio} times as wide as the "
                       "uncorrected ones (median, logarithmic scale).",
        "hand_more": " Hand-code all notes of about {n} more randomly chosen {who}{notes}, about {total} in all, "
                     "to bring that down to {target} times.",
        "hand_notes": " (about {n} notes)",
        "hand_enough": " More hand-coded notes would make them only a little narrower.",
        "thousands": ",",
        "rate_label": "; {rate} of them {label}", "rate_dropout": "; {rate} of them dropped out",
        "rate_named": "; {rate} of them had the outcome '{name}'",
        "rate_without": " compared with {rate} among the others",
        "dir_label": ("{label} more often", "{label} less often", "no clear association with who {label}"),
        "dir_noun": ("more frequent {what}", "less frequent {what}", "no clear association with {what}"),
    },
}

#: Kept for readers of the Danish words (the sentences read :data:`WORDS`).
VALENCE_WORDS = WORDS["da"]["valence"]
OUTCOME_WORDS = WORDS["da"]["outcome"]

#: Configured outcome labels whose word order needs its own phrasing: the language's dropout verbs.
DROPOUT_LABELS = {"da": "faldt fra", "en": "dropped out"}

NOT_CAUSE = WORDS["da"]["not_cause"]
SUPPRESSED = WORDS["da"]["suppressed"]


def words_for(language: str | None) -> dict:
    """The word table of ``language`` (Danish for anything it does not know)."""
    return WORDS.get(language or "da", WORDS["da"])


def suppressed_sentence(min_cell: int, language: str | None = "da") -> str:
    """A hidden row's sentence: 'Skjult: færre end 5 personer i mindst én celle.'"""
    return words_for(language)["suppressed"].format(k=min_cell)


def num(x: float, digits: int = 1, language: str | None = "da") -> str:
    """A number in Danish notation (decimal comma), or English (decimal point); ∞ for infinity."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    text = f"{x:,.{digits}f}"
    if float(text.replace(",", "")) == 0:  # −0.04 at one digit is 0,0, not −0,0
        text = text.lstrip("-")
    if language == "en":
        return text.replace("-", "−")
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def _digits(*values) -> int:
    """One decimal, or two where a value that is not 0 would show as 0,0 (an interval ending at
    −0,04 is below zero, and must read so)."""
    small = [abs(v) for v in values if v is not None and not math.isnan(v) and v != 0]
    return 2 if any(v < 0.05 for v in small) else 1


def _ci(lo: float, hi: float, digits: int = 1, language: str | None = "da") -> str:
    return f"{num(lo, digits, language)}–{num(hi, digits, language)}"


def _inline(label: str) -> str:
    """A theme label inside a sentence: 'Mødestabilitet' → 'mødestabilitet' (acronyms kept)."""
    # only a sentence-case label: a title-case one ("Civil Rights & Equality") keeps its capitals
    if len(label) > 1 and label[0].isupper() and label[1].islower() and not any(c.isupper() for c in label[1:]):
        return label[0].lower() + label[1:]
    return label


def sentence_language(outcome) -> str:
    """The language the sentences about ``outcome`` are written in (its ``language``; Danish)."""
    if outcome is None or isinstance(outcome, str):
        return "da"
    value = outcome.get("language") if isinstance(outcome, dict) else getattr(outcome, "language", None)
    return value if value in WORDS else "da"


def _w(outcome) -> dict:
    return WORDS[sentence_language(outcome)]


def is_dropout_label(label: str | None, outcome=None) -> bool:
    """Whether ``label`` is the language's own dropout verb ("faldt fra", "dropped out"): its
    sentences then take the dropout words' word order."""
    return label is not None and label == DROPOUT_LABELS[sentence_language(outcome)]


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
    return _w(outcome)["pupils" if name == "dropout" else "persons"]


def outcome_verbs(outcome) -> tuple[str, str, str]:
    """(more often, less often, no clear difference) for the outcome, in the user's words."""
    name, _, label = _labels(outcome)
    w = _w(outcome)
    if is_dropout_label(label, outcome):
        return w["outcome"]["dropout"]
    if label:
        return tuple(v.format(label=label) for v in w["label_verbs"])
    if name in w["outcome"]:
        return w["outcome"][name]
    return tuple(v.format(name=name) for v in w["named_verbs"])


def outcome_noun(outcome) -> str:
    """The outcome as a noun phrase ("frafald", "at nå målet", "udfaldet 'passed'")."""
    name, _, label = _labels(outcome)
    w = _w(outcome)
    if label:
        return w["label_noun"].format(label=label)
    return w["dropout_noun"] if name == "dropout" else w["named_noun"].format(name=name)


def corrected_phrase(n_human: int, outcome) -> str:
    """'korrigeret for kodningsfejl ud fra 225 håndkodede elever'."""
    return _w(outcome)["corrected"].format(n=n_human, who=population_word(outcome))


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
    w = _w(outcome)
    return f"{who} {w['with']} {w['valence'].get(valence, valence)} {_inline(theme_label)}"


def _value(row, key):
    value = row.get(key)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def leading_estimate(row, language: str | None = "da") -> dict:
    """The odds ratio a sentence decides on, in every table alike: corrected for coding error where
    hand codes allow, else adjusted for the covariates (when the row names any), else the crude
    one — with its interval and its q-value (Benjamini–Hochberg over the table's tests). The
    crude one is called "ujusteret OR" where covariates were named but the adjusted OR is not
    estimable, so it never reads as adjusted under a report headed "justeret".
    ``{"kind", "corrected", "or", "lo", "hi", "p", "q"}``; ``or`` None where the row has none;
    ``kind`` in ``language`` ("adjusted OR")."""
    w = words_for(language)
    if has_corrected(row):
        return {"kind": "OR", "corrected": True, "or": _value(row, "aor_corrected"),
                "lo": _value(row, "aor_corrected_ci_low"), "hi": _value(row, "aor_corrected_ci_high"),
                "p": _value(row, "p_corrected"), "q": _value(row, "q_corrected")}
    if row.get("covariates") and _value(row, "adjusted_odds_ratio") is not None:
        return {"kind": w["adjusted"], "corrected": False, "or": _value(row, "adjusted_odds_ratio"),
                "lo": _value(row, "aor_ci_low"), "hi": _value(row, "aor_ci_high"),
                "p": _value(row, "adjusted_p_value"), "q": _value(row, "adjusted_q_value")}
    kind = w["unadjusted"] if row.get("covariates") else "OR"
    return {"kind": kind, "corrected": False, "or": _value(row, "odds_ratio"), "lo": _value(row, "or_ci_low"),
            "hi": _value(row, "or_ci_high"), "p": _value(row, "p_value"), "q": _value(row, "q_value")}


def direction(lo, hi, q, alpha: float = 0.05) -> str:
    """'more', 'less' or 'none': a direction only where the interval excludes no difference (1 for
    a ratio, 0 for a difference: pass ``lo``/``hi`` minus that) *and* the q-value is below
    ``alpha`` — among dozens of theme × valence tests an interval alone finds differences by chance."""
    if lo is None or hi is None or (q is not None and q >= alpha):
        return "none"
    return "more" if lo > 0 else "less" if hi < 0 else "none"


def _by_chance(lo, hi, q, alpha: float = 0.05, p=None, language: str | None = "da") -> str:
    """'; q 0,45: ikke tydelig blandt så mange sammenligninger' where only the many comparisons said
    no: the test alone was clear (p < alpha ≤ q). Where the interval and the test disagree (Woolf's
    interval beside Fisher's p) the comparisons are not the reason, so the clause is left out; a
    row without its p-value is judged by the interval alone."""
    if p is not None and p >= alpha:
        return ""
    if q is not None and q >= alpha and lo is not None and hi is not None and (lo > 0 or hi < 0):
        return words_for(language)["by_chance"].format(q=num(q, 3, language))
    return ""


def _log(x):
    return None if x is None else -math.inf if x <= 0 else math.log(x)


def ratio_by_chance(lead: dict, alpha: float = 0.05, language: str | None = "da") -> str:
    """:func:`_by_chance` of a :func:`leading_estimate`: why an interval that excludes 1 still reads
    "ingen klar sammenhæng" (a trial read the evidence's "ingen klar sammenhæng (OR 2,45, 95 %-KI
    1,35–4,46)" as a contradiction)."""
    return _by_chance(_log(lead["lo"]), _log(lead["hi"]), lead["q"], alpha, p=lead["p"], language=language)


def ratio_direction(lead: dict, alpha: float = 0.05) -> str:
    """:func:`direction` of a :func:`leading_estimate` (an odds ratio's "no difference" is 1)."""
    return direction(_log(lead["lo"]), _log(lead["hi"]), lead["q"], alpha)


def binary_sentence(row: dict, theme_label: str, outcome, alpha: float = 0.05) -> str:
    """E.g. 'Elever med bekymring om fremmøde faldt oftere fra (justeret OR 2,9; 95 % KI 2,0–4,3;
    ujusteret OR 3,1, 2,1–4,5) — en sammenhæng, ikke en årsag.' The verb follows
    :func:`leading_estimate` and :func:`direction`, the same rule as the evidence table's words."""
    verbs = dict(zip(("more", "less", "none"), outcome_verbs(outcome)))
    lang, w = sentence_language(outcome), _w(outcome)
    lead = leading_estimate(row, lang)
    lo, hi = lead["lo"], lead["hi"]
    verb = verbs[ratio_direction(lead, alpha)]
    stats = f"{lead['kind']} {num(lead['or'], 1, lang)}; {w['ci']} {_ci(lo, hi, 1, lang)}"
    crude = f"{num(row['odds_ratio'], 1, lang)}, {_ci(row.get('or_ci_low'), row.get('or_ci_high'), 1, lang)}"
    if lead["corrected"]:
        stats += f", {corrected_phrase(int(row['n_human_persons']), outcome)}; {w['uncorrected']}"
        aor = _value(row, "adjusted_odds_ratio") if row.get("covariates") else None
        if aor is not None:
            stats += f" {w['adjusted']} {num(aor, 1, lang)}, {_ci(row['aor_ci_low'], row['aor_ci_high'], 1, lang)}"
        else:
            stats += f" OR {crude}"
    elif lead["kind"] == w["adjusted"]:
        stats += f"; {w['unadjusted']} {crude}"
    stats += _by_chance(_log(lo), _log(hi), lead["q"], alpha, lead["p"], lang)
    return f"{subject(theme_label, row['valence'], outcome)} {verb} ({stats}) — {w['not_cause']}"


#: The usual numeric indicators in a Danish sentence: (noun, unit of the difference or None).
#: A column not listed here is named as it is, in quotes, so a reader sees it is a column name.
INDICATOR_WORDS: dict[str, tuple[str, str | None]] = WORDS["da"]["indicators"]


def indicator_words(indicator: str, language: str | None = "da") -> tuple[str, str | None]:
    """('fravær', 'procentpoint') for absence_pct; ("'my_col'", None) for a column it does not know."""
    return words_for(language)["indicators"].get(indicator, (f"'{indicator}'", None))


def numeric_sentence(row: dict, theme_label: str, outcome, indicator: str, alpha: float = 0.05) -> str:
    """E.g. 'Elever med bekymring om fremmøde havde i gennemsnit 4,2 procentpoint højere fravær
    (95 % KI 2,1–6,3) — en sammenhæng, ikke en årsag.' — the indicator in words, not its column name."""
    diff, lo, hi = row["mean_difference"], row.get("md_ci_low"), row.get("md_ci_high")
    who = subject(theme_label, row["valence"], outcome)
    lang, w = sentence_language(outcome), _w(outcome)
    noun, unit = indicator_words(indicator, lang)
    unit = f" {unit}" if unit else ""
    if diff is None or math.isnan(diff):
        return w["no_comparison"].format(who=who, noun=noun)
    d = _digits(diff, lo, hi)
    q = _value(row, "q_value")
    lo_, hi_ = _value(row, "md_ci_low"), _value(row, "md_ci_high")
    p = _value(row, "p_value")
    if direction(lo_, hi_, q, alpha) == "none":
        text = w["no_difference"].format(who=who, noun=noun, diff=num(diff, d, lang), unit=unit, ci=w["ci"],
                                         span=_span(lo, hi, d, lang), chance=_by_chance(lo_, hi_, q, alpha, p, lang))
        return f"{text} — {w['not_cause']}"
    way = w["higher"] if diff > 0 else w["lower"]
    text = w["difference"].format(who=who, diff=num(abs(diff), d, lang), unit=unit, way=way, noun=noun, ci=w["ci"],
                                  span=_span(lo, hi, d, lang))
    return f"{text} — {w['not_cause']}"


def _span(lo: float, hi: float, digits: int, language: str | None = "da") -> str:
    """An interval of differences: 'fra −1,7 til 0,3' when a bound is negative (a dash between
    two signed numbers reads badly), else '2,1–6,3'."""
    if any(v is not None and not math.isnan(v) and v < 0 for v in (lo, hi)):
        return words_for(language)["span"].format(lo=num(lo, digits, language), hi=num(hi, digits, language))
    return _ci(lo, hi, digits, language)


def added_value_sentence(base: dict, full: dict, diff: dict, outcome) -> str:
    what, lang, w = outcome_noun(outcome), sentence_language(outcome), _w(outcome)
    if not base.get("n_features"):  # no numbers to compare with: say what the themes alone do
        return w["themes_alone"].format(what=what, auc=num(full["auc"], 2, lang), ci=w["ci"],
                                        ci_span=_ci(full["ci_low"], full["ci_high"], 2, lang)) + w["prediction"]
    verdict = _verdict(diff, lang)
    return (w["numbers_alone"].format(
        what=what, auc=num(base["auc"], 2, lang), ci=w["ci"], ci_span=_ci(base["ci_low"], base["ci_high"], 2, lang),
        auc_full=num(full["auc"], 2, lang), ci_full=_ci(full["ci_low"], full["ci_high"], 2, lang),
        diff=num(diff["auc"], 2, lang), diff_span=_span(diff["ci_low"], diff["ci_high"], 2, lang))
        + (f"{verdict} " if verdict else "") + w["prediction"])


def _verdict(diff: dict, language: str | None = "da") -> str:
    """The difference in words, so a reader does not weigh −0,03 against 0,02 alone: an interval
    above 0 is a gain, below 0 a loss (the themes then add noise), across 0 no clear difference."""
    lo, hi = diff.get("ci_low"), diff.get("ci_high")
    w = words_for(language)
    if lo is not None and not math.isnan(lo) and lo > 0:
        return w["gain"]
    if hi is not None and not math.isnan(hi) and hi < 0:
        return w["loss"]
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return ""  # no interval (no bootstrap): no verdict
    return w["no_gain"]


def hand_coding_sentence(advice: dict, outcome, notes_per_person: float | None = None) -> str:
    """The report's "how many notes to hand-code" line, from
    :func:`kvalitativ.link.corrected.hand_coding_needed`."""
    who, lang, w = population_word(outcome), sentence_language(outcome), _w(outcome)
    text = w["hand_coding"].format(corrected=corrected_phrase(advice["n_human"], outcome),
                                   ratio=num(advice["width_ratio"], 1, lang))
    if advice["n_persons_needed"] > advice["n_human"]:
        def count(n):
            return f"{n:,}".replace(",", w["thousands"])

        more = advice["n_persons_needed"] - advice["n_human"]  # the figure is a total: these many more
        notes = (w["hand_notes"].format(n=count(int(round(more * notes_per_person, -1)))) if notes_per_person else "")
        text += w["hand_more"].format(n=count(more), who=who, notes=notes, total=count(advice["n_persons_needed"]),
                                      target=num(advice["target"], 2, lang))
    else:
        text += w["hand_enough"]
    return text


def rate_clause(outcome, rate: str, rate_without: str | None) -> str:
    """'; blandt dem faldt 12 % fra mod 8 % blandt de øvrige' — in the user's words when configured."""
    name, _, label = _labels(outcome)
    w = _w(outcome)
    if label and not is_dropout_label(label, outcome):
        clause = w["rate_label"].format(rate=rate, label=label)
    elif name == "dropout" or label:
        clause = w["rate_dropout"].format(rate=rate)
    else:
        clause = w["rate_named"].format(rate=rate, name=name)
    return clause + (w["rate_without"].format(rate=rate_without) if rate_without else "")


def direction_phrase(outcome, direction: str) -> str:
    """'hyppigere frafald' / 'nåede målet oftere' / 'ingen klar sammenhæng med …' for a direction
    of "more", "less" or "none"."""
    name, _, label = _labels(outcome)
    w = _w(outcome)
    ways = dict(zip(("more", "less", "none"), w["dir_label"] if label and not is_dropout_label(label, outcome)
                    else w["dir_noun"]))
    what = w["dropout_noun"] if name == "dropout" or label else w["named_noun"].format(name=name)
    return ways.get(direction, ways["none"]).format(label=label, what=what)
