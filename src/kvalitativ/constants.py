"""Values every stage agrees on, defined once.

``UNCODED`` is the theme_id of the one ``codings`` row a note gets when no theme applies to
any of its units (its score is 1 − the best theme score). Readers of codings (linking,
evidence, review) drop or count it; no module spells the literal itself.
"""

from __future__ import annotations

__all__ = ["UNCODED"]

#: theme_id of the one row a note gets when no theme applies to any of its units.
UNCODED = "uncoded"
