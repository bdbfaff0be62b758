"""Structured identifiers: CPR, phone, e-mail, street address — positives and the look-alikes to keep."""

from __future__ import annotations

import pytest

from kvalitativ.privacy.patterns import cpr_date_ok, cpr_mod11_ok, cpr_year, find_addresses, find_cpr, find_emails, find_phones
from kvalitativ.privacy.redact import Redactor


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor()


def spans(finds, text):
    return [text[f.start : f.end] for f in finds]


# ------------------------------------------------------------------------------------------ CPR
@pytest.mark.parametrize(
    "value",
    ["010203-1234", "0102031234", "010203 1234", "311299–4321", "290200-4567", "150507-8012"],
)
def test_cpr_found_in_every_written_form(value):
    text = f"Eleven ({value}) er indskrevet."
    assert spans(find_cpr(text), text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "320199-1234 er ikke en dato",  # day 32
        "011399-1234 har måned 13",
        "290201-1234 findes ikke (2001 er ikke skudår)",
        "290200-1234 er 1900, ikke skudår",  # 7th digit 1 → 1900
        "Mødet er den 31-12-2023.",
        "01020312345 har elleve cifre",
        "Beløbet 12.500 kr. er udbetalt.",
        "Skoleåret 2023/24 og perioden 2019-2023.",
    ],
)
def test_cpr_look_alikes_are_kept(text):
    assert find_cpr(text) == []


def test_cpr_modulus11_only_raises_confidence():
    assert cpr_mod11_ok("0707614285")  # a textbook valid number
    text = "cpr 070761-4286 og 0707614286"  # both fail modulus 11 but have a real date
    finds = find_cpr(text)
    assert spans(finds, text) == ["070761-4286", "0707614286"]
    assert finds[1].confidence == "medium"
    assert find_cpr("0707614285")[0].confidence == "high"


def test_cpr_century_from_seventh_digit():
    assert cpr_year(0, 1) == 1900 and cpr_year(0, 4) == 2000 and cpr_year(60, 5) == 1860
    assert cpr_date_ok(29, 2, 0, 4) and not cpr_date_ok(29, 2, 0, 2)


# ---------------------------------------------------------------------------------------- phone
@pytest.mark.parametrize(
    "value",
    [
        "20304050", "20 30 40 50", "2030 4050", "20-30-40-50", "20.30.40.50", "+45 20 30 40 50",
        "+4520304050", "0045 20304050", "(+45) 2030 4050", "+45 2030 4050",
    ],
)
def test_phone_found_in_every_written_form(value):
    text = f"Mor kan træffes på {value} efter kl. 16."
    assert spans(find_phones(text), text) == [value]


def test_phone_with_cue_may_start_with_one():
    text = "tlf. 12 34 56 78"
    assert spans(find_phones(text), text) == ["12 34 56 78"]
    assert find_phones("nummeret 12 34 56 78 er ikke dansk") == []


@pytest.mark.parametrize(
    "text",
    [
        "Mødet er den 31-12-2023 kl. 12.30.",  # a date: 2-2-4
        "Der er bevilget 12.500 kr. og 1.250.000 kr.",  # amounts
        "Skoleåret 2023/24 og 2023/2024.",  # school years
        "I perioden 2019-2023 og 2019 2023 boede de i Vejle.",  # spans of years
        "Hun fik 10 12 10 02 til prøverne.",  # grades
        "Datoen 31122023 og 20230915 i systemet.",  # eight-digit dates
        "Sagsnr. 20304050 og j.nr. 2030-4050 og CVR 20304050.",  # case and company numbers (kept by decision)
        "Regningen var på 20304050 kr.",  # an amount
        "Elevnummer 45213 og lokale 2.14.",
    ],
)
def test_phone_look_alikes_are_kept(text):
    assert find_phones(text) == []


def test_cpr_is_not_eaten_as_phone(redactor):
    out, counts = redactor.redact("Cpr 010203-1234, tlf 20304050.")
    assert out == "Cpr [CPR], tlf [TELEFON]."
    assert counts == {"CPR": 1, "TELEFON": 1}


# ---------------------------------------------------------------------------------------- email
@pytest.mark.parametrize(
    "value",
    ["mikkel.jensen@skole.dk", "A.B-c+tag@mail.example.org", "søren.ærø@kommune.dk", "hanne (at) odense.dk",
     "hk12@elev.sde.dk"],
)
def test_email_found(value):
    text = f"Skriv til {value}."
    assert spans(find_emails(text), text) == [value]


@pytest.mark.parametrize("text", ["Følg @odensekommune på Instagram", "mødes @ kl. 10", "pris: 5 @ 20 kr"])
def test_email_look_alikes_are_kept(text):
    assert find_emails(text) == []


# -------------------------------------------------------------------------------------- address
@pytest.mark.parametrize(
    "value",
    [
        "Vestergade 12",
        "Vestergade 12B",
        "Birkevej 4, 2. tv.",
        "Nørre Allé 7 st. th.",
        "H.C. Andersens Boulevard 27, 3. mf., 1553 København V",
        "Sankt Knuds Gade 4 A",
        "Skovvænget 101, 5200 Odense V",
        "Kildebakken 3, 1. sal",
        "Ole Rømers Vej 15",
    ],
)
def test_address_found(value):
    text = f"Familien bor nu på {value} og trives."
    assert spans(find_addresses(text), text)[0] == value


def test_address_without_street_suffix_needs_cue_or_postcode():
    text = "Mødet holdes på Strøget 5, 1160 København K."
    assert spans(find_addresses(text), text) == ["Strøget 5, 1160 København K"]
    text = "Ny adresse: Nyhavn 17"
    assert spans(find_addresses(text), text) == ["Nyhavn 17"]


@pytest.mark.parametrize(
    "text",
    [
        "Han har boet i Danmark 2 år.",
        "Koncerten i Fælledparken 3. juni var en succes.",
        "Hun går i Klasse 9 på skolen.",
        "Vejle 2 og Odense 5 spillede uafgjort.",
        "Skovvej 3 gange om ugen cykler han.",
        "Han bor i Vejen 3 dage om ugen.",
        "Mødet på Engvej blev flyttet.",  # a street without a number identifies nobody
    ],
)
def test_address_look_alikes_are_kept(text):
    assert find_addresses(text) == []


def test_a_run_of_capitals_does_not_hang_the_address_patterns():
    """Words before a street name need a space between them: with it optional, a run of capitals
    (a shouted note, the base64 data of a report chart) could be cut into words in so many ways
    that the guard spent over a minute on the demo report. A hang detector, not a speed claim:
    the child gets a minute for what takes milliseconds."""
    import subprocess
    import sys

    code = ("from kvalitativ.privacy.redact import Redactor\n"
            "from kvalitativ.privacy.guard import find_identifiers\n"
            "text = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' * 4\n"
            "data = '\"bdata\":\"AAAAAAAAAAAAAAAAAADwPwAAAAAAAABAAAAAAAAACEAAAAAAAAAQQAAAAAAAABRAAAAAAAAAGEAAAAAAAAAcQ\"'\n"
            "assert Redactor().redact(text + ' 12')[0].startswith('AAAA')\n"
            "assert find_identifiers(data * 20) == []\n"
            "assert Redactor().redact('Hun bor på Gl. Køge Landevej 12, 2500 Valby.')[0] == 'Hun bor på [ADRESSE].'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
