"""Texts shared across persons: counted, and never split across cross-validation folds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.link.added_value import _folds
from kvalitativ.link.duplicates import shared_texts

from .conftest import DATA


def test_persons_with_the_same_notes_are_grouped_a_shared_line_is_only_counted():
    corpus = pd.DataFrame({"person_id": ["a", "b", "c", "c", "d"],
                           "text": ["Same  letter.", "same letter.", "Same letter.", "More of my own.", "alone"]})
    shared = shared_texts(corpus)
    assert shared.n_notes == 3 and shared.n_persons == 3  # the letter, in a, b and c
    assert shared.groups == {"a": "a", "b": "a"}  # c wrote more than the copy: not grouped
    assert "d" not in shared.groups


def test_folds_never_split_a_group_of_the_petitions_template_letter():
    notes = pd.read_csv(DATA / "petitions.csv")
    shared = shared_texts(notes.rename(columns={"author_id": "person_id", "body": "text"}))
    assert len(shared.groups) >= 20  # the template letter and recurring short petitions
    persons = notes["author_id"].astype(str).tolist()
    y = np.array([i % 3 == 0 for i in range(len(persons))], dtype=int)
    for _, test in _folds(y, persons, shared.groups, 5, 0):
        held_out = {shared.groups.get(persons[i], persons[i]) for i in test}
        trained = {shared.groups.get(persons[i], persons[i]) for i in set(range(len(persons))) - set(test)}
        assert not held_out & trained
