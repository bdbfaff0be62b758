"""Zero-shot coding with the real e5 model on a handful of Danish sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.coding import UNCODED, code_notes

pytestmark = pytest.mark.model


def test_e5_zero_shot_danish_sanity(tmp_path):
    corpus = pd.DataFrame({
        "note_id": ["a", "b", "c", "d"],
        "person_id": ["p1", "p1", "p2", "p2"],
        "text": ["Eleven har et meget højt fravær og kommer for sent hver dag.",
                 "Hun bliver mobbet og holdt udenfor af de andre i klassen.",
                 "Han ryger hash dagligt, og SSP er bekymret.",
                 "Ingen problemer med fremmødet."],
    })
    first = code_notes(corpus, "ungekompetencer", embedder="e5", cache_dir=tmp_path, progress=False)
    top = first[first.theme_id != UNCODED].sort_values("score").groupby("note_id").tail(1).set_index("note_id")
    assert top.loc["a", "theme_id"] == "moedestabilitet" and top.loc["a", "valence"] == "concern"
    assert top.loc["b", "theme_id"] == "mobning_konflikter" and top.loc["b", "valence"] == "concern"
    assert top.loc["c", "theme_id"] == "rusmidler"
    assert top.loc["d", "theme_id"] == "moedestabilitet" and top.loc["d", "valence"] == "strength"
    second = code_notes(corpus, "ungekompetencer", embedder="e5", cache_dir=tmp_path, progress=False)
    pd.testing.assert_frame_equal(first, second)  # the cached run codes identically
