"""Self-training fits each distinct unit once, weighted by its copies: the same models as fitting every copy."""
import numpy as np

from kvalitativ.coding.selftrain import collapse_copies, fit_theme


def test_collapse_copies_collapse_copies_with_one_label_and_keep_order():
    rows = np.array([0, 2, 3, 5, 6, 7])
    groups = np.array([4, 9, 1, 4, 1, 4, 1, 4])  # texts: rows 0, 3, 5, 7 are one text; 2, 4, 6 another
    labels = np.array([0, -1, 1, 0, 1, 0, 2, 0])  # row 6 has the text of row 2 but another pseudo-label
    got, counts = collapse_copies(rows, groups, labels)
    assert got.tolist() == [0, 2, 6]  # the first row of each, in the rows' order
    assert counts.tolist() == [4, 1, 1]  # 0, 3, 5 and 7 share text and label; 4 is not among the rows


def test_weighted_collapse_copies_fit_the_model_of_every_copy():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(40, 6))
    y_base = (base[:, 0] + 0.3 * rng.normal(size=40) > 0).astype(int)
    copies = rng.integers(1, 6, size=40)
    F_all = np.repeat(base, copies, axis=0)
    y_all = np.repeat(y_base, copies)
    kw = dict(seeds=None, t=0, C=1.0, class_weight="balanced", seed_weight=1.0, random_state=0)
    every_copy = fit_theme(F_all, y_all, **kw)
    weighted = fit_theme(base, y_base, weight=copies, **kw)
    np.testing.assert_allclose(weighted.coef_, every_copy.coef_, atol=1e-3)
    np.testing.assert_allclose(weighted.intercept_, every_copy.intercept_, atol=1e-3)
    unweighted = fit_theme(base, y_base, **kw)
    assert np.abs(unweighted.coef_ - every_copy.coef_).max() > 1e-2  # the weights matter


def test_copies_count_as_positives_and_balanced_weights_count_copies():
    """A theme whose only positive is one sentence written three times still gets a model, and
    the balanced class weights count copies: the collapsed fit equals the fit of every copy."""
    rng = np.random.default_rng(1)
    base = rng.normal(size=(30, 4))
    y_base = np.zeros(30, dtype=int)
    y_base[0] = 1
    copies = np.ones(30, dtype=int)
    copies[0] = 3
    kw = dict(seeds=None, t=0, C=1.0, class_weight="balanced", seed_weight=1.0, random_state=0)
    every_copy = fit_theme(np.repeat(base, copies, axis=0), np.repeat(y_base, copies), **kw)
    weighted = fit_theme(base, y_base, weight=copies, **kw)
    assert every_copy is not None and weighted is not None
    np.testing.assert_allclose(weighted.coef_, every_copy.coef_, atol=1e-3)
    assert fit_theme(base, y_base, **kw) is None  # one unit alone is too few positives
