"""The hand-code prior, cross-fitted: no hand-coded note is scored by a prior that saw its code
while the supervised coder learns how far to trust the prior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.coding import SupervisedCoder, ZeroShotCoder, segment_corpus, training_from_codes
from kvalitativ.coding.api import make_coder
from kvalitativ.coding.handprior import CrossFitPrior, fit_hand_prior
from kvalitativ.embed import resolve_embedder
from kvalitativ.errors import ConfigError

from .conftest import make_corpus


def _codes(corpus, gold, n):
    """Hand codes of the first ``n`` notes (a note without a gold theme coded "uncoded")."""
    ids = list(corpus["note_id"])[:n]
    themes = gold.groupby("note_id")["theme_id"].apply(list).to_dict()
    return pd.DataFrame([(i, t) for i in ids for t in themes.get(i, ["uncoded"])], columns=["note_id", "theme_id"])


def _seen(prior, corpus, level="sentence") -> set:
    """The note ids whose hand codes ``prior`` self-trained on (its units in fit order)."""
    units = segment_corpus(corpus, level)  # a small corpus: the fit sample is every note
    note = prior.hand_[0] if prior.hand_ is not None else np.full(len(units), -1)
    assert len(note) == len(units)
    return set(units["note_id"].to_numpy()[note >= 0])


def _held(cf, k: int, corpus) -> set:
    """Fold ``k``'s hand-coded notes; their texts are among the texts it scores."""
    from kvalitativ.coding.handprior import _keys

    text = corpus.set_index("note_id")["text"]
    held = cf.fold_notes_[k]
    assert set(_keys([text[i] for i in held])) <= cf.folds[k][0]
    return held


def _fit(corpus, codebook, codes, folds=5, level="sentence"):
    return fit_hand_prior(corpus, codebook, codes, folds=folds, level=level,
                          embedder=resolve_embedder("tfidf"), exclusive=False, cache_dir=None, random_state=0,
                          progress=False)


def test_each_fold_prior_never_saw_its_own_notes_codes(mini_codebook):
    corpus, gold = make_corpus(60, seed=7)
    codes = _codes(corpus, gold, 30)
    ids = set(codes["note_id"])
    cf = _fit(corpus, mini_codebook, codes)
    assert _seen(cf.final, corpus) == ids  # the full prior learned from every hand code
    held_all = set()
    for k, (_, prior) in enumerate(cf.folds):
        held = _held(cf, k, corpus)
        assert held and not (_seen(prior, corpus) & held)  # not one code of its own fold
        assert _seen(prior, corpus) == ids - held  # and every other fold's
        held_all |= held
    assert held_all == ids and len(cf.folds) == 5


def test_copies_of_a_note_stay_in_one_fold(mini_codebook):
    corpus, gold = make_corpus(40, seed=8)
    text = corpus["text"].iloc[0]
    copies = pd.DataFrame({"note_id": ["c1", "c2"], "person_id": ["p_c1", "p_c2"],
                           "text": [text.upper(), "  " + text.replace(" ", "   ")]})
    corpus = pd.concat([corpus, copies], ignore_index=True)
    codes = pd.concat([_codes(corpus, gold, 20), pd.DataFrame({"note_id": ["c1", "c2"], "theme_id": "motivation"})])
    cf = _fit(corpus, mini_codebook, codes)
    ids = set(codes["note_id"])
    same = {"c1", "c2", corpus["note_id"].iloc[0]}
    folds = [k for k in range(len(cf.folds)) if same & _held(cf, k, corpus)]
    assert len(folds) == 1 and same <= _held(cf, folds[0], corpus)  # the original and both copies: one fold
    assert not (same & _seen(cf.folds[folds[0]][1], corpus))


def test_a_hand_coded_text_is_scored_by_its_fold_prior_every_other_by_the_full_one(mini_codebook):
    corpus, gold = make_corpus(60, seed=9)
    codes = _codes(corpus, gold, 30)
    cf = _fit(corpus, mini_codebook, codes)
    text = corpus.set_index("note_id")["text"]
    keys, fold_prior = cf.folds[2]
    coded = sorted(_held(cf, 2, corpus))[0]
    texts = [text[coded], "Eleven spiller fodbold med de andre i frikvarteret."]  # the second: no hand-coded note's
    U = np.asarray(cf.embedder_.encode(texts), dtype=np.float32)
    S = cf.score_vectors(U, texts)
    assert np.allclose(S[0], fold_prior.score_vectors(U[:1], texts[:1]))
    assert np.allclose(S[1], cf.final.score_vectors(U[1:], texts[1:]))
    assert not np.allclose(fold_prior.score_vectors(U[:1], texts[:1]), cf.final.score_vectors(U[:1], texts[:1]))


def test_make_coder_cross_fits_while_fitting_and_keeps_the_full_prior_after(mini_codebook):
    corpus, gold = make_corpus(60, seed=6)
    codes = _codes(corpus, gold, 30)
    kw = dict(level="sentence", embedder="tfidf", train=codes, progress=False)
    coder = make_coder(corpus, mini_codebook, "supervised", prior_folds=5, **kw)
    assert isinstance(coder.prior_, ZeroShotCoder)  # not the CrossFitPrior: it only served the fit
    assert _seen(coder.prior_, corpus) == set(codes["note_id"])
    plain = make_coder(corpus, mini_codebook, "supervised", **kw)
    assert plain.prior_.hand_ is None  # prior_folds=0: the prior never sees the hand codes
    again = make_coder(corpus, mini_codebook, "supervised", prior_folds=5, **kw)
    pd.testing.assert_frame_equal(coder.code(corpus), again.code(corpus))  # seeded
    with pytest.raises(ConfigError):
        make_coder(corpus, mini_codebook, "supervised", prior_folds=1, **kw)


def test_the_supervised_coder_trusts_the_prior_by_its_out_of_fold_scores(mini_codebook):
    """The leak itself: a prior that saw the hand codes scores the hand-coded notes better than the
    cross-fitted one does; the supervised coder must see the cross-fitted scores while it fits."""
    corpus, gold = make_corpus(80, seed=10)
    codes = _codes(corpus, gold, 40)
    cf = _fit(corpus, mini_codebook, codes, level="note")
    texts, ys, vals = training_from_codes(corpus, codes)
    seen = []

    class Spy(CrossFitPrior):
        def score_vectors(self, U, texts=None):
            out = super().score_vectors(U, texts)
            seen.append((list(texts), out))
            return out

    spy = Spy(cf.final, cf.folds)
    spy.embedder_ = cf.embedder_
    coder = SupervisedCoder(embedder=cf.embedder_, codebook=mini_codebook, prior=spy).fit(texts, ys, vals)
    assert coder.prior_ is cf.final
    fit_texts, fit_scores = seen[0]
    assert fit_texts == texts
    full = cf.final.score_vectors(cf.embedder_.encode(texts), texts)
    assert not np.allclose(fit_scores, full)  # scored by the fold priors, not by the full one
