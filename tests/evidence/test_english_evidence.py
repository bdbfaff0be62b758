"""Evidence headlines and association words in the language of the data (English notes →
English sentences, English number format); Danish data keeps its Danish headlines."""

from __future__ import annotations

import pytest

from kvalitativ.config import LinkConfig
from kvalitativ.evidence import summarize
from kvalitativ.evidence.fmt import fmt_pct, fmt_pp
from kvalitativ.link import link
from tests.evidence.synthetic import make_english_dataset
from tests.link.test_english_wording import danish_words


@pytest.fixture(scope="module")
def english_evidence():
    d = make_english_dataset(n_persons=240, seed=7)
    linked = link(d.codings, d.corpus, d.indicators, LinkConfig(window_months=15, n_boot=20), min_cell=5)
    tables = dict(codings=d.codings, corpus=d.corpus, themes=d.themes, indicators=d.indicators, **linked)
    return summarize(tables, min_cell=5, window_months=15)["evidence"]


def test_english_headlines(english_evidence):
    ev = english_evidence
    for text in ev["headline"].astype(str):
        assert not danish_words(text), text
    muni = ev[(ev["unit_id"] == "_all") & ~ev["suppressed"]]
    attendance = muni[(muni["theme_id"] == "moedestabilitet") & (muni["valence"] == "concern")].iloc[0]
    share, rate = fmt_pct(attendance["share"], language="en"), fmt_pct(attendance["outcome_rate"], language="en")
    assert attendance["headline"].startswith(f"Concern about attendance is noted for {share} of young people in the "
                                             "municipality")
    assert f"; {rate} of them (noted before the outcome) dropped out compared with " in attendance["headline"]
    assert "%" in share and "\u00a0" not in share
    assert ev.loc[ev["unit_id"] != "_all", "headline"].str.contains(" at ").any()  # "… at Nordskolen"
    hidden = ev[ev["suppressed"]]
    assert len(hidden) and hidden["headline"].str.endswith("too few persons to show numbers.").all()


def test_english_association_words(english_evidence):
    words = english_evidence["association"].dropna().astype(str)
    assert len(words)
    for text in words:
        assert not danish_words(text), text
    assert words.str.contains("95% CI").all()


def test_english_numbers():
    assert fmt_pct(0.046, language="en") == "4.6%" and fmt_pct(0.046) == "4,6\u00a0%"
    assert fmt_pp(0.015, language="en") == "+1.5 percentage points" and fmt_pp(0.015) == "+1,5 procentpoint"
