"""Benchmarks of theme coding: quality on held-out labelled data, and the embedding cache.

    python scripts/benchmarks/bench_coding.py sib-zeroshot     # SIB-200 Danish, zero-shot from Danish topic names
    python scripts/benchmarks/bench_coding.py sib-supervised   # SIB-200 Danish, train+dev -> test
    python scripts/benchmarks/bench_coding.py dkhate           # DKHate offensive NOT/OFF, fixed stratified 80/20 split
    python scripts/benchmarks/bench_coding.py sample           # corpora/sample gold codes, 5-fold CV grouped by person
    python scripts/benchmarks/bench_coding.py sample-zeroshot  # corpora/sample gold codes, zero-shot rows only (e5, static)
    python scripts/benchmarks/bench_coding.py citizen          # corpora/sample citizen input, zero-shot (no training data)
    ... sample-zeroshot|citizen --codebook FILE                 # the same with another codebook file (e.g. an earlier version)
    python scripts/benchmarks/bench_coding.py cache            # first vs cached second run, identical codings
    python scripts/benchmarks/bench_coding.py all

Data are read from ../shared/eval (relative to the repository root), never copied. e5 vectors
are cached in .kvalitativ-cache/embeddings and shared by all variants (the cache benchmark uses
a fresh folder of its own). Results are printed as Markdown and saved as JSON under
out/bench_coding/. Baselines are trained on exactly the same examples as the coders:

* TF-IDF + LR: word 1–2-gram TF-IDF (sublinear tf) + one-vs-rest logistic regression with C
  chosen by 5-fold CV from {1, 10, 100} and, like the supervised coder, per-theme thresholds
  chosen on out-of-fold scores (argmax for single-label tasks).
* keyword: :class:`kvalitativ.coding.KeywordCoder` (codebook label words + keywords as stems).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO.parent / "shared" / "eval"
CACHE = REPO / ".kvalitativ-cache" / "embeddings"
OUT = REPO / "out" / "bench_coding"
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
warnings.filterwarnings("ignore")

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score  # noqa: E402
from sklearn.model_selection import GroupKFold, KFold, cross_val_predict, train_test_split  # noqa: E402

from kvalitativ.codebook import codebook_from_dict  # noqa: E402
from kvalitativ.coding import (GatedCoder, KeywordCoder, SupervisedCoder, ZeroShotCoder, code_notes,  # noqa: E402
                               evaluate_codings)
from kvalitativ.coding.supervised import _best_threshold, labels_to_matrix  # noqa: E402

SIB_CODEBOOK = {
    "name": "sib200_da", "version": "1",
    "themes": [
        {"id": "science_technology", "label": "Videnskab og teknologi",
         "definition": "Videnskab, forskning, teknologi, computere, rummet, natur og opfindelser."},
        {"id": "travel", "label": "Rejser", "definition": "Rejser, turisme, ferie, transport, hoteller og gode råd til rejsende."},
        {"id": "politics", "label": "Politik",
         "definition": "Politik, regeringer, valg, love, politikere, krig og internationale forhold."},
        {"id": "sports", "label": "Sport", "definition": "Sport, idræt, kampe, turneringer, atleter og resultater."},
        {"id": "health", "label": "Sundhed", "definition": "Sundhed, sygdom, medicin, læger, kroppen og behandling."},
        {"id": "entertainment", "label": "Underholdning",
         "definition": "Underholdning, film, musik, tv, kunst, kultur, festivaler og kendte personer."},
        {"id": "geography", "label": "Geografi", "definition": "Geografi, lande, byer, floder, bjerge, have, klima og landskaber."},
    ],
}
SIB_IDS = {"science/technology": "science_technology"}


# ---------------------------------------------------------------------------------------- helpers
class TfidfLR:
    """The baseline: word TF-IDF + one-vs-rest LR, C by CV, per-theme thresholds by CV."""

    def fit(self, texts, Y):
        texts = np.asarray(texts, dtype=object)
        self.vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        X = self.vec.fit_transform(texts)
        kf = KFold(5, shuffle=True, random_state=0)
        best = None
        for C in (1.0, 10.0, 100.0):
            oof = np.column_stack([
                cross_val_predict(LogisticRegression(C=C, max_iter=3000, class_weight="balanced", solver="liblinear", dual=True), X, Y[:, j], cv=kf,
                                  method="predict_proba")[:, 1] for j in range(Y.shape[1])])
            score = f1_score(Y, oof >= 0.5, average="micro", zero_division=0)
            if best is None or score > best[0]:
                best = (score, C, oof)
        _, self.C, oof = best
        self.thresholds = np.array([_best_threshold(oof[:, j], Y[:, j]) for j in range(Y.shape[1])])
        self.models = [LogisticRegression(C=self.C, max_iter=3000, class_weight="balanced", solver="liblinear", dual=True).fit(X, Y[:, j])
                       for j in range(Y.shape[1])]
        return self

    def predict_proba(self, texts):
        X = self.vec.transform(np.asarray(texts, dtype=object))
        return np.column_stack([m.predict_proba(X)[:, 1] for m in self.models])


def single_label_scores(y_true, y_pred) -> dict:
    return {"accuracy": accuracy_score(y_true, y_pred),
            "macro_f1": f1_score(y_true, y_pred, average="macro", zero_division=0)}


def binary_scores(y_true, y_pred) -> dict:
    return {"f1_off": f1_score(y_true, y_pred, zero_division=0),
            "precision_off": precision_score(y_true, y_pred, zero_division=0),
            "recall_off": recall_score(y_true, y_pred, zero_division=0),
            "macro_f1": f1_score(y_true, y_pred, average="macro", zero_division=0),
            "accuracy": accuracy_score(y_true, y_pred)}


def table(rows: list[dict], cols: list[str]) -> str:
    head = "| " + " | ".join(cols) + " |\n|" + "|".join("---" if i == 0 else "---:" for i in range(len(cols))) + "|\n"
    body = ""
    for r in rows:
        body += "| " + " | ".join(f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c]) for c in cols) + " |\n"
    return head + body


def save(name: str, payload: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    payload["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_1min_at_end": os.getloadavg()[0]}
    (OUT / f"{name}.json").write_text(json.dumps(payload, indent=2, default=float))


def sib(split: str) -> pd.DataFrame:
    df = pd.read_csv(EVAL / "sib200" / "dan_Latn" / f"{split}.tsv", sep="\t")
    df["theme"] = df["category"].map(lambda c: SIB_IDS.get(c, c))
    return df


# ---------------------------------------------------------------------------------------- SIB-200
def _code_sib(cb, texts, embedder: str, note_gate: float = 0.0, **kw) -> np.ndarray:
    """Each text's theme from ``code_notes`` in single-label mode, at note level (the command a
    user runs: ``kvalitativ code ... --level note --exclusive``); ``kw``: ZeroShotCoder options;
    ``note_gate``: through ``code_notes(note_gate=...)`` (nothing to gate at note level)."""
    corpus = pd.DataFrame({"note_id": [f"n{i:05d}" for i in range(len(texts))], "text": list(texts)})
    if note_gate:
        codings = code_notes(corpus, cb, embedder=embedder, level="note", exclusive=True, cache_dir=CACHE,
                             progress=False, note_gate=note_gate)
        return codings.set_index("note_id")["theme_id"].reindex(corpus["note_id"]).to_numpy()
    coder = ZeroShotCoder(cb, embedder=embedder, level="note", exclusive=True, cache_dir=CACHE, progress=False, **kw)
    codings = code_notes(corpus, coder=coder)
    return codings.set_index("note_id")["theme_id"].reindex(corpus["note_id"]).to_numpy()


def bench_sib_zeroshot() -> dict:
    """Zero-shot on the 204 test sentences, coded alone and together with train+dev (unlabelled),
    with e5 and static, through ``code_notes --exclusive`` (the user's command)."""
    cb = codebook_from_dict(SIB_CODEBOOK)
    test = sib("test")
    everything = pd.concat([sib("train"), sib("dev"), test])
    y = test["theme"].to_numpy()
    rows = []
    for emb in ("e5", "static"):
        for name, texts in (("test coded alone (204)", test["text"]), ("coded with train+dev (1,004)", everything["text"])):
            t = time.perf_counter()
            pred = _code_sib(cb, texts, emb)[-len(test):]
            rows.append({"embedder": emb, "method": f"zero-shot --exclusive, {name}", **single_label_scores(y, pred),
                         "uncoded": int((pred == "uncoded").sum()), "seconds": time.perf_counter() - t})
    # the 204 test sentences redacted as `kvalitativ code` ingests them (names, places -> placeholders)
    from kvalitativ.privacy.redact import redact_texts

    redacted = redact_texts(list(test["text"]))[0]
    for emb in ("e5", "static"):
        for name, kw in (("", {}), (", no lexical block", dict(lexical_weight=0.0)),
                         (", lexical weight 0.5 (the default before)", dict(lexical_weight=0.5)),
                         (", note context 1 (an option; no effect at note level)", dict(context_weight=1.0)),
                         (", note gate 0.5 (an option; nothing to gate at note level)", dict(note_gate=0.5))):
            t = time.perf_counter()
            pred = _code_sib(cb, redacted, emb, **kw)
            rows.append({"embedder": emb, "method": f"test alone, redacted as the command ingests it{name}",
                         **single_label_scores(y, pred), "uncoded": int((pred == "uncoded").sum()),
                         "seconds": time.perf_counter() - t})
    # the coder before the lexical block (same vectors, same run): SIB's codebook has no keywords,
    # so keyword seeds do not apply
    for emb in ("e5", "static"):
        for name, texts in (("test coded alone (204)", test["text"]), ("coded with train+dev (1,004)", everything["text"])):
            t = time.perf_counter()
            pred = _code_sib(cb, texts, emb, lexical_weight=0.0)[-len(test):]
            rows.append({"embedder": emb, "method": f"before: no lexical block, {name}", **single_label_scores(y, pred),
                         "uncoded": int((pred == "uncoded").sum()), "seconds": time.perf_counter() - t})
    # the coder before single-label mode: per-theme thresholds, one self-training round, argmax of the scores
    for name, fit in (("alone", test["text"]), ("with train+dev", everything["text"])):
        z = ZeroShotCoder(cb, embedder="e5", level="note", n_rounds=1, lexical_weight=0.0, cache_dir=CACHE,
                          progress=False).fit(list(fit))
        pred = np.asarray(z.classes_)[z.predict_proba(list(test["text"])).argmax(axis=1)]
        rows.append({"embedder": "e5", "method": f"ablation: one self-training round, top score, {name}",
                     **single_label_scores(y, pred), "uncoded": 0, "seconds": 0.0})
    names = codebook_from_dict({"name": "names", "themes": [{"id": t["id"], "label": t["label"]} for t in SIB_CODEBOOK["themes"]]})
    z = ZeroShotCoder(names, self_training=False, center=False, embedder="e5", level="note", cache_dir=CACHE,
                      progress=False).fit(list(test["text"]))
    pred = np.asarray(z.classes_)[z.predict_proba(list(test["text"])).argmax(axis=1)]
    rows.append({"embedder": "e5", "method": "baseline: nearest topic name, no centring (eval README recipe)",
                 **single_label_scores(y, pred), "uncoded": 0, "seconds": 0.0})
    md = table(rows, ["embedder", "method", "accuracy", "macro_f1", "uncoded", "seconds"])
    print("### SIB-200 Danish, zero-shot (test, 204 sentences)\n\n" + md)
    save("sib_zeroshot", {"rows": rows})
    return {"rows": rows, "markdown": md}


def bench_sib_supervised() -> dict:
    train = pd.concat([sib("train"), sib("dev")])
    test = sib("test")
    Y, classes = labels_to_matrix(list(train["theme"]))
    y = test["theme"].to_numpy()
    rows = []
    kw = dict(embedder="e5", level="note", cache_dir=CACHE, progress=False, random_state=0)
    for name, coder in [("supervised: TF-IDF + e5 (default)", SupervisedCoder(**kw)),
                        ("supervised: TF-IDF only (ablation)", SupervisedCoder(embedding=False, **kw)),
                        ("supervised: e5 only (ablation)", SupervisedCoder(lexical=False, **kw))]:
        t = time.perf_counter()
        coder.fit(list(train["text"]), list(train["theme"]))
        pred = np.asarray(coder.classes_)[coder.predict_proba(list(test["text"])).argmax(axis=1)]
        rows.append({"method": name, **single_label_scores(y, pred), "seconds": time.perf_counter() - t})
    t = time.perf_counter()
    base = TfidfLR().fit(list(train["text"]), Y)
    pred = np.asarray(classes)[base.predict_proba(list(test["text"])).argmax(axis=1)]
    rows.append({"method": f"baseline TF-IDF + LR (C={base.C:g})", **single_label_scores(y, pred),
                 "seconds": time.perf_counter() - t})
    md = table(rows, ["method", "accuracy", "macro_f1", "seconds"])
    print("### SIB-200 Danish, supervised (train+dev 800 -> test 204)\n\n" + md)
    save("sib_supervised", {"rows": rows})
    return {"rows": rows, "markdown": md}


# ---------------------------------------------------------------------------------------- DKHate
def bench_dkhate() -> dict:
    df = pd.read_csv(EVAL / "dkhate" / "dkhate.csv").dropna(subset=["text"])
    train, test = train_test_split(df, test_size=0.2, stratify=df["offensive"], random_state=0)
    ys = [["offensive"] if v == "OFF" else [] for v in train["offensive"]]
    y_true = (test["offensive"] == "OFF").astype(int).to_numpy()
    rows = []
    kw = dict(embedder="e5", level="note", cache_dir=CACHE, progress=False, random_state=0)
    for name, coder in [("supervised: TF-IDF + e5 (default)", SupervisedCoder(**kw)),
                        ("supervised: TF-IDF only (ablation)", SupervisedCoder(embedding=False, **kw)),
                        ("supervised: e5 only (ablation)", SupervisedCoder(lexical=False, **kw))]:
        t = time.perf_counter()
        coder.fit(list(train["text"]), ys)
        pred = coder.predict(list(test["text"]))[:, 0]
        rows.append({"method": name, **binary_scores(y_true, pred), "seconds": time.perf_counter() - t})
    t = time.perf_counter()
    Y = np.array([[1] if y else [0] for y in ys])
    base = TfidfLR().fit(list(train["text"]), Y)
    pred = (base.predict_proba(list(test["text"]))[:, 0] >= base.thresholds[0]).astype(int)
    rows.append({"method": f"baseline TF-IDF + LR (C={base.C:g})", **binary_scores(y_true, pred),
                 "seconds": time.perf_counter() - t})
    md = table(rows, ["method", "f1_off", "precision_off", "recall_off", "macro_f1", "accuracy", "seconds"])
    print(f"### DKHate offensive (train {len(train)}, test {len(test)}, {int(y_true.sum())} OFF in test)\n\n" + md)
    save("dkhate", {"rows": rows, "n_train": len(train), "n_test": len(test)})
    return {"rows": rows, "markdown": md}


# ---------------------------------------------------------------------------------------- sample
def _sample():
    from kvalitativ.io.ingest import ingest_notes

    corpus = ingest_notes(REPO / "corpora" / "sample" / "notes.csv").corpus
    gold = pd.read_csv(REPO / "corpora" / "sample" / "gold_codings.csv")
    return corpus, gold


def _summary_row(name, codings, gold, seconds):
    _, s = evaluate_codings(codings, gold)
    return {"method": name, "micro_f1": s["micro_f1"], "macro_f1": s["macro_f1"], "micro_precision": s["micro_precision"],
            "micro_recall": s["micro_recall"], "mean_kappa": s["mean_kappa"],
            "valence_accuracy": s["valence_accuracy"], "valence_kappa": s["valence_kappa"], "seconds": seconds}


# ZeroShotCoder(context_weight=): the best of 0.25, 0.5 and 1 on the selection halves (bench_coding_select.py
# --context), not adopted (docs/benchmarks.md, "The note as context for its sentences")
CONTEXT_TRIED = 0.25

# make_coder(note_gate=, note_gate_add=): the candidates of bench_coding_select.py --gate, not adopted
# (docs/benchmarks.md, "Two-level agreement"); sentence level only
GATES_TRIED = ((0.5, False), (0.75, False), (0.5, True))

# the coder before the keyword seeds and the lexical block of self-training (kvalitativ.coding.selftrain)
BEFORE_SELFTRAIN = dict(keyword_seeds=False, lexical_weight=0.0)


def _zeroshot_rows(corpus, gold, codebook: str, level: str) -> list[dict]:
    """Zero-shot rows for e5 and static: the coder as shipped; the coder before the keyword seeds
    and the lexical block ("before"), and without each of them; and the earlier ablation without
    the codebook's own phrasings as seeds and without the uncoded rule (before those, too)."""
    rows = []
    for emb in ("e5", "static"):
        for name, kw in (("zero-shot", {}),
                         ("before: no keyword seeds, no lexical block", BEFORE_SELFTRAIN),
                         ("ablation: no keyword seeds", dict(keyword_seeds=False)),
                         ("ablation: no lexical block", dict(lexical_weight=0.0)),
                         ("ablation: lexical weight 0.5 (the default before)", dict(lexical_weight=0.5)),
                         (f"option: note context {CONTEXT_TRIED} (not adopted)", dict(context_weight=CONTEXT_TRIED)),
                         ("ablation: no seed phrasings, no uncoded rule, no keyword seeds, no lexical block",
                          dict(use_counter_examples=False, uncoded_rule=False, **BEFORE_SELFTRAIN))):
            t = time.perf_counter()
            zs = code_notes(corpus, coder=ZeroShotCoder(codebook, embedder=emb, level=level, cache_dir=CACHE, progress=False, **kw))
            rows.append(_summary_row(f"{name} {emb}, {level} level", zs, gold, time.perf_counter() - t))
        for g, add in (GATES_TRIED if level == "sentence" else ()):
            t = time.perf_counter()
            zs = code_notes(corpus, coder=GatedCoder(codebook, embedder=emb, gate=g, add=add,
                                                     options=dict(cache_dir=CACHE, progress=False)))
            name = f"option: note gate {g}{' + add' if add else ''} (not adopted)"
            rows.append(_summary_row(f"{name} {emb}, {level} level", zs, gold, time.perf_counter() - t))
    return rows


def _print_sample(rows, corpus, folds) -> dict:
    md = table(rows, ["method", "micro_f1", "macro_f1", "micro_precision", "micro_recall", "mean_kappa",
                      "valence_accuracy", "valence_kappa", "seconds"])
    print(f"### corpora/sample ({len(corpus)} notes, 16 themes, judged per note)\n\n" + md)
    save("sample", {"rows": rows, "folds": folds})
    return {"rows": rows, "markdown": md}


def bench_sample(folds: int = 5, zeroshot: bool = True, supervised: bool = True, codebook: str = "ungekompetencer") -> dict:
    from kvalitativ.coding.base import codings_frame
    from kvalitativ.coding.units import segment_corpus

    corpus, gold = _sample()
    rows = _zeroshot_rows(corpus, gold, codebook, "sentence") if zeroshot else []
    for name, use_kw in (("keyword: labels + keywords", True), ("keyword: labels only", False)):
        t = time.perf_counter()
        kc = KeywordCoder(codebook, level="note", use_keywords=use_kw).code(corpus)
        rows.append(_summary_row(name, kc, gold, time.perf_counter() - t))
    if not supervised:
        return _print_sample(rows, corpus, folds)

    themes_of = gold.groupby("note_id")["theme_id"].apply(lambda s: sorted(set(s))).to_dict()
    val_of = gold.groupby("note_id").apply(lambda g: dict(zip(g["theme_id"], g["valence"]))).to_dict()
    note_ids = corpus["note_id"].astype(str).to_numpy()
    texts = np.asarray(corpus["text"], dtype=object)
    ys = [themes_of.get(n, []) for n in note_ids]
    vals = [val_of.get(n, {}) for n in note_ids]
    Y, classes = labels_to_matrix(ys)
    parts = {k: [] for k in ("sup_note", "sup_sentence", "tfidf_lr")}
    secs = {k: 0.0 for k in parts}
    for k, (tr, te) in enumerate(GroupKFold(n_splits=folds).split(texts, groups=corpus["person_id"].astype(str))):
        test = corpus.iloc[te]
        for key, level in (("sup_note", "note"), ("sup_sentence", "sentence")):
            t = time.perf_counter()
            coder = SupervisedCoder(embedder="e5", level=level, codebook="ungekompetencer", cache_dir=CACHE,
                                    progress=False, random_state=0)
            coder.fit(list(texts[tr]), [ys[i] for i in tr], [vals[i] for i in tr])
            parts[key].append(coder.code(test))
            secs[key] += time.perf_counter() - t
        t = time.perf_counter()
        base = TfidfLR().fit(list(texts[tr]), Y[tr])
        units = segment_corpus(test, "note")
        p = base.predict_proba(list(units["text"]))
        coded = p >= base.thresholds[None, :]
        val = np.full(coded.shape, None, dtype=object)
        parts["tfidf_lr"].append(codings_frame(test, units, p, coded, val, classes, "tfidf_lr", None))
        secs["tfidf_lr"] += time.perf_counter() - t
        print(f"  fold {k + 1}/{folds} done", flush=True)
    labels = {"sup_note": f"supervised TF-IDF + e5, note level ({folds}-fold CV by person)",
              "sup_sentence": f"supervised TF-IDF + e5, sentence level ({folds}-fold CV by person)",
              "tfidf_lr": f"baseline TF-IDF + LR, note level ({folds}-fold CV by person)"}
    for key in parts:
        rows.append(_summary_row(labels[key], pd.concat(parts[key], ignore_index=True), gold, secs[key]))
    return _print_sample(rows, corpus, folds)


def _citizen():
    """The sample's citizen input as ingest reads it, and its gold codes."""
    from kvalitativ.config import ColumnMapping, IngestConfig
    from kvalitativ.io.ingest import ingest_notes

    cfg = IngestConfig(columns=ColumnMapping(note_id="HenvendelsesID", text="Tekst", date="Dato"))
    corpus = ingest_notes(REPO / "corpora" / "sample" / "citizen_input.csv", cfg).corpus
    return corpus, pd.read_csv(REPO / "corpora" / "sample" / "gold_citizen_codings.csv")


def bench_citizen(codebook: str = "borgerinput") -> dict:
    """Citizen input (borgerinput codebook, no training data): zero-shot vs keyword, per text."""
    corpus, gold = _citizen()
    rows = _zeroshot_rows(corpus, gold, codebook, "sentence") + _zeroshot_rows(corpus, gold, codebook, "note")
    for name, use_kw in (("keyword: labels + keywords", True), ("keyword: labels only", False)):
        kc = KeywordCoder(codebook, level="note", use_keywords=use_kw).code(corpus)
        rows.append(_summary_row(name, kc, gold, 0.0))
    md = table(rows, ["method", "micro_f1", "macro_f1", "micro_precision", "micro_recall", "mean_kappa", "seconds"])
    print(f"### corpora/sample citizen input ({len(corpus)} texts, 10 themes, no training data)\n\n" + md)
    save("citizen", {"rows": rows})
    return {"rows": rows, "markdown": md}


# ---------------------------------------------------------------------------------------- cache
def bench_cache(n_notes: int = 1000, repeats: int = 3) -> dict:
    corpus, _ = _sample()
    corpus = corpus.iloc[:n_notes]
    tmp = Path(tempfile.mkdtemp(prefix="kvalitativ-cache-bench-"))
    try:
        t = time.perf_counter()
        first = code_notes(corpus, "ungekompetencer", embedder="e5", cache_dir=tmp, progress=False)
        t_first = time.perf_counter() - t
        times, same = [], True
        for _ in range(repeats):
            t = time.perf_counter()
            again = code_notes(corpus, "ungekompetencer", embedder="e5", cache_dir=tmp, progress=False)
            times.append(time.perf_counter() - t)
            same &= again.equals(first)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res = {"n_notes": n_notes, "n_codings": len(first), "first_run_s": t_first,
           "cached_run_median_s": statistics.median(times), "cached_runs_s": times, "identical_codings": bool(same)}
    res["ratio"] = res["cached_run_median_s"] / t_first
    md = (f"| notes | first run (s) | cached run, median of {repeats} (s) | ratio | identical codings |\n|---:|---:|---:|---:|---|\n"
          f"| {n_notes} | {t_first:.1f} | {res['cached_run_median_s']:.1f} | {res['ratio']:.3f} | {same} |\n")
    print("### Embedding cache (zero-shot e5, sentence level)\n\n" + md)
    save("cache", res)
    return {**res, "markdown": md}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["sib-zeroshot", "sib-supervised", "dkhate", "sample", "sample-zeroshot", "citizen",
                                     "cache", "all"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache-notes", type=int, default=1000)
    ap.add_argument("--codebook", default=None, help="sample-zeroshot / citizen: a codebook file instead of the shipped one")
    a = ap.parse_args()
    todo = ["sib-zeroshot", "sib-supervised", "dkhate", "sample", "citizen", "cache"] if a.what == "all" else [a.what]
    for w in todo:
        if w == "sib-zeroshot":
            bench_sib_zeroshot()
        elif w == "sib-supervised":
            bench_sib_supervised()
        elif w == "dkhate":
            bench_dkhate()
        elif w == "sample":
            bench_sample(a.folds)
        elif w == "sample-zeroshot":
            bench_sample(a.folds, supervised=False, codebook=a.codebook or "ungekompetencer")
        elif w == "citizen":
            bench_citizen(a.codebook or "borgerinput")
        elif w == "cache":
            bench_cache(a.cache_notes)


if __name__ == "__main__":
    main()
