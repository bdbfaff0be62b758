"""The review sample covers every theme, holds the uncertain share, and is deterministic."""

from __future__ import annotations

import pandas as pd

from kvalitativ.review.sample import select_for_review


def test_every_theme_represented_even_one_the_model_never_finds(small):
    corpus, codings, _ = small
    codings = codings.copy()
    codings.loc[codings.theme_id == "rusmidler", "score"] *= 0.3  # the model never finds it
    sel = select_for_review(codings, corpus, n=20, random_state=0)
    assert len(sel) == 20 and sel["note_id"].is_unique
    assert "rusmidler" in set(sel.loc[sel.reason == "tema", "stratum"])
    wide = codings.pivot_table(index="note_id", columns="theme_id", values="score", aggfunc="max")
    chosen = wide.loc[sel.note_id]
    for theme in ["motivation", "trivsel", "respekt"]:
        assert (chosen[theme] >= 0.5).any()


def test_uncertain_share_takes_scores_nearest_threshold(small):
    corpus, codings, _ = small
    sel = select_for_review(codings, corpus, n=20, random_state=0, uncertain_share=0.3)
    unsure = sel[sel.reason == "usikker"]
    assert len(unsure) == 6
    others = sel[sel.reason != "usikker"]
    assert unsure["margin"].max() <= others["margin"].quantile(0.9)


def test_deterministic_and_seed_dependent(small):
    corpus, codings, _ = small
    a = select_for_review(codings, corpus, n=25, random_state=3)
    b = select_for_review(codings, corpus, n=25, random_state=3)
    c = select_for_review(codings, corpus, n=25, random_state=4)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.note_id) != list(c.note_id)
    assert list(a.order) == list(range(1, 26))


def test_n_larger_than_corpus_takes_all(small):
    corpus, codings, _ = small
    sel = select_for_review(codings, corpus, n=1000)
    assert set(sel.note_id) == set(corpus.note_id)


def test_uncoded_rows_count_as_uncertain_when_best_score_is_near_threshold(small):
    corpus, codings, _ = small
    coded = codings[codings.score >= 0.5]
    # a coder writes one `uncoded` row (score = 1 − best theme score) for a note with no theme
    near = pd.DataFrame({"note_id": ["N059"], "theme_id": ["uncoded"], "score": [0.51]})  # best theme 0.49
    coded = pd.concat([coded[coded.note_id != "N059"], near], ignore_index=True)
    sel = select_for_review(coded, corpus, n=10, random_state=0, themes=["motivation", "trivsel", "respekt", "rusmidler"])
    assert "N059" in set(sel.loc[sel.reason == "usikker", "note_id"])
    assert "uncoded" not in set(sel["stratum"])
