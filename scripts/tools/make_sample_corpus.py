#!/usr/bin/env python3
"""Generate the fictional Danish sample corpus with known ground truth.

Everything in ``corpora/sample/`` except ``kvalitativ.yaml`` comes from this
script: case-system notes about young people, citizen input, person-level
indicators with planted theme -> dropout associations, gold codings and the
identifiers planted for redaction tests.  Same seed and size, same bytes.

Examples::

    python scripts/tools/make_sample_corpus.py --out corpora/sample
    python scripts/tools/make_sample_corpus.py --out corpora/sample --check
    python scripts/tools/make_sample_corpus.py --out /tmp/big --n-notes 1000000 --no-citizen
    python scripts/tools/make_sample_corpus.py --power 300   # how reliably 900 persons show the planted effects

From Python (from the repository root; the tests and the benchmark harness)::

    from scripts.tools import make_sample_corpus as msc
    notes = msc.generate_notes(10_000, seed=20261127)          # DataFrame, exactly 10,000 rows
    for chunk in msc.iter_notes(1_000_000, chunk_size=50_000):  # streaming
        ...

Only the standard library is used for generation (``random.Random`` with a
fixed seed, hand-written CSV); pandas is imported only by ``generate_notes``.
"""

import argparse
import csv
import filecmp
import importlib
import importlib.util
import io
import json
import math
import random
import re
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
# No `from __future__ import annotations` here: dataclasses would then need this module in
# sys.modules, which is not the case when a harness loads the script by path with importlib.


def _load_sibling(name: str):
    """A module next to this script: ``scripts.tools.<name>`` when this one was imported as a
    package module (tests, ``python -m``), else the file beside it (run as a script)."""
    if __package__:
        return importlib.import_module(f"{__package__}.{name}")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


F = _load_sibling("sample_corpus_fragments")

# ---------------------------------------------------------------------------
# Parameters of the world (all documented in GROUND_TRUTH.md)
# ---------------------------------------------------------------------------
SEED = 20261127
N_PERSONS = 900
N_CITIZEN = 800
WINDOW_MONTHS = 15
OBS_START = date(2018, 1, 1)
OBS_END = date(2025, 12, 31)
PERSONS_PER_CHUNK = 2000  # notes are sorted by date within a chunk of persons

NOTE_COLUMNS = ["NotatID", "ElevID", "Navn", "Skole", "Dato", "Faggruppe", "Notat"]
CITIZEN_COLUMNS = ["HenvendelsesID", "Dato", "Kanal", "Type", "Bydel", "Tekst"]
INDICATOR_COLUMNS = ["person_id", "dropout", "outcome_date", "absence_pct", "grade_avg",
                     "national_test_5th", "gender", "age", "school", "start_date"]

# theme x valence -> (prevalence among persons, true odds ratio for dropout)
# Traits are drawn independently of each other and of the covariates, so the
# marginal odds ratios in the data are close to these conditional ones.
# The five planted effects are sized so that 900 persons show every one of them:
# over 300 other seeds (`--power 300`) each adjusted 95% interval excludes 1 in
# at least 95% of samples.  (Earlier versions planted faglige_vanskeligheder
# concern at OR 1.5 and familie_netvaerk strength at OR 0.6: about 40% and 60%
# power, so whether the sample showed them was luck.)
TRAITS: dict[tuple[str, str], tuple[float, float]] = {
    ("motivation", "strength"): (0.18, 1.0),
    ("motivation", "concern"): (0.22, 2.0),
    ("selvstaendighed", "strength"): (0.12, 1.0),
    ("selvstaendighed", "concern"): (0.12, 1.0),
    ("ansvarlighed", "strength"): (0.12, 1.0),
    ("ansvarlighed", "concern"): (0.14, 1.0),
    ("moedestabilitet", "strength"): (0.15, 1.0),
    ("moedestabilitet", "concern"): (0.22, 3.0),
    ("valgparathed", "strength"): (0.22, 0.5),
    ("valgparathed", "concern"): (0.15, 1.0),
    ("samarbejdsevne", "strength"): (0.12, 1.0),
    ("samarbejdsevne", "concern"): (0.10, 1.0),
    ("respekt", "strength"): (0.10, 1.0),
    ("respekt", "concern"): (0.10, 1.0),
    ("tolerance", "strength"): (0.06, 1.0),
    ("tolerance", "concern"): (0.06, 1.0),
    ("praksisfaglighed", "strength"): (0.10, 1.0),
    ("praksisfaglighed", "concern"): (0.08, 1.0),
    ("trivsel", "strength"): (0.15, 1.0),
    ("trivsel", "concern"): (0.15, 1.0),
    ("mental_sundhed", "strength"): (0.07, 1.0),
    ("mental_sundhed", "concern"): (0.12, 1.0),
    ("familie_netvaerk", "strength"): (0.20, 0.5),
    ("familie_netvaerk", "concern"): (0.12, 1.0),
    ("faglige_vanskeligheder", "strength"): (0.12, 1.0),
    ("faglige_vanskeligheder", "concern"): (0.18, 2.0),
    ("mobning_konflikter", "strength"): (0.06, 1.0),
    ("mobning_konflikter", "concern"): (0.10, 1.0),
    ("fritid_faellesskaber", "strength"): (0.10, 1.0),
    ("fritid_faellesskaber", "concern"): (0.08, 1.0),
    ("rusmidler", "strength"): (0.05, 1.0),
    ("rusmidler", "concern"): (0.08, 1.0),
}

# Covariates enter the dropout model on the log-odds scale.
INTERCEPT = -2.15
COVARIATE_EFFECTS = {
    "male": 0.25,                      # gender M vs K
    "age_at_start_per_year": 0.10,     # per year above 16
    "absence_pct_per_point": 0.04,     # per percentage point above 8
    "grade_avg_per_point": -0.15,      # per grade point above 6
}
# youth-education institution: (share of persons, log-odds effect)
YOUTH_SCHOOLS: dict[str, tuple[float, float]] = {
    "Bøgely Tekniske Skole": (0.20, 0.30),
    "Handelsskolen Bøgely": (0.12, 0.00),
    "Bøgely Gymnasium": (0.28, -0.40),
    "Fjordvang HF": (0.12, 0.00),
    "Bøgely Produktionsskole": (0.10, 0.40),
    "FGU Bøgely": (0.18, 0.30),
}
BASIC_SCHOOLS = ["Nørrevangskolen", "Østerbyskolen", "Lindehøjskolen", "Søndermarkskolen",
                 "10. klasse-center Bøgely", "Kildebjerg Efterskole"]
BASIC_WEIGHTS = [0.19, 0.17, 0.17, 0.17, 0.15, 0.15]
NT_BANDS = ["0-20", "21-40", "41-60", "61-80", "81-100"]

# Notes written after the outcome: carry themes a leaky pipeline would pick up.
LEAK_POOL = [("trivsel", "concern"), ("rusmidler", "concern"),
             ("fritid_faellesskaber", "concern"), ("motivation", "concern")]
P_AFTER_DROPOUT = 0.45
P_AFTER_COMPLETION = 0.05

# Note style probabilities
P_ENGLISH = 0.02
P_MIXED = 0.03
P_TELEGRAPHIC = 0.45
P_TYPO = 0.15
P_PII_SENTENCE = 0.05
P_NEWLINE = 0.06
P_DOT_DATE = 0.12
P_JOIN = 0.25
P_REPEAT = 0.35
P_DISTRACTOR = 0.18
MAX_THEMES_PER_NOTE = 4


# ---------------------------------------------------------------------------
# Templates: "[a|b]" alternatives, "{name}" placeholders
# ---------------------------------------------------------------------------
_TOKEN = re.compile(r"\[([^\]]*)\]|\{(\w+)\}")
_CACHE: dict[str, list] = {}


def compile_template(text: str) -> list:
    """Parse a template into parts: ('t', text) | ('a', [parts...]) | ('p', name)."""
    if text in _CACHE:
        return _CACHE[text]
    parts: list = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            parts.append(("t", text[pos:m.start()]))
        if m.group(1) is not None:
            parts.append(("a", [compile_template(alt) for alt in m.group(1).split("|")]))
        else:
            parts.append(("p", m.group(2)))
        pos = m.end()
    if pos < len(text):
        parts.append(("t", text[pos:]))
    _CACHE[text] = parts
    return parts


def count_phrasings(templates: list[str]) -> int:
    """Distinct wordings of a template list (alternatives only, placeholders not counted)."""
    total = 0
    for t in templates:
        n = 1
        for kind, val in compile_template(t):
            if kind == "a":
                n *= len(val)
        total += n
    return total


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_SPACES = re.compile(r"[ \t]{2,}")


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text.replace(" ,", ",").replace(" .", ".")


# ---------------------------------------------------------------------------
# Fictional identifiers
# ---------------------------------------------------------------------------
CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def cpr_mod11_ok(digits: str) -> bool:
    return sum(int(d) * w for d, w in zip(digits, CPR_WEIGHTS)) % 11 == 0


def make_cpr(rng: random.Random, born: date, valid: bool) -> str:
    """A CPR number with a real birth date; the serial passes or fails modulus 11 on request."""
    head = born.strftime("%d%m%y")
    first = "0123" if born.year < 2000 else "456789"
    while True:
        serial = rng.choice(first) + f"{rng.randrange(1000):03d}"
        if cpr_mod11_ok(head + serial) == valid:
            return head + serial


def format_cpr(rng: random.Random, digits: str) -> str:
    style = rng.random()
    if style < 0.6:
        return digits[:6] + "-" + digits[6:]
    if style < 0.85:
        return digits
    return digits[:6] + " " + digits[6:]


def make_phone(rng: random.Random) -> str:
    digits = rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(7))
    style = rng.random()
    grouped = " ".join(digits[i:i + 2] for i in range(0, 8, 2))
    if style < 0.4:
        return grouped
    if style < 0.7:
        return digits
    if style < 0.8:
        return "+45 " + grouped
    if style < 0.9:
        return "+45" + digits
    return "0045 " + digits


def _ascii_name(text: str) -> str:
    return (text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
            .replace(" ", "."))


def make_email(rng: random.Random, first: str, last: str) -> str:
    dom = rng.choice(F.EMAIL_DOMAINS)
    style = rng.random()
    if style < 0.5:
        local = f"{_ascii_name(first)}.{_ascii_name(last)}"
    elif style < 0.8:
        local = f"{_ascii_name(first)}{rng.randrange(70, 100) if rng.random() < 0.5 else rng.randrange(1, 30)}"
    else:
        local = f"{_ascii_name(first)[:1]}{_ascii_name(last)[:1]}{rng.randrange(10, 99)}"
    return f"{local}@{dom}"


def make_address(rng: random.Random) -> str:
    street = f"{rng.choice(F.STREETS)} {rng.randrange(1, 120)}"
    if rng.random() < 0.15:
        street += rng.choice("ABC")
    if rng.random() < 0.45:
        street += ", " + rng.choice(F.FLOORS)
    if rng.random() < 0.7:
        code, town = rng.choice(F.POSTCODES)
        street += f", {code} {town}"
    return street


def adult_name(rng: random.Random, female: bool | None = None) -> tuple[str, str]:
    if female is None:
        female = rng.random() < 0.5
    first = rng.choice(F.ADULT_NAMES_F if female else F.ADULT_NAMES_M)
    return first, rng.choice(F.LAST_NAMES)


def fmt_date(d: date, dotted: bool) -> str:
    return d.strftime("%d.%m.%Y" if dotted else "%d-%m-%Y")


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][m - 1]
    return date(y, m, min(d.day, last))


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _weighted(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


# ---------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------
@dataclass
class Person:
    index: int
    person_id: str
    first: str
    last: str
    female: bool
    born: date
    basic_school: str
    school: str
    start: date
    age_at_start: float
    absence_pct: float
    grade_avg: float
    nt_band: str
    traits: list[tuple[str, str]]
    logit: float
    dropout: int
    outcome_date: date

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def age(self) -> int:
        """Age in whole years at outcome_date."""
        return _years(self.born, self.outcome_date)


def _years(born: date, when: date) -> int:
    """Whole years of age on a date."""
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


def make_person(index: int, rng: random.Random, id_width: int) -> Person:
    female = rng.random() < 0.49
    first = rng.choice(F.FIRST_NAMES_F if female else F.FIRST_NAMES_M)
    last = rng.choice(F.LAST_NAMES)
    school = _weighted(rng, list(YOUTH_SCHOOLS), [v[0] for v in YOUTH_SCHOOLS.values()])
    basic = _weighted(rng, BASIC_SCHOOLS, BASIC_WEIGHTS)
    # start of the youth education: August (most) or January, 2019-2024
    year = rng.randrange(2019, 2025)
    start = date(year, 8, rng.randrange(8, 21)) if rng.random() < 0.8 else date(year, 1, rng.randrange(3, 16))
    if school in ("FGU Bøgely", "Bøgely Produktionsskole"):
        age_at_start = 16.5 + rng.random() * 5.5
    else:
        age_at_start = 15.6 + rng.random() * 1.2 + (rng.random() * 3 if rng.random() < 0.15 else 0.0)
    born = start - timedelta(days=int(age_at_start * 365.25))
    # covariates: independent of the theme traits by design
    absence = round(100 * rng.betavariate(1.3, 13.0), 1)
    z = rng.gauss(0.0, 1.0)
    grade = 6.0 + 2.1 * (0.8 * z + 0.6 * rng.gauss(0.0, 1.0))
    grade = round(min(12.0, max(-3.0, grade)), 1)
    pct = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    nt_band = "" if rng.random() < 0.04 else NT_BANDS[min(4, int(pct * 5))]
    traits = [key for key, (prev, _) in TRAITS.items() if rng.random() < prev]
    logit = (INTERCEPT
             + sum(math.log(TRAITS[t][1]) for t in traits)
             + COVARIATE_EFFECTS["male"] * (not female)
             + COVARIATE_EFFECTS["age_at_start_per_year"] * (age_at_start - 16)
             + COVARIATE_EFFECTS["absence_pct_per_point"] * (absence - 8)
             + COVARIATE_EFFECTS["grade_avg_per_point"] * (grade - 6)
             + YOUTH_SCHOOLS[school][1])
    window_end = add_months(start, WINDOW_MONTHS)
    return Person(index, f"E{index + 1:0{id_width}d}", first, last, female, born, basic, school,
                  start, age_at_start, absence, grade, nt_band, traits, logit, 0, window_end)


PLANTED = [key for key, (_, odds) in TRAITS.items() if odds != 1.0]


def assign_outcomes(persons: list[Person], rng: random.Random) -> None:
    """Draw dropout for a group of persons, then their outcome dates.

    Each person drops out with exactly the model probability, but the draws are
    *systematic* within strata of the planted traits (persons in random order,
    one uniform start per stratum, a dropout wherever the running sum of
    probabilities crosses an integer).  Every stratum then holds its expected
    number of dropouts (+-1), so a 900-person sample shows the planted effects
    (sized for it: see ``power``) without depending on luck; null themes keep
    ordinary sampling noise.
    """
    strata: dict[tuple, list[Person]] = {}
    for p in persons:
        strata.setdefault(tuple(k in p.traits for k in PLANTED), []).append(p)
    for key in sorted(strata):
        group = strata[key][:]
        rng.shuffle(group)
        acc = rng.random()
        for p in group:
            prob = 1 / (1 + math.exp(-p.logit))
            p.dropout = int(math.floor(acc + prob) > math.floor(acc))
            acc += prob
    for p in persons:
        if p.dropout:
            window = (p.outcome_date - p.start).days
            p.outcome_date = p.start + timedelta(days=rng.randrange(20, window))


def power(n_seeds: int = 300, seed: int = SEED, n_persons: int = N_PERSONS) -> list[dict]:
    """How reliably a sample of ``n_persons`` shows each planted effect, over other seeds.

    For seeds ``seed+1 .. seed+n_seeds`` the persons and outcomes are drawn exactly as for the
    corpus (``make_person``, ``assign_outcomes``; no notes: every trait is written into a note
    before the outcome, so exposure = trait) and each planted trait gets the adjusted odds ratio
    that ``scripts/benchmarks/bench_link.py`` reports (logistic regression on the trait, absence, grade
    average, gender and school; Wald 95% interval).  Returns one dict per planted trait:
    share of samples whose interval excludes 1 (the power) and covers the true OR.
    Needs numpy and statsmodels (the generator itself does not).
    """
    import numpy as np
    from statsmodels.discrete.discrete_model import Logit

    schools = list(YOUTH_SCHOOLS)[1:]
    hits = {k: [0, 0, []] for k in PLANTED}
    for s in range(seed + 1, seed + 1 + n_seeds):
        rng = random.Random(s)
        persons = [make_person(i, rng, 5) for i in range(n_persons)]
        assign_outcomes(persons, rng)
        y = np.array([p.dropout for p in persons], float)
        cov = np.array([[p.absence_pct, p.grade_avg, float(not p.female)]
                        + [float(p.school == sc) for sc in schools] for p in persons])
        for key in PLANTED:
            x = np.array([key in p.traits for p in persons], float)
            res = Logit(y, np.column_stack([np.ones(len(y)), x, cov])).fit(method="newton", disp=0)
            beta, se = float(res.params[1]), float(res.bse[1])
            lo, hi = beta - 1.959964 * se, beta + 1.959964 * se
            true = math.log(TRAITS[key][1])
            hits[key][0] += not (lo <= 0 <= hi)
            hits[key][1] += lo <= true <= hi
            hits[key][2].append(beta)
    return [{"theme_id": k[0], "valence": k[1], "prevalence": TRAITS[k][0], "odds_ratio": TRAITS[k][1],
             "power": h[0] / n_seeds, "coverage": h[1] / n_seeds,
             "median_adjusted_or": math.exp(sorted(h[2])[len(h[2]) // 2])} for k, h in hits.items()]


# ---------------------------------------------------------------------------
# Rendering one sentence
# ---------------------------------------------------------------------------
class Ctx:
    """What placeholders need: the person, the language and register of the note."""

    def __init__(self, rng: random.Random, person: Person, lang: str, telegraphic: bool, when: date):
        self.rng, self.p, self.lang, self.tele, self.when = rng, person, lang, telegraphic, when
        self.pii: list[tuple[str, str]] = []

    # subject at the start of a sentence; may be empty in telegraphic style
    def subject(self) -> str:
        r, p = self.rng.random(), self.p
        if self.lang == "en":
            if r < 0.45:
                return "She" if p.female else "He"
            if r < 0.65:
                return ""
            if r < 0.8:
                self.pii.append(("NAVN", p.first))
                return p.first
            return "The student"
        cuts = (0.55, 0.72, 0.74, 0.86, 0.91, 1.0) if self.tele else (0.07, 0.56, 0.62, 0.79, 0.86, 0.98)
        if r < cuts[0]:
            return ""
        if r < cuts[1]:
            return "Hun" if p.female else "Han"
        if r < cuts[2]:
            self.pii.append(("NAVN", p.first))
            return p.first
        if r < cuts[3]:
            return "Eleven"
        if r < cuts[4]:
            return "E."
        if r < cuts[5]:
            return "Den unge"
        if self.rng.random() < 0.3:
            self.pii.append(("NAVN", p.name))
            return p.name
        self.pii.append(("NAVN", p.first))
        return p.first

    def fill(self, name: str) -> str:
        rng, p, en = self.rng, self.p, self.lang == "en"
        if name == "S":
            return self.subject()
        if name == "s":
            return ("she" if p.female else "he") if en else ("hun" if p.female else "han")
        if name == "obj":
            return ("her" if p.female else "him") if en else ("hende" if p.female else "ham")
        if name == "poss":
            return ("her" if p.female else "his") if en else ("hendes" if p.female else "hans")
        if name == "fag":
            return rng.choice(F.FAG)
        if name == "n":
            return str(rng.randrange(2, 6))
        if name == "n_lo":
            return str(rng.randrange(3, 7))
        if name == "pct_lo":
            return str(rng.randrange(3, 9))
        if name == "pct_hi":
            return str(rng.randrange(15, 46))
        if name == "uge":
            return str(rng.randrange(2, 51))
        if name == "karakter":
            return rng.choice(["7", "10", "12", "10", "7"])
        if name in ("ung", "ung_cap"):
            young = self.p.age < 18
            word = ("pige" if p.female else "dreng") if young else ("ung kvinde" if p.female else "ung mand")
            return _cap(word) if name == "ung_cap" else word
        if name in ("forælder", "Forælder"):
            return self._parent(capital=name == "Forælder")
        if name == "kammerat":
            return self._peer()
        if name == "ref":
            return self._ref()
        if name == "dato":
            d = self.when + timedelta(days=rng.randrange(7, 35))
            return d.strftime("%d/%m") if rng.random() < 0.6 else d.strftime("%d-%m-%Y")
        if name == "rolle_lc":
            return self.role if self.role[:2].isupper() else self.role.lower()
        raise KeyError(f"unknown placeholder {{{name}}}")

    role = "Lærer"

    def _parent(self, capital: bool) -> str:
        rng = self.rng
        kind = _weighted(rng, ["mor", "far", "forældrene", "mor og far", "mormor"], [0.45, 0.25, 0.2, 0.07, 0.03])
        if kind in ("mor", "far") and rng.random() < 0.15:
            first, _ = adult_name(rng, female=kind == "mor")
            full = f"{first} {self.p.last if rng.random() < 0.6 else rng.choice(F.LAST_NAMES)}"
            self.pii.append(("NAVN", full))
            kind = f"{kind} {full}"
        return _cap(kind) if capital else kind

    def _peer(self) -> str:
        rng = self.rng
        if rng.random() < 0.35:
            first = rng.choice(F.FIRST_NAMES_F + F.FIRST_NAMES_M)
            self.pii.append(("NAVN", first))
            return first + rng.choice(["", "", " fra 9.b", " fra holdet"])
        return rng.choice(["en klassekammerat", "en anden elev", "en elev fra parallelklassen",
                           "en af drengene på holdet", "en af pigerne i klassen"])

    def _ref(self) -> str:
        rng, p = self.rng, self.p
        r = rng.random()
        if r < 0.25:
            return "eleven"
        if r < 0.4:
            return "den unge"
        if r < 0.47:
            self.pii.append(("NAVN", p.first))
            return p.first
        if r < 0.50:
            self.pii.append(("NAVN", p.name))
            return p.name
        if r < 0.8:
            return "hende" if p.female else "ham"
        return rng.choice(["mor", "far", "mor og eleven"])


def render(parts: list, ctx: Ctx) -> str:
    out = []
    for kind, val in parts:
        if kind == "t":
            out.append(val)
        elif kind == "a":
            out.append(render(ctx.rng.choice(val), ctx))
        else:
            out.append(ctx.fill(val))
    return "".join(out)


def render_sentence(template: str, ctx: Ctx, end: str = ".") -> str:
    return _cap(_tidy(render(compile_template(template), ctx))) + end


def render_joined(first: str, second: str, contrast: bool, ctx: Ctx) -> str:
    """Two theme clauses in one sentence: "A, men han B" or "A og B"."""
    a = _tidy(render(compile_template(first), ctx))
    body = second[len("{S}"):]
    if contrast:
        b = _tidy(ctx.fill("s") + render(compile_template(body), ctx))
        return _cap(a) + ", men " + b + "."
    b = _tidy(render(compile_template(body), ctx))
    return _cap(a) + " og " + b + "."


# ---------------------------------------------------------------------------
# Typos (never inside sentences that carry identifiers)
# ---------------------------------------------------------------------------
def add_typo(rng: random.Random, sentence: str) -> str:
    words = sentence.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha() and w.islower()]
    if not idx:
        return sentence
    i = rng.choice(idx)
    w = words[i]
    op = rng.randrange(5)
    j = rng.randrange(1, len(w) - 1)
    if op == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif op == 1:
        w = w[:j] + w[j + 1:]
    elif op == 2:
        w = w[:j] + w[j] + w[j:]
    elif op == 3 and any(c in w for c in "æøå"):
        w = w.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    else:
        sentence = " ".join(words)
        return sentence[:1].lower() + sentence[1:]
    words[i] = w
    return " ".join(words)


# ---------------------------------------------------------------------------
# Notes of one person
# ---------------------------------------------------------------------------
@dataclass
class Sentence:
    text: str
    themes: list[tuple[str, str]] = field(default_factory=list)
    pii: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Note:
    person: Person
    when: date
    school: str
    role: str
    text: str
    gold: list[tuple[str, str, int, int]]          # theme, valence, start, end
    pii: list[tuple[str, str, int, int, str]]      # type, value, start, end, detail
    after_outcome: bool
    dotted: bool
    seq: int = 0
    n_sentences: int = 0


def _role(rng: random.Random, school: str, when: date) -> str:
    guidance = "UU-vejleder" if when < date(2019, 8, 1) or rng.random() < 0.15 else "KUI-vejleder"
    if school in BASIC_SCHOOLS:
        roles = ["Lærer", guidance, "AKT-medarbejder", "SSP-medarbejder", "Kontaktperson"]
        weights = [0.45, 0.25, 0.15, 0.08, 0.07]
    else:
        roles = ["Lærer", "Mentor", guidance, "SSP-medarbejder", "Kontaktperson"]
        weights = [0.40, 0.25, 0.15, 0.08, 0.12]
    return _weighted(rng, roles, weights)


def _pii_sentence(rng: random.Random, person: Person) -> Sentence:
    kind = _weighted(rng, ["CPR", "TELEFON", "EMAIL", "ADRESSE", "NAVN"], [0.22, 0.25, 0.18, 0.17, 0.18])
    detail = ""
    if kind == "CPR":
        own = rng.random() < 0.6
        born = person.born if own else date(rng.randrange(1965, 1991), rng.randrange(1, 13), rng.randrange(1, 29))
        valid = rng.random() < 0.5
        digits = make_cpr(rng, born, valid)
        value = format_cpr(rng, digits)
        detail = "mod11=" + ("ok" if valid else "fails")
        template = "Mors cpr-nr. er {v}" if not own else rng.choice(
            [t for t in F.PII_SENTENCES["CPR"] if "Mors" not in t])
    elif kind == "TELEFON":
        value = make_phone(rng)
        template = rng.choice(F.PII_SENTENCES[kind])
    elif kind == "EMAIL":
        first, last = (person.first, person.last) if rng.random() < 0.4 else adult_name(rng)
        value = make_email(rng, first, last)
        template = rng.choice(F.PII_SENTENCES[kind])
    elif kind == "ADRESSE":
        value = make_address(rng)
        template = rng.choice(F.PII_SENTENCES[kind])
    else:
        template = rng.choice(F.PII_SENTENCES[kind])
        female = None if "Sagsbehandler" in template or "Kontakt" in template else ("Far" not in template)
        first, last = adult_name(rng, female)
        value = f"{first} {last}"
    text = template.replace("{v}", value)
    text = _cap(text) if not text.startswith("cpr") else text
    return Sentence(text if text.endswith(".") else text + ".", [], [(kind, value, detail)])


def _assign_themes(rng: random.Random, traits: list[tuple[str, str]], n_notes: int) -> list[list[tuple[str, str]]]:
    """Spread a person's traits over notes: each trait at least once, no note with both valences of a theme."""
    slots: list[list[tuple[str, str]]] = [[] for _ in range(n_notes)]

    def fits(slot, trait):
        return len(slot) < MAX_THEMES_PER_NOTE and trait not in slot and all(t[0] != trait[0] for t in slot)

    for trait in traits:
        candidates = [i for i in range(n_notes) if fits(slots[i], trait)]
        if not candidates:  # cannot happen with the note count rule, but be safe
            candidates = [i for i in range(n_notes) if trait not in slots[i]]
        least = min(len(slots[i]) for i in candidates)
        light = [i for i in candidates if len(slots[i]) == least]
        slots[rng.choice(light if rng.random() < 0.7 else candidates)].append(trait)
    for trait in traits:
        if rng.random() < P_REPEAT:
            candidates = [i for i in range(n_notes) if fits(slots[i], trait)]
            if candidates:
                slots[rng.choice(candidates)].append(trait)
    return slots


def _theme_sentences(rng: random.Random, themes: list[tuple[str, str]], ctx: Ctx, lang: str) -> list[Sentence]:
    themes = themes[:]
    rng.shuffle(themes)
    out: list[Sentence] = []
    i = 0
    while i < len(themes):
        t = themes[i]
        use_en = lang == "en" or (lang == "mixed" and i == 0 and rng.random() < 0.7)
        ctx.lang = "en" if use_en else "da"
        pool = F.EN[t] if use_en else F.DA[t]
        ctx.pii = []
        if (not use_en and i + 1 < len(themes) and rng.random() < P_JOIN):
            t2 = themes[i + 1]
            second = [x for x in F.DA[t2] if x.startswith("{S} ")]
            if second:
                text = render_joined(rng.choice(pool), rng.choice(second), t[1] != t2[1], ctx)
                out.append(Sentence(text, [t, t2], [(k, v, "") for k, v in ctx.pii]))
                i += 2
                continue
        end = "!" if (t[1] == "strength" and not ctx.tele and rng.random() < 0.06) else "."
        text = render_sentence(rng.choice(pool), ctx, end)
        if not use_en and rng.random() < 0.08 and "," not in text:
            text = text[:-1] + rng.choice([" ifølge kontaktlæreren", " ifølge mentor",
                                           " efter min vurdering", " efter vores vurdering"]) + text[-1]
        out.append(Sentence(text, [t], [(k, v, "") for k, v in ctx.pii]))
        i += 1
    ctx.lang = "da" if lang != "en" else "en"
    return out


def _plain(rng: random.Random, pool: list[str], ctx: Ctx) -> Sentence:
    ctx.pii = []
    text = render_sentence(rng.choice(pool), ctx)
    return Sentence(text, [], [(k, v, "") for k, v in ctx.pii])


def compose_note(rng: random.Random, person: Person, when: date, school: str,
                 themes: list[tuple[str, str]], after: bool) -> Note:
    role = _role(rng, school, when)
    r = rng.random()
    lang = "en" if r < P_ENGLISH else ("mixed" if r < P_ENGLISH + P_MIXED else "da")
    tele = rng.random() < P_TELEGRAPHIC
    ctx = Ctx(rng, person, "en" if lang == "en" else "da", tele, when)
    ctx.role = role
    body: list[Sentence] = []
    opener: list[Sentence] = []
    closer: list[Sentence] = []
    en = lang == "en"
    if after:
        pool = F.AFTER_DROPOUT_DA if person.dropout else F.AFTER_COMPLETION_DA
        pool = [t.replace("{dato}", fmt_date(person.outcome_date, False)) for t in pool]
        body.append(_plain(rng, pool, Ctx(rng, person, "da", tele, when)))
        body.extend(_theme_sentences(rng, themes, ctx, lang))
    elif themes:
        body = _theme_sentences(rng, themes, ctx, lang)
        ctx.lang = "en" if en else "da"
        if rng.random() < (0.25 if tele else 0.5):
            opener.append(_plain(rng, F.OPENERS_EN if en else F.OPENERS_DA, ctx))
        if rng.random() < 0.35:
            closer.append(_plain(rng, F.CLOSERS_EN if en else F.CLOSERS_DA, ctx))
    else:
        pool = F.LOGISTICS_EN if en else (F.DISTRACTORS_DA if rng.random() < P_DISTRACTOR else F.LOGISTICS_DA)
        body.append(_plain(rng, pool, ctx))
        if rng.random() < 0.3:
            closer.append(_plain(rng, F.CLOSERS_EN if en else F.CLOSERS_DA, ctx))
    extra: list[Sentence] = []
    if rng.random() < P_PII_SENTENCE:
        extra.append(_pii_sentence(rng, person))
    sentences = opener + body + extra + closer
    while len(sentences) > 6:
        sentences.remove(opener.pop() if opener else closer.pop())
    if rng.random() < P_TYPO:
        plain = [s for s in sentences if not s.pii]
        for s in rng.sample(plain, min(len(plain), 1 + (rng.random() < 0.3))):
            s.text = add_typo(rng, s.text)
    if tele and len(sentences) > 1 and rng.random() < 0.3 and not sentences[-1].pii:
        sentences[-1].text = sentences[-1].text.rstrip(".")
    sep = "\n" if rng.random() < P_NEWLINE else " "
    text, gold, pii, pos = [], [], [], 0
    for s in sentences:
        start, end = pos, pos + len(s.text)
        for theme, valence in s.themes:
            gold.append((theme, valence, start, end))
        cursor = 0
        for kind, value, detail in s.pii:
            k = s.text.find(value, cursor)
            if k < 0:
                raise AssertionError(f"identifier {value!r} lost in {s.text!r}")
            pii.append((kind, value, start + k, start + k + len(value), detail))
            cursor = k + len(value)
        text.append(s.text)
        pos = end + len(sep)
    return Note(person, when, school, role, sep.join(text), gold, pii, after, rng.random() < P_DOT_DATE,
                n_sentences=len(sentences))


def _workday(d: date, lo: date, hi: date) -> date:
    """Move a weekend date to the nearest workday inside [lo, hi] (notes are written at work)."""
    if d.weekday() == 5:
        d = d - timedelta(days=1) if d - timedelta(days=1) >= lo else d + timedelta(days=2)
    elif d.weekday() == 6:
        d = d + timedelta(days=1) if d + timedelta(days=1) <= hi else d - timedelta(days=2)
    return min(max(d, lo), hi)


def person_notes(rng: random.Random, person: Person) -> list[Note]:
    """All notes about one person: traits before the outcome, a few notes after it."""
    lo = max(OBS_START, add_months(person.start, -30), add_months(person.born, 14 * 12))
    hi = person.outcome_date - timedelta(days=1)
    span = max(1, (hi - lo).days)
    traits = person.traits
    need = math.ceil(len(traits) / 3)
    if any((t, "strength") in traits and (t, "concern") in traits for t, _ in traits):
        need = max(need, 2)
    n_pre = max(need, 1 + _poisson(rng, 3.4))
    dates = sorted(_workday(lo + timedelta(days=rng.randrange(span + 1)), lo, hi) for _ in range(n_pre))
    slots = _assign_themes(rng, traits, n_pre)
    notes = []
    for when, themes in zip(dates, slots):
        school = person.basic_school if when < person.start else person.school
        notes.append(compose_note(rng, person, when, school, themes, after=False))
    p_after = P_AFTER_DROPOUT if person.dropout else P_AFTER_COMPLETION
    if rng.random() < p_after:
        for _ in range(1 + (rng.random() < 0.3)):
            when = _workday(person.outcome_date + timedelta(days=rng.randrange(3, 121)),
                            person.outcome_date + timedelta(days=1), OBS_END)
            if when > OBS_END:
                continue
            themes = []
            if person.dropout and rng.random() < 0.8:
                themes = rng.sample(LEAK_POOL, 1 + (rng.random() < 0.35))
            elif not person.dropout and rng.random() < 0.5:
                themes = [rng.choice([("trivsel", "strength"), ("valgparathed", "strength")])]
            notes.append(compose_note(rng, person, when, person.school, themes, after=True))
    for k, n in enumerate(notes):
        n.seq = k
    return notes


# ---------------------------------------------------------------------------
# The stream of notes
# ---------------------------------------------------------------------------
def _id_widths(n_persons: int, n_notes_max: int) -> tuple[int, int]:
    return max(5, len(str(n_persons))), max(6, len(str(n_notes_max)))


def iter_note_chunks(seed: int = SEED, n_persons: int | None = None, n_notes: int | None = None):
    """Yield (persons, notes) per chunk of persons; notes carry final NotatIDs.

    Give ``n_persons`` (whole persons, as the sample corpus) or ``n_notes``
    (stop after exactly that many notes; the last person may lose some).
    """
    if (n_persons is None) == (n_notes is None):
        raise ValueError("give exactly one of n_persons or n_notes")
    rng = random.Random(seed)
    est_persons = n_persons if n_persons is not None else max(1, n_notes)
    pw, nw = _id_widths(est_persons, n_notes if n_notes is not None else int(est_persons * 6))
    counter = 0
    index = 0
    while True:
        size = PERSONS_PER_CHUNK
        if n_persons is not None:
            size = min(size, n_persons - index)
        else:
            size = min(size, math.ceil((n_notes - counter) / 4.0) + 5) if counter < n_notes else 0
        persons = [make_person(index + k, rng, pw) for k in range(size)]
        index += size
        assign_outcomes(persons, rng)
        notes = [n for p in persons for n in person_notes(rng, p)]
        if not persons:
            return
        if n_notes is not None and counter + len(notes) > n_notes:
            notes = notes[: n_notes - counter]  # still in person order: only one person is cut short
        notes.sort(key=lambda n: (n.when, n.person.index, n.seq))
        for n in notes:
            counter += 1
            n.note_id = f"N{counter:0{nw}d}"
        yield persons, notes
        if n_notes is not None and counter >= n_notes:
            return


def note_row(n: Note) -> list[str]:
    return [n.note_id, n.person.person_id, n.person.name, n.school, fmt_date(n.when, n.dotted), n.role, n.text]


def iter_notes(n_notes: int, seed: int = SEED, chunk_size: int = 50_000):
    """Stream exactly ``n_notes`` notes as pandas DataFrames of ``notes.csv`` columns."""
    import pandas as pd

    buf: list[list[str]] = []
    for _, notes in iter_note_chunks(seed, n_notes=n_notes):
        for n in notes:
            buf.append(note_row(n))
            if len(buf) >= chunk_size:
                yield pd.DataFrame(buf, columns=NOTE_COLUMNS)
                buf = []
    if buf:
        yield pd.DataFrame(buf, columns=NOTE_COLUMNS)


def generate_notes(n_notes: int, seed: int = SEED):
    """Exactly ``n_notes`` fictional notes (columns of ``notes.csv``) as one DataFrame."""
    import pandas as pd

    frames = list(iter_notes(n_notes, seed, chunk_size=max(1, n_notes)))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=NOTE_COLUMNS)


# ---------------------------------------------------------------------------
# Citizen input
# ---------------------------------------------------------------------------
def citizen_rows(rng: random.Random, n: int):
    """Yield (row, gold [(theme, start, end)], pii [(type, value, start, end, detail)])."""
    lo, hi = date(2021, 1, 1), OBS_END
    dates = sorted(lo + timedelta(days=rng.randrange((hi - lo).days + 1)) for _ in range(n))
    themes_all = list(F.CITIZEN_DA)
    width = max(5, len(str(n)))
    for i, when in enumerate(dates):
        kind = _weighted(rng, F.CITIZEN_TYPES, [0.42, 0.40, 0.18])
        channel = _weighted(rng, F.CITIZEN_CHANNELS, [0.35, 0.25, 0.15, 0.10, 0.15])
        if kind == "høringssvar" and channel in ("app", "telefonnotat"):
            channel = "e-mail"
        district = rng.choice(F.DISTRICTS)
        k = _weighted(rng, [0, 1, 2, 3], [0.03, 0.6, 0.3, 0.07])
        if channel == "app":
            k = min(k, 1) or 1
        themes = rng.sample(themes_all, k)

        def fill(tpl: str) -> str:
            tpl = (tpl.replace("{bydel}", district)
                   .replace("{vej}", rng.choice(F.STREETS))
                   .replace("{plejehjem}", rng.choice(F.PLEJEHJEM))
                   .replace("{lokalplan}", str(rng.randrange(1001, 1099)))
                   .replace("{aar}", str(when.year + 1)))
            return _tidy(render(compile_template(tpl), _NULL_CTX(rng)))

        parts: list[tuple[str, list[str], list[tuple[str, str, str]]]] = []
        greeting = False
        if channel == "telefonnotat":
            parts.append(("Borger ringede.", [], []))
        elif channel == "borgermøde":
            parts.append((f"Indlæg på borgermøde i {district}.", [], []))
        elif channel != "app":
            op = fill(rng.choice(F.CITIZEN_OPENERS[kind]))
            if op:
                greeting = op.startswith(("Hej", "Til "))
                parts.append((op + ("," if greeting else rng.choice([".", ":"])), [], []))
        for t in themes:
            pool = F.CITIZEN_DA[t]
            if kind == "klage":  # a complaint does not thank
                pool = [x for x in pool if "tak" not in x.lower()] or pool
            s = fill(rng.choice(pool))
            if not s.endswith("?"):
                s += "." if rng.random() < 0.85 else "!"
            parts.append((_cap(s), [t], []))
        if not themes:
            parts.append((fill(rng.choice(F.CITIZEN_NOTHEME)) + ("" if channel == "app" else "."), [], []))
        if channel in ("e-mail", "borger.dk-formular"):
            closing = rng.choice(F.CITIZEN_CLOSERS)
            sig_pii: list[tuple[str, str, str]] = []
            if rng.random() < 0.3:
                first, last = adult_name(rng)
                sig = f"{first} {last}"
                sig_pii.append(("NAVN", sig, ""))
                r = rng.random()
                if r < 0.25:
                    addr = make_address(rng)
                    sig += ", " + addr
                    sig_pii.append(("ADRESSE", addr, ""))
                elif r < 0.45:
                    ph = make_phone(rng)
                    sig += ", tlf. " + ph
                    sig_pii.append(("TELEFON", ph, ""))
                elif r < 0.6:
                    em = make_email(rng, first, last)
                    sig += ", " + em
                    sig_pii.append(("EMAIL", em, ""))
                closing = (closing + "\n" + sig) if closing else sig
            if closing:
                parts.append((closing, [], sig_pii))
        elif channel == "telefonnotat" and rng.random() < 0.4:
            ph = make_phone(rng)
            parts.append((f"Ønsker at blive ringet op på {ph}.", [], [("TELEFON", ph, "")]))
        text, gold, pii_out, pos = [], [], [], 0
        sep = "\n" if (channel in ("e-mail", "borger.dk-formular") and (greeting or rng.random() < 0.4)) else " "
        for s, ts, pii in parts:
            start, end = pos, pos + len(s)
            gold.extend((t, start, end) for t in ts)
            cursor = 0
            for kind_, value, detail in pii:
                j = s.find(value, cursor)
                pii_out.append((kind_, value, start + j, start + j + len(value), detail))
                cursor = j + len(value)
            text.append(s)
            pos = end + len(sep)
        row = [f"H{i + 1:0{width}d}", fmt_date(when, rng.random() < P_DOT_DATE), channel, kind, district,
               sep.join(text)]
        yield row, gold, pii_out


class _NULL_CTX(Ctx):
    """Citizen templates use only alternatives, no person placeholders."""

    def __init__(self, rng):
        self.rng, self.pii = rng, []

    def fill(self, name):
        raise KeyError(f"citizen templates take no placeholder {{{name}}}")


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
class _Csv:
    """A deterministic CSV writer: fixed separator, '\\n' line ends, minimal quoting."""

    def __init__(self, path: Path, header: list[str], sep: str):
        self.fh = open(path, "w", encoding="utf-8", newline="")
        self.w = csv.writer(self.fh, delimiter=sep, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        self.w.writerow(header)

    def row(self, values) -> None:
        self.w.writerow(values)

    def close(self) -> None:
        self.fh.close()


def _or_ci(a: int, b: int, c: int, d: int) -> tuple[float, float, float]:
    """Odds ratio with a Woolf 95% interval (0.5 added to every cell when one is empty)."""
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    lor = math.log(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return math.exp(lor), math.exp(lor - 1.96 * se), math.exp(lor + 1.96 * se)


def write_corpus(out: Path, seed: int = SEED, n_persons: int | None = N_PERSONS,
                 n_notes: int | None = None, n_citizen: int = N_CITIZEN, docs: bool = True,
                 progress: bool = False) -> dict:
    """Write every corpus file into ``out``; returns summary statistics."""
    out.mkdir(parents=True, exist_ok=True)
    notes_w = _Csv(out / "notes.csv", NOTE_COLUMNS, ";")
    gold_w = _Csv(out / "gold_codings.csv", ["note_id", "theme_id", "valence", "start", "end", "after_outcome"], ",")
    pii_w = _Csv(out / "pii_planted.csv", ["note_id", "type", "value", "start", "end", "detail"], ",")
    ind_w = _Csv(out / "indicators.csv", INDICATOR_COLUMNS, ",")
    trait_w = _Csv(out / "person_traits.csv", ["person_id", "theme_id", "valence", "first_date", "n_notes"], ",")
    keys = list(TRAITS)
    stats = {
        "n_notes": 0, "n_persons": 0, "n_dropout": 0, "schools": set(), "persons_with_notes": 0,
        "cell_notes": {k: 0 for k in keys}, "cell_persons": {k: 0 for k in keys},
        "cell_sentences": {k: set() for k in keys}, "cell_dropout": {k: 0 for k in keys},
        "leaky_persons": {k: 0 for k in keys}, "leaky_dropout": {k: 0 for k in keys},
        "notes_without_theme": 0, "after_notes": [], "after_gold": {}, "pii_types": {},
        "notes_with_pii": 0, "planned_mismatch": 0, "n_gold": 0, "min_date": None, "max_date": None,
        "roles": {}, "english": 0,
    }
    for persons, notes in iter_note_chunks(seed, n_persons=n_persons, n_notes=n_notes):
        exposure: dict[str, dict[tuple[str, str], list]] = {p.person_id: {} for p in persons}
        leaky: dict[str, set] = {p.person_id: set() for p in persons}  # any note, whatever its date
        has_note: set[str] = set()
        for n in notes:
            notes_w.row(note_row(n))
            stats["n_notes"] += 1
            stats["schools"].add(n.school)
            stats["roles"][n.role] = stats["roles"].get(n.role, 0) + 1
            has_note.add(n.person.person_id)
            age = _years(n.person.born, n.when)
            stats["age_min"] = min(stats.get("age_min", 99), age)
            stats["age_max"] = max(stats.get("age_max", 0), age)
            stats["min_date"] = min(stats["min_date"] or n.when, n.when)
            stats["max_date"] = max(stats["max_date"] or n.when, n.when)
            if n.after_outcome:
                stats["after_notes"].append(n.note_id)
            if not n.gold:
                stats["notes_without_theme"] += 1
            seen = set()
            for theme, valence, start, end in n.gold:
                gold_w.row([n.note_id, theme, valence, start, end, int(n.after_outcome)])
                stats["n_gold"] += 1
                key = (theme, valence)
                leaky[n.person.person_id].add(key)
                if n.after_outcome:
                    stats["after_gold"][key] = stats["after_gold"].get(key, 0) + 1
                    continue
                stats["cell_sentences"][key].add(n.text[start:end].lower())
                if key not in seen:
                    stats["cell_notes"][key] += 1
                    seen.add(key)
                    e = exposure[n.person.person_id].setdefault(key, [n.when, 0])
                    e[0] = min(e[0], n.when)
                    e[1] += 1
            if n.pii:
                stats["notes_with_pii"] += 1
            for kind, value, start, end, detail in n.pii:
                pii_w.row([n.note_id, kind, value, start, end, detail])
                stats["pii_types"][kind] = stats["pii_types"].get(kind, 0) + 1
        for p in persons:
            if p.person_id not in has_note:
                continue
            stats["n_persons"] += 1
            stats["n_dropout"] += p.dropout
            ind_w.row([p.person_id, p.dropout, p.outcome_date.isoformat(), f"{p.absence_pct:.1f}",
                       f"{p.grade_avg:.1f}", p.nt_band, "K" if p.female else "M", p.age, p.school,
                       p.start.isoformat()])
            exp = exposure[p.person_id]
            if n_notes is None and set(exp) != set(p.traits):
                stats["planned_mismatch"] += 1
            for key in leaky[p.person_id]:
                stats["leaky_persons"][key] += 1
                stats["leaky_dropout"][key] += p.dropout
            for key in keys:
                if key in exp:
                    trait_w.row([p.person_id, key[0], key[1], exp[key][0].isoformat(), exp[key][1]])
                    stats["cell_persons"][key] += 1
                    stats["cell_dropout"][key] += p.dropout
        if progress:
            print(f"  {stats['n_notes']:,} notes, {stats['n_persons']:,} persons", file=sys.stderr)
    for w in (notes_w, gold_w, pii_w, ind_w, trait_w):
        w.close()

    if n_citizen:
        rng = random.Random(seed + 1)
        cw = _Csv(out / "citizen_input.csv", CITIZEN_COLUMNS, ";")
        cg = _Csv(out / "gold_citizen_codings.csv", ["note_id", "theme_id", "start", "end"], ",")
        stats["citizen"] = {"rows": 0, "themes": {t: 0 for t in F.CITIZEN_DA}, "types": {}, "channels": {}}
        pii_w = open(out / "pii_planted.csv", "a", encoding="utf-8", newline="")
        pw = csv.writer(pii_w, delimiter=",", lineterminator="\n")
        for row, gold, pii in citizen_rows(rng, n_citizen):
            cw.row(row)
            c = stats["citizen"]
            c["rows"] += 1
            c["types"][row[3]] = c["types"].get(row[3], 0) + 1
            c["channels"][row[2]] = c["channels"].get(row[2], 0) + 1
            for theme, start, end in gold:
                cg.row([row[0], theme, start, end])
                c["themes"][theme] += 1
            for kind, value, start, end, detail in pii:
                pw.writerow([row[0], kind, value, start, end, detail])
                stats["pii_types"][kind] = stats["pii_types"].get(kind, 0) + 1
        cw.close()
        cg.close()
        pii_w.close()

    truth = ground_truth(stats, seed)
    (out / "ground_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if docs:
        (out / "GROUND_TRUTH.md").write_text(ground_truth_md(truth), encoding="utf-8")
        (out / "README.md").write_text(readme_md(out, stats, truth), encoding="utf-8")
    return stats


def ground_truth(stats: dict, seed: int) -> dict:
    n, d = stats["n_persons"], stats["n_dropout"]
    traits = []
    for key, (prev, odds) in TRAITS.items():
        a = stats["cell_dropout"][key]
        b = stats["cell_persons"][key] - a
        c = d - a
        dd = (n - d) - b
        sor, lo, hi = _or_ci(a, b, c, dd)
        la = stats["leaky_dropout"][key]
        lb = stats["leaky_persons"][key] - la
        leaky_or = _or_ci(la, lb, d - la, (n - d) - lb)[0]
        traits.append({
            "theme_id": key[0], "valence": key[1],
            "odds_ratio": odds, "log_odds_ratio": round(math.log(odds), 6),
            "prevalence_target": prev,
            "n_persons": stats["cell_persons"][key],
            "prevalence_sample": round(stats["cell_persons"][key] / n, 4) if n else None,
            "dropout_rate_with": round(a / (a + b), 4) if a + b else None,
            "dropout_rate_without": round(c / (c + dd), 4) if c + dd else None,
            "sample_odds_ratio": round(sor, 3), "sample_or_ci95": [round(lo, 3), round(hi, 3)],
            "leaky_sample_odds_ratio": round(leaky_or, 3),
            "planted": odds != 1.0,
        })
    return {
        "generator": "scripts/tools/make_sample_corpus.py",
        "seed": seed,
        "n_persons": n,
        "n_notes": stats["n_notes"],
        "outcome": "dropout",
        "dropout_definition": (f"left the youth education within {WINDOW_MONTHS} months of its start "
                               "(start_date in indicators.csv)"),
        "dropout_window_months": WINDOW_MONTHS,
        "outcome_date": "dropout date for dropouts; start_date + window for the others",
        "exposure_rule": "a person has a theme x valence if a note dated strictly before outcome_date carries it",
        "model": "logit P(dropout) = intercept + sum(log_odds_ratio * trait) + covariate terms",
        "intercept": INTERCEPT,
        "covariate_effects_log_odds": {
            **COVARIATE_EFFECTS,
            "school": {s: eff for s, (_, eff) in YOUTH_SCHOOLS.items()},
        },
        "dropout_sampling": ("systematic within strata of the planted traits: each person drops out with "
                             "the model probability, each stratum holds its expected count +-1"),
        "covariates_independent_of_traits": True,
        "traits_independent_of_each_other": True,
        "dropout_rate_sample": round(d / n, 4) if n else None,
        "traits": traits,
        "notes_after_outcome": {
            "n": len(stats["after_notes"]),
            "leak_pool": [f"{t}:{v}" for t, v in LEAK_POOL],
            "gold_rows_by_theme": {f"{t}:{v}": c for (t, v), c in sorted(stats["after_gold"].items())},
            "note_ids": stats["after_notes"],
        },
    }


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------
def ground_truth_md(truth: dict) -> str:
    lines = [
        "# Ground truth of the sample corpus",
        "",
        "Generated by `scripts/tools/make_sample_corpus.py` (seed "
        f"{truth['seed']}); the same numbers are machine-readable in `ground_truth.json`.",
        "Everything here is fictional.",
        "",
        "## Outcome",
        "",
        f"* **Dropout** = the young person left the youth education within **{truth['dropout_window_months']} months** "
        "of its start (`start_date` in `indicators.csv`).",
        "* `outcome_date` = the dropout date for dropouts, `start_date` + 15 months for everyone else.",
        "* **Exposure rule:** a person *has* a theme x valence if any note dated strictly **before** "
        "`outcome_date` carries it (`person_traits.csv` lists exactly these, with the first date).",
        f"* Persons: {truth['n_persons']}; dropouts: {truth['dropout_rate_sample']:.1%}.",
        "",
        "## Model",
        "",
        "```",
        "logit P(dropout) = intercept + sum_k log(OR_k) * trait_k",
        "                 + 0.25 * male + 0.10 * (age_at_start - 16)",
        "                 + 0.04 * (absence_pct - 8) - 0.15 * (grade_avg - 6) + school effect",
        "```",
        "",
        f"Intercept {truth['intercept']}. School effects (log-odds): "
        + ", ".join(f"{s} {e:+.2f}" for s, e in truth["covariate_effects_log_odds"]["school"].items()) + ".",
        "",
        "Dropout is drawn with exactly the model probability for each person, but *systematically* within",
        "the strata of the five planted traits (persons shuffled, one uniform start per stratum, a dropout",
        "wherever the running sum of probabilities crosses an integer). Each stratum then holds its",
        "expected number of dropouts (+-1); the null themes keep ordinary sampling noise. The planted",
        "effects are sized for 900 persons: over 300 other seeds the adjusted 95% interval of each one",
        "excludes 1 in at least 95% of samples (`python scripts/tools/make_sample_corpus.py --power 300`), so",
        "showing them does not depend on a lucky draw.",
        "",
        "Every trait is drawn independently (of the other traits and of gender, age, absence, grades,",
        "national test and school), so marginal odds ratios are close to the conditional ones above",
        "(logistic odds ratios are not collapsible: the marginal ones are pulled slightly towards 1).",
        "`national_test_5th` has no direct effect; it is correlated with `grade_avg`.",
        "",
        "## Planted effects (true odds ratio vs what this sample shows)",
        "",
        "| theme | valence | true OR | persons | prevalence | dropout with / without | sample OR (95% CI) |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for t in sorted(truth["traits"], key=lambda t: (not t["planted"], t["theme_id"], t["valence"])):
        lines.append(
            f"| {t['theme_id']} | {t['valence']} | {'**' if t['planted'] else ''}{t['odds_ratio']:g}"
            f"{'**' if t['planted'] else ''} | {t['n_persons']} | {t['prevalence_sample']:.1%} | "
            f"{t['dropout_rate_with']:.1%} / {t['dropout_rate_without']:.1%} | "
            f"{t['sample_odds_ratio']:.2f} ({t['sample_or_ci95'][0]:.2f}–{t['sample_or_ci95'][1]:.2f}) |")
    after = truth["notes_after_outcome"]
    lines += [
        "",
        "All other theme x valence cells are null (true OR = 1); with 900 persons a few of them will",
        "still look 'significant' by chance before multiple-testing correction.",
        "",
        "## Notes after the outcome (leak test)",
        "",
        f"{after['n']} notes are dated **after** their person's `outcome_date` (marked `after_outcome=1` in",
        "`gold_codings.csv`; ids in `ground_truth.json`). Most belong to dropouts and carry the concerns "
        + ", ".join(f"`{x}`" for x in after["leak_pool"]) + ".",
        "A pipeline that ignores the outcome date counts these too and gets the *leaky* odds ratios below",
        "instead of the sample ones above (exposure from any note, whatever its date):",
        "",
        "| theme | valence | sample OR (no leak) | leaky OR |",
        "|---|---|---:|---:|",
        *[f"| {t['theme_id']} | {t['valence']} | {t['sample_odds_ratio']:.2f} | {t['leaky_sample_odds_ratio']:.2f} |"
          for t in truth["traits"] if f"{t['theme_id']}:{t['valence']}" in after["gold_rows_by_theme"]],
        "",
        "Gold rows after the outcome by theme: "
        + ", ".join(f"{k} {v}" for k, v in after["gold_rows_by_theme"].items()) + ".",
        "",
    ]
    return "\n".join(lines)


def readme_md(out: Path, stats: dict, truth: dict) -> str:
    kb = _load_sibling("keyword_baseline")
    note_score = kb.evaluate(out / "notes.csv", out / "gold_codings.csv", kb.load_labels("ungekompetencer"), text_col="Notat",
                             id_col="NotatID")
    cit_score = None
    if (out / "citizen_input.csv").exists():
        cit_score = kb.evaluate(out / "citizen_input.csv", out / "gold_citizen_codings.csv",
                                kb.load_labels("borgerinput"), text_col="Tekst", id_col="HenvendelsesID")
    n = stats["n_notes"]
    planted = [t for t in truth["traits"] if t["planted"]]
    pii = stats["pii_types"]
    lines = [
        "# Sample corpus (fictional)",
        "",
        "A fictional Danish municipality, **Bøgely Kommune**, with case-system notes about young people,",
        "citizen input and person-level indicators. Every person, school, name, CPR number, phone number,",
        "address and e-mail here is invented. The corpus is made for demos, tests and benchmarks: its",
        "themes, planted associations and identifiers are known exactly.",
        "",
        "Generated by `scripts/tools/make_sample_corpus.py` (seed " f"{truth['seed']}):",
        "",
        "```",
        "python scripts/tools/make_sample_corpus.py --out corpora/sample          # regenerate (byte-identical)",
        "python scripts/tools/make_sample_corpus.py --out corpora/sample --check  # verify the committed files",
        "python scripts/tools/make_sample_corpus.py --out /tmp/big --n-notes 1000000 --no-citizen  # benchmarks",
        "```",
        "",
        "Do not edit these files by hand: change the generator (`scripts/tools/make_sample_corpus.py`, wording in",
        "`scripts/tools/sample_corpus_fragments.py`) and regenerate. `kvalitativ.yaml` is the run configuration",
        "for `make demo` and is not generated.",
        "",
        "## Files",
        "",
        "| file | one row per | columns |",
        "|---|---|---|",
        "| `notes.csv` | note (`;`, UTF-8, Danish dates) | NotatID; ElevID; Navn; Skole; Dato; Faggruppe; Notat |",
        "| `gold_codings.csv` | note x planted theme | note_id, theme_id, valence, start, end (sentence span), after_outcome |",
        "| `indicators.csv` | young person | person_id, dropout, outcome_date, absence_pct, grade_avg, national_test_5th, gender, age, school, start_date |",
        "| `person_traits.csv` | person x theme x valence before outcome_date | person_id, theme_id, valence, first_date, n_notes |",
        "| `citizen_input.csv` | citizen input (`;`) | HenvendelsesID; Dato; Kanal; Type; Bydel; Tekst |",
        "| `gold_citizen_codings.csv` | citizen input x theme | note_id, theme_id, start, end |",
        "| `human_codes.csv` | hand-coded note x theme (made by `scripts/tools/make_human_codes.py`) | note_id, theme_id, "
        "valence, p_person — the gold codes of every note of a random quarter of the young people (a hash of the id is "
        "the draw); `p_person` = 0.25 states that design, so `kvalitativ link` can correct the associations for coding "
        "error |",
        "| `pii_planted.csv` | planted identifier | note_id, type (CPR/TELEFON/EMAIL/ADRESSE/NAVN), value, start, end, detail |",
        "| `ground_truth.json`, `GROUND_TRUTH.md` | — | dropout window, planted odds ratios, prevalences, covariate effects, leak notes |",
        "",
        "Spans (`start`, `end`) are Python character offsets into the note text (`text[start:end]`).",
        "`gender` is `K`/`M`; `age` is whole years at `outcome_date`; `national_test_5th` is empty for",
        "persons without a 5th-grade national test. Dates in `notes.csv` are `dd-mm-yyyy`, a minority",
        "`dd.mm.yyyy`; some notes contain line breaks (quoted).",
        "",
        "## What is in it",
        "",
        "| | |",
        "|---|---|",
        f"| notes | {n:,} ({stats['min_date'].isoformat()} – {stats['max_date'].isoformat()}) |",
        f"| persons | {stats['n_persons']:,} (aged {stats['age_min']}–{stats['age_max']} when the notes were written) |",
        f"| schools and institutions | {len(stats['schools'])} |",
        f"| writer roles | " + ", ".join(f"{r} {c}" for r, c in sorted(stats["roles"].items(), key=lambda x: -x[1])) + " |",
        f"| gold codings (note x theme x valence) | {stats['n_gold']:,} |",
        f"| notes with no codebook theme | {stats['notes_without_theme']:,} ({stats['notes_without_theme'] / n:.0%}) |",
        f"| notes dated after the person's outcome | {len(stats['after_notes'])} |",
        f"| dropout (15-month window) | {stats['n_dropout']} of {stats['n_persons']} ({truth['dropout_rate_sample']:.1%}) |",
        f"| notes with planted identifiers | {stats['notes_with_pii']} ({stats['notes_with_pii'] / n:.1%}) |",
        f"| identifiers planted (notes + citizen input) | " + ", ".join(f"{k} {v}" for k, v in sorted(pii.items())) + " |",
    ]
    if "citizen" in stats:
        c = stats["citizen"]
        lines += [
            f"| citizen input | {c['rows']} (" + ", ".join(f"{k} {v}" for k, v in sorted(c['types'].items())) + ") |",
        ]
    lines += [
        "",
        "### Themes x valence",
        "",
        "`notes` = notes before the outcome carrying the cell; `persons` = persons who have it (exposure);",
        "`phrasings` = distinct wordings the templates can produce (before names, numbers and subjects",
        "vary); `distinct in corpus` = distinct sentences that carry it here; `true OR` = planted",
        "odds ratio for dropout.",
        "",
        "| theme | valence | notes | persons | phrasings | distinct in corpus | true OR |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for key, (_, odds) in TRAITS.items():
        lines.append(
            f"| {key[0]} | {key[1]} | {stats['cell_notes'][key]} | {stats['cell_persons'][key]} | "
            f"{count_phrasings(F.DA[key])} | {len(stats['cell_sentences'][key])} | "
            f"{'**' + format(odds, 'g') + '**' if odds != 1 else '1'} |")
    lines += [
        "",
        "### Planted effects on dropout",
        "",
        "| theme | valence | true OR | sample OR (95% CI) | dropout with / without |",
        "|---|---|---:|---|---|",
    ]
    for t in planted:
        lines.append(f"| {t['theme_id']} | {t['valence']} | {t['odds_ratio']:g} | {t['sample_odds_ratio']:.2f} "
                     f"({t['sample_or_ci95'][0]:.2f}–{t['sample_or_ci95'][1]:.2f}) | "
                     f"{t['dropout_rate_with']:.1%} / {t['dropout_rate_without']:.1%} |")
    lines += [
        "",
        "All other cells have a true OR of 1. Details, covariate effects and the leak test are in",
        "`GROUND_TRUTH.md`.",
        "",
        "## Keyword baseline: the corpus is not trivial",
        "",
        "`scripts/tools/keyword_baseline.py` is a plain keyword matcher built from the codebook **labels** only:",
        "each label word (\"og\" dropped) is lower-cased, a common Danish suffix is cut off",
        "(`-heder`, `-hed`, `-itet`, `-er`, `-e`, ...) and a note matches a theme when one of its tokens",
        "starts with one of the theme's stems. It predicts themes only (no valence). Scored per note x",
        "theme against the gold labels (notes after the outcome included):",
        "",
        "| data | micro precision | micro recall | micro F1 | macro F1 |",
        "|---|---:|---:|---:|---:|",
        f"| notes (16 themes) | {note_score['micro_precision']:.3f} | {note_score['micro_recall']:.3f} | "
        f"{note_score['micro_f1']:.3f} | {note_score['macro_f1']:.3f} |",
    ]
    if cit_score:
        lines.append(f"| citizen input (10 themes) | {cit_score['micro_precision']:.3f} | "
                     f"{cit_score['micro_recall']:.3f} | {cit_score['micro_f1']:.3f} | {cit_score['macro_f1']:.3f} |")
    lines += [
        "",
        "Reproduce with `python scripts/tools/keyword_baseline.py --corpus corpora/sample` (it reads the labels",
        "from `models/codebooks/*.yaml` when present; the table above uses the label list inside the",
        "script, which equals the shipped codebooks' leaf labels). `--with-keywords` adds the codebooks'",
        "own `keywords` lists: a stronger matcher, still far from the gold labels. Per theme (labels only):",
        "",
        "| theme | precision | recall | F1 |",
        "|---|---:|---:|---:|",
    ]
    for tid, row in note_score["per_theme"].items():
        lines.append(f"| {tid} | {row['precision']:.2f} | {row['recall']:.2f} | {row['f1']:.2f} |")
    lines += [
        "",
        "## How it was made",
        "",
        "* **Persons.** Each of the young people gets a youth-education start (2019–2024), a school, covariates",
        "  (gender, age, absence, grade average, national-test band; independent of the themes) and a set of",
        "  theme x valence traits, each drawn independently with the prevalence in `ground_truth.json`.",
        "  Dropout is drawn from the logistic model in `GROUND_TRUTH.md` (systematically within strata of",
        "  the planted traits; the effects are sized so that 900 persons show each of them in at least 95%",
        "  of seeds, `--power 300`).",
        "* **Notes.** Every trait is written into at least one note dated before the outcome date (some twice);",
        "  no note carries a theme the person does not have. Notes without a theme are logistics",
        "  (\"Møde aflyst, ny tid sendt i e-Boks.\") or mention a theme word about the institution, not the",
        "  person (\"Trivselsmåling for hele klassen ...\"). A few notes are dated after the outcome.",
        "* **Wording.** Sentences come from templates in `scripts/tools/sample_corpus_fragments.py`: many paraphrases",
        "  per theme x valence with alternatives, negations (\"Ingen problemer med fremmødet\" is a strength of",
        "  mødestabilitet), telegraphic and narrative registers, abbreviations (pga., ift., mht., evt., UU),",
        "  two themes joined in one sentence (\"..., men han ...\"), typos in about 15% of notes, about 2%",
        "  English notes and 3% mixed Danish/English.",
        "* **Identifiers.** CPR numbers with a valid birth date (dash, no dash, space; about half fail the",
        "  modulus-11 check), phone numbers (grouped, ungrouped, +45/0045), e-mail addresses on example",
        "  domains, street addresses with and without postcode, and names (the young person's own name from",
        "  `Navn`, parents, other pupils, staff) — every one listed with its offsets in `pii_planted.csv`.",
        "* **Citizen input.** Proposals, complaints and consultation responses by channel and district,",
        "  1–3 themes each from the 10 `borgerinput` themes, some signed with name, address, phone or e-mail.",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------
def check(out: Path, **kwargs) -> list[str]:
    """Regenerate into a temporary folder; return the names of files that differ from ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        write_corpus(tmp_path, **kwargs)
        bad = []
        for f in sorted(tmp_path.iterdir()):
            if not (out / f.name).exists() or not filecmp.cmp(f, out / f.name, shallow=False):
                bad.append(f.name)
        return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="example: python scripts/tools/make_sample_corpus.py --out corpora/sample")
    ap.add_argument("--out", type=Path, default=HERE.parents[1] / "corpora" / "sample", help="output folder")
    ap.add_argument("--seed", type=int, default=SEED)
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, default=1.0, help="multiply the number of persons (900) and citizen rows (800)")
    size.add_argument("--n-notes", type=int, default=None, help="exactly this many notes (for benchmarks)")
    ap.add_argument("--no-citizen", action="store_true", help="skip citizen input")
    ap.add_argument("--check", action="store_true", help="verify that --out equals a fresh generation")
    ap.add_argument("--power", type=int, metavar="N", default=None,
                    help="print how often N other seeds show each planted effect (adjusted 95%% CI excludes 1); "
                         "writes nothing")
    args = ap.parse_args(argv)
    if args.power:
        n = max(1, round(N_PERSONS * args.scale))
        print(f"planted effects over {args.power} other seeds, {n} persons each:")
        for r in power(args.power, seed=args.seed, n_persons=n):
            print(f"  {r['theme_id']}:{r['valence']} prevalence {r['prevalence']:g}, OR {r['odds_ratio']:g}: "
                  f"CI excludes 1 in {r['power']:.1%}, covers the OR in {r['coverage']:.1%}, "
                  f"median adjusted OR {r['median_adjusted_or']:.2f}")
        return 0
    if args.n_notes is not None:
        kwargs = dict(seed=args.seed, n_persons=None, n_notes=args.n_notes,
                      n_citizen=0 if args.no_citizen else N_CITIZEN)
    else:
        kwargs = dict(seed=args.seed, n_persons=max(1, round(N_PERSONS * args.scale)),
                      n_citizen=0 if args.no_citizen else max(1, round(N_CITIZEN * args.scale)))
    if args.check:
        bad = check(args.out, **kwargs)
        if bad:
            print(f"{args.out}: differs from a fresh generation: {', '.join(bad)}", file=sys.stderr)
            return 1
        print(f"{args.out}: identical to a fresh generation")
        return 0
    big = (args.n_notes or 0) > 100_000
    stats = write_corpus(args.out, progress=big, docs=args.n_notes is None, **kwargs)
    print(f"wrote {stats['n_notes']:,} notes about {stats['n_persons']:,} persons to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
