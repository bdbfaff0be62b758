"""`kvalitativ run` and the stage commands on exports that are not the sample: exit 0, sensible
tables, and a report in the user's words and the language of the data (English petitions, Danish
agenda titles) — never "frafald" or "de unge" (nor "dropout" or "young people") unless configured."""

from __future__ import annotations

import html
import re

import yaml

from kvalitativ.io.store import read_stage_table

from .conftest import DATA, kv, petitions_config

DROPOUT_WORDS = ("frafald", "Frafald", "de unge", "faldt oftere fra", "UPV", "dropout", "Dropout", "young people",
                 "dropped out", "pupils")


def _text(path) -> str:
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(script|style).*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_run_speaks_of_the_configured_population_and_outcome(tmp_path):
    status, out = kv("run", "--config", petitions_config(tmp_path))
    assert status == 0, out
    text = _text(tmp_path / "run" / "report.html")
    assert "signers" in text and "reached their goal" in text
    assert "no dates" in text and "too few years" not in text and "how that develops" not in text  # undated
    assert "Association with who reached their goal" in text  # English notes: an English report
    assert not [w for w in DROPOUT_WORDS if w in text]
    assoc = read_stage_table(tmp_path / "run", "associations")
    sentences = assoc["interpretation"].dropna()
    assert sentences.str.startswith(("Signers", "Hidden")).all()
    assert not sentences.str.contains("adjusted|dropout|dropped|justeret|frafald").any()  # no covariates, not dropout
    assert sentences.str.contains("Roads and Public Transport|Schools and Teachers|Health Care").any()  # capitals kept
    ev = read_stage_table(tmp_path / "run", "evidence")
    assert (ev["population_label"].dropna() == "signers").all()
    assert ev["trend"].isna().all()  # undated: no trend


def test_run_without_labels_uses_neutral_words(tmp_path):
    status, out = kv("run", "--config", petitions_config(tmp_path, population_label=None, outcome_label=None))
    assert status == 0, out
    text = _text(tmp_path / "run" / "report.html")
    assert not [w for w in DROPOUT_WORDS if w in text]
    assert "the outcome 'reached_goal'" in text


def test_run_on_short_danish_titles_without_indicators(tmp_path):
    config = yaml.safe_load((DATA / "agenda.yaml").read_text(encoding="utf-8"))
    config.update(out=str(tmp_path / "run"))
    config["ingest"]["notes"] = str(DATA / "agenda_titles.csv")
    config["embed"]["cache_dir"] = str(tmp_path / "cache")
    path = tmp_path / "agenda.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    status, out = kv("run", "--config", path)
    assert status == 0, out
    notes = read_stage_table(tmp_path / "run", "notes")
    assert len(notes) == 120
    text = _text(tmp_path / "run" / "report.html")
    assert "Udfald" not in text and "Sammenhæng med" not in text  # no link, no outcome
    assert not [w for w in DROPOUT_WORDS if w in text]


def test_stage_commands_one_after_another_into_one_folder(petitions, tmp_path):
    config, out = petitions["config"], tmp_path / "out"
    steps = [("ingest", DATA / "petitions.csv", "--config", config, "--out", out),
             ("code", out, "--config", config, "--out", out),
             ("link", "--codings", out, "--config", config, "--out", out),
             ("summarize", "--codings", out, "--config", config, "--out", out),
             ("report", "--tables", out, "--out", out / "report.html")]
    for step in steps:
        status, text = kv(*step)
        assert status == 0, (step[0], text)
    assert len(read_stage_table(out, "evidence")) > 0
    assert "reached their goal" in _text(out / "report.html")


def test_codebook_without_valence_codes_every_theme_neutral(petitions):
    codings = read_stage_table(petitions["code"], "codings")
    coded = codings[codings["theme_id"] != "uncoded"]
    assert len(coded) > 0
    assert (coded["valence"] == "neutral").all()
