"""Learning curves: how far each hand-coded note takes the supervised coder, active vs random.

    python scripts/benchmarks/bench_coding_curve.py --data sib sample --seeds 5 --ablation

Simulated hand coding: a "coder" codes notes as the gold file says, in batches, and after each
batch the supervised coder is retrained exactly as ``kvalitativ code --train`` does
(``make_coder(..., "supervised", train=codes)``) on the cached e5 vectors. ``--prior-folds K``:
also the coder whose codebook prior learns from the hand codes, cross-fitted over K folds
(``make_coder(..., prior_folds=K)``, refitted at every point); ``--timing``: only the seconds of
``make_coder`` with its prior fitted inside, shipped against each K.

* **random**: the batch is a simple random sample of the notes not yet coded.
* **active**: the batch is drawn by ``review export --strategy active``'s design
  (:func:`kvalitativ.review.design.select_active`) from the codings of the current model: a
  random stratum of persons (about ``random_share`` of the batch, all of their notes), the
  rest drawn with probability proportional to the model's uncertainty. The first batch is
  drawn from the zero-shot coder's codings (no hand code yet). A sheet longer than the batch
  is coded in its (random) sheet order up to the budget; a shorter one is topped up with the
  most uncertain notes left.

Kappa is measured on the notes **not** hand-coded (the coder's own training notes never count):

* ``sample``: ``corpora/sample`` at sentence level, mean per-theme Cohen's kappa at note level
  against ``gold_codings.csv`` (``evaluate_codings``), over the notes not coded by hand.
* ``sib``: SIB-200 Danish, pool = train+dev (800 sentences), scored on test (204), note level,
  single-label (``--exclusive``), Cohen's kappa over the 7 topics (an uncoded sentence counts
  as its own answer, and a wrong one).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.benchmarks.bench_coding import CACHE, REPO, SIB_CODEBOOK, save, sib  # noqa: E402

from sklearn.metrics import cohen_kappa_score  # noqa: E402

from kvalitativ.codebook import codebook_from_dict, load_codebook  # noqa: E402
from kvalitativ.coding import ZeroShotCoder, evaluate_codings  # noqa: E402
from kvalitativ.coding.api import make_coder  # noqa: E402
from kvalitativ.coding.prior import fit_prior  # noqa: E402
from kvalitativ.embed import resolve_embedder  # noqa: E402
from kvalitativ.constants import UNCODED  # noqa: E402
from kvalitativ.review.design import select_active  # noqa: E402

SIZES = (25, 50, 100, 200, 400)


@dataclass
class Task:
    """A pool of notes with gold labels, and how a coder trained on some of them is scored."""

    name: str
    corpus: pd.DataFrame            # note_id, person_id, text: everything the coder codes
    pool: list[str]                 # note ids that may be hand-coded
    labels: dict[str, list[str]]    # gold themes per note id
    codebook: object
    level: str
    exclusive: bool
    score: object                   # (codings, coded note ids) -> kappa
    extra: dict = field(default_factory=dict)


def _codes(task: Task, coded: list[str]) -> pd.DataFrame:
    rows = [(n, t) for n in coded for t in (task.labels.get(n) or [UNCODED])]
    return pd.DataFrame(rows, columns=["note_id", "theme_id"])


def fit_coder(task: Task, coded: list[str], learner: dict | None = None):
    """The supervised coder of ``code --train`` on the hand codes of ``coded``."""
    kw = dict(learner or {})
    return make_coder(task.corpus, task.codebook, "supervised", level=task.level, embedder="e5",
                      train=_codes(task, coded), cache_dir=CACHE, progress=False, exclusive=task.exclusive,
                      **kw)


def _zeroshot_codings(task: Task) -> tuple[pd.DataFrame, dict]:
    z = ZeroShotCoder(task.codebook, embedder="e5", level=task.level, exclusive=task.exclusive,
                      cache_dir=CACHE, progress=False)
    codings = z.code(task.corpus)
    return codings, dict(zip(z.classes_, z.decision_thresholds()))


def _draw_active(task: Task, codings, thresholds, coded: set[str], size: int, share: float, seed: int) -> list[str]:
    left = task.corpus[task.corpus["note_id"].isin(set(task.pool) - coded)]
    per_person = len(left) / max(left["person_id"].nunique(), 1)
    n_persons = int(round(share * size / per_person))
    n_active = max(size - n_persons * per_person, 1.0)
    sel = select_active(codings, left, n_persons=n_persons, n_active=n_active, thresholds=thresholds,
                        themes=list(thresholds), random_state=seed)
    picked = sel.sort_values("order")["note_id"].tolist()[:size]
    if len(picked) < size:  # top up with the most uncertain notes left
        rest = sel_margin_order(codings, left, thresholds, set(picked))
        picked += rest[: size - len(picked)]
    return picked


def sel_margin_order(codings, left, thresholds, skip: set[str]) -> list[str]:
    from kvalitativ.review.sample import select_margins

    ids = [n for n in left["note_id"].astype(str) if n not in skip]
    m = select_margins(codings, ids, list(thresholds), thresholds)
    return [ids[i] for i in np.argsort(m, kind="stable")]


def run_curve(task: Task, strategy: str, seed: int, sizes=SIZES, share: float = 0.25,
              learner: dict | None = None, zs=None) -> list[dict]:
    """Kappa after each size in ``sizes`` for one seed and one strategy."""
    rng = np.random.default_rng(seed)
    coded: list[str] = []
    codings, thresholds = zs if zs is not None else (None, None)
    out = []
    for size in sizes:
        need = size - len(coded)
        if strategy == "random":
            left = np.array(sorted(set(task.pool) - set(coded)), dtype=object)
            coded += rng.choice(left, size=need, replace=False).tolist()
        else:
            coded += _draw_active(task, codings, thresholds, set(coded), need, share, seed * 1000 + size)
        t = time.perf_counter()
        coder = fit_coder(task, coded, learner)
        codings = coder.code(task.corpus)
        thresholds = dict(zip(coder.classes_, coder.decision_thresholds()))
        out.append({"task": task.name, "strategy": strategy, "seed": seed, "n": len(coded),
                    "kappa": task.score(codings, set(coded)), "seconds": time.perf_counter() - t})
    return out


# ---------------------------------------------------------------------------------------- tasks
def sample_task() -> Task:
    from kvalitativ.io.ingest import ingest_notes

    corpus = ingest_notes(REPO / "corpora" / "sample" / "notes.csv").corpus
    corpus = corpus.assign(note_id=corpus["note_id"].astype(str), person_id=corpus["person_id"].astype(str))
    gold = pd.read_csv(REPO / "corpora" / "sample" / "gold_codings.csv")
    labels = gold.groupby("note_id")["theme_id"].apply(lambda s: sorted(set(s))).to_dict()
    ids = corpus["note_id"].tolist()

    def score(codings, coded):
        held = [n for n in ids if n not in coded]
        return evaluate_codings(codings, gold, notes=held)[1]["mean_kappa"]

    return Task("sample", corpus[["note_id", "person_id", "text"]], ids, labels, load_codebook("ungekompetencer"),
                "sentence", False, score)


def sib_task() -> Task:
    pool = pd.concat([sib("train"), sib("dev")]).reset_index(drop=True)
    test = sib("test").reset_index(drop=True)
    pool_ids = [f"p{i:04d}" for i in range(len(pool))]
    test_ids = [f"t{i:04d}" for i in range(len(test))]
    corpus = pd.DataFrame({"note_id": pool_ids + test_ids, "text": list(pool["text"]) + list(test["text"])})
    corpus["person_id"] = corpus["note_id"]
    labels = dict(zip(pool_ids, [[t] for t in pool["theme"]]))
    y = test["theme"].to_numpy()

    def score(codings, coded):
        pred = codings.set_index("note_id")["theme_id"]
        pred = pred[~pred.index.duplicated()].reindex(test_ids).fillna(UNCODED).to_numpy()
        return float(cohen_kappa_score(y, pred))

    return Task("sib", corpus, pool_ids, labels, codebook_from_dict(SIB_CODEBOOK), "note", True, score)


def fit_times(task: Task, folds: list[int], sizes, seed: int, repeats: int = 3) -> list[dict]:
    """Seconds of ``make_coder`` as ``code --train`` runs it (prior fitted inside, ``prior_folds``
    0 = shipped, and each K) on ``size`` random hand codes; the median of ``repeats``. Not part
    of the curves' per-point seconds, where the shipped prior is fitted once per data set."""
    rng = np.random.default_rng(seed)
    out = []
    for size in sizes:
        coded = rng.choice(np.array(task.pool, dtype=object), size=size, replace=False).tolist()
        for k in (0, *folds):
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                fit_coder(task, coded, {"prior_folds": k})
                times.append(time.perf_counter() - t)
            out.append({"task": task.name, "n": size, "prior_folds": k, "seconds": statistics.median(times)})
            print(out[-1], flush=True)
    return out


# ---------------------------------------------------------------------------------------- report
def summarise(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    g = df.groupby(["task", "strategy", "n"])["kappa"]
    return g.agg(["mean", "std", "count"]).reset_index()


def markdown(summary: pd.DataFrame, task: str, sizes=SIZES) -> str:
    s = summary[summary["task"] == task]
    head = "| hand-coded notes | " + " | ".join(str(n) for n in sizes) + " |\n|---|" + "---:|" * len(sizes) + "\n"
    body = ""
    named = ("random", "active", "random, hand codes only")
    for strategy in [*named, *sorted(set(s["strategy"]) - set(named))]:
        if not (s["strategy"] == strategy).any():
            continue
        cells = []
        for n in sizes:
            r = s[(s["strategy"] == strategy) & (s["n"] == n)]
            cells.append(f"{r['mean'].iloc[0]:.3f} ± {r['std'].iloc[0]:.3f}" if len(r) else "–")
        body += f"| {strategy} | " + " | ".join(cells) + " |\n"
    return head + body


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", nargs="+", choices=["sample", "sib"], default=["sample", "sib"])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds first-seed ... (0-4 reported; 10+ for choosing)")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--random-share", type=float, default=0.25)
    ap.add_argument("--ablation", action="store_true", help="also random selection without the codebook prior")
    ap.add_argument("--prior-folds", type=int, nargs="*", default=[],
                    help="also the coder whose prior learns from the hand codes, cross-fitted with K folds "
                         "(make_coder(prior_folds=K)); one curve per K and strategy")
    ap.add_argument("--timing", action="store_true",
                    help="only time make_coder (prior fitted inside) with prior_folds 0 and each --prior-folds")
    ap.add_argument("--repeats", type=int, default=3, help="--timing: the median of this many fits")
    a = ap.parse_args(argv)
    sizes = tuple(int(s) for s in a.sizes.split(","))
    if a.timing:
        rows = [r for name in a.data for r in fit_times(sample_task() if name == "sample" else sib_task(),
                                                        a.prior_folds, sizes, a.first_seed, a.repeats)]
        save("coding_fit_times_" + "_".join(a.data), {"rows": rows})
        return {"rows": rows}
    rows = []
    for name in a.data:
        task = sample_task() if name == "sample" else sib_task()
        zs = _zeroshot_codings(task)
        prior = fit_prior(task.corpus, task.codebook, level=task.level, embedder=resolve_embedder(
            "e5", cache_dir=CACHE, progress=False), exclusive=task.exclusive, cache_dir=CACHE, random_state=0,
            progress=False)
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            for strategy in ("random", "active"):
                curve = run_curve(task, strategy, seed, sizes, a.random_share, {"prior": prior}, zs=zs)
                rows += curve
                print([(r["strategy"], r["seed"], r["n"], round(r["kappa"], 4)) for r in curve], flush=True)
                for k in a.prior_folds:  # the variant: the prior refitted at each point, with the hand codes
                    curve = [{**r, "strategy": f"{strategy}, hand-code prior ({k} folds)"}
                             for r in run_curve(task, strategy, seed, sizes, a.random_share, {"prior_folds": k}, zs=zs)]
                    rows += curve
                    print([(r["strategy"], r["seed"], r["n"], round(r["kappa"], 4), round(r["seconds"], 1))
                           for r in curve], flush=True)
            if a.ablation:  # the coder before the codebook prior: hand codes only
                rows += [{**r, "strategy": "random, hand codes only"}
                         for r in run_curve(task, "random", seed, sizes, a.random_share, {"prior": False})]
                print(rows[-1], flush=True)
    summary = summarise(rows)
    md = {name: markdown(summary, name, sizes) for name in a.data}
    for name, text in md.items():
        print(f"\n### {name}\n\n{text}")
    save("learning_curve_" + "_".join(a.data) + "".join(f"_folds{k}" for k in a.prior_folds) +
         (f"_seeds{a.first_seed}-{a.first_seed + a.seeds - 1}" if a.first_seed else ""),
         {"rows": rows, "seconds_median": statistics.median(r["seconds"] for r in rows)})
    return {"rows": rows, "summary": summary, "markdown": md}


if __name__ == "__main__":
    main()
