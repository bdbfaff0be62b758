"""Units of coding: whole notes, or the sentences of each note with their character spans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.errors import ConfigError, InputError
from kvalitativ.text.sentences import split_sentences

__all__ = ["segment_corpus", "UNIT_COLUMNS", "LEVELS", "check_corpus"]

LEVELS = ("sentence", "note")
UNIT_COLUMNS = ["note_id", "person_id", "segment_id", "start", "end", "text"]


def check_corpus(corpus: pd.DataFrame, where: str = "corpus") -> pd.DataFrame:
    """The corpus must have note_id and text; person_id is optional (filled with NA)."""
    missing = [c for c in ("note_id", "text") if c not in corpus.columns]
    if missing:
        raise InputError(f"{where}: missing column(s) {missing}; a corpus needs 'note_id' and 'text' "
                         f"(columns present: {', '.join(map(str, corpus.columns))}).")
    if corpus["note_id"].isna().any():
        raise InputError(f"{where}: {int(corpus['note_id'].isna().sum())} row(s) have no note_id.")
    dup = corpus["note_id"].astype(str).duplicated()
    if dup.any():
        raise InputError(f"{where}: note_id {corpus['note_id'].astype(str)[dup].iloc[0]!r} occurs more than once; "
                         "note ids must be unique.")
    return corpus


def segment_corpus(corpus: pd.DataFrame, level: str = "sentence") -> pd.DataFrame:
    """One row per unit: ``note_id, person_id, segment_id, start, end, text``.

    ``level="note"``: the whole note (``segment_id = "<note_id>:note"``, span 0..len).
    ``level="sentence"``: each sentence (``"<note_id>:s<k>"``, k from 1, span within the note).
    Empty notes give no unit (they are coded "uncoded" by ``code_notes``).
    """
    if level not in LEVELS:
        raise ConfigError(f"level is {level!r}: use 'sentence' or 'note'.")
    check_corpus(corpus)
    note_ids = corpus["note_id"].astype(str).to_numpy()
    persons = corpus["person_id"].to_numpy(dtype=object) if "person_id" in corpus.columns else [None] * len(corpus)
    texts = np.asarray(corpus["text"].fillna(""), dtype=object)
    rows = []
    for nid, pid, text in zip(note_ids, persons, texts):
        text = str(text)
        if level == "note":
            stripped = text.strip()
            if stripped:
                lo = len(text) - len(text.lstrip())
                rows.append((nid, pid, f"{nid}:note", lo, lo + len(stripped), stripped))
            continue
        for k, (a, b, sent) in enumerate(split_sentences(text), start=1):
            rows.append((nid, pid, f"{nid}:s{k}", a, b, sent))
    units = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    units["start"] = units["start"].astype("int64")
    units["end"] = units["end"].astype("int64")
    return units
