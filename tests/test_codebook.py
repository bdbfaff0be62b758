"""The codebook model: loading, validation errors a person can act on, the themes table."""

from __future__ import annotations

import pytest

from kvalitativ.codebook import THEMES_COLUMNS, codebook_from_dict, load_codebook, slugify
from kvalitativ.errors import ConfigError

CANONICAL = ["motivation", "selvstaendighed", "ansvarlighed", "moedestabilitet", "valgparathed", "samarbejdsevne",
             "respekt", "tolerance", "praksisfaglighed", "trivsel", "mental_sundhed", "familie_netvaerk",
             "faglige_vanskeligheder", "mobning_konflikter", "fritid_faellesskaber", "rusmidler"]
CITIZEN = ["trafik", "groenne_omraader", "skole_dagtilbud", "aeldrepleje", "kultur_fritid", "byudvikling",
           "klima_miljoe", "sundhed_social", "digital_service", "tryghed"]


def test_shipped_codebooks_have_the_canonical_leaf_ids():
    cb = load_codebook("ungekompetencer")
    assert [t.id for t in cb.leaves()] == CANONICAL
    assert cb.version == "1.1" and cb.version_tag.startswith("ungekompetencer@1.1+")
    upv = {t.id for t in cb.leaves() if t.legacy_upv}
    assert upv == set(CANONICAL[:9])  # the former UPV criteria are marked, the wellbeing themes are not
    for t in cb.leaves():
        assert t.definition and t.examples_strength and t.examples_concern, t.id
    assert [t.id for t in load_codebook("borgerinput").leaves()] == CITIZEN


def test_themes_table_has_the_schema_columns():
    cb = load_codebook("ungekompetencer")
    table = cb.to_themes_table()
    assert list(table.columns) == THEMES_COLUMNS
    assert len(table) == len(cb)
    assert set(table["origin"]) == {"codebook"}
    row = table.set_index("theme_id").loc["motivation"]
    assert row["parent_id"] == "personlige_kompetencer"
    assert "motiveret" in row["keywords"]
    assert row["codebook_version"] == cb.version_tag


def test_bare_names_make_a_valid_codebook():
    cb = codebook_from_dict({"name": "mini", "themes": ["Sport", "Grønne områder", "Ældrepleje"]})
    assert cb.ids == ["sport", "groenne_omraader", "aeldrepleje"]
    assert cb["sport"].description == "Sport"  # the label doubles as the definition
    assert cb.version == "0"
    assert codebook_from_dict(["Sport", "Politik"]).ids == ["sport", "politik"]


def test_fingerprint_changes_with_content_not_with_version_alone():
    a = codebook_from_dict({"name": "x", "version": "1", "themes": [{"id": "a", "label": "A"}]})
    b = codebook_from_dict({"name": "x", "version": "1", "themes": [{"id": "a", "label": "A", "definition": "ny"}]})
    assert a.fingerprint != b.fingerprint
    assert a.version_tag != b.version_tag


@pytest.mark.parametrize(
    "themes, message",
    [
        ([{"id": "a", "label": "A"}, {"id": "a", "label": "B"}], "more than once"),
        ([{"id": "a", "label": "A", "parent": "nope"}], "parent 'nope'"),
        ([{"id": "a"}], "missing 'label'"),
        ([{"id": "a", "label": "A", "parent": "b"}, {"id": "b", "label": "B", "parent": "a"}], "cycle"),
        ([{"id": "Bad Id", "label": "A"}], "lower-case"),
        ([{"id": "uncoded", "label": "Ukodet"}], "reserved"),
        ([{"id": "a", "label": "A", "examples": {"positive": ["x"]}}], "strength, concern, neutral"),
        ([{"id": "a", "label": "A", "colour": "red"}], "unknown key"),
        ([], "non-empty"),
    ],
)
def test_validation_errors_name_the_problem(themes, message):
    with pytest.raises(ConfigError, match=message):
        codebook_from_dict({"name": "t", "themes": themes}, source="t.yaml")


def test_hierarchy(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("name: h\nversion: '2'\nthemes:\n  - {id: g, label: Gruppe}\n  - {id: a, label: A, parent: g}\n",
                    encoding="utf-8")
    cb = load_codebook(path)
    assert cb.group_ids == ["g"] and [t.id for t in cb.leaves()] == ["a"]
    assert cb.ancestors("a") == ["g"]
    assert cb.subset(["a"]).ids == ["g", "a"]


def test_load_errors(tmp_path):
    with pytest.raises(ConfigError, match="shipped"):
        load_codebook("no_such_codebook")
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes: [a, b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_codebook(bad)


def test_slugify():
    assert slugify("Mødestabilitet") == "moedestabilitet"
    assert slugify("Familie & netværk") == "familie_netvaerk"



def test_sensitive_flag_is_set_in_the_shipped_codebook_and_inherited():
    themes = load_codebook("ungekompetencer").to_themes_table()
    flagged = set(themes.loc[themes["sensitive"], "theme_id"])
    assert flagged == {"mental_sundhed", "familie_netvaerk", "mobning_konflikter", "rusmidler"}
    cb = codebook_from_dict({"name": "t", "themes": [{"id": "g", "label": "G", "sensitive": True},
                                                      {"id": "a", "label": "A", "parent": "g"},
                                                      {"id": "b", "label": "B"}]})
    assert cb.is_sensitive("a") and not cb.is_sensitive("b")


def test_sensitive_flag_must_be_true_or_false():
    with pytest.raises(ConfigError, match="'sensitive' must be true or false"):
        codebook_from_dict({"name": "t", "themes": [{"id": "a", "label": "A", "sensitive": "ja"}]})


def test_counter_examples_and_uncoded_examples_are_read_and_validated():
    cb = codebook_from_dict({"name": "x", "uncoded_examples": ["Vejleder orienteret."],
                             "themes": [{"id": "a", "label": "A", "not_examples": ["Ikke A."]}, {"id": "b", "label": "B"}]})
    assert cb["a"].not_examples == ["Ikke A."] and cb["b"].not_examples == []
    assert cb.uncoded_examples == ["Vejleder orienteret."]
    assert cb.subset(["a"]).uncoded_examples == ["Vejleder orienteret."]
    plain = codebook_from_dict({"name": "x", "themes": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]})
    assert plain.fingerprint != cb.fingerprint
    # codebooks without the new fields keep the fingerprint they had before the fields existed
    import hashlib
    import json
    from dataclasses import asdict
    old = [{k: v for k, v in asdict(t).items() if k != "not_examples"} for t in plain.themes]
    assert plain.fingerprint == hashlib.sha256(json.dumps(old, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]
    with pytest.raises(ConfigError, match="not_examples"):
        codebook_from_dict({"themes": [{"id": "a", "label": "A", "not_examples": {"x": 1}}]})
    with pytest.raises(ConfigError, match="uncoded_examples"):
        codebook_from_dict({"themes": ["A"], "uncoded_examples": {"x": 1}})
    with pytest.raises(ConfigError, match="unknown codebook key"):
        codebook_from_dict({"themes": ["A"], "uncoded_exampels": ["x"]})


def test_codebook_valence_false_is_validated_and_fingerprinted():
    themes = [{"id": "a", "label": "A"}]
    plain = codebook_from_dict({"themes": themes})
    off = codebook_from_dict({"themes": themes, "valence": False})
    assert plain.valence and not off.valence
    assert plain.fingerprint == codebook_from_dict({"themes": themes, "valence": True}).fingerprint
    assert off.fingerprint != plain.fingerprint  # a codebook without valence codes differently
    assert not off.subset(["a"]).valence
    with pytest.raises(ConfigError, match="valence"):
        codebook_from_dict({"themes": themes, "valence": "no"})


def test_a_shipped_codebook_name_in_another_case_or_misspelt():
    from kvalitativ.codebook import load_codebook
    from kvalitativ.errors import ConfigError

    assert load_codebook("UngeKompetencer").name == load_codebook("ungekompetencer").name
    with pytest.raises(ConfigError, match="Did you mean 'ungekompetencer'"):
        load_codebook("ungekompetence")


def test_a_codebook_path_with_the_other_yaml_suffix_is_named(tmp_path):
    from kvalitativ.codebook import load_codebook
    from kvalitativ.errors import ConfigError

    (tmp_path / "mine.yaml").write_text("name: mine\nversion: '1'\nthemes: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="There is mine.yaml beside it"):
        load_codebook(tmp_path / "mine.yml")
