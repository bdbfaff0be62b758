"""The zero-shot coder's lexical block: words (1–2) and characters (2–5), words only, or none —
quality on the three labelled sets and the coder's own time, side by side in one run.

    python scripts/benchmarks/bench_coding_lexical.py

(The table goes into docs/benchmarks.md, "Coding quality", by hand.)

Why: the lexical block is computed for every sentence a run codes. At 100,000 notes the
character n-grams made the coding stage 2.6 times slower; this measures what they buy.

* sample: ``corpora/sample`` notes, ``ungekompetencer``, sentence level, micro-F1 / mean kappa
  per note against ``gold_codings.csv``;
* citizen: the sample's citizen input, ``borgerinput``, sentence level, against
  ``gold_citizen_codings.csv``;
* SIB-200 Danish: the 204 test sentences coded alone, redacted as ``kvalitativ code`` ingests
  them, ``--level note --exclusive``, accuracy.
* time: fit + code of the sample notes (e5 vectors from the cache, so the coder's own seconds),
  median of three runs per variant, variants interleaved.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.benchmarks.bench_coding import (CACHE, SIB_CODEBOOK, _citizen, _code_sib, _sample,  # noqa: E402
                                             _summary_row, save, sib, single_label_scores, table)

from kvalitativ.codebook import codebook_from_dict  # noqa: E402
from kvalitativ.coding import ZeroShotCoder, code_notes  # noqa: E402

VARIANTS = {"words + characters": dict(lexical_chars=True), "words only": dict(lexical_chars=False),
            "no lexical block": dict(lexical_weight=0.0)}


def _code(corpus, codebook, emb, kw):
    coder = ZeroShotCoder(codebook, embedder=emb, level="sentence", cache_dir=CACHE, progress=False, **kw)
    return code_notes(corpus, coder=coder)


def main() -> None:
    from kvalitativ.privacy.redact import redact_texts

    sample, sample_gold = _sample()
    citizen, citizen_gold = _citizen()
    test = sib("test")
    redacted = redact_texts(list(test["text"]))[0]
    cb = codebook_from_dict(SIB_CODEBOOK)
    rows = []
    for emb in ("e5", "static"):
        for name, kw in VARIANTS.items():
            s = _summary_row(name, _code(sample, "ungekompetencer", emb, kw), sample_gold, 0.0)
            c = _summary_row(name, _code(citizen, "borgerinput", emb, kw), citizen_gold, 0.0)
            acc = single_label_scores(test["theme"].to_numpy(), _code_sib(cb, redacted, emb, **kw))["accuracy"]
            rows.append({"embedder": emb, "lexical block": name, "sample micro_f1": s["micro_f1"],
                         "sample kappa": s["mean_kappa"], "citizen micro_f1": c["micro_f1"],
                         "citizen kappa": c["mean_kappa"], "SIB-200 alone": acc})
            print(rows[-1], flush=True)
    seconds = {name: [] for name in VARIANTS}
    for _ in range(3):
        for name, kw in VARIANTS.items():
            t = time.perf_counter()
            _code(sample, "ungekompetencer", "e5", kw)
            seconds[name].append(time.perf_counter() - t)
    for row in rows:
        row["sample fit + code s (e5, median of 3)"] = statistics.median(seconds[row["lexical block"]])
    md = table(rows, list(rows[0]))
    print(md)
    save("lexical", {"rows": rows, "seconds": seconds})


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
