"""The notes' language guess (text/language.py)."""

from __future__ import annotations

from kvalitativ.text.language import guess_language


def test_the_language_guess_reads_words_not_a_list_of_thirty():
    """A trial: 8 of 338 English notes were called Danish and 33 unknown ("at" is Danish too)."""
    assert guess_language("Difficult situation at home, parents separating.") == "en"
    assert guess_language("Struggling with anxiety. Will follow up.") == "en"
    assert guess_language("Eleven har haft meget fravær i denne måned.") == "da"
    assert guess_language("Vejleder orienteret.") == "da"
    # names and places say nothing of the language: a Danish sentence full of English names stays Danish
    assert guess_language("General James Ewing ville tage mænd over floden ved Trenton Ferry.") == "da"
    assert guess_language("Mødt til tiden. Doing well and settled in class.") == "mixed"
    assert guess_language("12-03-2024") == "unknown" and guess_language("") == "unknown"
