"""Context that says a capitalised word is *not* a person: topic words, places, titles.

The name finder (:mod:`kvalitativ.privacy.names`) takes a rare capitalised word in the middle of
a sentence for a name: in municipal notes that is usually right. In agenda titles, petition
titles and news it is not: "Stop the Trans-Pacific Partnership", "Fund Endometriosis research",
"the Caspian Sea", "Det Ægæiske Hav", "Nepalese officials". The checks here say so from the
words around the token, not from a list of the words themselves, so they carry over to exports
nobody has seen:

- **title case**: in a line where most words are capitalised, a capital carries no evidence;
- **an article before** ("the", "a", "det", "den" ...): persons are rarely "the X";
- **a head noun** in or next to the run (Sea, River, Republic, University, Hav, Republik ...):
  the run names a place or an organisation;
- **word shape** of the language: English derived nouns (-osis, -ism, -ment, -ity ...) and
  demonyms (-ian, -ese, -ans) that no verb of a person follows;
- **word class** in English: a first name that English uses as an adjective, before a noun
  ("lone parent", "christian values"), is the adjective.

Each check is skipped when a cue says person ("hedder", "mor", "teacher") — the caller decides.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from importlib import resources

from kvalitativ.text.language import guess_language

#: Language values the redaction rules accept (``ingest.language``): auto = guess per text.
LANGUAGES: tuple[str, ...] = ("auto", "da", "en")

_ARTICLES = frozenset("the a an this that these those its their our det den denne dette disse et".split())

#: Words that head the name of a place, a body or an event ("Caspian Sea", "Uppsala University").
_HEADS = frozenset(
    (
        # English: nature and places
        "sea ocean river lake valley mountain mountains mount island islands isle bay strait gulf canal "
        "desert forest square bridge avenue airport station peninsula coast creek falls reserve region "
        "province county district republic kingdom empire dynasty state states city "
        # English: bodies, events, things
        "university institute office ministry department agency committee subcommittee council parliament "
        "congress senate party union league federation association society foundation company corporation "
        "airways airlines bank group cup championship championships games olympics award prize festival "
        "report treaty war act syndrome disease cathedral palace castle museum hotel tower stadium "
        "partnership pipeline project programme program agreement convention "
        # Danish: nature, places, bodies
        "hav havet sø søen flod floden øen øer øerne bjerg bjerget bjergene dalen ørken ørkenen bugt bugten "
        "kanal kanalen republik republikken kongerige kongeriget rige riget kejserrige dynasti dynastiet "
        "universitet universitetet parti partiet komité komitéen udvalg udvalget forbund forbundet selskab "
        "selskabet ministerium ministeriet styrelse styrelsen region regionen provins provinsen stat staten"
    ).split()
)
#: Lower-case nouns that put a place or a body's name after them ("øen Upolu", "the city of Bishkek").
_APPOSITIVE = frozenset(
    "byen øen øerne landet floden staten regionen provinsen hotellet firmaet virksomheden organisationen "
    "gruppen holdet klubben bandet partiet selskabet avisen programmet operation "
    "city town island village river state province hotel company organisation organization group team club "
    "band country region newspaper "
    # kinds of named things that are no persons: storms, ships, sky bodies, taxa, charities
    "cyklon cyklonen orkan orkanen storm stormen tyfon skibet sonden missionen planeten månen galaksen slægten "
    "arten cyclone hurricane typhoon ship probe mission planet moon galaxy genus species charity "
    # compass adjectives: "det østlige Moldova", "eastern Moldova"
    "østlige vestlige nordlige sydlige eastern western northern southern".split()
)
_COMPASS_BEFORE_RE = re.compile(r"(?i)(?<![\w])(?:nord|syd|øst|vest|north|south|east|west)(?:[ \t]+(?:for|of))[ \t]*$")
_COMPOUND_AFTER_RE = re.compile(r"-[a-zæøåäöü]")
#: Words that begin the name of a place ("Lake Onega", "Mount Everest", "Kap Horn").
_PLACE_PREFIXES = frozenset("lake mount cape fort port river saint san santa kap sankt".split())

_EN_NOUN_ENDINGS = (
    "osis", "itis", "ism", "isms", "ology", "ologies", "ment", "ments", "ness", "ity", "ities", "ship",
    "ics", "ance", "ence", "tions", "sions", "ution", "ories",
)
_DEMONYM_ENDINGS = ("ian", "ians", "ean", "eans", "ese", "ish", "ans")
_WORDS_RE = re.compile(r"[^\W\d_][\w'’-]*")
_SEGMENT_RE = re.compile(r"[^.!?:;\n•]+")


def title_case_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences or lines written in title case: at least three words after the first,
    and three in four of them capitalised ("Fund Endometriosis Research Now", "Frigivelse Af
    Anlægsbevilling Til Skolen"; not "Today's Player of the Day is Alex Ovechkin")."""
    out = []
    for seg in _SEGMENT_RE.finditer(text):
        words = _WORDS_RE.findall(seg.group(0))[1:]
        if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.75 * len(words):
            out.append(seg.span())
    return out


def inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` lies in one of ``spans``."""
    return any(s <= pos < e for s, e in spans)


def after_article(prev_word: str) -> bool:
    """The word before is an article or determiner ("the Sundarbans", "det Kaspiske Hav") or a
    noun that puts a place or body's name after it ("øen Upolu", "the city of Bishkek")."""
    return prev_word in _ARTICLES or prev_word in _APPOSITIVE


def place_context(text: str, start: int, end: int) -> bool:
    """Compass-and-preposition before ("nord for Trenton", "north of Mecca"), or the word is the
    first part of a hyphenated compound ("Schengen-landet", "Kyoto-protokollen")."""
    return _COMPASS_BEFORE_RE.search(text, max(0, start - 16), start) is not None or \
        _COMPOUND_AFTER_RE.match(text, end) is not None


def names_a_place(bases: list[str], next_base: str | None) -> bool:
    """A run of capitalised words (lower-cased, genitive stripped) that names a place or a body:
    it holds a head noun, is followed by one, or begins with a place prefix."""
    if bases and bases[0] in _PLACE_PREFIXES and len(bases) > 1:
        return True
    return any(b in _HEADS for b in bases[1:]) or (next_base is not None and next_base in _HEADS)


def english_noun(low: str) -> bool:
    """An English derived noun by its ending ("endometriosis", "prosecutions", "paralympics")."""
    return len(low) >= 7 and low.endswith(_EN_NOUN_ENDINGS)


def demonym(low: str) -> bool:
    """A demonym or a language ("tibetans", "nepalese", "tasmanian", "croatian")."""
    return len(low) >= 6 and low.endswith(_DEMONYM_ENDINGS)


def english_rules(language: str, text: str) -> bool:
    """Whether the English word-shape rules apply to ``text`` under ``ingest.language``."""
    if language == "da":
        return False
    if language == "en":
        return True
    return guess_language(text) != "da"


@functools.lru_cache(maxsize=1)
def _english_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """English adjectives and adverbs, and nouns: WordNet's lemmas as spaCy's lookup data ships them
    (``spacy-lookups-data``, a dependency). Its nouns hold persons' names too ("karen", "noah"); its
    adjectives hardly any, so an adjective there is an ordinary word. Empty when the data is missing."""
    try:
        raw = resources.files("spacy_lookups_data").joinpath("data", "en_lemma_index.json.gz").read_bytes()
        index = json.loads(gzip.decompress(raw))
    except (ImportError, OSError, ValueError):
        return frozenset(), frozenset()
    return frozenset(index.get("adj", []) + index.get("adv", [])), frozenset(index.get("noun", []))


def english_modifier(word: str, next_word: str) -> bool:
    """``word`` is an English adjective or adverb and ``next_word`` a noun it goes with ("lone parent",
    "lone parents"): in an English text the pair is a phrase, not a first name and a word. A next word
    that is an adverb or adjective as well ("today", "back", "home", "yesterday": nouns in WordNet
    too) says nothing of the word before it ("met with lone today" is a person: a review)."""
    modifiers, nouns = _english_lexicon()
    if word not in modifiers or next_word in modifiers:
        return False
    forms = [next_word] + [next_word[: -len(end)] for end in ("es", "s") if next_word.endswith(end)]
    if next_word.endswith("ies"):
        forms.append(next_word[:-3] + "y")
    return any(n in nouns for n in forms)  # "parents", "families": the plural of a noun in the list
