"""Training codes from several coders follow the documented rule."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.errors import ConfigError
from kvalitativ.review.retrain import consensus, training_codes


def _human():
    rows = [
        # coder, note, theme, present, valence
        ("anna", "n1", "a", True, "concern"), ("bo", "n1", "a", True, "concern"), ("carl", "n1", "a", False, None),
        ("anna", "n1", "b", True, "strength"), ("bo", "n1", "b", False, None), ("carl", "n1", "b", False, None),
        ("anna", "n2", "a", True, "strength"), ("bo", "n2", "a", True, "concern"),
        ("anna", "n2", "b", False, None), ("bo", "n2", "b", False, None),
    ]
    return pd.DataFrame(rows, columns=["coder", "note_id", "theme_id", "present", "valence"])


def test_majority_rule():
    codes, notes = training_codes(_human(), "majority")
    assert notes == ["n1", "n2"]  # every coded note trains, with negatives
    got = {(r.note_id, r.theme_id): (None if pd.isna(r.valence) else r.valence) for r in codes.itertuples()}
    assert got == {("n1", "a"): "concern", ("n2", "a"): None}  # 2 of 3 yes; n2: valence tie → None


def test_any_and_single_coder_rules():
    any_codes, _ = training_codes(_human(), "any")
    assert set(zip(any_codes.note_id, any_codes.theme_id)) == {("n1", "a"), ("n1", "b"), ("n2", "a")}
    bo, notes = training_codes(_human(), "coder:bo")
    assert set(zip(bo.note_id, bo.theme_id)) == {("n1", "a"), ("n2", "a")} and notes == ["n1", "n2"]
    c = consensus(_human(), "majority").set_index(["note_id", "theme_id"])
    assert c.loc[("n1", "b"), "n_coders"] == 3 and c.loc[("n1", "b"), "n_present"] == 1


def test_bad_rule():
    with pytest.raises(ConfigError, match="no coder named 'dora'"):
        training_codes(_human(), "coder:dora")
    with pytest.raises(ConfigError, match="use 'majority', 'any' or 'coder:NAME'"):
        training_codes(_human(), "vote")


def test_note_without_any_theme_trains_as_uncoded():
    human = pd.concat([_human(), pd.DataFrame([("anna", "n3", "a", False, None), ("anna", "n3", "b", False, None)],
                                              columns=["coder", "note_id", "theme_id", "present", "valence"])])
    codes, notes = training_codes(human, "majority")
    assert notes == ["n1", "n2", "n3"]
    assert codes[codes.note_id == "n3"]["theme_id"].tolist() == ["uncoded"]  # kvalitativ code --train convention


def test_the_sheet_design_travels_with_the_training_codes():
    """Codes of an active sheet (review import --selection) keep p_person / p_active, so the training
    codes can correct the links too (they were dropped: a new user's trial)."""
    from kvalitativ.link.human import normalise_codes

    human = _human().assign(p_person=lambda d: d["note_id"].map({"n1": 0.25, "n2": 0.0}),
                            p_active=lambda d: d["note_id"].map({"n1": 0.1, "n2": 0.6}))
    codes, _ = training_codes(human, "majority")
    assert codes.set_index("note_id")["p_person"].to_dict() == {"n1": 0.25, "n2": 0.0}
    assert codes.set_index("note_id")["p_active"].to_dict() == {"n1": 0.1, "n2": 0.6}
    assert len(normalise_codes(codes)) == len(codes)  # the link reads them as hand codes with a design
    assert "p_person" not in training_codes(_human(), "majority")[0].columns
