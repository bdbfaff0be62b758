"""Readable topic names in the notes' language: a few key phrases, told apart across topics.

Why: an analyst reads the label first. The keywords are lemmatised, stop-word-free c-TF-IDF
terms (:class:`~kvalitativ.text.lemmas.DanishAnalyzer`: no numbers, no redaction placeholders);
a label takes up to three of them in rank order and skips

* English stop words ("the", "up": some Danish notes are written in English; for English notes
  the keywords are English lemmas without English stop words already, ``language="en"``),
* number words ("to", "tre", "two": the analyzer drops digits, and a label says no numbers in
  words either),
* place names (where the notes come from, not what they are about: :mod:`kvalitativ.text.places`),
* terms sharing a stem with a term already in the label ("skole" after "skoler", "dårlig søvn"
  after "søvn"; for English the lemma is the stem: English lemmas join the inflections),
* stems another topic's label already uses (:mod:`kvalitativ.text.stems`): topics are named in
  order of size, so the larger topic keeps the shared word and the smaller one is named by what
  sets it apart — unless that would leave it with no word at all.
"""

from __future__ import annotations

from functools import lru_cache

from kvalitativ.text.lemmas import is_danish_word
from kvalitativ.text.places import is_place
from kvalitativ.text.stems import phrase_stems, phrase_words
from kvalitativ.text.stopwords import english_stopwords

__all__ = ["topic_labels", "NO_WORDS"]

NO_WORDS = "(ingen ord)"

#: Cardinal numbers in words: a label says no numbers ("to" is "two"). Danish notes hold English
#: ones too (some are written in English), English notes only English ones ("fire" is a noun there).
_ENGLISH_NUMBERS = frozenset(("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                               "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
                               "seventy eighty ninety hundred thousand").split())
NUMBER_WORDS = {
    "en": _ENGLISH_NUMBERS,
    "da": _ENGLISH_NUMBERS | frozenset(("nul en et to tre fire fem seks syv otte ni ti elleve tolv tretten fjorten "
                                        "femten seksten sytten atten nitten tyve tredive fyrre halvtreds tres "
                                        "halvfjerds firs halvfems hundrede tusind tusinde million millioner").split()),
}


@lru_cache(maxsize=1)
def _english_only_stop_words() -> frozenset[str]:
    """English stop words that are not Danish words ("up", "after"; not "fire", "side", "under":
    those are Danish too, so they are kept), plus "the" (in the Danish table as an old spelling of
    "te", in notes it is English)."""
    return frozenset(w for w in english_stopwords() if not is_danish_word(w)) | {"the"}


def _english_stop(term: str, language: str = "da") -> bool:
    """A phrase of English stop words only: some notes are written in English, and the Danish
    stop list keeps those words (for English notes: any English stop word)."""
    stop = english_stopwords() if language == "en" else _english_only_stop_words()
    return all(w in stop for w in term.split())


def _stems(term: str, language: str) -> frozenset[str]:
    return phrase_stems(term) if language == "da" else frozenset(phrase_words(term))


def _has_number(term: str, language: str = "da") -> bool:
    numbers = NUMBER_WORDS.get(language, NUMBER_WORDS["da"])
    return any(w in numbers for w in phrase_words(term.lower()))


def _pick(keywords: list[str], taken: set[str], n: int, language: str = "da") -> list[str]:
    chosen: list[str] = []
    covered: set[str] = set()
    for kw in keywords:
        stems = _stems(kw, language)
        if (not kw or not stems or is_place(kw) or stems & (covered | taken) or _english_stop(kw, language)
                or _has_number(kw, language)):
            continue
        chosen.append(kw)
        covered |= stems
        if len(chosen) == n:
            break
    return chosen


def topic_labels(keywords: dict[int, list[str]], sizes: dict[int, int] | None = None, n: int = 3,
                 language: str = "da") -> dict[int, str]:
    """``{topic_id: "søvn, træthed, seng"}`` from each topic's ranked keywords (see module doc);
    *language*: the keywords' language ("da", "en")."""
    sizes = sizes or {}
    order = sorted(keywords, key=lambda t: (-int(sizes.get(t, 0)), t))
    taken: set[str] = set()
    labels = {}
    for t in order:
        chosen = _pick(keywords[t], taken, n, language) or _pick(keywords[t], set(), n, language)
        for kw in chosen:
            taken |= _stems(kw, language)
        labels[t] = ", ".join(chosen) if chosen else NO_WORDS
    return labels
