"""Texts shared word for word across persons: counted, and kept in one cross-validation fold.

Why: real exports hold template letters, copied petitions and standard phrases. When two persons
have the same notes, a model trained on one and tested on the other has seen the answer, and the
added-value AUC looks better than it is (on one citizen-input export, 0.83 fell to 0.64 once
identical texts were grouped). So persons with the same notes form one group, and every fold keeps
a group together; shared single lines are counted and said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kvalitativ.io.duplicates import EMPTY_TEXT_HASH, text_hashes


@dataclass(frozen=True)
class SharedTexts:
    """``groups``: person_id → group id, for persons whose notes are, as a whole, the same texts as
    another person's (the leak: a copy on both sides of a split). ``n_notes``/``n_persons``: notes
    whose text another person also has, and their persons (standard lines included: counted, said,
    but not grouped — one shared line among many notes does not give a person's answer away, and
    chaining persons through such lines would join half a corpus into one group)."""

    groups: dict[str, str] = field(default_factory=dict)
    n_notes: int = 0
    n_persons: int = 0

    @property
    def n_grouped(self) -> int:
        return len(self.groups)

    def line(self) -> str | None:
        if not self.n_notes:
            return None
        grouped = (f"{self.n_grouped} persons whose notes are all copies of another's are kept in one fold of the "
                   "added-value cross-validation" if self.n_grouped else "no person's notes are all copies of another's")
        return (f"integrity: {self.n_notes} notes of {self.n_persons} persons share their exact text with another "
                f"person's note; {grouped}.")


def shared_texts(corpus: pd.DataFrame) -> SharedTexts:
    """Count notes shared across persons and group persons with the same notes (case and spacing
    ignored).

    ``corpus``: ``person_id`` and ``text``, or ``person_id`` and ``text_hash`` (each note's
    :func:`~kvalitativ.io.duplicates.text_hashes`, made a batch at a time by
    :func:`~kvalitativ.io.duplicates.stored_text_hashes`, so a million notes' text need not be in
    memory at once). Equal texts, equal hashes: the groups are the same either way.
    """
    if "person_id" not in corpus.columns or corpus.empty:
        return SharedTexts()
    if "text_hash" in corpus.columns:
        hashes = corpus["text_hash"].to_numpy(dtype=np.uint64)
    elif "text" in corpus.columns:
        hashes = text_hashes(corpus["text"])
    else:
        return SharedTexts()
    frame = pd.DataFrame({"person": corpus["person_id"].astype(str).to_numpy(), "key": hashes})
    frame = frame[frame["key"].to_numpy() != EMPTY_TEXT_HASH]  # empty notes are not copies of each other
    n_per_key = frame.groupby("key")["person"].nunique()
    shared = frame[frame["key"].isin(n_per_key[n_per_key > 1].index)]
    if shared.empty:
        return SharedTexts()
    pairs = frame.drop_duplicates().sort_values(["person", "key"])
    documents = pairs.groupby("person")["key"].agg(lambda keys: " ".join(map(str, keys)))
    copies = documents[documents.duplicated(keep=False)]
    first = {doc: person for person, doc in copies[::-1].items()}  # one person names each group
    groups = {person: first[doc] for person, doc in copies.items()}
    return SharedTexts(groups=groups, n_notes=len(shared), n_persons=int(shared["person"].nunique()))
