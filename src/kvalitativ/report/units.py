"""Which unit a user means by ``--unit NAME``: the unit names in the tables, matched forgivingly.

A school leader types the school as they say it ("østerbyskolen"), not as the export spells it
("Østerbyskolen"): an exact match wins, then one match ignoring case (and surrounding spaces);
several case-insensitive matches are an error that lists them, and no match an error that
suggests the closest names.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from kvalitativ.errors import InputError

__all__ = ["match_unit"]


def match_unit(name: str, known: Iterable[str]) -> str:
    """The unit name in ``known`` that ``name`` means; InputError when none or several do."""
    known = sorted(set(map(str, known)))
    if name in known:
        return name
    folded = " ".join(str(name).split()).casefold()
    hits = [k for k in known if " ".join(k.split()).casefold() == folded]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise InputError(f"unit '{name}' matches several units when case is ignored: "
                         f"{', '.join(repr(h) for h in hits)}; give the exact name.")
    lower = {k.casefold(): k for k in known}
    close = [lower[c] for c in difflib.get_close_matches(folded, list(lower), n=3, cutoff=0.6)]
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    shown = ", ".join(known) or "(ingen)"
    raise InputError(f"unit '{name}' is not in the tables.{hint} Known units: {shown}.")
