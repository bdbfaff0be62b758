"""The corrected odds ratio in what people read: evidence words, the forest plot, the report line."""

from __future__ import annotations

import pandas as pd
import pytest

from kvalitativ.config import LinkConfig
from kvalitativ.evidence.summaries import build_evidence
from kvalitativ.link.crossfit import HumanCodes
from kvalitativ.link.stage import link_result
from kvalitativ.link.wording import population_word
from kvalitativ.report.figures import forest_figure
from kvalitativ.report.render import report_context
from tests.link.synth import make_link_data
from tests.link.test_corrected_associations import _human, _noisy


@pytest.fixture(scope="module")
def tables():
    d = make_link_data(n=900, odds_ratio=3.0, seed=14, theme_share=0.25)
    machine = _noisy(d["codings"], d["corpus"], 1)
    config = LinkConfig(covariates=["absence_pct"], numeric_indicators=[], n_boot=20)
    linked = link_result(machine, d["corpus"], d["indicators"], config, human=HumanCodes(_human(d, 0.3, 2)))
    return {"codings": machine, "corpus": d["corpus"], **linked.tables}


def test_forest_plot_shows_the_corrected_beside_the_uncorrected(tables):
    fig = forest_figure(tables["associations"], None)
    names = [t.name for t in fig.data]
    assert names == ["Ujusteret OR", "Justeret OR", "Korrigeret for kodningsfejl"]
    plain = tables["associations"].drop(columns=["aor_corrected"])
    assert [t.name for t in forest_figure(plain, None).data] == ["Ujusteret OR", "Justeret OR"]


def test_evidence_follows_the_corrected_numbers(tables):
    ev = build_evidence(tables["codings"], tables["corpus"], prevalence=tables["prevalence"],
                        associations=tables["associations"], by_unit=False)
    row = ev[(ev["theme_id"] == "moedestabilitet") & (ev["valence"] == "concern")].iloc[0]
    a = tables["associations"]
    arow = a[(a["theme_id"] == "moedestabilitet") & (a["valence"] == "concern") & (a["indicator"] == "dropout")].iloc[0]
    assert row["aor_corrected"] == pytest.approx(arow["aor_corrected"])
    assert row["n_human_persons"] == arow["n_human_persons"]
    assert f"korrigeret for kodningsfejl ud fra {arow['n_human_persons']} håndkodede elever" in row["association"]


def test_report_says_what_the_correction_costs_and_how_many_to_hand_code(tables):
    ctx = report_context({k: v for k, v in tables.items() if k != "person_themes"}, meta={})
    assert ctx["corrected"]
    line = ctx["correction_line"]
    assert "korrigeret for kodningsfejl ud fra" in line and "gange så brede" in line
    # the null theme is coded without error here, so the median row pays almost nothing ...
    assert "kun gøre dem lidt smallere" in line
    # ... while the theme the coder gets wrong does, and the line says how many more to hand-code
    a = tables["associations"]
    noisy = report_context({"associations": a[a["theme_id"] == "moedestabilitet"], "corpus": tables["corpus"]},
                           meta={})["correction_line"]
    assert "Håndkod alle notater for omkring" in noisy and "i alt, for at få dem ned på 1,25 gange" in noisy
    # the advice is a total (a trial read "372" as 372 more, with 201 already hand-coded): it says both
    from kvalitativ.link.corrected import hand_coding_needed

    advice = hand_coding_needed(a[a["theme_id"] == "moedestabilitet"])
    more, total = advice["n_persons_needed"] - advice["n_human"], advice["n_persons_needed"]
    assert f"omkring {more:,} flere tilfældigt udvalgte elever".replace(",", ".") in noisy
    assert f"omkring {total:,} i alt".replace(",", ".") in noisy
    plain = tables["associations"].assign(aor_corrected=float("nan"))
    assert report_context({"associations": plain}, meta={})["correction_line"] is None


def test_population_word_is_one_function():
    assert population_word("dropout") == "elever"
    assert population_word("ledighed") == "personer"


def test_the_q_beside_the_adjusted_or_is_the_adjusted_ones(tables, tmp_path):
    """The report's table showed the crude test's q beside the adjusted OR, while the sentences
    decide on the adjusted OR's own q (a reader saw 'q 0,03' beside 'ingen klar sammenhæng')."""
    import re

    from kvalitativ.evidence.summaries import build_evidence
    from kvalitativ.report.render import render_report

    ev = build_evidence(tables["codings"], tables["corpus"], prevalence=tables["prevalence"],
                        associations=tables["associations"], by_unit=False)
    path = render_report({**{k: v for k, v in tables.items() if k != "person_themes"}, "evidence": ev},
                         tmp_path / "r.html", meta={})
    html = path.read_text(encoding="utf-8")
    assert '<th class="num">q (justeret)</th>' in html
    a = tables["associations"]
    row = a[(a["theme_id"] == "tolerance") & (a["valence"] == "concern") & (a["indicator"] == "dropout")].iloc[0]
    shown = f"{row['adjusted_q_value']:.3f}".replace(".", ",")
    assert shown != f"{row['q_value']:.3f}".replace(".", ",") and re.search(rf">{shown}</td>", html)


def test_a_discovered_topic_is_marked_in_the_association_table(tables):
    """Topics sat beside codebook themes unmarked, their q-values from another family."""
    from kvalitativ.report.render import report_context

    a = tables["associations"]
    topic = a[a["theme_id"] == "tolerance"].assign(theme_id="topic_3")
    themes = pd.DataFrame({"theme_id": ["moedestabilitet", "tolerance", "topic_3"], "label": ["Mødestabilitet",
                           "Tolerance", "fravær, søvn"], "origin": ["codebook", "codebook", "discovered"]})
    ctx = report_context({"associations": pd.concat([a, topic], ignore_index=True), "themes": themes}, meta={})
    flags = {r["theme_id"]: r["discovered"] for r in ctx["associations"]}
    assert flags["topic_3"] and not flags["tolerance"] and not flags["moedestabilitet"]


def test_the_method_section_says_what_the_correction_rests_on(tables, tmp_path):
    """A trial: "Metode og forbehold" never mentioned the correction nor how many hand-coded persons
    it rests on, while every sentence above led with the corrected OR."""
    import re

    from kvalitativ.report.render import render_report

    a = tables["associations"]
    n = int(a.loc[a["aor_corrected"].notna(), "n_human_persons"].max())
    ev = build_evidence(tables["codings"], tables["corpus"], prevalence=tables["prevalence"], associations=a,
                        by_unit=False)
    report = {k: v for k, v in tables.items() if k != "person_themes"}
    out = render_report({**report, "evidence": ev}, tmp_path / "r.html", meta={})
    method = out.read_text(encoding="utf-8").split('id="metode"')[1]
    text = re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", method))
    assert f"Den korrigerede OR retter for maskinens kodningsfejl ud fra {n} tilfældigt udvalgte elever" in text
    plain = render_report({**report, "evidence": ev, "associations": a.assign(aor_corrected=float("nan"))},
                          tmp_path / "p.html", meta={}).read_text(encoding="utf-8")
    assert "Den korrigerede OR" not in plain
