"""Two processes, same notes, same seed: the same topics (the sample corpus once gave different tables).

The cause was UMAP's spectral start: the sample's neighbour graph falls into small components
(groups of identical notes), and ARPACK's eigenvectors for those differ between processes. Within
one process the results agreed, so the check has to start fresh interpreters.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = r"""
import hashlib, sys
import numpy as np, pandas as pd
from kvalitativ.discover import Discoverer
from kvalitativ.embed import get_embedder
texts = pd.read_csv(sys.argv[1], sep=";", dtype=str).Notat.fillna("").tolist()
emb = get_embedder("tfidf", progress=False)
d = Discoverer(embedder=None, diversity=0.0, random_state=0, clustering=sys.argv[2]).fit(texts, emb.encode(texts))
print(hashlib.sha256(d.topics_.tobytes() + "|".join(d.topic_info_.label).encode()).hexdigest())
"""


@pytest.mark.slow
@pytest.mark.parametrize("clustering", ["leiden", "hdbscan"])
def test_same_seed_in_two_processes_gives_the_same_topics(clustering):
    notes = ROOT / "corpora" / "sample" / "notes.csv"
    digests = [subprocess.run([sys.executable, "-c", _SCRIPT, str(notes), clustering], capture_output=True, text=True,
                              check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}).stdout.strip()
               for _ in range(2)]
    assert digests[0] and digests[0] == digests[1]
