"""Hand codes read one way: review import's human_codings or a codes file (coding.handcodes)."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.coding.handcodes import in_corpus_order, one_reading
from kvalitativ.errors import InputError


def test_present_is_read_like_any_yes_no_column_and_an_unknown_value_stops():
    codes = pd.DataFrame({"note_id": ["n1", "n1", "n2"], "theme_id": ["a", "b", "a"],
                          "present": ["SAND", "FALSK", "ja"]})  # Danish Excel writes SAND / FALSK
    assert one_reading(codes)["theme_id"].tolist() == ["a", "uncoded", "a"]
    with pytest.raises(InputError, match="column 'present': value 'måske'"):
        one_reading(codes.assign(present=["måske", "ja", "nej"]), "sheet.csv")


def test_a_blank_coder_cell_is_no_crash_and_each_note_keeps_one_coder():
    codes = pd.DataFrame({"note_id": [2, 2, 3, 3], "theme_id": ["a", "c", "a", "b"], "coder": [None, "A", "bo", "A"]})
    out = one_reading(codes)  # was TypeError: '<' not supported between 'str' and 'float'
    assert out["note_id"].tolist() == ["2", "3"] and out["theme_id"].tolist() == ["a", "b"]


def test_codes_in_corpus_order_whatever_the_file_order():
    codes = pd.DataFrame({"note_id": ["n3", "n1", "n3", "n2"], "theme_id": ["b", "a", "a", "uncoded"]})
    out = in_corpus_order(codes, ["n1", "n2", "n3"])
    assert list(zip(out["note_id"], out["theme_id"])) == [("n1", "a"), ("n2", "uncoded"), ("n3", "a"), ("n3", "b")]
    assert in_corpus_order(codes.sample(frac=1, random_state=1), ["n1", "n2", "n3"]).equals(out)
