"""Find person names in Danish (and English-mixed) notes without a trained model.

Two sources of evidence, both cheap enough for millions of notes:

1. **Exact names** from the export's name column (per row) and from ``known_names`` (for all
   rows): the full name and each of its parts, whole-word and case-insensitive, with a genitive
   ``s``. A part that is also an ordinary word (``Bo``, ``Per``, ``Storm``) or has two letters
   only counts when capitalised, so "bo hjemme" stays.
2. **Gazetteer and context** over capitalised tokens. Each token gets a class:

   ``FIRST``  a first name that is no ordinary word (Mikkel, Fatima): a name wherever capitalised.
   ``AFIRST`` a first name that is also a word (Bo, Per, Max, Mark, Hans): a name when it has a cue
              before it (mor, far, hedder, kaldet, lærer, hr., fru, v/, "mor til", "Elev:", a
              signature "Med venlig hilsen"...), a surname
              after it, a verb after it ("Bo har", "Per er"), or stands capitalised mid-sentence.
   ``AKEEP``  a first name that is also a month or place (August): needs a cue or a surname.
   ``SUR``    a surname from the list that is no word (Jensen, Nielsen): a name wherever capitalised.
   ``SURX``   a surname-like token (ends -sen, -gaard, -rup..., or a surname that is a word like
              Holm, Skov): a name after a first name or a cue.
   ``UNK``    a capitalised token that is in no list and is rare as a Danish and English word
              (wordfreq): a name after a cue, before a surname, or mid-sentence when it does not
              follow a place preposition (i, på, fra, til ...) and no institution word follows.
   ``WORD``   a capitalised ordinary word: a surname only right after a first name ("Mikkel Fogh")
              or a name right after a strong cue ("hedder Thyra").
   ``KEEP``   places, months, weekdays, institutions, subjects, apps (resources/da_keep_words.txt)
              and fixed phrases like "H.C. Andersen" or "Sankt Hans": never a name.

   A name is the longest run of name tokens joined by single spaces (``Anne Marie Kjær Hansen``,
   ``H.C. Jensen``); a run followed by an institution word (Skole, Gymnasium, Vej ...) is the name
   of that institution, not of a person.

Known limits: lower-case names that are not in the name column are kept; a rare first name
(not in the lists) at the start of a sentence with no cue and no surname is kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from kvalitativ.errors import ConfigError
from kvalitativ.privacy.gazetteer import Gazetteer, load_gazetteer
from kvalitativ.privacy.name_case import adjective_phrase, restore_case
from kvalitativ.privacy.name_context import (
    LANGUAGES,
    after_article,
    demonym,
    english_noun,
    english_rules,
    inside,
    names_a_place,
    place_context,
    title_case_spans,
)
from kvalitativ.privacy.name_rules import (
    run_end,
    run_is_name,
    CAP_TOKEN_RE,
    _WORDCHARS,
    _WORD_RE,
    _STRONG_CUE_RE,
    _CONTACT_CUE_RE,
    _SIGNATURE_CUE_RE,
    _CHAIN_RE,
    _VERB_AFTER_RE,
    _ONLY_PERSON_AFTER_RE,
    _PERSON_AFTER_RE,
    _LOCATIVE,
    _INSTITUTION_SUFFIXES,
    _INSTITUTION_WORDS,
    _RELATION_AFTER_RE,
    _SURNAME_ENDINGS,
    FIRST,
    AFIRST,
    AKEEP,
    SUR,
    SURX,
    UNK,
    WORD,
    KEEP,
    INIT,
    _NAMEISH,
    _zipf,
    _is_common,
    _looks_like_noun,
    _is_function_word,
    _strip_genitive,
    _union,
    _base,
    _joined,
    _lower_institution_after,
    _sentence_initial,
    _ACRONYM_BEFORE_RE,
    _prev_word,
    _name_parts,
    _phrase_regex,
)
from kvalitativ.privacy.patterns import Find, Spans

class NameFinder:
    """Finds person-name spans; see the module docstring for the rules.

    ``known_names``: names to redact in every text (e.g. all names of the export's name column, or
    staff lists). ``gazetteer``: also use the shipped name lists and context rules; with False only
    exact names are found. ``restore_case``: also judge names written in lower case or capitals
    (:mod:`kvalitativ.privacy.name_case`). ``language``: ``auto`` (guess per text), ``da`` or ``en``;
    English text also gets the English word-shape rules. ``topic_rules``: the checks of
    :mod:`kvalitativ.privacy.name_context` (title case, articles, head nouns, word shapes);
    False = without them (to see what they change on a text).
    """

    def __init__(self, known_names: Iterable[str] = (), gazetteer: bool = True, restore_case: bool = True,
                 language: str = "auto", topic_rules: bool = True):
        if language not in LANGUAGES:
            raise ConfigError(f"ingest.language is '{language}': use {', '.join(LANGUAGES)}.")
        self.language = language
        self.topic_rules = topic_rules
        self.known_names = tuple(known_names)
        self.gazetteer = gazetteer
        self.restore_case = restore_case
        self._g: Gazetteer = load_gazetteer()
        self._first_or_sur = self._g.first | self._g.surname
        self._keep_phrase_re = _phrase_regex(self._g.keep_phrases, case_sensitive=True)
        parts = _name_parts(self.known_names)
        # single words only: a full name is found as its adjacent parts, which then merge
        self._known_parts = frozenset(p.lower() for p in parts if " " not in p and "-" not in p)

    # ------------------------------------------------------------------------------- public
    def find(self, text: str, names: Iterable[str] = (), taken: list[Find] | None = None) -> list[Find]:
        """Name spans in ``text``; ``names`` are exact names for this text; ``taken`` spans are skipped."""
        taken_spans = [(f.start, f.end) for f in (taken or [])]
        out: list[Find] = []
        out += self._find_exact(text, names, Spans(taken_spans))
        if self._known_parts:
            out += self._find_known(text, Spans(taken_spans))
        if self.gazetteer:
            protected = Spans(taken_spans)
            if self._keep_phrase_re:
                for m in self._keep_phrase_re.finditer(text):
                    protected.add(*m.span())
            # names in lower case or capitals are judged on a copy in the case names have
            judged = restore_case(text, self._g, self.language) if self.restore_case else text
            out += self._find_context(judged, protected, text)
        return _union(out)

    # ---------------------------------------------------------------------------- exact names
    def _common_part(self, low: str) -> bool:
        g = self._g
        return len(low) <= 2 or low in g.name_words or low in g.keep or _is_function_word(low)

    def _accept(self, text: str, start: int, end: int, low: str, blocked: Spans) -> int | None:
        """End of an exact-name match at start..end (with genitive), or None if it is no whole word."""
        if start > 0 and (_WORDCHARS.match(text, start - 1) or text[start - 1] in "[]"):
            return None
        if end < len(text) and text[end] in "'’" and text[end + 1 : end + 2].lower() == "s":
            if not _WORDCHARS.match(text, end + 2):
                end += 2
        elif end < len(text) and text[end] in "sS" and not _WORDCHARS.match(text, end + 1):
            end += 1
        elif end < len(text) and (_WORDCHARS.match(text, end) or text[end] in "[]"):
            return None
        if self._common_part(low) and not text[start].isupper():
            return None
        if blocked.overlaps(start, end):
            return None
        return end

    def _find_exact(self, text: str, names: Iterable[str], blocked) -> list[Find]:
        parts = _name_parts(names)
        if not parts:
            return []
        lower = text.lower()
        out = []
        for part in sorted(parts, key=len, reverse=True):
            low = part.lower()
            i = lower.find(low)
            while i >= 0:
                j = i + len(low)
                end = self._accept(text, i, j, low.split()[-1], blocked)
                if end is not None:
                    out.append(Find("NAVN", i, j))
                    blocked.add(i, end)
                i = lower.find(low, j)
        return out

    def _find_known(self, text: str, blocked) -> list[Find]:
        out = []
        parts = self._known_parts
        for m in _WORD_RE.finditer(text):
            low = m.group(0).lower()
            start, end = m.span()
            if low not in parts:
                base, n = _strip_genitive(low)
                if n == 0 and low.endswith("s"):
                    base, n = low[:-1], 1
                if not n or base not in parts:
                    continue
                low, end = base, end - n
            if self._accept(text, start, end, low, blocked) is not None:
                out.append(Find("NAVN", start, end))
                blocked.add(start, end)
        return out

    # --------------------------------------------------------------------- gazetteer + context
    def _classify(self, tok: str) -> int:
        g = self._g
        if tok[-1] == ".":
            return INIT
        low, _ = _strip_genitive(tok.lower())
        if "-" in low:
            classes = [self._classify_word(p) for p in low.split("-")]
            if any(c in (FIRST, AFIRST) for c in classes) and all(c in _NAMEISH or c == WORD for c in classes):
                return FIRST
            if any(c == SUR for c in classes) and all(c in _NAMEISH for c in classes):
                return SUR
            if low in g.keep or any(c == KEEP for c in classes):
                return KEEP
            return SURX if all(c in _NAMEISH for c in classes) else WORD
        return self._classify_word(low)

    def _classify_word(self, low: str) -> int:
        g = self._g
        base = low
        if low not in self._first_or_sur and low.endswith("s") and low[:-1] in self._first_or_sur:
            base = low[:-1]  # genitive: Mikkels, Jensens
        if base in g.first:
            if base in g.keep:
                return AKEEP
            return AFIRST if base in g.name_words else FIRST
        if base in g.keep or (base.endswith(_INSTITUTION_WORDS) and len(base) > 6):
            return KEEP
        if base in g.surname:
            return SURX if base in g.name_words else SUR
        common = _is_common(base)
        if base.endswith(_SURNAME_ENDINGS) and len(base) > 4 and not (low in g.keep):
            return SURX if not common or base.endswith(("sen", "gaard", "gård")) else WORD
        return WORD if common or _looks_like_noun(base) else UNK

    def _not_person(self, text, toks, classes, i, j, cue) -> bool:
        """The run ``i..j`` names a place, a body or a topic, by the words around it
        (:mod:`kvalitativ.privacy.name_context`); a cue before it overrides."""
        if cue or not self.topic_rules or any(c in (FIRST, SUR) for c in classes[i:j]):
            return False
        if after_article(_prev_word(text, toks[i][0])) or place_context(text, toks[i][0], toks[j - 1][1]):
            return True
        bases = [_base(toks[k][2]) for k in range(i, j)]
        nxt = _base(toks[j][2]) if j < len(toks) and toks[j][2] and _joined(text, toks[j - 1][1], toks[j][0]) else None
        return classes[i] != AFIRST and names_a_place(bases, nxt)

    def _find_context(self, text: str, protected: Spans, original: str | None = None) -> list[Find]:
        """Names by the gazetteer and context rules; ``original`` (the text before case restoring)
        is what the language is guessed from."""
        toks = []
        for m in CAP_TOKEN_RE.finditer(text):
            s, e = m.span()
            if protected.overlaps(s, e):
                toks.append((s, e, None))  # a break: inside an e-mail, an address, a keep phrase
                continue
            toks.append((s, e, m.group(0)))
        out: list[Find] = []
        last_name_end = -10
        i = 0
        n = len(toks)
        classes = [self._classify(t[2].rstrip()) if t[2] else KEEP for t in toks]
        # the language is guessed only where a rare word is to be judged (it costs a pass over the text)
        english = self.topic_rules and UNK in classes and english_rules(self.language, original or text)
        if english:  # "Endometriosis", "Prosecutions": English derived nouns are no names
            classes = [WORD if c == UNK and t[2] and english_noun(_base(t[2])) else c for c, t in zip(classes, toks)]
        titled = None
        while i < n:
            s, e, tok = toks[i]
            cls = classes[i]
            if tok is None or cls == KEEP:
                i += 1
                continue
            j = run_end(text, toks, classes, i)
            institution_next = j < n and toks[j][2] is not None and _joined(text, toks[j - 1][1], toks[j][0]) \
                and _base(toks[j][2]).endswith(_INSTITUTION_SUFFIXES)
            institution_next = institution_next or _lower_institution_after(text, toks[j - 1][1])
            lo = max(0, s - 40)
            cue = _STRONG_CUE_RE.search(text, lo, s) is not None or _SIGNATURE_CUE_RE.search(text, lo, s) is not None
            contact = cue or _CONTACT_CUE_RE.search(text, lo, s) is not None
            chain = last_name_end >= 0 and _CHAIN_RE.fullmatch(text, last_name_end, s) is not None
            if institution_next and not cue:
                i = j  # "Vestfyns Gymnasium", "Marie Kruses Skole": the name of an institution
                continue
            if titled is None and cls not in (FIRST, SUR, INIT):
                titled = title_case_spans(text) if self.topic_rules else []
            title = titled is not None and inside(titled, s)  # in a title-case line a capital says nothing
            run = j
            is_name = j - i >= 2 and run_is_name(text, toks, classes, i, j, cue, contact, title)
            if not is_name:
                j = i + 1  # fall back to judging the first token alone
            if not is_name and j == i + 1:
                is_name = self._single_is_name(text, s, e, tok, cls, cue, contact, chain, toks, i, title, english)
            if (is_name or run - i >= 2) and self._not_person(text, toks, classes, i, run, cue):
                i = run  # "the Caspian Sea", "Schengen-landet": a place, a body or a topic
                continue
            if is_name:
                start, end = toks[i][0], toks[j - 1][1]
                glen = self._genitive_len(toks[j - 1][2])
                if not glen and classes[j - 1] in (UNK, WORD) and toks[j - 1][2][-1] in "sS" \
                        and _RELATION_AFTER_RE.match(text, end):
                    glen = 1  # "Abelones mor": the name is Abelone
                out.append(Find("NAVN", start, end - glen, "high" if cls in (FIRST, SUR) or cue else "medium"))
                last_name_end = end
                i = j
            else:
                i += 1
        return out

    def _genitive_len(self, tok: str) -> int:
        """Characters of a genitive ending to leave outside the placeholder ("Mikkel's" → 2, "Mikkels" → 1)."""
        low = tok.lower()
        base, n = _strip_genitive(low)
        if n:
            return n
        if low.endswith("s") and low not in self._first_or_sur and low[:-1] in self._first_or_sur:
            return 1
        return 0

    def _single_is_name(self, text, s, e, tok, cls, cue, contact, chain, toks, i, title=False, english=False) -> bool:
        if cls == FIRST and not cue and (_sentence_initial(text, s) or title) \
                and adjective_phrase(text, e, tok.lower(), self.language):
            return False  # "Lone parent, two children": an English adjective where a capital says nothing
        if cls in (FIRST, SUR):
            return True
        if cls == INIT:
            return False
        if cue and cls == WORD and not _is_function_word(_base(tok)):
            return not (self.topic_rules and max(_zipf(_base(tok))) >= 5.0)  # not "Mr. President", "Dear Sir"

        if contact and cls in (AFIRST, AKEEP, SURX, UNK):
            return True
        if chain and cls in (AFIRST, UNK, SURX):
            return True
        initial = _sentence_initial(text, s) or title
        if cls == AKEEP and initial:  # "August var syg i dag" (not "August var en varm måned")
            return _ONLY_PERSON_AFTER_RE.match(text, e) is not None
        if cls == AFIRST:
            if not initial:
                return True
            return _VERB_AFTER_RE.match(text, e) is not None
        if cls in (UNK, WORD) and _RELATION_AFTER_RE.match(text, e) and self._genitive_len(tok) == 0 \
                and tok.lower().endswith("s") and (cls == UNK or _zipf(tok.lower()[:-1])[0] < 4.0):
            return True  # "Abelones mor", "Thyras lærer": a genitive before a relation
        if cls == UNK and initial:  # "Edel kom for sent" (but not "Antarktis er ...")
            return len(tok) <= 9 and _PERSON_AFTER_RE.match(text, e) is not None
        if cls == UNK and len(tok) >= 3:
            if english and demonym(_base(tok)) and _VERB_AFTER_RE.match(text, e) is None:
                return False  # "Nepalese officials", "Support Tibetans in exile"
            if i > 0 and toks[i - 1][2] is not None and _joined(text, toks[i - 1][1], s) \
                    and self._classify(toks[i - 1][2]) == KEEP:
                return False  # "Plejecenter Lindely", "Odense Katedralskole": part of a proper noun
            if _ACRONYM_BEFORE_RE.search(text, max(0, s - 12), s):
                return False  # "FGU Hobro", "UU Vestby"
            prev = _prev_word(text, s)
            if prev in _LOCATIVE:
                return False
            if prev in ("og", "eller", "and", "or", ",") and i > 0 and toks[i - 1][2] is not None \
                    and toks[i - 1][1] >= s - 8:
                ps = toks[i - 1][0]
                if self._classify(toks[i - 1][2]) in (KEEP, WORD) or _prev_word(text, ps) in _LOCATIVE:
                    return False  # "i Odense og Ørbæk", "i Korup og Ølgod": a list of places
            return True
        return False
