"""Writes the small made-here exports under tests/realworld/data/ (committed; run again only to change them).

Shapes that real exports have and the sample lacks: an undated English citizen-input export whose
outcome is not dropout (a petition reaching its goal), short Danish agenda titles, and texts that
recur word for word across persons. Every text is written here from templates; none is copied from
any corpus. Deterministic: `python tests/realworld/make_fixtures.py`.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent / "data"

TOPICS = {
    "environment": ["protect the river from pollution", "plant more trees in the city", "ban single-use plastic bags",
                    "stop new coal power plants", "clean up the beaches every summer"],
    "health": ["fund research into rare diseases", "keep the local hospital open", "lower the price of insulin",
               "hire more nurses in elderly care", "make mental health care free for students"],
    "transport": ["build a safe bike lane on the main road", "lower bus fares for pensioners",
                  "repair the potholes on our street", "add a night train to the capital", "reduce speed limits near schools"],
    "education": ["give every school a library", "cut class sizes in primary school", "pay teachers a fair wage",
                  "serve free lunch in all schools", "keep the music school open"],
}
OPENERS = ["We ask the council to", "Please", "We the undersigned call on the government to", "It is time to",
           "Citizens demand that you"]
CLOSERS = ["", " Thank you.", " This matters to our families.", " Many of us have waited for years.",
           " Act now before it is too late."]
# Shared word for word by several persons: a template letter that circulates.
TEMPLATE_LETTER = "We ask the council to keep the local hospital open. This matters to our families."

TITLES = ["Frigivelse af anlægsbevilling til skolebyggeri", "Kommuneplantillæg for nyt boligområde",
          "Fastsættelse af takster for daginstitutioner", "Godkendelse af budget for ældrepleje",
          "Orientering om trafiksikkerhed ved skoler", "Høring om ny affaldsordning",
          "Beslutning om lukning af bibliotek", "Udbud af kollektiv trafik", "Renovering af svømmehal",
          "Tilskud til foreningslivet", "Handleplan for klimatilpasning", "Ansættelse af flere sygeplejersker"]


def petitions(rng: random.Random) -> tuple[list[dict], list[dict]]:
    notes, outcomes = [], []
    for i in range(1, 161):
        topic = rng.choice(list(TOPICS))
        text = f"{rng.choice(OPENERS)} {rng.choice(TOPICS[topic])}.{rng.choice(CLOSERS)}"
        if i % 8 == 0:
            text, topic = TEMPLATE_LETTER, "health"
        pid = f"P{i:04d}"
        notes.append({"petition_id": f"PET{i:05d}", "author_id": pid, "category": topic, "body": text})
        p = 0.55 if topic in ("environment", "health") else 0.2
        outcomes.append({"author_id": pid, "reached_goal": int(rng.random() < p),
                         "signatures_k": round(rng.uniform(0.1, 120.0), 1)})
    return notes, outcomes


def agenda(rng: random.Random) -> list[dict]:
    rows = []
    for i in range(1, 121):
        rows.append({"Punkt": f"D{i:04d}", "Sag": f"S{rng.randint(1, 60):03d}",
                     "Udvalg": rng.choice(["Børne- og Ungeudvalget", "Teknik- og Miljøudvalget", "Økonomiudvalget"]),
                     "Titel": rng.choice(TITLES)})
    return rows


def _write(path: Path, rows: list[dict], sep: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=sep)
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(18)
    HERE.mkdir(exist_ok=True)
    notes, outcomes = petitions(rng)
    _write(HERE / "petitions.csv", notes)
    _write(HERE / "petition_outcomes.csv", outcomes)
    _write(HERE / "agenda_titles.csv", agenda(rng), sep=";")


if __name__ == "__main__":
    main()
