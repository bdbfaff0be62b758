"""Tools that build shipped data (the sample corpus, the static embedder, hand codes)."""
