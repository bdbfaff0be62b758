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

import functools
import re
from collections.abc import Iterable

from kvalitativ.privacy.gazetteer import Gazetteer, load_gazetteer
from kvalitativ.privacy.patterns import Find, Spans

_UP = "A-ZÆØÅÉÜÖÄ"
_LO = "a-zæøåéüöäßèëáíóúçï"

#: A capitalised word (hyphenated parts each capitalised, optional genitive) or initials "H.C.".
CAP_TOKEN_RE = re.compile(
    rf"(?<![\w\[\]@./\\])(?:(?:[{_UP}]\.[ ]?){{1,3}}(?=[ ][{_UP}])|[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)*(?:['’]s)?)(?![\w\[\]@])"
)
_WORDCHARS = re.compile(r"\w")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

_STRONG_CUES = (
    # relations
    "mor moren moderen far faren faderen mormor morfar farmor farfar bedstemor bedstefar oldemor oldefar "
    "bror broren søster søsteren storebror lillebror storesøster lillesøster halvbror halvsøster "
    "stedfar stedmor plejemor plejefar papfar papmor bonusfar bonusmor kæreste kæresten onkel moster faster "
    "morbror farbror tante fætter kusine veninde veninden ven vennen kammerat kammeraten klassekammerat "
    "søn sønnen datter datteren barnet værge værgen "
    "mother father mom mum dad brother sister son daughter friend girlfriend boyfriend guardian aunt uncle "
    "cousin grandma grandpa grandmother grandfather stepfather stepmother "
    # naming
    "hedder hed kaldet kaldes navn navnet named called elev eleven elevnavn borger borgeren pigen drengen "
    # roles
    "lærer læreren lærerne klasselærer klasselæreren kontaktlærer kontaktlæreren dansklærer matematiklærer "
    "engelsklærer pædagog pædagogen vejleder vejlederen uu-vejleder uu-vejlederen mentor mentoren "
    "kontaktperson kontaktpersonen sagsbehandler sagsbehandleren socialrådgiver socialrådgiveren psykolog "
    "psykologen skoleleder skolelederen viceskoleleder afdelingsleder afdelingslederen sundhedsplejerske "
    "sundhedsplejersken coach træner træneren støttekontaktperson familiebehandler familiebehandleren "
    "teacher counsellor counselor caseworker principal "
    "miss"
).split()
#: Titles that may carry an abbreviation dot ("hr. Jensen"); other cues may not ("mor. Hans ...").
_TITLE_CUES = ("hr", "fru", "frk", "mr", "mrs", "ms", "dr")
#: Cues after which a name may be any capitalised word that is no function word ("hedder Thyra").
_STRONG_CUE_RE = re.compile(
    r"(?i)(?<![\w-])(?:" + "|".join(re.escape(c) for c in sorted(set(_STRONG_CUES), key=len, reverse=True))
    + r"|kalder\s+sig|mor\s+og\s+far|far\s+og\s+mor|(?:" + "|".join(_TITLE_CUES) + r")\.?)"
    r"[ \t]*[:/]?(?:[ \t]+til|[ \t]+to|[ \t]+of)?[ \t]*,?[ \t]*$"
)
#: Cues after which a name-like token (not an ordinary word) is a name ("kontakt: Yrsa Bundgaard").
_CONTACT_CUE_RE = re.compile(
    r"(?i)(?<![\w-])(?:kontakt|kontaktes|att\.?|v/|c/o|underskrevet|skrevet\s+af|written\s+by|contact|"
    r"med|hos|with)[ \t]*[:/]?[ \t]*$"
)
#: A signature: the name may follow on the next line ("Med venlig hilsen\nYrsa Stampe").
_SIGNATURE_CUE_RE = re.compile(r"(?i)(?<![\w-])(?:hilsen|mvh|vh|kh|regards|sincerely)\.?,?\s*$")
_CHAIN_RE = re.compile(r"\s*(?:,|og|and|&|eller|or|/)\s*")
_VERB_AFTER_RE = re.compile(
    r"(?:['’]s)?[ \t]+(?:har|havde|er|var|kom|kommer|skal|skulle|vil|ville|kan|kunne|siger|sagde|fortæller|"
    r"fortalte|virker|virkede|mangler|manglede|gik|går|fik|får|bliver|blev|ønsker|ønskede|trives|trivedes|"
    r"deltager|deltog|møder|mødte|arbejder|arbejdede|tager|tog|viser|viste|giver|gav|synes|syntes|mener|"
    r"mente|oplever|oplevede|fortsætter|startede|starter|begyndte|savner|kæmper|hedder|bor|boede|"
    r"is|was|has|had|says|said|seems|seemed|told|wants|wanted|came|comes|lives|called)(?![\w])"
)
#: After a rare capitalised word at the start of a sentence, only a person does these ("Edel kom for sent").
_PERSON_AFTER_RE = re.compile(
    r"[ \t]+(?:kom|kommer|siger|sagde|fortæller|fortalte|virker|virkede|mangler|manglede|gik|går|fik|får|"
    r"ønsker|ønskede|trives|trivedes|deltager|deltog|møder|mødte|synes|syntes|mener|mente|oplever|oplevede|"
    r"savner|kæmper|hedder|bor|boede|arbejder|arbejdede|ringede|ringer|græd|smilede|lover|lovede|"
    r"said|says|told|seems|seemed|came|wants|wanted|"
    r"(?:er|var|is|was)(?:[ \t]+(?:ikke|meget|rigtig|blevet|altid|ofte|stadig|not|very|still))?[ \t]+"
    r"(?:glad|ked|syg|træt|stille|sur|vred|bange|fraværende|dygtig|flink|sød|motiveret|umotiveret|urolig|"
    r"udadreagerende|nervøs|tilfreds|utilfreds|happy|sad|sick|tired|absent|motivated))(?![\w])"
)
_SENTENCE_END = set(".!?:;\n\r•")
_OPENERS = set(" \t\"'«»“”‘’([{-–—*")
_LOCATIVE = frozenset(
    "i på fra til ved mod nær over gennem via omkring udenfor inde ude bag hjem rundt mellem syd nord øst vest "
    "in at from to near around into of kommune region".split()
)
_INSTITUTION_SUFFIXES = (
    "skole", "skolen", "skolerne", "gymnasium", "gymnasiet", "centret", "centeret", "center", "huset", "hus",
    "klub", "klubben", "hallen", "hal", "kollegiet", "kollegium", "akademi", "akademiet", "institut",
    "instituttet", "børnehave", "børnehaven", "vuggestue", "vuggestuen", "museum", "museet", "bibliotek",
    "biblioteket", "kirke", "kirken", "stadion", "arena", "teater", "teatret", "fond", "fonden", "prisen",
    "vej", "gade", "allé", "alle", "plads", "torv", "boulevard", "park", "parken", "bro", "kommune",
    "kommunes", "school", "college", "academy", "street", "road", "institute", "hospital", "sygehus",
    "universitet", "efterskole", "friskole", "privatskole", "realskole", "idrætsforening", "boldklub",
)
#: A token ending in one of these is the name of an institution (Rosengårdskolen, Legatskole).
_INSTITUTION_WORDS = (
    "skole", "skolen", "skolerne", "gymnasium", "gymnasiet", "college", "akademi", "akademiet", "centret",
    "centeret", "klubben", "hallen", "kollegiet", "børnehave", "børnehaven", "vuggestue", "vuggestuen",
    "biblioteket", "museet", "kommune", "kommunes", "forvaltningen", "afdelingen", "kirke", "kirken",
    "institut", "instituttet", "universitet", "teatret", "stadion", "center", "plejehjem", "plejehjemmet",
    # streets without a house number are no identifier, and no name
    "vej", "vejen", "gade", "gaden", "allé", "alle", "stræde", "strædet", "vænget", "vænge", "boulevard",
    "plads", "pladsen", "torv", "torvet", "parken", "stien",
)
#: Endings of Danish derived nouns; no first name or surname ends like this ("Visitationen").
_NOUN_ENDINGS = (
    "tion", "tionen", "ning", "ningen", "ninger", "hed", "heden", "heder", "elsen", "skab", "skabet", "isme",
    "itet", "iteten", "mentet", "ingen", "eriet", "ologi", "sionen", "ancen", "encen", "ørerne", "erne",
)
_RELATION_AFTER_RE = re.compile(
    r"[ \t]+(?:mor|far|forældre|mormor|morfar|farmor|farfar|bror|søster|storebror|lillebror|storesøster|"
    r"lillesøster|søskende|familie|kæreste|ven|veninde|lærer|klasselærer|kontaktlærer|mentor|vejleder|"
    r"sagsbehandler|plejemor|plejefar|plejefamilie|stedfar|stedmor|onkel|moster|faster|tante)(?![\w])"
)
_SURNAME_ENDINGS = (
    "sen", "son", "gaard", "gård", "strup", "rup", "lund", "bæk", "berg", "bjerg", "skov", "toft", "holm",
    "feldt", "dal", "kær", "kjær", "høj", "mann", "sted", "ager", "by",
)
#: Tokens the UNK rule never takes (capitalised function words after a lost full stop, etc.).
_COMMON_ZIPF_DA = 3.5
_COMMON_ZIPF_EN = 3.5
_FUNCTION_ZIPF = 5.0

FIRST, AFIRST, AKEEP, SUR, SURX, UNK, WORD, KEEP, INIT = range(9)
#: The longest person name, in tokens ("Anne Marie Kjær Lund Hansen"); bounds the work per token.
MAX_NAME_TOKENS = 6
_NAMEISH = {FIRST, AFIRST, AKEEP, SUR, SURX, UNK, INIT}


@functools.lru_cache(maxsize=200_000)
def _zipf(word: str) -> tuple[float, float]:
    """Danish and English word frequency (wordfreq's Zipf scale), cached per distinct word."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "da"), zipf_frequency(word, "en")


def _is_common(word: str) -> bool:
    da, en = _zipf(word)
    return da >= _COMMON_ZIPF_DA or en >= _COMMON_ZIPF_EN


_INFLECTIONS = ("erne", "ene", "en", "et", "ne", "er", "e", "s")


@functools.lru_cache(maxsize=200_000)
def _looks_like_noun(word: str) -> bool:
    """A rare token that is an inflected, derived or compound Danish word ("Mobningen", "Fremmødet")."""
    if word.endswith(_NOUN_ENDINGS) and len(word) >= 6:
        return True
    for suf in _INFLECTIONS:
        if word.endswith(suf) and len(word) - len(suf) >= 4 and _zipf(word[: -len(suf)])[0] >= 3.0:
            return True
    if len(word) < 9:
        return False
    for k in range(3, len(word) - 2):
        head, tail = word[:k], word[k:]
        if _zipf(head)[0] < 3.5 and not (head.endswith(("s", "e")) and _zipf(head[:-1])[0] >= 3.5):
            continue
        if _zipf(tail)[0] >= 3.0 or any(
            tail.endswith(suf) and len(tail) - len(suf) >= 3 and _zipf(tail[: -len(suf)])[0] >= 3.0 for suf in _INFLECTIONS
        ):
            return True
    return False


def _is_function_word(word: str) -> bool:
    return _zipf(word)[0] >= _FUNCTION_ZIPF


def _strip_genitive(low: str) -> tuple[str, int]:
    """("mikkels" -> "mikkel", 1): the base of a genitive and how many characters the ending takes."""
    if low.endswith(("'s", "’s")):
        return low[:-2], 2
    return low, 0


class NameFinder:
    """Finds person-name spans; see the module docstring for the rules.

    ``known_names``: names to redact in every text (e.g. all names of the export's name column, or
    staff lists). ``gazetteer``: also use the shipped name lists and context rules; with False only
    exact names are found.
    """

    def __init__(self, known_names: Iterable[str] = (), gazetteer: bool = True):
        self.known_names = tuple(known_names)
        self.gazetteer = gazetteer
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
            out += self._find_context(text, protected)
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
            if any(c == SUR for c in classes) and all(c in _NAMEISH or c == WORD for c in classes):
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

    def _find_context(self, text: str, protected: Spans) -> list[Find]:
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
        while i < n:
            s, e, tok = toks[i]
            cls = classes[i]
            if tok is None or cls == KEEP:
                i += 1
                continue
            # the run of name-like tokens joined by single spaces that starts here
            j = i + 1
            while j < n and j - i < MAX_NAME_TOKENS and toks[j][2] is not None and _joined(text, toks[j - 1][1], toks[j][0]):
                c = classes[j]
                if c in _NAMEISH and c != AKEEP:
                    j += 1
                elif c == WORD and cls in (FIRST, AFIRST, INIT, UNK) and _surname_like_word(_base(toks[j][2])):
                    j += 1
                elif c == AKEEP and j > i:
                    j += 1
                else:
                    break
            # trim: a run may not end in initials; an UNK/WORD start needs a surname after it
            while j > i + 1 and classes[j - 1] == INIT:
                j -= 1
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
            span_classes = classes[i:j]
            is_name = False
            if j - i >= 2:
                first, rest = span_classes[0], span_classes[1:]
                if first in (FIRST, AFIRST, INIT) and any(c != INIT for c in rest):
                    is_name = True
                elif first == AKEEP and any(c in (SUR, SURX, FIRST, AFIRST, UNK) for c in rest):
                    is_name = True
                elif first in (SUR, SURX, UNK) and any(c in (FIRST, SUR) for c in rest):
                    is_name = True
                elif first == WORD and not _is_function_word(_base(tok)) and any(c in (FIRST, SUR) for c in rest):
                    is_name = True
                elif first in (UNK, SURX) and any(c in (SUR, SURX) for c in rest):
                    is_name = True
                elif contact and first != WORD:
                    is_name = True
                elif cue and not _is_function_word(_base(tok)):
                    is_name = True
                elif first in (UNK, WORD) and all(c in (UNK, WORD, SURX) for c in rest) and (
                        first == UNK or _surname_like_word(_base(tok))) and any(c != WORD for c in span_classes) \
                        and _prev_word(text, s) not in _LOCATIVE and (
                        not _sentence_initial(text, s) or _VERB_AFTER_RE.match(text, toks[j - 1][1])):
                    is_name = True  # "Dalia Celik har haft ...", "... med Jarl Brix", "Larry Nassar"
                if not is_name:
                    j = i + 1  # fall back to judging the first token alone
            if not is_name and j == i + 1:
                is_name = self._single_is_name(text, s, e, tok, cls, cue, contact, chain, toks, i)
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

    def _single_is_name(self, text, s, e, tok, cls, cue, contact, chain, toks, i) -> bool:
        if cls in (FIRST, SUR):
            return True
        if cls == INIT:
            return False
        if cue and cls == WORD and not _is_function_word(_base(tok)):
            return True
        if contact and cls in (AFIRST, AKEEP, SURX, UNK):
            return True
        if chain and cls in (AFIRST, UNK, SURX):
            return True
        initial = _sentence_initial(text, s)
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


def _surname_like_word(low: str) -> bool:
    """A capitalised ordinary word that may still be a surname after a first name ("Fogh", "Brøndum")."""
    return _zipf(low)[0] < 4.5 and not low.endswith(_INSTITUTION_WORDS) and not _looks_like_noun(low)


def _union(finds: list[Find]) -> list[Find]:
    """Overlapping name finds (an exact name inside a longer context name) become one span."""
    out: list[Find] = []
    for f in sorted(finds, key=lambda f: (f.start, -f.end)):
        if out and f.start < out[-1].end:
            last = out.pop()
            f = Find("NAVN", last.start, max(last.end, f.end), "high" if "high" in (last.confidence, f.confidence) else "medium")
        out.append(f)
    return out


def _base(tok: str) -> str:
    return _strip_genitive(tok.lower())[0]


def _joined(text: str, end: int, start: int) -> bool:
    return start - end == 1 and text[end] in " \u00a0"


_LOWER_INSTITUTION_RE = re.compile(r"[ \t]+(?:skole|skolen|gymnasium|gymnasiet|kommune|efterskole|friskole)\b")


def _lower_institution_after(text: str, end: int) -> bool:
    return _LOWER_INSTITUTION_RE.match(text, end) is not None


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        if text[i] in "-–—*" and i > 0 and text[i - 1] not in " \t\n":
            break
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


_ACRONYM_BEFORE_RE = re.compile(rf"(?<![\w])[{_UP}]{{2,}}[ \t]$")
_PREV_WORD_RE = re.compile(r"(\w+|[,&])[ \t\"'«“(]*$")


def _prev_word(text: str, start: int) -> str:
    m = _PREV_WORD_RE.search(text, max(0, start - 30), start)
    return m.group(1).lower() if m else ""


def _name_parts(names: Iterable[str]) -> set[str]:
    """Full names and their parts (two or more letters) for exact matching."""
    parts: set[str] = set()
    for name in names:
        if not isinstance(name, str):
            continue
        full = " ".join(name.split())
        if len(full) < 2:
            continue
        if any(ch.isalpha() for ch in full):
            parts.add(full)
        for p in re.split(r"[\s,]+", full):
            p = p.strip(".-'’")
            if len(p) >= 2 and any(ch.isalpha() for ch in p):
                parts.add(p)
                if "-" in p:
                    parts.update(q for q in p.split("-") if len(q) >= 2)
    return parts


def _phrase_regex(phrases: Iterable[str], genitive: bool = False, case_sensitive: bool = False) -> re.Pattern | None:
    """One whole-word alternation (longest first); optionally before a genitive s.

    Case-sensitive patterns (proper nouns) only start at a capital, which makes them ~3x faster.
    """
    phrases = [p for p in phrases if p]
    if not phrases:
        return None
    alt = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True))
    end = r"(?=(?:['’]?s)?(?![\w\[\]]))" if genitive else r"(?![\w\[\]])"
    if case_sensitive:
        return re.compile(rf"(?<![\w\[\]])(?=[{_UP}])(?:{alt}){end}")
    return re.compile(rf"(?i)(?<![\w\[\]])(?:{alt}){end}")
