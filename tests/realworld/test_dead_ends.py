"""The crashes and dead ends a new user met on exports that are not the sample (issue 18)."""

from __future__ import annotations

import json

import pytest

from kvalitativ.io.store import read_stage_table

from .conftest import kv


def test_summarize_undated_notes_has_no_trend_and_no_crash(petitions, tmp_path):
    status, out = kv("summarize", "--codings", petitions["code"], "--notes", petitions["ing"], "--out", tmp_path)
    assert status == 0, out
    ev = read_stage_table(tmp_path, "evidence")
    assert len(ev) > 0
    assert ev["trend"].isna().all()  # no periods, so no trend — said, not invented


def test_link_without_dates_names_the_cross_sectional_mode(petitions, tmp_path):
    status, out = kv("link", "--codings", petitions["code"], "--notes", petitions["ing"], "--outcome", "reached_goal",
                     "--out", tmp_path)
    assert status == 2
    assert "link.timing: none" in out


def test_link_that_uses_no_person_is_an_error(petitions, tmp_path):
    status, out = kv("link", "--codings", petitions["code"], "--notes", petitions["ing"], "--outcome", "reached_goal",
                     "--cutoff", "2030-01-01", "--n-boot", 20, "--out", tmp_path)
    assert status == 2
    assert "0 persons" in out and "no_date: 160 notes" in out
    assert not (tmp_path / "parquet" / "associations.parquet").exists()


def test_link_of_everyone_with_no_note_used_is_an_error(petitions, tmp_path):
    status, out = kv("link", "--codings", petitions["code"], "--notes", petitions["ing"], "--outcome", "reached_goal",
                     "--cutoff", "2030-01-01", "--population", "all", "--n-boot", 20, "--out", tmp_path)
    assert status == 2
    assert "160 persons and 0 notes" in out


def test_link_reports_every_missing_column_at_once(petitions, tmp_path):
    status, out = kv("link", "--codings", petitions["code"], "--notes", petitions["ing"], "--outcome", "passed",
                     "--covariates", "age,school", "--timing", "none", "--out", tmp_path)
    assert status == 2
    assert "outcome 'passed'" in out and "covariates age, school" in out
    assert "reached_goal" in out  # the columns there are


def test_link_default_covariates_are_those_present(petitions, tmp_path):
    status, out = kv("link", "--codings", petitions["code"], "--notes", petitions["ing"], "--outcome", "reached_goal",
                     "--timing", "none", "--n-boot", 20, "--out", tmp_path)
    assert status == 0, out
    assert "covariates: absence_pct, grade_avg, gender not in the indicators, left out" in out
    assoc = read_stage_table(tmp_path, "associations")
    assert (assoc["note_rule"].str.contains("cross-sectional")).all()
    binary = assoc[assoc["indicator_type"] == "binary"]
    assert not binary["interpretation"].dropna().str.contains("adjusted|justeret").any()  # nothing was adjusted for


def test_link_on_a_code_folder_points_to_notes(petitions, tmp_path):
    status, out = kv("link", "--codings", petitions["code"], "--outcome", "reached_goal", "--out", tmp_path)
    assert status == 2
    assert "--notes FOLDER" in out


def test_evaluate_notes_wording_and_strict_json(petitions, tmp_path):
    gold = tmp_path / "gold.csv"
    gold.write_text("note_id,theme_id\nPET00001,health\nPET00002,education\n", encoding="utf-8")
    only = tmp_path / "only.csv"
    only.write_text("note_id\nPET00001\n", encoding="utf-8")
    status, out = kv("evaluate", "--codings", petitions["code"], "--gold", gold, "--notes", only, "--out", tmp_path)
    assert status == 0, out
    assert "1 gold notes are not among the --notes" in out
    text = (tmp_path / "evaluation.json").read_text(encoding="utf-8")
    assert "NaN" not in text
    summary = json.loads(text)
    assert summary["valence_kappa"] is None  # undefined: null, not NaN


def test_run_on_one_note_without_indicators(tmp_path):
    (tmp_path / "notes.csv").write_text("NotatID;ElevID;Dato;Notat\nN1;E1;01-02-2024;Kommer for sent hver dag.\n",
                                        encoding="utf-8")
    (tmp_path / "k.yaml").write_text(f"out: out\nembed: {{name: tfidf, cache_dir: {tmp_path / 'c'}}}\n"
                                     "ingest: {notes: notes.csv}\n", encoding="utf-8")
    status, out = kv("run", "--config", tmp_path / "k.yaml")
    assert status == 0, out
    assert (tmp_path / "out" / "report.html").is_file()


@pytest.mark.slow
def test_discovery_folder_summarize_and_report(petitions, tmp_path):
    disc = tmp_path / "disc"
    status, out = kv("discover", petitions["ing"], "--config", petitions["config"], "--out", disc)
    assert status == 0, out
    status, out = kv("summarize", "--codings", disc, "--notes", petitions["ing"], "--out", tmp_path / "sum")
    assert status == 0, out
    assert (read_stage_table(tmp_path / "sum", "evidence")["valence"] == "neutral").all()
    status, out = kv("report", "--tables", disc, "--out", tmp_path / "topics.html")
    assert status == 0, out
    page = (tmp_path / "topics.html").read_text(encoding="utf-8")
    labels = read_stage_table(disc, "topic_map")["label"]
    assert all(str(lab) in page for lab in labels)


def test_ingest_takes_the_indicator_person_column_its_error_names(tmp_path):
    from .conftest import DATA

    args = ["ingest", DATA / "petitions.csv", "--indicators", DATA / "petition_outcomes.csv",
            "--person-id-col", "author_id", "--text-col", "body", "--note-id-col", "petition_id"]
    status, out = kv(*args, "--out", tmp_path / "a")
    assert status == 2 and "--indicator-person-col" in out
    status, out = kv(*args, "--indicator-person-col", "author_id", "--out", tmp_path / "b")
    assert status == 0, out
    assert len(read_stage_table(tmp_path / "b", "indicators")) == 160


def test_topics_page_from_published_topic_tables(tmp_path):
    import pandas as pd

    from kvalitativ.report.topics import render_topics_report

    topic_map = pd.DataFrame({"theme_id": ["topic_0", "topic_1"], "label": ["Keystone pipeline", "hospital open"],
                              "codebook_label": ["Environment & Climate", None], "similarity": [0.4, None],
                              "is_emergent": [False, True], "n_notes": [150, 3], "n_persons": [150, 3]})
    terms = pd.DataFrame({"theme_id": ["topic_0", "topic_1"], "rank": [1, 1], "term": ["pipeline", "hospital"]})
    page = render_topics_report({"topic_map": topic_map, "topic_terms": terms}, tmp_path / "t.html",
                                meta={"min_cell": 5}).read_text(encoding="utf-8")
    assert "Keystone pipeline" in page and "Environment &amp; Climate" in page
    assert "&lt;5" in page and ">3<" not in page  # a small topic's count is hidden
    assert "ét emne rummer 98%" in page  # one topic holds most notes: said
