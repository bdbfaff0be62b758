"""Phone numbers written the way other countries write them: notes in English, relatives abroad.

The Danish eight-digit forms are :func:`kvalitativ.privacy.patterns.find_phones`'; these are the
others, each with the shape that only a phone has, read with the same exceptions (a case cue such
as ``sagsnr.``, ``ref`` or ``afdeling`` before, an amount after):

* another country's prefix (``+44 7700 900123``, ``0046 70 123 45 67``, ``+44 (0)7700 900839``);
* a national number with its trunk 0 and 10–11 digits (``07700 900839``, ``020 7946 0958``,
  ``07700.900.839``, ``(0)7700 900839``);
* five pairs after a trunk 0 (France, Belgium: ``06 45 12 34 56``);
* a North American number (``(555) 123-4567``, ``555 123 4567``, ``1-555-123-4567``).

Every regular expression is compiled once, at import.
"""

from __future__ import annotations

import re

from kvalitativ.privacy.obfuscated import _COUNT_CONTEXT
from kvalitativ.privacy.patterns import _AMOUNT_AFTER, _CASE_CUE, _HAS_DIGIT, _PHONE_CUE, Find, _is_year

#: Another country's number with its prefix: ``+44 7700 900123``, ``+46 70 123 45 67``, ``0044 20
#: 7946 0958``, ``+1 (555) 123-4567`` (digits counted in code: the country code, then 7–13 more).
_INTL_PHONE_RE = re.compile(r"(?<![\w+/])(?<!\d[.,\-])(?:\+|00(?=[1-9]))[ \u00a0]?[1-9][\d \u00a0.\-()]{6,22}\d(?![\w])(?![.,/\-]\d)")
#: A national number with its trunk 0 (UK, Sweden, Germany ...): ``07700 900839``, ``020 7946 0958``,
#: ``0161-496 0000``, ``030 12345678``, ``07700.900.839`` (dots throughout), the trunk 0 in brackets as
#: written after a country code (``(0)7700 900839``); 10–11 digits. Unseparated only a UK mobile's ``07``
#: and 11 digits (``07700900839``): other runs of digits after a 0 are as often ids or case numbers, and
#: ten digits may be a CPR number, which the CPR finder judges.
_TRUNK_0 = r"(?:0|\(0\)[ \u00a0]?)"
_TRUNK_PHONE_RE = re.compile(
    rf"(?<![\w+/])(?<!\d[.,\-]){_TRUNK_0}7\d{{9}}(?!\w)(?![.,/\-]\d)"
    rf"|(?<![\w+/])(?<!\d[.,\-]){_TRUNK_0}[1-9]\d{{1,4}}"
    r"(?:[ \u00a0\-]\d{2,8}(?:[ \u00a0\-]\d{2,4}){0,2}|\.\d{2,8}(?:\.\d{2,4}){0,2})(?!\w)(?![.,/\-]\d)"
)
#: Five pairs after a trunk 0, one separator throughout (France, Belgium ...: ``06 45 12 34 56``,
#: ``01.23.45.67.89``); not inside a longer row of numbers, not a row that rises or falls by a
#: constant step (``05 15 25 35 45``: minutes or a count, not a phone) and not after a word that
#: makes it grades or counts (``Karakterer: 02 00 12 10 12``).
_PAIRS_PHONE_RE = re.compile(
    r"(?<![\w+/])(?<!\d[ \u00a0.,\-])0[1-9](?P<p>[ \u00a0.\-])\d{2}(?:(?P=p)\d{2}){3}(?!\w)(?![ \u00a0.,/\-]?\d)"
)
#: A North American number: ``(555) 123-4567``, ``555-123-4567``, ``555.123.4567``, ``555 123 4567``,
#: with the country's own trunk 1 before it (``1-555-123-4567``, ``1 (555) 123-4567``). Spaced
#: throughout, not inside a longer row of numbers and, without a phone cue, not ending in a year
#: (``250 300 2019``: a row of figures) nor after a word that makes it counts (``Point 250 300 4000``).
_NANP_PHONE_RE = re.compile(
    r"(?<![\w+/])(?<!\d[.,\-])(?P<one>1[ \u00a0.\-])?(?:\([2-9]\d{2}\)[ \u00a0]?|[2-9]\d{2}(?P<s>[\-. \u00a0]))"
    r"\d{3}(?(s)(?P=s)|[\-. \u00a0])\d{4}(?!\w)(?![.,/\-]\d)"
)
_ROW_BEFORE = re.compile(r"\d[ \u00a0.,\-]$")
_ROW_AFTER = re.compile(r"[ \u00a0.,/\-]?\d")


def _cue(text: str, start: int) -> bool:
    return _PHONE_CUE.search(text, max(0, start - 30), start) is not None


def _counts(text: str, start: int) -> bool:
    """Words before a row of numbers that make it grades, scores or counts ("Karakterer: 02 10 …")."""
    return _COUNT_CONTEXT.search(text, max(0, start - 40), start) is not None


def _nanp_ok(text: str, m: re.Match) -> bool:
    if m.group("s") not in (" ", "\u00a0"):
        return True
    if _ROW_BEFORE.search(text, max(0, m.start() - 2), m.start()) or _ROW_AFTER.match(text, m.end()):
        return False
    return _cue(text, m.start()) or not (_is_year(m.group(0)[-4:]) or _counts(text, m.start()))


def _pairs_ok(text: str, m: re.Match) -> bool:
    pairs = [int(x) for x in re.findall(r"\d\d", m.group(0))]
    if len({b - a for a, b in zip(pairs, pairs[1:])}) == 1:
        return False
    return _cue(text, m.start()) or not _counts(text, m.start())


#: (finder, least and most digits, a further check of the match or None).
_FOREIGN = ((_INTL_PHONE_RE, 8, 15, None), (_TRUNK_PHONE_RE, 10, 11, None), (_PAIRS_PHONE_RE, 10, 10, _pairs_ok),
            (_NANP_PHONE_RE, 10, 11, _nanp_ok))


def find_foreign_phones(text: str) -> list[Find]:
    """Phone numbers written the way other countries write them (an English note's ``Mum called from
    07700 900839``); the Danish eight-digit forms are :func:`find_phones`'. Numbers after a case
    cue (``ref``, ``sagsnr.``, ``afdeling``) or before an amount stay, as there."""
    if not _HAS_DIGIT.search(text):
        return []
    out = []
    for regex, lo_digits, hi_digits, check in _FOREIGN:
        for m in regex.finditer(text):
            digits = sum(c.isdigit() for c in m.group(0))
            if not lo_digits <= digits <= hi_digits or _CASE_CUE.search(text, max(0, m.start() - 30), m.start()):
                continue
            if _AMOUNT_AFTER.match(text, m.end()) or (check is not None and not check(text, m)):
                continue
            out.append(Find("TELEFON", m.start(), m.end(), "high"))
    return out
