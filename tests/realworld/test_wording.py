"""The user's words for persons and outcome reach every sentence; the sample keeps today's."""

from __future__ import annotations

from kvalitativ.config import load_config
from kvalitativ.link import wording
from kvalitativ.link.params import LinkRules

ROW = {"valence": "concern", "odds_ratio": 2.9, "or_ci_low": 2.0, "or_ci_high": 4.3, "adjusted_odds_ratio": 2.5,
       "aor_ci_low": 1.6, "aor_ci_high": 3.9, "covariates": "absence_pct,grade_avg,gender"}


def test_sample_config_reads_as_before(sample_dir):
    link = load_config(sample_dir / "kvalitativ.yaml").link
    rules = LinkRules(outcome=link.outcome, population_label=link.population_label, outcome_label=link.outcome_label)
    assert wording.binary_sentence(ROW, "Fremmøde", rules) == wording.binary_sentence(ROW, "Fremmøde", "dropout")
    assert wording.binary_sentence(ROW, "Fremmøde", rules).startswith("Elever med bekymring om fremmøde faldt oftere fra")


def test_configured_words_and_capitals():
    rules = LinkRules(outcome="reached_goal", population_label="borgere", outcome_label="nåede 100.000 underskrifter")
    text = wording.binary_sentence(ROW, "Civil Rights & Equality", rules)
    assert text.startswith("Borgere med bekymring om Civil Rights & Equality nåede 100.000 underskrifter oftere")
    assert "frafald" not in text and "faldt" not in text
    assert wording.corrected_phrase(40, rules) == "korrigeret for kodningsfejl ud fra 40 håndkodede borgere"


def test_unconfigured_outcome_is_named_not_dropout():
    text = wording.binary_sentence({**ROW, "covariates": ""}, "Trafik", "passed")
    assert text.startswith("Personer med bekymring om trafik havde oftere udfaldet 'passed'")
    assert "justeret" not in text  # no covariates: nothing adjusted for


def test_english_notes_get_english_keywords():
    """Keywords of English notes come from English lemmas and stop words: no Danish lemma
    ("stoppe", "nette", "gasse") and no English function-word pair ("to the", "it is")."""
    import pandas as pd

    from kvalitativ.evidence.keywords import keyword_language, theme_keywords
    from kvalitativ.text.lemmas import DanishAnalyzer

    texts = ["The council stopped the new gas pipelines near the nets of the fishermen.",
             "It is time to stop gases from the old plant, the petition says."] * 6
    corpus = pd.DataFrame({"note_id": [f"n{i}" for i in range(len(texts))],
                           "person_id": [f"p{i}" for i in range(len(texts))], "language": "en", "text": texts})
    assert keyword_language(corpus) == "en" and keyword_language(corpus, "da") == "da"
    words = set(DanishAnalyzer(ngram_range=(1, 2), language="en")(texts[0] + " " + texts[1]))
    assert {"stop", "gas", "net", "petition"} <= words
    assert not words & {"stoppe", "nette", "gasse", "to the", "it is", "the", "it"}
    codings = pd.DataFrame({"note_id": corpus["note_id"], "theme_id": "miljoe", "valence": "neutral"})
    other = corpus.assign(note_id=[f"m{i}" for i in range(len(texts))],
                          text=["Parking fees at the harbour should fall for residents."] * len(texts))
    keywords = theme_keywords(codings, pd.concat([corpus, other], ignore_index=True), min_persons=5, prior=20)
    assert len(keywords) and not set(keywords["keyword"]) & {"stoppe", "nette", "gasse"}
