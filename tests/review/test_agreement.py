"""Agreement statistics equal scikit-learn's kappa and the krippendorff package's alpha."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from kvalitativ.review.agreement import (
    OVERALL,
    RELIABILITY_COLUMNS,
    cohen_kappa,
    krippendorff_alpha,
    model_as_coder,
    percent_agreement,
    reliability_table,
)


def _pair(seed: int, n: int = 60, k: int = 3, agree: float = 0.7):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, k, n)
    b = np.where(rng.random(n) < agree, a, rng.integers(0, k, n))
    return a, b


@pytest.mark.parametrize("seed", range(5))
def test_kappa_equals_sklearn(seed):
    a, b = _pair(seed)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    assert percent_agreement(a, b) == pytest.approx(np.mean(a == b))


def test_kappa_on_strings_and_missing_uses_units_both_coded():
    a = ["ja", "nej", None, "ja", "nej", "ja", "nej", "nej"]
    b = ["ja", "ja", "nej", None, "nej", "ja", "nej", "ja"]
    both = [i for i in range(len(a)) if a[i] is not None and b[i] is not None]
    expected = cohen_kappa_score([a[i] for i in both], [b[i] for i in both])
    assert cohen_kappa(a, b) == pytest.approx(expected)


def test_kappa_undefined_when_one_value_only():
    assert np.isnan(cohen_kappa(["nej"] * 5, ["nej"] * 5))
    assert percent_agreement(["nej"] * 5, ["nej"] * 5) == 1.0


def test_alpha_equals_krippendorff_package_three_coders_with_missing():
    rng = np.random.default_rng(3)
    for _ in range(10):
        R = rng.integers(0, 4, (3, 40)).astype(float)
        R[1] = np.where(rng.random(40) < 0.6, R[0], R[1])
        R[rng.random(R.shape) < 0.3] = np.nan
        expected = krippendorff.alpha(reliability_data=R, level_of_measurement="nominal")
        assert krippendorff_alpha(R) == pytest.approx(expected, abs=1e-12)


def test_alpha_textbook_example():
    # Krippendorff's own example (also in the krippendorff package's docstring): 0.691
    nan = np.nan
    R = [[nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
         [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
         [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4]]
    assert krippendorff_alpha(R) == pytest.approx(0.691358, abs=1e-6)


def _long(matrix: dict[str, dict[str, dict[str, bool]]]) -> pd.DataFrame:
    rows = []
    for coder, notes in matrix.items():
        for note, themes in notes.items():
            for theme, present in themes.items():
                rows.append({"coder": coder, "note_id": note, "theme_id": theme, "present": present, "valence": None})
    return pd.DataFrame(rows)


def _random_codings(seed=0, n_notes=40, themes=("a", "b", "c"), coders=("anna", "bo", "carl")):
    rng = np.random.default_rng(seed)
    truth = rng.random((n_notes, len(themes))) < 0.35
    data = {}
    for c in coders:
        flip = rng.random(truth.shape) < 0.15
        coded = rng.random(n_notes) > 0.2  # each coder leaves some notes uncoded
        data[c] = {f"n{i}": {t: bool(truth[i, j] ^ flip[i, j]) for j, t in enumerate(themes)} for i in range(n_notes) if coded[i]}
    return _long(data)


def test_reliability_table_matches_reference_implementations():
    long = _random_codings()
    table = reliability_table(long, n_boot=200, random_state=1, run_id="r1")
    assert list(table.columns) == RELIABILITY_COLUMNS
    assert set(table["theme_id"]) == {"a", "b", "c", OVERALL}
    wide = long.pivot_table(index=["note_id", "theme_id"], columns="coder", values="present", aggfunc="first")
    for theme in ["a", "b"]:
        sub = wide.xs(theme, level="theme_id")
        both = sub[["anna", "bo"]].dropna()
        row = table[(table.theme_id == theme) & (table.coder_a == "anna") & (table.coder_b == "bo")].iloc[0]
        assert row.n_units == len(both)
        assert row.cohen_kappa == pytest.approx(cohen_kappa_score(both["anna"].astype(int), both["bo"].astype(int)))
        assert row.kappa_ci_low <= row.cohen_kappa <= row.kappa_ci_high
        R = sub[["anna", "bo", "carl"]].T.astype(float).to_numpy()
        all_row = table[(table.theme_id == theme) & (table.coder_a == "all")].iloc[0]
        assert all_row.krippendorff_alpha == pytest.approx(krippendorff.alpha(reliability_data=R, level_of_measurement="nominal"))
        assert all_row.alpha_ci_low <= all_row.krippendorff_alpha <= all_row.alpha_ci_high
    # overall pools every note × theme unit
    both = wide[["anna", "bo"]].dropna()
    row = table[(table.theme_id == OVERALL) & (table.coder_a == "anna") & (table.coder_b == "bo")].iloc[0]
    assert row.cohen_kappa == pytest.approx(cohen_kappa_score(both["anna"].astype(int), both["bo"].astype(int)))


def test_bootstrap_is_deterministic_for_a_seed():
    long = _random_codings(seed=5)
    t1 = reliability_table(long, n_boot=100, random_state=7)
    t2 = reliability_table(long, n_boot=100, random_state=7)
    pd.testing.assert_frame_equal(t1, t2)


def test_notes_no_coder_coded_are_not_counted():
    """A note a coder left blank for every theme is missing, not 'absent' agreement."""
    coded = {"n1": {"a": True, "b": False}, "n2": {"a": False, "b": True}, "n3": {"a": True, "b": True}}
    anna = dict(coded)
    bo = {"n1": {"a": True, "b": True}, "n2": {"a": False, "b": True}, "n3": {"a": False, "b": True}}
    base = reliability_table(_long({"anna": anna, "bo": bo}), n_boot=0)
    # n4 and n5 exist in the sample but nobody coded them: no rows, so nothing changes
    long = _long({"anna": anna, "bo": bo})
    table = reliability_table(long, n_boot=0)
    row = table[(table.theme_id == OVERALL) & (table.coder_a == "anna")].iloc[0]
    assert row.n_units == 6
    # a note only one coder coded adds no pair either
    anna_more = {**anna, "n4": {"a": False, "b": False}}
    table2 = reliability_table(_long({"anna": anna_more, "bo": bo}), n_boot=0)
    pd.testing.assert_frame_equal(base, table2)


def test_model_as_coder_thresholds_and_pools_segments():
    codings = pd.DataFrame({
        "note_id": ["n1", "n1", "n2", "n2"],
        "segment_id": [0, 1, 0, 0],
        "theme_id": ["a", "a", "a", "b"],
        "score": [0.2, 0.9, 0.4, 0.7],
        "valence": ["strength", "concern", "neutral", "strength"],
    })
    m = model_as_coder(codings, ["n1", "n2", "n3"], ["a", "b"], threshold={"a": 0.5, "b": 0.8})
    rows_are_codings = model_as_coder(codings, ["n1", "n2", "n3"], ["a", "b"]).set_index(["note_id", "theme_id"])
    assert rows_are_codings.loc[("n2", "b"), "present"] and not rows_are_codings.loc[("n1", "b"), "present"]
    got = m.set_index(["note_id", "theme_id"])
    assert got.loc[("n1", "a"), "present"] and got.loc[("n1", "a"), "valence"] == "concern"
    assert not got.loc[("n2", "a"), "present"] and not got.loc[("n2", "b"), "present"]
    assert not got.loc[("n3", "a"), "present"]  # seen by the model, nothing found
    assert (m["coder"] == "model").all() and len(m) == 6


def test_model_coder_rows_in_table():
    long = _random_codings(coders=("anna", "bo"))
    model = long[long.coder == "anna"].assign(coder="model")
    table = reliability_table(pd.concat([long, model]), model_coders=["model"], n_boot=0)
    row = table[(table.theme_id == OVERALL) & (table.coder_a == "model") & (table.coder_b == "anna")].iloc[0]
    assert row.cohen_kappa == pytest.approx(1.0) and row.percent_agreement == 1.0
    all_rows = table[table.coder_a == "all"]  # alpha over the people only, never the model
    pair = table[(table.coder_a == "anna") & (table.coder_b == "bo")]
    np.testing.assert_allclose(all_rows.krippendorff_alpha.to_numpy(), pair.krippendorff_alpha.to_numpy())
