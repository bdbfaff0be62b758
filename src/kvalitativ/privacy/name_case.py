"""Names written in lower case or in capitals: give them the case a name has, where context says person.

Why: the name finder reads capitalised tokens, so ``mikkel jensen har haft fravær``, ``fatima kom
for sent`` and ``MIKKEL JENSEN HAR HAFT MEGET FRAVÆR`` passed. Capitalising every word would make
every word a candidate and wreck the false-positive rate; instead :func:`restore_case` makes a
copy of the text of the same length (offsets stay valid) in which

* a **shouted stretch** (three or more words in capitals in a row) is written the way a sentence
  is: names from the gazetteer capitalised, other words in lower case, the first word of a
  sentence capitalised; a lone word in capitals is capitalised only when it is a name from the
  gazetteer that is no ordinary word (``Samtale med MIKKEL``; acronyms such as ``PPR`` stay);
* a **lower-case word** from the gazetteer is capitalised only where the context says person:
  a first name that is no ordinary word (``fatima``) before a surname, a first name or a verb of
  a person (``kom``, ``har``, ``siger`` ...), after a cue (``mor``, ``eleven``, ``hedder``), or
  after a word that puts a contact before it (``talte med ahmed``, ``møde hos fatima``: the
  name finder's contact cues ``med``, ``hos``, ``kontakt``, ``with``), except, in English text,
  an English adjective before its noun (``lives with lone parent``);
  a first name that is also a word (``per``, ``august``, ``sol``) only before a surname from the
  list or after a cue; a surname only after a first name or a cue.

The name finder then runs its usual rules on the copy, so "august", "per", "sol" as ordinary
words stay, and a capitalised name in a lower-case note is judged exactly as in any other note.
"""

from __future__ import annotations

import functools
import re

from kvalitativ.privacy.gazetteer import Gazetteer
from kvalitativ.privacy.name_context import english_modifier, english_rules
from kvalitativ.privacy.name_rules import _CONTACT_CUE_RE, _STRONG_CUE_RE, _VERB_AFTER_RE, _sentence_initial

_WORD_RE = re.compile(r"[^\W\d_]+")
_SHOUT_RE = re.compile(r"(?:(?<![\w])[A-ZÆØÅÉÜÖÄ]{2,}(?![\w])[ \t,.!?:;\-]*){3,}")
_CAPS_WORD_RE = re.compile(r"(?<![\w])[A-ZÆØÅÉÜÖÄ]{3,}(?![\w])")
_LOWER_HINT_RE = re.compile(r"(?<![\w])[a-zæøåéüöä]{2,}")


def _capitalise(chars: list[str], start: int, end: int) -> None:
    word = "".join(chars[start:end])
    new = word[:1].upper() + word[1:].lower()
    if len(new) == len(word):
        chars[start:end] = list(new)


def _lower(chars: list[str], start: int, end: int) -> None:
    word = "".join(chars[start:end])
    new = word.lower()
    if len(new) == len(word):
        chars[start:end] = list(new)


def restore_case(text: str, g: Gazetteer, language: str = "auto") -> str:
    """A copy of ``text``, same length, with names in lower case or capitals written as names are;
    ``language`` is ``ingest.language`` (``auto``: guessed from the text where it matters)."""
    chars: list[str] | None = None
    names = g.first | g.surname
    for m in _SHOUT_RE.finditer(text):
        chars = chars if chars is not None else list(text)
        for w in _WORD_RE.finditer(text, m.start(), m.end()):
            low = w.group(0).lower()
            if (low in names and not adjective_phrase(text, w.end(), low, language)) \
                    or _sentence_initial(text, w.start()):
                _capitalise(chars, w.start(), w.end())
            else:
                _lower(chars, w.start(), w.end())
    for m in _CAPS_WORD_RE.finditer(text):
        low = m.group(0).lower()
        if (low in g.first or low in g.surname) and low not in g.name_words and low not in g.keep:
            chars = chars if chars is not None else list(text)
            if chars[m.start() + 1].isupper():
                _capitalise(chars, m.start(), m.end())
    if _LOWER_HINT_RE.search(text):
        chars = _restore_lower(text, g, chars, language)
    return text if chars is None else "".join(chars)


@functools.lru_cache(maxsize=4)
def _lower_names(g: Gazetteer) -> frozenset[str]:
    return frozenset(g.first | g.surname)


_NEXT_WORD_RE = re.compile(r"[ \u00a0]([^\W\d_]+)")
_PREV_WORD_RE = re.compile(r"([^\W\d_]+)[ \u00a0]$")


def adjective_phrase(text: str, end: int, low: str, language: str = "auto") -> bool:
    """In English text, the word ``low`` (ending at ``end``) and the next word are an adjective and
    its noun ("lone parent", "LONE PARENT"): an ordinary phrase, whatever the gazetteer says of it."""
    nxt_m = _NEXT_WORD_RE.match(text, end)
    return nxt_m is not None and english_modifier(low, nxt_m.group(1).lower()) \
        and english_rules(language, text.lower())


def _contact(text: str, s: int, e: int, w: str, language: str) -> bool:
    """A contact cue before ("talte med ahmed"), unless the word is an English adjective before its
    noun ("lives with lone parent")."""
    if _CONTACT_CUE_RE.search(text, max(0, s - 40), s) is None:
        return False
    return not adjective_phrase(text, e, w, language)


def _restore_lower(text: str, g: Gazetteer, chars: list[str] | None, language: str = "auto") -> list[str] | None:
    """Capitalise lower-case names where the context says person (see the module docstring)."""
    names = _lower_names(g)
    if names.isdisjoint(_WORD_RE.findall(text)):  # the common case, in C: no list name in lower case
        return chars
    for m in _WORD_RE.finditer(text):
        w = m.group(0)
        if w not in names:
            continue
        s, e = m.span()
        nxt_m = _NEXT_WORD_RE.match(text, e)
        nxt = nxt_m.group(1).lower() if nxt_m else ""
        cue = _STRONG_CUE_RE.search(text, max(0, s - 40), s) is not None
        if w in g.first:
            if w not in g.name_words and w not in g.keep:  # before any surname of the list, "holm" too
                ok = nxt in g.surname or nxt in g.first and nxt not in g.name_words or cue \
                    or _VERB_AFTER_RE.match(text, e) is not None or _contact(text, s, e, w, language)
            else:
                ok = w not in g.keep and (nxt in g.surname and nxt not in g.name_words or cue)
        else:  # a surname: after a first name or a cue
            prev_m = _PREV_WORD_RE.search(text, max(0, s - 40), s)
            prev = prev_m.group(1).lower() if prev_m else ""
            plain_prev = prev in g.first and prev not in g.name_words and prev not in g.keep
            # a surname that is also a word ("holm", "dam") only right after a first name that is none
            ok = plain_prev or (w not in g.name_words and (cue or (prev in g.first and prev not in g.keep)))
        if ok:
            chars = chars if chars is not None else list(text)
            _capitalise(chars, s, e)
    return chars
