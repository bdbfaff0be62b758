"""A small synthetic municipality for evidence and report tests.

Notes are built sentence by sentence from templates that each carry one theme × valence, so
the codings (sentence spans) are known exactly — the tests exercise the evidence functions,
not a coder. Some notes carry identifiers; ``make_dataset(leak=...)`` leaves a few of them
*unredacted* in the corpus text, to prove that quotes are redacted a second time.
Dropout is planted: concern about attendance raises the odds, so the link finds something.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kvalitativ.text.sentences import split_sentences

YOUTH_TEMPLATES: dict[tuple[str, str], list[str]] = {
    ("moedestabilitet", "concern"): [
        "Han kommer ofte for sent og har et stort fravær i perioden.",
        "Fremmødet er ustabilt, og hun mangler mange dage hver måned.",
        "Har været væk fra skolen i flere uger uden at give besked.",
        "Møder sjældent op om morgenen og har mange fraværsdage.",
        "Det høje fravær bekymrer os, og mødet med forældrene er aftalt.",
        "Hun udebliver ofte fra undervisningen efter frikvarteret.",
    ],
    ("moedestabilitet", "strength"): [
        "Møder stabilt og til tiden hver eneste dag.",
        "Fremmødet har været flot hele året uden fravær.",
        "Kommer altid til tiden og er klar til timen.",
    ],
    ("motivation", "concern"): [
        "Virker umotiveret og gider ikke lave sine lektier.",
        "Mangler lyst til skolearbejdet og giver hurtigt op.",
        "Han siger selv, at skolen er ligegyldig for ham.",
        "Er svær at motivere i timerne og sidder mest med telefonen.",
    ],
    ("motivation", "strength"): [
        "Er meget motiveret og arbejder engageret med opgaverne.",
        "Viser stor lyst til at lære og tager selv initiativ.",
        "Har fået ny gejst og glæder sig til praktikken.",
    ],
    ("trivsel", "concern"): [
        "Trives ikke i klassen og er ofte ked af det.",
        "Virker trist og isoleret i frikvartererne.",
        "Fortæller at hun føler sig alene og utryg på skolen.",
    ],
    ("samarbejdsevne", "strength"): [
        "Samarbejder godt med de andre i gruppen.",
        "Er god til at lytte og hjælpe kammeraterne i gruppearbejdet.",
        "Tager ansvar i gruppen og får de andre med.",
    ],
    # a theme planted in very few persons: must never get a quote
    ("rusmidler", "concern"): [
        "Der er mistanke om hash i weekenderne med vennerne.",
    ],
}
YOUTH_LABELS = {
    "moedestabilitet": "Mødestabilitet", "motivation": "Motivation", "trivsel": "Trivsel",
    "samarbejdsevne": "Samarbejdsevne", "rusmidler": "Rusmidler",
}
FILLER = [
    "Samtale afholdt i dag med eleven.",
    "Vi aftalte et nyt møde efter ferien.",
    "Forældrene deltog i mødet.",
]

CITIZEN_TEMPLATES: dict[tuple[str, str], list[str]] = {
    ("trafik", "concern"): [
        "Der kører alt for mange biler alt for stærkt på vores vej.",
        "Krydset ved skolen er farligt for cyklister om morgenen.",
        "Vi mangler en sikker cykelsti langs landevejen.",
    ],
    ("groenne_omraader", "strength"): [
        "Den nye park ved søen er et fantastisk sted for familier.",
        "Tak for de mange nye træer langs stien.",
    ],
    ("groenne_omraader", "concern"): [
        "Parken bliver ikke passet, og græsset er aldrig slået.",
        "Legepladsen i parken er i meget dårlig stand.",
    ],
    ("digital_service", "concern"): [
        "Selvbetjeningen på hjemmesiden virker ikke med MitID.",
        "Det er umuligt at finde den rigtige blanket på kommunens side.",
    ],
}
CITIZEN_LABELS = {"trafik": "Trafik", "groenne_omraader": "Grønne områder", "digital_service": "Digital service"}

#: Identifiers planted in raw notes (all fictional).
PLANTED = {
    "cpr": "010203-1234",
    "phone": "22 33 44 55",
    "email": "mads.jensen@example.dk",
    "name": "Mads Jensen",
    "address": "Vestergade 12, 5000 Odense C",
}
PII_SENTENCES = [
    "Mads Jensen har CPR 010203-1234 og kan ringes op på 22 33 44 55.",
    "Mor til Mads Jensen skriver fra mads.jensen@example.dk og bor på Vestergade 12, 5000 Odense C.",
]
PLACEHOLDER_SENTENCES = [
    "[NAVN] har CPR [CPR] og kan ringes op på [TELEFON].",
    "Mor til [NAVN] skriver fra [EMAIL] og bor på [ADRESSE].",
]

#: Persons (by position) who get the rare theme: 3, below the default threshold of 5.
RARE_PERSONS = (1, 2, 5)

PERIODS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


@dataclass
class Dataset:
    corpus: pd.DataFrame
    codings: pd.DataFrame
    themes: pd.DataFrame
    indicators: pd.DataFrame
    unit_figures: pd.DataFrame


def _period_date(period: str, rng: np.random.Generator) -> pd.Timestamp:
    year = int(period[:4])
    start = pd.Timestamp(f"{year}-08-15")
    return start + pd.Timedelta(days=int(rng.integers(0, 300)))


def _build(templates, labels, *, n_persons, units, seed, leak, prefix, persons_as_ids=True,
           sources=("Lærer", "UU-vejleder", "Mentor"), rising=None):
    rng = np.random.default_rng(seed)
    keys = list(templates)
    # theme × valence probabilities per person (rusmidler kept rare on purpose)
    base_p = {k: (0.0 if k[0] == "rusmidler" else 0.22) for k in keys}
    notes, codings = [], []
    person_flags = {}
    note_no = 0
    for i in range(n_persons):
        pid = f"{prefix}{i:04d}"
        unit = units[i % len(units)]
        flags = {k for k in keys if rng.random() < base_p[k] * (1.6 if unit == units[0] and k[1] == "concern" else 1.0)}
        if ("rusmidler", "concern") in templates and i in RARE_PERSONS:
            flags.add(("rusmidler", "concern"))  # a theme seen in fewer persons than the threshold
        person_flags[pid] = flags
        n_notes = int(rng.integers(1, 4))
        for j in range(n_notes):
            period = PERIODS[int(rng.integers(0, len(PERIODS)))]
            if rising and rng.random() < 0.5:
                period = PERIODS[-1 - int(rng.integers(0, 2))]
            sentences, carried = [], []
            for k in sorted(flags):
                if j == 0 or rng.random() < 0.4:
                    if rising and k == rising and PERIODS.index(period) < 2 and rng.random() < 0.7:
                        continue
                    sentences.append(templates[k][int(rng.integers(0, len(templates[k])))])
                    carried.append(k)
            if rng.random() < 0.5 or not sentences:
                sentences.append(FILLER[int(rng.integers(0, len(FILLER)))])
                carried.append(None)
            pii = None
            if rng.random() < 0.08:
                idx = int(rng.integers(0, len(PII_SENTENCES)))
                pii = (PII_SENTENCES if leak else PLACEHOLDER_SENTENCES)[idx]
            order = rng.permutation(len(sentences))
            sentences = [sentences[o] for o in order]
            carried = [carried[o] for o in order]
            if pii:
                # the identifier sits inside a theme sentence, so a quote could carry it
                pos = next((n for n, c in enumerate(carried) if c is not None), 0)
                sentences[pos] = sentences[pos][:-1] + ", og " + pii[0].lower() + pii[1:]
            text = " ".join(sentences)
            nid = f"{prefix}N{note_no:05d}"
            note_no += 1
            notes.append({
                "note_id": nid, "person_id": pid if persons_as_ids else None, "unit_id": unit,
                "date": _period_date(period, rng), "period": period,
                "source": sources[int(rng.integers(0, len(sources)))], "category": "notat",
                "language": "da", "text": text, "n_chars": len(text),
            })
            for seg, ((s, e, _), k) in enumerate(zip(split_sentences(text), carried)):
                if k is None:
                    continue
                codings.append({
                    "run_id": "rtest", "note_id": nid, "person_id": pid if persons_as_ids else None,
                    "segment_id": f"{nid}:{seg}", "start": s, "end": e, "theme_id": k[0],
                    "score": float(np.round(rng.uniform(0.45, 0.95), 3)), "valence": k[1],
                    "method": "synthetic",
                })
    corpus = pd.DataFrame(notes)
    codings = pd.DataFrame(codings)
    themes = pd.DataFrame({
        "theme_id": list(labels), "label": list(labels.values()), "parent_id": None, "origin": "codebook",
        "definition": "", "keywords": "", "codebook_version": "test-1",
    })
    return corpus, codings, themes, person_flags, rng


def make_dataset(n_persons: int = 240, *, leak: bool = False, seed: int = 7) -> Dataset:
    """Youth notes from four schools over five school years, with planted dropout."""
    units = ["Nordskolen", "Sydskolen", "Østskolen", "Vestskolen"]
    corpus, codings, themes, flags, rng = _build(
        YOUTH_TEMPLATES, YOUTH_LABELS, n_persons=n_persons, units=units, seed=seed, leak=leak, prefix="P",
        rising=("motivation", "concern"),
    )
    rows = []
    for i, (pid, f) in enumerate(flags.items()):
        logit = -1.8 + 1.3 * (("moedestabilitet", "concern") in f) + 0.7 * (("motivation", "concern") in f) \
            - 0.6 * (("motivation", "strength") in f)
        y = int(rng.random() < 1 / (1 + np.exp(-logit)))
        last = corpus.loc[corpus["person_id"] == pid, "date"].max()
        rows.append({
            "person_id": pid, "dropout": y,
            "outcome_date": (last + pd.Timedelta(days=60)) if y else pd.NaT,
            "absence_pct": float(np.round(rng.gamma(2, 3) + 6 * (("moedestabilitet", "concern") in f), 1)),
            "grade_avg": float(np.round(np.clip(rng.normal(7, 2) - 1.5 * y, -3, 12), 1)),
            "gender": "m" if rng.random() < 0.5 else "k", "age": int(rng.integers(15, 20)),
            "school": units[i % len(units)],
        })
    indicators = pd.DataFrame(rows)
    unit_figures = pd.DataFrame({
        "unit_id": units, "udgift_pr_elev": [68000.0, 72500.0, 70100.0, 65900.0],
        "elevtal": [610, 455, 520, 380],
    })
    return Dataset(corpus, codings, themes, indicators, unit_figures)


def make_citizen_dataset(n_persons: int = 160, *, seed: int = 11) -> Dataset:
    """Anonymous citizen input (no person id) from three districts through three channels."""
    units = ["Distrikt Nord", "Distrikt Syd", "Midtbyen"]
    corpus, codings, themes, _, _ = _build(
        CITIZEN_TEMPLATES, CITIZEN_LABELS, n_persons=n_persons, units=units, seed=seed, leak=False,
        prefix="C", persons_as_ids=False, sources=("webformular", "e-mail", "borgermøde"),
    )
    themes["codebook_version"] = "borgerinput-test-1"
    return Dataset(corpus, codings, themes, pd.DataFrame(), pd.DataFrame())


#: The youth themes' labels in English, for an English trial (issue 18's ingest.language: en).
YOUTH_LABELS_EN = {
    "moedestabilitet": "Attendance", "motivation": "Motivation", "trivsel": "Wellbeing",
    "samarbejdsevne": "Cooperation", "rusmidler": "Substance use",
}


def make_english_dataset(n_persons: int = 240, *, seed: int = 7) -> Dataset:
    """The youth dataset as an English export: English theme labels, notes whose language is
    ``en`` — what kvalitativ's sentences take their language from. (The note texts stay the
    Danish templates: the tests are of the sentences kvalitativ writes, not of the notes.)"""
    ds = make_dataset(n_persons, seed=seed)
    themes = ds.themes.assign(label=ds.themes["theme_id"].map(YOUTH_LABELS_EN))
    return Dataset(ds.corpus.assign(language="en"), ds.codings, themes, ds.indicators, ds.unit_figures)
