"""Units of coding: whole notes, or the sentences of each note with their character spans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.constants import LEVELS  # re-exported
from kvalitativ.errors import ConfigError, InputError
from kvalitativ.text.sentences import split_sentences

__all__ = ["segment_corpus", "UNIT_COLUMNS", "LEVELS", "check_corpus"]

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
    # built column by column (cheaper than a list of row tuples for pandas to transpose)
    nids, pids, sids, starts, ends, utexts = [], [], [], [], [], []
    for nid, pid, text in zip(note_ids, persons, texts):
        text = str(text)
        if level == "note":
            stripped = text.strip()
            if stripped:
                lo = len(text) - len(text.lstrip())
                nids.append(nid)
                pids.append(pid)
                sids.append(f"{nid}:note")
                starts.append(lo)
                ends.append(lo + len(stripped))
                utexts.append(stripped)
            continue
        spans = split_sentences(text)
        if not spans:
            continue
        k = len(spans)
        nids += [nid] * k
        pids += [pid] * k
        sids += [f"{nid}:s{i}" for i in range(1, k + 1)]
        for a, b, sent in spans:
            starts.append(a)
            ends.append(b)
            utexts.append(sent)
    if not nids:  # no units: the same empty, object-typed frame as ever
        units = pd.DataFrame([], columns=UNIT_COLUMNS)
    else:
        units = pd.DataFrame({"note_id": nids, "person_id": pids, "segment_id": sids, "start": starts,
                              "end": ends, "text": utexts}, columns=UNIT_COLUMNS)
    units["start"] = units["start"].astype("int64")
    units["end"] = units["end"].astype("int64")
    return units
