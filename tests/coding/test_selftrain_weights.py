"""Self-training fits each distinct unit once, weighted by its copies: the same models as fitting every copy."""
import numpy as np

from kvalitativ.coding.selftrain import distinct_rows, fit_theme


def test_distinct_rows_collapse_copies_with_one_label_and_keep_order():
    rows = np.array([0, 2, 3, 5, 6, 7])
    groups = np.array([4, 9, 1, 4, 1, 4, 1, 4])  # texts: rows 0, 3, 5, 7 are one text; 2, 4, 6 another
    labels = np.array([0, -1, 1, 0, 1, 0, 2, 0])  # row 6 has the text of row 2 but another pseudo-label
    got, counts = distinct_rows(rows, groups, labels)
    assert got.tolist() == [0, 2, 6]  # the first row of each, in the rows' order
    assert counts.tolist() == [4, 1, 1]  # 0, 3, 5 and 7 share text and label; 4 is not among the rows


def test_weighted_distinct_rows_fit_the_model_of_every_copy():
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
