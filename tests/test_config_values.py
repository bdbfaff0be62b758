"""Config values of the wrong type or out of range are refused at load, with one line each."""

from __future__ import annotations

import pytest

from kvalitativ.config import config_from_dict, load_config
from kvalitativ.errors import ConfigError


@pytest.mark.parametrize("data, words", [
    ({"seed": "nul"}, ["seed is 'nul'", "whole number"]),
    ({"privacy": {"min_cell": "fem"}}, ["privacy.min_cell is 'fem'", "whole number"]),
    ({"link": {"window_months": "femten"}}, ["link.window_months is 'femten'"]),
    ({"discover": {"enabled": "nej"}}, ["discover.enabled is 'nej'", "true or false"]),
    ({"discover": {"resolution": "høj"}}, ["discover.resolution", "a number"]),
    ({"code": {"level": ["sentence"]}}, ["code.level", "text"]),
    ({"seed": True}, ["seed is True"]),
    ({"discover": {"min_topic_size": -5}}, ["discover.min_topic_size is -5", "at least 2"]),
    ({"ingest": {"max_chars": -1}}, ["ingest.max_chars is -1", "at least 1"]),
    ({"link": {"window_months": 0}}, ["link.window_months is 0"]),
    ({"code": {"threshold": 1.5}}, ["code.threshold is 1.5", "at most 1"]),
    ({"code": {"threshold": -3}}, ["code.threshold is -3", "at least 0"]),
])
def test_wrong_values_are_refused_with_one_line(data, words):
    with pytest.raises(ConfigError) as err:
        config_from_dict(data)
    for w in words:
        assert w in str(err.value)


def test_a_comma_separated_string_is_a_list_of_words():
    config = config_from_dict({"link": {"covariates": "absence_pct, grade_avg"}})
    assert config.link.covariates == ["absence_pct", "grade_avg"]


def test_yaml_booleans_numbers_and_none_still_load(tmp_path):
    path = tmp_path / "k.yaml"
    path.write_text("seed: 3\ndiscover:\n  enabled: no\n  resolution: 2\n  n_neighbors: null\n"
                    "ingest:\n  sheet: 2\nlink:\n  covariates: [absence_pct]\n", encoding="utf-8")
    config = load_config(path)
    assert (config.seed, config.discover.enabled, config.discover.resolution) == (3, False, 2)
    assert config.discover.n_neighbors is None
    assert config.ingest.sheet == 2  # a sheet's position stays a number
    assert config.link.covariates == ["absence_pct"]


def test_the_shipped_sample_config_loads():
    load_config("corpora/sample/kvalitativ.yaml")


def test_a_number_yaml_reads_as_text_is_refused_with_its_decimal_form(tmp_path):
    path = tmp_path / "k.yaml"
    path.write_text("discover:\n  resolution: 1e-3\n", encoding="utf-8")  # YAML 1.1: text, not a number
    with pytest.raises(ConfigError, match="write 0.001"):
        load_config(path)
