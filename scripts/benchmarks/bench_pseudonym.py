"""Pseudonym reversal benchmark: can an outsider recover CPR numbers from a published folder?

The attack of issue 22, run as an attacker would with the public source code and the
published output folder only. The sample corpus's 900 young people get CPR-shaped ids (birth
dates drawn in 2007–2008, random serials, seeded). Then, for each scheme, the published folder
is made and attacked by enumerating every CPR number of the two birth years (2 × 365 × 10,000
= 7.3 million candidates):

* **before**: the scheme up to this change, reimplemented here — ``"P" + sha256(salt + ":" +
  digits)[:12]`` with the default salt ``kvalitativ``, which ``run.json`` published. The
  attacker reads the salt from run.json and hashes each candidate once.
* **after**: the real ingest of this version (``ingest_notes`` with a key file beside a config,
  created on first use) and the real run.json contents (``public_manifest``). The attacker
  does not have the key, so tries HMAC-SHA256 under every secret-looking value the folder
  holds (the key fingerprint as text and as bytes, the old default salt, the empty key) and the
  old formula with the old salt. A control attack with the key shows the enumeration works.

A CPR number counts as recovered when a candidate's hash equals a published pseudonym and the
candidate is that person's CPR number. Timings are one core, Python's hashlib/hmac.

With ``--demo-out out/sample`` (the folder ``make demo`` wrote) it also counts the quotes of
sensitive themes per unit in the demo's ``quotes`` and ``joint_display`` tables: "after" as the
demo wrote them (``summarize.sensitive_quotes`` at its default), "before" by running the
summarize stage again on the same stored tables with ``sensitive_quotes: unit``, which is the
code path of the version before this change (every theme quoted per unit).

Usage::

    python scripts/benchmarks/bench_pseudonym.py                # print the results
    make demo && python scripts/benchmarks/bench_pseudonym.py --demo-out out/sample --write-docs
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import platform
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from kvalitativ.config import config_from_dict  # noqa: E402
from kvalitativ.io.ingest import ingest_notes  # noqa: E402
from kvalitativ.privacy.manifest import public_manifest  # noqa: E402
from kvalitativ.privacy.pseudonym import PSEUDONYM_HEX  # noqa: E402

SAMPLE = REPO / "corpora" / "sample"
COMMAND = "python scripts/benchmarks/bench_pseudonym.py --demo-out out/sample --write-docs"
YEARS = (2007, 2008)


def old_pseudonym(digits: str, salt: str = "kvalitativ") -> str:
    """The scheme before keyed pseudonyms (io/ingest.py up to issue 22)."""
    return "P" + hashlib.sha256(f"{salt}:{digits}".encode()).hexdigest()[:12]


def cpr_shaped_ids(person_ids: list[str], seed: int) -> dict[str, str]:
    """One CPR-shaped id (ddmmyy-ssss) per person, born on a random day of 2007–2008."""
    rng = np.random.default_rng(seed)
    days = (date(2008, 12, 31) - date(2007, 1, 1)).days + 1
    out, used = {}, set()
    for pid in sorted(person_ids):
        while True:
            born = date(2007, 1, 1) + timedelta(days=int(rng.integers(days)))
            cpr = f"{born:%d%m%y}-{int(rng.integers(10_000)):04d}"
            if cpr not in used:
                break
        used.add(cpr)
        out[pid] = cpr
    return out


def candidates():
    """Every CPR number (ten digits, no dash) of a birth in YEARS."""
    for year in YEARS:
        day = date(year, 1, 1)
        while day.year == year:
            prefix = f"{day:%d%m%y}"
            for serial in range(10_000):
                yield f"{prefix}{serial:04d}"
            day += timedelta(days=1)


def enumerate_attack(published: set[str], hash_fn) -> tuple[dict[str, str], int, float]:
    """Hash every candidate; return (pseudonym → recovered digits, hashes tried, seconds)."""
    found: dict[str, str] = {}
    n = 0
    start = time.perf_counter()
    for digits in candidates():
        n += 1
        h = hash_fn(digits)
        if h in published:
            found[h] = digits
    return found, n, time.perf_counter() - start


def hmac_guess(key: bytes):
    """HMAC-SHA256 under a guessed key, formatted as kvalitativ's person pseudonyms."""
    base = hmac.new(key, digestmod=hashlib.sha256)

    def fn(digits: str) -> str:
        h = base.copy()
        h.update(f"id:person_id:{digits}".encode())
        return "P" + h.hexdigest()[:PSEUDONYM_HEX]

    return fn


def recovered_count(found: dict[str, str], truth: dict[str, str]) -> int:
    """Pseudonyms whose recovered digits are the person's real CPR digits."""
    return sum(1 for p, digits in found.items() if truth.get(p) == digits)


def before(cprs: list[str]) -> dict:
    published = {old_pseudonym(c.replace("-", "")): c.replace("-", "") for c in cprs}
    run_json = {"config": {"ingest": {"pseudonymize": "auto", "pseudonym_salt": "kvalitativ"}}}  # as published
    salt = run_json["config"]["ingest"]["pseudonym_salt"]
    found, n, secs = enumerate_attack(set(published), lambda d: old_pseudonym(d, salt))
    return {"recovered": recovered_count(found, published), "n": len(published), "hashes": n, "seconds": secs,
            "guesses": 1}


def after(notes: pd.DataFrame, cprs: dict[str, str], work: Path) -> dict:
    notes = notes.assign(ElevID=notes["ElevID"].map(cprs))
    notes.to_csv(work / "notes.csv", sep=";", index=False)
    cfg = config_from_dict({"out": "out", "ingest": {"notes": "notes.csv"}}, base_dir=work)
    corpus = ingest_notes(cfg.ingest.notes, cfg.ingest, cfg.privacy).corpus
    truth_by_row = notes.set_index("NotatID")["ElevID"].str.replace("-", "")
    truth = dict(zip(corpus["person_id"], corpus["note_id"].map(truth_by_row)))
    run_json = public_manifest(cfg)
    fp = run_json["pseudonym_key"]["fingerprint"]
    guesses = [fp.encode(), bytes.fromhex(fp), b"kvalitativ", b""]
    published = set(truth)
    total_found: dict[str, str] = {}
    hashes, secs = 0, 0.0
    for key in guesses:
        found, n, s = enumerate_attack(published, hmac_guess(key))
        total_found.update(found)
        hashes, secs = hashes + n, secs + s
    found, n, s = enumerate_attack(published, old_pseudonym)
    total_found.update(found)
    key_file = work / "kvalitativ-pseudonym.key"
    # control: whoever holds the key reverses every id the same way, so the enumeration itself works
    insider, n_in, s_in = enumerate_attack(published, hmac_guess(bytes.fromhex(key_file.read_text().strip())))
    return {"recovered": recovered_count(total_found, truth), "n": len(published), "hashes": hashes + n,
            "seconds": secs + s, "guesses": len(guesses) + 1, "key_file_mode": oct(key_file.stat().st_mode & 0o777),
            "with_key": recovered_count(insider, truth), "with_key_seconds": s_in}


def demo_quotes(out_dir: Path) -> dict:
    """Per-unit quotes of sensitive themes in the demo's tables: as written, and with the old behaviour."""
    from kvalitativ.config import load_config
    from kvalitativ.evidence import summarize
    from kvalitativ.evidence.quotes import sensitive_themes
    from kvalitativ.io.store import read_stage_table

    cfg = load_config(REPO / "corpora" / "sample" / "kvalitativ.yaml")
    names = ("codings", "corpus", "themes", "prevalence", "associations", "person_themes", "indicators")
    tables = {n: read_stage_table(out_dir, n, required=False) for n in names}
    sensitive = sensitive_themes(tables["themes"])

    def count(quotes: pd.DataFrame, jd: pd.DataFrame) -> dict:
        unit = quotes[(quotes["unit_id"] != "_all") & quotes["theme_id"].isin(sensitive)]
        return {"quotes_unit": len(unit), "quotes_all": int(((quotes["unit_id"] == "_all")
                                                             & quotes["theme_id"].isin(sensitive)).sum()),
                "joint_display": int((jd["key"].isin(sensitive) & jd["quote"].notna()).sum()),
                "units": int(unit["unit_id"].nunique())}

    after = count(read_stage_table(out_dir, "quotes"), read_stage_table(out_dir, "joint_display"))
    cfg.summarize.sensitive_quotes = "unit"
    old = summarize(tables, cfg)
    return {"after": after, "before": count(old["quotes"], old["joint_display"]), "sensitive": sorted(sensitive)}


def render_quotes(q: dict) -> str:
    b, a = q["before"], q["after"]
    return "\n".join([
        "### Quotes of sensitive themes per unit (the demo's tables)",
        "",
        f"`make demo`, then the same command. Sensitive themes (codebook flag): {', '.join(q['sensitive'])}. "
        "\"Before\" reruns the summarize stage on the demo's stored tables with `summarize.sensitive_quotes: unit` "
        "(the behaviour before the flag); \"after\" counts the tables the demo wrote (default `municipality`).",
        "",
        "| | unit quotes in `quotes` (units) | municipality quotes in `quotes` | unit quotes in `joint_display` |",
        "|---|---:|---:|---:|",
        f"| before | {b['quotes_unit']} ({b['units']}) | {b['quotes_all']} | {b['joint_display']} |",
        f"| after (default) | **{a['quotes_unit']}** ({a['units']}) | {a['quotes_all']} | **{a['joint_display']}** |",
        "",
    ])


def render(b: dict, a: dict, seed: int) -> str:
    return "\n".join([
        "## Pseudonyms",
        "",
        f"`{COMMAND}` (seed {seed}; {platform.processor() or platform.machine()}, one core, Python "
        f"{platform.python_version()}). The sample's {b['n']} young people get CPR-shaped ids born in "
        "2007–2008; the attacker has the public source code and the published folder, and enumerates every "
        f"CPR number of both birth years ({b['hashes']:,} candidates per guess).",
        "",
        "| scheme | what the folder gives the attacker | guesses × candidates | seconds | CPR numbers recovered |",
        "|---|---|---:|---:|---:|",
        f"| before: `sha256(salt:digits)`, salt in run.json | the salt | {b['guesses']} × {b['hashes'] // b['guesses']:,} "
        f"| {b['seconds']:.1f} | **{b['recovered']} of {b['n']}** |",
        f"| after: HMAC-SHA256, 256-bit key file beside the config | a key fingerprint (no key) | "
        f"{a['guesses']} × {a['hashes'] // a['guesses']:,} | {a['seconds']:.1f} | **{a['recovered']} of {a['n']}** |",
        f"| control: after, attacker holds the key file | the key | 1 × {a['hashes'] // a['guesses']:,} | "
        f"{a['with_key_seconds']:.1f} | {a['with_key']} of {a['n']} |",
        "",
        "The \"before\" scheme is reimplemented in the script (the code no longer has it). \"After\" runs the real "
        "ingest and the real run.json contents; its guesses are the fingerprint (as text and as bytes), the old "
        "default salt, the empty key, and the old formula. The control row shows the enumeration itself works: "
        "with the key, every id falls in seconds. Without the key, each of the 2^256 keys is "
        "equally likely, so no enumeration of ids can succeed; what protects the ids is that the key file stays "
        f"secret (created with mode {a['key_file_mode']}, outside the output folder). See docs/privacy.md.",
        "",
    ])


def write_docs(section: str) -> None:
    """Replace only the "## Pseudonyms" section of docs/benchmarks.md (appended when absent)."""
    path = REPO / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    start = text.find("\n## Pseudonyms\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[: start + 1] + section + (text[end:] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=22)
    ap.add_argument("--write-docs", action="store_true", help="replace the ## Pseudonyms section of docs/benchmarks.md")
    ap.add_argument("--demo-out", type=Path, default=None, help="the folder make demo wrote (out/sample)")
    args = ap.parse_args(argv)
    notes = pd.read_csv(SAMPLE / "notes.csv", sep=";", dtype=str, keep_default_na=False)
    cprs = cpr_shaped_ids(list(notes["ElevID"].unique()), args.seed)
    b = before(list(cprs.values()))
    with tempfile.TemporaryDirectory() as tmp:
        a = after(notes, cprs, Path(tmp))
    section = render(b, a, args.seed)
    if args.demo_out is not None:
        section += "\n" + render_quotes(demo_quotes(args.demo_out))
    print(section)
    print(json.dumps({"before": b, "after": a}, default=str))
    if args.write_docs:
        write_docs(section)


if __name__ == "__main__":
    main()
