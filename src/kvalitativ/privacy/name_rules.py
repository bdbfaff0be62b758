"""The context rules of the name finder: cue words, verbs, institution words, token classes.

Split from :mod:`kvalitativ.privacy.names` (which holds :class:`NameFinder` and decides names
token run by token run) so each module has one job: this one says what the words around a
token mean (a cue before it, a verb of a person after it, an institution word after it, the
start of a sentence), and how common a word is (wordfreq). Every pattern is compiled once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from kvalitativ.privacy.patterns import Find

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
#: What only a person does, for a name that is also a month or a place ("August var syg i dag",
#: not "August gik bedre end forventet"): speech, feelings, a person's state.
_ONLY_PERSON_AFTER_RE = re.compile(
    r"[ \t]+(?:kom|kommer|siger|sagde|fortæller|fortalte|ringede|ringer|græd|smilede|hedder|synes|syntes|mener|"
    r"mente|ønsker|ønskede|savner|lover|lovede|"
    r"(?:er|var)(?:[ \t]+(?:ikke|meget|rigtig|blevet|altid|ofte|stadig))?[ \t]+"
    r"(?:glad|ked|syg|træt|sur|vred|bange|fraværende|flink|sød|motiveret|umotiveret|urolig|nervøs|tilfreds|utilfreds))"
    r"(?![\w])"
)
_SENTENCE_END = set(".!?:;\n\r•")
_OPENERS = set(" \t\"'«»“”‘’([{-–—*")
_LOCATIVE = frozenset(
    "i på fra til ved mod nær over under langs gennem via omkring udenfor inde ude bag hjem rundt mellem syd nord øst vest "
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
    # places in the definite form ("Bellingshausenhavet", "Rhindalen", "Romerriget")
    "havet", "riget", "dalen", "floden", "søen", "bjerget", "bjergene", "øerne", "halvøen", "bugten", "fjorden",
    "ørkenen",
)
#: Endings of Danish derived nouns; no first name or surname ends like this ("Visitationen").
_NOUN_ENDINGS = (
    "tion", "tionen", "ning", "ningen", "ninger", "hed", "heden", "heder", "elsen", "skab", "skabet", "isme",
    "itet", "iteten", "mentet", "ingen", "eriet", "ologi", "sionen", "ancen", "encen", "ørerne", "erne",
    "else", "elser", "ering", "eringen", "eringer",  # "Frigivelse", "Fastsættelse", "Planlægningen"
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


def run_end(text: str, toks: list, classes: list[int], i: int) -> int:
    """End (exclusive) of the run of name-like tokens joined by single spaces that starts at ``i``;
    a run may not end in initials."""
    n, cls = len(toks), classes[i]
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
    while j > i + 1 and classes[j - 1] == INIT:
        j -= 1
    return j


def run_is_name(text: str, toks: list, classes: list[int], i: int, j: int, cue: bool, contact: bool,
                title: bool = False) -> bool:
    """Whether the run ``i..j`` of two or more tokens is a person's name, from the classes of its
    tokens and the cues before it; ``title``: the run stands in a title-case line, where
    capitalised words say nothing unless the last one is rare ("Alex Ovechkin")."""
    s, tok = toks[i][0], toks[i][2]
    first, rest = classes[i], classes[i + 1:j]
    if first in (FIRST, AFIRST, INIT) and any(c != INIT for c in rest):
        return True
    if first == AKEEP and any(c in (SUR, SURX, FIRST, AFIRST, UNK) for c in rest):
        return True
    if first in (SUR, SURX, UNK) and any(c in (FIRST, SUR) for c in rest):
        return True
    if first == WORD and not _is_function_word(_base(tok)) and any(c in (FIRST, SUR) for c in rest):
        return True
    if first in (UNK, SURX) and any(c in (SUR, SURX) for c in rest):
        return True
    if contact and first != WORD:
        return True
    if cue and not _is_function_word(_base(tok)):
        return True
    # "Dalia Celik har haft ...", "... med Jarl Brix", "Larry Nassar"
    return ((not title or classes[j - 1] == UNK) and first in (UNK, WORD) and all(c in (UNK, WORD, SURX) for c in rest)
            and (first == UNK or _surname_like_word(_base(tok))) and any(c != WORD for c in classes[i:j])
            and _prev_word(text, s) not in _LOCATIVE
            and (not _sentence_initial(text, s) or _VERB_AFTER_RE.match(text, toks[j - 1][1]) is not None))
