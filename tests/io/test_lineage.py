"""A folder built stage by stage says when a table was built from codings (or notes) that have
been written again since, and the report stops rather than mix them (kvalitativ.io.lineage)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kvalitativ.io.lineage import fingerprints, recorded_reads, stale_message, stale_tables
from kvalitativ.io.store import table_path, write_tables
from tests.conftest import SAMPLE


def _write(folder, tables, run_id, read=None):
    return write_tables(folder, tables, run_id, read=read, formats=("parquet",))


def _codings(present: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"note_id": [f"n{i}" for i in range(len(present))], "theme_id": "motivation",
                         "present": present})


def _build(folder: Path) -> None:
    """codings → associations (read codings) → evidence (read associations and codings)."""
    _write(folder, {"codings": _codings([1, 0, 1])}, "r1")
    _write(folder, {"associations": pd.DataFrame({"theme_id": ["motivation"], "or_": [2.0]})}, "r1",
                 read=fingerprints([(folder, "codings")]))
    _write(folder, {"evidence": pd.DataFrame({"theme_id": ["motivation"], "headline": ["x"]})}, "r1",
                 read=fingerprints([(folder, "associations"), (folder, "codings")]))


def test_a_table_records_the_fingerprints_of_what_its_stage_read(tmp_path):
    _build(tmp_path)
    reads = recorded_reads(table_path(tmp_path, "evidence"))
    assert set(reads) == {"associations", "codings"}
    assert reads == fingerprints([(tmp_path, "associations"), (tmp_path, "codings")])
    assert recorded_reads(table_path(tmp_path, "codings")) == {}  # it read nothing from a folder
    assert stale_tables(tmp_path) == []


def test_codings_written_again_make_every_table_built_from_them_stale(tmp_path):
    _build(tmp_path)
    _write(tmp_path, {"codings": _codings([1, 1, 1])}, "r2")
    stale = {s.table: s for s in stale_tables(tmp_path)}
    assert set(stale) == {"associations", "evidence"}
    assert stale["associations"].changed == "codings"
    message = stale_message(tmp_path, list(stale.values()))
    assert "`kvalitativ link`, then `kvalitativ summarize`" in message and "associations" in message


def test_the_same_codings_written_again_are_not_a_change(tmp_path):
    """A stage run again with the same inputs and settings writes the same bytes."""
    _build(tmp_path)
    _write(tmp_path, {"codings": _codings([1, 0, 1])}, "r1")
    assert stale_tables(tmp_path) == []


def test_a_table_built_from_a_stale_table_is_stale_too(tmp_path):
    """evidence read the associations (unchanged) but they were built from old codings."""
    _write(tmp_path, {"codings": _codings([1, 0, 1])}, "r1")
    _write(tmp_path, {"associations": pd.DataFrame({"theme_id": ["m"], "or_": [2.0]})}, "r1",
                 read=fingerprints([(tmp_path, "codings")]))
    _write(tmp_path, {"evidence": pd.DataFrame({"theme_id": ["m"]})}, "r1",
                 read=fingerprints([(tmp_path, "associations")]))
    _write(tmp_path, {"codings": _codings([0, 0, 1])}, "r2")
    stale = {s.table: s for s in stale_tables(tmp_path)}
    assert stale["evidence"].via == "associations" and stale["evidence"].changed == "codings"


def test_inputs_from_other_folders_are_compared_only_with_a_table_of_the_same_name_here(tmp_path):
    _build(tmp_path / "a")
    other = tmp_path / "b"
    _write(other, {"links": pd.DataFrame({"x": [1]})}, "r1", read=fingerprints([(tmp_path / "a", "codings")]))
    assert stale_tables(other) == []  # b has no codings: nothing to compare
    _write(other, {"codings": _codings([0])}, "r9")
    assert [s.table for s in stale_tables(other)] == ["links"]  # b's own codings are not the ones read


def test_a_table_appended_chunk_by_chunk_records_what_was_read(tmp_path):
    from kvalitativ.scale.chunked import TableAppender

    _write(tmp_path, {"corpus": pd.DataFrame({"note_id": ["n1"], "text": ["a"]})}, "r1")
    read = fingerprints([(tmp_path, "corpus")])
    appender = TableAppender(tmp_path, "codings", "r1", read=read)
    appender.append(_codings([1, 0]))
    appender.close(_codings([]))
    assert recorded_reads(table_path(tmp_path, "codings")) == read
    _write(tmp_path, {"corpus": pd.DataFrame({"note_id": ["n2"], "text": ["b"]})}, "r2")
    assert [s.table for s in stale_tables(tmp_path)] == ["codings"]


# ----------------------------------------------------------------------------- through the CLI

def _invoke(args: list[str], capsys) -> tuple[int, str]:
    """The console entry point (errors as exit 2 and one line); (exit status, what it printed)."""
    from kvalitativ.cli import main

    try:
        main(["--quiet", *args])
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    said = capsys.readouterr()
    return status, said.out + said.err


def test_a_report_on_links_of_earlier_codings_stops_and_says_what_to_run(tmp_path, capsys):
    """ingest → code → link → summarize → report; code again with another threshold: code warns,
    the report stops naming link and summarize; coding as before makes the folder whole again."""
    if not (SAMPLE / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated")
    from tests.engines.test_dask_engine import _subset

    paths = _subset(SAMPLE, tmp_path, n_persons=60, n_citizen=1)
    out = tmp_path / "out"
    code = ["code", str(out), "--embedder", "tfidf", "--cache-dir", str(tmp_path / "cache"), "--out", str(out)]
    steps = [["ingest", str(paths["notes"]), "--indicators", str(paths["indicators"]), "--out", str(out)], code,
             ["link", "--codings", str(out), "--out", str(out)],
             ["summarize", "--codings", str(out), "--link", str(out), "--out", str(out)]]
    for args in steps:
        status, said = _invoke(args, capsys)
        assert status == 0, said
        assert "Warning" not in said
    report = ["report", "--tables", str(out), "--out", str(tmp_path / "report.html")]
    assert _invoke(report, capsys)[0] == 0
    import shutil

    shutil.copytree(out, tmp_path / "before")  # the links of the first codings, in a folder of their own

    status, said = _invoke([*code, "--threshold", "0.9"], capsys)
    assert status == 0
    assert "Warning" in said and "associations" in said and "evidence" in said
    marked = pd.read_parquet(out / "parquet" / "stale_tables.parquet")  # for a dashboard reading the folder
    assert {"associations", "evidence"} <= set(marked["table_name"])
    status, said = _invoke(report, capsys)
    assert status == 2
    assert "`kvalitativ link`, then `kvalitativ summarize`" in said and "not written" in said
    status, said = _invoke(["summarize", "--codings", str(out), "--link", str(tmp_path / "before"),
                            "--out", str(tmp_path / "mixed")], capsys)
    assert status == 2 and "other codings than those given beside it" in said

    assert _invoke(code, capsys)[0] == 0  # the first codings again, byte for byte
    assert stale_tables(out) == [] and not (out / "parquet" / "stale_tables.parquet").exists()
    assert _invoke(report, capsys)[0] == 0


def test_tables_that_must_be_of_the_same_codings_are_checked_across_folders(tmp_path):
    """summarize --codings A --link B combined B's associations (of other codings) with A's
    codings and quotes without a word (a new user's trial)."""
    from kvalitativ.errors import InputError
    from kvalitativ.io.lineage import require_built_from

    _build(tmp_path / "b")
    a = tmp_path / "a"
    _write(a, {"codings": _codings([0, 0, 1])}, "r2")
    with pytest.raises(InputError, match="other codings than those given beside it"):
        require_built_from(tmp_path / "b", ["associations"], fingerprints([(a, "codings")]))
    require_built_from(tmp_path / "b", ["associations"], fingerprints([(tmp_path / "b", "codings")]))
    require_built_from(tmp_path / "b", ["codings"], fingerprints([(a, "codings")]))  # records nothing: not judged


def test_link_stops_on_codings_of_other_notes(tmp_path):
    """Codings coded from one ingest, linked with the corpus of another (--notes, or ingest run
    again since): link stops instead of joining notes that are not the ones coded."""
    from kvalitativ.errors import InputError
    from kvalitativ.link.stage import link_from_dirs

    notes = pd.DataFrame({"note_id": ["n1"], "person_id": ["p1"], "date": ["2024-01-01"], "text": ["a"]})
    _write(tmp_path / "a", {"corpus": notes}, "r1")
    _write(tmp_path / "a", {"codings": _codings([1])}, "r1", read=fingerprints([(tmp_path / "a", "corpus")]))
    _write(tmp_path / "b", {"corpus": notes.assign(text="b")}, "r2")
    with pytest.raises(InputError, match="other corpus than those given beside it"):
        link_from_dirs(tmp_path / "a", tmp_path / "out", notes_dir=tmp_path / "b")


def test_link_with_the_hand_codes_the_coder_learned_from_is_cross_fitted_with_that_coder(tmp_path):
    """`code --train X` then `link --human X`: the hand-coded persons carried the codes of a coder
    that learned them, so the 'corrected' OR equalled the uncorrected one (a new user's trial).
    The coding stage records the file and its settings; the link refits that coder per fold."""
    from kvalitativ.config import RunConfig
    from kvalitativ.io.lineage import coder_reads
    from kvalitativ.link.trained import cross_fit_if_trained_on as _cross_fit_if_trained_on

    hand = tmp_path / "hand.csv"
    hand.write_text("note_id,theme_id,p_person\nn1,motivation,1\n", encoding="utf-8")
    _write(tmp_path, {"corpus": pd.DataFrame({"note_id": ["n1"], "person_id": ["p1"], "text": ["a"]})}, "r1")
    coder = RunConfig()
    coder.code.train, coder.code.level, coder.embed.name, coder.seed = str(hand), "note", "static", 7
    _write(tmp_path, {"codings": _codings([1])}, "r1", read=coder_reads(tmp_path, coder))

    linked = _cross_fit_if_trained_on(RunConfig(), tmp_path, hand)
    assert linked.code.train == str(hand) and linked.code.level == "note"
    assert linked.embed.name == "static" and linked.seed == 7
    other = tmp_path / "other.csv"
    other.write_text("note_id,theme_id,p_person\nn9,motivation,1\n", encoding="utf-8")
    assert _cross_fit_if_trained_on(RunConfig(), tmp_path, other).code.train is None  # another file: as given


def test_a_table_written_again_with_another_run_id_only_is_no_change(tmp_path):
    """The run id hashes the whole config: `code --cache-dir` elsewhere, or another report title,
    gave codings equal but for run_id, and the report stopped (a review)."""
    _build(tmp_path)
    _write(tmp_path, {"codings": _codings([1, 0, 1])}, "r-another-config")
    assert stale_tables(tmp_path) == []


def test_a_table_appended_chunk_by_chunk_has_the_digest_of_the_whole():
    import tempfile

    from kvalitativ.io.lineage import content_digest, fingerprint
    from kvalitativ.scale.chunked import ParquetAppender

    frame = _codings([1, 0, 1, 1]).assign(run_id="r1")
    path = Path(tempfile.mkdtemp()) / "codings.parquet"
    appender = ParquetAppender(path)
    appender.append(frame.iloc[:3])
    appender.append(frame.iloc[3:])
    appender.close()
    assert fingerprint(path) == content_digest(frame)


@pytest.mark.slow  # three discovery-stage commands (about 30 s of CPU)
def test_coding_again_after_discovery_makes_the_topic_tables_stale(tmp_path, capsys):
    """`kvalitativ discover` adds its topics to the coding stage's themes and codings; `kvalitativ code`
    run again writes them without the topics. A trial: 12 topic_map rows joined to no theme and the
    warning named only the link and summarize tables."""
    if not (SAMPLE / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated")
    from tests.engines.test_dask_engine import _subset

    paths = _subset(SAMPLE, tmp_path, n_persons=60, n_citizen=1)
    out = tmp_path / "out"
    cache = ["--cache-dir", str(tmp_path / "cache")]
    code = ["code", str(out), "--embedder", "static", *cache, "--out", str(out)]
    discover = ["discover", str(out), "--embedder", "static", *cache, "--codebook", "ungekompetencer",
                "--min-topic-size", "5", "--stability-seeds", "0", "--out", str(out)]
    for args in (["ingest", str(paths["notes"]), "--out", str(out)], code, discover):
        status, said = _invoke(args, capsys)
        assert status == 0, said
    themes = set(pd.read_parquet(out / "parquet" / "themes.parquet")["theme_id"])
    assert set(pd.read_parquet(out / "parquet" / "topic_map.parquet")["theme_id"]) <= themes
    assert stale_tables(out) == []

    status, said = _invoke(code, capsys)
    assert status == 0
    stale = {s.table: s for s in stale_tables(out)}
    assert "topic_map" in stale and stale["topic_map"].changed == "themes"
    assert "Warning" in said and "topic_map" in said and "`kvalitativ discover`" in said
    marked = pd.read_parquet(out / "parquet" / "stale_tables.parquet")
    assert marked.set_index("table_name").loc["topic_map", "rerun"] == "kvalitativ discover"

    assert _invoke(discover, capsys)[0] == 0  # the topics back in themes: nothing stale
    assert stale_tables(out) == [] and not (out / "parquet" / "stale_tables.parquet").exists()


def test_topic_tables_whose_topics_themes_lost_are_stale(tmp_path):
    """The rule behind the command-level test above, on tables alone."""
    themes = pd.DataFrame({"theme_id": ["motivation", "topic_1"], "origin": ["codebook", "discovered"]})
    _write(tmp_path, {"themes": themes, "topic_map": pd.DataFrame({"theme_id": ["topic_1"], "size": [12]}),
                      "topic_terms": pd.DataFrame({"theme_id": ["topic_1"], "term": ["skema"]})}, "r1")
    assert stale_tables(tmp_path) == []
    _write(tmp_path, {"themes": themes.iloc[:1]}, "r2")  # `kvalitativ code` again: the codebook's themes only
    stale = stale_tables(tmp_path)
    assert [(s.table, s.changed) for s in stale] == [("topic_map", "themes"), ("topic_terms", "themes")]
    assert "`kvalitativ discover`" in stale_message(tmp_path, stale)


def test_stale_citizen_tables_name_the_option_that_rebuilds_them(tmp_path):
    """A review: `summarize` without --citizen leaves citizen_* stale, and "run `kvalitativ summarize`"
    did not clear them."""
    _write(tmp_path, {"codings": _codings([1, 0, 1])}, "r1")
    _write(tmp_path, {"citizen_evidence": pd.DataFrame({"theme_id": ["m"]})}, "r1",
           read=fingerprints([(tmp_path, "codings")]))
    _write(tmp_path, {"codings": _codings([0, 0, 1])}, "r2")
    assert "`kvalitativ summarize --citizen FOLDER`" in stale_message(tmp_path, stale_tables(tmp_path))


def test_hand_codes_from_another_file_that_share_notes_with_the_training_codes_stop_the_link(tmp_path):
    """`code --train rev1/…` then `link --human rev2/…`, the same sheet imported again under another
    name: the file differed, so the correction was not cross-fitted and its intervals came out too
    narrow with no word said (a new user's trial: 6 instead of 2 rows with corrected q < 0.05).
    The coding stage now records the trained notes; hand codes sharing any of them stop the link
    unless `--train` names the training file, which must be the one the coder read."""
    from kvalitativ.config import RunConfig
    from kvalitativ.errors import InputError
    from kvalitativ.io.lineage import coder_reads, trained_notes
    from kvalitativ.link.crossfit import HumanCodes
    from kvalitativ.link.trained import cross_fit_if_trained_on as _cross_fit_if_trained_on
    from kvalitativ.link.trained import require_cross_fit as _require_cross_fit

    hand = tmp_path / "hand.csv"
    hand.write_text("note_id,theme_id,p_person\nn1,motivation,0.5\nn2,uncoded,0.5\n", encoding="utf-8")
    _write(tmp_path, {"corpus": pd.DataFrame({"note_id": ["n1", "n2"], "person_id": ["p1", "p2"], "text": ["a", "b"]})},
           "r1")
    coder = RunConfig()
    coder.code.train, coder.code.level = str(hand), "note"
    _write(tmp_path, {"codings": _codings([1, 0])}, "r1", read=coder_reads(tmp_path, coder))
    assert trained_notes(tmp_path) == {"n1", "n2"}

    again = pd.DataFrame({"note_id": ["n2", "n1"], "theme_id": ["uncoded", "motivation"], "p_person": [0.5, 0.5],
                          "source_file": "sheet_final.xlsx"})  # the same codes, imported again
    with pytest.raises(InputError, match=r"share 2 of their 2 notes with .*--train FILE"):
        _require_cross_fit(HumanCodes(again, "human_codings"), tmp_path)
    _require_cross_fit(HumanCodes(again.assign(note_id=["n8", "n9"]), "other"), tmp_path)  # no shared note: as given
    _require_cross_fit(HumanCodes(again.drop(columns="p_person"), "plain"), tmp_path)  # no design: no correction made
    _require_cross_fit(HumanCodes(again, "trained", train=again), tmp_path)  # the training codes known: cross-fitted

    linked = _cross_fit_if_trained_on(RunConfig(), tmp_path, None, hand)
    assert linked.code.train == str(hand) and linked.code.level == "note"
    copy = tmp_path / "copy.csv"
    copy.write_text(hand.read_text(encoding="utf-8") + "n3,motivation,0.5\n", encoding="utf-8")
    with pytest.raises(InputError, match="not the file the codings"):
        _cross_fit_if_trained_on(RunConfig(), tmp_path, None, copy)
    untrained = tmp_path / "untrained"
    _write(untrained, {"codings": _codings([1, 0])}, "r1")
    with pytest.raises(InputError, match="were not trained on hand codes"):
        _cross_fit_if_trained_on(RunConfig(), untrained, None, hand)
    # code.train in the config must be what the codings learned from, else the hand-coded persons
    # would get another coder's codes than everyone else (a review)
    other = RunConfig()
    other.code.train = str(copy)
    with pytest.raises(InputError, match="not the file the codings"):
        _cross_fit_if_trained_on(other, tmp_path, None)
    with pytest.raises(InputError, match="were not trained on hand codes"):
        _cross_fit_if_trained_on(other, untrained, None)
    same = RunConfig()
    same.code.train = str(hand)
    assert _cross_fit_if_trained_on(same, tmp_path, None) is same


def test_a_coder_trained_on_the_folders_own_human_codings_table_is_cross_fitted_without_flags(tmp_path):
    """`review import --out out/`, `code out/ --train out/work/human_codings.parquet --out out/`, then
    plain `link --codings out/`: the hand codes are that very table, so the link refits the coder
    itself instead of stopping for --train."""
    from kvalitativ.config import RunConfig
    from kvalitativ.io.lineage import coder_reads
    from kvalitativ.io.paths import stored_parquet
    from kvalitativ.link.trained import cross_fit_if_trained_on as _cross_fit_if_trained_on
    from kvalitativ.link.trained import human_source as _human_source

    _write(tmp_path, {"corpus": pd.DataFrame({"note_id": ["n1"], "person_id": ["p1"], "text": ["a"]})}, "r1")
    codes = pd.DataFrame({"note_id": ["n1"], "theme_id": ["motivation"], "coder": ["a"], "present": [1],
                          "p_person": [0.5]})
    _write(tmp_path, {"human_codings": codes}, "r1")
    table = stored_parquet(tmp_path, "human_codings")
    coder = RunConfig()
    coder.code.train, coder.code.level = str(table), "note"
    _write(tmp_path, {"codings": _codings([1])}, "r1", read=coder_reads(tmp_path, coder))
    source = _human_source(RunConfig(), [tmp_path, tmp_path], None)
    assert source == table
    linked = _cross_fit_if_trained_on(RunConfig(), tmp_path, source)
    assert linked.code.train == str(table) and linked.code.level == "note"
