"""Texts shared across persons are found at ingest and listed in a table."""

from __future__ import annotations

import pandas as pd

from kvalitativ.io.duplicates import duplicate_texts, duplicates_line, text_hashes


def test_shared_texts_are_grouped_ignoring_case_and_spacing():
    notes = pd.DataFrame({
        "note_id": ["a", "b", "c", "d", "e", "f", "g"],
        "person_id": ["P1", "P2", "P3", "P1", "P4", "P5", "P5"],
        "text": ["Skriv under nu!", "skriv  under NU!", "Skriv under nu!", "Egen tekst.", "Mødt.", "Mødt.", "Mødt."],
    })
    table = duplicate_texts(notes["note_id"], notes["person_id"], text_hashes(notes["text"]))
    assert list(table.columns) == ["text_group", "note_id", "n_notes", "n_persons"]
    first = table[table["text_group"] == 1]
    assert first["note_id"].tolist() == ["a", "b", "c"] and set(first["n_persons"]) == {3}
    second = table[table["text_group"] == 2]  # "Mødt." by two persons (one of them twice)
    assert second["note_id"].tolist() == ["e", "f", "g"] and set(second["n_persons"]) == {2}
    assert set(second["n_notes"]) == {3}
    assert "d" not in set(table["note_id"])  # a text of one person only is not a copy
    assert "7 notes" not in duplicates_line(table) and "6 notes" in duplicates_line(table)


def test_one_persons_repeated_text_is_not_a_shared_text():
    table = duplicate_texts(["a", "b"], ["P1", "P1"], text_hashes(pd.Series(["Mødt.", "Mødt."])))
    assert table.empty and duplicates_line(table) is None
    assert list(table.columns) == ["text_group", "note_id", "n_notes", "n_persons"]


def test_empty_texts_are_not_copies_of_each_other():
    """One rule with the link's grouping: notes without words share no text."""
    texts = pd.Series(["", "  ", None, "Mødt.", "mødt."])
    table = duplicate_texts(["a", "b", "c", "d", "e"], ["P1", "P2", "P3", "P4", "P5"], text_hashes(texts))
    assert table["note_id"].tolist() == ["d", "e"] and set(table["text_group"]) == {1}
