"""The codebook as the supervised coder's prior: few hand codes, themes they cannot teach yet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.coding import SupervisedCoder, ZeroShotCoder, training_from_codes
from kvalitativ.coding.api import make_coder
from kvalitativ.coding.prior import prior_features

from .conftest import make_corpus


def _few_codes(corpus, gold, themes, n):
    """The first ``n`` coded notes of ``themes`` (and a few uncoded ones) as hand codes."""
    keep = gold[gold["theme_id"].isin(themes)].drop_duplicates("note_id").head(n)
    coded = [n for n in corpus["note_id"] if n not in set(gold["note_id"])][:4]
    codes = pd.concat([keep[["note_id", "theme_id"]], pd.DataFrame({"note_id": coded, "theme_id": "uncoded"})])
    return codes


def test_a_theme_without_hand_codes_keeps_the_codebook_score(mini_codebook):
    corpus, gold = make_corpus(80, seed=3)
    codes = _few_codes(corpus, gold, ["moedestabilitet", "motivation"], 12)
    texts, ys, vals = training_from_codes(corpus, codes)
    assert "mobning" not in {t for y in ys for t in y}
    prior = ZeroShotCoder(mini_codebook, embedder="tfidf", level="note").fit(list(corpus["text"]))
    coder = SupervisedCoder(embedder=prior.embedder_, codebook=mini_codebook, prior=prior).fit(texts, ys, vals)
    assert "mobning" in list(coder.classes_)  # learned from the codebook only
    j = list(coder.classes_).index("mobning")
    assert coder.prior_col_[j] >= 0
    p = coder.predict(["Hun bliver mobbet af de andre elever.", "Han har et højt fravær."])
    assert p[0, j] == 1 and p[1, j] == 0
    without = SupervisedCoder(embedder="tfidf", codebook=mini_codebook).fit(texts, ys, vals)
    assert "mobning" not in list(without.classes_)


def test_prior_features_are_weighted_clipped_logits(mini_codebook):
    corpus, _ = make_corpus(40, seed=4)
    prior = ZeroShotCoder(mini_codebook, embedder="tfidf", level="note").fit(list(corpus["text"]))
    texts = ["Han har et højt fravær.", "Møde aflyst."]
    V = prior._encode(texts)
    f1, f2 = prior_features(prior, V, 1.0, texts), prior_features(prior, V, 0.5, texts)
    assert f1.shape == (2, 3) and np.allclose(f2, 0.5 * f1)
    assert np.abs(f1).max() <= np.log(0.99 / 0.01) + 1e-9


def test_make_coder_uses_the_prior_by_default_and_can_go_without(mini_codebook):
    corpus, gold = make_corpus(80, seed=5)
    codes = _few_codes(corpus, gold, ["moedestabilitet", "motivation"], 12)
    with_prior = make_coder(corpus, mini_codebook, "supervised", level="note", embedder="tfidf", train=codes,
                            progress=False)
    assert with_prior.prior_ is not None and "mobning" in list(with_prior.classes_)
    plain = make_coder(corpus, mini_codebook, "supervised", level="note", embedder="tfidf", train=codes,
                       progress=False, prior=False)
    assert plain.prior_ is None and "mobning" not in list(plain.classes_)
    a = with_prior.code(corpus)
    b = make_coder(corpus, mini_codebook, "supervised", level="note", embedder="tfidf", train=codes,
                   progress=False).code(corpus)
    pd.testing.assert_frame_equal(a, b)  # seeded: the same tables again


def test_exclusive_codes_every_text_when_no_hand_code_says_none():
    texts = ["Hun bliver mobbet.", "Han har fravær.", "Eleven er umotiveret."] * 6
    ys = [["mobning"], ["fravaer"], ["motivation"]] * 6
    coder = SupervisedCoder(embedder="tfidf", exclusive=True).fit(texts, ys)
    assert not coder.none_seen_
    P = coder.predict(["Noget helt andet.", "Han bliver mobbet og har fravær."])
    assert (P.sum(axis=1) == 1).all()
    with_none = SupervisedCoder(embedder="tfidf", exclusive=True).fit(texts + ["Møde aflyst."] * 3, ys + [[]] * 3)
    assert with_none.none_seen_
    assert (with_none.predict(texts).sum(axis=1) <= 1).all()


# --- the prior self-trains with the hand codes too --------------------------------------------------
def test_hand_targets_one_positive_unit_per_coded_theme_and_negatives_elsewhere():
    from kvalitativ.coding.selftrain import hand_targets

    Z = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 3.0], [0.0, 0.0], [5.0, 5.0]])
    note = np.array([0, 0, -1, 1, 1])  # unit 2 is of a note not hand-coded
    got = hand_targets(Z, note, [[0, 1], []])
    # note 0 carries both themes: its best unit for each is the positive, its other unit unknown
    assert got.tolist() == [[-1, 1], [1, -1], [-1, -1], [0, 0], [0, 0]]


def test_hand_codes_correct_the_self_trained_coder(mini_codebook):
    """A hand code that contradicts the codebook's pseudo-labels wins on the units like it: every
    hand-coded note says that fravær (absence) is *not* motivation here."""
    from kvalitativ.coding import segment_corpus

    corpus, gold = make_corpus(80, seed=5)
    units = segment_corpus(corpus, "sentence")
    texts = list(units["text"])
    kw = dict(embedder="tfidf", progress=False, keyword_seeds=False)
    plain = ZeroShotCoder(mini_codebook, **kw).fit(texts)
    j = list(plain.classes_).index("motivation")
    absence = [i for i, t in enumerate(texts) if "fravær" in t.lower()]
    assert len(absence) >= 6
    y = [None] * len(texts)
    for i in absence[: len(absence) // 2]:
        y[i] = ["motivation"]  # the hand codes (deliberately against the codebook)
    hand = ZeroShotCoder(mini_codebook, **kw).fit(texts, y, list(units["note_id"]))
    held = absence[len(absence) // 2:]  # units with no hand code of their own
    assert hand.predict_proba([texts[i] for i in held])[:, j].mean() > \
        plain.predict_proba([texts[i] for i in held])[:, j].mean() + 0.1
    assert ZeroShotCoder(mini_codebook, **kw).fit(texts, [None] * len(texts)).hand_ is None

