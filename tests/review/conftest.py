"""Small corpora and codings for the review tests (no model needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

THEMES = ["motivation", "trivsel", "respekt", "rusmidler"]
PHRASES = {
    "motivation": ["Eleven er meget motiveret for skolen.", "Han gider ikke lave lektier og mangler motivation."],
    "trivsel": ["Hun trives godt i klassen.", "Han virker ked af det og trives ikke."],
    "respekt": ["Hun taler pænt til de voksne.", "Han er respektløs over for lærerne."],
    "rusmidler": ["Der er bekymring for hash.", "Han har røget hash i weekenden."],
}


def make_corpus(n: int = 60, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Notes built from theme phrases; codings with scores that roughly follow the truth."""
    rng = np.random.default_rng(seed)
    truth = rng.random((n, len(THEMES))) < np.array([0.4, 0.4, 0.3, 0.05])
    texts, rows = [], []
    for i in range(n):
        parts = [PHRASES[t][rng.integers(0, 2)] for j, t in enumerate(THEMES) if truth[i, j]] or ["Samtale om skemaet."]
        texts.append(" ".join(parts))
        for j, t in enumerate(THEMES):
            score = float(np.clip((0.75 if truth[i, j] else 0.25) + rng.normal(0, 0.2), 0, 1))
            rows.append({"run_id": "r0", "note_id": f"N{i:03d}", "person_id": f"P{i % 20}", "segment_id": 0,
                         "start": 0, "end": len(texts[-1]), "theme_id": t, "score": score,
                         "valence": "concern" if "ikke" in texts[-1] else "strength", "method": "test"})
    corpus = pd.DataFrame({"note_id": [f"N{i:03d}" for i in range(n)], "person_id": [f"P{i % 20}" for i in range(n)],
                           "text": texts})
    return corpus, pd.DataFrame(rows), truth


@pytest.fixture
def small():
    return make_corpus()
