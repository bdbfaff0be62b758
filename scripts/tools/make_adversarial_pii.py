"""Generate an adversarial set of Danish note sentences: identifiers written to slip past a redactor.

For the adversarial redaction benchmark (scripts/benchmarks/bench_redaction_adversarial.py). Each
identifier is written in a *spelling class* an attacker or a careless user produces, and every
class is generated from the identifier's parts by rule, not copied from a list of examples:

* CPR (ten digits, a real birth date): any separator between the date and the serial (``-``,
  `` - ``, space, none, ``/``, ``_``, ``.``, a line break, an en dash), the date itself in groups
  (``dd mm yy``, ``dd.mm.yy``, ``dd-mm-yy``), a leading ``+``, fullwidth digits, a zero-width
  space or a soft hyphen inside, a non-breaking space.
* Phone (eight digits): every grouping of two to four groups of two to four digits
  (``20 30 40 50``, ``203 04 050``, ``20 304 050``, ``2030 4050``...) with one separator kind
  (space, ``-``, ``.``, ``/``, a line break), a cue glued to it (``tlf20304050``), four pairs
  starting with 0 or 1 and no cue word, fullwidth digits, invisible characters inside.
* E-mail: ``[at]``/``(at)``/`` at ``/`` @ ``/``snabel-a`` with ``[dot]``/`` dot ``/``(punktum)``,
  no top-level domain, a fullwidth ``＠``, a zero-width space inside.
* Address: street names after a preposition (``Ved Stranden 14``), streets in lower case,
  invisible characters, non-breaking spaces.
* Name: full names and first names in lower case before a person's verb or a surname, in
  capitals (a shouted sentence, or one word in capitals), names that are also words at the
  start of a sentence before a person's verb (``Sol``, ``August``, ``Per``), a soft hyphen or a
  zero-width space inside a name.
* Phone, address and name: a zero-width space standing for the space between two words
  ("zero-width for a space": ``Ring\u200b20304050``, ``Kløvervej\u200b54``, ``Mikkel\u200bJensen``).

The identifier-free **look-alikes** carry the same shapes without an identifier: dates and times
with the same separators, spans of years, amounts, class sizes in groups, e-mail-like phrases
("mødes @ skolen", "lovede at ringe. Det"), the words august/per/sol, shouted sentences without a
name, street names without a number.

Honesty: the names come from scripts/tools/make_pii_sentences.py's common-name lists (most of them
in the redactor's gazetteer); lower-case and capital names outside the gazetteer are not claimed.

Usage::

    python scripts/tools/make_adversarial_pii.py --out /tmp/adversarial.csv [--seed 19] [--n 60]

Columns: sentence_id, kind ("pii" | "clean"), type, spelling, text, value_start, value_end.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ZWSP, SHY, NBSP = "\u200b", "\u00ad", "\u00a0"


def _base():
    """make_pii_sentences: as ``scripts.tools.make_pii_sentences`` when this module was imported
    as a package module, else the file beside it (run or loaded as a script)."""
    if __package__:
        return importlib.import_module(f"{__package__}.make_pii_sentences")
    spec = importlib.util.spec_from_file_location("make_pii_sentences", HERE / "make_pii_sentences.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


BASE = _base()


@dataclass
class Row:
    kind: str  # "pii" | "clean"
    type: str  # identifier type, or the look-alike's class for clean rows
    spelling: str
    text: str
    start: int = -1
    end: int = -1


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def insert_at_random(rng: random.Random, s: str, ch: str) -> str:
    i = rng.randrange(1, len(s))
    return s[:i] + ch + s[i:]


def _sentence(rng: random.Random, kind: str, spelling: str, value: str, frames: list[tuple[str, str]]) -> Row:
    pre, post = rng.choice(frames)
    return Row("pii", kind, spelling, pre + value + post, len(pre), len(pre) + len(value))


# ------------------------------------------------------------------------------------- CPR
CPR_FRAMES = [("CPR ", " er skrevet forkert i systemet."), ("Eleven (", ") er indskrevet på FGU."),
              ("Mors personnummer ", " står i journalen."), ("Henvendelse vedr. ", " om skoleskift."),
              ("", " er tilmeldt brobygning."), ("Oplyste ", " ved samtalen.")]


def cpr_digits(rng: random.Random) -> tuple[str, str]:
    v = BASE.make_cpr(rng).replace("-", "").replace(" ", "")
    return v[:6], v[6:]


def cpr_variant(rng: random.Random, spelling: str) -> str:
    head, tail = cpr_digits(rng)
    d, m, y = head[:2], head[2:4], head[4:]
    seps = {"sep: space-dash-space": " - ", "sep: slash": "/", "sep: underscore": "_", "sep: dot": ".",
            "sep: line break": "-\n", "sep: bare line break": "\n", "sep: en dash": "\u2013", "sep: nbsp": NBSP}
    if spelling in seps:
        return head + seps[spelling] + tail
    if spelling == "groups: dd mm yy xxxx":
        return f"{d} {m} {y} {tail}"
    if spelling == "groups: dd.mm.yy-xxxx":
        return f"{d}.{m}.{y}-{tail}"
    if spelling == "groups: dd-mm-yy-xxxx":
        return f"{d}-{m}-{y}-{tail}"
    if spelling == "plus prefix":
        return f"+{head}{tail}"
    if spelling == "fullwidth digits":
        return fullwidth(f"{head}-{tail}")
    if spelling == "zero-width inside":
        return insert_at_random(rng, head + tail, ZWSP)
    if spelling == "soft hyphen inside":
        return insert_at_random(rng, f"{head}-{tail}", SHY)
    raise ValueError(spelling)


CPR_SPELLINGS = ["sep: space-dash-space", "sep: slash", "sep: underscore", "sep: dot", "sep: line break",
                 "sep: bare line break", "sep: en dash", "sep: nbsp", "groups: dd mm yy xxxx", "groups: dd.mm.yy-xxxx",
                 "groups: dd-mm-yy-xxxx", "plus prefix", "fullwidth digits", "zero-width inside", "soft hyphen inside"]

# ----------------------------------------------------------------------------------- phone
PHONE_FRAMES = [("Mor kan træffes på ", " efter kl. 16."), ("Ring til praktikstedet på ", " inden mandag."),
                ("Hun har ", " som nummer nu."), ("", " er fars nye nummer."), ("Kontakt ", " ved fravær.")]
GROUPINGS = [[2, 2, 2, 2], [4, 4], [3, 2, 3], [2, 3, 3], [2, 2, 4], [4, 2, 2], [3, 3, 2], [2, 4, 2]]


def phone_variant(rng: random.Random, spelling: str) -> tuple[str, list[tuple[str, str]] | None]:
    digits = rng.choice("23456789") + "".join(rng.choice("0123456789") for _ in range(7))
    if spelling.startswith("groups"):
        sizes = rng.choice(GROUPINGS)
        sep = {"groups: space": " ", "groups: dash": "-", "groups: dot": ".", "groups: slash": "/",
               "groups: line break": "\n"}[spelling]
        parts, pos = [], 0
        for s in sizes:
            parts.append(digits[pos:pos + s])
            pos += s
        return sep.join(parts), None
    if spelling == "glued cue":
        cue = rng.choice(["tlf", "tlf.", "mobil", "Tlf:"])  # the cue is no identifier: only the digits are scored
        return digits, [(f"Skriv {cue}", " til mor."), (f"Far: {cue}", ".")]
    if spelling == "pairs from 0/1, no cue":
        d = rng.choice("01") + digits[1:]
        return " ".join(d[i:i + 2] for i in range(0, 8, 2)), [("Hun har ", " som nummer nu."), ("", " er fars nye.")]
    if spelling == "fullwidth digits":
        return fullwidth(" ".join(digits[i:i + 2] for i in range(0, 8, 2))), None
    if spelling == "zero-width inside":
        return insert_at_random(rng, digits, ZWSP), None
    if spelling == "soft hyphen inside":
        return insert_at_random(rng, digits[:4] + " " + digits[4:], SHY), None
    raise ValueError(spelling)


PHONE_SPELLINGS = ["groups: space", "groups: dash", "groups: dot", "groups: slash", "groups: line break", "glued cue",
                   "pairs from 0/1, no cue", "fullwidth digits", "zero-width inside", "soft hyphen inside"]

# ---------------------------------------------------------------------------------- e-mail
EMAIL_FRAMES = [("Skriv til ", " i dag."), ("Mor ønsker mails på ", " fremfor Aula."), ("Mail: ", ""),
                ("Send planen til ", ", tak.")]


def email_variant(rng: random.Random, spelling: str) -> str:
    first, last = BASE.pick_name(rng, rare=False)
    local = BASE._ascii(rng.choice([first, f"{first}.{last}", f"{first}{rng.randrange(1, 99)}"]))
    host, tld = rng.choice(["gmail", "hotmail", "outlook", "live", "odense", "mail"]), rng.choice(["com", "dk", "net"])
    at, dot = {
        "[at] [dot]": ("[at]", "[dot]"), "(at) (dot)": ("(at)", "(dot)"), "word at dot": (" at ", " dot "),
        "spaced @": (" @ ", "."), "(at) plain dot": (" (at) ", "."), "snabel-a": (" (snabel-a) ", "."),
        "{at} punktum": ("{at}", " punktum "),
    }.get(spelling, ("@", "."))
    if spelling == "no top-level domain":
        return f"{local}@{host}"
    if spelling == "fullwidth @":
        return f"{local}\uff20{host}.{tld}"
    if spelling == "zero-width inside":
        return insert_at_random(rng, f"{local}@{host}.{tld}", ZWSP)
    return f"{local}{at}{host}{dot}{tld}"


EMAIL_SPELLINGS = ["[at] [dot]", "(at) (dot)", "word at dot", "spaced @", "(at) plain dot", "snabel-a", "{at} punktum",
                   "no top-level domain", "fullwidth @", "zero-width inside"]

# --------------------------------------------------------------------------------- address
ADDRESS_FRAMES = [("Familien bor nu ", "."), ("Hjemmebesøg ", " blev aflyst."), ("Ny adresse er ", "."),
                  ("Hun er flyttet til ", " med mor.")]
PREP_STREETS = ["Ved Stranden", "Ved Søerne", "Over Bækken", "Ved Kirken", "Ved Volden", "Under Elmene",
                "Ved Banen", "Ved Skoven"]


def address_variant(rng: random.Random, spelling: str) -> str:
    n = rng.randrange(1, 120)
    if spelling == "preposition street":
        return f"{rng.choice(PREP_STREETS)} {n}"
    street = rng.choice(BASE.STREET_STEMS) + rng.choice(["gade", "vej", "allé", "stræde"])
    if spelling == "lower case street":
        return f"{street.lower()} {n}"
    if spelling == "zero-width inside":
        return insert_at_random(rng, f"{street} {n}", ZWSP)
    if spelling == "nbsp before number":
        return f"{street}{NBSP}{n}"
    if spelling == "soft hyphen inside":
        return insert_at_random(rng, f"{street} {n}", SHY)
    raise ValueError(spelling)


ADDRESS_SPELLINGS = ["preposition street", "lower case street", "zero-width inside", "nbsp before number",
                     "soft hyphen inside"]

# ------------------------------------------------------------------------------------ name
VERB_TAILS = [" har haft meget fravær.", " kom for sent i dag.", " siger, at det går bedre.", " var syg i mandags.",
              " virker mere motiveret."]


def name_row(rng: random.Random, spelling: str) -> Row:
    first, last = BASE.pick_name(rng, rare=False)
    tail = rng.choice(VERB_TAILS)
    if spelling == "lower case full name":
        value, pre = f"{first} {last}".lower(), rng.choice(["", "i dag talte jeg med "])
    elif spelling == "lower case first name + verb":
        value, pre = first.lower(), ""
    elif spelling == "capitals, shouted sentence":
        value = f"{first} {last}".upper()
        return Row("pii", "NAVN", spelling, value + tail.upper(), 0, len(value))
    elif spelling == "capitals, one name":
        value, pre = first.upper(), rng.choice(["Samtale med ", "Mødet med mor og "])
        tail = " om fraværet."
    elif spelling == "word-name at sentence start":
        value, pre = rng.choice(["Sol", "August", "Per", "Bo", "Max", "Storm"]), ""
        tail = rng.choice([" var syg i dag.", " kom for sent i dag.", " siger, at det går bedre."])
    elif spelling == "soft hyphen inside":
        value, pre = insert_at_random(rng, f"{first} {last}", SHY), ""
    elif spelling == "zero-width inside":
        value, pre = insert_at_random(rng, f"{first} {last}", ZWSP), ""
    else:
        raise ValueError(spelling)
    return Row("pii", "NAVN", spelling, pre + value + tail, len(pre), len(pre) + len(value))


NAME_SPELLINGS = ["lower case full name", "lower case first name + verb", "capitals, shouted sentence",
                  "capitals, one name", "word-name at sentence start", "soft hyphen inside", "zero-width inside"]


# ----------------------------------------------------------------- a zero-width space for a space
#: A zero-width space standing for the space between two words (text copied from a web page or a
#: case system): "Ring\u200b20304050", "Kløvervej\u200b54", "Mikkel\u200bJensen". Removing it joins
#: words the patterns do not know. Drawn from a random stream of its own, so the rows of every
#: class above (and the look-alikes) are the ones they were before this class was added.
SPACE_CLASS = "zero-width for a space"


def space_rows(rng: random.Random, n: int) -> list[Row]:
    rows = []
    for _ in range(n):
        digits = rng.choice("23456789") + "".join(rng.choice("0123456789") for _ in range(7))
        pre = rng.choice(["Ring", "Mor kan træffes på tlf", "Kontakt far på mobil"]) + ZWSP
        rows.append(Row("pii", "TELEFON", SPACE_CLASS, pre + digits + " i dag.", len(pre), len(pre) + len(digits)))
    for _ in range(n):
        street = rng.choice(BASE.STREET_STEMS) + rng.choice(["gade", "vej", "allé", "stræde"])
        rows.append(_sentence(rng, "ADRESSE", SPACE_CLASS, f"{street}{ZWSP}{rng.randrange(1, 120)}", ADDRESS_FRAMES))
    for _ in range(n):
        first, last = BASE.pick_name(rng, rare=False)
        pre, value = rng.choice(["", "Samtale med "]), f"{first}{ZWSP}{last}"
        rows.append(Row("pii", "NAVN", SPACE_CLASS, pre + value + rng.choice(VERB_TAILS), len(pre),
                        len(pre) + len(value)))
    return rows


# ------------------------------------------------------------------------------ look-alikes
def clean_row(rng: random.Random) -> Row:
    d = date(2021, 8, 1) + timedelta(days=rng.randrange(0, 900))
    yr = rng.randrange(2019, 2025)
    n = rng.randrange(2, 40)
    town = rng.choice(BASE.TOWNS)
    month = rng.choice(BASE.MONTHS)
    h = rng.randrange(8, 22)
    options = [
        ("date", f"Mødet er flyttet til {d:%d.%m.%Y}."),
        ("date", f"Næste møde {d:%d %m %Y} på skolen."),
        ("date", f"Status {d:%d-%m-%y} / {d + timedelta(days=7):%d-%m-%y}."),
        ("time span", f"Åbent kl. {h}.15-{h + 1}.00 på tirsdage."),
        ("time span", f"Mødet varer {h:02d}.00 - {h + 1:02d}.30."),
        ("years", f"I perioden {yr} {yr + 1} {yr + 2} var han i {town}."),
        ("years", f"Skoleårene {yr}/{(yr + 1) % 100:02d} og {yr + 1}/{(yr + 2) % 100:02d} var svære."),
        ("amount", f"Der er bevilget {rng.randrange(10, 99)} {rng.randrange(100, 999)} kr. til mentor."),
        ("counts", f"Klasserne har {n} {n + 2} {n + 1} og {n + 3} elever."),
        ("counts", f"Karaktererne var 7 10 12 4 02 i de fem fag."),
        ("case number", f"Sagsnr. {yr}-{rng.randrange(10000, 99999)} er oprettet."),
        ("e-mail-like", "Vi mødes @ skolen kl. 8, og så går vi samlet."),
        ("e-mail-like", f"Hun lovede at ringe. Det gjorde hun ikke før {month}."),
        ("e-mail-like", "Han har svært ved at komme op om morgenen."),
        ("word-names", f"I {month} var der ferie, og per uge er der {n} timer med sol."),
        ("word-names", f"{month.capitalize()} var en rolig måned på skolen."),
        ("word-names", "Per uge har hun tre timer med mentor."),
        ("word-names", "Sol og vind hele ugen, så idrætsdagen blev gennemført."),
        ("shouted", "ALLE ELEVER SKAL MØDE KL 8 PÅ MANDAG."),
        ("shouted", "HUSK SKEMAÆNDRING I UGE 12 FOR 9.B."),
        ("acronyms", "SSP og PPR er orienteret, og UU følger op."),
        ("street without number", f"Familien bor tæt ved {rng.choice(PREP_STREETS)} i {town}."),
        ("grades", f"Hun fik {rng.choice(['02', '4', '7'])}-{rng.choice(['7', '10', '12'])} i de to prøver."),
        ("lower-case words", "han var glad i dag og har det godt med de andre i klassen."),
    ]
    kind, text = rng.choice(options)
    return Row("clean", kind, kind, text)


def generate(seed: int = 19, n: int = 60, n_clean: int = 1200) -> list[Row]:
    """``n`` rows per spelling class of each type, and ``n_clean`` look-alikes; deterministic."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for spelling in CPR_SPELLINGS:
        rows += [_sentence(rng, "CPR", spelling, cpr_variant(rng, spelling), CPR_FRAMES) for _ in range(n)]
    for spelling in PHONE_SPELLINGS:
        for _ in range(n):
            value, frames = phone_variant(rng, spelling)
            rows.append(_sentence(rng, "TELEFON", spelling, value, frames or PHONE_FRAMES))
    for spelling in EMAIL_SPELLINGS:
        rows += [_sentence(rng, "EMAIL", spelling, email_variant(rng, spelling), EMAIL_FRAMES) for _ in range(n)]
    for spelling in ADDRESS_SPELLINGS:
        rows += [_sentence(rng, "ADRESSE", spelling, address_variant(rng, spelling), ADDRESS_FRAMES) for _ in range(n)]
    for spelling in NAME_SPELLINGS:
        rows += [name_row(rng, spelling) for _ in range(n)]
    rows += space_rows(random.Random(seed + 1), n)
    rows += [clean_row(rng) for _ in range(n_clean)]
    return rows


def to_frame(rows: list[Row]):
    import pandas as pd

    return pd.DataFrame({"sentence_id": [f"A{i:05d}" for i in range(len(rows))], "kind": [r.kind for r in rows],
                         "type": [r.type for r in rows], "spelling": [r.spelling for r in rows],
                         "text": [r.text for r in rows], "value_start": [r.start for r in rows],
                         "value_end": [r.end for r in rows]})


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, required=True,
                    help="the CSV file to write (a folder: adversarial_pii.csv inside it)")
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--n", type=int, default=60, help="rows per spelling class")
    args = ap.parse_args(argv)
    out = args.out / "adversarial_pii.csv" if args.out.is_dir() else args.out
    to_frame(generate(args.seed, args.n)).to_csv(out, index=False)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
