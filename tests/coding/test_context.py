"""The note as context for its sentences (``ZeroShotCoder(context_weight=...)``; fast tfidf embedder)."""

from __future__ import annotations

import random

import numpy as np
import pytest
import pandas as pd

from kvalitativ.coding import ZeroShotCoder
from kvalitativ.coding.selftrain import UnitFeatures, note_context
from kvalitativ.coding.units import segment_corpus

from .conftest import PHRASES, make_corpus


def _unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_note_context_is_the_mean_of_the_other_sentences_of_the_same_note_only():
    rng = np.random.default_rng(0)
    E = _unit(rng.normal(size=(7, 5)))
    groups = np.array(["a", "b", "a", "c", "a", "b", "d"], dtype=object)  # notes interleaved; c, d: one sentence
    C = note_context(E, groups)
    for i in range(len(E)):
        others = [j for j in range(len(E)) if groups[j] == groups[i] and j != i]
        if not others:
            assert not C[i].any()  # a one-sentence note has no context
            continue
        want = E[others].mean(axis=0)
        np.testing.assert_allclose(C[i], want / np.linalg.norm(want), atol=1e-12)
    # another note's sentences do not move it
    E2 = E.copy()
    E2[[1, 3, 5, 6]] = _unit(rng.normal(size=(4, 5)))
    np.testing.assert_allclose(note_context(E2, groups)[[0, 2, 4]], C[[0, 2, 4]])
    assert not note_context(E, None).any()  # no note ids: no context
    np.testing.assert_allclose(note_context(E, groups, unit_length=False)[0], E[[2, 4]].mean(axis=0))


def test_copies_with_another_context_are_not_merged():
    rng = np.random.default_rng(1)
    U = rng.normal(size=(4, 6)).astype(np.float32)
    U[3] = U[1]
    texts = ["Han kom.", "Det er svært.", "Hun gik.", "Det er svært."]
    f = UnitFeatures(np.zeros(6, np.float32), context_weight=1.0).fit(U, texts, groups=["a", "a", "b", "b"])
    ids = f.copy_ids(U, texts, ["a", "a", "b", "b"])
    assert ids[1] != ids[3]  # one text, two notes: two feature rows
    same = UnitFeatures(np.zeros(6, np.float32)).fit(U, texts, groups=["a", "a", "b", "b"])
    assert same.copy_ids(U, texts)[1] == same.copy_ids(U, texts)[3]


def test_one_sentence_notes_and_note_level_are_exactly_unchanged(mini_codebook):
    corpus, _ = make_corpus(60)
    one = corpus.assign(text=[segment_corpus(corpus.iloc[[i]])["text"].iloc[0] for i in range(len(corpus))])
    off = ZeroShotCoder(mini_codebook, embedder="tfidf").code(one)
    on = ZeroShotCoder(mini_codebook, embedder="tfidf", context_weight=1.0, context_pseudo=True)
    pd.testing.assert_frame_equal(on.code(one), off)
    assert on.features_.context_ is False
    # whole notes as units (as SIB-200 is coded): the note is its own context
    off = ZeroShotCoder(mini_codebook, embedder="tfidf", level="note").code(corpus)
    on = ZeroShotCoder(mini_codebook, embedder="tfidf", level="note", context_weight=1.0)
    pd.testing.assert_frame_equal(on.code(corpus), off)
    assert on.features_.context_ is False


def _pronoun_corpus() -> tuple[pd.DataFrame, dict]:
    """Notes of two sentences of one theme, and three notes whose second sentence ("Det har stået
    på længe.") says nothing alone: its note says what it is about."""
    rnd = random.Random(0)
    keys = sorted(PHRASES)
    rows = []
    for i in range(90):
        a, b = rnd.sample(PHRASES[keys[i % len(keys)]], 2)
        rows.append({"note_id": f"N{i:03d}", "text": f"{a} {b}"})
    theme_of = {"P0": "moedestabilitet", "P1": "motivation", "P2": "mobning"}
    first = {"P0": "Han har et højt fravær.", "P1": "Eleven er umotiveret.", "P2": "Hun bliver mobbet i frikvarteret."}
    rows += [{"note_id": n, "text": f"{first[n]} Det har stået på længe."} for n in theme_of]
    return pd.DataFrame(rows), theme_of


def test_a_pronoun_sentence_is_coded_from_its_note(mini_codebook):
    corpus, theme_of = _pronoun_corpus()
    units = segment_corpus(corpus)
    texts, notes = list(units["text"]), units["note_id"].to_numpy(dtype=object)
    pron = units["segment_id"].isin([f"{n}:s2" for n in theme_of]).to_numpy()
    scores = {}
    for w in (0.0, 1.0):
        coder = ZeroShotCoder(mini_codebook, embedder="tfidf", context_weight=w).fit(texts, groups=notes)
        scores[w] = coder.predict_proba(texts, groups=notes)[pron]
        codings = coder.code(corpus)
        seg = codings.set_index("segment_id")["theme_id"]
        for n in ("P0", "P2"):  # coded with its note's theme only when the note is its context
            assert (seg.get(f"{n}:s2") == theme_of[n]) == bool(w)
    col = {c: j for j, c in enumerate(coder.classes_)}
    assert np.allclose(scores[0.0], scores[0.0][0])  # alone, the three sentences are one text
    for i, n in enumerate(theme_of):  # with the context, each rises for its note's theme
        assert scores[1.0][i, col[theme_of[n]]] > scores[0.0][i, col[theme_of[n]]] + 0.05
    assert [coder.classes_[j] for j in scores[1.0][[0, 2]].argmax(axis=1)] == ["moedestabilitet", "mobning"]


def test_chunks_of_whole_notes_code_as_the_whole_corpus(mini_codebook):
    """The engines fit once and code chunk by chunk: a sentence's context is its own note's, so
    chunks of whole notes give the codings of the whole corpus."""
    corpus, _ = _pronoun_corpus()
    units = segment_corpus(corpus)
    coder = ZeroShotCoder(mini_codebook, embedder="tfidf", context_weight=1.0)
    coder.fit(list(units["text"]), groups=units["note_id"].to_numpy(dtype=object))
    assert coder.features_.context_
    whole = coder.code(corpus)
    parts = pd.concat([coder.code(corpus.iloc[i:i + 17]) for i in range(0, len(corpus), 17)], ignore_index=True)
    pd.testing.assert_frame_equal(parts, whole, check_exact=False, atol=1e-6)


def test_note_ids_change_nothing_at_the_default(mini_codebook):
    """Every engine now gives the coder its units' note ids (fit_on_sample, code): with
    context_weight 0 (the default) the scores and the merged copies are those without them."""
    corpus, _ = _pronoun_corpus()
    units = segment_corpus(corpus)
    texts, notes = list(units["text"]), units["note_id"].to_numpy(dtype=object)
    plain = ZeroShotCoder(mini_codebook, embedder="tfidf").fit(texts)
    given = ZeroShotCoder(mini_codebook, embedder="tfidf").fit(texts, groups=notes)
    np.testing.assert_array_equal(given.predict_proba(texts, groups=notes), plain.predict_proba(texts))
    U = given._encode(texts)
    np.testing.assert_array_equal(given.features_.copy_ids(U, texts, notes), plain.features_.copy_ids(U, texts))
    assert len(set(plain.features_.copy_ids(U, texts))) < len(texts)  # copies are merged (the check can fail)


def test_note_ids_are_checked(mini_codebook):
    corpus, _ = _pronoun_corpus()
    texts = list(segment_corpus(corpus)["text"])
    with pytest.raises(ValueError, match="note ids .* for"):
        ZeroShotCoder(mini_codebook, embedder="tfidf").fit(texts, groups=["a"] * (len(texts) - 1))
    with pytest.raises(ValueError, match="missing"):
        ZeroShotCoder(mini_codebook, embedder="tfidf").fit(texts, groups=[None] + ["a"] * (len(texts) - 1))
    coder = ZeroShotCoder(mini_codebook, embedder="tfidf").fit(texts)
    with pytest.raises(ValueError, match="one per unit"):
        coder.predict_proba(texts, groups=["a", "b"])


def test_a_context_coder_warns_without_note_ids_and_is_refused_as_a_prior(mini_codebook):
    from kvalitativ.coding.prior import prior_features

    corpus, _ = _pronoun_corpus()
    units = segment_corpus(corpus)
    texts, notes = list(units["text"]), units["note_id"].to_numpy(dtype=object)
    coder = ZeroShotCoder(mini_codebook, embedder="tfidf", context_weight=1.0).fit(texts, groups=notes)
    with pytest.warns(UserWarning, match="without its note's context"):
        coder.predict_proba(texts[:3])
    with pytest.raises(ValueError, match="context_weight=0"):
        prior_features(coder, coder._encode(texts[:3]), 0.25, texts[:3])


def test_fit_on_sample_fits_any_unfitted_coder(mini_codebook):
    """fit_on_sample passes note ids through the coder's own dispatch: a coder whose fit takes no
    note ids (the keyword coder) is fitted too, not refused with a TypeError."""
    from kvalitativ.coding.keyword import KeywordCoder
    from kvalitativ.coding.stage import fit_on_sample

    corpus, _ = make_corpus(30)
    coder = fit_on_sample(KeywordCoder(mini_codebook, level="sentence"), corpus, 0)
    assert hasattr(coder, "classes_") and len(coder.code(corpus))
