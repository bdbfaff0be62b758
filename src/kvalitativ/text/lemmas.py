"""Danish lemmas for keywords: lower-case, æøå kept, spaCy lookup lemmas, curated stop list.

Why: topic words must be readable Danish ("trivsel", "fremmøde", "søvn"), inflections
must count as one word ("skolen", "skoler" -> "skole"), and words like "ikke" or
"alene" must survive. spaCy has no trained Danish pipeline offline, so we use
``spacy.blank("da")`` for tokenising and the lookup table from
``spacy-lookups-data`` for lemmas. The table is case-sensitive: we lower-case first.

Use only for keywords (c-TF-IDF, NPMI, codebook seed words) — never before embedding.

Example::

    from sklearn.feature_extraction.text import CountVectorizer
    from kvalitativ.text.lemmas import DanishAnalyzer
    cv = CountVectorizer(analyzer=DanishAnalyzer(ngram_range=(1, 2)))
    DanishAnalyzer()("Skolebørnene sover dårligt og mødte ikke op")
    # ['skolebarn', 'sove', 'dårlig', 'møde', 'ikke']
"""

from __future__ import annotations

import re
from functools import lru_cache

from kvalitativ.text.stopwords import DANISH_STOPWORDS, MEANING_BEARING, english_stopwords

# Redaction placeholders such as [CPR], [NAVN], [NAVN_2], <EMAIL>: never topic words.
_PLACEHOLDER = re.compile(r"\[[^\]\s]{1,40}\]|<[A-ZÆØÅ_0-9]{2,40}>")
# A word: letters (æøå and accented letters included), optionally hyphenated.
_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")
# Lookup-table lemmas that are wrong for common words in notes (godt -> "godte" = sweets,
# talt -> "tælle" where notes mean "har talt med", svært -> "sværte", let -> "le").
_LEMMA_OVERRIDES = {"godt": "god", "dårligt": "dårlig", "talt": "tale", "aftalt": "aftale",
                    "svært": "svær", "let": "let", "lettere": "let"}


#: Languages with a tokenizer, lookup lemmas and a stop list here ("da" is the default).
LANGUAGES = ("da", "en")


@lru_cache(maxsize=len(LANGUAGES))
def _pipeline(language: str = "da"):
    """spaCy blank tokenizer + the lookup lemma table of ``language`` (loaded once per process)."""
    import spacy

    nlp = spacy.blank(language)
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    table = lemmatizer.lookups.get_table("lemma_lookup")
    return nlp.tokenizer, table


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str = "da") -> str:
    """The lookup lemma of one lower-case word (the word itself when unknown)."""
    if language == "da" and word in _LEMMA_OVERRIDES:
        return _LEMMA_OVERRIDES[word]
    _, table = _pipeline(language)
    return table.get(word, word)


def is_danish_word(word: str) -> bool:
    """True when the lower-case *word* is a form or a lemma in the Danish lookup table."""
    _, table = _pipeline()
    return word in table or word in _lemma_values()


@lru_cache(maxsize=1)
def _lemma_values() -> frozenset[str]:
    _, table = _pipeline()
    return frozenset(table.values())


class DanishAnalyzer:
    """Text -> list of lemmatised Danish keyword tokens (a CountVectorizer analyzer).

    Parameters
    ----------
    stop_words : iterable of str, optional
        Dropped when the word or its lemma is in it (default: DANISH_STOPWORDS).
        Words in MEANING_BEARING are always kept, in their own form.
    ngram_range : (int, int)
        Also emit n-grams of the kept lemmas, e.g. (1, 2) gives "dårlig søvn".
    min_length : int
        Shortest token kept (in characters).
    lemmatize : bool
        False keeps lower-cased surface forms.

    language : str
        "da" (default) or "en": the tokenizer, lemma table and default stop list (English notes
        would otherwise get Danish lemmas: "stopped" → "stoppe", "nets" → "nette").

    Plain parameters only, so the analyzer is rebuilt from JSON (no pickles).
    """

    def __init__(self, stop_words=None, ngram_range=(1, 1), min_length=2, lemmatize=True, language="da"):
        self.stop_words = stop_words
        self.ngram_range = tuple(ngram_range)
        self.min_length = min_length
        self.lemmatize = lemmatize
        self.language = language

    def to_dict(self) -> dict:
        """JSON-able parameters (stop_words only when not the default).

        Not ``get_params``: scikit-learn would expand it into CountVectorizer's own parameters.
        """
        stop = None if self.stop_words is None else sorted(self.stop_words)
        params = {"stop_words": stop, "ngram_range": list(self.ngram_range),
                  "min_length": self.min_length, "lemmatize": self.lemmatize}
        return params if self.language == "da" else {**params, "language": self.language}

    def _stop(self) -> frozenset[str]:
        if self.stop_words is not None:
            return frozenset(self.stop_words)
        return DANISH_STOPWORDS if self.language == "da" else english_stopwords()

    def segments(self, text: str) -> list[list[str]]:
        """Keyword tokens of *text*, split where punctuation ends a phrase (n-grams stay inside)."""
        if not isinstance(text, str) or not text:
            return []
        tokenizer, _ = _pipeline(self.language)
        stop = self._stop()
        keep = MEANING_BEARING if self.language == "da" else frozenset()
        segs, cur = [], []
        for tok in tokenizer(_PLACEHOLDER.sub(" . ", text).lower()):
            if tok.is_punct:
                if cur:
                    segs.append(cur)
                    cur = []
                continue
            word = tok.text.strip("-")
            if len(word) < self.min_length or not _WORD.match(word):
                continue
            lem = lemma(word, self.language) if self.lemmatize else word
            if word in keep:
                cur.append(word if word not in _LEMMA_OVERRIDES else lem)
            elif lem in keep:
                cur.append(lem)
            elif not (word in stop or lem in stop or len(lem) < self.min_length):
                cur.append(lem)
        if cur:
            segs.append(cur)
        return segs

    def tokens(self, text: str) -> list[str]:
        """Unigram keyword tokens of *text* in order."""
        return [t for seg in self.segments(text) for t in seg]

    def __call__(self, text: str) -> list[str]:
        lo, hi = self.ngram_range
        if (lo, hi) == (1, 1):
            return self.tokens(text)
        segs = self.segments(text)
        grams = []
        for n in range(max(lo, 1), hi + 1):
            for toks in segs:
                grams.extend(" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1))
        return grams

    def __repr__(self) -> str:
        lang = "" if self.language == "da" else f", language={self.language!r}"
        return f"DanishAnalyzer(ngram_range={self.ngram_range}, lemmatize={self.lemmatize}{lang})"


def lemmatise_phrase(text: str, language: str = "da") -> str:
    """Lemmatised, stop-word-free form of a short phrase (e.g. a codebook keyword)."""
    return " ".join(DanishAnalyzer(language=language)(text))


__all__ = ["DanishAnalyzer", "lemma", "lemmatise_phrase", "is_danish_word"]
