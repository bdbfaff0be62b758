"""Identifiers written in shapes the plain patterns do not know: grouped digits and spelled-out e-mails.

Why a second finder, not more regular expressions of the plain kind: people write a CPR number
or a phone number as digit groups with whatever separator is at hand (``150387 - 1235``,
``15 03 87 1235``, ``15.03.87-1235``, ``150387_1235``, ``203 04 050``, ``20/30/40/50``), glue a
cue word to it (``tlf20304050``), or let a line break fall inside it. Writing one pattern per
spelling never ends. This module reads the *shape* instead: a chain of digit groups joined by
separators (spaces, one line break, or one of ``- – . / _`` with spaces around), and decides on
the digits and the grouping:

* **CPR**: ten digits whose group boundaries fall on the date's own boundaries (after the
  day, the month, the year, and inside the serial only in its middle), a real calendar date
  (:func:`~kvalitativ.privacy.patterns.cpr_date_ok`), one separator kind inside the date, and,
  when the date is written with dots and the serial follows after a bare space (a date and a
  time, ``15.03.23 1230``), a CPR cue before it.
* **Phone**: eight digits in two to four groups of two to four digits, or in one group, all
  separators of one kind (``20.15-22.00`` is a time span), read with the same exceptions as the
  plain phone pattern (dates, spans of years, amounts, case numbers; without a cue the first
  digit is 2-9, except in four pairs, the shape only a phone has, unless the pairs read as two
  clock times, ``08 00 12 00``).

A chain glued to letters counts only when the letters are a phone or CPR cue (``tlf``, ``cpr``).
E-mails: ``@`` with spaces around it, ``[at]``/``(at)``/`` at `` with ``[dot]``/`` dot ``/
``punktum``, and ``name@domain`` without a top-level domain.
"""

from __future__ import annotations

import re

from kvalitativ.privacy.patterns import (
    _AMOUNT_AFTER,
    _CASE_CUE,
    _PHONE_CUE,
    Find,
    _is_date8,
    _is_year,
    cpr_date_ok,
)

_PUNCT = "\\-\u2010\u2011\u2012\u2013\u2014./_"
_SEP = rf"(?=[\s{_PUNCT}])[ \t\u00a0]*[{_PUNCT}]?[ \t\u00a0]*(?:\r?\n[ \t\u00a0]*)?"
CHAIN_RE = re.compile(rf"(?<!\d)(?<![\d][.,])\+?\d+(?:{_SEP}\d+)*")
_GLUED_CUE_RE = re.compile(r"(?i)(?:tlf|tel|telefon|mobil|mob|mobilnr|tlfnr|nr|cpr|cprnr|pnr)\.?:?$")
_CPR_CUE_RE = re.compile(r"(?i)(?:cpr|personnummer|personnr|pnr|født)\W{0,12}$")
_LETTER_AFTER_RE = re.compile(r"[^\W\d_]")
#: Words before a row of single digits that make it scores or counts, not a phone number.
_COUNT_CONTEXT = re.compile(r"(?i)\b(?:karakter\w*|standpunkt\w*|point\w*|score\w*|fravær\w*|dage|uge\w*|"
                            r"måned\w*|antal|opgave\w*|test\w*|prøve\w*|runde\w*|kamp\w*|niveau\w*)\b")


def _kind(sep: str) -> str:
    """The separator's kind: its punctuation character, or " " for white space (line breaks too)."""
    stripped = sep.strip()
    return stripped[0] if stripped else " "


def _chain_groups(text: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[str]]:
    spans = [m.span() for m in re.finditer(r"\d+", text[start:end])]
    groups = [(start + s, start + e) for s, e in spans]
    seps = [text[groups[k][1]:groups[k + 1][0]] for k in range(len(groups) - 1)]
    return groups, seps


def _is_cpr(text: str, digits: str, sizes: list[int], kinds: list[str], start: int) -> bool:
    bounds, pos = [], 0
    for size in sizes[:-1]:
        pos += size
        bounds.append(pos)
    if not set(bounds) <= {2, 4, 6, 8} or (8 in bounds and 6 not in bounds):
        return False
    if not cpr_date_ok(int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])):
        return False
    kind_at = dict(zip(bounds, kinds))
    date_kinds = {kind_at[b] for b in (2, 4) if b in kind_at}
    if len(date_kinds) > 1:
        return False
    serial = kind_at.get(6)
    if date_kinds == {"."} and serial == " ":
        return _CPR_CUE_RE.search(text, max(0, start - 30), start) is not None
    return True


def _is_phone(text: str, digits: str, sizes: list[int], kinds: list[str], start: int, end: int) -> bool:
    # one digit at a time (2 0 3 0 4 0 5 1) unless it reads as a list of scores or counts; ones and
    # pairs mixed (20 3 0 4 0 5 0) only after a cue, as a list of grades looks the same (7 10 12 4 02)
    cue = _PHONE_CUE.search(text, max(0, start - 30), start) or _GLUED_CUE_RE.search(text, max(0, start - 30), start)
    single = sizes == [1] * 8 and (cue or not _COUNT_CONTEXT.search(text, max(0, start - 40), start))
    spaced = single or (len(sizes) >= 5 and all(1 <= s <= 2 for s in sizes) and cue)
    if not (sizes == [8] or spaced or (2 <= len(sizes) <= 4 and all(2 <= s <= 4 for s in sizes))):
        return False
    if len(set(kinds)) > 1:
        return False
    lo = max(0, start - 30)
    if _CASE_CUE.search(text, lo, start) or _AMOUNT_AFTER.match(text, end):
        return False
    if _PHONE_CUE.search(text, lo, start) or _GLUED_CUE_RE.search(text, lo, start):
        return True
    if sizes == [4, 4] and _is_year(digits[:4]) and _is_year(digits[4:]):
        return False
    if _is_date8(digits) and sizes != [2, 2, 2, 2]:
        return False
    if digits[0] not in "01":
        return True
    return sizes == [2, 2, 2, 2] and not _clock_span(digits)


def _clock_span(digits: str) -> bool:
    """Four pairs that read as two clock times, ``08 00 12 00`` (08:00–12:00): opening hours, not a phone."""
    hh1, mm1, hh2, mm2 = (int(digits[k:k + 2]) for k in range(0, 8, 2))
    return hh1 <= 23 and hh2 <= 23 and mm1 <= 59 and mm2 <= 59


def _spaced_cpr(text: str, start: int, sizes: list[int], digits: str) -> bool:
    """Ten digits written one (or two) at a time, ``cpr 1 5 0 3 8 7 1 2 3 5``: a CPR number after a
    CPR cue when the first six are a real date (grades and monthly counts look the same:
    ``Standpunkt: 12 10 7 4 02 7 …``)."""
    return len(sizes) >= 6 and all(1 <= s <= 2 for s in sizes) and \
        _CPR_CUE_RE.search(text, max(0, start - 30), start) is not None and \
        cpr_date_ok(int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6]))


def find_digit_chains(text: str) -> list[Find]:
    """CPR numbers and phone numbers written as chains of digit groups (see the module docstring)."""
    out: list[Find] = []
    for m in CHAIN_RE.finditer(text):
        start, end = m.span()
        if start > 0 and _LETTER_AFTER_RE.match(text, start - 1) and not _GLUED_CUE_RE.search(text, max(0, start - 12), start):
            continue
        if _LETTER_AFTER_RE.match(text, end):
            continue
        groups, seps = _chain_groups(text, start, end)
        digits = "".join(text[s:e] for s, e in groups)
        sizes = [e - s for s, e in groups]
        kinds = [_kind(s) for s in seps]
        if len(digits) == 10 and (_is_cpr(text, digits, sizes, kinds, start)
                                  or (len(set(kinds)) == 1 and _spaced_cpr(text, start, sizes, digits))):
            out.append(Find("CPR", start, end, "high"))
        elif len(digits) == 8 and text[start] != "+" and _is_phone(text, digits, sizes, kinds, start, end):
            out.append(Find("TELEFON", start, end, "high"))
    return out


#: A run of digits with the letters that stand in for them (O/o for 0, l/I for 1): ``2O3O4O5O``.
_LOOKALIKE_RE = re.compile(r"(?<![\w])(?=[\dOolI]*[OolI])(?=(?:[OolI]*\d){4})[\dOolI]{8,10}(?![\w])")
_AS_DIGIT = str.maketrans("OolI", "0011")


def find_lookalike_digits(text: str) -> list[Find]:
    """Phone and CPR numbers with letters for some digits (``tlf: 2O3O4O5O``, ``CPR: l503871235``):
    read as digits, they must pass the same tests as the digit chains."""
    out: list[Find] = []
    for m in _LOOKALIKE_RE.finditer(text):
        digits = m.group().translate(_AS_DIGIT)
        out += [Find(f.type, m.start(), m.end(), f.confidence)
                for f in find_digit_chains(text[:m.start()] + digits + text[m.end():]) if f.start == m.start()]
    return out


# ------------------------------------------------------------------------------------ e-mail
_LOCAL = r"[\w.+\-]*\w"
_LABEL = r"[\w\-]+"
_AT_WORD = r"(?:at|snabel-?a)"
_DOT_WORD = r"(?:dot|punktum|prik)"


def _bracketed(word: str) -> str:
    return r"[ \t]*[\[({<][ \t]*" + word + r"[ \t]*[\])}>][ \t]*"


#: @ with spaces or one line break around it, or a bracketed at / a / snabel-a: ``mette(a)gmail.com``
_AT = rf"(?:[ \t]*\r?\n?[ \t]*@[ \t]*\r?\n?[ \t]*|{_bracketed('(?:at|a|snabel-?a)')})"
#: a dot, a dot with spaces on both sides (``gmail . com``; one side only is a sentence's end), a
#: dot before a line break and a short lower-case ending (``gmail.\ncom``), or a spelled-out dot
_DOT = (rf"(?:\.(?:\r?\n[ \t]*(?=[a-z]{{2,4}}\b))?|[ \t]+\.[ \t]+|{_bracketed(_DOT_WORD)}"
        rf"|[ \t]+{_DOT_WORD}[ \t]+)")
_TLD = r"[A-Za-z]{2,24}"
#: Mail providers for the bare word forms (``mette at hotmail.com``): "at" is a common Danish word
#: ("skrev at aula.dk var nede"), so only a private mail provider's domain after it counts.
_MAIL_PROVIDER = (r"(?:hotmail|gmail|googlemail|yahoo|live|outlook|icloud|msn|jubii|ofir|mail|protonmail|proton|"
                  r"gmx|aol|me|youmail|webspeed)\.[A-Za-z]{2,6}")
OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.+\-])(?:{_LOCAL}{_AT}{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD}"
    # the word "at" (common in Danish) only with a spelled-out dot after the domain
    rf"|{_LOCAL}[ \t]+{_AT_WORD}[ \t]+{_LABEL}(?:{_DOT}{_LABEL})*(?:{_bracketed(_DOT_WORD)}|[ \t]+{_DOT_WORD}[ \t]+){_TLD}"
    # the word "at" or "snabel-a" before a domain with a common top-level domain: mette at hotmail.com
    rf"|{_LOCAL}[ \t]+{_AT_WORD}[ \t]+{_MAIL_PROVIDER}(?![\w\-])"
    # name@domain without a top-level domain
    rf"|{_LOCAL}@[^\W\d_][\w\-]*)(?![\w\-@])"
)
#: An address spelled out a letter at a time, ``m e t t e @ g m a i l . c o m``.
_SPACED_EMAIL_RE = re.compile(r"(?<!\w)(?:[\w.\-][ \t]){1,63}[\w.\-][ \t]*@[ \t]*(?:[\w\-][ \t]?){1,63}"
                              r"(?:\.[ \t]?(?:[\w\-][ \t]?){1,63})*\.[ \t]?(?:[A-Za-z][ \t]?){1,23}[A-Za-z](?!\w)")
_HINT_RE = re.compile(r"(?i)@|\bat\b|snabel|[\[({<] *a *[\])}>]")


def find_obfuscated_emails(text: str) -> list[Find]:
    """E-mail addresses written to dodge a pattern: ``mette[at]gmail[dot]com``, ``mette @ gmail.com``,
    ``mette at gmail dot com``, ``mette@gmail``."""
    if not _HINT_RE.search(text):
        return []
    finds = [Find("EMAIL", m.start(), m.end()) for m in OBFUSCATED_EMAIL_RE.finditer(text)]
    if "@" in text:
        finds += [Find("EMAIL", m.start(), m.end()) for m in _SPACED_EMAIL_RE.finditer(text)]
    return finds
