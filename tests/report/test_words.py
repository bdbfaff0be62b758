"""The report's sentences read in its language: no English enum values in Danish text, no words run together."""

from __future__ import annotations

import re

from kvalitativ.report import render_report
from kvalitativ.report.words import method_phrase, word


def _text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_method_phrase_in_danish_and_english():
    assert method_phrase(["supervised"]) == "med metoden superviseret (trænet på håndkodede notater)"
    assert method_phrase("supervised, topic") == ("med metoderne superviseret (trænet på håndkodede notater) "
                                                  "og fundne emner (BERTopic)")
    assert method_phrase(["zeroshot"], "en") == "with the method zero-shot (from the codebook)"
    assert method_phrase([]) is None
    assert word("method", "keyword") == "nøgleord" and word("method", "mystery") == "mystery"


def test_method_section_is_danish_with_spaces(report_tables, meta, tmp_path):
    codings = report_tables["codings"].assign(method="supervised")
    html = render_report({**report_tables, "codings": codings}, tmp_path / "r.html", meta=meta).read_text(encoding="utf-8")
    text = _text(html)
    method = text[text.index("Sådan er tallene lavet"):]
    assert re.search(r"\(version [^)]+\) med metoden superviseret \(trænet på håndkodede notater\),", method)
    assert "supervised" not in text
    assert not re.search(r"\)[A-Za-zÆØÅæøå]", method)  # no "(…)med", "brug).Kun"
    assert not re.search(r"[a-zæøå)]\.[A-ZÆØÅ]", method)


def test_added_value_models_in_danish(report_tables, meta, tmp_path):
    text = _text(render_report(report_tables, tmp_path / "r.html", meta=meta).read_text(encoding="utf-8"))
    assert "Tilfører notaterne noget" in text
    assert "Tallene alene" in text and "quantitative" not in text


def test_association_table_says_why_its_person_counts_are_lower(report_tables, meta, tmp_path):
    assoc = report_tables["associations"].assign(population_label="elever")
    html = render_report({**report_tables, "associations": assoc}, tmp_path / "r.html", meta=meta).read_text(encoding="utf-8")
    text = _text(html)
    table_end = text.index("Tilfører notaterne noget") if "Tilfører notaterne noget" in text else len(text)
    below = text[text.index("Sammenhæng med"):table_end]
    assert re.search(r"«Med temaet» tæller kun elever med oplysninger om udfaldet og kun notater skrevet før "
                     r"udfaldet; derfor kan antallet være lavere end under «Temaernes udbredelse».", below)
