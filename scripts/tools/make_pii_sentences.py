"""Generate a labelled set of Danish note sentences with and without identifiers (deterministic).

For the redaction benchmark (scripts/benchmarks/bench_redaction.py): at least 1,000 identifiers in
realistic sentences (at least 200 per type: CPR, TELEFON, EMAIL, ADRESSE, NAVN) and at least
1,000 identifier-free sentences in the same style, full of the things a redactor must leave
alone: capitalised places and institutions, months and weekdays, dates, school years, grades,
amounts, times, case numbers, words that are also names ("Hans mor", "Per uge").

Honesty: the names here come from this file's own lists, not from the redactor's gazetteer.
Some are common Danish names (most of which the gazetteer also holds), some are rarer Danish
and immigrant names and surnames (mostly outside it), and some rows carry the name in the
export's name column (``names``), as real exports do. The benchmark reports recall for each of
these groups separately. Likewise the identifier-free sentences use places outside the
redactor's keep list too (the benchmark reports how many).

Usage::

    python scripts/tools/make_pii_sentences.py --out /tmp/pii_sentences.csv [--seed 8] [--n 1200]

Columns: sentence_id, kind ("pii" | "clean"), text, names ("|"-joined exact names for the
row's name column, or empty), ids (JSON list of [type, value, start, end, group]).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

TYPES = ("CPR", "TELEFON", "EMAIL", "ADRESSE", "NAVN")

# ------------------------------------------------------------------------------------- names
COMMON_FIRST_F = [
    "Anne", "Mette", "Kirsten", "Hanne", "Helle", "Susanne", "Lene", "Camilla", "Louise", "Charlotte",
    "Maria", "Marianne", "Tina", "Pia", "Gitte", "Emma", "Ida", "Freja", "Clara", "Sofie", "Laura",
    "Alberte", "Mathilde", "Josefine", "Karla", "Frida", "Agnes", "Ella", "Asta", "Nanna", "Signe",
    "Cecilie", "Julie", "Katrine", "Stine", "Rikke", "Maja", "Mille", "Lærke", "Emilie", "Fatima",
    "Sara", "Yasmin", "Zainab", "Amina",
]
COMMON_FIRST_M = [
    "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Niels", "Anders", "Morten",
    "Jesper", "Mads", "Rasmus", "Martin", "Christian", "Mikkel", "Frederik", "Emil", "Noah", "William",
    "Oscar", "Lucas", "Victor", "Malthe", "Alfred", "Magnus", "Villads", "Anton", "Jonas", "Tobias",
    "Mathias", "Sebastian", "Kasper", "Nikolaj", "Simon", "Oliver", "Elias", "Valdemar", "Ali",
    "Mohammed", "Omar", "Hamza", "Yusuf", "Ahmad", "Ibrahim",
]
COMMON_SURNAMES = [
    "Nielsen", "Jensen", "Hansen", "Andersen", "Pedersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
    "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Frederiksen", "Laursen",
    "Holm", "Lund", "Schmidt", "Kjær", "Østergaard", "Vestergaard", "Dam", "Bach", "Ahmed", "Hussein",
    "Yilmaz", "Nguyen", "Khan",
]
# Rarer first names and surnames (many of them outside the redactor's gazetteer).
RARE_FIRST_F = [
    "Bolette", "Abelone", "Cornelia", "Dagny", "Edel", "Gunhild", "Henny", "Idun", "Karna", "Magnhild",
    "Oda", "Petra", "Ragnhild", "Sunniva", "Thyra", "Ulrikke", "Valborg", "Yrsa", "Åslaug", "Amira",
    "Leila", "Dalia", "Zara", "Milena", "Ivana", "Birgit", "Tove", "Solvej", "Inga", "Elvira",
]
RARE_FIRST_M = [
    "Aslak", "Bendix", "Didrik", "Eskild", "Herluf", "Jarl", "Kresten", "Laust", "Mattis", "Regnar",
    "Svante", "Tjalfe", "Vitus", "Ansgar", "Evald", "Hartvig", "Asbjørn", "Emir", "Rayan", "Nikita",
    "Aksel", "Bertel", "Folmer", "Gorm", "Holger", "Ingvar", "Jeppe", "Kjeld", "Otto", "Sigfred",
]
RARE_SURNAMES = [
    "Fogh", "Brøndum", "Hvidberg", "Stampe", "Trolle", "Agerskov", "Leth", "Duus", "Graversen",
    "Kirkeby", "Stenholt", "Brix", "Lerche", "Nymann", "Refsgaard", "Thorsen", "Bladt", "Hauge",
    "Kronborg", "Lyngsø", "Mørch", "Quist", "Rytter", "Skytte", "Tang", "Ahmadi", "Karimi", "Haidari",
    "Celik", "Aydin", "Novak", "Petrović", "Bundgaard", "Wulff", "Husted", "Damgaard", "Overgaard",
]

# ------------------------------------------------------------------------------------ places
STREET_STEMS = [
    "Vester", "Øster", "Nørre", "Sønder", "Skole", "Kirke", "Mølle", "Birke", "Bøge", "Ege", "Ahorn",
    "Rose", "Lilje", "Kastanje", "Station", "Havne", "Fjord", "Strand", "Skov", "Mark", "Eng", "Kilde",
    "Bakke", "Sol", "Fasan", "Rådyr", "Lærke", "Hyben", "Tjørne", "Pile", "Rønne", "Hassel", "Ask",
    "Kløver", "Syren", "Hvede", "Byg", "Rug", "Krage", "Svane",
]
STREET_SUFFIXES = [
    "gade", "vej", "vej", "vej", "allé", "alle", "stræde", "vænget", "parken", "torv", "plads", "bakken",
    "toften", "løkken", "haven", "højen", "engen", "vangen", "lunden", "stien", "krogen", "gyden",
]
MULTIWORD_STREETS = [
    "H.C. Andersens Boulevard", "Niels Bohrs Allé", "Sankt Knuds Gade", "Gammel Kongevej", "Ole Rømers Vej",
    "Ny Vestergade", "Store Kongensgade", "Dronning Louises Vej", "Kong Georgs Vej", "Gl. Kongevej",
    "Lille Torvegade", "Nørre Voldgade",
]
NO_SUFFIX_STREETS = ["Strøget", "Nyhavn", "Overgaden", "Kongens Nytorv", "Amagerbrogade", "Vesterbrogade"]
FLOORS = ["st.", "st. th.", "st. tv.", "1. th.", "1. tv.", "2. th.", "2. tv.", "3. mf.", "4. th.", "1. sal", "kl."]
POSTCODES = [
    ("5000", "Odense C"), ("5200", "Odense V"), ("5210", "Odense NV"), ("5220", "Odense SØ"),
    ("5230", "Odense M"), ("5240", "Odense NØ"), ("5250", "Odense SV"), ("5260", "Odense S"),
    ("5270", "Odense N"), ("5700", "Svendborg"), ("5500", "Middelfart"), ("5800", "Nyborg"),
    ("8000", "Aarhus C"), ("7100", "Vejle"), ("6000", "Kolding"), ("2100", "København Ø"),
    ("9000", "Aalborg"), ("5610", "Assens"), ("5750", "Ringe"), ("5792", "Årslev"),
]
# Towns for identifier-free sentences: some in the redactor's keep list, many not.
TOWNS = [
    "Odense", "Svendborg", "Nyborg", "Middelfart", "Aarhus", "Vejle", "Kolding", "København", "Aalborg",
    "Esbjerg", "Ejstrupholm", "Bjerringbro", "Hammel", "Hadsten", "Kibæk", "Tørring", "Give", "Vamdrup",
    "Gørding", "Bramming", "Ølgod", "Tarm", "Løgstør", "Hobro", "Aars", "Hadsund", "Skørping",
    "Støvring", "Dronninglund", "Sæby", "Brovst", "Fjerritslev", "Nibe", "Vodskov", "Ringe", "Faaborg",
    "Bogense", "Otterup", "Kerteminde", "Langeskov", "Munkebo", "Tommerup", "Glamsbjerg", "Vollsmose",
    "Bolbro", "Dalum", "Hjallese", "Tarup", "Korup", "Sanderum", "Højby", "Fyn", "Jylland", "Sjælland",
]
INSTITUTIONS = [
    "Tarup Skole", "Rosengårdskolen", "Holluf Pile Skole", "Odense Tekniske Gymnasium", "Mulernes Legatskole",
    "Kold College", "Syddansk Erhvervsskole", "Ungdomsskolen", "Tietgen", "SOSU Fyn", "FGU Fyn",
    "Odense Katedralskole", "Sct. Knuds Gymnasium", "H.C. Andersen Skolen", "Ellehusskolen", "Hunderupskolen",
    "Odense Kommune", "UU Odense", "Jobcentret", "Børne- og Ungeforvaltningen", "PPR", "SSP Odense",
    "Efterskolen i Ringe", "Vestfyns Gymnasium", "Nyborg Gymnasium", "Svendborg Erhvervsskole",
    "Produktionsskolen", "Ungdommens Uddannelsesvejledning", "Familieafdelingen", "Psykiatrien",
    "Bjerringbro Friskole", "Hammel Efterskole", "Give Skole", "Hobro Gymnasium",
]
FAG = ["dansk", "matematik", "engelsk", "tysk", "fysik/kemi", "biologi", "historie", "idræt", "Dansk",
       "Matematik", "Engelsk"]
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]
WEEKDAYS = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag"]
EMAIL_DOMAINS = ["gmail.com", "hotmail.com", "outlook.dk", "live.dk", "odense.dk", "skole.odense.dk",
                 "elev.sde.dk", "mail.dk", "yahoo.com", "kommune.example.dk", "sosufyn.dk", "fgufyn.dk"]


@dataclass
class Row:
    kind: str
    text: str
    names: list[str] = field(default_factory=list)
    ids: list[tuple[str, str, int, int, str]] = field(default_factory=list)


class Builder:
    """Renders a template whose slots are (type, value, group) or plain strings, keeping spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.ids: list[tuple[str, str, int, int, str]] = []
        self.pos = 0

    def add(self, s: str) -> Builder:
        self.parts.append(s)
        self.pos += len(s)
        return self

    def ident(self, kind: str, value: str, group: str = "") -> Builder:
        self.ids.append((kind, value, self.pos, self.pos + len(value), group))
        return self.add(value)

    def text(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------------- generators
CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def make_cpr(rng: random.Random) -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 52))
    head = born.strftime("%d%m%y")
    sev = rng.choice("0123") if born.year < 2000 else rng.choice("456789")  # the century digit
    want_mod11 = rng.random() < 0.5  # numbers since 2007 may fail modulus 11
    while True:
        tail = sev + f"{rng.randrange(1000):03d}"
        ok = sum(int(d) * w for d, w in zip(head + tail, CPR_WEIGHTS)) % 11 == 0
        if ok == want_mod11:
            break
    style = rng.random()
    sep = "-" if style < 0.55 else ("" if style < 0.85 else " ")
    return head + sep + tail


def make_phone(rng: random.Random) -> str:
    digits = rng.choice("23456789") + "".join(rng.choice("0123456789") for _ in range(7))
    pairs = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    style = rng.randrange(9)
    return [
        digits, pairs, pairs, digits[:4] + " " + digits[4:], "+45 " + pairs, "+45" + digits, "0045 " + digits,
        "-".join(digits[i : i + 2] for i in range(0, 8, 2)), "+45 " + digits[:4] + " " + digits[4:],
    ][style]


def _ascii(s: str) -> str:
    return s.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa").replace(" ", ".").replace("ć", "c")


def make_email(rng: random.Random, first: str, last: str) -> str:
    dom = rng.choice(EMAIL_DOMAINS)
    style = rng.randrange(6)
    if style == 0:
        local = f"{_ascii(first)}.{_ascii(last)}"
    elif style == 1:
        local = f"{_ascii(first)}{rng.randrange(1, 99)}"
    elif style == 2:
        local = f"{_ascii(first)[:2]}{_ascii(last)[:2]}{rng.randrange(10, 99)}"
    elif style == 3:
        local = f"{_ascii(first)}_{_ascii(last)}"
    elif style == 4:
        local = f"{first.lower()}.{last.lower()}"  # with æøå, as people type them
    else:
        local = f"{_ascii(first)[0]}{_ascii(last)}"
    if rng.random() < 0.08:
        local = local.capitalize()
    return f"{local}@{dom}"


def make_street(rng: random.Random) -> tuple[str, bool]:
    """A street name, and whether it has a Danish street suffix (else it needs a cue or postcode)."""
    r = rng.random()
    if r < 0.75:
        return rng.choice(STREET_STEMS) + rng.choice(STREET_SUFFIXES), True
    if r < 0.92:
        return rng.choice(MULTIWORD_STREETS), True
    return rng.choice(NO_SUFFIX_STREETS), False


def make_address(rng: random.Random, need_post: bool = False) -> str:
    street, _ = make_street(rng)
    s = f"{street} {rng.randrange(1, 150)}"
    if rng.random() < 0.12:
        s += rng.choice(["A", "B", "C", "b"])
    if rng.random() < 0.4:
        s += rng.choice([", ", " "]) + rng.choice(FLOORS)
    if need_post or rng.random() < 0.5:
        code, town = rng.choice(POSTCODES)
        s += f", {code} {town}"
    return s


def pick_name(rng: random.Random, rare: bool, female: bool | None = None) -> tuple[str, str]:
    female = rng.random() < 0.5 if female is None else female
    if rare:
        first = rng.choice(RARE_FIRST_F if female else RARE_FIRST_M)
        last = rng.choice(RARE_SURNAMES)
    else:
        first = rng.choice(COMMON_FIRST_F if female else COMMON_FIRST_M)
        last = rng.choice(COMMON_SURNAMES)
    return first, last


# ---------------------------------------------------------------------------- sentence makers
def cpr_sentence(rng: random.Random) -> Row:
    v = make_cpr(rng)
    pre, post = rng.choice([
        ("CPR-nr. ", " er registreret forkert i elevsystemet."),
        ("Personnummer: ", ""),
        ("Eleven (", ") er indskrevet på FGU fra 1. august."),
        ("Mors cpr ", " blev ved en fejl skrevet i notatet."),
        ("Det oplyste cpr-nummer ", " er rettet i systemet."),
        ("cpr: ", " – skal slettes fra sagen."),
        ("Oplyste sit personnummer ", " til sagsbehandleren."),
        ("Henvendelse vedr. ", " om skoleskift til 8. klasse."),
        ("", " er tilmeldt brobygning i uge 46."),
        ("CPR ", ", indskrevet 12.08.2023."),
        ("Student's CPR number ", " was written in the note by mistake."),
        ("Ny elev med cpr.nr. ", " starter på mandag."),
    ])
    b = Builder().add(pre).ident("CPR", v).add(post)
    return Row("pii", b.text(), [], b.ids)


def phone_sentence(rng: random.Random) -> Row:
    v = make_phone(rng)
    pre, post = rng.choice([
        ("Mor kan træffes på ", " efter kl. 16."),
        ("Ring til praktikstedet på ", " inden mandag."),
        ("Fars mobil: ", ""),
        ("Eleven har fået nyt nummer ", "."),
        ("Kontakt mentor på tlf. ", " ved fravær."),
        ("Telefon ", " (mor)."),
        ("Sms til ", " om mødet torsdag."),
        ("", " er mors nye nummer."),
        ("Mødet kan flyttes – ring ", "."),
        ("Call mum on ", " if he is absent."),
        ("Plejefamilien har nummeret ", " og ønsker sms frem for opkald."),
        ("Hun ringede fra ", " kl. 9.30 og meldte sig syg."),
        ("Nødnummer ", ", ring hvis hun ikke møder."),
    ])
    b = Builder().add(pre).ident("TELEFON", v).add(post)
    return Row("pii", b.text(), [], b.ids)


def email_sentence(rng: random.Random) -> Row:
    first, last = pick_name(rng, rare=rng.random() < 0.3)
    v = make_email(rng, first, last)
    pre, post = rng.choice([
        ("Mail: ", ""),
        ("Skriv til ", " ang. praktik."),
        ("Mor ønsker kommunikation på ", " fremfor Aula."),
        ("Send planen til ", "."),
        ("Eleven har fået ny mail (", ")."),
        ("Kontakt gerne vejlederen på ", " eller på Aula."),
        ("Please send the plan to ", " before Friday."),
        ("Henvendelse modtaget fra ", " den 3. marts."),
        ("", " skal have kopi af referatet."),
    ])
    b = Builder().add(pre).ident("EMAIL", v).add(post)
    return Row("pii", b.text(), [], b.ids)


def address_sentence(rng: random.Random) -> Row:
    template = rng.choice([
        ("Familien er flyttet til ", "."),
        ("Bor nu på ", " med mor og to søskende."),
        ("Ny adresse: ", ""),
        ("Mødet holdes hjemme på ", " kl. 15."),
        ("Post sendes til ", "."),
        ("Hun bor hos faster på ", " i en periode."),
        ("Efter flytningen til ", " har han langt til skole."),
        ("Adresse: ", ", opgang B."),
        ("She lives at ", " with her grandmother."),
        ("Hjemmebesøg på ", " blev aflyst."),
        ("", " er mors adresse."),
        ("Far bor på ", ", og eleven er der hver anden weekend."),
    ])
    pre, post = template
    cue = any(w in pre.lower() for w in ("flyttet til", "bor ", "adresse", "lives at", "flytningen til"))
    street_only = make_address(rng, need_post=not cue)
    b = Builder().add(pre).ident("ADRESSE", street_only).add(post)
    return Row("pii", b.text(), [], b.ids)


NAME_TEMPLATES = [
    # (template, slot kinds): {F} first name, {N} full name, {L} surname
    "{F} kom for sent i dag og virkede træt.",
    "I dag talte jeg med {F} om fraværet.",
    "{N} har haft en god uge i praktikken.",
    "Mor {N} deltog i mødet.",
    "Hans mor, {F}, ringede i morges.",
    "Mødet med far {N} blev aflyst.",
    "Eleven bor hos sin moster {F} i en periode.",
    "Hun hedder {F} og går i 9.b.",
    "{F} og {F2} sidder sammen i timerne.",
    "Kontakt: {N}",
    "Lærer {L} oplyser, at eleven har afleveret alle opgaver.",
    "Sagsbehandler {N} er orienteret.",
    "UU-vejleder {F} har holdt samtale med eleven.",
    "Hr. {L} ringede om fraværet.",
    "Spoke with {F} today about her plans after 9th grade.",
    "His mother {N} called the school.",
    "{F} seems more motivated this week.",
    "{F}s mor mener, at det går bedre.",
    "Ifølge {F} går det bedre derhjemme.",
    "Der har været konflikt mellem {F} og en klassekammerat.",
    "Mentor {N} følger op i næste uge.",
    "Aftalt med {N}, at eleven møder kl. 8.",
    "Storebror {F} henter ham efter skole.",
    "{N} (plejemor) deltog i statusmødet.",
    "Samtale med {F} og mor om valg af ungdomsuddannelse.",
    "Referat sendt til kontaktlærer {N}.",
    "{F} er glad for holdet og har fået nye venner.",
    "Far til {F} har ringet flere gange.",
    "Eleven kaldes {F} af de andre.",
    "Psykolog {N} anbefaler nedsat skema.",
]


def name_sentence(rng: random.Random) -> Row:
    template = rng.choice(NAME_TEMPLATES)
    group = rng.choices(["kolonne", "almindelig", "sjælden"], weights=[0.4, 0.35, 0.25])[0]
    column: list[str] = []
    b = Builder()
    i = 0
    while i < len(template):
        if template.startswith("{F2}", i):
            first, _ = pick_name(rng, rare=rng.random() < 0.3)
            b.ident("NAVN", first, "sjælden" if first in RARE_FIRST_F + RARE_FIRST_M else "almindelig")
            i += 4
        elif template.startswith(("{F}", "{N}", "{L}"), i):
            slot = template[i + 1]
            first, last = pick_name(rng, rare=group == "sjælden" or (group == "kolonne" and rng.random() < 0.3))
            value = {"F": first, "N": f"{first} {last}", "L": last}[slot]
            if group == "kolonne":
                column.append(f"{first} {last}")
            b.ident("NAVN", value, group)
            i += 3
        else:
            j = template.find("{", i)
            j = len(template) if j < 0 else j
            b.add(template[i:j])
            i = j
    return Row("pii", b.text(), column, b.ids)


def _grade(rng: random.Random) -> str:
    return rng.choice(["-3", "00", "02", "4", "7", "10", "12"])


def clean_sentence(rng: random.Random) -> Row:
    """An identifier-free sentence with the capitalised words and numbers notes are full of."""
    town = rng.choice(TOWNS)
    town2 = rng.choice(TOWNS)
    inst = rng.choice(INSTITUTIONS)
    d = date(2021, 8, 1) + timedelta(days=rng.randrange(0, 900))
    yr = rng.randrange(2019, 2025)
    n = rng.randrange(2, 40)
    amount = rng.choice(["12.500 kr.", "1.250 kr.", "450 kr", "2.000 kroner", "1.250.000 kr.", "300,- kr", "75.000 kr."])
    templates = [
        f"Eleven har haft {n} fraværsdage i {rng.choice(MONTHS)}.",
        f"{rng.choice(WEEKDAYS)} var der møde med {inst} om overgangen til ungdomsuddannelse.",
        f"Hun fik {_grade(rng)} i {rng.choice(FAG)} og {_grade(rng)} i {rng.choice(FAG)} til terminsprøven.",
        f"Familien er flyttet fra {town} til {town2} i sommerferien.",
        f"Han går nu på {inst} og trives godt.",
        f"Næste statusmøde er den {d.strftime('%d-%m-%Y')} kl. {rng.randrange(8, 16)}.{rng.choice(['00', '15', '30', '45'])}.",
        f"Fraværet er steget fra {rng.randrange(2, 9)} % til {rng.randrange(10, 30)} % siden {rng.choice(MONTHS)}.",
        f"Skoleåret {yr}/{(yr + 1) % 100:02d} har været svært for ham.",
        f"Han var i praktik i {town} i uge {rng.randrange(2, 50)}.",
        f"Der er bevilget {amount} til fritidsaktiviteter.",
        f"Hans mor ringede {rng.choice(WEEKDAYS).lower()} og fortalte, at han var syg.",
        f"Per uge har hun {rng.randrange(2, 6)} timer med mentor.",
        f"Max {rng.randrange(2, 6)} elever pr. gruppe i projektugen.",
        f"{rng.choice(MONTHS).capitalize()} gik bedre end forventet.",
        f"Eleven er startet på {inst} efter at have gået i 10. klasse i {town}.",
        f"Kontakt til {inst} er etableret, og SSP er orienteret.",
        f"Bo hjemme eller på kollegium? Det har eleven ikke besluttet endnu.",
        f"Sagsnr. {yr}-{rng.randrange(1000, 9999)} vedrører bevilling af mentor.",
        f"Fra {yr} til {yr + 2} boede familien i {town}.",
        f"I perioden {yr}-{yr + rng.randrange(1, 4)} var hun tilknyttet {inst}.",
        f"Han har scoret {rng.randrange(10, 40)}/40 i ordblindetesten.",
        f"Bussen fra {town} kører kl. {rng.randrange(6, 9)}.{rng.choice(['05', '20', '35', '50'])}, så han kommer ofte for sent.",
        f"UU har vurderet eleven ikke-uddannelsesparat pr. 1. december {yr}.",
        f"Hun spiller håndbold i {town} og træner {rng.randrange(2, 5)} gange om ugen.",
        f"Samtalen blev holdt på {inst} den {d.day}. {MONTHS[d.month - 1]}.",
        f"He has been absent {n} days since {rng.choice(['March', 'April', 'May', 'September', 'October'])}.",
        f"She wants to apply to {inst} next year.",
        f"Efter jul starter han på {inst} i {town}.",
        f"Mødet i {town} blev flyttet til {rng.choice(WEEKDAYS).lower()} d. {d.day}/{d.month}.",
        f"Ansøgningsfristen til {inst} er 1. marts {yr}.",
        f"Han har valgt {rng.choice(['EUD', 'EUX', 'STX', 'HF', 'HHX', 'HTX', 'FGU'])} og søger ind i {town}.",
        f"Elevnummer {rng.randrange(1000, 99999)} er oprettet i {rng.choice(['Aula', 'Lectio', 'Meebook'])}.",
        f"Der er indkøbt en Chromebook til {rng.choice(['3.500', '2.999', '4.250'])} kr.",
        f"Sct. Hans aften var hun med til bål i {town}.",
        f"Klassen har {n} elever, heraf {rng.randrange(1, n)} med særlige behov.",
        f"Hun ønsker at blive social- og sundhedshjælper og har søgt SOSU Fyn.",
        f"I {town} og {town2} er der ventetid på PPR-udredning.",
        f"Det blev aftalt, at {inst} sender en plan inden {rng.choice(MONTHS)}.",
        f"Han bor {rng.randrange(2, 30)} km fra skolen og cykler hver dag.",
        f"Far arbejder på {rng.choice(['Lindø', 'Havnen', 'Rådhuset', 'Sygehuset', 'Vestas'])} og har skiftende vagter.",
    ]
    return Row("clean", rng.choice(templates))


MAKERS = {"CPR": cpr_sentence, "TELEFON": phone_sentence, "EMAIL": email_sentence, "ADRESSE": address_sentence,
          "NAVN": name_sentence}


def generate(seed: int = 8, n_per_type: int = 240, n_clean: int = 1200) -> list[Row]:
    """Deterministic rows: ``n_per_type`` sentences per identifier type and ``n_clean`` clean ones."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for kind in TYPES:
        rows += [MAKERS[kind](rng) for _ in range(n_per_type)]
    rows += [clean_sentence(rng) for _ in range(n_clean)]
    return rows


def to_frame(rows: list[Row]):
    import pandas as pd

    return pd.DataFrame(
        {
            "sentence_id": [f"S{i:05d}" for i in range(len(rows))],
            "kind": [r.kind for r in rows],
            "text": [r.text for r in rows],
            "names": ["|".join(r.names) for r in rows],
            "ids": [json.dumps(r.ids, ensure_ascii=False) for r in rows],
        }
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="CSV file to write (outside the repo, e.g. /tmp)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--n", type=int, default=240, help="sentences per identifier type")
    ap.add_argument("--clean", type=int, default=1200, help="identifier-free sentences")
    args = ap.parse_args(argv)
    rows = generate(args.seed, args.n, args.clean)
    frame = to_frame(rows)
    frame.to_csv(args.out, index=False)
    n_ids = sum(len(r.ids) for r in rows)
    print(f"wrote {len(frame)} sentences ({n_ids} identifiers, {args.clean} identifier-free) to {args.out}")


if __name__ == "__main__":
    main()
