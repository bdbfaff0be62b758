#!/usr/bin/env python3
"""A plain keyword matcher built from codebook *labels* only, scored against gold labels.

It exists to show how far naive matching gets on the sample corpus (not far: the
corpus paraphrases), so that real coders have a floor to beat.

Rule: every label word except "og" is lower-cased; one common Danish suffix is
cut off when at least four letters remain (``-heder``, ``-hed``, ``-itet``,
``-er``, ``-e`` ...); a text matches a theme when one of its tokens starts with
one of the theme's stems.  Themes only, no valence.

Example::

    python scripts/tools/keyword_baseline.py --corpus corpora/sample
    python scripts/tools/keyword_baseline.py --corpus corpora/sample --codebook models/codebooks/ungekompetencer.yaml
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SUFFIXES = ("heder", "hed", "elser", "else", "ninger", "ning", "itet", "erne", "ene", "er", "en", "et", "e")
STOP = {"og", "i", "til", "af", "for", "med"}
_WORD = re.compile(r"[a-zæøåéü]+")


def load_labels(codebook: Path | str = "ungekompetencer") -> dict[str, str]:
    """Theme id -> label of the leaf themes (the ones coders assign) of a codebook: a shipped
    name (``ungekompetencer``, ``borgerinput``) or a YAML path, read with the package's loader."""
    from kvalitativ.codebook import load_codebook

    return {t.id: t.label for t in load_codebook(str(codebook)).leaves()}


def load_keywords(codebook: Path | str) -> dict[str, list[str]]:
    """Theme id -> the codebook's own ``keywords`` list (for the stronger, non-label variant)."""
    import yaml

    data = yaml.safe_load(Path(codebook).read_text(encoding="utf-8"))
    themes = data.get("themes", []) if isinstance(data, dict) else data
    return {str(t["id"]): [str(k) for k in t.get("keywords") or []]
            for t in themes or [] if isinstance(t, dict) and "id" in t and t.get("keywords")}


def stem(word: str) -> str:
    for suf in SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            return word[: -len(suf)]
    return word


def label_stems(labels: dict[str, str]) -> dict[str, list[str]]:
    return {tid: [stem(w) for w in _WORD.findall(label.lower()) if w not in STOP]
            for tid, label in labels.items()}


def match(text: str, stems: dict[str, list[str]]) -> set[str]:
    tokens = set(_WORD.findall(text.lower()))
    return {tid for tid, ss in stems.items() if any(t.startswith(s) for t in tokens for s in ss)}


def _read(path: Path, sep: str | None = None) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        head = fh.readline()
        fh.seek(0)
        delim = sep or (";" if head.count(";") > head.count(",") else ",")
        return list(csv.DictReader(fh, delimiter=delim))


def evaluate(texts_csv: Path | str, gold_csv: Path | str, labels: dict[str, str],
             text_col: str = "Notat", id_col: str = "NotatID",
             extra_keywords: dict[str, list[str]] | None = None) -> dict:
    """Micro/macro precision, recall and F1 over note x theme (valence ignored).

    ``extra_keywords`` adds words per theme (stemmed like the labels) to the label stems.
    """
    stems = label_stems(labels)
    for tid, words in (extra_keywords or {}).items():
        if tid in stems:
            stems[tid] = stems[tid] + [stem(w.lower()) for w in words]
    gold: dict[str, set[str]] = {}
    for row in _read(Path(gold_csv), ","):
        gold.setdefault(row["note_id"], set()).add(row["theme_id"])
    counts = {tid: [0, 0, 0] for tid in labels}  # tp, fp, fn
    for row in _read(Path(texts_csv), ";"):
        pred = match(row[text_col], stems)
        true = gold.get(row[id_col], set())
        for tid in labels:
            p, t = tid in pred, tid in true
            if p and t:
                counts[tid][0] += 1
            elif p:
                counts[tid][1] += 1
            elif t:
                counts[tid][2] += 1

    def prf(tp, fp, fn):
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)

    per = {}
    for tid, (tp, fp, fn) in counts.items():
        p, r, f = prf(tp, fp, fn)
        per[tid] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    mp, mr, mf = prf(tp, fp, fn)
    return {"micro_precision": mp, "micro_recall": mr, "micro_f1": mf,
            "macro_f1": sum(v["f1"] for v in per.values()) / len(per), "per_theme": per}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("Example::")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO / "corpora" / "sample")
    ap.add_argument("--codebook", type=Path, default=REPO / "models" / "codebooks" / "ungekompetencer.yaml",
                    help="labels from this codebook when it exists, else the inline list")
    ap.add_argument("--citizen-codebook", type=Path, default=REPO / "models" / "codebooks" / "borgerinput.yaml")
    ap.add_argument("--with-keywords", action="store_true",
                    help="also use the codebooks' `keywords` lists (a stronger variant, not labels only)")
    args = ap.parse_args(argv)
    if args.with_keywords and not args.codebook.exists():
        ap.error(f"--with-keywords needs the codebook {args.codebook}")
    runs = [("notes", args.corpus / "notes.csv", args.corpus / "gold_codings.csv", "Notat", "NotatID",
             load_labels(args.codebook if args.codebook.exists() else "ungekompetencer"), args.codebook)]
    if (args.corpus / "citizen_input.csv").exists():
        cb = args.citizen_codebook
        runs.append(("citizen input", args.corpus / "citizen_input.csv", args.corpus / "gold_citizen_codings.csv",
                     "Tekst", "HenvendelsesID", load_labels(cb if cb.exists() else "borgerinput"), cb))
    for name, texts, gold, tcol, icol, labels, cb in runs:
        source = cb if cb.exists() else "inline labels"
        extra = load_keywords(cb) if args.with_keywords and cb.exists() else None
        if extra:
            source = f"{source} + keywords"
        s = evaluate(texts, gold, labels, tcol, icol, extra_keywords=extra)
        print(f"{name} ({source}): micro P {s['micro_precision']:.3f} R {s['micro_recall']:.3f} "
              f"F1 {s['micro_f1']:.3f}; macro F1 {s['macro_f1']:.3f}")
        for tid, r in s["per_theme"].items():
            print(f"  {tid:24s} P {r['precision']:.2f} R {r['recall']:.2f} F1 {r['f1']:.2f} (n={r['support']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
