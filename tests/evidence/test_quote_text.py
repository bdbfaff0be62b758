"""A quote says something about its theme, and no two quotes of a theme say the same: headings,
sender lines and contact lines are never quotes, nor is a sentence already quoted behind a prefix."""

import pandas as pd

from kvalitativ.evidence.quote_text import core_words, near_copy, says_something
from kvalitativ.evidence.quotes import select_quotes

THIN = [
    "Ønsker at blive ringet op på [TELEFON].",
    "Kontakt på tlf. [TELEFON] eller [EMAIL].",
    "Høringssvar vedr. lokalplan 1049:",
    "Forslag fra en borger i Landdistriktet:",
    "Please call me on [TELEFON] or write to [EMAIL].",
    "Consultation response from the residents' association:",
    "Submitted by [NAVN], [ADRESSE].",
    "Han er der, når han skal være der.",
    "Vedr. [ADRESSE] i Østerby.",  # names and abbreviations are no content
]

SAYS = [
    "Vi ønsker mere politi i gaderne i weekenden.",
    "Ventetiden på en plejehjemsplads er alt for lang.",
    "Jeg har ringet til [TELEFON] tre gange om hjemmeplejen uden at få svar fra kommunen.",
    "The waiting list for a care home place is far too long.",
    "He does not feel safe on the bus to school.",
    "Han er glad for at gå i skole.",
    "Han trives ikke på skolen.",  # terse notes: a statement needs fewer words than a header
    "Han er i behandling for OCD.",
    "Torvet trænger til en renovering.",
    "Møder ind til tiden hver dag.",
    "Der mangler aktiviteter for beboerne på Plejecenter Lindely.",
    # terse youth notes of two content words are quotes (a stricter bar dropped them on the sample)
    "Respektløs over for vikaren.", "Fraværet ligger nu under 4 %.", "Uafklaret ift. ungdomsuddannelse.",
]


def test_thin_heading_and_contact_lines_say_nothing():
    assert not [t for t in THIN if says_something(t)]
    assert all(says_something(t) for t in SAYS)


def test_a_quote_behind_a_prefix_is_a_near_copy():
    a = core_words("Vi ønsker mere politi i gaderne i weekenden.")
    b = core_words("Jeg vil gerne foreslå følgende: Vi ønsker mere politi i gaderne i weekenden!")
    assert near_copy(a, b) and near_copy(b, a)
    assert not near_copy(a, core_words("Vi ønsker flere cykelstier i weekenden ved havnen."))


def _citizen(sentences_per_person: list[list[str]]):
    notes, codings = [], []
    for i, sentences in enumerate(sentences_per_person):
        text, start = "", 0
        for k, s in enumerate(sentences):
            start = len(text)
            text += s + " "
            # the heading and contact lines score highest: the coder saw the theme's words there too
            codings.append({"note_id": f"n{i}", "theme_id": "tryghed", "valence": "concern",
                            "start": start, "end": start + len(s), "score": 0.99 - 0.1 * k})
        notes.append({"note_id": f"n{i}", "person_id": f"p{i}", "unit_id": "Midtbyen", "text": text.strip()})
    return pd.DataFrame(codings), pd.DataFrame(notes)


def test_select_quotes_skips_thin_lines_and_prefixed_copies():
    people = [
        ["Høringssvar vedr. lokalplan 1049:", "Vi ønsker mere politi i gaderne i weekenden."],
        ["Kontakt på tlf. [TELEFON] eller [EMAIL].", "Gadebelysningen i parken er slukket om natten."],
        ["Forslag fra en borger i Landdistriktet:", "Der bliver kørt alt for stærkt forbi skolen om morgenen."],
        ["Ønsker at blive ringet op på [TELEFON].", "Jeg er utryg ved at gå alene hjem fra stationen."],
        ["Vedr. [ADRESSE] i Østerby.", "Der mangler lys på stien langs fjorden."],
        ["Jeg vil gerne foreslå følgende: Vi ønsker mere politi i gaderne i weekenden."],
    ]
    codings, corpus = _citizen(people)
    q = select_quotes(codings, corpus, per_theme=10, per_unit=10, min_persons=5, redactor=False)
    assert len(q)
    assert not [t for t in q["quote"] if any(t.startswith(s.rstrip(".:")) for s in THIN)]
    for _, g in q.groupby("unit_id"):
        police = [t for t in g["quote"] if "mere politi i gaderne" in t]
        assert len(police) == 1, police
