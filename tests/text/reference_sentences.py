"""The sentence splitter as first written (before the speed-up), kept verbatim so the tests can
pin the fast version in ``kvalitativ.text.sentences`` to exactly the same spans."""

from __future__ import annotations

import re

from kvalitativ.text.sentences import _CAN_END, ABBREVIATIONS

_TERMINATOR = re.compile(r"[.!?…]+[\"'”’»)\]]*")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_NEXT = re.compile(r"\s*(\S+)")


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """Split ``text`` into sentences; return ``(start, end, sentence)`` with
    ``text[start:end] == sentence`` and surrounding white space left out.

    >>> split_sentences("Han går i 9. klasse. Han kommer pga. sygdom ikke.")
    [(0, 20, 'Han går i 9. klasse.'), (21, 50, 'Han kommer pga. sygdom ikke.')]
    """
    if not text:
        return []
    spans: list[tuple[int, int, str]] = []
    # Lines first: a line break always ends a sentence.
    for line in re.finditer(r"[^\n\r]+", text):
        _split_line(text, line.start(), line.end(), spans)
    return spans


def _split_line(text: str, lo: int, hi: int, out: list[tuple[int, int, str]]) -> None:
    start = lo
    for m in _TERMINATOR.finditer(text, lo, hi):
        end = m.end()
        nxt = _next_word(text, end, hi)
        if nxt is None:
            continue  # end of line: handled below
        if not text[end : end + 1].isspace():
            continue  # "3.5", "f.eks", "www.x.dk"
        if _is_boundary(text, start, m.start(), m.group(), nxt):
            _emit(text, start, end, out)
            start = end
    _emit(text, start, hi, out)


def _next_word(text: str, pos: int, hi: int) -> str | None:
    m = _NEXT.match(text, pos, hi)
    return m.group(1) if m else None


def _is_boundary(text: str, start: int, punct_at: int, punct: str, nxt: str) -> bool:
    first = nxt.lstrip("\"'“”‘’«»([-–—•*")
    first_char = first[:1]
    if not first_char:
        return True
    if first_char.islower():
        return False
    if not punct.startswith("."):
        return True  # "!" and "?" end a sentence before anything not lower-case
    if punct.startswith("..."):
        return first_char.isupper() or first_char.isdigit()
    w = _WORD_BEFORE.search(text, start, punct_at)
    word = w.group(1) if w else ""
    key = word.lower().replace(".", "")
    if word.isdigit():
        # "i 9. klasse" never gets here (lower-case); "d. 3. Marts" is rare; a number
        # before a capital is usually a real end ("... var 15. Han ...").
        return True
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # initials: "H. C. Andersen"
    if key in _CAN_END:
        return first_char.isupper() or first_char.isdigit()
    if key in ABBREVIATIONS or "." in word[:-1]:
        # "pga. Covid", "f.eks. Matematik": an abbreviation does not end a sentence
        return False
    return True


def _emit(text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
    seg = text[start:end]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg.rstrip())
    if trail > lead:
        out.append((start + lead, start + trail, text[start + lead : start + trail]))
