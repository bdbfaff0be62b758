"""Robustness of redaction and suppression on the junk real exports contain: never a crash, no leak."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from kvalitativ.privacy.redact import Redactor
from kvalitativ.privacy.suppress import assert_no_small_cells, suppress_small_cells


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


@pytest.mark.parametrize("text", ["", " ", "\n\n\t", ".", "[NAVN]", "[CPR] [TELEFON]"])
def test_empty_and_placeholder_only_notes(redactor, text):
    assert redactor.redact(text)[0] == text


def test_html_and_rtf_fragments_from_case_systems(redactor):
    html = "<p><b>Mikkel Jensen</b> (010203-1234)</p><br/>Tlf:&nbsp;20304050<div>mail: a.b@odense.dk</div>"
    out = redactor.redact(html)[0]
    assert out == "<p><b>[NAVN]</b> ([CPR])</p><br/>Tlf:&nbsp;[TELEFON]<div>mail: [EMAIL]</div>"
    rtf = r"{\rtf1\ansi\deff0 {\b Mikkel Jensen}\par cpr 010203-1234\par}"
    out = redactor.redact(rtf)[0]
    assert "Mikkel" not in out and "010203" not in out and out.startswith(r"{\rtf1\ansi")


def test_emoji_nul_and_other_scripts(redactor):
    text = "Mikkel😀 ringede 📞 20304050 🙂\x00 Мария и محمد\x00010203-1234"
    out, counts = redactor.redact(text)
    assert "20304050" not in out and "010203-1234" not in out and "Mikkel" not in out
    assert counts["CPR"] == 1 and counts["TELEFON"] == 1


def test_binary_junk_does_not_crash(redactor):
    rng = random.Random(8)
    for _ in range(20):
        junk = bytes(rng.randrange(256) for _ in range(5_000)).decode("latin-1")
        out, _ = redactor.redact(junk)
        assert isinstance(out, str)
        assert redactor.redact(out)[0] == out  # still idempotent


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,  # one huge number
        "A. " * 30_000,  # initials without end
        "Mikkel " * 20_000,  # one endless name run
        "Vestergade " * 10_000 + "12",
        "a." * 50_000 + "@",  # an almost-e-mail
        "mor " * 30_000,  # cues without names
    ],
)
def test_huge_notes_and_long_lines_complete(redactor, text):
    # no wall-clock assertion (never in tests), but a catastrophic regex would hang the suite here
    out, _ = redactor.redact(text)
    assert redactor.redact(out)[0] == out


def test_huge_note_with_many_identifiers_is_fully_redacted(redactor):
    text = " ".join(f"Elev {i}: Mikkel Jensen, cpr 010203-{1000 + i % 9000}, tlf. 2030{i % 10000:04d}." for i in range(3_000))
    out, counts = redactor.redact(text)
    assert counts["CPR"] == 3_000 and counts["TELEFON"] == 3_000
    assert "Mikkel" not in out and "010203" not in out


def test_thousands_of_duplicate_rows(redactor):
    texts = ["Mor Birgitte Hansen ringede fra 20 30 40 50."] * 5_000 + [float("nan"), None, 42]
    out, counts = redactor.redact_texts(texts, [["Birgitte Hansen"]] * 5_003)
    assert set(out[:5_000]) == {"Mor [NAVN] ringede fra [TELEFON]."}
    assert counts == {"NAVN": 5_000, "TELEFON": 5_000}
    assert out[5_001] is None and out[5_002] == 42 and np.isnan(out[5_000])  # non-text passes through


def test_odd_name_column_values(redactor):
    texts = ["Ahmad kom.", "Ahmad kom.", "Ahmad kom."]
    out, _ = redactor.redact_texts(texts, [[None], ["", "  "], [float("nan")]])
    assert out == ["[NAVN] kom."] * 3  # the gazetteer still finds him; junk names are ignored


# ---------------------------------------------------------------------------------- suppression
def test_suppression_on_junk_counts():
    df = pd.DataFrame({
        "theme_id": ["a"] * 6,
        "group_by": ["unit_id"] * 6,
        "group_value": ["s1", "s2", "s3", "s4", "s5", "s6"],
        "n_persons": ["3", None, np.nan, 12.0, "7", "x"],  # text, missing, float
        "share": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    }, index=[0, 0, 1, 1, 2, 2])  # a duplicated index, as after a careless concat
    out = suppress_small_cells(df, ["n_persons"])
    assert out["suppressed"].tolist() == [True, False, False, False, True, False]
    assert out["share"].isna().tolist() == [True, False, False, False, True, False]
    assert_no_small_cells(out, ["n_persons"], 5, by=None)


def test_suppression_on_a_large_table_with_duplicates():
    rng = np.random.default_rng(8)
    n = 20_000
    df = pd.DataFrame({
        "theme_id": rng.choice([f"t{i}" for i in range(16)], n),
        "valence": rng.choice(["strength", "concern"], n),
        "group_by": "unit_id",
        "group_value": rng.choice([f"s{i}" for i in range(300)], n),
        "n_persons": rng.integers(0, 40, n),
        "share": rng.random(n),
    })
    df = pd.concat([df, df.iloc[:2_000]], ignore_index=True)  # thousands of duplicate rows
    out = suppress_small_cells(df, ["n_persons"])
    assert_no_small_cells(out, ["n_persons"], 5, by=None)
    assert len(out) == len(df)
