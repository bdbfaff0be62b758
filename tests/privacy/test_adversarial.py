"""Adversarial spellings (issue 19): each one the issue lists is redacted; look-alikes are not."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

import pytest

from kvalitativ.errors import ConfigError
from kvalitativ.privacy.redact import Redactor
from scripts.tools import make_adversarial_pii

SPELLINGS = [
    # (text, the identifier in it, its type)
    ("CPR 150387 - 1235 noteret.", "150387 - 1235", "CPR"),
    ("CPR 15 03 87 1235 noteret.", "15 03 87 1235", "CPR"),
    ("CPR 15.03.87-1235 noteret.", "15.03.87-1235", "CPR"),
    ("CPR 15-03-87-1235 noteret.", "15-03-87-1235", "CPR"),
    ("CPR 150387/1235 noteret.", "150387/1235", "CPR"),
    ("CPR 150387_1235 noteret.", "150387_1235", "CPR"),
    ("Mors cpr 150387-\n1235 står i sagen.", "150387-\n1235", "CPR"),
    ("CPR １５０３８７-１２３５ noteret.", "１５０３８７-１２３５", "CPR"),
    ("Oplyst som +1503871235 i dag.", "+1503871235", "CPR"),
    ("Ring 203 04 050 i dag.", "203 04 050", "TELEFON"),
    ("Ring 20 304 050 i dag.", "20 304 050", "TELEFON"),
    ("Ring 20 30 4050 i dag.", "20 30 4050", "TELEFON"),
    ("Skriv tlf20304050 i dag.", "20304050", "TELEFON"),
    ("Ring 20/30/40/50 i dag.", "20/30/40/50", "TELEFON"),
    ("Ring 20 30\n40 50 i dag.", "20 30\n40 50", "TELEFON"),
    ("Hun har 12 34 56 78 nu.", "12 34 56 78", "TELEFON"),
    ("Ring 2030\u200b4050 i dag.", "2030\u200b4050", "TELEFON"),
    ("Skriv til mette[at]gmail[dot]com i dag.", "mette[at]gmail[dot]com", "EMAIL"),
    ("Skriv til mette @ gmail.com i dag.", "mette @ gmail.com", "EMAIL"),
    ("Skriv til mette at gmail dot com i dag.", "mette at gmail dot com", "EMAIL"),
    ("Skriv til mette@gmail i dag.", "mette@gmail", "EMAIL"),
    # a new user's trial: natural spellings that reached quotes and the report
    ("Oplyst af mor på 2 0 3 0 4 0 5 1 i går.", "2 0 3 0 4 0 5 1", "TELEFON"),
    ("Ring 20 3 0 4 0 5 0 i dag.", "20 3 0 4 0 5 0", "TELEFON"),
    ("Mors cpr 1 5 0 3 8 7 1 2 3 5 står i sagen.", "1 5 0 3 8 7 1 2 3 5", "CPR"),
    ("Noteret tlf: 2O3O4O5O i dag.", "2O3O4O5O", "TELEFON"),
    ("Noteret CPR: l503871235 i dag.", "l503871235", "CPR"),
    ("Skrev far fra jens.olsen at hotmail.com i går.", "jens.olsen at hotmail.com", "EMAIL"),
    ("Skriv til mette @ gmail . com i dag.", "mette @ gmail . com", "EMAIL"),
    ("Mors mail: m e t t e @ g m a i l . c o m i dag.", "m e t t e @ g m a i l . c o m", "EMAIL"),
    ("Skriv til mette@\ngmail.com i dag.", "mette@\ngmail.com", "EMAIL"),
    ("Skriv til mette@gmail.\ncom i dag.", "mette@gmail.\ncom", "EMAIL"),
    ("Skriv til mette(a)gmail.com i dag.", "mette(a)gmail.com", "EMAIL"),
    ("Skriv til mette snabel-a gmail.com i dag.", "mette snabel-a gmail.com", "EMAIL"),
    ("Mail sendt til x@y.dk. Familien er orienteret.", "x@y.dk", "EMAIL"),  # a sentence's end stays
    ("Familien bor nu Ved Stranden 14.", "Ved Stranden 14", "ADRESSE"),
    ("mikkel jensen har haft fravær.", "mikkel jensen", "NAVN"),
    ("fatima kom for sent.", "fatima", "NAVN"),
    # a lower-case first name after a contact cue, with no verb or surname (a review's "Talte med ahmed")
    ("Talte med ahmed i dag.", "ahmed", "NAVN"),
    ("Møde hos fatima om planen.", "fatima", "NAVN"),
    ("talked with john about the plan.", "john", "NAVN"),
    ("MIKKEL JENSEN HAR HAFT MEGET FRAVÆR", "MIKKEL JENSEN", "NAVN"),
    ("Sol har haft fravær.", "Sol", "NAVN"),
    ("August var syg i dag.", "August", "NAVN"),
    ("Samtale med Mik\u00adkel om fraværet.", "Mik\u00adkel", "NAVN"),
    # English notes (a trial: `07700 900142` reached a quote and the report): other countries' numbers
    # and English-order addresses
    ("Mum called from 07700 900839.", "07700 900839", "TELEFON"),
    ("Tel 07700900839 after school.", "07700900839", "TELEFON"),
    ("Call +44 7700 900123 today.", "+44 7700 900123", "TELEFON"),
    ("Phone: (555) 123-4567.", "(555) 123-4567", "TELEFON"),
    ("Mobile: 555.123.4567.", "555.123.4567", "TELEFON"),
    ("Ring til morfar på +46 70 123 45 67 i aften.", "+46 70 123 45 67", "TELEFON"),
    ("Faren bor i London, 0044 20 7946 0958.", "0044 20 7946 0958", "TELEFON"),
    ("Dad on 020 7946 0958 in the evening.", "020 7946 0958", "TELEFON"),
    ("Farmor i Berlin: 030 12345678.", "030 12345678", "TELEFON"),
    ("Lives at 12 Baker Street, London.", "12 Baker Street, London", "ADRESSE"),
    ("Moved to 221B Baker St. last week.", "221B Baker St.", "ADRESSE"),
    ("New address: 4 Elm Close, Leeds LS1 4AP.", "4 Elm Close, Leeds LS1 4AP", "ADRESSE"),
    # a review of the foreign formats: North American numbers spaced or with the trunk 1, a trunk 0
    # in brackets or with dots, French pairs; addresses in lower case, with an apostrophe, numbered
    # streets and a town of two words
    ("Call her on 555 123 4567 tonight.", "555 123 4567", "TELEFON"),
    ("Dad's cell: 1-555-123-4567.", "1-555-123-4567", "TELEFON"),
    ("Grandma on 1 (555) 123-4567 now.", "1 (555) 123-4567", "TELEFON"),
    ("Mum on (0)7700 900839 today.", "(0)7700 900839", "TELEFON"),
    ("Aunt in London, (0)20 7946 0958.", "(0)20 7946 0958", "TELEFON"),
    ("Mum on 07700.900.839 today.", "07700.900.839", "TELEFON"),
    ("Farmor i Lyon: 06 45 12 34 56.", "06 45 12 34 56", "TELEFON"),
    ("Père au 04.78.12.34.56 le soir.", "04.78.12.34.56", "TELEFON"),
    ("Mother lives at 12 baker street now.", "12 baker street", "ADRESSE"),
    ("visited him at 12 baker street yesterday.", "12 baker street", "ADRESSE"),
    ("She lives at 12 O'Connell Street, Dublin.", "12 O'Connell Street, Dublin", "ADRESSE"),
    ("Dad lives at 4 McDonald Road.", "4 McDonald Road", "ADRESSE"),
    ("Visited 350 5th Avenue with the class.", "350 5th Avenue", "ADRESSE"),
    ("Office at 350 Fifth Avenue, New York today.", "350 Fifth Avenue, New York", "ADRESSE"),
    ("Sent to 350 Fifth Avenue, New York, NY 10118.", "350 Fifth Avenue, New York, NY 10118", "ADRESSE"),
]

LOOK_ALIKES = [
    "Hun skrev at aula.dk var nede hele dagen.",  # "at" before a domain that is no mail provider
    # grades and counts written a digit at a time (a review of the spaced forms)
    "Karaktererne i 9. klasse: 12 10 7 4 02 7 10 4 4 7.",
    "Standpunkt: 12 10 7 4 02 7 i dansk, matematik, engelsk, tysk, fysik og historie.",
    "Fravær pr. måned: 1 2 0 3 1 0 2 1 4 0 dage.",
    "Antal fraværsdage i ugerne 33-40: 2 0 3 0 4 0 5 1.",
    "Point i de otte opgaver: 4 7 2 4 7 2 4 7",
    "I august var der ferie, og per uge er der tre timer med sol.",
    "August gik bedre end forventet.",
    "Solen skinner, og der var sol og vind hele ugen.",
    "Mødet er flyttet til 15.03.2024 kl. 10.",
    "Åbent kl. 20.15-22.00 på tirsdage.",
    "Mødet varer 10.00 - 11.30.",
    "I perioden 2019 2020 2021 var han i Odense.",
    "Der er bevilget 12 500 kr. til mentor.",
    "Karaktererne var 7 10 12 4 02 i de fem fag.",
    "Sagsnr. 2023-12345 er oprettet.",
    "Vi mødes @ skolen kl. 8.",
    "Hun lovede at ringe. Det gjorde hun ikke.",
    "ALLE ELEVER SKAL MØDE KL 8 PÅ MANDAG.",
    "SSP og PPR er orienteret, og UU følger op.",
    "Familien bor tæt ved Under Elmene i Korup.",
    "han var glad i dag og har det godt med de andre.",
    # numbers with a foreign phone's or an English address's look that are none
    "In 1929 Wall Street crashed.",
    "ISBN 978-0-306-40615-7 er bogens nummer.",
    "Sagsnr. 0123 456 789 er oprettet.",
    "Fravær uge 05 2024 og 06 2024, målt 01-02-2024.",
    "Skoleåret 2023/24 havde 0 fraværsdage i uge 01 og 3 i uge 02.",
    "Prisen var 0 123 456 kr. i alt.",
    # a review of the English patterns: classes, courts, dates, decimals and ids that are no address or phone
    "Year 9 Oak Court meets on Fridays.",
    "On 5 May Family Court heard the case.",
    "2 Youth Court hearings were adjourned.",
    "She leads 9 Science Walk sessions.",
    "p-værdi 0.00123456789 i modellen.",
    "Andel 0,0012345678 af eleverne.",
    "Sagsnr. 2023-0012345678 er oprettet.",
    "Note 01234567890 er arkiveret.",
    # a review of the foreign formats: case, unit and account numbers with a phone's shape; times,
    # counts, scores and figures in rows; measures and counts before a street word; numbered streets
    # without a house number; a class's number before a street (the class's trip, not an address)
    "Afdeling nr. 0123 456789 har ansvaret.",
    "Kundenr. 0123 456789 er oprettet.",
    "Account no. 0161 496 0000 was closed.",
    "Invoice no. 0161 496 0000 is paid; order #0123 456789 shipped.",
    "Åbent 08 00 12 00 og 13 00 15 30 på hverdage.",
    "Open 08 00 12 00 on weekdays.",
    "Minutes 05 15 25 35 45 were logged.",
    "Scores 3 4 5 6 7 in the tests.",
    "Rows 250 300 2019 in the table.",
    "Figures 120 450 3000 in the table.",
    "Pi is 3.14159 26535.",
    "ISBN 0-306-40615-2 is the book.",
    "Born 05.12.2013 in Leeds.",
    "It is a 2 hour drive to school, on a 4 lane road.",
    "We walked 2 blocks down the road.",
    "They bought a 4 wheel drive car.",
    "the 3 high street shops closed.",
    "They met on 5th Avenue by the park.",
    "Class 12 Baker Street trip was fun.",
    # a Danish first name that is an English adjective before its noun ("lone parent", "christian values")
    "Lives with lone parent in a flat.",
    "Lone parent, two children.",
    "LIVES WITH LONE PARENT IN A FLAT.",
    "Met with christian families in the area.",
    # first names that are also words stay after "med" ("per", "august", "sol", "holm")
    "talte med per om planen og kom med august i stedet.",
    "gik en tur med sol og vind; arbejder med holm og sten.",
]


@pytest.fixture(scope="module")
def redactor():
    return Redactor()


@pytest.mark.parametrize("text,value,kind", SPELLINGS)
def test_each_listed_spelling_is_redacted(redactor, text, value, kind):
    start = text.index(value)
    finds = redactor.find(text)
    covered = [f for f in finds if f.start <= start and f.end >= start + len(value)]
    assert covered and covered[0].type == kind, (text, finds)
    redacted, _ = redactor.redact(text)
    assert f"[{kind}]" in redacted
    # nothing readable of it is left: no digit run of 3+ and no part of a name or e-mail
    for part in re.findall(r"\d{3,}|[^\W\d_]{3,}", value):
        if part.lower() not in ("dot", "gmail", "com"):
            assert part not in redacted, (part, redacted)


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_left_alone(redactor, text):
    assert redactor.redact(text)[0] == text


def test_an_english_address_ends_at_the_sentence(redactor):
    """A town was taken across a full stop: "12 Baker Street. Then" lost the next sentence's first word."""
    assert redactor.redact("Lives at 12 Baker Street. Then she left.")[0] == "Lives at [ADRESSE]. Then she left."
    assert redactor.redact("Dad lives at 4 Elm Road.")[0] == "Dad lives at [ADRESSE]."


def test_a_first_name_that_is_an_english_adjective_is_judged_by_its_context(redactor):
    """`lone` (a Danish first name) before a noun in English is the adjective; as a name it is still
    found. In Danish, `legede med helle` stays a name: the noun `helle` (a refuge) takes an article
    or a preposition ("i helle", "en helle"), and a lower-case name after `med` is what the rule is for."""
    assert redactor.redact("Talked with lone about the plan.")[0] == "Talked with [NAVN] about the plan."
    assert redactor.redact("Talte med lone om fraværet.")[0] == "Talte med [NAVN] om fraværet."
    assert redactor.redact("Han legede med helle i frikvarteret.")[0] == "Han legede med [NAVN] i frikvarteret."
    assert redactor.redact("Lone kom for sent i dag.")[0] == "[NAVN] kom for sent i dag."
    # a next word that is an adverb too ("today", "back", "yesterday") says nothing: a person (a review)
    for text in ("Meeting with lone today at the school.", "Home visit: spoke with lone yesterday about rent.",
                 "MEETING WITH LONE TODAY ABOUT ATTENDANCE.", "CALLED FRANK BACK, NO ANSWER.",
                 "Spoke with Bent tomorrow."):
        assert "[NAVN]" in redactor.redact(text)[0], text


def test_a_phone_number_after_a_department_or_case_word_is_still_a_phone(redactor):
    """The case-number cue grew to department/order/case words without a number word, and Danish
    phone numbers after them went through (a review): only the number word makes them a case's."""
    for text in ("Mor kan kontaktes på afd. 22 33 44 55", "Ring til mor, afd. 22334455", "Hun har sag 22 33 44 55",
                 "Her order 07700 900839"):
        assert "[TELEFON]" in redactor.redact(text)[0], text


def test_standard_strictness_keeps_the_old_behaviour_and_bad_values_are_refused():
    standard = Redactor(strictness="standard")
    assert standard.redact("CPR 15 03 87 1235 noteret.")[0] == "CPR 15 03 87 1235 noteret."
    assert standard.redact("fatima kom for sent.")[0] == "fatima kom for sent."
    with pytest.raises(ConfigError, match="strictness"):
        Redactor(strictness="paranoid")


def test_offsets_map_back_to_the_original_text(redactor):
    """Finds are made on the normalised text and mapped back: everything else stays as written."""
    text = "Ｆｕｌｄ ﬁl: ring 2030\u200b4050 nu, ellers １５０３８７-１２３５. Tak\u00ad!"
    red, counts = redactor.redact(text)
    assert red == "Ｆｕｌｄ ﬁl: ring [TELEFON] nu, ellers [CPR]. Tak\u00ad!"
    assert counts == {"TELEFON": 1, "CPR": 1}


def test_generated_adversarial_set_meets_the_targets(redactor):
    """Issue 19's must-show on a fresh seed: ≥ 99 % CPR/phone/e-mail, ≥ 95 % names/addresses, < 1 % look-alikes."""
    rows = make_adversarial_pii.generate(seed=101, n=12, n_clean=400)
    caught, total = {}, {}
    changed = clean = 0
    for row in rows:
        finds = redactor.find(row.text)
        if row.kind == "clean":
            clean += 1
            changed += bool(finds)
            continue
        pos = row.start
        for f in sorted(finds, key=lambda f: f.start):
            if f.start <= pos < f.end:
                pos = f.end
        total[row.type] = total.get(row.type, 0) + 1
        caught[row.type] = caught.get(row.type, 0) + (pos >= row.end)
    recall = {t: caught[t] / total[t] for t in total}
    for kind in ("CPR", "TELEFON", "EMAIL"):
        assert recall[kind] >= 0.99, recall
    for kind in ("NAVN", "ADRESSE"):
        assert recall[kind] >= 0.95, recall
    assert changed / clean < 0.01


def test_strictness_is_a_config_key_that_ingest_uses(tmp_path):
    from kvalitativ.config import PrivacyConfig, config_from_dict
    from kvalitativ.io.ingest import ingest_notes

    with pytest.raises(ConfigError, match="strictness"):
        config_from_dict({"privacy": {"strictness": "paranoid"}})
    assert config_from_dict({}).privacy.strictness == "strict"
    path = tmp_path / "notes.csv"
    path.write_text("NotatID;ElevID;Dato;Notat\nN1;E1;01-02-2024;\"fatima kom for sent og ringede fra 20 30\n40 50.\"\n",
                    encoding="utf-8")
    strict = ingest_notes(path, privacy=PrivacyConfig(key_file=str(tmp_path / "k")))
    assert strict.corpus["text"][0] == "[NAVN] kom for sent og ringede fra [TELEFON]."
    standard = ingest_notes(path, privacy=PrivacyConfig(key_file=str(tmp_path / "k"), strictness="standard"))
    assert "fatima" in standard.corpus["text"][0]


def _core(text: str) -> str:
    """Letters and digits only, lower case: an identifier survived if its core is in the text's."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def test_ingest_redacts_every_spelling_the_redactor_catches(tmp_path, redactor):
    """Through `ingest` (cleaning first), not the redactor alone: cleaning made a zero-width space
    inside an identifier a space ('19030\\u200b79912' -> '19030 79912', 'Kløv\\u200bervej 54'), and
    35 of 940 planted identifiers reached the quotes and the report (a new user's trial)."""
    from kvalitativ.config import PrivacyConfig
    from kvalitativ.io.ingest import ingest_notes

    rows = [r for r in make_adversarial_pii.generate(seed=103, n=12, n_clean=0) if r.kind == "pii"]
    notes = pd.DataFrame({"NotatID": [f"N{i}" for i in range(len(rows))], "ElevID": "E1", "Dato": "01-02-2024",
                          "Notat": [r.text for r in rows]})
    notes.to_csv(tmp_path / "notes.csv", sep=";", index=False)
    corpus = ingest_notes(tmp_path / "notes.csv", privacy=PrivacyConfig(key_file=str(tmp_path / "k"))).corpus
    texts = dict(zip(corpus["note_id"], corpus["text"]))
    assert any("\u200b" in r.text[r.start:r.end] for r in rows)  # the class is in the set
    leaked = []
    for i, row in enumerate(rows):
        pos = row.start  # caught by the redactor alone? (as the test above)
        for f in sorted(redactor.find(row.text), key=lambda f: f.start):
            if f.start <= pos < f.end:
                pos = f.end
        if pos >= row.end and _core(row.text[row.start:row.end]) in _core(texts[f"N{i}"]):
            leaked.append((row.spelling, texts[f"N{i}"]))
    assert not leaked, leaked[:5]


def test_the_generator_writes_into_a_folder_too(tmp_path):
    """`--out DIR` was an IsADirectoryError traceback."""
    make_adversarial_pii.main(["--out", str(tmp_path), "--n", "1"])
    assert pd.read_csv(tmp_path / "adversarial_pii.csv")["kind"].isin(["pii", "clean"]).all()


ZERO_WIDTH_BETWEEN = [
    # a zero-width space standing for a space (text copied from a web page): removing it joined
    # the words into one the redactor did not know (the review of the fix above)
    ("Ring\u200b20304050 i dag.", "20304050"),
    ("Samtale med Mikkel\u200bJensen i dag.", "Mikkel"),
    ("Familien bor på Kløvervej\u200b54.", "Kløvervej"),
    ("Eleven hedder\u200bAhmed.", "Ahmed"),
    ("CPR\u200b150387-1235 er noteret.", "150387"),
]


def test_ingest_redacts_a_zero_width_space_between_words(tmp_path):
    from kvalitativ.config import PrivacyConfig
    from kvalitativ.io.ingest import ingest_notes

    notes = pd.DataFrame({"NotatID": [f"N{i}" for i in range(len(ZERO_WIDTH_BETWEEN))], "ElevID": "E1",
                          "Dato": "01-02-2024", "Notat": [t for t, _ in ZERO_WIDTH_BETWEEN]})
    notes.to_csv(tmp_path / "notes.csv", sep=";", index=False)
    corpus = ingest_notes(tmp_path / "notes.csv", privacy=PrivacyConfig(key_file=str(tmp_path / "k"))).corpus
    for (text, secret), out in zip(ZERO_WIDTH_BETWEEN, corpus["text"]):
        assert secret not in out and "[" in out, (text, out)
