"""Agenda titles, petitions and news: capitalised topic words, places and terms are no names."""

from __future__ import annotations

import pytest

from kvalitativ.errors import ConfigError
from kvalitativ.privacy.name_context import title_case_spans
from kvalitativ.privacy.redact import Redactor


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


@pytest.mark.parametrize(
    "text",
    [
        # Danish agenda titles
        "Frigivelse af anlægsbevilling til skolen",
        "Punkt 4: Frigivelse af midler til Kommuneplantillæg nr. 12",
        "Sag 7 Fastsættelse af takster 2024",
        "Frigivelse Af Anlægsbevilling Til Ny Kommuneplantillæg",
        # English petitions
        "Stop the Trans-Pacific Partnership now",
        "Reject the Keystone XL pipeline",
        "Stop The Keystone XL Pipeline Expansion",
        "Support Tibetans in exile",
        "Fund Endometriosis research",
        "Why Endometriosis matters to women",
        "Mr. President, please act on climate.",
        "We ask the President to veto the bill.",
        # news: places, bodies and terms
        "Ships sail the Caspian Sea and the Black Sea.",
        "The Icelandic Meteorological Office reported no activity.",
        "By having a Schengen visa you need no other visa.",
        "Skibene sejler på Det Ægæiske Hav.",
        "Man behøver ikke visum til hvert Schengen-land.",
        "Byen ligger på øen Upolu.",
        "Byen ligger ni mil nord for Trenton.",
    ],
)
def test_topic_words_and_places_are_kept(redactor, text):
    assert redactor.redact(text)[0] == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Men premierminister John Howard har udtalt sig.", "Men premierminister [NAVN] har udtalt sig."),
        ("This fleet was led by Olaf Trygvasson, a Norwegian.", "This fleet was led by [NAVN], a Norwegian."),
        ("Today's Player of the Day is Jaromir Jagr of the Capitals.",
         "Today's Player of the Day is [NAVN] of the Capitals."),
        ("Mødet med Yrsa Stampe gik godt.", "Mødet med [NAVN] gik godt."),
        ("Hun talte med Thyras mor.", "Hun talte med [NAVN]s mor."),
        ("We support Mikkel Jensen in exile", "We support [NAVN] in exile"),
        ("The Nepalese officials met Dr. Genovese said nothing.", "The Nepalese officials met Dr. [NAVN] said nothing."),
    ],
)
def test_person_names_beside_the_new_rules_are_still_found(redactor, text, expected):
    assert redactor.redact(text)[0] == expected


def test_english_word_shapes_follow_the_language():
    text = "Nepalese officials said hello. Support Croatian players."
    assert Redactor(language="en").redact(text)[0] == text
    # Danish rules only: the English demonym shape is not used, so a rare capitalised word mid-sentence is a name
    assert "[NAVN]" in Redactor(language="da").redact("Vi støtter Croatian spillere.")[0]
    assert Redactor(language="auto").redact("We support Croatian players.")[0] == "We support Croatian players."


def test_unknown_language_is_a_config_error():
    with pytest.raises(ConfigError, match="ingest.language"):
        Redactor(language="sv")


def test_title_case_needs_most_words_capitalised():
    assert title_case_spans("Fund Endometriosis Research Now")
    assert not title_case_spans("Today's Player of the Day is Alex Ovechkin of the Capitals.")
    assert not title_case_spans("Mødet med Mikkel gik godt")


def test_topic_rules_can_be_switched_off_to_compare():
    from kvalitativ.privacy.names import NameFinder

    text = "Ships sail the Caspian Sea."
    assert NameFinder(topic_rules=False).find(text)
    assert not NameFinder().find(text)
