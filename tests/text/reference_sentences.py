"""The sentence splitter as first written (before the speed-up), kept verbatim so the tests can
pin the fast version in ``kvalitativ.text.sentences`` to exactly the same spans. Only the scan
over terminators was rewritten; the boundary rule and the span trimming are shared, not copied."""

from __future__ import annotations

import re

from kvalitativ.text.sentences import _emit, _is_boundary

_TERMINATOR = re.compile(r"[.!?…]+[\"'”’»)\]]*")
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
