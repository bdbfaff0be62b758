"""The per-word lexical polarity as first written (before the speed-up), kept verbatim so the
tests can pin the fast version in ``kvalitativ.coding.valence`` to exactly the same results."""

from __future__ import annotations

import re

import numpy as np

from kvalitativ.coding.valence import (_CLAUSE_BREAK, _NEGATOR_PHRASES, _NEGATORS, _NEGATIVE, _PHRASES_NEG,
                                       _PHRASES_POS, _POSITIVE, _SCOPE, _TOKEN)

_NEG_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, _NEGATIVE), key=len, reverse=True)) + ")")
_POS_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, _POSITIVE), key=len, reverse=True)) + ")")


def _word_sign(word: str) -> int:
    """-1 / +1 when the word starts with a concern / strength stem (concern checked first)."""
    if _NEG_RE.match(word):
        return -1
    if _POS_RE.match(word):
        return 1
    return 0


def lexical_polarity(text: str) -> float:
    """Polarity of ``text`` from the lexicon, with negation: a value in [-1, 1] (0 = no cue).

    >>> lexical_polarity("Ingen problemer med fremmødet.") > 0
    True
    >>> lexical_polarity("Han er ikke motiveret.") < 0
    True
    """
    low = _NEGATOR_PHRASES.sub(lambda m: "neg" + " " * (len(m.group()) - 3), text.lower())
    total, n = 0.0, 0
    # phrases first; remove them so their words are not counted twice
    for phrases, sign in ((_PHRASES_NEG, -1), (_PHRASES_POS, 1)):
        for ph in phrases:
            for m in re.finditer(r"(?<![a-zæøå])" + re.escape(ph) + r"(?![a-zæøå])", low):
                total += sign * (-1 if _negated(low, m.start()) else 1)
                n += 1
                low = low[: m.start()] + " " * (m.end() - m.start()) + low[m.end():]
    for m in _TOKEN.finditer(low):
        w = m.group()
        if w in _NEGATORS or w in ("længere", "mere"):
            continue
        sign = _word_sign(w)
        if sign:
            total += sign * (-1 if _negated(low, m.start()) else 1)
            n += 1
    if n == 0:
        return 0.0
    return float(np.clip(total / max(n, 1), -1.0, 1.0))


def _negated(low: str, pos: int) -> bool:
    """Is the word at ``pos`` inside the scope of a negator in the same clause?"""
    before = low[:pos]
    brk = None
    for brk in _CLAUSE_BREAK.finditer(before):
        pass
    clause = before[brk.end():] if brk else before
    words = _TOKEN.findall(clause)[-_SCOPE:]
    flips = sum(1 for w in words if w in _NEGATORS)
    return flips % 2 == 1
