"""Must show: on corpora/sample, with the GOLD codings, the planted associations are recovered.

The corpus plants true (conditional) odds ratios for five theme × valence traits and none for
the other 27, and writes notes after the outcome that carry leak themes. Here:

* every planted effect's 95 % interval (adjusted OR) covers its true OR;
* every planted effect the corpus has the power to show (expected |z| ≥ 2.8, i.e. ≥ 80 % power
  at the observed standard error) has an interval that excludes 1 — an effect of OR 1.5 among
  900 persons has about even odds of reaching significance, and asserting it would test luck;
* null traits are not significant after the Benjamini–Hochberg step (q ≥ 0.05) in at least 90 %;
* every note written on or after the outcome is excluded, so the leak themes never count.
"""

from __future__ import annotations

import importlib.util
import json
import math

import pytest

from tests.conftest import REPO, SAMPLE

FILES = ("notes.csv", "gold_codings.csv", "indicators.csv", "ground_truth.json")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_link", REPO / "scripts" / "bench_link.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def recovered():
    missing = [f for f in FILES if not (SAMPLE / f).exists()]
    if missing:
        pytest.skip(f"corpora/sample lacks {', '.join(missing)}: run scripts/make_sample_corpus.py")
    from kvalitativ.link import associations, person_themes

    bench = _bench()
    data = bench.load_sample(SAMPLE)
    pt = person_themes(data["codings"], data["corpus"], data["indicators"], window_months=15)
    table = associations(pt, data["indicators"], covariates=bench.COVARIATES,
                         numeric_indicators=["absence_pct", "grade_avg"])
    return {"data": data, "pt": pt, "table": table, "rec": bench.recovery(table, data["truth"])}


def test_planted_effects_are_covered_and_excluded_from_one_where_the_corpus_has_power(recovered):
    rec = recovered["rec"]
    planted = rec[rec["planted"]]
    assert len(planted) >= 3
    assert not planted["suppressed"].any()
    for _, r in planted.iterrows():
        label = f"{r.theme_id}:{r.valence} true OR {r.true_or}: {r.adjusted_or:.2f} ({r.aor_ci_low:.2f}–{r.aor_ci_high:.2f})"
        assert r.aor_covers, label
        se = (math.log(r.aor_ci_high) - math.log(r.aor_ci_low)) / (2 * 1.959964)
        if abs(math.log(r.true_or)) / se >= 2.8:
            assert r.aor_excludes_1, label
    # the strong effects (OR ≥ 2 or ≤ 0.5) are all among those shown
    strong = planted[(planted["true_or"] >= 2) | (planted["true_or"] <= 0.5)]
    assert strong["aor_excludes_1"].all()
    assert (strong["q_value"] < 0.05).all()


def test_null_traits_are_not_significant_after_fdr(recovered):
    rec = recovered["rec"]
    null = rec[~rec["planted"]]
    assert len(null) >= 20
    assert (null["q_value"] >= 0.05).mean() >= 0.9
    assert null["aor_covers"].mean() >= 0.85  # their intervals cover OR 1 about as often as 95 % should


def test_notes_after_the_outcome_never_count(recovered):
    truth = recovered["data"]["truth"]
    after = set(truth["notes_after_outcome"]["note_ids"])
    excl = recovered["pt"].attrs["exclusions"]
    n_late = {e["reason"]: e["n_notes"] for e in excl}["on_or_after_outcome"]
    assert n_late == len(after)
    codings = recovered["data"]["codings"]
    gold = json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))
    assert gold["notes_after_outcome"]["n"] == len(after)
    # the leak themes are counted from pre-outcome notes only: persons with rusmidler:concern
    pt = recovered["pt"]
    persons_pt = set(pt[(pt.theme_id == "rusmidler") & (pt.valence == "concern") & (pt.present == 1)].person_id)
    pre = codings[(codings.theme_id == "rusmidler") & (codings.valence == "concern") & (codings.after_outcome == 0)]
    assert persons_pt == set(pre.person_id)
