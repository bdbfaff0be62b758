"""Unicode normalisation before matching, with a map back to the original offsets.

Why: an identifier written with fullwidth digits (``１５０３８７-１２３５``), a zero-width space
inside it (``2030\u200b4050``) or a soft hyphen (``Mik\u00adkel``) reads as the identifier to a
person but slips past every pattern written for ASCII. NFKC folds the compatibility forms
(fullwidth and other digit forms, ligatures, non-breaking spaces) into the plain ones, and the
invisible characters are dropped (a zero-width space that stands for a space between two words
becomes one, as in :func:`kvalitativ.text.clean.invisible_space`). The patterns then run on the normalised text, and each span
found is mapped back to the original text, which is what the redactor edits: the note keeps
every character it had except the identifiers.

NFKC is applied per grapheme cluster (a base character with its combining marks), so the
offset map is exact: normalised character ``i`` comes from original characters
``origin[i]`` .. ``origin[i + 1] - 1``.
"""

from __future__ import annotations

import re
import unicodedata

from kvalitativ.text.clean import SPACE_LIKE, invisible_space

#: Characters that are invisible in print and carry no meaning for a reader: zero-width space,
#: non-joiner, joiner, word joiner, BOM/zero-width no-break space, soft hyphen, invisible
#: separators and the Mongolian vowel separator.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u2061\u2062\u2063\u2064\u180e"
_INVISIBLE_SET = frozenset(INVISIBLE)
#: Of those, the ones that may stand for a space between words ("Mikkel\u200bJensen"), as cleaning reads them.
_SPACE_LIKE = frozenset(SPACE_LIKE)
_CLUSTER_RE = re.compile(r".[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.S)


def normalise(text: str) -> tuple[str, list[int] | None]:
    """``(normalised text, origin)``: ``origin[i]`` is the original offset of normalised character
    ``i``, with one more entry (``len(text)``) at the end. ``origin`` is None when nothing changed
    (plain ASCII text, the common case, costs one check)."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text) and not _has_invisible(text):
        return text, None
    out: list[str] = []
    origin: list[int] = []
    for m in _CLUSTER_RE.finditer(text):
        cluster = m.group(0)
        if cluster[0] in _INVISIBLE_SET:
            if cluster[0] in _SPACE_LIKE and invisible_space(text[m.start() - 1] if m.start() else "",
                                                             text[m.end()] if m.end() < len(text) else ""):
                out.append(" ")  # it stood for a space between two words (text.clean's rule)
                origin.append(m.start())
            continue
        folded = unicodedata.normalize("NFKC", cluster)
        out.append(folded)
        origin.extend([m.start()] * len(folded))
    origin.append(len(text))
    return "".join(out), origin


_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")


def _has_invisible(text: str) -> bool:
    return _INVISIBLE_RE.search(text) is not None


def to_original(origin: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The original span of the normalised span ``start..end`` (end exclusive). A span that ends
    inside what one original character folded into (a ligature) takes that whole character."""
    if origin is None:
        return start, end
    if end <= start:
        return origin[start], origin[start]
    j = end
    while origin[j] == origin[end - 1]:  # the last entry is len(text), so this stops
        j += 1
    return origin[start], origin[j]
