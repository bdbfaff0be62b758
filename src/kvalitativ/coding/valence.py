"""Valence: is a coded theme a strength, a concern, or neither, in this sentence or note?

Two signals, because each fails where the other holds:

* **Lexical polarity with negation, in the codebook's language.** A small lexicon of words that
  signal a strength ("motiveret", "stabilt", "trives") or a concern ("fravær", "bekymret",
  "mobbet"), whose sign is flipped inside a negation scope: "ingen problemer med fremmødet" is a
  strength, "ikke motiveret" a concern, "ikke længere drillet" a strength, "ikke længere
  motiveret" a concern, "mangler motivation" a concern. Embeddings are weak at exactly this.
  Danish and English have a lexicon each (``LEXICON_LANGUAGES``; "No problems with attendance"
  is a strength, "truanting again" a concern); the codebook's ``language`` chooses, and a
  language without a lexicon of its own gets the Danish one.
* **Embedding contrast.** The similarity to the theme's strength examples minus that to its
  concern examples (from the codebook, each pole mixed with generic strength/concern
  phrasings). Catches paraphrases the lexicon lacks.

Neutral is the default: a valence is given only where one of the signals is clearly there.

* The embedding contrast counts only for a theme with strength or concern examples. A theme of
  bare names has no valence axis of its own; the generic phrasings alone measure how much a
  text reads like a note about a young person in trouble, and put most text that carries no
  concern at all (news, petitions, agenda items) on the concern side.
* The contrast is measured from where *neutral* text lies, and counts only outside the scatter
  of neutral text, both taken without labels from the codebook's own neutral phrasings (every
  theme's neutral examples, the codebook's ``uncoded_examples``) and a few generic ones
  (``GENERIC_NEUTRAL``): ``center_`` is their median contrast per theme, ``band_`` their robust
  spread (1.4826 × the median absolute deviation).

``ValenceScorer`` combines the two signals into a score in [-1, 1]: above ``margin`` is
"strength", below ``-margin`` is "concern", between is "neutral". See docs/benchmarks.md,
"Valence on neutral text", for the shares before and after on SIB-200 and the sample.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import numpy as np

__all__ = ["lexical_polarity", "lexical_polarities", "ValenceScorer", "VALENCES", "GENERIC_STRENGTH", "GENERIC_CONCERN",
           "GENERIC_NEUTRAL", "LEXICON_LANGUAGES", "generic_phrasings"]

VALENCES = ("strength", "concern", "neutral")

# Stems matched at the start of a lower-cased word ("motiver" matches "motiveret", "motivation").
_POSITIVE = """
god godt gode fin fint fine flot flotte dygtig dygtige glad glade tryg trygge trives trivsel
motiv engag ivrig gåpåmod positiv fremgang forbedr stabil stabilt stærk stærke selvstændig
ansvarlig ansvarsfuld pålidelig høflig respektful rummelig tolerant åben hjælpsom venlig
afklaret sikker overskud velfungerende fungerer lykkes klarer mestrer engageret interesser
udvikl bedre bedst styr succes roligere rolig stolt opbakning bakker støtter samarbejder
initiativ vedholdende flittig punktlig talentfuld tilfreds tak dejlig smuk forbedring
""".split()
_NEGATIVE = """
dårlig dårligt svær svært svag svage bekymr problem udfordr vanskelig fravær fraværet pjæk
forsinket sent udebl umotiver ugider gider uafklaret usikker utryg mistriv ked trist ensom
ensomhed angst depressi deprimer stress selvskade nedtrykt konflikt mobb drill slås slåskamp
chikane truer trusl vold respektløs uhøflig provoker ødelæg fordom afvis ligeglad opgiv
opgivende bagud huller ordblind misbrug hash beruset
alkohol stoffer skænderi skilsmisse brud anbragt udfordring kritisk farlig farligt klage
uacceptabel uudholdelig forfalden hærværk indbrud støj oversvømme lukning nedskæring ventetid
umulig svigt forværr tilbagefald droppe dropper stoppet udmeldt isoler isolerer trækker
""".split()
# Phrases checked before single words (matched on the lower-cased text).
_PHRASES_POS = ["har styr på", "går godt", "går bedre", "ser frem til", "har det godt", "har fået det bedre",
                "i god trivsel", "til tiden", "bakker op"]
_PHRASES_NEG = ["har det svært", "kommer for sent", "for sent", "op at slås", "holdt udenfor", "holder sig for sig selv",
                "giver op", "giver hurtigt op", "har det skidt", "går dårligt", "ikke noget at lave",
                "har svært ved", "svært ved"]
# Words that negate the polarity of what follows within the same clause.
_NEGATORS = {"ikke", "ingen", "intet", "aldrig", "uden", "ej", "hverken", "næppe", "ingenting", "mangler",
             "manglende", "mindre", "færre", "neg"}
# Multi-word negators, rewritten to the token "neg" before scoring ("stoppet med at ryge hash").
_NEGATOR_PHRASES = re.compile(r"\b(stoppet med|holdt op med|holder op med|holder sig fra|holdt sig fra|"
                              r"tager afstand fra|taget afstand fra|fri for|fritaget for)\b")
# "ikke længere" / "ikke mere": the negated state used to hold; "ikke længere drillet" = strength.
_CLAUSE_BREAK = re.compile(r"[,.;:!?]|\b(men|og|mens|selvom|dog)\b")
_TOKEN = re.compile(r"[a-zæøåéü]+(?:-[a-zæøåéü]+)*")
_SCOPE = 4  # words after a negator that it reaches

GENERIC_STRENGTH = [
    "Det går godt, og den unge udvikler sig positivt.",
    "Der er ingen problemer, og eleven klarer sig fint.",
    "En tydelig styrke og en positiv udvikling.",
]
GENERIC_CONCERN = [
    "Det går dårligt, og der er bekymring for den unge.",
    "Den unge har store problemer og svært ved det.",
    "En tydelig udfordring og en negativ udvikling.",
]
# Statements of fact with no judgement in them: where neutral text lies on a theme's
# strength-concern axis, and how far it scatters (written for the lexicon, not taken from notes).
GENERIC_NEUTRAL = [
    "Mødet holdes på tirsdag klokken ti.",
    "Skolen ligger i den nordlige del af byen.",
    "Sagen handler om åbningstiderne.",
    "Punktet behandles på næste møde.",
    "Der er fire og tyve elever i klassen.",
    "Brevet blev sendt i sidste uge.",
    "Det nye skoleår begynder i august.",
    "Forslaget blev modtaget og registreret.",
]


# English: the same kinds of words, written for notes about pupils in English (not taken from any data).
# Whole words with their inflections (``_english_forms``), not stems: an English stem starts too many
# other words ("quit" quite, "late" later, "safe" safeguarding, "bad" badminton, "harm" harmony).
_POSITIVE_EN_WORDS = """
good fine great excellent happy happily happiness glad safe thrive thriving motivated motivation keen
eager positive positively progress improve improvement stable stability strong independent independence
responsible reliable polite respectful tolerant helpful kind friendly settled confident confidence
succeed success successful successfully proud calm calmer punctual diligent enjoy enjoyment better best
cooperate cooperative cooperation participate participation committed focused content grateful engaged
engagement
""".split()
_NEGATIVE_EN_WORDS = """
bad badly poor poorly difficult difficulty difficulties struggle problem concern concerned concerning worry
worried absent absence absences absenteeism truant truancy truanting skip skipped skipping missed missing late
lateness unmotivated demotivated bored boring insecure unsafe unhappy sad upset lonely loneliness isolated
isolation anxious anxiety depressed depression depressive stress stressed self-harm harm harmed conflict
fight fought bully bullied bullying tease teased teasing harass harassed harassment threat threaten
violence violent disrespect disrespectful rude provoke provocative destroy vandalism drunk drug drugs
cannabis alcohol abuse smoking argument divorce fail failed failing failure worse worsen decline
deteriorate irresponsible unreliable aggression aggressive angry anger afraid scared fear frightened
disrupt disruptive excluded exclusion expelled suspended suspension quit
""".split()


#: The verbs and nouns of the two lists, which inflect; every other word (an adjective such as
#: "fine", whose "fined" is no strength) is matched as written.
_EN_VERBS = frozenset("""thrive improve progress succeed enjoy cooperate participate engage struggle worry skip
miss isolate stress harm fight bully tease harass threaten provoke destroy abuse smoke fail worsen decline
deteriorate disrupt exclude expel suspend fear frighten""".split())
_EN_NOUNS = frozenset("""problem concern difficulty worry conflict fight threat drug argument failure absence
success improvement""".split())


def _english_forms(words: list[str]) -> list[str]:
    """Each word with the inflections a note may use: a verb's (struggle → struggles, struggled,
    struggling), a noun's plural; other words as written."""
    out = set(words)
    for w in words:
        if w in _EN_VERBS:
            stem = w[:-1] if w.endswith("e") else w
            out.update({w + "s", stem + "ed", stem + "ing"})
            if w.endswith("y"):
                out.update({w[:-1] + "ies", w[:-1] + "ied"})
            if w in ("skip", "fight"):
                out.update({"skipped", "skipping"} if w == "skip" else {"fighting"})
        if w in _EN_NOUNS:
            out.add(w[:-1] + "ies" if w.endswith("y") and w[-2] not in "aeiou" else w + "s")
    return sorted(out)


_POSITIVE_EN = _english_forms(_POSITIVE_EN_WORDS)
_NEGATIVE_EN = _english_forms(_NEGATIVE_EN_WORDS)
_PHRASES_POS_EN = ["on time", "doing well", "going well", "getting better", "looking forward", "looks forward",
                   "gets along", "get along", "got along", "in control", "well done", "settled in"]
_PHRASES_NEG_EN = ["came late", "comes late", "arrived late", "arrives late", "was late", "is late", "late for",
                   "falling behind", "fallen behind", "fell behind", "lost interest", "dropped out", "drop out",
                   "hard time", "finds it hard", "finds it difficult", "gave up", "gives up", "giving up",
                   "left out", "keeps to himself", "keeps to herself", "keeps to themselves", "no-show",
                   "without notice", "not turning up", "did not turn up", "didn't turn up"]
_NEGATORS_EN = {"not", "no", "never", "without", "none", "nothing", "nobody", "neither", "nor", "hardly",
                "barely", "lacks", "lacking", "lack", "less", "fewer", "neg"}
_NEGATOR_PHRASES_EN = re.compile(r"\b(stopped|quit|free of|free from|kept away from|keeps away from|stays away from|"
                                 r"stayed away from)\b")
_CLAUSE_BREAK_EN = re.compile(r"[,.;:!?]|\b(but|and|while|although|though|however|whereas)\b")
_NOT_SCORED_EN = {"longer", "more"}
GENERIC_STRENGTH_EN = [
    "Things are going well, and the young person is developing positively.",
    "There are no problems, and the pupil is doing fine.",
    "A clear strength and a positive development.",
]
GENERIC_CONCERN_EN = [
    "Things are going badly, and there is concern for the young person.",
    "The young person has serious problems and is having a hard time.",
    "A clear difficulty and a negative development.",
]
GENERIC_NEUTRAL_EN = [
    "The meeting is held on Tuesday at ten o'clock.",
    "The school is in the northern part of the town.",
    "The case is about the opening hours.",
    "The item will be discussed at the next meeting.",
    "There are twenty-four pupils in the class.",
    "The letter was sent last week.",
    "The new school year starts in August.",
    "The proposal was received and registered.",
]


def _prefix_pattern(stems: list[str]) -> str:
    """A regex that matches where one of ``stems`` starts, written as a letter tree: the engine
    follows one branch per letter instead of trying every stem (a few times faster). A stem
    that another stem starts with makes the longer one redundant for this prefix test."""
    tree: dict = {}
    for stem in stems:
        node = tree
        for ch in stem:
            node = node.setdefault(ch, {})
        node[""] = {}  # a stem ends here

    def emit(node: dict) -> str:
        if "" in node:
            return ""
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(tree)


_L = "a-zæøåéü"
_PREFIX_NEG = ("u",)  # "umotiveret", "uafklaret", "utryg": caught by the lexicon directly
_CONTRACTION = re.compile(r"n['’]t\b")  # "doesn't" -> "does not": the negator is a word of its own


class _Lexicon:
    """One language's polarity words, phrases, negators and clause breaks, compiled once.

    One pass over a text finds the words that start with a concern stem (group "neg", checked
    first) or a strength stem ("pos"), and skips all others inside the regex engine. A word is
    a ``_TOKEN``: it starts where no letter (nor a letter and a hyphen, "skole-hjem") precedes,
    and the stems are letters only, so this finds exactly the tokens that start with a stem.
    """

    def __init__(self, positive, negative, phrases_pos, phrases_neg, negators, negator_phrases, clause_break,
                 not_scored=(), contractions: bool = False, whole_words: bool = False):
        self.negators = frozenset(negators)
        self.negator_phrases = negator_phrases
        self.clause_break = clause_break
        self.contractions = contractions
        if whole_words:  # the listed forms only, never a longer word that starts with one
            alt = lambda ws: "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True))  # noqa: E731
            self.signed_token = re.compile(rf"(?<![{_L}])(?<![{_L}]-)(?:(?P<neg>{alt(negative)})|"
                                           rf"(?P<pos>{alt(positive)}))(?![{_L}])(?!-[{_L}])")
        else:
            self.signed_token = re.compile(rf"(?<![{_L}])(?<![{_L}]-)(?:(?P<neg>{_prefix_pattern(negative)})|"
                                           rf"(?P<pos>{_prefix_pattern(positive)}))[{_L}]*(?:-[{_L}]+)*")
        self.phrase_patterns = [(ph, re.compile(r"(?<![a-zæøå])" + re.escape(ph) + r"(?![a-zæøå])"), sign)
                                for phrases, sign in ((phrases_neg, -1), (phrases_pos, 1)) for ph in phrases]
        # most texts hold none of the phrases: one search tells, before the phrase-by-phrase pass
        self.any_phrase = re.compile(r"(?<![a-zæøå])(?:" + "|".join(re.escape(ph) for ph in [*phrases_neg, *phrases_pos])
                                     + r")(?![a-zæøå])")
        self.not_scored = frozenset(self.negators | set(not_scored))  # negation words carry no polarity

    def polarity(self, text: str) -> float:
        low = text.lower()
        if self.contractions:
            low = _CONTRACTION.sub(" not", low)
        low = self.negator_phrases.sub(_neg_token, low)
        total, n = 0.0, 0
        # phrases first; remove them so their words are not counted twice
        if self.any_phrase.search(low):
            for phrase, pattern, sign in self.phrase_patterns:
                if phrase not in low:  # a cheap substring test spares most of the regex scans
                    continue
                for m in pattern.finditer(low):
                    total += sign * (-1 if self.negated(low, m.start()) else 1)
                    n += 1
                    low = low[: m.start()] + " " * (m.end() - m.start()) + low[m.end():]
        breaks = None
        for m in self.signed_token.finditer(low):
            if m.group() in self.not_scored:
                continue
            if breaks is None:  # clause breaks are found once per text, not once per word
                breaks = [b.end() for b in self.clause_break.finditer(low)]
            sign = -1 if m.group("neg") is not None else 1
            total += sign * (-1 if self.negated(low, m.start(), breaks) else 1)
            n += 1
        if n == 0:
            return 0.0
        return min(1.0, max(-1.0, total / n))

    def negated(self, low: str, pos: int, breaks: list[int] | None = None) -> bool:
        """Is the word at ``pos`` inside the scope of a negator in the same clause?

        The clause starts at the last break that ends at or before ``pos``; the negators among
        its last ``_SCOPE`` words before ``pos`` flip. ``pos`` is always the start of a word, so
        no break straddles it.
        """
        if breaks is None:
            breaks = [b.end() for b in self.clause_break.finditer(low)]
        k = bisect_right(breaks, pos)
        words = _TOKEN.findall(low, breaks[k - 1] if k else 0, pos)[-_SCOPE:]
        return sum(1 for w in words if w in self.negators) % 2 == 1


def _neg_token(m: re.Match) -> str:
    return "neg" + " " * (len(m.group()) - 3)


_LEXICONS = {
    "da": _Lexicon(_POSITIVE, _NEGATIVE, _PHRASES_POS, _PHRASES_NEG, _NEGATORS, _NEGATOR_PHRASES, _CLAUSE_BREAK,
                   not_scored=("længere", "mere")),
    "en": _Lexicon(_POSITIVE_EN, _NEGATIVE_EN, _PHRASES_POS_EN, _PHRASES_NEG_EN, _NEGATORS_EN, _NEGATOR_PHRASES_EN,
                   _CLAUSE_BREAK_EN, not_scored=_NOT_SCORED_EN, contractions=True, whole_words=True),
}
#: Languages with a lexicon of their own; any other language is scored with the Danish one.
LEXICON_LANGUAGES = tuple(_LEXICONS)
_GENERIC = {"da": (GENERIC_STRENGTH, GENERIC_CONCERN, GENERIC_NEUTRAL),
            "en": (GENERIC_STRENGTH_EN, GENERIC_CONCERN_EN, GENERIC_NEUTRAL_EN)}


def _lexicon(language: str | None) -> _Lexicon:
    return _LEXICONS.get(str(language or "da").lower()[:2], _LEXICONS["da"])


def generic_phrasings(language: str | None = "da") -> tuple[list[str], list[str], list[str]]:
    """The generic strength, concern and neutral phrasings of ``language`` (Danish where none)."""
    return _GENERIC.get(str(language or "da").lower()[:2], _GENERIC["da"])


def lexical_polarity(text: str, language: str | None = "da") -> float:
    """Polarity of ``text`` from the lexicon of ``language``, with negation: a value in [-1, 1] (0 = no cue).

    >>> lexical_polarity("Ingen problemer med fremmødet.") > 0
    True
    >>> lexical_polarity("Han er ikke motiveret.") < 0
    True
    >>> lexical_polarity("No problems with attendance at all.", "en") > 0
    True
    """
    return _lexicon(language).polarity(text)


def lexical_polarities(texts, language: str | None = "da") -> np.ndarray:
    """``lexical_polarity`` of each text, as a float array; a text repeated in ``texts`` is
    scored once (sentences recur across notes, and a unit coded with several themes recurs)."""
    lexicon = _lexicon(language)
    memo: dict[str, float] = {}
    out = np.empty(len(texts), dtype=float)
    for i, t in enumerate(texts):
        p = memo.get(t)
        if p is None:
            p = memo[t] = lexicon.polarity(t)
        out[i] = p
    return out


class ValenceScorer:
    """Score valence for (unit, theme) pairs from the codebook alone.

    Fit with the codebook themes and an embedder; ``score(unit_vectors, texts, theme_index)``
    returns values in [-1, 1]. ``lexical_weight`` balances the lexicon against the embedding
    contrast; ``margin`` is the neutral band of the score. The embedding contrast counts only
    for themes with strength or concern examples (``has_examples_``), measured from ``center_``
    and only beyond ``band_``, which is ``neutral_spread`` robust spreads of the neutral
    phrasings' contrast (0 = centring only; see the module docs). ``language``: the lexicon and
    the generic phrasings (the codebook's ``language``; Danish where there is no lexicon of its own).
    """

    def __init__(self, lexical_weight: float = 0.6, margin: float = 0.15, contrast_scale: float = 0.05,
                 neutral_spread: float = 1.0, language: str = "da"):
        self.lexical_weight = lexical_weight
        self.margin = margin
        self.contrast_scale = contrast_scale
        self.neutral_spread = neutral_spread
        self.language = language

    def fit(self, themes, encode, neutral=()) -> "ValenceScorer":
        """``themes``: codebook Theme objects (the coder's classes); ``encode``: texts -> vectors;
        ``neutral``: more phrasings that carry no valence (the codebook's ``uncoded_examples``)."""
        strength, concern, generic_neutral = generic_phrasings(self.language)
        gs = _mean_vec(encode(strength))
        gc = _mean_vec(encode(concern))
        pos, neg = [], []
        for t in themes:
            ps = _mean_vec(encode(t.examples_strength)) if t.examples_strength else None
            pc = _mean_vec(encode(t.examples_concern)) if t.examples_concern else None
            pos.append(_unit(gs + (ps if ps is not None else 0) * 2))
            neg.append(_unit(gc + (pc if pc is not None else 0) * 2))
        self.strength_ = np.vstack(pos)
        self.concern_ = np.vstack(neg)
        self.has_examples_ = np.array([bool(t.examples_strength or t.examples_concern) for t in themes], dtype=bool)
        texts = list(dict.fromkeys([*generic_neutral, *neutral, *(e for t in themes for e in t.examples_neutral)]))
        C = np.asarray(encode(texts), dtype=np.float32) @ (self.strength_ - self.concern_).T
        self.center_ = np.median(C, axis=0)
        self.band_ = self.neutral_spread * 1.4826 * np.median(np.abs(C - self.center_), axis=0)
        return self

    def score(self, vectors: np.ndarray, texts: list[str], theme_index: np.ndarray) -> np.ndarray:
        """Valence score in [-1, 1] for each (vectors[i], texts[i], theme theme_index[i])."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(texts) == 0:
            return np.zeros(0)
        theme_index = np.asarray(theme_index, dtype=int)
        contrast = np.einsum("ij,ij->i", vectors, self.strength_[theme_index]) - np.einsum(
            "ij,ij->i", vectors, self.concern_[theme_index]) - self.center_[theme_index]
        clear = self.has_examples_[theme_index] & (np.abs(contrast) > self.band_[theme_index])
        emb = np.where(clear, np.tanh(contrast / self.contrast_scale), 0.0)
        lex = lexical_polarities(texts, self.language)
        has_lex = lex != 0
        w = np.where(has_lex, self.lexical_weight, 0.0)
        return w * lex + (1 - w) * emb

    def label(self, scores: np.ndarray) -> np.ndarray:
        return np.where(scores > self.margin, "strength", np.where(scores < -self.margin, "concern", "neutral"))


def _mean_vec(x: np.ndarray) -> np.ndarray:
    return _unit(np.asarray(x, dtype=np.float32).mean(axis=0))


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    n = float(np.linalg.norm(v))
    return v / n if n else v
