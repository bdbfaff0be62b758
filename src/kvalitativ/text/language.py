"""A small language guess for notes: Danish, English, or mixed.

Notes are short and the choice is between two languages. Each word leans Danish or English by how
much more common it is in one than in the other (wordfreq's Zipf frequencies, which the name
finder uses too): no word list to keep, and words such as "meeting", "today" or "struggling" count
for English as "møde" and "fravær" count for Danish. A first list of 30 function words a language
called 16 % of English notes something else ("Difficult situation at home, parents separating."
was Danish: "at" is a Danish word too).
"""

from __future__ import annotations

import functools
import math
import re

_WORD = re.compile(r"[a-zæøåéü]+")
#: A word leans to a language when it is this many Zipf steps (×10 in frequency) more common there.
_LEAN = 0.5
#: The most a single word counts (a rare word of one language does not outweigh a sentence).
_CLIP = 2.0


@functools.lru_cache(maxsize=1)
def _frequencies() -> tuple[dict, dict]:
    """wordfreq's Danish and English word frequencies (loaded once; the name finder loads them too)."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("da"), get_frequency_dict("en")


def _zipf(frequencies: dict, word: str) -> float:
    f = frequencies.get(word, 0.0)
    return math.log10(f) + 9.0 if f > 0 else 0.0  # wordfreq's Zipf scale: log10 of uses a billion words


@functools.lru_cache(maxsize=200_000)
def _lean(word: str) -> float:
    """Zipf frequency in Danish minus in English, clipped to ±2 (0 for a word neither knows)."""
    da, en = _frequencies()
    return max(-_CLIP, min(_CLIP, _zipf(da, word) - _zipf(en, word)))


_SENTENCE_START = re.compile(r"(?:^|[.!?:\n•\-\"'(]\s*)$")


def _proper_noun(text: str, start: int) -> bool:
    """A capitalised word that does not begin a sentence: a name or a place ("Trenton Ferry",
    "Assunpink Creek"), which tells nothing of the note's language (English simply knows more
    names, so they leaned English: twice as many Danish sentences were called mixed)."""
    return text[start].isupper() and _SENTENCE_START.search(text, max(0, start - 3), start) is None


def guess_language(text: str) -> str:
    """Return 'da', 'en', 'mixed' or 'unknown'.

    >>> guess_language("Difficult situation at home, parents separating.")
    'en'
    >>> guess_language("Eleven har haft meget fravær i denne måned.")
    'da'
    """
    low = text.lower()
    leans = [_lean(m.group()) for m in _WORD.finditer(low) if not _proper_noun(text, m.start())]
    special = sum(ch in "æøå" for ch in low)  # letters English does not have
    da = sum(v > _LEAN for v in leans) + special
    en = sum(v < -_LEAN for v in leans)
    if da == 0 and en == 0:
        return "unknown"
    if en >= 2 and da >= 2 and min(da, en) / max(da, en) > 0.35:
        return "mixed"
    score = sum(leans) + 2 * special
    return "da" if score > 0 else "en" if score < 0 else "unknown"
