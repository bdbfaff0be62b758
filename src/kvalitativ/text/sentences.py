"""Danish-aware sentence splitting that keeps character spans.

Coding at sentence level needs the span of each sentence in the original note, so that a
quote or a highlight points at exactly the words that carried a theme. A general-purpose
splitter breaks Danish notes at abbreviations ("pga.", "f.eks.", "bl.a."), at ordinal
numbers ("går i 9. klasse") and at dates ("d. 3. marts"); this one does not.

Rules, in order:

* a line break that ends a non-empty line ends a sentence (notes are often bullet lists);
* ``.``, ``!``, ``?`` (also repeated, ``...``, ``?!``) followed by optional closing quotes or
  brackets and white space end a sentence, unless
  - the word before the period is a known abbreviation (``pga.``, ``kl.``, ``nr.`` ...),
  - it is a number or a single letter (``9. klasse``, ``H. C. Andersen``) and the next word
    does not start with a capital letter,
  - the next word starts with a lower-case letter (no new sentence starts lower-case in
    careful Danish; in careless notes this merges rather than splits, the safer error).
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "ABBREVIATIONS"]

#: Abbreviations (Danish, and English titles) written with a final period that rarely end a sentence.
#: Compared lower-case and without inner periods ("f.eks." -> "feks").
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "pga", "feks", "fx", "mht", "ift", "iflg", "ifm", "bla", "evt", "ca", "kl", "dvs",
        "nr", "hhv", "mv", "mfl", "mm", "jf", "jvf", "vedr", "inkl", "ekskl", "bl", "sk",
        "dr", "hr", "fr", "st", "pct", "tlf", "ang", "vh", "mvh", "ml", "el", "ds", "vs",
        "fm", "em", "kr", "stk", "pkt", "jan", "feb", "mar", "apr", "aug", "sep", "sept",
        "okt", "nov", "dec", "man", "tirs", "ons", "tors", "fre", "lør", "søn", "bd", "ex",
        "udd", "kap", "ff", "td", "gl", "obs", "alm", "afd", "adr", "prof", "cand", "stud",
        "mag", "ph", "evt", "ift", "oa", "ovs", "pr", "red", "resp", "såk", "f", "d", "s",
        # English titles and abbreviations (notes in English: "Met Mr. Jones and Dr. Patel"); none is
        # a Danish word that ends a sentence
        "mr", "mrs", "ms", "mx", "approx", "dept", "jr", "sr", "govt", "cf", "viz",
    }
)
#: Abbreviations that often stand last in a sentence: they end one when a capital follows.
_CAN_END = frozenset({"osv", "etc", "mv", "mfl", "mm", "mfl", "pct", "kr", "stk"})

_LINE = re.compile(r"[^\n\r]+")
_TERMINATOR = re.compile(r"[.!?…]+[\"'”’»)\]]*")
# A terminator that can end a sentence: white space and then a next word follow on the same
# line (the word is captured). A terminator followed by anything else ("3.5", "f.eks", or
# the end of the line) never splits, so the regex engine skips those without Python work.
_CANDIDATE = re.compile(_TERMINATOR.pattern + r"(?=\s+(\S+))")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """Split ``text`` into sentences; return ``(start, end, sentence)`` with
    ``text[start:end] == sentence`` and surrounding white space left out.

    >>> split_sentences("Han går i 9. klasse. Han kommer pga. sygdom ikke.")
    [(0, 20, 'Han går i 9. klasse.'), (21, 50, 'Han kommer pga. sygdom ikke.')]
    """
    if not text:
        return []
    spans: list[tuple[int, int, str]] = []
    if "\n" not in text and "\r" not in text:  # one line (most notes)
        _split_line(text, 0, len(text), spans)
        return spans
    # Lines first: a line break always ends a sentence.
    for line in _LINE.finditer(text):
        _split_line(text, line.start(), line.end(), spans)
    return spans


def _split_line(text: str, lo: int, hi: int, out: list[tuple[int, int, str]]) -> None:
    start = lo
    for m in _CANDIDATE.finditer(text, lo, hi):
        if _is_boundary(text, start, m.start(), m.group(), m.group(1)):
            end = m.end()
            _emit(text, start, end, out)
            start = end
    _emit(text, start, hi, out)


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
