"""``codings_frame``: the vectorised table builder gives exactly the table of the first version."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kvalitativ.coding import segment_corpus
from kvalitativ.coding.base import codings_frame
from tests.coding.reference_frame import codings_frame as reference_frame

TEXTS = ["Han er motiveret. Han kommer til tiden.", "", "Hun trives.\nHun har venner. Og fritid.", None,
         "  Mødet blev aflyst.  ", "Ingen problemer. Ingen fravær. Ingen konflikter.", "Ok"]


def _corpus(variant: str) -> pd.DataFrame:
    n = 40
    c = pd.DataFrame({"note_id": [f"N{i:03d}" for i in range(n)], "person_id": [f"P{i % 7}" for i in range(n)],
                      "text": [TEXTS[i % len(TEXTS)] for i in range(n)]})
    if variant == "no person_id":
        c = c.drop(columns="person_id")
    elif variant == "missing person_id":
        c.loc[::5, "person_id"] = None
    elif variant == "numeric note_id":
        c["note_id"] = np.arange(100, 100 + n)
    elif variant == "empty":
        c = c.iloc[:0]
    return c


@pytest.mark.parametrize("variant", ["plain", "no person_id", "missing person_id", "numeric note_id", "empty"])
@pytest.mark.parametrize("level", ["sentence", "note"])
@pytest.mark.parametrize("coded_share, n_themes, dtype", [(0.3, 4, np.float32), (0.0, 4, np.float32),
                                                          (1.0, 3, np.float64), (0.5, 0, np.float64)])
def test_same_table_as_the_reference(variant, level, coded_share, n_themes, dtype):
    corpus = _corpus(variant)
    units = segment_corpus(corpus, level)
    rng = np.random.default_rng(len(units) + n_themes)
    scores = rng.random((len(units), n_themes)).astype(dtype)
    coded = rng.random(scores.shape) < coded_share
    valence = np.where(coded, rng.choice(["strength", "concern", "neutral"], size=coded.shape), None).astype(object)
    classes = [f"t{j}" for j in range(n_themes)]
    for run_id in (None, "r1"):
        got = codings_frame(corpus, units, scores, coded, valence, classes, "zeroshot", run_id)
        want = reference_frame(corpus, units, scores, coded, valence, classes, "zeroshot", run_id)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
