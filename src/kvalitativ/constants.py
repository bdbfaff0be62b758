"""Values every stage agrees on, defined once.

Choices are declared here once and used by both the config's validation and the commands'
click options. ``UNCODED`` is the theme_id of the one ``codings`` row a note gets when no theme applies to
any of its units (its score is 1 − the best theme score). Readers of codings (linking,
evidence, review) drop or count it; no module spells the literal itself.
"""

from __future__ import annotations

__all__ = ["UNCODED", "ENGINES", "LEVELS", "CLUSTERINGS"]

#: theme_id of the one row a note gets when no theme applies to any of its units.
UNCODED = "uncoded"

#: Where the per-note work runs (``engine`` in the config, ``--engine`` of the commands):
#: ``auto`` picks ``streamed`` for a large notes file, else ``local``.
ENGINES = ("auto", "local", "streamed", "dask")

#: What one coded unit is (``code.level``, ``--level``): a sentence of a note, or the whole note.
LEVELS = ("sentence", "note")

#: Discovery's clustering step (``discover.clustering``, ``--clustering``): UMAP + HDBSCAN, or
#: consensus Leiden communities of the notes' neighbour graph.
CLUSTERINGS = ("hdbscan", "leiden")
