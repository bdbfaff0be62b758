"""Shared fixtures: one synthetic municipality, linked and summarised once per test session."""

from __future__ import annotations

import pytest

from kvalitativ.config import LinkConfig
from kvalitativ.link import link
from tests.evidence.synthetic import make_citizen_dataset, make_dataset


@pytest.fixture(scope="session")
def dataset():
    return make_dataset()


@pytest.fixture(scope="session")
def citizen():
    return make_citizen_dataset()


@pytest.fixture(scope="session")
def linked(dataset):
    return link(dataset.codings, dataset.corpus, dataset.indicators, LinkConfig(window_months=15, n_boot=50),
                min_cell=5)


@pytest.fixture(scope="session")
def summarized(dataset, citizen, linked):
    from kvalitativ.evidence import summarize

    tables = dict(codings=dataset.codings, corpus=dataset.corpus, themes=dataset.themes,
                  indicators=dataset.indicators, unit_figures=dataset.unit_figures, **linked,
                  citizen_codings=citizen.codings, citizen_corpus=citizen.corpus, citizen_themes=citizen.themes)
    return summarize(tables, min_cell=5, window_months=15, run_id="rtest")
