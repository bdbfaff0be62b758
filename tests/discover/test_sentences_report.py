"""Representative sentences (redacted) per topic, and the topics page that shows them."""

from __future__ import annotations

import pandas as pd

from kvalitativ.discover.sentences import best_sentence, representative_sentences
from kvalitativ.text.lemmas import DanishAnalyzer


def test_the_sentence_carrying_the_keywords_is_chosen():
    text = "Mødet blev holdt i dag. Han sover dårligt og er træt om morgenen. Vi ses i næste uge."
    weights = {"sove": 0.5, "træt": 0.4, "møde": 0.1}
    assert best_sentence(text, weights, DanishAnalyzer()) == "Han sover dårligt og er træt om morgenen."


def test_sentences_are_redacted_again_and_only_three_per_topic():
    texts = ["Han sover dårligt, ring til mor på 22 33 44 55.", "Træt og sover i timen.", "Søvnen er dårlig.",
             "Sover for lidt."]
    info = pd.DataFrame({"topic_id": [0], "keywords": [["sove", "træt"]], "weights": [[0.5, 0.4]],
                         "representative_docs": [[0, 1, 2, 3]]})
    out = representative_sentences(info, texts)
    assert sorted(out) == [(0, 1), (0, 2), (0, 3)]
    assert "22 33 44 55" not in out[(0, 1)] and "sover dårligt" in out[(0, 1)]


def test_discovery_publishes_sentences_for_the_first_three_representatives(corpus, tfidf_embedder):
    from kvalitativ.config import RunConfig
    from kvalitativ.discover.stage import discover_corpus

    texts, _ = corpus
    config = RunConfig()
    config.discover.min_topic_size, config.discover.stability_seeds = 8, 0
    frame = pd.DataFrame({"note_id": [f"n{i}" for i in range(len(texts))], "person_id": "p", "text": texts})
    reps = discover_corpus(frame, config, embedder=tfidf_embedder, progress=False)["tables"]["topic_representatives"]
    assert reps[reps["rank"] <= 3].sentence.notna().all() and reps[reps["rank"] > 3].sentence.isna().all()
    by_id = dict(zip(frame.note_id, frame.text))
    for row in reps[reps["rank"] <= 3].itertuples():
        assert row.sentence in by_id[row.note_id]  # a sentence of that very note


def test_topics_page_lists_emergent_first_marks_unstable_and_shows_examples(tmp_path):
    from kvalitativ.report.topics import render_topics_report

    topic_map = pd.DataFrame({"theme_id": ["topic_0", "topic_1"], "label": ["søvn, træt", "klima, genbrug"],
                              "codebook_label": ["Søvn", None], "similarity": [0.4, None],
                              "is_emergent": [False, True], "n_notes": [150, 40], "n_persons": [150, 40],
                              "stability": [0.91, 0.31]})
    reps = pd.DataFrame({"theme_id": ["topic_1"] * 4, "rank": [1, 2, 3, 4], "note_id": ["a", "b", "c", "d"],
                         "sentence": ["Vi taler om <klima>.", "Genbrug i kantinen.", "Affald sorteres.", None]})
    page = render_topics_report({"topic_map": topic_map, "topic_representatives": reps}, tmp_path / "t.html",
                                meta={"min_cell": 5}).read_text(encoding="utf-8")
    assert page.index("klima, genbrug") < page.index("søvn, træt")  # emergent first
    assert "0,31 <b>ustabil</b>" in page and "0,91 <b>" not in page and "Ustabile emner:</b> 1 emne" in page
    assert "<li>Vi taler om &lt;klima&gt;.</li>" in page and page.count("<li>") == 3


def test_topic_sentences_are_redacted_as_the_run_is_configured():
    """The sentences of topic_representatives get the run's own second redaction: the types
    privacy.redact keeps stay, the others go (the same redactor as ingest and the quotes)."""
    from kvalitativ.config import config_from_dict
    from kvalitativ.discover.sentences import configured_redact

    text = "Mor ringede fra 22 33 44 55 om mødet."
    assert "[TELEFON]" in configured_redact(config_from_dict({}))(text)
    kept = configured_redact(config_from_dict({"privacy": {"redact": ["CPR", "EMAIL", "ADRESSE", "NAVN"]}}))
    assert kept(text) == text


def test_a_sentence_many_representatives_share_is_shown_once():
    """Boilerplate that several representative notes end with is shown once per topic; the
    note's next sentence with the topic's words, or the next note, fills the place."""
    import pandas as pd

    texts = ["Drøftes på næste teammøde. Han sover dårligt.",
             "Drøftes på næste teammøde. Hun er træt om morgenen og sover dårligt.",
             "Drøftes på næste teammøde.",
             "Han er træt i timerne."]
    info = pd.DataFrame({"topic_id": [0], "keywords": [["drøfte", "teammøde", "sove", "træt"]],
                         "weights": [[0.9, 0.9, 0.5, 0.4]], "representative_docs": [[0, 1, 2, 3]]})
    got = representative_sentences(info, texts, redact=lambda s: s)
    assert list(got.values()) == ["Drøftes på næste teammøde.", "Hun er træt om morgenen og sover dårligt.",
                                  "Han er træt i timerne."]
    assert list(got) == [(0, 1), (0, 2), (0, 3)]
