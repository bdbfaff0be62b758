"""What a quote must say, and when two quotes say the same: the text rules of quote selection.

A quote should say something about its theme. A sentence coded with a theme is not always one:
a heading ("Høringssvar vedr. lokalplan 1049:"), a sender line ("Forslag fra en borger i
Landdistriktet.") or a contact line ("Kontakt på tlf. [TELEFON] eller [EMAIL].") sits in the
same note as the opinion and is coded with it. The rules here are general, not lists of such
phrases: a candidate needs a few content words (neither function words nor names, once the
redaction placeholders are gone; fewer in a statement, one with a subject pronoun or a verb such
as "er" or "har"), more of them when it holds a contact placeholder, and must not end in a colon. Danish and English function words count alike, as the quotes' language is
not known here; negations and degree words ("ikke", "not", "meget") count as content.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kvalitativ.text.stopwords import DANISH_STOPWORDS, MEANING_BEARING

#: The redaction placeholders a quote may hold (the redactor's tags, with or without a number).
PLACEHOLDER = re.compile(r"\[(?:CPR|NAVN|TELEFON|EMAIL|ADRESSE)[^\]]*\]")

#: Placeholders of a way to reach someone: a sentence built round one is a contact line.
CONTACT = re.compile(r"\[(?:TELEFON|EMAIL)[^\]]*\]")

#: Fewer content words than this: a short line that reads like a header or a sender line
#: ("Forslag fra en borger i Kildebjerg.", "Høringssvar fra grundejerforeningen i Midtbyen.") ...
MIN_CONTENT_WORDS = 3

#: ... while a statement (a subject pronoun or a finite function verb, or a long sentence) needs
#: only this many: terse notes such as "Han trives ikke på skolen." say their theme in few words.
MIN_CONTENT_WORDS_STATEMENT = 2

#: A sentence of this many words is a statement whatever its words.
SENTENCE_WORDS = 7

#: Subject pronouns and finite verbs that are function words (be, have, become, modal verbs),
#: Danish and English: one of them makes a short line a statement rather than a heading.
STATEMENT_WORDS = frozenset({
    "jeg", "du", "han", "hun", "den", "det", "vi", "de", "man", "der",
    "er", "var", "har", "havde", "bliver", "blev", "kan", "kunne", "skal", "skulle", "vil", "ville",
    "må", "måtte", "bør", "burde", "får", "fik", "gør", "gjorde", "går", "gik", "kommer", "kom",
    "he", "she", "it", "we", "they", "you", "there",
    "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "shall", "should",
    "must", "does", "did", "do", "gets", "got", "am",
})

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
    fewer than :data:`MIN_CONTENT_WORDS_CONTACT` content words) or a thin line: fewer than
    :data:`MIN_CONTENT_WORDS_STATEMENT` content words in a statement (a :data:`STATEMENT_WORDS`
    word or :data:`SENTENCE_WORDS` words), fewer than :data:`MIN_CONTENT_WORDS` in a short line
    without one (a header)."""
    if text.rstrip().endswith((":", "：")):
        return False
    n = len(content_words(text))
    if CONTACT.search(text):
        return n >= MIN_CONTENT_WORDS_CONTACT
    words = core_words(text)
    statement = len(words) >= SENTENCE_WORDS or not STATEMENT_WORDS.isdisjoint(words)
    return n >= (MIN_CONTENT_WORDS_STATEMENT if statement else MIN_CONTENT_WORDS)


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
