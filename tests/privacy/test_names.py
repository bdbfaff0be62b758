"""Person names: exact names from the name column, the gazetteer and the context rules."""

from __future__ import annotations

import pytest

from kvalitativ.privacy.redact import Redactor


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


def red(redactor, text, names=()):
    return redactor.redact(text, names)[0]


# ------------------------------------------------------------------------------- exact names
def test_exact_names_full_parts_case_and_genitive(redactor):
    names = ["Yrsa Bolette Stampe"]
    text = "yrsa kom. Stampe ringede. Bolettes mor og YRSA BOLETTE STAMPE mødte op."
    assert red(redactor, text, names) == "[NAVN] kom. [NAVN] ringede. [NAVN]s mor og [NAVN] mødte op."


def test_exact_name_parts_that_are_words_need_a_capital(redactor):
    names = ["Bo Skov"]
    assert red(redactor, "Han vil gerne bo i skoven og gå i skov.", names) == "Han vil gerne bo i skoven og gå i skov."
    assert red(redactor, "Mødet med Bo Skov gik godt.", names) == "Mødet med [NAVN] gik godt."


def test_exact_names_only_whole_words(redactor):
    assert red(redactor, "Anderledes end Anders.", ["Anders"]) == "Anderledes end [NAVN]."


def test_known_names_apply_to_every_text():
    r = Redactor(known_names=["Zenobia Qvist"], gazetteer=False)
    assert r.redact("Zenobia og qvist og Mikkel")[0] == "[NAVN] og [NAVN] og Mikkel"


# ----------------------------------------------------------------------------------- gazetteer
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mikkel kom for sent i dag.", "[NAVN] kom for sent i dag."),
        ("I dag talte jeg med Fatima om fraværet.", "I dag talte jeg med [NAVN] om fraværet."),
        ("Anne Marie Kjær Hansen deltog.", "[NAVN] deltog."),
        ("Mødet med Jensen blev aflyst.", "Mødet med [NAVN] blev aflyst."),
        ("Referat sendt til M. Jensen.", "Referat sendt til [NAVN]."),
        ("Anne-Sofie og Kjær-Hansen var der.", "[NAVN] og [NAVN] var der."),
        ("Mikkels mor ringede.", "[NAVN]s mor ringede."),
    ],
)
def test_gazetteer_names(redactor, text, expected):
    assert red(redactor, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # names that are also words: need a cue, a surname, a verb, or a capital mid-sentence
        ("Per uge har han tre timer.", "Per uge har han tre timer."),
        ("Per har svært ved at komme op.", "[NAVN] har svært ved at komme op."),
        ("Max 3 elever pr. gruppe.", "Max 3 elever pr. gruppe."),
        ("Mark og skov er vigtige for ham.", "Mark og skov er vigtige for ham."),
        ("Bo hjemme eller på kollegium?", "Bo hjemme eller på kollegium?"),
        ("Hans mor ringede i går.", "Hans mor ringede i går."),
        ("Mødet med Bo gik godt.", "Mødet med [NAVN] gik godt."),
        ("Bo Holm var til stede.", "[NAVN] var til stede."),
        ("Hun hedder Storm.", "Hun hedder [NAVN]."),
        ("Mor til August ringede.", "Mor til [NAVN] ringede."),
        ("Han starter i August.", "Han starter i August."),
    ],
)
def test_names_that_are_words(redactor, text, expected):
    assert red(redactor, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Talte med mor til Yrsa i dag.", "Talte med mor til [NAVN] i dag."),
        ("Hun hedder Thyra.", "Hun hedder [NAVN]."),
        ("Lærer Fogh oplyser, at det går bedre.", "Lærer [NAVN] oplyser, at det går bedre."),
        ("Hr. Brøndum ringede.", "Hr. [NAVN] ringede."),
        ("Kontakt: Sunniva Brøndum", "Kontakt: [NAVN]"),
        ("Sagsbehandler Herluf Stampe er orienteret.", "Sagsbehandler [NAVN] er orienteret."),
        ("I dag kom Yrsa for sent.", "I dag kom [NAVN] for sent."),
        ("Abelones mor mener, at det går bedre.", "[NAVN]s mor mener, at det går bedre."),
        ("Mikkel og Kresten sidder sammen.", "[NAVN] og [NAVN] sidder sammen."),
        ("Aftalt med Dalia Celik, at hun møder kl. 8.", "Aftalt med [NAVN], at hun møder kl. 8."),
    ],
)
def test_rare_names_found_through_context(redactor, text, expected):
    assert red(redactor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Han går på Tarup Skole i Odense og skal på efterskole i Ringe.",
        "Mødet blev holdt i Vollsmose med SSP, UU Odense og FGU Fyn.",
        "H.C. Andersen Skolen og Marie Kruses Skole deltog.",
        "Sankt Hans aften var hun med til bål i Bogense.",
        "Torsdag var der møde med Vestfyns Gymnasium.",
        "I Korup og Ølgod er der ventetid på PPR-udredning.",
        "Hun spiller Minecraft og Fortnite og ser Netflix.",
        "Ordblindeundervisningen har hjulpet – hun læser bedre.",
        "Visitationen har skåret i hjælpen.",
        "Lyskurven ved Bøgevænget giver lange køer.",
        "Hun fik 7 i Dansk og 10 i Matematik i januar.",
        "Han har valgt EUX og søger ind på Syddansk Erhvervsskole i Vejle.",
        "He has been absent 12 days since March.",
        "Hun bor på Plejecenter Lindely.",
    ],
)
def test_places_institutions_and_words_are_kept(redactor, text):
    assert red(redactor, text) == text


def test_english_mixed_notes(redactor):
    text = "Spoke with John Smith and his mother Sarah about Mikkel's absence in August."
    assert red(redactor, text) == "Spoke with [NAVN] and his mother [NAVN] about [NAVN]'s absence in August."


def test_gazetteer_off_only_exact_names():
    r = Redactor(gazetteer=False)
    assert r.redact("Mikkel Jensen ringede.")[0] == "Mikkel Jensen ringede."
    assert r.redact("Mikkel Jensen ringede.", ["Mikkel Jensen"])[0] == "[NAVN] ringede."


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Med venlig hilsen\nYrsa Stampe", "Med venlig hilsen\n[NAVN]"),
        ("Mvh. Thyra", "Mvh. [NAVN]"),
        ("Elev: Aslak Fogh", "Elev: [NAVN]"),
        ("Eleven Yrsa har det godt.", "Eleven [NAVN] har det godt."),
        ("Eleven er glad. Borgeren ønsker svar.", "Eleven er glad. Borgeren ønsker svar."),
    ],
)
def test_signatures_and_export_labels(redactor, text, expected):
    assert red(redactor, text) == expected
