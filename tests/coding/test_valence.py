"""Lexical valence with Danish negation."""

from __future__ import annotations

import pytest

from kvalitativ.coding.valence import lexical_polarity


@pytest.mark.parametrize(
    "text, sign",
    [
        ("Ingen problemer med fremmødet.", 1),
        ("Han er ikke motiveret.", -1),
        ("Han mangler motivation.", -1),
        ("Han bliver ikke længere drillet.", 1),
        ("Hun er ikke længere motiveret.", -1),
        ("Han er stoppet med at ryge hash.", 1),
        ("Eleven er umotiveret og gider ikke.", -1),
        ("Der er ingen bekymring for hans fravær.", 1),
        ("Han har svært ved at samarbejde.", -1),
        ("Hun trives godt i klassen.", 1),
        ("Møde aflyst, ny tid sendt.", 0),
    ],
)
def test_polarity_sign(text, sign):
    p = lexical_polarity(text)
    assert (p > 0) - (p < 0) == sign


def test_negation_stops_at_a_clause_break():
    # "ikke" belongs to the first clause; "mobbet" after "men" is not negated
    assert lexical_polarity("Han er ikke glad, men han bliver mobbet") < 0
