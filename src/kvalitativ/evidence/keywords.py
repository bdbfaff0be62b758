"""Keywords per theme × valence: weighted log-odds of the theme's sentences against the rest.

Why log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008) rather than
raw frequency or plain c-TF-IDF: frequent words ("elev", "skole") dominate raw counts, and
rare words dominate unsmoothed ratios; the z-score of the smoothed log-odds ranks words that
are both frequent in the theme and distinctive for it. Words come from
:class:`kvalitativ.text.lemmas.DanishAnalyzer` (lemmas, curated stop list keeping "ikke",
"meget", ...). A word is only shown when at least ``min_persons`` different persons used it
in the theme's sentences, so a rare word cannot point at one person.
"""

from __future__ import annotations

import functools
from array import array
from collections import Counter

import numpy as np
import pandas as pd

from kvalitativ.evidence.counts import NoteLookup, theme_groups, theme_spans, themed
from kvalitativ.text.lemmas import LANGUAGES, DanishAnalyzer

__all__ = ["theme_keywords", "keyword_language"]

#: Distinct sentences whose words are kept between themes (a sentence coded with several themes
#: is analysed once); bounded, so memory does not grow with the corpus.
TOKEN_CACHE = 65_536


def theme_keywords(
    codings: pd.DataFrame,
    corpus: pd.DataFrame,
    *,
    top_n: int = 8,
    min_persons: int = 5,
    min_z: float = 1.96,
    prior: float = 500.0,
    analyzer=None,
    language: str | None = None,
) -> pd.DataFrame:
    """Distinctive words per theme × valence.

    Returns theme_id, valence, rank, keyword, z (log-odds z-score), n_persons (persons whose
    theme sentences use it), sorted by theme, valence, rank. ``prior`` is the total weight
    α0 of the Dirichlet prior, spread over words by their corpus frequency. ``language`` ("da",
    "en"; None or "auto": what most notes' ``language`` column says) chooses the lemmas and stop
    words.
    """
    codings = themed(codings)
    analyzer = analyzer or DanishAnalyzer(ngram_range=(1, 2), language=keyword_language(corpus, language))
    empty = pd.DataFrame(columns=["theme_id", "valence", "rank", "keyword", "z", "n_persons"])
    if codings.empty or corpus.empty:
        return empty
    @functools.lru_cache(maxsize=TOKEN_CACHE)
    def toks(text: str) -> tuple[str, ...]:
        return tuple(analyzer(text)) if isinstance(text, str) else ()

    total = Counter()
    for text in corpus["text"]:
        if isinstance(text, str):
            total.update(analyzer(text))
    n_total = sum(total.values())
    if n_total == 0:
        return empty
    vocab = list(total)
    index = {w: i for i, w in enumerate(vocab)}
    y_all = np.array([total[w] for w in vocab], dtype=float)
    alpha = prior * y_all / n_total
    a0 = alpha.sum()

    lookup = NoteLookup(corpus)
    rows = []
    for theme, valence, group in theme_groups(codings):
        spans = theme_spans(group, corpus, lookup=lookup)
        y_i, n_persons = _word_counts(spans, toks, index)
        if not y_i.any():
            continue
        y_j = np.clip(y_all - y_i, 0, None)
        n_i, n_j = y_i.sum(), y_j.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.log((y_i + alpha) / (n_i + a0 - y_i - alpha)) - np.log((y_j + alpha) / (n_j + a0 - y_j - alpha))
            z = d / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
        order = np.argsort(-z, kind="stable")
        rank = 0
        covered: set[str] = set()
        for i in order:
            if not np.isfinite(z[i]) or z[i] < min_z or rank >= top_n:
                break
            w = vocab[i]
            if n_persons[i] < min_persons or set(w.split()) <= covered:
                continue  # too few persons, or nothing new ("ofte sen" after "ofte" and "sen")
            covered.update(w.split())
            rank += 1
            rows.append((theme, valence, rank, w, float(z[i]), int(n_persons[i])))
    if not rows:
        return empty
    return pd.DataFrame(rows, columns=empty.columns)


def keyword_language(corpus: pd.DataFrame, language: str | None = None) -> str:
    """The language keywords are made in: ``language`` when it names one ``DanishAnalyzer`` has,
    else English when most notes were read as English at ingest, else Danish."""
    from kvalitativ.link.language import language_of, output_language

    if language in LANGUAGES:
        return language
    return output_language(None, language_of(corpus))  # the rule of every sentence kvalitativ writes


def _word_counts(spans: pd.DataFrame, toks, index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Occurrences of each vocabulary word in a theme's spans, and the number of different
    persons who used it — counted as distinct (word, person) pairs in integer arrays, since a
    Python set of persons per word grew to gigabytes on a theme of a million notes' sentences."""
    person, _ = pd.factorize(spans["_person"])
    every, words, persons = array("q"), array("q"), array("q")
    for text, who in zip(spans["span"], person.tolist()):
        ids = [index[w] for w in toks(text) if w in index]
        every.extend(ids)
        distinct = set(ids)
        words.extend(distinct)
        persons.extend([who] * len(distinct))
    counts = np.bincount(np.frombuffer(every, dtype=np.int64), minlength=len(index)).astype(float)
    n_persons = np.zeros(len(index), dtype=np.int64)
    if len(words):
        base = int(person.max()) + 1
        pairs = np.unique(np.frombuffer(words, dtype=np.int64) * base + np.frombuffer(persons, dtype=np.int64))
        n_persons = np.bincount(pairs // base, minlength=len(index))
    return counts, n_persons
