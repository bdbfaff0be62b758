"""Redaction on text that is not municipal notes: SIB-200 English and Danish, before and after.

The name finder's context rules take a rare capitalised word mid-sentence for a person. On news
and encyclopaedia sentences, agenda titles and petitions that also takes places, topics and
terms ("the Caspian Sea", "Schengen-landet", "Endometriosis"). This script measures both
versions of the redactor in one run, on the same inputs:

- **before**: the redactor of a git revision (``--before``, default the commit this work started
  from), exported with ``git archive`` and run in a child process with that source on its path;
- **after**: the working tree.

For each it reports, on all 1,004 SIB-200 sentences per language (``../shared/eval/sib200``):
the share of sentences the redactor changed (no identifiers are labelled there, so every change
is a cost unless it hides a real person's name) and the finds; the finds that only one version
makes are printed, to be judged by hand (person or not). And it checks that name recall holds on
the identifier sets: the sample corpus's planted names (``corpora/sample/pii_planted.csv``, the
``Navn`` column passed as ingest does), the generated sentences
(``scripts/tools/make_pii_sentences.py``) and the adversarial names and look-alikes
(``scripts/tools/make_adversarial_pii.py``), with the identifier-free texts changed.

Usage::

    python scripts/benchmarks/bench_redaction_sib.py [--before REV] [--write-docs]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

try:  # as a module of the scripts package, or as a file run from this folder
    from scripts.benchmarks.docs_section import replace_section
except ImportError:  # pragma: no cover - run as `python scripts/benchmarks/<name>.py`
    from docs_section import replace_section
try:  # as a module of the scripts package, or as a file run from this folder
    from scripts.benchmarks.tool_scripts import load_tool
except ImportError:  # pragma: no cover - run as `python scripts/benchmarks/<name>.py`
    from tool_scripts import load_tool

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO.parent / "shared" / "eval" / "sib200"
SAMPLE = REPO / "corpora" / "sample"
COMMAND = "python scripts/benchmarks/bench_redaction_sib.py --write-docs"
BEFORE = "4037b31"
LANGS = {"eng_Latn": "English", "dan_Latn": "Danish"}
SAMPLE_SEED, SAMPLE_N = 1, 40
#: Hand labels (person name or not) of the finds judged below: the seeded sample of the "after"
#: finds and every find that only "before" makes. A find counts as a person when it holds a real
#: person's name, also inside a title ("The Tracy Ullman Show", "Roe v. Wade"). Strings not listed
#: here are printed as unlabelled, to be judged before the figures are quoted.
PERSON = frozenset("""
Pryce|Emperor Augustus|Cristina Fernandez|Müslüm Gürses|Oliver Sacks|Anna Ogarzynska|Veguilla|
President Recep Tayyip|Amir Khan|David Klöcker Ehrenstrahl|Lakkha Singh|Rodrigo|Provenzano|Jacob|
Galileo Galilei|Although Winfrey|Stofan|Gingrich|Tupua Tamasese Lealofi|George|Raonic|Alonso|Lo Piccolo|
Johnson|Krushchev|Zealand's Adam|Alessandro Safina|Jack Layton|Kier Starmer|Wladyslaw Gomulka|Robin Uthappa|
Bowyer|Jai Shankar Choudhary|Richard Veerman|John Grant|Reid|Sejong|Katja Saarinen|Provenzanos|Tipper|Tommy|
Emma Stone|Julia Gillard|Jeremiah Horrocks|Luna|Piccolo|Michael Schumacher|Adam Cuerden|
House Newt Gingrich|Roe|Tracy Ullman|Tracey Ullman|Hershey|Colbert Report|Cushing|Bohr|Damadian|Davey|
Edward Purcell|Gordon Johndroe|Keselowski|Kirchner|Kristoffer Schneider|Lantagne|Lyndon B. Johnson|Martelly|
Minister Julia Gillard|Simpsons Simon|Stephen Colbert|Steven Tyler|Velasquez|Bobek|Carpanedo|Felix Bloch|
Haris Alexiou|Hifikepunye Pohamba|Huhne|James|Jaromir Jagr|Pythagoras|Raju Khandelwal|Tommy Frank|Winfrey
""".replace("\n", "").split("|"))
NOT_PERSON = frozenset("""
Sul|G. South|Mangola|Stardust|Saint-Georges|Moldova|Fatima|Barça|Rarotonga|Shyam|Geospiza|Machu Picchu|
Homo Erectus|Enceladus|Judo Federations|King George|Asociacion Argentina|Kingsway|Camp David|Muskoka|Manta|
Kriegsmarine|Gonu|Noosa|Aegean Sea|Afghans|Ames Straw Poll|Angkor Pass|Artibonite River|Assunpink Creek|
Astrogeology|Atlanta Thrashers|Avenger|Bangladeshi|Belarussian|Bucharest|Caspian Sea|Catalan|Cirque|
Connaught|Corcovado|Cretaceous|Croatian|Danube|Etihad Airways|First|Galapagos|Gangetic|Genus Panthera|
Giant Slalom|Guinness Book|Hekla|Icelandic Meteorological Office|Investigations Subcommittee|Janissary|
Joseon Dynasty|Kyoto|Lake Ladoga|Lake Onega|Loire Valley|Maasai Mara National Reserve|Maldives|Marian|
Maswa Game Reserve|Mau|Mersey|Mideast War|Nepalese|Ngorongoro|North|Onega|Oyapock River|
Oyapock River Bridge|Paralympics|Pedrillo|Pharaoh's Curse|Prosecutions|Qing|Qing Empire|Rhine|
Riga Peace Treaty|Royal Bafokeng|Sagittarius|Sahel|Schengen|Sclerosis|Sealion|Serengeti|Shetland|Slalom|
Sphinx|Sundarbans|Taizicheng|Tasmanian|Third|Trafalgar Square|Transantarctic|Transnistria Republic|
Triceratops|Twin Otter|Uppsala University|World|Bafokeng Stadium|Baltiske Kanal|Bellingshausenhavet|
Dominikanske Republik|Hispaniola|Joseon|Kaspiske|Komité|Mekka|Otter|Republikanske|Rhindalen|Riga|
Romerriget|Søløve|Transnistriske Republik|Trenton|Ukuelige|Upolu|Ægæiske|Congolese|Aitutaki|Domingo|Guiana|
Moroccan|Natal|Patos|Sol|Antarktis|Dominicana|Holborn|Io|Las Estrellas|Santo Domingo|Shri Shyams|Thrashers|
Victoria|Wikinews
""".replace("\n", "").split("|"))


def _covered(finds, start: int, end: int) -> bool:
    """Every character of start..end lies in a redacted span."""
    pos = start
    for s, e in sorted((f.start, f.end) for f in finds if f.start < end and start < f.end):
        if s > pos:
            return False
        pos = max(pos, e)
    return pos >= end


def _sib_texts(lang: str) -> list[str]:
    import pandas as pd

    texts: list[str] = []
    for split in ("train", "dev", "test"):
        frame = pd.read_csv(EVAL / lang / f"{split}.tsv", sep="\t", quoting=csv.QUOTE_NONE, dtype=str,
                            keep_default_na=False)
        texts += frame["text"].tolist()
    return texts


def _sample_names(redactor) -> dict:
    """Planted names of the sample corpus caught, and texts without a planted identifier changed."""
    import pandas as pd

    notes = pd.read_csv(SAMPLE / "notes.csv", sep=";", dtype=str, keep_default_na=False)
    planted = pd.read_csv(SAMPLE / "pii_planted.csv", dtype=str, keep_default_na=False)
    row = {nid: i for i, nid in enumerate(notes["NotatID"])}
    texts, names = notes["Notat"].tolist(), [[n] if n else [] for n in notes["Navn"]]
    cache: dict[int, list] = {}
    n = caught = 0
    for nid, kind, value, start, end in planted[["note_id", "type", "value", "start", "end"]].itertuples(index=False):
        i = row.get(nid)
        if kind.upper() != "NAVN" or i is None or texts[i][int(start):int(end)] != value:
            continue
        finds = cache.setdefault(i, redactor.find(texts[i], names[i]))
        n += 1
        caught += _covered(finds, int(start), int(end))
    free = [i for i in range(len(texts)) if notes["NotatID"][i] not in set(planted["note_id"])]
    changed = sum(bool(redactor.find(texts[i], names[i])) for i in free)
    return {"names": [caught, n], "clean": [changed, len(free)]}


def measure() -> dict:
    """Every figure of one version of the redactor (the one ``kvalitativ`` resolves to)."""
    from kvalitativ.privacy.redact import Redactor

    redactor = Redactor()
    out: dict = {"sib": {}}
    for lang in LANGS:
        texts = _sib_texts(lang)
        finds = [redactor.find(t) for t in texts]
        out["sib"][lang] = {"n": len(texts), "changed": sum(bool(f) for f in finds),
                            "finds": [[i, t[f.start:f.end], t[max(0, f.start - 40):f.end + 30]]
                                      for i, (t, fs) in enumerate(zip(texts, finds)) for f in fs]}
    # the same sentences in lower case: what the lower-case name rules (strict) cost on text without persons' cues
    out["sib_lower"] = {}
    for lang in LANGS:
        texts = [t.lower() for t in _sib_texts(lang)]
        finds = [redactor.find(t) for t in texts]
        out["sib_lower"][lang] = {"n": len(texts), "changed": sum(bool(f) for f in finds),
                                  "finds": [[i, t[f.start:f.end], t[max(0, f.start - 40):f.end + 30]]
                                            for i, (t, fs) in enumerate(zip(texts, finds)) for f in fs]}
    gen = load_tool("make_pii_sentences").generate(seed=8)
    n = caught = clean = changed = 0
    for r in gen:
        finds = redactor.find(r.text, r.names)
        if r.kind == "clean":
            clean, changed = clean + 1, changed + bool(finds)
            continue
        for kind, _value, start, end, _group in r.ids:
            if kind == "NAVN":
                n, caught = n + 1, caught + _covered(finds, start, end)
    out["generated"] = {"names": [caught, n], "clean": [changed, clean]}
    adv = load_tool("make_adversarial_pii").generate(seed=19, n=60)
    n = caught = clean = changed = 0
    for r in adv:
        finds = redactor.find(r.text)
        if r.kind == "clean":
            clean, changed = clean + 1, changed + bool(finds)
        elif r.type == "NAVN":
            n, caught = n + 1, caught + _covered(finds, r.start, r.end)
    out["adversarial"] = {"names": [caught, n], "clean": [changed, clean]}
    out["sample"] = _sample_names(redactor) if (SAMPLE / "pii_planted.csv").exists() else None
    out["notes_per_s"] = _throughput(redactor)
    return out


def _throughput(redactor) -> float | None:
    """Median notes per second of ``redact_texts`` over the sample notes (names per row), 3 runs."""
    import statistics
    import time

    import pandas as pd

    if not (SAMPLE / "notes.csv").exists():
        return None
    notes = pd.read_csv(SAMPLE / "notes.csv", sep=";", dtype=str, keep_default_na=False)
    texts, names = notes["Notat"].tolist(), [[n] if n else [] for n in notes["Navn"]]
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        redactor.redact_texts(texts, names)
        runs.append(len(texts) / (time.perf_counter() - t0))
    return statistics.median(runs)


def measure_revision(rev: str) -> dict:
    """:func:`measure` with the source of git revision ``rev`` (a child process)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "src.tar"
        subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), rev, "src"], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        env = dict(os.environ, PYTHONPATH=str(Path(tmp) / "src"))
        res = subprocess.run([sys.executable, __file__, "--measure-json"], env=env, check=True,
                             capture_output=True, text=True)
    return json.loads(res.stdout)


def _pct(pair) -> str:
    return f"{pair[0]}/{pair[1]} ({pair[0] / max(pair[1], 1):.1%})"


def only_in(a: dict, b: dict, lang: str) -> list[tuple[str, str]]:
    """Finds (text, context) that version ``a`` makes and ``b`` does not."""
    have = {(i, w) for i, w, _ in b["sib"][lang]["finds"]}
    return [(w, ctx) for i, w, ctx in a["sib"][lang]["finds"] if (i, w) not in have]


def _persons(words: list[str]) -> tuple[int, int, list[str]]:
    """(person names, judged, unjudged strings) among ``words`` by the hand labels."""
    judged = [w for w in words if w in PERSON or w in NOT_PERSON]
    return sum(w in PERSON for w in judged), len(judged), sorted({w for w in words if w not in judged})


def labelled(before: dict, after: dict, lang: str) -> dict:
    """Person share of a seeded sample of the "after" finds and of the finds only "before" makes."""
    import random

    finds = after["sib"][lang]["finds"]
    sample = [w for _, w, _ in random.Random(SAMPLE_SEED).sample(finds, min(SAMPLE_N, len(finds)))]
    return {"sample": _persons(sample), "gone": _persons([w for w, _ in only_in(before, after, lang)])}


def render(before: dict, after: dict, rev: str) -> str:
    lines = [
        "## Redaction: text that is not municipal notes (SIB-200 English and Danish)",
        "",
        f"Command: `{COMMAND}` (before = the redactor of commit `{rev}`, run from `git archive` in a child "
        f"process; after = this version; same inputs, one run). Machine: 2-core {platform.machine()}, no GPU, "
        f"Python {platform.python_version()}.",
        "",
        "Sentences changed = share of the 1,004 SIB-200 sentences (news and encyclopaedia, no identifier "
        "labels) in which the redactor replaced anything; a change hides either a real person's name or "
        "a place, topic or term. Recall = planted names of which nothing is left readable.",
        "",
        "| set | before | after |",
        "|---|---:|---:|",
    ]
    for lang, label in LANGS.items():
        b, a = before["sib"][lang], after["sib"][lang]
        lines.append(f"| SIB-200 {label}: sentences changed | {_pct([b['changed'], b['n']])} | "
                     f"{_pct([a['changed'], a['n']])} |")
        lines.append(f"| SIB-200 {label}: finds | {len(b['finds'])} | {len(a['finds'])} |")
    for lang, label in LANGS.items():
        b, a = before.get("sib_lower", {}).get(lang), after.get("sib_lower", {}).get(lang)
        if b and a:
            lines.append(f"| SIB-200 {label}, lower-cased: sentences changed | {_pct([b['changed'], b['n']])} | "
                         f"{_pct([a['changed'], a['n']])} |")
    for key, label in (("sample", "sample corpus `pii_planted.csv`"), ("generated", "generated sentences"),
                       ("adversarial", "adversarial set")):
        if before.get(key) and after.get(key):
            lines.append(f"| {label}: name recall | {_pct(before[key]['names'])} | {_pct(after[key]['names'])} |")
            lines.append(f"| {label}: identifier-free texts changed | {_pct(before[key]['clean'])} | "
                         f"{_pct(after[key]['clean'])} |")
    if before.get("notes_per_s") and after.get("notes_per_s"):
        lines.append(f"| throughput on the sample notes (median of 3, one core; the machine was shared) | "
                     f"{before['notes_per_s']:,.0f} notes/s | {after['notes_per_s']:,.0f} notes/s |")
    lines.append("")
    lines += ["Person names among the finds, judged by hand (labels in the script): a seeded sample "
              f"(seed {SAMPLE_SEED}) of {SAMPLE_N} finds after, and every find made before but not after.", "",
              "| language | finds after: person names in the sample | finds no longer made: person names | "
              "estimated finds that are no person, before → after |", "|---|---:|---:|---:|"]
    for lang, label in LANGS.items():
        lab = labelled(before, after, lang)
        (sp, sn, _), (gp, gn, _) = lab["sample"], lab["gone"]
        n_after, n_gone = len(after["sib"][lang]["finds"]), len(only_in(before, after, lang))
        other_after = round(n_after * (sn - sp) / max(sn, 1))
        lines.append(f"| {label} | {sp}/{sn} | {gp}/{gn} | ≈ {other_after + n_gone - gp} → ≈ {other_after} |")
    lines.append("")
    for lang, label in LANGS.items():
        if before.get("sib_lower") and after.get("sib_lower"):
            have = {(i, w) for i, w, _ in before["sib_lower"][lang]["finds"]}
            new_lower = sorted({ctx.strip() for i, w, ctx in after["sib_lower"][lang]["finds"] if (i, w) not in have})
            lines.append(f"SIB-200 {label}, lower-cased: {len(new_lower)} new finds, in context: "
                         + ("; ".join(f"“…{c}…”" for c in new_lower) or "none") + ".")
            lines.append("")
    for lang, label in LANGS.items():
        gone = only_in(before, after, lang)
        new = only_in(after, before, lang)
        persons = sorted({w for w, _ in gone if w in PERSON})
        lines.append(f"SIB-200 {label}: {len(gone)} finds no longer made ({len(new)} new): "
                     + "; ".join(sorted({w for w, _ in gone})) + f". Of these, person names: {'; '.join(persons)}.")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", default=BEFORE, help="git revision whose redactor is 'before'")
    ap.add_argument("--write-docs", action="store_true", help="replace this section of docs/benchmarks.md")
    ap.add_argument("--measure-json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure_json:  # the child process: figures of the kvalitativ on PYTHONPATH
        print(json.dumps(measure()))
        return
    before = measure_revision(args.before)
    sys.path.insert(0, str(REPO / "src"))
    after = measure()
    section = render(before, after, args.before)
    print(section)
    for lang in LANGS:
        lab = labelled(before, after, lang)
        unjudged = lab["sample"][2] + lab["gone"][2]
        if unjudged:
            print(f"UNLABELLED {lang}: {unjudged}")
        for w, ctx in only_in(before, after, lang):
            print(f"gone {lang}: {w!r:30} {ctx!r}")
        for w, ctx in only_in(after, before, lang):
            print(f"new  {lang}: {w!r:30} {ctx!r}")
    if args.write_docs:
        replace_section(REPO / "docs" / "benchmarks.md", section + "\n",
                        heading="## Redaction: text that is not municipal notes (SIB-200 English and Danish)")


if __name__ == "__main__":
    main()
