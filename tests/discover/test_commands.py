"""`kvalitativ discover` and `kvalitativ tune` end to end on a small Danish export (TF-IDF embedder)."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.discover.conftest import make_corpus

CODEBOOK = """\
name: test
version: "1"
themes:
  - id: fremmoede
    label: Fremmøde
    definition: Fravær og fremmøde i skolen.
    keywords: [fravær, fremmøde, pjække]
  - id: soevn
    label: Søvn
    definition: Søvn og træthed.
    keywords: [søvn, træt, sove]
"""


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    texts, labels = make_corpus()
    ids = [f"n{i}" for i in range(len(texts))]
    pd.DataFrame({"note_id": ids, "person_id": [f"p{i % 20}" for i in range(len(texts))], "unit_id": "Østre Skole",
                  "date": "2024-01-15", "text": texts}).to_csv(d / "notes.csv", index=False)
    pd.DataFrame({"note_id": ids, "label": labels}).to_csv(d / "gold.csv", index=False)
    (d / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
    return d


def run(args, tmp_path):
    from kvalitativ.cli import cli

    result = CliRunner().invoke(cli, ["--quiet", *args], catch_exceptions=False,
                                env={"HF_HUB_OFFLINE": "1"})
    assert result.exit_code == 0, result.output
    return result.output


def test_discover_writes_themes_codings_terms_and_map(export, tmp_path, monkeypatch):
    from kvalitativ.io.store import read_stage_table, write_tables

    monkeypatch.chdir(tmp_path)  # the embedding cache goes under the working folder
    out = tmp_path / "out"
    # a `code` stage already wrote into the folder: its rows must survive
    write_tables(out, {"codings": pd.DataFrame({"note_id": ["n0"], "theme_id": ["soevn"], "score": [0.9],
                                                "method": ["zeroshot"]})}, run_id="r1")
    output = run(["discover", str(export / "notes.csv"), "--out", str(out), "--embedder", "tfidf",
                  "--min-topic-size", "8", "--codebook", str(export / "cb.yaml"),
                  "--model-dir", str(tmp_path / "model")], tmp_path)
    assert "Discovered 4 topics" in output and "emergent" in output
    themes = read_stage_table(out, "themes")
    assert set(themes.origin) == {"discovered"} and themes.theme_id.str.startswith("topic_").all()
    assert themes.label.str.contains("søvn").any()
    # never null: a dashboard filter "sensitive = false" dropped every topic; no one has read them yet
    assert themes["sensitive"].dtype == bool and themes["sensitive"].all()
    codings = read_stage_table(out, "codings")
    assert set(codings.method) == {"topic", "zeroshot"}
    assert (codings.method == "topic").sum() == 56
    terms = read_stage_table(out, "topic_terms")
    assert {"theme_id", "rank", "term", "weight"} <= set(terms.columns)
    assert {"søvn", "fremmøde", "bæredygtighed"} <= set(terms.term)
    topic_map = read_stage_table(out, "topic_map")
    emergent = topic_map[topic_map.is_emergent]
    assert len(emergent) >= 1
    assert not topic_map[topic_map.label.str.contains("søvn")].is_emergent.any()
    assert (tmp_path / "model" / "discoverer.json").exists()
    reps = read_stage_table(out, "topic_representatives")
    assert set(reps.note_id) <= {f"n{i}" for i in range(56)} and "text" not in reps.columns


def test_tune_writes_the_tuning_table(export, tmp_path, monkeypatch):
    from kvalitativ.io.store import read_stage_table

    monkeypatch.chdir(tmp_path)
    output = run(["tune", str(export / "notes.csv"), "--out", str(tmp_path / "t"), "--embedder", "tfidf",
                  "--gold", str(export / "gold.csv"), "--grid", "min_topic_size=8;n_neighbors=10",
                  "--seeds", "0,1", "--outlier-target", "0.1"], tmp_path)
    assert "Recommended:" in output and "Rule:" in output and "reproduced" in output
    table = read_stage_table(tmp_path / "t", "tuning")
    assert len(table) == 1 and table.recommended.all()
    assert table.nmi.iloc[0] > 0.8


def test_bad_grid_is_a_one_line_error(export, tmp_path):
    from kvalitativ.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["tune", str(export / "notes.csv"), "--out", str(tmp_path / "t"), "--grid", "oops"])
    assert exc.value.code == 2


def test_curation_from_the_command_line_survives_the_next_fit(export, tmp_path, monkeypatch):
    from kvalitativ.io.store import read_stage_table

    monkeypatch.chdir(tmp_path)
    common = [str(export / "notes.csv"), "--embedder", "tfidf", "--min-topic-size", "8"]
    run(["discover", *common, "--out", str(tmp_path / "a"), "--rename", "0=Første tema", "--merge", "1,2",
         "--model-dir", str(tmp_path / "m1")], tmp_path)
    first = read_stage_table(tmp_path / "a", "themes")
    assert len(first) == 3 and "Første tema" in set(first.label)
    run(["discover", *common, "--out", str(tmp_path / "b"), "--previous-model", str(tmp_path / "m1"),
         "--seed", "3"], tmp_path)
    second = read_stage_table(tmp_path / "b", "themes")
    assert len(second) == 3 and "Første tema" in set(second.label)


def test_pipeline_stage_reads_the_corpus_folder(export, tmp_path, monkeypatch):
    from kvalitativ.config import RunConfig
    from kvalitativ.discover.stage import discover_stage
    from kvalitativ.engines import StageEngine
    from kvalitativ.io.store import read_stage_table, write_tables

    monkeypatch.chdir(tmp_path)
    texts, _ = make_corpus()
    corpus = pd.DataFrame({"note_id": [f"n{i}" for i in range(len(texts))],
                           "person_id": [f"p{i % 20}" for i in range(len(texts))], "text": texts})
    write_tables(tmp_path / "out", {"corpus": corpus}, run_id="r1")
    config = RunConfig()
    config.embed.name = "tfidf"
    config.discover.min_topic_size = 8
    config.code.codebook = str(export / "cb.yaml")
    result = discover_stage(config, tmp_path / "out", "r1", StageEngine("local", progress=False))
    assert {"themes", "codings", "topic_terms", "topic_map", "topic_representatives"} <= set(result["tables"])
    assert any("emergent" in line for line in result["summary"])
    assert set(read_stage_table(tmp_path / "out", "codings").run_id) == {"r1"}


def test_smallest_topic_grows_with_the_corpus(export, tmp_path, monkeypatch):
    """min_topic_share raises min_topic_size on large corpora (so 100k notes give readable themes)."""
    from kvalitativ.config import DiscoverConfig, config_from_dict
    from kvalitativ.discover.stage import effective_min_topic_size
    from kvalitativ.errors import ConfigError

    dc = DiscoverConfig()
    assert effective_min_topic_size(dc, 4_000) == 10            # the default changes nothing below 5,000 notes
    assert effective_min_topic_size(dc, 100_000) == 200
    assert effective_min_topic_size(DiscoverConfig(min_topic_share=0), 100_000) == 10
    with pytest.raises(ConfigError, match="min_topic_share"):
        config_from_dict({"discover": {"min_topic_share": 2}})
    monkeypatch.chdir(tmp_path)
    output = run(["discover", str(export / "notes.csv"), "--out", str(tmp_path / "out"), "--embedder", "tfidf",
                  "--min-topic-size", "5", "--min-topic-share", "0.2"], tmp_path)
    assert "topics of at least 12 notes" in output  # ceil(0.2 × 56)


def test_discover_takes_the_clustering_from_the_command_line(export, tmp_path, monkeypatch):
    """--clustering leiden reaches the fitted model (saved with its settings); a bad choice is refused."""
    import json

    monkeypatch.chdir(tmp_path)
    run(["discover", str(export / "notes.csv"), "--out", str(tmp_path / "out"), "--embedder", "tfidf",
         "--min-topic-size", "8", "--clustering", "leiden", "--resolution", "2",
         "--model-dir", str(tmp_path / "model")], tmp_path)
    saved = json.dumps([json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "model").rglob("*.json")])
    assert '"clustering": "leiden"' in saved and '"resolution": 2.0' in saved
    from kvalitativ.cli import cli

    bad = CliRunner().invoke(cli, ["discover", str(export / "notes.csv"), "--out", str(tmp_path / "x"),
                                   "--clustering", "kmeans"])
    assert bad.exit_code == 2 and "kmeans" in bad.output


def test_a_config_with_an_unknown_clustering_is_refused_with_the_choices():
    from kvalitativ.config import config_from_dict, validate
    from kvalitativ.errors import ConfigError

    validate(config_from_dict({"discover": {"clustering": "leiden"}}))
    with pytest.raises(ConfigError, match="discover.clustering is 'kmeans': use 'hdbscan' or 'leiden'"):
        validate(config_from_dict({"discover": {"clustering": "kmeans"}}))


def test_discover_saves_the_model_where_the_config_says(export, tmp_path, monkeypatch):
    """``discover.model_dir`` in ``--config`` (relative to the config's folder) saves the model
    like ``--model-dir`` does; the command ignored it (a new user's trial)."""
    monkeypatch.chdir(tmp_path)
    cfg = tmp_path / "conf"
    cfg.mkdir()
    (cfg / "k.yaml").write_text("discover:\n  model_dir: topics\n  min_topic_size: 8\nembed:\n  name: tfidf\n",
                                encoding="utf-8")
    output = run(["discover", str(export / "notes.csv"), "--out", str(tmp_path / "out"), "--config",
                  str(cfg / "k.yaml")], tmp_path)
    assert (cfg / "topics").is_dir() and "Model saved to" in output


def test_emergent_threshold_auto_by_default_a_number_when_given(export, tmp_path, monkeypatch):
    """The topic_map says which threshold each topic was held to: calibrated by default (an embedder
    other than e5), the user's number for every topic when given, and 'auto' undoes a config file's number."""
    from kvalitativ.cli import main
    from kvalitativ.io.store import read_stage_table

    monkeypatch.chdir(tmp_path)
    common = [str(export / "notes.csv"), "--embedder", "tfidf", "--min-topic-size", "8", "--stability-seeds", "0",
              "--codebook", str(export / "cb.yaml")]
    run(["discover", *common, "--out", str(tmp_path / "a")], tmp_path)
    auto = read_stage_table(tmp_path / "a", "topic_map")
    assert auto.emergent_threshold.notna().all() and (auto.emergent_threshold != 0.15).all()
    (tmp_path / "c.yaml").write_text("discover:\n  emergent_threshold: 0.15\n", encoding="utf-8")
    run(["discover", *common, "--out", str(tmp_path / "b"), "--config", str(tmp_path / "c.yaml")], tmp_path)
    assert (read_stage_table(tmp_path / "b", "topic_map").emergent_threshold == 0.15).all()
    run(["discover", *common, "--out", str(tmp_path / "c"), "--config", str(tmp_path / "c.yaml"),
         "--emergent-threshold", "auto"], tmp_path)
    assert read_stage_table(tmp_path / "c", "topic_map").emergent_threshold.tolist() == \
        auto.emergent_threshold.tolist()
    with pytest.raises(SystemExit) as exc:
        main(["discover", *common, "--out", str(tmp_path / "e"), "--emergent-threshold", "high"])
    assert exc.value.code == 2


def test_a_saved_model_applied_to_new_notes_calibrates_on_them(corpus, tfidf_embedder, export, tmp_path):
    """A loaded model keeps no notes' vectors: the null draws from the notes it assigns."""
    from kvalitativ.codebook import load_codebook
    from kvalitativ.config import RunConfig
    from kvalitativ.discover.stage import discover_corpus

    texts, _ = corpus
    notes = pd.DataFrame({"note_id": [f"n{i}" for i in range(len(texts))], "text": texts})
    config = RunConfig()
    config.embed.name = "tfidf"
    config.discover.min_topic_size = 8
    config.discover.stability_seeds = 0
    cb = load_codebook(str(export / "cb.yaml"))
    fitted = discover_corpus(notes, config, codebook=cb, embedder=tfidf_embedder, model_dir=tmp_path / "m",
                             progress=False)
    applied = discover_corpus(notes, config, codebook=cb, embedder=tfidf_embedder, use_model=tmp_path / "m",
                              progress=False)
    assert applied["mapping"].threshold.notna().all() and applied["mapping"].attrs["threshold"] == "auto"
    assert applied["mapping"].is_emergent.tolist() == fitted["mapping"].is_emergent.tolist()
