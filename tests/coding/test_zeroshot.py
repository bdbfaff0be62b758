"""Zero-shot coding from a codebook alone (fast tfidf embedder)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.coding import CODINGS_COLUMNS, UNCODED, ZeroShotCoder, evaluate_codings
from kvalitativ.errors import ConfigError


def test_codes_every_note_with_the_schema(mini_codebook, mini_corpus):
    corpus, gold = mini_corpus
    codings = ZeroShotCoder(mini_codebook, embedder="tfidf").code(corpus, run_id="r1")
    assert list(codings.columns) == CODINGS_COLUMNS
    assert set(codings["note_id"]) == set(corpus["note_id"])  # nothing lost
    assert (codings["run_id"] == "r1").all() and (codings["method"] == "zeroshot").all()
    assert set(codings["theme_id"]) <= {"moedestabilitet", "motivation", "mobning", UNCODED}
    coded = codings[codings["theme_id"] != UNCODED]
    assert coded["valence"].isin(["strength", "concern", "neutral"]).all()
    assert codings.loc[codings["theme_id"] == UNCODED, "valence"].isna().all()
    assert codings["score"].between(0, 1).all()
    # spans are the sentences of the note
    text = corpus.set_index("note_id")["text"]
    for row in coded.itertuples():
        assert row.segment_id.startswith(f"{row.note_id}:s")
        assert text[row.note_id][row.start:row.end].strip() == text[row.note_id][row.start:row.end]
    # each uncoded note has exactly one row
    unc = codings[codings["theme_id"] == UNCODED]
    assert not unc["note_id"].duplicated().any()
    assert not set(unc["note_id"]) & set(coded["note_id"])


def test_quality_on_the_mini_corpus(mini_codebook, mini_corpus):
    corpus, gold = mini_corpus
    codings = ZeroShotCoder(mini_codebook, embedder="tfidf").code(corpus)
    per_theme, summary = evaluate_codings(codings, gold)
    assert summary["micro_f1"] > 0.6
    assert summary["valence_accuracy"] > 0.8
    filler = corpus[corpus["text"].str.startswith(("Møde aflyst", "Forældremøde", "Samtalen", "Vi taler"))]
    unc = set(codings.loc[codings["theme_id"] == UNCODED, "note_id"])
    assert len(unc & set(filler["note_id"])) >= len(filler) // 2  # most notes about nothing stay uncoded


def test_deterministic(mini_codebook, mini_corpus):
    corpus, _ = mini_corpus
    a = ZeroShotCoder(mini_codebook, embedder="tfidf", random_state=3).code(corpus)
    b = ZeroShotCoder(mini_codebook, embedder="tfidf", random_state=3).code(corpus)
    pd.testing.assert_frame_equal(a, b)


def test_sklearn_api_and_threshold(mini_codebook, mini_corpus):
    corpus, _ = mini_corpus
    texts = list(corpus["text"])
    coder = ZeroShotCoder(mini_codebook, embedder="tfidf", level="note").fit(texts)
    assert list(coder.classes_) == ["moedestabilitet", "motivation", "mobning"]
    p = coder.predict_proba(texts)
    assert p.shape == (len(texts), 3) and ((p >= 0) & (p <= 1)).all()
    assert coder.predict(texts).sum() > 0
    coder.set_params(threshold=1.01)
    assert coder.predict(texts).sum() == 0
    codings = coder.code(corpus)
    assert (codings["theme_id"] == UNCODED).all() and codings["segment_id"].str.endswith(":note").all()


def test_without_self_training_and_tiny_input(mini_codebook):
    coder = ZeroShotCoder(mini_codebook, embedder="tfidf", self_training=False)
    corpus = pd.DataFrame({"note_id": ["a", "b"], "text": ["Hun bliver mobbet af de andre elever.", ""]})
    codings = coder.code(corpus)
    assert set(codings["note_id"]) == {"a", "b"}
    assert codings.set_index("note_id").loc["b", "theme_id"] == UNCODED


def test_bad_level_is_a_config_error(mini_codebook, mini_corpus):
    with pytest.raises(ConfigError, match="level"):
        ZeroShotCoder(mini_codebook, embedder="tfidf", level="paragraph").code(mini_corpus[0])


def test_shipped_codebook_leaves_are_the_classes():
    coder = ZeroShotCoder("borgerinput", embedder="tfidf").fit(["Cykelstien er farlig.", "Parken er smuk."])
    assert "trafik" in coder.classes_ and len(coder.classes_) == 10
    assert np.isfinite(coder.predict_proba(["Bilerne kører for stærkt."])).all()
