"""Place names a topic label must not be made of (municipalities, towns, regions, countries).

Why: notes name the school's town and the municipality all the time, so c-TF-IDF can rank
"esbjerg, hillerød, randers" as a topic's words; that names where the notes come from, not what
they are about. The names are the hand-written place sections of the shipped keep-word list
(``resources/da_keep_words.txt``, also read by the name redactor), compared lower-cased.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["place_names", "is_place"]

_SECTIONS = ("municipalities", "towns and districts", "regions, islands, countries")


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Lower-cased place names (one word or several) from the place sections of the list."""
    text = resources.files("kvalitativ").joinpath("resources", "da_keep_words.txt").read_text(encoding="utf-8")
    names, keep = set(), False
    for line in text.splitlines():
        if line.startswith("# ---"):
            keep = line[5:].strip() in _SECTIONS
            continue
        word = line.split("#", 1)[0].strip().lower()
        if keep and word:
            names.add(word)
    return frozenset(names)


def is_place(term: str) -> bool:
    """True when the term, or any word of it, is a place name ("randers", "hillerød kommune")."""
    term = term.lower().strip()
    names = place_names()
    return term in names or any(w in names for w in term.split())
