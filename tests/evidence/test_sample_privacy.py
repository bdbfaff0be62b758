"""On the sample corpus, through the real ingest: no planted identifier reaches a quote,
an evidence row or the report."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kvalitativ.config import LinkConfig, load_config
from kvalitativ.evidence import summarize
from kvalitativ.io.ingest import ingest_notes, read_indicators
from kvalitativ.link import link
from kvalitativ.report import render_report
from kvalitativ.text.sentences import split_sentences
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


def _gold_codings_on_redacted(corpus: pd.DataFrame, raw: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Gold spans point into the raw notes; move each to the same sentence of the redacted text."""
    raw_text = dict(zip(raw["NotatID"], raw["Notat"]))
    red_text = dict(zip(corpus["note_id"], corpus["text"]))
    person = dict(zip(corpus["note_id"], corpus["person_id"]))
    rows = []
    for g in gold.itertuples(index=False):
        if g.note_id not in red_text or g.after_outcome:
            continue
        rs, ds = split_sentences(raw_text[g.note_id]), split_sentences(red_text[g.note_id])
        if len(rs) != len(ds):
            continue
        idx = next((i for i, (s, e, _) in enumerate(rs) if s <= g.start < e), None)
        if idx is None:
            continue
        s, e, _ = ds[idx]
        rows.append({"run_id": "r-sample", "note_id": g.note_id, "person_id": person[g.note_id],
                     "segment_id": f"{g.note_id}:{idx}", "start": s, "end": e, "theme_id": g.theme_id,
                     "score": 1.0, "valence": g.valence, "method": "gold"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def sample_outputs(tmp_path_factory):
    if not (SAMPLE / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated")
    sample_dir = SAMPLE
    cfg = load_config(sample_dir / "kvalitativ.yaml")
    corpus = ingest_notes(cfg.ingest.notes, cfg.ingest, cfg.privacy).corpus
    raw = pd.read_csv(sample_dir / "notes.csv", sep=";", dtype=str)
    gold = pd.read_csv(sample_dir / "gold_codings.csv", dtype={"note_id": str})
    codings = _gold_codings_on_redacted(corpus, raw, gold)
    indicators, _ = read_indicators(cfg.ingest.indicators, cfg.ingest, cfg.privacy)
    linked = link(codings, corpus, indicators, LinkConfig(window_months=15, n_boot=20), min_cell=5)
    out = summarize(dict(codings=codings, corpus=corpus, indicators=indicators, **linked), min_cell=5,
                    run_id="r-sample")
    tables = {k: v for k, v in linked.items() if k != "person_themes"}
    tables.update(out, notes=corpus.drop(columns=["text"]))
    report = render_report(tables, tmp_path_factory.mktemp("sample") / "report.html")
    return out, report.read_text(encoding="utf-8")


def test_no_planted_identifier_in_quotes_evidence_or_report(sample_dir, sample_outputs):
    out, html = sample_outputs
    pii = pd.read_csv(sample_dir / "pii_planted.csv", dtype=str)
    texts = {
        "quotes": " \n".join(out["quotes"]["quote"]),
        "evidence": " \n".join(out["evidence"][["headline", "keywords"]].fillna("").astype(str).agg(" ".join, axis=1)),
        "joint_display": " \n".join(out["joint_display"]["quote"].dropna()),
        "report": html.split("</head>", 1)[1],  # the page, not the plotly.js bundle
    }
    assert len(out["quotes"]) > 100
    for where, text in texts.items():
        for kind, value in zip(pii["type"], pii["value"]):
            pattern = r"(?<!\w)" + re.escape(value) + r"(?!\w)"
            assert not re.search(pattern, text, flags=re.IGNORECASE if kind == "EMAIL" else 0), (where, kind, value)
