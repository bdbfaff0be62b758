"""Danish stems, so a label does not say "skole" in one topic and "skoler" in the next.

Why: topic labels must be told apart; two topics named by inflections of one word read as one.
This is step 1 of the Snowball Danish stemmer (the main suffix step: the longest of its
suffixes in region R1 is removed; "s" only after a valid s-ending), enough to join the
inflections that survive lemmatising (keywords are lemmas already) without a new dependency.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["stem", "phrase_stems", "phrase_words"]

_VOWELS = set("aeiouyæåø")
_SUFFIXES = sorted(("hed ethed ered e erede ende erende ene erne ere en heden eren er heder erer heds es endes "
                    "erendes enes ernes eres ens hedens erens ers ets erets et eret").split(), key=len, reverse=True)
_S_ENDING = set("abcdfghjklmnoprtvyzå")


def _r1(word: str) -> int:
    """Start of region R1: after the first non-vowel that follows a vowel, at least at 3."""
    for i in range(1, len(word)):
        if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
            return max(3, i + 1)
    return len(word)


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Snowball step-1 stem of a lower-case Danish word ("skolerne" -> "skol")."""
    word = word.lower()
    r1 = _r1(word)
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= r1:
            return word[: -len(suf)]
    if word.endswith("s") and len(word) - 1 >= r1 and len(word) > 1 and word[-2] in _S_ENDING:
        return word[:-1]
    return word


def phrase_words(term: str) -> list[str]:
    """The words of a keyword or phrase; a hyphen joins words like a space does ("follow-up" and
    "follow up", "uu-vejleder" and "uu")."""
    return [w for w in re.split(r"[\s\-\u2010-\u2013]+", term) if w]


def phrase_stems(term: str) -> frozenset[str]:
    """The stems of the words of a keyword or phrase."""
    return frozenset(stem(w) for w in phrase_words(term))
