"""Word lists the name finder reads: first names, surnames, names that are also words, words to keep.

The lists are plain text files under ``kvalitativ/resources`` so a municipality can review and
extend them without touching code. They are read once per process and held as lower-cased
frozensets (membership tests are the hot path of name redaction).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

_FILES = {
    "first": ("da_first_names.txt", "intl_first_names.txt"),
    "surname": ("da_surnames.txt",),
    "name_words": ("da_name_words.txt",),
    "keep": ("da_keep_words.txt",),
    "keep_phrases": ("keep_phrases.txt",),
}


def read_list(filename: str) -> list[str]:
    """The entries of one resource list, in file order, without comments and blank lines."""
    text = resources.files("kvalitativ").joinpath("resources", filename).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@dataclass(frozen=True)
class Gazetteer:
    """Lower-cased name and keep-word sets used by :class:`kvalitativ.privacy.names.NameFinder`."""

    first: frozenset[str]
    surname: frozenset[str]
    name_words: frozenset[str]
    keep: frozenset[str]
    keep_phrases: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Read the shipped lists once (cached for the process)."""

    def lower_set(kind: str) -> frozenset[str]:
        return frozenset(w.lower() for f in _FILES[kind] for w in read_list(f))

    return Gazetteer(
        first=lower_set("first"),
        surname=lower_set("surname"),
        name_words=lower_set("name_words"),
        keep=lower_set("keep"),
        keep_phrases=tuple(read_list(_FILES["keep_phrases"][0])),
    )
