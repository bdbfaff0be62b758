"""`kvalitativ code` and `kvalitativ evaluate` end to end (tfidf embedder, a small export)."""

from __future__ import annotations

import json

import pandas as pd
import yaml
from click.testing import CliRunner

import pytest

from kvalitativ.cli import cli, main
from kvalitativ.io.store import read_stage_table

from .conftest import CODEBOOK, make_corpus


def _files(tmp_path):
    corpus, gold = make_corpus(80, seed=4)
    notes = tmp_path / "notes.csv"
    corpus.rename(columns={"note_id": "NotatID", "person_id": "ElevID", "text": "Notat"}).assign(
        Dato="01-02-2023").to_csv(notes, sep=";", index=False)
    (tmp_path / "mini.yaml").write_text(yaml.safe_dump(CODEBOOK, allow_unicode=True), encoding="utf-8")
    gold.to_csv(tmp_path / "gold.csv", index=False)
    return notes, tmp_path / "mini.yaml", tmp_path / "gold.csv", corpus, gold


def _code_zero_shot(tmp_path, notes, cb):
    """``kvalitativ code`` (tfidf) into tmp_path/out: (the out folder, the runner, its result)."""
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(cli, ["code", str(notes), "--codebook", str(cb), "--embedder", "tfidf", "--out", str(out),
                               "--cache-dir", str(tmp_path / "cache")])
    assert res.exit_code == 0, res.output
    return out, runner, res


def test_code_then_evaluate(tmp_path):
    notes, cb, gold_path, corpus, _ = _files(tmp_path)
    out, runner, res = _code_zero_shot(tmp_path, notes, cb)
    assert "notes coded" in res.output
    codings = read_stage_table(out, "codings")
    themes = read_stage_table(out, "themes")
    assert set(codings["note_id"]) == set(corpus["note_id"])
    assert set(themes["theme_id"]) == {"moedestabilitet", "motivation", "mobning"}
    assert codings["run_id"].nunique() == 1
    res = runner.invoke(cli, ["evaluate", "--codings", str(out), "--gold", str(gold_path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "macro-F1" in res.output
    summary = json.loads((out / "evaluation.json").read_text())
    assert summary["n_notes"] == 80 and summary["micro_f1"] > 0.5
    assert len(read_stage_table(out, "evaluation")) == 3


def test_evaluate_leaves_topics_out_and_refuses_a_gold_that_does_not_fit(tmp_path, capsys):
    """Codings of discovered topics are no gold themes (they scored as false positives); a gold
    file of other notes or other themes stops with exit 2 instead of printing 0 or nan."""
    notes, cb, gold_path, corpus, gold = _files(tmp_path)
    out, runner, res = _code_zero_shot(tmp_path, notes, cb)
    codings = read_stage_table(out, "codings")
    plain = runner.invoke(cli, ["evaluate", "--codings", str(out), "--gold", str(gold_path)])
    topics = codings.head(40).assign(theme_id="topic_0", method="topic")
    pd.concat([codings, topics]).to_csv(tmp_path / "with_topics.csv", index=False)
    mixed = runner.invoke(cli, ["evaluate", "--codings", str(tmp_path / "with_topics.csv"), "--gold", str(gold_path)])
    assert mixed.exit_code == 0, mixed.output
    assert "40 codings of discovered topics were left out" in mixed.output
    assert mixed.output.split("notes ")[-1].split("\n")[0] == plain.output.split("notes ")[-1].split("\n")[0]
    gold.assign(note_id="X" + gold["note_id"]).to_csv(tmp_path / "other_notes.csv", index=False)
    gold.assign(theme_id="andet").to_csv(tmp_path / "other_themes.csv", index=False)
    for name, says in (("other_notes.csv", "no note of the gold file"), ("other_themes.csv", "no theme of the gold file")):
        with pytest.raises(SystemExit) as exc:
            main(["evaluate", "--codings", str(out), "--gold", str(tmp_path / name)])
        assert exc.value.code == 2
        assert says in capsys.readouterr().err


def test_supervised_from_human_codes(tmp_path, capsys):
    notes, cb, _, corpus, gold = _files(tmp_path)
    train = gold[gold["note_id"] < "N040"]
    coded = set(train["note_id"])
    uncoded = [n for n in corpus["note_id"] if n < "N040" and n not in coded]
    train = pd.concat([train, pd.DataFrame({"note_id": uncoded, "theme_id": "uncoded"})])
    train.to_csv(tmp_path / "train.csv", index=False)
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["code", str(notes), "--codebook", str(cb), "--train", str(tmp_path / "train.csv"),
                                    "--embedder", "tfidf", "--level", "note", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "supervised" in res.output
    codings = read_stage_table(out, "codings")
    assert (codings["method"] == "supervised").all()
    assert codings["segment_id"].str.endswith(":note").all()
    # evaluate warns that the trained-on notes score too; --exclude leaves them out
    gold_path = tmp_path / "gold.csv"
    warned = CliRunner().invoke(cli, ["evaluate", "--codings", str(out), "--gold", str(gold_path)])
    assert warned.exit_code == 0, warned.output
    assert "Caution: these codings come from a coder trained on hand codes" in warned.output
    assert "notes 80," in warned.output
    # --notes with every note (training notes included) is no way round it (a new user's trial)
    corpus[["note_id"]].to_csv(tmp_path / "all_notes.csv", index=False)
    with_notes = CliRunner().invoke(cli, ["evaluate", "--codings", str(out), "--gold", str(gold_path),
                                          "--notes", str(tmp_path / "all_notes.csv")])
    assert "Caution: these codings come from a coder trained on hand codes" in with_notes.output
    left = CliRunner().invoke(cli, ["evaluate", "--codings", str(out), "--gold", str(gold_path),
                                    "--exclude", str(tmp_path / "train.csv"), "--out", str(tmp_path / "ev")])
    assert left.exit_code == 0, left.output
    assert "Caution" not in left.output and "40 notes of train.csv were left out" in left.output
    summary = json.loads((tmp_path / "ev" / "evaluation.json").read_text())
    assert summary["n_notes"] == 40  # N040–N079 only
    pd.DataFrame({"id": ["N001"]}).to_csv(tmp_path / "no_ids.csv", index=False)
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "--codings", str(out), "--gold", str(gold_path), "--exclude", str(tmp_path / "no_ids.csv")])
    assert exc.value.code == 2 and "has no note_id column" in capsys.readouterr().err


def test_bad_codebook_is_exit_2(tmp_path, capsys):
    notes, *_ = _files(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["code", str(notes), "--codebook", "nope", "--embedder", "tfidf", "--out", str(tmp_path / "o")])
    assert exc.value.code == 2
    assert "shipped" in capsys.readouterr().err


def test_code_exclusive_from_the_command_and_the_config(tmp_path):
    notes, cb, _, corpus, _ = _files(tmp_path)
    runner = CliRunner()
    outs = {}
    for name, extra in (("flag", ["--exclusive"]), ("multi", ["--threshold", "0.05"]),
                        ("flagged_low", ["--exclusive", "--threshold", "0.05"])):
        out = tmp_path / name
        res = runner.invoke(cli, ["code", str(notes), "--codebook", str(cb), "--embedder", "tfidf", "--out", str(out),
                                   "--level", "note", "--cache-dir", str(tmp_path / "cache")] + extra)
        assert res.exit_code == 0, res.output
        outs[name] = read_stage_table(out, "codings")
    assert not outs["flag"]["note_id"].duplicated().any()  # one row per note: its theme or 'uncoded'
    assert not outs["flagged_low"]["note_id"].duplicated().any()
    assert outs["multi"]["note_id"].duplicated().any()
    # the config's code.exclusive does the same as the flag
    cfg = tmp_path / "k.yaml"
    cfg.write_text(yaml.safe_dump({"code": {"exclusive": True, "level": "note", "codebook": str(cb)},
                                   "embed": {"name": "tfidf"}}), encoding="utf-8")
    out = tmp_path / "cfg"
    res = runner.invoke(cli, ["code", str(notes), "--config", str(cfg), "--out", str(out),
                              "--cache-dir", str(tmp_path / "cache")])
    assert res.exit_code == 0, res.output
    got = read_stage_table(out, "codings")
    pd.testing.assert_frame_equal(got.drop(columns="run_id"), outs["flag"].drop(columns="run_id"))


def test_a_missing_text_column_names_options_that_exist(tmp_path, capsys):
    """The message named --text-col, which code and discover do not have (a new user's trial)."""
    pd.DataFrame({"note_id": ["n1", "n2"], "Dato": ["2024-01-01", "2024-01-02"]}).to_csv(tmp_path / "x.csv",
                                                                                       index=False)
    with pytest.raises(SystemExit) as exc:
        main(["code", str(tmp_path / "x.csv"), "--embedder", "tfidf", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "ingest.columns.text (--config)" in err and "kvalitativ ingest --text-col" in err


def test_a_coding_stage_reads_the_hand_codes_once(tmp_path, monkeypatch):
    """The fit rows and the supervised coder share one read of code.train (it was read twice)."""
    import kvalitativ.io.readers as readers
    from kvalitativ.coding.stage import code_corpus
    from kvalitativ.config import RunConfig

    _, cb, _, corpus, gold = _files(tmp_path)
    gold[gold["note_id"] < "N040"].to_csv(tmp_path / "train.csv", index=False)
    config = RunConfig()
    config.embed.name, config.embed.cache_dir, config.code.level = "tfidf", str(tmp_path / "cache"), "note"
    reads, real = [], readers.read_table
    monkeypatch.setattr(readers, "read_table", lambda path, *a, **k: reads.append(str(path)) or real(path, *a, **k))
    codings, _ = code_corpus(corpus, str(cb), config, "r1", train=str(tmp_path / "train.csv"), progress=False)
    assert reads.count(str(tmp_path / "train.csv")) == 1
    assert (codings["method"] == "supervised").all()


def _sheet_rows(codes: pd.DataFrame, themes: list[str], coder: str = "anna") -> pd.DataFrame:
    """``codes`` as review import's human_codings: every theme of every note, present true/false."""
    have = set(zip(codes["note_id"], codes["theme_id"]))
    notes = sorted(codes["note_id"].unique())
    return pd.DataFrame([{"coder": coder, "note_id": n, "theme_id": t, "present": (n, t) in have}
                         for n in notes for t in themes])


def test_human_codings_count_only_what_was_ticked(tmp_path):
    """The present = false rows of review import's human_codings are no codes: evaluate scored
    every sheet theme as gold (micro-F1 0.075 instead of 0.68) and code --train saw every theme
    on every note (a new user's trial)."""
    from kvalitativ.coding import evaluate_codings, training_from_codes

    notes, cb, gold_path, corpus, gold = _files(tmp_path)
    out, runner, _ = _code_zero_shot(tmp_path, notes, cb)
    codings = read_stage_table(out, "codings")
    themes = ["moedestabilitet", "motivation", "mobning"]
    sheet = _sheet_rows(gold, themes)
    assert not sheet["present"].all()
    as_file = evaluate_codings(codings, gold)[1]
    as_sheet = evaluate_codings(codings, sheet)[1]
    assert as_sheet["micro_f1"] == as_file["micro_f1"] and as_sheet["mean_kappa"] == as_file["mean_kappa"]
    sheet.assign(present=sheet["present"].map({True: "True", False: "False"})).to_csv(tmp_path / "s.csv", index=False)
    from kvalitativ.io.readers import read_table

    assert evaluate_codings(codings, read_table(tmp_path / "s.csv"))[1]["micro_f1"] == as_file["micro_f1"]
    _, ys_file, _ = training_from_codes(corpus, gold)
    _, ys_sheet, _ = training_from_codes(corpus, sheet)
    assert ys_sheet == ys_file


def test_the_order_of_the_hand_codes_does_not_change_the_model(tmp_path):
    """The same codes in another row order gave another model (micro-F1 0.738 vs 0.761)."""
    from kvalitativ.coding import training_from_codes

    _, _, _, corpus, gold = _files(tmp_path)
    shuffled = gold.sample(frac=1.0, random_state=3)
    assert training_from_codes(corpus, shuffled) == training_from_codes(corpus, gold)


def test_train_without_note_id_is_exit_2(tmp_path, capsys):
    notes, cb, *_ = _files(tmp_path)
    pd.DataFrame({"id": ["N001"], "theme": ["motivation"]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(SystemExit) as exc:
        main(["code", str(notes), "--codebook", str(cb), "--train", str(tmp_path / "bad.csv"), "--embedder", "tfidf",
              "--out", str(tmp_path / "o")])
    assert exc.value.code == 2 and "missing column 'note_id'" in capsys.readouterr().err


def test_the_code_command_reads_the_hand_codes_once(tmp_path, monkeypatch):
    """The command read --train for its mode line and again in the stage."""
    import kvalitativ.io.readers as readers

    notes, cb, _, _, gold = _files(tmp_path)
    gold[gold["note_id"] < "N040"].to_csv(tmp_path / "train.csv", index=False)
    reads, real = [], readers.read_table
    monkeypatch.setattr(readers, "read_table", lambda path, *a, **k: reads.append(str(path)) or real(path, *a, **k))
    res = CliRunner().invoke(cli, ["code", str(notes), "--codebook", str(cb), "--train", str(tmp_path / "train.csv"),
                                   "--embedder", "tfidf", "--level", "note", "--out", str(tmp_path / "o"),
                                   "--cache-dir", str(tmp_path / "cache")])
    assert res.exit_code == 0, res.output
    assert reads.count(str(tmp_path / "train.csv")) == 1


def test_evaluate_finds_citizen_codings_in_a_run_folder_and_says_the_gold_has_no_valence(tmp_path, capsys):
    """A run folder with citizen input: a citizen gold scores citizen_codings (it stopped with
    'no note of the gold file'); a gold without valence says so instead of 'accuracy nan'."""
    notes, cb, gold_path, corpus, gold = _files(tmp_path)
    out, runner, _ = _code_zero_shot(tmp_path, notes, cb)
    codings = read_stage_table(out, "codings")
    run = tmp_path / "run"
    (run / "parquet").mkdir(parents=True)
    codings.assign(note_id="S" + codings["note_id"]).to_parquet(run / "parquet" / "codings.parquet")
    codings.to_parquet(run / "parquet" / "citizen_codings.parquet")
    res = runner.invoke(cli, ["evaluate", "--codings", str(run), "--gold", str(gold_path)])
    assert res.exit_code == 0, res.output
    assert "scored citizen_codings" in res.output
    direct = runner.invoke(cli, ["evaluate", "--codings", str(run / "parquet" / "citizen_codings.parquet"),
                                 "--gold", str(gold_path)])
    assert res.output.split("notes ")[-1].split("\n")[0] == direct.output.split("notes ")[-1].split("\n")[0]
    gold.drop(columns="valence", errors="ignore").to_csv(tmp_path / "no_valence.csv", index=False)
    plain = runner.invoke(cli, ["evaluate", "--codings", str(out), "--gold", str(tmp_path / "no_valence.csv")])
    assert plain.exit_code == 0, plain.output
    assert "the gold has no valence" in plain.output and "accuracy nan" not in plain.output
    codings.to_parquet(run / "parquet" / "codings.parquet")  # the gold's notes in both tables
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "--codings", str(run), "--gold", str(gold_path)])
    assert exc.value.code == 2 and "citizen_codings.parquet" in capsys.readouterr().err
    assert "citizen_codings" in runner.invoke(cli, ["evaluate", "--help"]).output
