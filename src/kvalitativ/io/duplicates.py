"""Texts that several persons share word for word, found and reported at ingest.

Why at ingest: template letters, copied petitions and standard phrases are common in real
exports, and a note copied across persons makes any cross-validation look better than it is
(the copy sits on both sides of a split). The analyst should hear of it when the data comes in,
with a table that says which notes are copies of each other — not only when linking groups them.
The comparison ignores case and spacing (the link's grouping uses the same key); texts are
compared by a 64-bit hash, so the streamed engine can collect them a chunk at a time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["text_keys", "text_hashes", "stored_text_hashes", "duplicate_texts", "duplicates_line",
           "DUPLICATE_COLUMNS", "EMPTY_TEXT_HASH"]

#: The ``duplicate_texts`` table: one row per note whose text another person's note also has.
DUPLICATE_COLUMNS = ["text_group", "note_id", "n_notes", "n_persons"]


def text_keys(text: pd.Series) -> pd.Series:
    """The text as compared for copies: lower case, white space collapsed."""
    return text.astype("string").str.lower().str.split().str.join(" ")


def text_hashes(text: pd.Series) -> np.ndarray:
    """A 64-bit hash of each text's key (:func:`text_keys`); equal keys, equal hashes."""
    return pd.util.hash_array(text_keys(text).fillna("").to_numpy(dtype=object), categorize=False)


#: The hash of an empty (or missing, or white-space only) text: such notes are not copies of each other.
EMPTY_TEXT_HASH = int(pd.util.hash_array(np.array([""], dtype=object), categorize=False)[0])


def stored_text_hashes(stage_dir, name: str = "corpus", batch_size: int = 50_000) -> np.ndarray:
    """:func:`text_hashes` of a stored table's ``text``, in its row order, a batch at a time.

    Why batches: comparing keys splits every text into words, and for a million notes those words
    as Python objects take gigabytes; a batch's take megabytes.
    """
    from kvalitativ.io.store import iter_stage_batches

    parts = [text_hashes(batch["text"]) for batch in iter_stage_batches(stage_dir, name, ["text"], batch_size)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def duplicate_texts(note_id, person_id, hashes: np.ndarray) -> pd.DataFrame:
    """The notes whose text (by :func:`text_hashes`) more than one person has.

    ``text_group`` numbers the shared texts from the most persons down (ties: first seen first);
    ``n_notes`` and ``n_persons`` are the group's notes and persons. Notes keep their input order
    within a group. Empty when no text is shared across persons. Empty texts (:data:`EMPTY_TEXT_HASH`)
    are not copies of each other, as in the link's grouping (ingest rejects them; a caller may not).
    """
    frame = pd.DataFrame({"note_id": np.asarray(note_id, dtype=object),
                          "person": np.asarray(person_id, dtype=object), "hash": np.asarray(hashes, dtype=np.uint64)})
    frame = frame[frame["hash"].to_numpy() != np.uint64(EMPTY_TEXT_HASH)]
    persons = frame.groupby("hash", sort=False)["person"].nunique()
    shared = frame[frame["hash"].isin(persons.index[persons.to_numpy() > 1])]
    if shared.empty:
        return pd.DataFrame({"text_group": pd.Series(dtype="int64"), "note_id": pd.Series(dtype="string"),
                             "n_notes": pd.Series(dtype="int64"), "n_persons": pd.Series(dtype="int64")})
    sizes = shared.groupby("hash", sort=False).agg(n_notes=("note_id", "size"), n_persons=("person", "nunique"))
    sizes["first"] = np.arange(len(sizes))  # groupby(sort=False) keeps first appearance
    sizes = sizes.sort_values(["n_persons", "n_notes", "first"], ascending=[False, False, True], kind="stable")
    sizes["text_group"] = np.arange(1, len(sizes) + 1, dtype="int64")
    out = shared[["hash", "note_id"]].join(sizes[["text_group", "n_notes", "n_persons"]], on="hash")
    out = out.sort_values("text_group", kind="stable")
    out = out.assign(note_id=out["note_id"].astype("string"), n_notes=out["n_notes"].astype("int64"),
                     n_persons=out["n_persons"].astype("int64"))
    return out[DUPLICATE_COLUMNS].reset_index(drop=True)


def duplicates_line(table: pd.DataFrame) -> str | None:
    """One summary line for the run's output, or None when no text is shared."""
    if table.empty:
        return None
    n_groups = int(table["text_group"].max())
    persons = int(table.drop_duplicates("text_group")["n_persons"].max())
    return (f"integrity: {len(table)} notes share their exact text with another person's note ({n_groups} texts, "
            f"the most common held by {persons} persons); see the duplicate_texts table — copies make "
            "cross-validated figures look better than they are.")
