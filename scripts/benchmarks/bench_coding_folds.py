"""The supervised coder's calibration and threshold folds: copies of a text kept in one fold
(``supervised.text_folds``, now) against a plain shuffled KFold over the texts (before), the same
coder and data otherwise, in one run.

    python scripts/benchmarks/bench_coding_folds.py

(The table goes into docs/benchmarks.md, "Coding quality", by hand.)

* SIB-200 Danish: train+dev (800 sentences, no copies) -> test (204); macro-F1 of the top theme.
  Without copies the two fold schemes are the same folds, so the figures must be equal.
* DKHate: the fixed stratified 80/20 split of ``bench_coding.py dkhate`` (the 3,600 comments
  hold 3,496 distinct texts); F1 of "offensive" at the coder's own threshold.
* corpora/sample: the coder ``kvalitativ code --train`` builds (``make_coder(..., "supervised")``,
  codebook prior, sentence level) from the 1,030 hand-coded notes of ``human_codes.csv`` (926
  distinct texts), scored against the gold of the 3,159 notes not hand-coded.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.benchmarks.bench_coding import (CACHE, EVAL, REPO, binary_scores, save, sib,  # noqa: E402
                                             single_label_scores, table)

from sklearn.model_selection import KFold, train_test_split  # noqa: E402

import kvalitativ.coding.supervised as supervised  # noqa: E402
from kvalitativ.coding import SupervisedCoder, evaluate_codings  # noqa: E402
from kvalitativ.coding.api import make_coder  # noqa: E402
from kvalitativ.io.ingest import ingest_notes  # noqa: E402

SCHEMES = ("KFold over texts (before)", "copies in one fold (now)")


@contextmanager
def folds(scheme: str):
    """Run the supervised coder with the named fold scheme."""
    grouped = supervised.text_folds
    if scheme == SCHEMES[0]:
        supervised.text_folds = lambda texts, n, rs: list(KFold(max(2, min(int(n), len(texts))), shuffle=True,
                                                               random_state=rs).split(texts))
    try:
        yield
    finally:
        supervised.text_folds = grouped


def sib_rows() -> list[dict]:
    train, test = pd.concat([sib("train"), sib("dev")]), sib("test")
    rows = []
    for scheme in SCHEMES:
        with folds(scheme):
            c = SupervisedCoder(embedder="e5", level="note", cache_dir=CACHE, progress=False, random_state=0)
            c.fit(list(train["text"]), list(train["theme"]))
        pred = np.asarray(c.classes_)[c.predict_proba(list(test["text"])).argmax(axis=1)]
        rows.append({"data": "SIB-200 Danish, train+dev -> test", "folds": scheme,
                     "score": single_label_scores(test["theme"].to_numpy(), pred)["macro_f1"], "measure": "macro-F1",
                     "mean_threshold": float(np.mean(c.thresholds_))})
    return rows


def dkhate_rows() -> list[dict]:
    df = pd.read_csv(EVAL / "dkhate" / "dkhate.csv").dropna(subset=["text"])
    train, test = train_test_split(df, test_size=0.2, stratify=df["offensive"], random_state=0)
    ys = [["offensive"] if v == "OFF" else [] for v in train["offensive"]]
    y_true = (test["offensive"] == "OFF").astype(int).to_numpy()
    rows = []
    for scheme in SCHEMES:
        with folds(scheme):
            c = SupervisedCoder(embedder="e5", level="note", cache_dir=CACHE, progress=False, random_state=0)
            c.fit(list(train["text"]), ys)
        pred = c.predict(list(test["text"]))[:, 0]
        rows.append({"data": "DKHate offensive, 80/20 split", "folds": scheme,
                     "score": binary_scores(y_true, pred)["f1_off"], "measure": "F1 (offensive)",
                     "mean_threshold": float(np.mean(c.thresholds_))})
    return rows


def sample_rows() -> list[dict]:
    corpus = ingest_notes(REPO / "corpora" / "sample" / "notes.csv").corpus
    gold = pd.read_csv(REPO / "corpora" / "sample" / "gold_codings.csv")
    codes = pd.read_csv(REPO / "corpora" / "sample" / "human_codes.csv")
    rest = corpus[~corpus["note_id"].isin(codes["note_id"])]
    rows = []
    for scheme in SCHEMES:
        with folds(scheme):
            coder = make_coder(corpus, "ungekompetencer", "supervised", train=codes, cache_dir=CACHE,
                               progress=False, random_state=0)
        _, s = evaluate_codings(coder.code(rest), gold[gold["note_id"].isin(rest["note_id"])], notes=rest["note_id"])
        rows.append({"data": "corpora/sample, 1,030 hand-coded notes -> the other 3,159", "folds": scheme,
                     "score": s["micro_f1"], "measure": f"micro-F1 (mean kappa {s['mean_kappa']:.3f})",
                     "mean_threshold": float(np.mean(coder.thresholds_))})
    return rows


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    rows = sib_rows() + dkhate_rows() + sample_rows()
    md = ("### Supervised coder: calibration folds with copies of a text kept together "
          "(`python scripts/benchmarks/bench_coding_folds.py`)\n\n"
          + table(rows, ["data", "folds", "measure", "score", "mean_threshold"]))
    print(md)
    save("folds", {"rows": rows})


if __name__ == "__main__":
    main()
