"""Report fixtures: the tables of a small synthetic municipality, made by the real library
functions (link, summarize), never hand-written HTML."""

from __future__ import annotations

import pytest

from kvalitativ.config import LinkConfig
from kvalitativ.evidence import summarize
from kvalitativ.link import link
from tests.evidence.synthetic import make_citizen_dataset, make_dataset


@pytest.fixture(scope="session")
def report_tables():
    d = make_dataset(n_persons=200, seed=3)
    c = make_citizen_dataset(n_persons=120, seed=4)
    linked = link(d.codings, d.corpus, d.indicators, LinkConfig(window_months=15, n_boot=50), min_cell=5)
    inputs = dict(codings=d.codings, corpus=d.corpus, themes=d.themes, indicators=d.indicators,
                  unit_figures=d.unit_figures, **linked, citizen_codings=c.codings, citizen_corpus=c.corpus,
                  citizen_themes=c.themes)
    out = summarize(inputs, min_cell=5, run_id="r-report")
    tables = {k: v for k, v in linked.items() if k != "person_themes"}
    tables.update(out, themes=d.themes, citizen_themes=c.themes, codings=d.codings,
                  notes=d.corpus.drop(columns="text"))
    return tables


@pytest.fixture(scope="session")
def meta():
    return {"title": "Kvalitativ evidens — test", "municipality": "Testrup Kommune", "created": "2025-01-31"}
