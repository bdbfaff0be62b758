"""Discovery in the language of the data: English notes get English lemmas and stop words in
their keywords, labels, representative sentences and coherence; Danish output is unchanged."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kvalitativ.config import RunConfig
from kvalitativ.discover import Discoverer
from kvalitativ.discover.submodels import configured_language, data_language
from kvalitativ.text.stopwords import english_stopwords

ENGLISH = {
    "attendance": [
        "The pupils have stopped attending and are often late for school.",
        "Attendance in the class has dropped since the autumn holiday.",
        "He is absent every Monday and misses many lessons.",
        "Several students are skipping classes, and the absences worry the school.",
        "She arrives late nearly every day and has a lot of absence.",
        "The absences have increased, so the parents were contacted about attendance.",
        "It is the third week in a row that he has missed the morning lessons.",
    ],
    "sleep": [
        "He sleeps too little and is very tired during the lessons.",
        "Her sleep is poor because she plays games late into the night.",
        "The student falls asleep in class and seems exhausted.",
        "The parents say the boy has trouble sleeping at night.",
        "Lack of sleep makes her tired and sluggish in the mornings.",
        "He goes to bed late and is sleepy all morning.",
        "Tiredness and poor sleep shape his school day.",
    ],
    "friends": [
        "The student is thriving in the class and has many good friends.",
        "She feels lonely in the breaks and has no friends.",
        "He enjoys the community of the year group and gets on with classmates.",
        "She seems isolated and is left out by the other children.",
        "The wellbeing survey shows the pupils feel safe with their friends.",
        "The boy is sad and feels excluded from the group.",
        "The friendships in the class have grown stronger this year.",
    ],
    "climate": [
        "The class is working on sustainability and recycling of materials.",
        "The school sorts waste and saves energy in the buildings.",
        "The pupils made a project about climate and sustainable food.",
        "Sustainability is part of science, where students measure electricity use.",
        "We planted trees and talked about climate change and the environment.",
        "The students propose less food waste and more recycling in the canteen.",
        "The project on solar energy engaged the whole class.",
    ],
}

#: The Danish test corpus's topics as the discoverer named them before it knew languages
#: (same corpus, TF-IDF vectors, PCA, seed 0): the Danish path must not move.
DANISH_BEFORE = [
    ("fravær, fremmøde, skolebarn", ["fravær", "fremmøde", "skolebarn", "sen", "skole", "efterårsferie", "fald",
                                     "fald markant", "flere skolebarn", "elev møde"]),
    ("fællesskab, årgang, trives", ["fællesskab", "årgang", "trives", "trivsel", "ven", "føle", "glad",
                                    "årgang trives", "føle alene", "elev glad"]),
    ("søvn, dårlig, sove", ["søvn", "dårlig", "sove", "natte", "trætte", "elev falde", "dreng svær", "computer",
                            "fortælle dreng", "forældre fortælle"]),
    ("bæredygtighed, projekt, genbrug", ["bæredygtighed", "bæredygtig", "projekt", "genbrug", "energi", "affald",
                                         "affald spar", "bygning", "bæredygtig mad", "bæredygtig energi"]),
]


def english_corpus(n_per_topic: int = 14):
    texts = []
    for sents in ENGLISH.values():
        k = len(sents)
        combos = [(i, (i + s) % k) for s in range(1, k) for i in range(k)]
        texts += [f"{sents[i]} {sents[j]}" for i, j in combos[:n_per_topic]]
    return texts


@pytest.fixture(scope="module")
def english():
    from kvalitativ.embed import get_embedder

    texts = english_corpus()
    emb = get_embedder("tfidf", dim=64, progress=False)
    emb.fit(texts)
    return texts, emb, emb.encode(texts)


def _fit(texts, vectors, **kw):
    return Discoverer(reducer="pca", min_topic_size=5, random_state=0, ngram_range=(1, 2), **kw).fit(texts, vectors)


def _stop_words_in(terms) -> set[str]:
    return {w for t in terms for w in t.split() if w in english_stopwords()}


def test_danish_keywords_and_labels_are_unchanged(corpus, embeddings):
    d = _fit(corpus[0], embeddings)
    assert d.language_ == "da"
    got = [(row.label, list(row.keywords)) for row in d.topic_info_.itertuples()]
    assert got == DANISH_BEFORE
    forced = _fit(corpus[0], embeddings, language="da")
    pd.testing.assert_frame_equal(forced.topic_terms_, d.topic_terms_)


def test_english_notes_get_english_keywords_and_labels(english):
    texts, _, vectors = english
    d = _fit(texts, vectors)
    assert d.language_ == "en"
    terms = [t for kws in d.topic_info_.keywords for t in kws]
    labels = list(d.topic_info_.label)
    assert not _stop_words_in(terms), terms  # no "the absence", "and is", "in the"
    assert {"sleep", "friend", "climate"} <= {w for lab in labels for w in lab.split(", ")}
    # English lemmas: "stopped attending" -> "attend", "friends" -> "friend"; never a Danish lemma
    assert "friends" not in terms and "attend" in terms
    # the Danish analyzer on the same notes is what this guards against
    danish = _fit(texts, vectors, language="da")
    assert _stop_words_in([t for kws in danish.topic_info_.keywords for t in kws])


def test_english_representative_sentences_are_chosen_by_english_keywords(english):
    from kvalitativ.discover.sentences import representative_sentences

    texts, _, vectors = english
    d = _fit(texts, vectors)
    sentences = representative_sentences(d.topic_info_, texts, redact=lambda s: s, language="en")
    sleep_topic = int(d.topic_info_.topic_id[d.topic_info_.label.str.startswith("sleep")].iloc[0])
    chosen = [s for (t, _), s in sentences.items() if t == sleep_topic]
    assert chosen and all(any(w in s.lower() for w in ("sleep", "tired", "night", "bed")) for s in chosen)


def test_english_model_remembers_its_language(english, tmp_path):
    texts, emb, vectors = english
    d = Discoverer(embedder=emb, reducer="pca", min_topic_size=5, random_state=0).fit(texts, vectors)
    d.save(tmp_path / "m")
    meta = json.loads(next((tmp_path / "m").rglob("discoverer.json")).read_text(encoding="utf-8"))
    assert meta["analyzer"]["language"] == "en"
    loaded = Discoverer.load(tmp_path / "m", embedder=emb)
    assert loaded.language_ == "en"
    assert loaded.model_.vectorizer_model.analyzer.language == "en"
    assert loaded._analyzer()("The pupils were sleeping") == d._analyzer()("The pupils were sleeping") == [
        "pupil", "sleep", "pupil sleep"]
    np.testing.assert_array_equal(loaded.transform(texts[:6]), d.transform(texts[:6]))
    loaded.attach(texts, vectors).merge_topics([[0, 1]])
    assert not _stop_words_in([t for kws in loaded.topic_info_.keywords for t in kws])


def test_the_language_comes_from_the_config_or_the_notes():
    english_notes = pd.DataFrame({"text": ["x"] * 3, "language": ["en", "en", "da"]})
    assert configured_language(english_notes, RunConfig()) == "en"  # ingest.language auto: most notes
    config = RunConfig()
    config.ingest.language = "da"
    assert configured_language(english_notes, config) == "da"
    assert data_language("auto", english_corpus(2)) == "en"
    assert data_language("auto", ["Eleven trives godt og har mange venner i klassen."]) == "da"
    assert data_language("en", ["Eleven trives godt."]) == "en"


def test_tune_measures_coherence_in_the_notes_language(english):
    from kvalitativ.discover.coherence import WindowIndex
    from kvalitativ.text.lemmas import DanishAnalyzer

    texts, _, _ = english
    index = WindowIndex(texts, DanishAnalyzer(language=data_language("auto", texts)))
    assert "the" not in index.vocab and "sleep" in index.vocab


def test_a_corpus_without_a_language_column_is_guessed_from_its_text():
    """A corpus that did not come through ingest has no language column: guessed, as Discoverer does."""
    import pandas as pd

    from kvalitativ.config import RunConfig
    from kvalitativ.discover.submodels import configured_language

    english = pd.DataFrame({"text": ["The pupils were absent from school again this week and the parents were told.",
                                     "She is doing well at school and has made new friends in her class."] * 3})
    assert configured_language(english, RunConfig()) == "en"
    assert configured_language(english.assign(language="da"), RunConfig()) == "da"
