"""The language kvalitativ writes its sentences and report in, decided once per run.

Why one rule in one place: the link, summarize and report stages each write sentences, and may
run as separate commands; each decides the language from the same inputs by this rule, so a
headline and the report around it never disagree. Danish is the default.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["LANGUAGES", "output_language", "language_of"]

#: The languages kvalitativ writes: Danish (the default) and English.
LANGUAGES = ("da", "en")


def output_language(setting: str | None = "auto", note_languages: Iterable | None = None,
                    codebook_language: str | None = None) -> str:
    """``ingest.language`` when it is ``da`` or ``en``; under ``auto`` English when more than half
    of the notes were read as English at ingest (the corpus's ``language`` column, where
    ``mixed`` and ``unknown`` count as not English), else Danish; without any note's language,
    the codebook's, else Danish. The evidence keywords and discovery's labels use the same rule.

    Why the notes before the codebook: the sentences quote the notes' themes to a reader of those
    notes; a shipped Danish codebook used on English notes is the likelier mistake."""
    if setting in LANGUAGES:
        return setting
    values = [str(v) for v in note_languages] if note_languages is not None else []
    if values:
        return "en" if sum(v == "en" for v in values) / len(values) > 0.5 else "da"
    return codebook_language if codebook_language in LANGUAGES else "da"


def language_of(frame) -> list:
    """The ``language`` values of a corpus or notes table (empty when it has none)."""
    if frame is None or "language" not in getattr(frame, "columns", ()):
        return []
    return list(frame["language"].dropna().astype(str))
