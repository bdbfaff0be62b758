"""Supervised coding from human codes: lexical + embedding features, calibrated, valence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.coding import SupervisedCoder, evaluate_codings, training_from_codes
from kvalitativ.coding.supervised import labels_to_matrix
from kvalitativ.errors import InputError

from .conftest import make_corpus


@pytest.fixture(scope="module")
def train_test():
    train, train_gold = make_corpus(150, seed=1)
    test, test_gold = make_corpus(60, seed=2)
    return training_from_codes(train, train_gold), train, (test, test_gold)


@pytest.mark.parametrize("level", ["note", "sentence"])
def test_learns_themes_and_valence(train_test, level):
    (texts, ys, vals), _, (test, gold) = train_test
    coder = SupervisedCoder(embedder="tfidf", level=level, random_state=0).fit(texts, ys, vals)
    assert list(coder.classes_) == ["mobning", "moedestabilitet", "motivation"]
    assert ((coder.thresholds_ > 0) & (coder.thresholds_ < 1)).all()
    codings = coder.code(test)
    per_theme, summary = evaluate_codings(codings, gold)
    assert summary["micro_f1"] > 0.9
    assert summary["valence_accuracy"] > 0.8
    assert (codings["method"] == "supervised").all()


def test_scores_are_calibrated_probabilities(train_test):
    (texts, ys, vals), _, _ = train_test
    coder = SupervisedCoder(embedder="tfidf").fit(texts, ys, vals)
    p = coder.predict_proba(["Han har et højt fravær.", "Møde aflyst, ny tid sendt."])
    j = list(coder.classes_).index("moedestabilitet")
    assert p[0, j] > 0.7 and p[1, j] < 0.3
    assert coder.oof_scores_.shape == (len(texts), 3)


def test_lexical_only_and_embedding_only(train_test):
    (texts, ys, vals), _, _ = train_test
    for kw in ({"embedding": False}, {"lexical": False}):
        coder = SupervisedCoder(embedder="tfidf", **kw).fit(texts, ys, vals)
        assert coder.predict(["Hun bliver mobbet i frikvarteret."])[0].tolist() == [1, 0, 0]


def test_valence_falls_back_to_the_codebook_without_labels(train_test, mini_codebook):
    (texts, ys, _), _, _ = train_test
    coder = SupervisedCoder(embedder="tfidf", codebook=mini_codebook).fit(texts, ys)
    v = coder.predict_valence(["Ingen problemer med fremmødet."], np.array([[0, 1, 0]]))
    assert v[0, 1] == "strength" and v[0, 0] is None


def test_rare_themes_are_skipped_with_a_warning():
    texts = ["Hun bliver mobbet."] * 5 + ["Han har fravær."] * 5 + ["Eleven er umotiveret."]
    ys = [["mobning"]] * 5 + [["fravaer"]] * 5 + [["motivation"]]
    with pytest.warns(UserWarning, match="motivation"):
        coder = SupervisedCoder(embedder="tfidf", min_positive=3, cv=2).fit(texts, ys)
    assert coder.skipped_themes_ == ["motivation"]


def test_errors():
    with pytest.raises(InputError, match="too few"):
        SupervisedCoder(embedder="tfidf").fit(["a", "b"], [["x"], []])
    with pytest.raises(InputError, match="label sets"):
        SupervisedCoder(embedder="tfidf").fit(["a", "b", "c", "d"], [["x"]])
    with pytest.raises(InputError, match="no theme"):
        SupervisedCoder(embedder="tfidf").fit(["a", "b", "c", "d"], [["x"], [], [], []])


def test_labels_to_matrix():
    Y, classes = labels_to_matrix(["a", ["a", "b"], None, "uncoded", []])
    assert classes == ["a", "b"]
    assert Y.tolist() == [[1, 0], [1, 1], [0, 0], [0, 0], [0, 0]]


def test_training_from_codes_checks_ids():
    corpus = pd.DataFrame({"note_id": ["a", "b"], "text": ["x", "y"]})
    with pytest.raises(InputError, match="not in the notes"):
        training_from_codes(corpus, pd.DataFrame({"note_id": ["zz"], "theme_id": ["t"]}))
    with pytest.raises(InputError, match="theme_id"):
        training_from_codes(corpus, pd.DataFrame({"note_id": ["a"]}))
    texts, ys, vals = training_from_codes(corpus, pd.DataFrame({"note_id": ["a", "a", "b"], "theme_id": ["t", "u", "uncoded"],
                                                                "valence": ["Strength", None, None]}))
    assert texts == ["x", "y"] and ys == [["t", "u"], []] and vals == [{"t": "strength"}, {}]


@pytest.mark.parametrize("with_valence", [True, False])
def test_code_shares_the_features_and_matches_the_public_methods(train_test, with_valence):
    # code() transforms the units once for scores and valence; the public methods transform
    # per call: the codings must be the same
    from kvalitativ.coding import UNCODED, segment_corpus

    (texts, ys, vals), _, (test, _) = train_test
    coder = SupervisedCoder(embedder="tfidf", level="sentence").fit(texts, ys, vals if with_valence else None)
    assert (coder.valence_model_ is not None) == with_valence
    units = segment_corpus(test, "sentence")
    unit_texts = list(units["text"])
    scores = coder.predict_proba(unit_texts)
    coded = coder.decide(scores).astype(bool)
    valence = coder.predict_valence(unit_texts, coded)
    ids = np.asarray(units["segment_id"], dtype=object)
    ui, ti = np.nonzero(coded)
    want = sorted((ids[u], coder.classes_[t], round(float(scores[u, t]), 6), valence[u, t]) for u, t in zip(ui, ti))
    got = coder.code(test)
    got = got[got["theme_id"] != UNCODED]
    assert sorted(zip(got["segment_id"], got["theme_id"], got["score"], got["valence"])) == want


def test_exclusive_supervised_gives_at_most_one_theme(mini_corpus):
    from kvalitativ.coding import SupervisedCoder

    corpus, gold = mini_corpus
    texts, ys = list(corpus["text"]), [sorted(gold.loc[gold["note_id"] == n, "theme_id"]) for n in corpus["note_id"]]
    multi = SupervisedCoder(embedder="tfidf", threshold=0.2).fit(texts, ys)
    single = SupervisedCoder(embedder="tfidf", threshold=0.2, exclusive=True).fit(texts, ys)
    P, Ym, Ys = single.predict_proba(texts), multi.predict(texts), single.predict(texts)
    assert (Ys.sum(axis=1) <= 1).all() and (Ym.sum(axis=1) > 1).any()
    rows = np.flatnonzero(Ys.sum(axis=1))
    assert (Ys[rows].argmax(axis=1) == P[rows].argmax(axis=1)).all()
    assert (Ym[rows, P[rows].argmax(axis=1)] == 1).all()


# --- out-of-fold scores: copies of a text stay in one fold ----------------------------------------
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

from kvalitativ.coding.supervised import text_folds  # noqa: E402


def test_text_folds_keep_copies_together_and_partition_the_rows():
    texts = ["Han kommer for sent.", "han  kommer for SENT.", "Hun trives.", "Møde aflyst.", "Hun trives. ",
             "Ny tid sendt.", "Han kommer for sent.", "Eleven er glad.", "Hun er stoppet.", "Ny   tid sendt."]
    folds = text_folds(texts, 3, random_state=0)
    assert len(folds) == 3
    assert sorted(np.concatenate([te for _, te in folds]).tolist()) == list(range(len(texts)))
    key = [" ".join(t.lower().split()) for t in texts]
    for tr, te in folds:
        assert not set(tr) & set(te)
        assert not {key[i] for i in te} & {key[i] for i in tr}  # no text on both sides of a fold


def test_text_folds_without_copies_are_the_shuffled_kfold():
    texts = [f"tekst nummer {i}" for i in range(23)]
    ours = text_folds(texts, 5, random_state=3)
    theirs = list(KFold(5, shuffle=True, random_state=3).split(texts))
    assert all((a == c).all() and (b == d).all() for (a, b), (c, d) in zip(ours, theirs))


def test_out_of_fold_scores_do_not_see_a_copy_of_the_text():
    # 40 distinct nonsense texts with random labels, each written for three persons: a model that
    # saw a copy would score its copies almost perfectly out of fold; honest folds score at chance
    rng = np.random.default_rng(0)
    words = [f"ord{i}" for i in range(400)]
    distinct = [" ".join(rng.choice(words, 6)) for _ in range(40)]
    labels = rng.permutation([["a"]] * 20 + [["b"]] * 20)
    texts = [t for t in distinct for _ in range(3)]
    ys = [list(lab) for lab in labels for _ in range(3)]
    coder = SupervisedCoder(embedding=False, random_state=0).fit(texts, ys)
    y = np.array([lab[0] == "a" for lab in ys], dtype=int)
    assert roc_auc_score(y, coder.oof_scores_[:, list(coder.classes_).index("a")]) < 0.75


def test_hand_codes_of_one_distinct_text_are_an_error_that_says_so():
    import pytest

    from kvalitativ.coding.supervised import text_folds
    from kvalitativ.errors import InputError

    with pytest.raises(InputError, match="distinct text"):
        text_folds(["Same note.", "same  note.", "SAME NOTE."], 5, 0)


def test_text_folds_do_not_join_empty_texts():
    """Texts without words are no copies of each other (one rule with ingest and the link)."""
    texts = ["", " ", "Kom for sent.", "", "Var glad i dag.", "Ny tekst."]
    folds = text_folds(texts, 3, random_state=0)
    fold_of = {i: k for k, (_, te) in enumerate(folds) for i in te}
    assert sorted(fold_of) == list(range(6))
    assert len({fold_of[0], fold_of[1], fold_of[3]}) > 1  # three groups, not one


def test_hand_codes_with_a_theme_the_codebook_lacks_stop(tmp_path):
    """A trial's misspelt theme id in the hand codes became a seventh theme of a six-theme codebook:
    codings rows that no themes row describes (a dashboard's join on theme_id drops them)."""
    from kvalitativ.coding.api import make_coder

    corpus = pd.DataFrame({"note_id": ["a", "b", "c"], "text": ["Kom for sent.", "Glad i dag.", "Mobbet i frikvarteret."]})
    codes = pd.DataFrame({"note_id": ["a", "b", "c"], "theme_id": ["modestabilitet", "trivsel", "moedestabilitet"]})
    with pytest.raises(InputError, match=r"'modestabilitet' \(1 codes; did you mean 'moedestabilitet'\?\)"):
        make_coder(corpus, "ungekompetencer", "supervised", embedder="tfidf", train=codes, progress=False)
    grouped = codes.assign(theme_id=["personlige_kompetencer", "trivsel", "moedestabilitet"])
    with pytest.raises(InputError, match="'personlige_kompetencer' is a group of the codebook, not a theme"):
        make_coder(corpus, "ungekompetencer", "supervised", embedder="tfidf", train=grouped, progress=False)
    # the check is the codebook's: without one (a bare model) any theme id is a class
    texts, ys, _ = training_from_codes(corpus, codes, themes=None)
    assert ys == [["modestabilitet"], ["trivsel"], ["moedestabilitet"]]
    with pytest.raises(InputError, match="not themes of the codebook"):
        training_from_codes(corpus, codes, themes=["trivsel", "moedestabilitet"])


def test_english_notes_with_a_danish_codebook_warn():
    """A trial: code_notes' default codebook (Danish) coded English notes without a word."""
    from kvalitativ.codebook import load_codebook
    from kvalitativ.coding.api import warn_if_other_language

    english = pd.DataFrame({"note_id": [f"n{i}" for i in range(12)], "text": ["Was late again."] * 12,
                            "language": ["en"] * 10 + ["unknown"] * 2})
    with pytest.warns(UserWarning, match="100% of the notes are English, but the codebook 'ungekompetencer' is Danish"):
        assert warn_if_other_language(english, load_codebook("ungekompetencer"))
    danish = english.assign(language=["da"] * 12)
    assert not warn_if_other_language(danish, load_codebook("ungekompetencer"))
    assert not warn_if_other_language(english.head(5), load_codebook("ungekompetencer"))  # too few to tell
    english_book = load_codebook({"name": "youth_en", "language": "en", "themes": [{"id": "a", "label": "Attendance"}]})
    assert not warn_if_other_language(english, english_book)
    assert load_codebook(english_book) is english_book  # a dict, once read, is a Codebook
