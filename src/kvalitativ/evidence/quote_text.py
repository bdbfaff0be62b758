"""What a quote must say, and when two quotes say the same: the text rules of quote selection.

A quote should say something about its theme. A sentence coded with a theme is not always one:
a heading ("Høringssvar vedr. lokalplan 1049:") or a contact line ("Kontakt på tlf. [TELEFON] eller [EMAIL].") sits in the
same note as the opinion and is coded with it. The rules here are general, not lists of such
phrases: a candidate needs two content words (neither function words nor names, once the
redaction placeholders are gone), more when it holds a contact placeholder, and must not end in a
colon; sender lines ("Forslag fra en borger i Kildebjerg.") pass. Danish and English function words count alike, as the quotes' language is
not known here; negations and degree words ("ikke", "not", "meget") count as content.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kvalitativ.privacy.patterns import PLACEHOLDERS
from kvalitativ.text.stopwords import DANISH_STOPWORDS, MEANING_BEARING

#: The redaction placeholders a quote may hold (the redactor's tags, with or without a number).
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(PLACEHOLDERS) + r")[^\]]*\]")

#: Placeholders of a way to reach someone: a sentence built round one is a contact line.
CONTACT = re.compile(r"\[(?:TELEFON|EMAIL)[^\]]*\]")

#: Fewer content words than this: nothing said of the theme ("Han er der, når han skal være der.").
#: Terse notes say their theme in two ("Respektløs over for vikaren.", "Fraværet ligger nu under
#: 4 %."), and a stricter bar for short lines without a verb dropped such youth quotes on the sample
#: (12 of 28 dropped texts) for the sake of citizens' sender lines ("Forslag fra en borger i
#: Kildebjerg."), which stay quotable: they are noise, not untrue.
MIN_CONTENT_WORDS = 2

#: A sentence with a contact placeholder needs this many content words to be more than a contact line.
MIN_CONTENT_WORDS_CONTACT = 6

#: Abbreviations of headers and contact lines that neither stop list has ("vedr." = regarding).
_ABBREVIATIONS = frozenset({"vedr", "ang", "tlf", "att", "mail", "re", "fwd", "tel"})

_WORD = re.compile(r"[^\W\d_]+")

#: A capitalised word after the sentence's first word: a name (a district, a street, an institution).
_NAME = re.compile(r"(?<=[^\W\d_])[^\w]+([^\W\d_a-zæøå][^\W\d_]*)")

#: English words in scikit-learn's stop list that carry meaning in a note (negation, degree, being
#: alone), and two that are Danish content words ("eleven": the pupil; "fire": four).
_ENGLISH_MEANING = frozenset({"eleven", "fire", "not", "no", "nor", "never", "nothing", "none", "nobody", "without", "against",
                              "more", "most", "less", "few", "very", "alone", "always", "too", "enough"})


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Danish and English function words (neither list's meaning-bearing words)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    english = set(ENGLISH_STOP_WORDS) - _ENGLISH_MEANING
    return frozenset((DANISH_STOPWORDS | english | _ABBREVIATIONS) - MEANING_BEARING)


def core_words(text: str) -> list[str]:
    """A quote reduced to its words (no placeholders, punctuation, digits or case)."""
    return _WORD.findall(PLACEHOLDER.sub(" ", text).lower())


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are neither function words nor names (a capitalised word after the
    first: "Midtbyen", "Plejecenter Lindely"); placeholders removed, one letter is no word."""
    names = {m.lower() for m in _NAME.findall(PLACEHOLDER.sub(" ", text)) if not m.isupper()}  # OCD is no name
    stop = function_words() | names
    return [w for w in core_words(text) if len(w) > 1 and w not in stop]


def says_something(text: str) -> bool:
    """False for a heading (ends in a colon), a contact line (a phone or e-mail placeholder and
    fewer than :data:`MIN_CONTENT_WORDS_CONTACT` content words) or a line of fewer than
    :data:`MIN_CONTENT_WORDS` content words."""
    if text.rstrip().endswith((":", "：")):
        return False
    n = len(content_words(text))
    if CONTACT.search(text):
        return n >= MIN_CONTENT_WORDS_CONTACT
    return n >= MIN_CONTENT_WORDS


def near_copy(a: list[str], b: list[str], share: float = 0.8) -> bool:
    """True when two quotes (as :func:`core_words`) say the same: one holds the other's words in
    order (the same sentence behind a prefix such as "Jeg vil gerne foreslå følgende:"), or they
    open with the same words for most of the shorter one (the same sentence with an extra clause)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    n = len(short)
    if n == 0:
        return True
    if f" {' '.join(short)} " in f" {' '.join(long_)} ":
        return True
    same = 0
    for x, y in zip(a, b):
        if x != y:
            break
        same += 1
    return same / n >= share
