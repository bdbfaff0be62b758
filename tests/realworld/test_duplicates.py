"""Texts shared across persons: counted, and never split across cross-validation folds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kvalitativ.link.added_value import _folds
from kvalitativ.link.duplicates import shared_texts

from .conftest import DATA


def test_shared_texts_group_persons_through_chains():
    corpus = pd.DataFrame({"person_id": ["a", "b", "b", "c", "d"],
                           "text": ["Same  letter.", "same letter.", "Other text", "other TEXT", "alone"]})
    shared = shared_texts(corpus)
    assert shared.n_notes == 4 and shared.n_persons == 3
    assert shared.groups["a"] == shared.groups["b"] == shared.groups["c"]  # a–b by one text, b–c by another
    assert "d" not in shared.groups


def test_folds_never_split_a_group_of_the_petitions_template_letter():
    notes = pd.read_csv(DATA / "petitions.csv")
    shared = shared_texts(notes.rename(columns={"author_id": "person_id", "body": "text"}))
    assert shared.n_persons >= 20  # the template letter and recurring short petitions
    persons = notes["author_id"].astype(str).tolist()
    y = np.array([i % 3 == 0 for i in range(len(persons))], dtype=int)
    for _, test in _folds(y, persons, shared.groups, 5, 0):
        held_out = {shared.groups.get(persons[i], persons[i]) for i in test}
        trained = {shared.groups.get(persons[i], persons[i]) for i in set(range(len(persons))) - set(test)}
        assert not held_out & trained
