"""Finders for the structured identifiers: CPR numbers, phone numbers, e-mail, street addresses.

Each finder takes a text and returns :class:`Find` spans; none of them changes the text. Every
regular expression is compiled once, at import, because redaction runs on every note of an
export (millions of rows must stay feasible). The rules, and why:

* **CPR** ``ddmmyy-xxxx``, ``ddmmyyxxxx`` or ``ddmmyy xxxx`` with a real calendar date (the 7th
  digit fixes the century, so 29 February is checked properly). The modulus-11 check only raises
  the confidence: numbers issued since 2007 may fail it, so it never decides.
* **Phone** eight digits, plain (``20304050``), in pairs (``20 30 40 50``, ``20-30-40-50``,
  ``20.30.40.50``) or fours (``2030 4050``), with or without ``+45``/``0045``/``(+45)``. Without a
  prefix or a cue word (tlf., mobil, ring, ...) the first digit must be 2-9 (Danish subscriber
  numbers never start with 0 or 1), and numbers that read as something else are kept: a span of
  years (``2019-2023``), an eight-digit date (``31122023``, ``20230915``), an amount (``...kr``),
  and case/company numbers after ``sagsnr.``, ``j.nr.``, ``CVR`` and the like (not a phone; these
  are kept, by decision, because they identify a case, not a person). Dates (``31-12-2023``),
  school years (``2023/24``) and amounts (``12.500 kr.``) never have a phone's shape.
* **Foreign phone** (notes in English, numbers of relatives abroad): other countries' spellings,
  in :mod:`kvalitativ.privacy.foreign_phones`, with the case cues and amounts of this module.
* **E-mail** ``local@domain.tld``, also the ``navn (at) domæne.dk`` spelling.
* **Address** a street name (a word ending in a Danish street suffix -gade, -vej, -allé,
  -stræde, -vænget, -parken, -torv, -plads, -bakken, ... or a separate ``Vej``/``Gade``/``Allé``
  word) and a house number with optional letter, floor and side (``st.``, ``1. th.``, ``2. tv.``,
  ``3. mf.``) and optional postcode and town; or a preposition + noun street name (``Ved Stranden
  14``, ``Over Bækken 3``); or any capitalised name + number after a cue
  (``bor på``, ``adresse:``, ``flyttet til``); or any capitalised name + number + postcode + town.
  A number followed by a unit (``år``, ``gange``, ``kr``...) or a month (``3. juni``) is no house
  number. English order too: number, capitalised name, street type (``12 Baker Street``, ``4 Elm
  Close, Leeds LS1 4AP``); a year-like number only after a cue (``lives at``).
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass

#: Placeholder written for each identifier type.
PLACEHOLDERS: dict[str, str] = {
    "CPR": "[CPR]",
    "TELEFON": "[TELEFON]",
    "EMAIL": "[EMAIL]",
    "ADRESSE": "[ADRESSE]",
    "NAVN": "[NAVN]",
}
#: Order in which overlapping finds win (an e-mail holds a name, an address holds digits).
PRIORITY: dict[str, int] = {"EMAIL": 0, "CPR": 1, "TELEFON": 2, "ADRESSE": 3, "NAVN": 4}


@dataclass(frozen=True, slots=True)
class Find:
    """One identifier found in a text: its type (CPR, TELEFON, EMAIL, ADRESSE, NAVN), span and confidence."""

    type: str
    start: int
    end: int
    confidence: str = "high"  # "high" | "medium"


class Spans:
    """Sorted, non-overlapping ``[start, end)`` spans with O(log n) overlap tests.

    Keeps redaction linear on notes with thousands of finds (pasted lists, junk).
    """

    __slots__ = ("starts", "ends")

    def __init__(self, spans=()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(spans):
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.ends, start)
        return i < len(self.starts) and self.starts[i] < end

    def add(self, start: int, end: int) -> None:
        """Add a span, merging it with the spans it overlaps."""
        i = bisect.bisect_right(self.ends, start)
        j = i
        while j < len(self.starts) and self.starts[j] < end:
            start, end = min(start, self.starts[j]), max(end, self.ends[j])
            j += 1
        self.starts[i:j] = [start]
        self.ends[i:j] = [end]


_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014"
_SP = "[ \u00a0]"
_UP = "A-ZÆØÅÉÜÖÄ"
_LO = "a-zæøåéüöäßèëáíóúç"
_L = _UP + _LO

_HAS_DIGIT = re.compile(r"\d")

# ---------------------------------------------------------------------------------------- CPR
CPR_RE = re.compile(
    rf"(?<![\d+/])(?<!\d[.,/])([0-3]\d)([01]\d)(\d\d)([{_DASHES}]|{_SP})?(\d)(\d{{3}})(?!\d)(?![.,/]\d)"
)
_CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def cpr_year(yy: int, seventh: int) -> int:
    """The full birth year from the two-digit year and the 7th digit (CPR Office rules)."""
    if seventh <= 3:
        return 1900 + yy
    if seventh in (4, 9):
        return 2000 + yy if yy <= 36 else 1900 + yy
    return 2000 + yy if yy <= 57 else 1800 + yy


def cpr_date_ok(day: int, month: int, yy: int, seventh: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= calendar.monthrange(cpr_year(yy, seventh), month)[1]


def cpr_mod11_ok(digits: str) -> bool:
    return len(digits) == 10 and sum(int(d) * w for d, w in zip(digits, _CPR_WEIGHTS)) % 11 == 0


def find_cpr(text: str) -> list[Find]:
    out = []
    for m in CPR_RE.finditer(text):
        d, mo, yy, sep, seventh, rest = m.groups()
        if not cpr_date_ok(int(d), int(mo), int(yy), int(seventh)):
            continue
        digits = d + mo + yy + seventh + rest
        conf = "high" if (sep and sep not in " \u00a0") or cpr_mod11_ok(digits) else "medium"
        out.append(Find("CPR", m.start(), m.end(), conf))
    return out


# -------------------------------------------------------------------------------------- phone
_PHONE_PREFIX = rf"(?:(?:\+|00){_SP}?45|\(\+?45\)|\+{_SP}45)[{_SP[1:-1]}.\-]?"
_PHONE_BODY = (
    r"(?:\d{8}"
    rf"|\d{{2}}(?P<s>[ \u00a0.\-])\d{{2}}(?P=s)\d{{2}}(?P=s)\d{{2}}"
    rf"|\d{{4}}[ \u00a0.\-]\d{{4}})"
)
PHONE_RE = re.compile(
    rf"(?<![\w+/])(?<!\d[.,\-])(?P<pre>{_PHONE_PREFIX})?(?P<body>{_PHONE_BODY})(?!\w)(?![.,/\-]\d)"
)
_PHONE_CUE = re.compile(
    r"(?i)(?<!\w)(?:tlf|tel|telefon\w*|mobil\w*|mob|mobilnr|nr|nummer|ring\w*|sms\w*|kontakt\w*|fastnet|"
    r"phone|call|cell|mobile|whatsapp)\.?:?(?:\s+(?:på|nr\.?|til|on|at|er|is))?\s*$"
)
#: Words that name a case, a document, an account or a unit of an organisation: the number after
#: them is that thing's number (``Sagsnr. 0123 456 789``, ``Afdeling 0123 456789``, ``Account no.
#: 0161 496 0000``), not a phone, even when it has a phone's shape. Each may carry a number word
#: (``nr``, ``no``, ``nummer``, ``number``, ``#``), written apart or glued (``kontonr``).
_NUMBER_WORD = r"(?:nr|no|nummer|number|#)(?!\w)"
#: Bare, only words that name no place a person is reached at. Short words (``se``, ``p``), words
#: that may stand for a person (``kunde``, ``customer``) and words before which a phone number is
#: ordinary (``afd. 22 33 44 55`` is the department's phone, ``sag``, ``order``: a review) count
#: only with the number word.
_CASE_WORDS = r"sagsnummer|jnr|journalnummer|bilag|ref|reference|cvr|ean|konto|faktura|ordre|id"
_CASE_WORDS_WITH_NR = (
    r"j|se|p|reg|police|kunde|customer|medlem|medlems|member|membership|ejendoms|matr|dossier|file|sags?|journal|"
    r"bestilling|afdeling|afd|case|account|acct|invoice|order|policy|department|dept|booking|ticket|matrikel"
)
_CASE_CUE = re.compile(
    rf"(?i)(?<!\w)(?:(?:{_CASE_WORDS})(?:\.?[\s\-]*{_NUMBER_WORD})?|(?:{_CASE_WORDS_WITH_NR})\.?[\s\-]*{_NUMBER_WORD})"
    r"\.?:?\s*$"
)
_AMOUNT_AFTER = re.compile(r"(?i)\s*(?:kr\b|kroner|dkk|,-|%|mio|euro|€|\$)")


def _is_year(s: str) -> bool:
    return 1900 <= int(s) <= 2099


def _is_date8(d: str) -> bool:
    """ddmmyyyy or yyyymmdd in 1900-2099."""
    for day, month, year in ((d[:2], d[2:4], d[4:]), (d[6:], d[4:6], d[:4])):
        y, mo, dd = int(year), int(month), int(day)
        if 1900 <= y <= 2099 and 1 <= mo <= 12 and 1 <= dd <= calendar.monthrange(y, mo)[1]:
            return True
    return False


def find_phones(text: str) -> list[Find]:
    out = []
    for m in PHONE_RE.finditer(text):
        body = m.group("body")
        digits = re.sub(r"\D", "", body)
        start = m.start()
        lo = max(0, start - 30)
        if m.group("pre"):
            out.append(Find("TELEFON", start, m.end(), "high"))
            continue
        if _CASE_CUE.search(text, lo, start):
            continue
        if _AMOUNT_AFTER.match(text, m.end()):
            continue
        cue = _PHONE_CUE.search(text, lo, start) is not None
        if not cue:
            if digits[0] in "01":
                continue
            if len(body) == 9 and _is_year(digits[:4]) and _is_year(digits[4:]):
                continue  # 2019-2023, 2019 2023: a span of years
            if len(body) == 8 and _is_date8(digits):
                continue
        out.append(Find("TELEFON", start, m.end(), "high" if cue else "medium"))
    return out


# -------------------------------------------------------------------------------------- email
EMAIL_RE = re.compile(
    r"(?<![\w.+\-])[\w.+\-]*\w(?:@|\s?[(\[]at[)\]]\s?)[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,24}(?![\w\-])"
)
_EMAIL_HINT = re.compile(r"@|[(\[]at[)\]]")


def find_emails(text: str) -> list[Find]:
    if not _EMAIL_HINT.search(text):
        return []
    return [Find("EMAIL", m.start(), m.end()) for m in EMAIL_RE.finditer(text)]


# ------------------------------------------------------------------------------------ address
#: Endings of Danish street names (a word that ends in one of these and is followed by a number).
STREET_SUFFIXES = (
    "gade gaden vej vejen allé alle stræde strædet vænget vænge parken park torv torvet plads pladsen "
    "bakken bakke boulevard have haven højen toften toft tofte løkken løkke lund lunden engen enge "
    "vang vangen stien sti kaj kajen gyde gyden skoven dalen bjerget stranden ager agre ageren kæret "
    "mosen marken holmen hegnet hegn volden passage promenade diget dige krogen brinken brink banken "
    "svinget ringen linien kvarter kvarteret gården gaarden skrænten slugten tværvej stykke "
    "stykket lykke lyngen bue buen spange spangen sløjfen ager engvej tangen hus husene"
).split()
#: Separate street words ("Ole Rømers Vej", "Sankt Annæ Plads").
STREET_WORDS = "Vej Gade Allé Alle Stræde Plads Torv Boulevard Vænge Park Bakke Kaj Passage Promenade".split()
_NOT_STREET = {"børnehave", "børnehaven", "vejen", "have", "haven", "park", "parken", "gård", "gården",
               "hus", "husene", "stykke", "stykket", "lykke", "ager", "agre", "enge", "dige", "sti", "bue"}

_suffix_alt = "|".join(sorted(STREET_SUFFIXES, key=len, reverse=True))
_word_alt = "|".join(STREET_WORDS)
_MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
_UNITS = (
    r"år|årig|gang|gange|dage?|døgn|timer?|min|minutter|sek|uger?|måneder?|mdr|kr|kroner|dkk|%|procent|"
    r"elever|personer|børn|point|karakter|klasse|km|m|meter|kg|stk|styk|mio|mia|pct|x|gb|mb|cm"
)
#: Up to three words before a street name ("Gl. Køge", "H.C. Andersens", "Nørre Allé"): a word
#: is followed by a space, an abbreviation's dot may stand alone ("H.C.Andersens"). Never a word
#: glued to the next: with the space optional, a run of capitals ("AAAAAAAA…" in the base64 data of a
#: chart, or a shouted note) could be cut into words in so many ways that one line took seconds.
_PRE_WORDS = (
    rf"(?:(?:(?:Gl|Gml|Ny|Nr|Sdr|Ndr|Skt|Sct|Sankt|St)\.|(?:[{_UP}]\.){{1,3}}){_SP}?"
    rf"|(?:Gl|Gml|Ny|Nr|Sdr|Ndr|Skt|Sct|Sankt|St|Lille|Store|Gammel|Nørre|Søndre|Vestre|Østre"
    rf"|[{_UP}][{_L}]+(?:-[{_UP}][{_L}]+)?){_SP}){{0,3}}"
)
_STREET = (
    rf"{_PRE_WORDS}"
    rf"(?:[{_UP}][{_L}\-]*?(?:{_suffix_alt})|(?:{_word_alt}))"
)
_STREET_LOWER = rf"[{_LO}]{{3,}}(?:gade|vej|allé|stræde)"
_NUMBER = (
    rf"{_SP}(?P<num>[1-9]\d{{0,2}}(?:[{_DASHES}]\d{{1,3}})?(?:[A-Za-z](?![\w])|{_SP}[A-H](?![\w.]))?)"
    rf"(?![\d\w])(?![.,]\d)(?!\.?{_SP}*(?:{_MONTHS})\b)(?!\.?{_SP}*(?:{_UNITS})(?![\w]))"
)
_SIDE = r"(?:th|tv|mf|t\.h|t\.v)\.?(?![\w])"
_FLOOR = (
    rf"(?:,?{_SP}*(?:st|stuen|kl|kld|parterre)\.?(?![\w])(?:,?{_SP}*{_SIDE})?"
    rf"|,?{_SP}*\d{{1,2}}\.?{_SP}*(?:sal\.?(?![\w])(?:,?{_SP}*{_SIDE})?|{_SIDE}))"
)
_TOWN = rf"[{_UP}][{_L}]+(?:[{_SP[1:-1]}\-][{_UP}][{_L}]+)?(?:{_SP}(?:C|K|V|Ø|N|S|M|SV|SØ|NV|NØ)(?![\w]))?"
_POSTTOWN = rf"(?:,?{_SP}+(?:DK-?)?[1-9]\d{{3}}{_SP}+{_TOWN})"

ADDRESS_RE = re.compile(
    rf"(?<![\w\[])(?P<street>{_STREET}|{_STREET_LOWER}){_NUMBER}(?P<floor>{_FLOOR})?(?P<post>{_POSTTOWN})?"
)
_ADDRESS_CUE = (
    r"(?:(?<![\w])(?:bor|boede|bosat|flyttet|flytter|flyttede|fraflyttet|tilflyttet|bopæl)"
    r"(?:\s+(?:nu|stadig|fortsat|sammen\s+med\s+\w+))?\s+(?:på|til|i|ved)\s+"
    r"|(?<![\w])(?:adresse|adr\.|bopæl|address|lives\s+(?:at|on)|moved\s+to)\s*:?\s*)"
)
ADDRESS_CUE_RE = re.compile(
    rf"(?i:{_ADDRESS_CUE})(?P<street>{_PRE_WORDS}[{_UP}][{_L}\-]+){_NUMBER}(?P<floor>{_FLOOR})?(?P<post>{_POSTTOWN})?"
)
#: Street names made of a preposition and a noun ("Ved Stranden", "Over Bækken", "Under Elmene",
#: "Bag Haverne"): a house number after them is an address without any cue.
ADDRESS_PREP_RE = re.compile(
    rf"(?<![\w\[])(?P<street>(?:Ved|Over|Under|Bag|Langs|Mellem|Uden{_SP}for|Neden{_SP}for|Oven{_SP}for)"
    rf"{_SP}[{_UP}][{_L}\-]+(?:{_SP}[{_UP}][{_L}\-]+)?){_NUMBER}(?P<floor>{_FLOOR})?(?P<post>{_POSTTOWN})?"
)
ADDRESS_POST_RE = re.compile(
    rf"(?<![\w\[])(?P<street>{_PRE_WORDS}[{_UP}][{_L}\-]+){_NUMBER}(?P<floor>{_FLOOR})?(?P<post>{_POSTTOWN})"
)


#: English street types after the street's name ("12 Baker Street", "221B Baker St.", "4 Elm Close").
#: The first kind names streets only; the second also names other things ("Youth Court", "Team
#: Walk", "Way", "Place"), so with it an address needs a cue before it or a postcode after it.
_EN_STREET_TYPES = "Street|Road|Avenue|Lane|Drive|Crescent|Gardens|Terrace|Mews|Boulevard"
_EN_STREET_ABBREVIATIONS = "St|Rd|Ave|Ln|Blvd"
_EN_WEAK_STREET_TYPES = "Close|Court|Place|Way|Square|Grove|Row|Parade|Walk"
_EN_WEAK = frozenset(_EN_WEAK_STREET_TYPES.split("|"))
#: A number after one of these is a year, a class or a group, not a house ("Year 9 Oak Court").
_EN_NOT_HOUSE_BEFORE = re.compile(r"(?i)(?<![\w])(?:year|years|yr|class|grade|stage|group|room|block|team|level|form|"
                                  r"klasse|årgang|uge|week|no|nr|number|unit|ward|bed|table|page|chapter|step)"
                                  r"\.?[ \u00a0]*$")
_EN_MONTHS = frozenset("january february march april may june july august september october november december "
                       "jan feb mar apr jun jul aug sep sept oct nov dec".split())
#: A word of an English street's name: any case (``O'Connell``, ``McDonald``, ``baker``), or an
#: ordinal (``5th Avenue``); a town: capitalised words, up to three after a comma (``New York``).
_EN_WORD = rf"(?:(?:[{_UP}]['’]|Ma?c)?[{_L}][{_LO}'’]+(?:-[{_L}][{_LO}]+)?|[1-9]\d{{0,2}}(?:st|nd|rd|th))"
_EN_TOWN = rf"[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?"
#: A UK postcode (``NW1 6XE``) or a US ZIP code with or without its state (``NY 10118``).
_EN_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?[ \u00a0]?\d[A-Z]{2}|(?:[A-Z]{2}[ \u00a0])?\d{5}(?:-\d{4})?)(?![\w])"
#: An English address: house number first, then one to three words and a street type, an optional
#: town and postcode ("12 Baker Street, London NW1 6XE", "350 Fifth Avenue, New York, NY 10118").
ADDRESS_EN_RE = re.compile(
    rf"(?<![\w\[.,])(?P<num>[1-9]\d{{0,3}}[A-Za-z]?),?{_SP}(?P<street>(?P<first>{_EN_WORD}){_SP}"
    rf"(?P<more>(?:{_EN_WORD}{_SP}){{0,2}})(?P<type>(?i:{_EN_STREET_TYPES}|{_EN_WEAK_STREET_TYPES})(?![\w])"
    rf"|(?i:{_EN_STREET_ABBREVIATIONS})(?![\w])\.?))"
    # a town after a comma, or right after the type; never after a full stop ("12 Baker Street. Then she …")
    rf"(?P<post>(?:,{_SP}{_EN_TOWN}(?:{_SP}(?:(?:upon|on|under|le){_SP})?{_EN_TOWN}){{0,2}}|(?<!\.){_SP}{_EN_TOWN})"
    rf"(?![\w])(?:,?{_SP}{_EN_POSTCODE})?)?"
)
_EN_POSTCODE_RE = re.compile(_EN_POSTCODE)
_EN_ADDRESS_CUE = re.compile(r"(?i)(?<![\w])(?:lives|lived|living|moved|address|resides)\b[^.!?\n]{0,20}$")
#: Street types that name nothing but a street, for an address in lower case without a cue ("12 baker
#: street"); "drive", "lane", "gardens" and the abbreviations also follow other words ("a 4 wheel drive").
_EN_PLAIN_TYPES = frozenset("street road avenue crescent terrace boulevard".split())
#: A number before one of these is a measure, not a house ("a 2 hour drive", "a 4 lane road").
_EN_UNITS = frozenset("hour hours minute minutes min mins second seconds day days week weeks month months year years "
                      "time times mile miles km metre metres meter meters foot feet yard yards block blocks lane lanes "
                      "way storey storeys story stories percent per pound pounds kg point points".split())
#: Words of a phrase, not of a street's name ("walked 2 blocks down the road").
_EN_FUNCTION = frozenset("the a an this that these those my his her our their its your to of in on at by from up down "
                         "along across into onto over under past near off out round around through towards toward for "
                         "with and or but".split())


#: A determiner before a number makes it a count ("the 3 high street shops", "a 2 hour drive").
_EN_DETERMINER_BEFORE = re.compile(r"(?i)(?<![\w])(?:the|a|an|these|those|all|some|many|few|several|other|"
                                   r"my|his|her|its|our|their|your)[ \u00a0]+$")


def _english_words_ok(text: str, m: re.Match, cue: bool) -> bool:
    """The words of an English-order match name a street: no measure after the number, and when it
    is not written as a name is written (capitalised): no function word, no determiner before the
    number, and a street-only type unless a cue says address ("lives at 12 baker street")."""
    words = [m.group("first")] + m.group("more").split()
    if words[0].lower() in _EN_UNITS:
        return False
    if m.group("type")[0].isupper() and all(w[0].isupper() or w[0].isdigit() for w in words):
        return True
    if any(w.lower() in _EN_FUNCTION for w in words):
        return False
    if _EN_DETERMINER_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return False
    return cue or m.group("type") in _EN_PLAIN_TYPES


def _english_addresses(text: str) -> list[Find]:
    """English-order addresses; a number that reads as a year (1800–2099) needs a cue before it
    ("In 1929 Wall Street crashed" stays)."""
    out = []
    for m in ADDRESS_EN_RE.finditer(text):
        num, lo = m.group("num"), max(0, m.start() - 40)
        cue = _EN_ADDRESS_CUE.search(text, lo, m.start()) is not None
        if _EN_NOT_HOUSE_BEFORE.search(text, lo, m.start()) or m.group("first").lower() in _EN_MONTHS:
            continue  # "Year 9 Oak Court", "on 5 May Family Court heard …"
        if not _english_words_ok(text, m, cue):
            continue
        weak = m.group("type").capitalize() in _EN_WEAK
        if not cue and ((num.isdigit() and 1800 <= int(num) <= 2099)
                        or (weak and not _EN_POSTCODE_RE.search(m.group("post") or ""))):
            continue
        out.append(Find("ADRESSE", m.start(), m.end(), "high" if m.group("post") else "medium"))
    return out


def find_addresses(text: str, keep: frozenset[str] = frozenset()) -> list[Find]:
    """Street addresses; ``keep`` holds lower-cased place names that are no street on their own."""
    if not _HAS_DIGIT.search(text):
        return []
    out = []
    for m in ADDRESS_RE.finditer(text):
        street = m.group("street")
        last = street.split()[-1].lower()
        if not m.group("post") and (last in keep or last in _NOT_STREET):
            continue
        out.append(Find("ADRESSE", m.start(), m.end(), "high" if m.group("post") or m.group("floor") else "medium"))
    for regex in (ADDRESS_CUE_RE, ADDRESS_POST_RE, ADDRESS_PREP_RE):
        for m in regex.finditer(text):
            out.append(Find("ADRESSE", m.start("street"), m.end(), "high"))
    return out + _english_addresses(text)
