"""The report in the language of the data: English headings, method text and number format
for English notes; the Danish report as before; every template text has its English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kvalitativ.config import LinkConfig
from kvalitativ.evidence import summarize
from kvalitativ.link import link
from kvalitativ.report import render_report
from kvalitativ.report.text_en import TEXT_EN
from tests.evidence.synthetic import make_english_dataset

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "kvalitativ" / "report" / "templates"


@pytest.fixture(scope="module")
def english_tables():
    d = make_english_dataset(n_persons=200, seed=3)
    linked = link(d.codings, d.corpus, d.indicators, LinkConfig(window_months=15, n_boot=20), min_cell=5)
    out = summarize(dict(codings=d.codings, corpus=d.corpus, themes=d.themes, indicators=d.indicators, **linked),
                    min_cell=5, run_id="r-en")
    tables = {k: v for k, v in linked.items() if k != "person_themes"}
    tables.update(out, themes=d.themes, codings=d.codings, notes=d.corpus.drop(columns="text"))
    return tables


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>|<div class=\"figure\".*?</div>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_english_report_headings(english_tables, tmp_path):
    html = render_report(english_tables, tmp_path / "r.html").read_text(encoding="utf-8")
    text = _text(html)
    assert '<html lang="en">' in html
    for heading in ("Overview", "Prevalence of the themes", "Association with dropout", "Method and caveats",
                    "How the numbers were made", "Caveats", "Qualitative evidence"):
        assert heading in text, heading
    for danish in ("Overblik", "Sammenhæng med", "hvem der", "Udfaldet er", "Metode og forbehold", "Kørsel",
                   "Temaernes udbredelse", "95 %-KI", "frafald"):
        assert danish not in text, danish
    assert "Dropout here means having left a youth education within 15 months" in text
    assert re.search(r"\d%", text) and not re.search("\\d\u00a0%", text)  # English shares: "12%", not "12 %"
    assert re.search(r"\(\d\.\d\d–\d\.\d\d\)", text)  # odds ratios with a decimal point


def test_english_unit_brief(english_tables, tmp_path):
    html = render_report(english_tables, tmp_path / "u.html", unit="Nordskolen").read_text(encoding="utf-8")
    text = _text(html)
    assert "Nordskolen: numbers and themes for the quality dialogue" in text
    assert "Most frequent themes" in text and "Hyppigste temaer" not in text
    assert "Dropout from youth education" in text and "Frafald fra ungdomsuddannelse" not in text


def test_the_configs_danish_default_title_reads_english(english_tables, tmp_path):
    """report.title left at its default ("Kvalitativ evidens") gives the English default title."""
    html = render_report(english_tables, tmp_path / "t.html", meta={"title": "Kvalitativ evidens"}).read_text("utf-8")
    assert "<title>Qualitative evidence</title>" in html
    own = render_report(english_tables, tmp_path / "o.html", meta={"title": "Kvalitetsdialog 2025"}).read_text("utf-8")
    assert "<title>Kvalitetsdialog 2025</title>" in own


def test_meta_language_wins(english_tables, tmp_path):
    """meta["language"] (the run's ingest.language) da gives the Danish report for the same tables."""
    html = render_report(english_tables, tmp_path / "da.html", meta={"language": "da"}).read_text(encoding="utf-8")
    assert '<html lang="da">' in html and "Sammenhæng med frafald" in _text(html)


def test_every_template_text_has_english():
    keys = set()
    for path in TEMPLATES.glob("*.html"):
        for match in re.finditer(r'_\("((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")):
            keys.add(" ".join(match.group(1).split()))
    missing = sorted(keys - set(TEXT_EN))
    assert not missing, missing
    for key in keys:  # the same fields on both sides
        assert set(re.findall(r"{(\w+)}", key)) == set(re.findall(r"{(\w+)}", TEXT_EN[key])), key
