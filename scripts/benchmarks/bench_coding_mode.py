"""``code.exclusive`` off / auto / on for the supervised coder, in one run.

    python scripts/benchmarks/bench_coding_mode.py

* **SIB-200 Danish** (single-label topics): train+dev (800) -> test (204), ``make_coder(...,
  "supervised", level="note")`` (the codebook prior on, as ``code --train`` does) with
  ``exclusive`` False, "auto" and True. Scored over the 7 topics as a multi-label problem, so a
  note with no theme or two costs what it costs: macro-F1 (per-topic F1, averaged) and accuracy
  (the predicted set is exactly the true topic). "auto" must choose single-label and equal True.
* **SIB-200 Danish at sentence level**: the sentences of each topic paired into two-sentence notes
  (train+dev 399 notes -> test 100), hand codes per note, ``level="sentence"``: False, "auto" (one
  theme per sentence, then each note's top theme) and True (one theme per sentence only); scored
  per note as above.
* **The sample** (``corpora/sample``, multi-label gold): the first 400 notes (by note id) of the gold
  as hand codes (notes without a gold theme listed as 'uncoded'), level note, e5: "auto" must
  choose multi-label and code exactly as False.
* **DKHate** (one theme, offensive): what "auto" chooses from its 3,500 training codes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.benchmarks.bench_coding import CACHE, EVAL, REPO, SIB_CODEBOOK, save, sib, table  # noqa: E402

from sklearn.metrics import f1_score  # noqa: E402

from kvalitativ.codebook import codebook_from_dict  # noqa: E402
from kvalitativ.coding.api import make_coder  # noqa: E402
from kvalitativ.coding.mode import resolve_exclusive  # noqa: E402
from kvalitativ.io.ingest import ingest_notes  # noqa: E402

MODES = (("off (false)", False), ("auto", "auto"), ("on (true)", True))


def _multi_hot(codings: pd.DataFrame, ids, classes) -> np.ndarray:
    coded = codings[codings["theme_id"].isin(classes)]
    m = pd.crosstab(coded["note_id"], coded["theme_id"]).reindex(index=ids, columns=classes, fill_value=0)
    return (m.to_numpy() > 0).astype(int)


def bench_sib() -> list[dict]:
    train = pd.concat([sib("train"), sib("dev")])
    test = sib("test")
    cb = codebook_from_dict(SIB_CODEBOOK)
    corpus = pd.DataFrame({"note_id": [f"n{i:05d}" for i in range(len(train) + len(test))],
                           "text": list(train["text"]) + list(test["text"])})
    codes = pd.DataFrame({"note_id": corpus["note_id"][: len(train)], "theme_id": list(train["theme"])})
    classes = sorted(set(train["theme"]))
    ids = list(corpus["note_id"][len(train):])
    Y = np.array([[int(t == c) for c in classes] for t in test["theme"]])
    rows = []
    for name, value in MODES:
        t = time.perf_counter()
        coder = make_coder(corpus, cb, "supervised", level="note", embedder="e5", train=codes, cache_dir=CACHE,
                           progress=False, exclusive=value)
        P = _multi_hot(coder.code(corpus.iloc[len(train):]), ids, classes)
        rows.append({"data": "SIB-200 Danish (800 -> 204)", "exclusive": name, "chose": "single-label" if coder.exclusive
                     else "multi-label", "macro_f1": float(f1_score(Y, P, average="macro", zero_division=0)),
                     "accuracy": float((P == Y).all(axis=1).mean()), "themes_per_note": float(P.sum(axis=1).mean()),
                     "seconds": time.perf_counter() - t})
        print(rows[-1], flush=True)
    return rows


def _pairs(df: pd.DataFrame, prefix: str) -> pd.DataFrame:
    rows = []
    for theme, g in df.groupby("theme"):
        t = list(g["text"])
        rows += [{"text": t[i] + " " + t[i + 1], "theme": theme} for i in range(0, len(t) - 1, 2)]
    out = pd.DataFrame(rows)
    out["note_id"] = [f"{prefix}{i:05d}" for i in range(len(out))]
    return out


def bench_sib_sentences() -> list[dict]:
    train, test = _pairs(pd.concat([sib("train"), sib("dev")]), "a"), _pairs(sib("test"), "b")
    corpus = pd.concat([train, test], ignore_index=True)[["note_id", "text"]]
    codes = train[["note_id"]].assign(theme_id=train["theme"])
    classes, ids = sorted(set(train["theme"])), list(test["note_id"])
    Y = np.array([[int(t == c) for c in classes] for t in test["theme"]])
    rows = []
    for name, value in MODES:
        t = time.perf_counter()
        coder = make_coder(corpus, codebook_from_dict(SIB_CODEBOOK), "supervised", level="sentence", embedder="e5",
                           train=codes, cache_dir=CACHE, progress=False, exclusive=value)
        P = _multi_hot(coder.code(corpus[corpus["note_id"].isin(ids)]), ids, classes)
        chose = "single-label" + (" + note top" if getattr(coder, "note_top", False) else "") if coder.exclusive \
            else "multi-label"
        rows.append({"data": f"SIB-200 Danish, sentence level, pairs ({len(train)} -> {len(test)})", "exclusive": name,
                     "chose": chose, "macro_f1": float(f1_score(Y, P, average="macro", zero_division=0)),
                     "accuracy": float((P == Y).all(axis=1).mean()), "themes_per_note": float(P.sum(axis=1).mean()),
                     "seconds": time.perf_counter() - t})
        print(rows[-1], flush=True)
    return rows


def bench_sample() -> tuple[list[dict], bool]:
    corpus = ingest_notes(REPO / "corpora" / "sample" / "notes.csv").corpus[["note_id", "person_id", "text"]]
    gold = pd.read_csv(REPO / "corpora" / "sample" / "gold_codings.csv")
    ids = sorted(corpus["note_id"].astype(str))[:400]
    g = gold[gold["note_id"].astype(str).isin(ids)][["note_id", "theme_id"]].drop_duplicates()
    rest = [i for i in ids if i not in set(g["note_id"].astype(str))]
    codes = pd.concat([g, pd.DataFrame({"note_id": rest, "theme_id": "uncoded"})], ignore_index=True)
    rows, out = [], {}
    for name, value in MODES[:2]:
        t = time.perf_counter()
        coder = make_coder(corpus, "ungekompetencer", "supervised", level="note", embedder="e5", train=codes,
                           cache_dir=CACHE, progress=False, exclusive=value)
        out[name] = coder.code(corpus).drop(columns="run_id", errors="ignore")
        n_multi = int((g.groupby("note_id")["theme_id"].nunique() > 1).sum())
        rows.append({"data": f"sample, 400 gold notes as --train ({n_multi} with several themes)", "exclusive": name,
                     "chose": "single-label" if coder.exclusive else "multi-label",
                     "codings": len(out[name]), "seconds": time.perf_counter() - t})
        print(rows[-1], flush=True)
    same = out["off (false)"].reset_index(drop=True).equals(out["auto"].reset_index(drop=True))
    print("sample: auto's codings identical to off:", same, flush=True)
    print("sample at sentence level, auto:", resolve_exclusive("auto", codes, "sentence").line(), flush=True)
    return rows, same


def bench_dkhate() -> str:
    df = pd.read_csv(EVAL / "dkhate" / "dkhate.csv").dropna(subset=["text"])
    two = pd.read_csv(EVAL / "dkhate" / "two_annotators_100.csv")
    train = df[~df["text"].isin(set(two["text"]))].reset_index(drop=True)
    codes = pd.DataFrame({"note_id": [f"d{i:05d}" for i in range(len(train))],
                          "theme_id": np.where(train["offensive"] == "OFF", "offensive", "uncoded")})
    line = resolve_exclusive("auto", codes, "note").line()
    print("DKHate, auto:", line, flush=True)
    return line


def main() -> dict:
    t = time.perf_counter()
    sib_rows = bench_sib() + bench_sib_sentences()
    sample_rows, same = bench_sample()
    dk = bench_dkhate()
    print("\n" + table(sib_rows, ["data", "exclusive", "chose", "macro_f1", "accuracy", "themes_per_note", "seconds"]))
    print(table(sample_rows, ["data", "exclusive", "chose", "codings", "seconds"]))
    save("coding_mode", {"sib": sib_rows, "sample": sample_rows, "sample_auto_equals_off": same, "dkhate_auto": dk,
                         "seconds": time.perf_counter() - t})
    return {"sib": sib_rows, "sample": sample_rows, "same": same, "dkhate": dk}


if __name__ == "__main__":
    main()
