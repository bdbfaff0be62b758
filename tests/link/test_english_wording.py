"""Sentences in the language of the data: an English export gets English sentences throughout
(issue 18's ingest.language), Danish stays the default and as before."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kvalitativ.config import LinkConfig, RunConfig
from kvalitativ.link import link, wording
from kvalitativ.link.language import output_language
from tests.evidence.synthetic import make_english_dataset

#: Danish words that must never appear in an English sentence.
DANISH = {"af", "blandt", "hverken", "oftere", "sjældnere", "faldt", "fra", "med", "mod", "og", "ikke", "elever",
          "personer", "KI", "justeret", "ujusteret", "sammenhæng", "årsag", "forudsiger", "Tallene", "Skjult"}


def danish_words(text: str) -> set[str]:
    return set(re.findall(r"[\wæøåÆØÅ]+", text)) & DANISH


@pytest.fixture(scope="module")
def english():
    d = make_english_dataset(n_persons=240, seed=7)
    labels = dict(zip(d.themes["theme_id"], d.themes["label"]))
    config = LinkConfig(window_months=15, n_boot=50, covariates=["absence_pct"], numeric_indicators=["absence_pct"])
    return link(d.codings, d.corpus, d.indicators, config, min_cell=5, theme_labels=labels)


def test_language_rule():
    assert output_language("en", ["da"] * 9) == "en" and output_language("da", ["en"]) == "da"
    assert output_language("auto", ["en", "en", "en", "da", "mixed"]) == "en"
    assert output_language("auto", ["en", "en", "da", "mixed"]) == "da"  # half is not most
    assert output_language("auto", ["en", "da"]) == "da"
    assert output_language("auto", [], codebook_language="en") == "en"
    assert output_language(None, ["unknown"]) == "da"


def test_english_interpretations_have_no_danish(english):
    a = english["associations"]
    texts = a["interpretation"].dropna().astype(str)
    assert len(texts) > 5
    for text in texts:
        assert not danish_words(text), text
    binary = a[(a["indicator_type"] == "binary") & ~a["suppressed"].astype(bool)]
    assert binary["interpretation"].str.endswith("an association, not a cause.").all()
    assert binary["interpretation"].str.contains("adjusted OR").all()
    assert binary["interpretation"].str.contains("95% CI").all()
    assert binary["interpretation"].str.startswith("Pupils with ").all()
    assert binary["interpretation"].str.contains(r"\d\.\d").all()  # decimal point
    assert (binary["theme_id"] == "moedestabilitet").any()
    attendance = binary[(binary["theme_id"] == "moedestabilitet") & (binary["valence"] == "concern")]
    assert attendance["interpretation"].iloc[0].startswith("Pupils with concern about attendance dropped out")


def test_english_numeric_and_hidden_rows(english):
    a = english["associations"]
    numeric = a[(a["indicator_type"] == "numeric") & ~a["suppressed"].astype(bool)]["interpretation"].dropna()
    assert len(numeric) and numeric.str.contains("absence").all()
    hidden = a[a["suppressed"].astype(bool)]["interpretation"]
    assert len(hidden) and (hidden == "Hidden: fewer than 5 persons in at least one cell.").all()


def test_english_added_value(english):
    text = english["added_value"]["interpretation"].iloc[0]
    assert text.startswith("The numbers alone predict dropout with AUC 0.")
    assert text.endswith("This is prediction and association, not cause.")
    assert not danish_words(text), text


def test_the_run_setting_wins_over_the_notes():
    """ingest.language da on English-labelled notes: Danish sentences, as the user asked."""
    d = make_english_dataset(n_persons=160, seed=5)
    config = RunConfig()
    config.ingest.language = "da"
    config.link.window_months = 15
    config.link.n_boot = 20
    out = link(d.codings, d.corpus, d.indicators, config)
    assert out["associations"]["interpretation"].dropna().str.contains("en sammenhæng, ikke en årsag|Skjult").all()


@pytest.mark.parametrize("language, expected", [
    ("da", "Elever med bekymring om fremmøde faldt oftere fra (justeret OR 2,9; 95 % KI 2,0–4,3; "
           "ujusteret OR 3,1, 2,1–4,5) — en sammenhæng, ikke en årsag."),
    ("en", "Pupils with concern about fremmøde dropped out more often (adjusted OR 2.9; 95% CI 2.0–4.3; "
           "unadjusted OR 3.1, 2.1–4.5) — an association, not a cause."),
])
def test_one_sentence_two_languages(language, expected):
    row = {"valence": "concern", "covariates": "absence_pct", "odds_ratio": 3.1, "or_ci_low": 2.1, "or_ci_high": 4.5,
           "adjusted_odds_ratio": 2.9, "aor_ci_low": 2.0, "aor_ci_high": 4.3, "adjusted_p_value": 0.001,
           "adjusted_q_value": 0.002}
    assert wording.binary_sentence(row, "Fremmøde", {"outcome": "dropout", "language": language}) == expected


def test_english_labels_given_by_the_user():
    words = {"outcome": "passed", "population_label": "students", "outcome_label": "passed", "language": "en"}
    assert wording.outcome_verbs(words)[0] == "passed more often"
    assert wording.outcome_noun(words) == "who passed"
    assert wording.rate_clause(words, "30%", "21%") == "; 30% of them passed compared with 21% among the others"
    assert wording.population_word({"outcome": "passed", "language": "en"}) == "people"
    assert wording.num(-1234.56, 1, "en") == "−1,234.6" and wording.num(-1234.56, 1) == "−1\u00a0234,6"


def test_english_numbers_in_tables_stay_numbers(english):
    """The language changes sentences only: the numeric columns are the same numbers."""
    assert pd.api.types.is_float_dtype(english["associations"]["odds_ratio"])
