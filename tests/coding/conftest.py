"""A small Danish corpus with known themes and valences, for fast coder tests (tfidf)."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.codebook import codebook_from_dict

CODEBOOK = {
    "name": "mini",
    "version": "1",
    "themes": [
        {"id": "moedestabilitet", "label": "Mødestabilitet", "definition": "Fremmøde, fravær og at komme til tiden.",
         "examples": {"strength": ["Han møder stabilt og til tiden."],
                      "concern": ["Hun har et højt fravær og kommer for sent."]},
         "keywords": ["fravær", "fremmøde", "for sent"]},
        {"id": "motivation", "label": "Motivation", "definition": "Lyst og engagement i skolen.",
         "examples": {"strength": ["Eleven er meget motiveret og engageret."],
                      "concern": ["Eleven er umotiveret og gider ikke skolen."]},
         "keywords": ["motiveret", "engageret", "gider"]},
        {"id": "mobning", "label": "Mobning", "definition": "Mobning, drillerier og konflikter mellem elever.",
         "examples": {"strength": ["Han bliver ikke længere drillet."],
                      "concern": ["Hun bliver mobbet af de andre elever."]},
         "keywords": ["mobbet", "drillet", "konflikt"]},
    ],
}

PHRASES = {
    ("moedestabilitet", "concern"): ["Han har et højt fravær.", "Hun kommer ofte for sent om morgenen.",
                                     "Fraværet er steget igen.", "Han pjækker fra timerne.", "Hun udebliver ofte."],
    ("moedestabilitet", "strength"): ["Ingen problemer med fremmødet.", "Han møder stabilt hver dag.",
                                      "Hun kommer altid til tiden.", "Fremmødet er fint."],
    ("motivation", "concern"): ["Eleven er umotiveret.", "Han gider ikke lave lektier.", "Hun har mistet lysten til skolen.",
                                "Han er ikke motiveret for undervisningen."],
    ("motivation", "strength"): ["Eleven er meget motiveret.", "Hun er engageret i timerne.", "Han viser stor lyst til at lære."],
    ("mobning", "concern"): ["Hun bliver mobbet i frikvarteret.", "Han er blevet drillet af de andre.",
                             "Der har været konflikter med klassekammeraterne."],
    ("mobning", "strength"): ["Han bliver ikke længere drillet.", "Konflikten er løst."],
}
FILLER = ["Møde aflyst, ny tid sendt.", "Forældremøde holdt på skolen.", "Samtalen varede en time.", "Vi taler igen efter ferien."]


def make_corpus(n_notes: int = 60, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(corpus, gold): notes of one or two theme sentences, or filler only."""
    import random

    rnd = random.Random(seed)
    keys = sorted(PHRASES)
    rows, gold = [], []
    for i in range(n_notes):
        nid = f"N{i:03d}"
        parts, themes = [], []
        kind = i % 5
        if kind == 4:
            parts = [rnd.choice(FILLER)]
        else:
            for key in rnd.sample(keys, 2 if kind == 3 else 1):
                if key[0] in [t for t, _ in themes]:
                    continue
                parts.append(rnd.choice(PHRASES[key]))
                themes.append(key)
            if kind == 2:
                parts.append(rnd.choice(FILLER))
        rows.append({"note_id": nid, "person_id": f"P{i % 15:02d}", "text": " ".join(parts)})
        gold += [{"note_id": nid, "theme_id": t, "valence": v} for t, v in themes]
    return pd.DataFrame(rows), pd.DataFrame(gold)


@pytest.fixture
def mini_codebook():
    return codebook_from_dict(CODEBOOK, source="mini.yaml")


@pytest.fixture
def mini_corpus():
    return make_corpus()
