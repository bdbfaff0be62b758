"""The report's words for the tables' enum values (coding methods, model rows, coder names).

The tables keep short English values (`supervised`, `quantitative+themes`, `model_before`) for
dashboards and code; a report reads them in its own language, so the values never leak into a
Danish sentence. Unknown values are shown as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from markupsafe import Markup

from kvalitativ.report.text_en import TEXT_EN

__all__ = ["WORDS", "word", "method_phrase", "translator", "TEXTS"]

#: The templates' texts by language, keyed by the Danish text (Danish needs no table).
TEXTS: dict[str, dict[str, str]] = {"en": TEXT_EN}
_EDGES = re.compile(r"^(\s*)(.*?)(\s*)$", re.S)

WORDS: dict[str, dict[str, dict[str, str]]] = {
    "da": {
        "method": {"supervised": "superviseret (trænet på håndkodede notater)",
                   "zeroshot": "zero-shot (fra kodebogen)", "keyword": "nøgleord",
                   "topic": "fundne emner (BERTopic)"},
        "model": {"quantitative": "Tallene alene", "quantitative+themes": "Tallene og temaerne fra notaterne",
                  "difference": "Forskel"},
        "coder": {"model_before": "modellen før genoptræning", "model_after": "modellen efter genoptræning"},
        "valence": {"concern": "bekymring", "strength": "styrke", "neutral": "neutral", "any": "alle"},
    },
    "en": {
        "method": {"supervised": "supervised (trained on hand-coded notes)",
                   "zeroshot": "zero-shot (from the codebook)", "keyword": "keywords",
                   "topic": "discovered topics (BERTopic)"},
        "model": {"quantitative": "The numbers alone", "quantitative+themes": "The numbers and the themes",
                  "difference": "Difference"},
        "coder": {"model_before": "the model before retraining", "model_after": "the model after retraining"},
        "valence": {"concern": "concern", "strength": "strength", "neutral": "neutral", "any": "all"},
    },
}
_AND = {"da": "og", "en": "and"}
_METHOD = {"da": ("med metoden", "med metoderne"), "en": ("with the method", "with the methods")}


def _lang(language: str | None) -> str:
    return language if language in WORDS else "da"


def word(kind: str, value, language: str | None = "da") -> str:
    """``value`` (a method, model or coder name) in the report's language."""
    return WORDS[_lang(language)].get(kind, {}).get(str(value), str(value))


def method_phrase(methods: Iterable[str] | str | None, language: str | None = "da") -> str | None:
    """"med metoden superviseret (…)" / "med metoderne A og B"; None without methods."""
    if isinstance(methods, str):
        methods = methods.split(",")
    names = [word("method", m.strip(), language) for m in (methods or []) if str(m).strip()]
    if not names:
        return None
    lang = _lang(language)
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {_AND[lang]} {names[-1]}"
    return f"{_METHOD[lang][len(names) > 1]} {listed}"


def translator(language: str | None = "da") -> Callable[..., Markup]:
    """The templates' ``_("Danish text", name=value)``: the text in ``language`` (the Danish
    text itself for Danish, byte for byte), its ``{name}`` fields filled with escaped values.

    Why the Danish text is the key: the templates keep reading as the Danish report they were,
    and a text without English shows up in Danish rather than as a missing key."""
    table = TEXTS.get(_lang(language), {})

    def translate(text: str, **fields) -> Markup:
        if table:
            lead, core, trail = _EDGES.match(text).groups()
            core = table.get(" ".join(core.split()), core)
            text = f"{lead}{core}{trail}"
        out = Markup(text)  # the templates' own text: trusted markup like the template around it
        return out.format(**fields) if fields else out

    return translate
