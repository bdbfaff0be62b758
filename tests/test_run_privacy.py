"""`kvalitativ run` with CPR-shaped ids: the key never reaches an output, one key gives the same
pseudonyms run after run, and sensitive themes are never quoted per unit by default."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from kvalitativ.config import config_from_dict
from kvalitativ.evidence import summarize
from kvalitativ.io.store import read_stage_table
from kvalitativ.pipeline import run
from kvalitativ.privacy.pseudonym import key_fingerprint, load_key
from tests.test_pipeline import small_sample

pytestmark = pytest.mark.slow


def _cpr_shaped(notes, indicators):
    """Give every young person a CPR-shaped id (born 2007–2008), in notes and indicators alike."""
    n = pd.read_csv(notes, sep=";", dtype=str, keep_default_na=False)
    ind = pd.read_csv(indicators, dtype=str, keep_default_na=False)
    ids = sorted(set(n["ElevID"]) | set(ind["person_id"]))
    cpr = {e: f"{1 + i % 28:02d}{1 + i % 12:02d}0{7 + i % 2}-{1000 + 7 * i:04d}" for i, e in enumerate(ids)}
    n["ElevID"] = n["ElevID"].map(cpr)
    ind["person_id"] = ind["person_id"].map(cpr)
    n.to_csv(notes, sep=";", index=False)
    ind.to_csv(indicators, index=False)
    return set(cpr.values())


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    from tests.conftest import SAMPLE

    if not (SAMPLE / "notes.csv").exists():
        pytest.skip("corpora/sample has not been generated")
    tmp = tmp_path_factory.mktemp("privacy")
    notes, ind = small_sample(SAMPLE, tmp, n_persons=300)
    cprs = _cpr_shaped(notes, ind)
    key_file = tmp / "secret" / "kvalitativ-pseudonym.key"

    def one(out, key=key_file):
        cfg = config_from_dict({"out": str(tmp / out), "ingest": {"notes": str(notes), "indicators": str(ind)},
                                "embed": {"name": "tfidf", "cache_dir": str(tmp / "cache")},
                                "link": {"n_boot": 20}, "privacy": {"key_file": str(key), "min_cell": 3}})
        run(cfg, progress=False)
        return cfg

    cfg = one("a")
    one("b")
    one("c", key=tmp / "other.key")
    return tmp, cfg, cprs


def test_the_key_never_appears_in_any_output_file(two_runs):
    tmp, cfg, cprs = two_runs
    key = load_key(cfg.privacy.key_file)
    needles = [key, key.hex().encode(), key.hex().upper().encode()]
    files = [p for p in (tmp / "a").rglob("*") if p.is_file()]
    assert len(files) > 20
    for path in files:  # every byte of every file: Parquet, CSV, DuckDB, report, run.json
        data = path.read_bytes()
        assert not any(n in data for n in needles), path
    text = "\n".join(p.read_text(encoding="utf-8-sig", errors="replace") for p in files
                     if p.suffix in (".csv", ".json", ".html"))
    assert not any(c in text or c.replace("-", "") in text for c in cprs)
    manifest = json.loads((tmp / "a" / "run.json").read_text())
    assert manifest["pseudonym_key"]["fingerprint"] == key_fingerprint(key)
    assert str(tmp) not in json.dumps(manifest)


def test_one_key_equal_pseudonyms_two_keys_disjoint(two_runs):
    tmp = two_runs[0]
    a, b, c = (set(pd.read_parquet(tmp / d / "parquet" / "notes.parquet")["person_id"]) for d in "abc")
    assert a == b and a.isdisjoint(c)
    fingerprints = {json.loads((tmp / d / "run.json").read_text())["pseudonym_key"]["fingerprint"] for d in "abc"}
    assert len(fingerprints) == 2


def test_no_per_unit_quote_of_a_sensitive_theme_by_default(two_runs):
    tmp, cfg, _ = two_runs
    out = tmp / "a"
    themes = pd.read_parquet(out / "parquet" / "themes.parquet")
    sensitive = set(themes.loc[themes["sensitive"].astype(bool), "theme_id"])
    assert sensitive == {"mental_sundhed", "familie_netvaerk", "mobning_konflikter", "rusmidler"}
    quotes = pd.read_parquet(out / "parquet" / "quotes.parquet")
    jd = pd.read_parquet(out / "parquet" / "joint_display.parquet")
    assert quotes[(quotes["unit_id"] != "_all") & quotes["theme_id"].isin(sensitive)].empty
    assert jd[jd["key"].isin(sensitive) & jd["quote"].notna()].empty
    assert not quotes[quotes["theme_id"].isin(sensitive)].empty  # still quoted for the municipality
    # the positive control: with sensitive_quotes=unit the same tables do hold such unit quotes,
    # and none of those (unless also a municipality quote) is in the default report
    tables = {name: read_stage_table(out, name, required=False) for name in
              ("codings", "corpus", "themes", "prevalence", "associations", "person_themes", "indicators")}
    cfg.summarize.sensitive_quotes = "unit"
    unit_q = summarize(tables, cfg)["quotes"]
    cfg.summarize.sensitive_quotes = "municipality"
    unit_only = unit_q[(unit_q["unit_id"] != "_all") & unit_q["theme_id"].isin(sensitive)]
    assert len(unit_only) > 0
    report = (out / "report.html").read_text(encoding="utf-8")
    shown = {html.unescape(q).strip() for q in re.findall(r"<blockquote>(.*?)</blockquote>", report, flags=re.S)}
    assert shown  # the report quotes; compared as whole quotes (a unit quote can be part of a longer one)
    municipal = set(quotes["quote"])
    leaked = [q for q in unit_only["quote"] if q not in municipal and q in shown]
    assert leaked == []
    none_q = summarize(tables, config_from_dict({"summarize": {"sensitive_quotes": "none"}}))["quotes"]
    assert not none_q["theme_id"].isin(sensitive).any() and len(none_q) > 0


def test_the_run_id_follows_content_and_key_not_folders(sample_dir, tmp_path, monkeypatch):
    """A copy of the project elsewhere gives the same run id (paths enter as names only); another
    pseudonym key gives other pseudonyms, so another id."""
    from kvalitativ.pipeline import run_id_for

    ids = []
    for place in ("here", "elsewhere/deeper"):
        folder = tmp_path / place
        folder.mkdir(parents=True)
        notes, ind = small_sample(sample_dir, folder, n_persons=20)
        config = config_from_dict({"out": str(folder / "out"), "ingest": {"notes": str(notes), "indicators": str(ind)},
                                   "privacy": {"key_file": str(tmp_path / "one.key")}})
        ids.append(run_id_for(config))
    assert ids[0] == ids[1]
    config.privacy.key_file = str(tmp_path / "other.key")
    assert run_id_for(config) != ids[0]
