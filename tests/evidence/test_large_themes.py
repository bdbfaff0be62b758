"""The evidence stage works one theme at a time: keyword person counts from integer pairs, and
very large themes cut to a seeded sample before their quotes are redacted and compared."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.evidence.counts import ALL, NoteLookup, theme_groups, theme_spans
from kvalitativ.evidence.keywords import _word_counts, theme_keywords
from kvalitativ.evidence.quotes import LARGE_GROUP, select_quotes
from kvalitativ.text.lemmas import DanishAnalyzer


def test_word_counts_count_distinct_persons_per_word():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(30)]
    index = {w: i for i, w in enumerate(words)}
    texts = [" ".join(rng.choice(words + ["udenfor"], size=rng.integers(0, 8))) for _ in range(400)]
    spans = pd.DataFrame({"span": texts, "_person": [f"P{rng.integers(0, 40)}" for _ in texts]})
    counts, n_persons = _word_counts(spans, lambda t: tuple(t.split()), index)
    for w, i in index.items():
        assert counts[i] == sum(t.split().count(w) for t in texts)
        assert n_persons[i] == spans.loc[[w in t.split() for t in texts], "_person"].nunique()
    empty = _word_counts(spans.iloc[:0], lambda t: tuple(t.split()), index)
    assert not empty[0].any() and not empty[1].any()


def test_keyword_person_counts_are_the_persons_whose_theme_sentences_use_it(dataset):
    keywords = theme_keywords(dataset.codings, dataset.corpus, min_persons=5)
    assert len(keywords)
    analyzer = DanishAnalyzer(ngram_range=(1, 2))
    spans = theme_spans(dataset.codings, dataset.corpus)
    for k in keywords.sample(min(15, len(keywords)), random_state=0).to_dict("records"):
        s = spans[(spans["theme_id"] == k["theme_id"]) & (spans["valence"] == k["valence"])]
        uses = [k["keyword"] in analyzer(t) for t in s["span"]]
        assert k["n_persons"] == s.loc[uses, "_person"].nunique() >= 5


def test_theme_groups_give_the_spans_of_the_whole_table(dataset):
    lookup = NoteLookup(dataset.corpus)
    parts = [theme_spans(g, dataset.corpus, extra=["unit_id"], lookup=lookup)
             for _, _, g in theme_groups(dataset.codings)]
    whole = theme_spans(dataset.codings, dataset.corpus, extra=["unit_id"])
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)


def test_a_very_large_theme_is_cut_to_a_seeded_sample_before_cleaning(dataset):
    cleaned: list[str] = []

    def counting_redactor(text: str) -> str:
        cleaned.append(text)
        return text

    k = 3  # max_candidates: themes with more than LARGE_GROUP * 3 spans are cut
    spans = theme_spans(dataset.codings, dataset.corpus, extra=["unit_id"])
    sizes = spans.groupby(["theme_id", "valence"]).size()
    assert (sizes > LARGE_GROUP * k).any()
    n_units = spans["unit_id"].nunique()
    q = select_quotes(dataset.codings, dataset.corpus, per_theme=3, per_unit=2, min_persons=5, max_candidates=k,
                      redactor=counting_redactor, random_state=1)
    bound = sum(min(n, 2 * k * (1 + n_units)) for n in sizes)
    assert len(cleaned) <= bound < len(spans)  # not every sentence was redacted
    # the quotes keep their rules: counts, one person each, unit quotes from the unit's notes
    unit_of = dataset.corpus.set_index("note_id")["unit_id"]
    assert len(q[q["unit_id"] == ALL]) and len(q[q["unit_id"] != ALL])
    for (theme, valence, unit), g in q.groupby(["theme_id", "valence", "unit_id"]):
        assert len(g) <= (3 if unit == ALL else 2)
        if unit != ALL:
            assert (unit_of.loc[g["note_id"]] == unit).all()
    again = select_quotes(dataset.codings, dataset.corpus, per_theme=3, per_unit=2, min_persons=5, max_candidates=k,
                          redactor=counting_redactor, random_state=1)
    pd.testing.assert_frame_equal(q, again)


def test_the_bounded_quote_memo_changes_no_quote(dataset, monkeypatch):
    """The memo of cleaned quotes starts over when full: a memo only, so the quotes are the same."""
    import kvalitativ.evidence.quotes as quotes

    redacted: list[str] = []

    def redactor(text: str) -> str:
        redacted.append(text)
        return text.upper()

    whole = select_quotes(dataset.codings, dataset.corpus, per_theme=3, min_persons=5, redactor=redactor)
    n_whole = len(redacted)
    monkeypatch.setattr(quotes, "QUOTE_CACHE", 2)
    bounded = select_quotes(dataset.codings, dataset.corpus, per_theme=3, min_persons=5, redactor=redactor)
    assert len(redacted) - n_whole > n_whole  # the small memo really started over
    pd.testing.assert_frame_equal(whole, bounded)
