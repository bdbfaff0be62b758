"""The sample-corpus generator: determinism, file contracts, gold spans, planted identifiers and effects."""

from __future__ import annotations

import csv
import filecmp
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from scripts.tools import keyword_baseline, make_sample_corpus

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpora" / "sample"


msc = make_sample_corpus
kb = keyword_baseline


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small")
    msc.write_corpus(out, n_persons=120, n_citizen=60)
    return out


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    """A fresh generation at the committed size (about a second)."""
    out = tmp_path_factory.mktemp("full")
    msc.write_corpus(out)
    return out


def _notes(d: Path) -> pd.DataFrame:
    return pd.read_csv(d / "notes.csv", sep=";", dtype=str, keep_default_na=False)


def test_two_runs_are_byte_identical(small, tmp_path):
    msc.write_corpus(tmp_path, n_persons=120, n_citizen=60)
    files = sorted(p.name for p in small.iterdir())
    assert files == sorted(p.name for p in tmp_path.iterdir())
    assert {"notes.csv", "gold_codings.csv", "indicators.csv", "citizen_input.csv", "gold_citizen_codings.csv",
            "pii_planted.csv", "ground_truth.json", "GROUND_TRUTH.md", "README.md", "person_traits.csv"} <= set(files)
    for name in files:
        assert filecmp.cmp(small / name, tmp_path / name, shallow=False), name


def test_other_seed_gives_other_notes(small, tmp_path):
    msc.write_corpus(tmp_path, seed=7, n_persons=120, n_citizen=0)
    assert (small / "notes.csv").read_bytes() != (tmp_path / "notes.csv").read_bytes()


def test_committed_corpus_equals_fresh_generation(full):
    if not (SAMPLE / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated yet")
    for f in sorted(full.iterdir()):
        assert filecmp.cmp(f, SAMPLE / f.name, shallow=False), (
            f"corpora/sample/{f.name} differs from the generator: run "
            "`python scripts/tools/make_sample_corpus.py --out corpora/sample`")


def test_notes_look_like_a_case_system_export(full):
    raw = (full / "notes.csv").read_text(encoding="utf-8")
    assert raw.splitlines()[0] == "NotatID;ElevID;Navn;Skole;Dato;Faggruppe;Notat"
    notes = _notes(full)
    assert 3500 <= len(notes) <= 4500
    assert 850 <= notes["ElevID"].nunique() <= 900
    assert notes["Skole"].nunique() == 12
    assert notes["NotatID"].str.fullmatch(r"N\d{6}").all() and notes["NotatID"].is_unique
    assert notes["ElevID"].str.fullmatch(r"E\d{5}").all()
    assert set(notes["Faggruppe"]) == {"Lærer", "UU-vejleder", "KUI-vejleder", "Mentor", "SSP-medarbejder",
                                       "AKT-medarbejder", "Kontaktperson"}
    dashed = notes["Dato"].str.fullmatch(r"\d\d-\d\d-\d{4}")
    dotted = notes["Dato"].str.fullmatch(r"\d\d\.\d\d\.\d{4}")
    assert (dashed | dotted).all() and 0.03 < dotted.mean() < 0.3
    years = notes["Dato"].str[-4:].astype(int)
    assert years.min() == 2018 and years.max() == 2025
    # one name per person
    assert (notes.groupby("ElevID")["Navn"].nunique() == 1).all()
    assert notes["Notat"].str.contains("\n").any()


def test_notes_have_one_to_six_sentences_about_14_to_24_year_olds():
    notes = [n for _, chunk in msc.iter_note_chunks(5, n_persons=300) for n in chunk]
    ages = [msc._years(n.person.born, n.when) for n in notes]
    assert min(ages) >= 14 and max(ages) <= 24
    counts = [n.n_sentences for n in notes]
    assert min(counts) == 1 and max(counts) == 6
    assert 1.8 < sum(counts) / len(counts) < 3.5


def test_register_and_language_variety(full):
    text = " ".join(_notes(full)["Notat"])
    for abbr in ("pga.", "ift.", "mht.", "evt.", "UU"):
        assert abbr in text
    assert "Ingen problemer med fremmødet" in text
    assert "Poor attendance" in text or "Good attendance" in text or "Not thriving" in text
    assert "Møde aflyst, ny tid sendt i e-Boks." in text


def test_gold_spans_point_at_sentences_of_the_note(full):
    notes = _notes(full).set_index("NotatID")["Notat"]
    gold = pd.read_csv(full / "gold_codings.csv")
    assert list(gold.columns) == ["note_id", "theme_id", "valence", "start", "end", "after_outcome"]
    assert set(gold["theme_id"]) == set(msc.F.THEME_LABELS)
    assert set(gold["valence"]) == {"strength", "concern"}
    assert not gold.duplicated(["note_id", "theme_id", "valence"]).any()
    for row in gold.itertuples():
        text = notes[row.note_id]
        span = text[row.start:row.end]
        assert 0 <= row.start < row.end <= len(text) and span.strip() == span and len(span) > 8
        assert row.start == 0 or text[row.start - 1] in " \n"
    # negation is a strength, not a concern
    hits = [(n, t) for n, t in notes.items() if "Ingen problemer med fremmødet" in t]
    coded = gold.set_index(["note_id", "theme_id"])["valence"]
    assert hits and all(coded.get((n, "moedestabilitet")) == "strength" for n, _ in hits)
    # multi-theme notes and notes without any theme both exist
    per_note = gold.groupby("note_id").size()
    assert (per_note >= 2).sum() > 500
    assert 0.1 < 1 - len(per_note) / len(notes) < 0.35


def test_every_theme_valence_has_many_paraphrases(full):
    for key in msc.TRAITS:
        assert len(msc.F.DA[key]) >= 11, key
        assert msc.count_phrasings(msc.F.DA[key]) >= 30, key
        assert key in msc.F.EN, key
    gold = pd.read_csv(full / "gold_codings.csv")
    notes = _notes(full).set_index("NotatID")["Notat"]
    for (theme, valence), rows in gold[gold.after_outcome == 0].groupby(["theme_id", "valence"]):
        distinct = {notes[r.note_id][r.start:r.end].lower() for r in rows.itertuples()}
        assert len(distinct) >= 30, (theme, valence)


def test_exposure_rule_and_notes_after_outcome(full):
    notes = _notes(full)
    notes["when"] = pd.to_datetime(notes["Dato"].str.replace(".", "-", regex=False), format="%d-%m-%Y")
    gold = pd.read_csv(full / "gold_codings.csv").merge(notes, left_on="note_id", right_on="NotatID")
    ind = pd.read_csv(full / "indicators.csv", dtype={"national_test_5th": str}, keep_default_na=False)
    assert list(ind.columns)[:9] == ["person_id", "dropout", "outcome_date", "absence_pct", "grade_avg",
                                     "national_test_5th", "gender", "age", "school"]
    assert ind["person_id"].is_unique and set(ind["person_id"]) == set(notes["ElevID"])
    gold = gold.merge(ind[["person_id", "outcome_date"]], left_on="ElevID", right_on="person_id")
    outcome = pd.to_datetime(gold["outcome_date"])
    assert ((gold["when"] < outcome) == (gold["after_outcome"] == 0)).all()
    assert (gold["after_outcome"] == 1).sum() > 50
    traits = pd.read_csv(full / "person_traits.csv")
    before = gold[gold.after_outcome == 0][["person_id", "theme_id", "valence"]].drop_duplicates()
    assert len(before) == len(traits)
    assert set(map(tuple, before.values)) == set(map(tuple, traits[["person_id", "theme_id", "valence"]].values))
    truth = __import__("json").loads((full / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["dropout_window_months"] == 15 and truth["seed"] == msc.SEED
    assert set(truth["notes_after_outcome"]["note_ids"]) == set(notes.merge(
        ind, left_on="ElevID", right_on="person_id").query("when > outcome_date")["NotatID"])


def test_indicators_are_plausible_and_planted_effects_show(full):
    ind = pd.read_csv(full / "indicators.csv", dtype={"national_test_5th": str}, keep_default_na=False)
    assert 0.12 < ind["dropout"].mean() < 0.28
    assert ind["grade_avg"].between(-3, 12).all() and ind["grade_avg"].between(2, 10).mean() > 0.8
    assert ind["absence_pct"].between(0, 100).all()
    assert set(ind["national_test_5th"]) <= {"", "0-20", "21-40", "41-60", "61-80", "81-100"}
    assert set(ind["gender"]) == {"K", "M"} and ind["age"].between(14, 24).all()
    assert ind["school"].nunique() == 6
    for start, out in zip(ind["start_date"], ind["outcome_date"]):
        s, o = date.fromisoformat(start), date.fromisoformat(out)
        assert s < o <= msc.add_months(s, 15)
    traits = pd.read_csv(full / "person_traits.csv")

    def odds_ratio(theme, valence):
        ids = set(traits.query("theme_id == @theme and valence == @valence")["person_id"])
        has = ind["person_id"].isin(ids)
        a, b = ind.dropout[has].sum(), (1 - ind.dropout[has]).sum()
        c, d = ind.dropout[~has].sum(), (1 - ind.dropout[~has]).sum()
        return (a * d) / (b * c), has.mean()

    or_att, prev = odds_ratio("moedestabilitet", "concern")
    assert or_att > 2.0 and 0.15 < prev < 0.3
    assert odds_ratio("motivation", "concern")[0] > 1.5
    assert odds_ratio("valgparathed", "strength")[0] < 0.75


def test_planted_effects_are_sized_for_900_persons():
    # drawn again with other seeds, every planted effect's adjusted 95 % interval excludes 1
    # (the linking test asserts that for the committed seed; this keeps it from being luck)
    rows = msc.power(n_seeds=40)
    assert {(r["theme_id"], r["valence"]) for r in rows} == set(msc.PLANTED) and len(rows) == 5
    for r in rows:
        assert r["power"] >= 0.9 and r["coverage"] >= 0.9, r


def test_planted_identifiers_are_where_the_list_says(full):
    notes = _notes(full).set_index("NotatID")["Notat"]
    citizen = pd.read_csv(full / "citizen_input.csv", sep=";", dtype=str).set_index("HenvendelsesID")["Tekst"]
    pii = pd.read_csv(full / "pii_planted.csv", dtype=str, keep_default_na=False)
    assert list(pii.columns)[:3] == ["note_id", "type", "value"]
    assert set(pii["type"]) == {"CPR", "TELEFON", "EMAIL", "ADRESSE", "NAVN"}
    for row in pii.itertuples():
        text = notes[row.note_id] if row.note_id.startswith("N") else citizen[row.note_id]
        assert text[int(row.start):int(row.end)] == row.value
    share = pii[pii.note_id.str.startswith("N")]["note_id"].nunique() / len(notes)
    assert 0.02 < share < 0.15
    cpr = pii[pii.type == "CPR"]["value"]
    assert cpr.str.contains("-").any() and cpr.str.fullmatch(r"\d{10}").any() and cpr.str.contains(" ").any()
    digits = cpr.str.replace(r"\D", "", regex=True)
    for d in digits:
        datetime.strptime(d[:6], "%d%m%y")  # a real birth date
    ok = digits.map(msc.cpr_mod11_ok)
    assert ok.any() and (~ok).any()
    phones = pii[pii.type == "TELEFON"]["value"]
    assert phones.str.fullmatch(r"\d{8}").any() and phones.str.fullmatch(r"\d\d \d\d \d\d \d\d").any()
    assert phones.str.startswith(("+45", "0045")).any()
    assert pii[pii.type == "EMAIL"]["value"].str.contains(r"@[\w.]*example\.").all()
    addresses = pii[pii.type == "ADRESSE"]["value"]
    assert addresses.str.contains(r", \d{4} ").any() and (~addresses.str.contains(r"\d{4} ")).any()
    # the young person's own name (from Navn) appears in some notes and is listed
    names = _notes(full).set_index("NotatID")["Navn"]
    own = pii[(pii.type == "NAVN") & pii.note_id.str.startswith("N")]
    own = own[[v in names[n] for n, v in zip(own.note_id, own.value)]]
    assert len(own) > 50


def test_citizen_input(full):
    raw = (full / "citizen_input.csv").read_text(encoding="utf-8")
    assert raw.splitlines()[0] == "HenvendelsesID;Dato;Kanal;Type;Bydel;Tekst"
    c = pd.read_csv(full / "citizen_input.csv", sep=";", dtype=str)
    assert len(c) == 800 and c["HenvendelsesID"].is_unique
    assert set(c["Type"]) == {"forslag", "klage", "høringssvar"}
    assert set(c["Kanal"]) == {"e-mail", "borger.dk-formular", "telefonnotat", "borgermøde", "app"}
    g = pd.read_csv(full / "gold_citizen_codings.csv")
    assert list(g.columns)[:2] == ["note_id", "theme_id"]
    assert set(g["theme_id"]) == set(msc.F.CITIZEN_LABELS)
    texts = c.set_index("HenvendelsesID")["Tekst"]
    assert all(len(texts[r.note_id][r.start:r.end]) > 10 for r in g.itertuples())


def test_generate_notes_gives_exactly_n_rows_deterministically():
    a = msc.generate_notes(1000, seed=3)
    b = msc.generate_notes(1000, seed=3)
    assert list(a.columns) == msc.NOTE_COLUMNS and len(a) == 1000
    assert a.equals(b) and a["NotatID"].is_unique
    chunks = list(msc.iter_notes(1000, seed=3, chunk_size=300))
    assert [len(x) for x in chunks] == [300, 300, 300, 100]
    assert pd.concat(chunks, ignore_index=True).equals(a)


def test_n_notes_corpus_is_consistent(tmp_path):
    msc.write_corpus(tmp_path, n_persons=None, n_notes=700, n_citizen=0, docs=False)
    notes = _notes(tmp_path)
    ind = pd.read_csv(tmp_path / "indicators.csv")
    assert len(notes) == 700 and set(ind["person_id"]) == set(notes["ElevID"])
    assert not (tmp_path / "citizen_input.csv").exists()


def test_cli_check(tmp_path):
    assert msc.main(["--out", str(tmp_path), "--scale", "0.1"]) == 0
    assert msc.main(["--out", str(tmp_path), "--scale", "0.1", "--check"]) == 0
    with open(tmp_path / "notes.csv", "a", encoding="utf-8") as fh:
        fh.write("N999999;E99999;X;Y;01-01-2020;Lærer;tampered\n")
    assert msc.main(["--out", str(tmp_path), "--scale", "0.1", "--check"]) == 1


def test_keyword_baseline_is_clearly_imperfect(full):
    score = kb.evaluate(full / "notes.csv", full / "gold_codings.csv", kb.load_labels("ungekompetencer"))
    assert 0.02 < score["micro_f1"] < 0.6 and score["macro_f1"] < 0.6
    assert kb.match("Ingen problemer med fremmødet", kb.label_stems(kb.load_labels("ungekompetencer"))) == set()
    assert kb.match("Mangler motivationen", kb.label_stems(kb.load_labels("ungekompetencer"))) == {"motivation"}


def test_keyword_baseline_reads_codebook_labels(tmp_path):
    cb = tmp_path / "cb.yaml"
    cb.write_text("themes:\n  - id: trivsel_og_vilkaar\n    label: Trivsel og vilkår\n"
                  "  - id: trivsel\n    label: Trivsel\n    parent: trivsel_og_vilkaar\n"
                  "  - id: rusmidler\n    label: Rusmidler og alkohol\n    keywords: [hash]\n", encoding="utf-8")
    labels = kb.load_labels(cb)
    assert labels == {"trivsel": "Trivsel", "rusmidler": "Rusmidler og alkohol"}
    assert kb.match("Drikker alkohol i weekenden", kb.label_stems(labels)) == {"rusmidler"}
    assert kb.load_keywords(cb) == {"rusmidler": ["hash"]}


def test_keyword_baseline_reads_a_shipped_codebook_by_name_or_path():
    """The tools read theme labels from the codebook (one source), by name or by its YAML."""
    for name in ("ungekompetencer", "borgerinput"):
        by_name = kb.load_labels(name)
        assert by_name == kb.load_labels(REPO / "models" / "codebooks" / f"{name}.yaml")
        assert by_name and all(label.strip() for label in by_name.values())
    assert kb.load_labels("ungekompetencer") == msc.F.THEME_LABELS