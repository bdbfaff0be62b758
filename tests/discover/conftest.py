"""A tiny Danish corpus with four clear themes, and fitted models shared per module."""

from __future__ import annotations

import pytest

SENTENCES = {
    "fremmoede": [
        "Skolebørnene har højt fravær og kommer ofte for sent i skole.",
        "Fremmødet i klassen er faldet markant efter efterårsferien.",
        "Eleven møder uregelmæssigt op om morgenen og mangler mange timer.",
        "Flere skolebørn pjækker fra timerne, fraværet bekymrer skolen.",
        "Hans fremmøde er ustabilt, han udebliver hver mandag.",
        "Fraværet er steget, og forældrene kontaktes om fremmødet.",
        "Pigen kommer for sent næsten hver dag og har meget fravær.",
    ],
    "trivsel": [
        "Eleven trives godt i klassen og har mange gode venner.",
        "Trivslen er lav, hun føler sig alene i frikvartererne.",
        "Han er glad for fællesskabet på årgangen og trives med kammeraterne.",
        "Hun virker ensom og har ingen venner i klassen.",
        "Trivselsmålingen viser at eleverne på årgangen trives i fællesskabet.",
        "Drengen er ked af det og føler sig udenfor fællesskabet.",
        "Årgangens trivsel er styrket, eleverne er glade og trygge.",
    ],
    "soevn": [
        "Han sover for lidt og er meget træt i timerne.",
        "Søvnen er dårlig, hun spiller computer til langt ud på natten.",
        "Eleven falder i søvn i undervisningen og virker udmattet.",
        "Forældrene fortæller at drengen har svært ved at sove om natten.",
        "Manglende søvn gør hende træt og uoplagt om morgenen.",
        "Han går sent i seng og er søvnig hele formiddagen.",
        "Træthed og dårlig nattesøvn præger hans skoledag.",
    ],
    "baeredygtighed": [
        "Klassen arbejder med bæredygtighed og genbrug af materialer.",
        "Skolen sorterer affald og sparer på energien i bygningerne.",
        "Eleverne har lavet et projekt om klima og bæredygtig mad.",
        "Bæredygtighed indgår i naturfag, hvor eleverne måler strømforbrug.",
        "Vi har plantet træer og talt om klimaforandringer og miljø.",
        "Eleverne foreslår mindre madspild og mere genbrug i kantinen.",
        "Projektet om bæredygtig energi og solceller engagerede klassen.",
    ],
}


def make_corpus(n_per_topic: int = 14, offset: int = 0):
    """(texts, labels): each note = two different sentences of one theme, deterministic.

    ``offset`` picks other sentence pairs: "next year's notes" on the same themes.
    """
    texts, labels = [], []
    for label, sents in SENTENCES.items():
        k = len(sents)
        combos = [(i, (i + s) % k) for s in range(1, k) for i in range(k)]
        for i, j in combos[offset:offset + n_per_topic]:
            texts.append(f"{sents[i]} {sents[j]}")
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="session")
def corpus():
    return make_corpus()


@pytest.fixture(scope="session")
def tfidf_embedder(corpus):
    """The fast TF-IDF embedder, fitted on the test corpus (tests never load a neural model)."""
    from kvalitativ.embed import get_embedder

    emb = get_embedder("tfidf", dim=64, progress=False)
    emb.fit(corpus[0])
    return emb


@pytest.fixture(scope="session")
def embeddings(corpus, tfidf_embedder):
    return tfidf_embedder.encode(corpus[0])


#: Notes about nothing in particular: HDBSCAN leaves most of them as outliers.
NOISE = [
    "Mødet blev flyttet til torsdag eftermiddag i lokale fire.",
    "Der mangler en underskrift på blanketten fra kommunen.",
    "Fodboldholdet vandt kampen i weekenden med tre mål.",
    "Bussen til udflugten kører klokken otte fra parkeringspladsen.",
    "Computeren i biblioteket skal repareres af teknikeren.",
    "Kantinen serverer lasagne på fredag.",
    "Lejrskolen går til Bornholm i uge tyve.",
    "Biblioteket har fået nye bøger om historie og geografi.",
    "Forældremødet handlede om ferieplanen og cykelparkering.",
    "Musiklæreren har købt en ny guitar til musiklokalet.",
    "Gymnastiksalen er lukket på grund af et vandskade.",
    "Skolefotografen kommer næste tirsdag.",
]


@pytest.fixture(scope="session")
def noisy_corpus(corpus):
    texts, labels = corpus
    return texts + NOISE, labels + ["noise"] * len(NOISE)
