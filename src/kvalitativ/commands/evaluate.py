"""`kvalitativ evaluate`: score codings against gold (human) codes, per theme and for valence."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kvalitativ.commands._common import echo_summary


@click.command(name="evaluate", context_settings={"max_content_width": 100})
@click.option("--codings", "codings_path", required=True, type=click.Path(exists=True, path_type=Path),
              help="The --out folder of `kvalitativ code` or `kvalitativ run` (or a codings table file). "
                   "A run folder with citizen input holds two codings tables, codings and citizen_codings: "
                   "the one whose notes the gold names is scored.")
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gold codes: CSV/XLSX with note_id, theme_id[, valence]; notes not listed have no theme.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write `evaluation` (per theme) and evaluation.json (summary) here.")
@click.option("--notes", "notes_path", type=click.Path(exists=True, path_type=Path), default=None,
              help="Only these notes count (a file with a note_id column, or an ingest --out folder). "
                   "Default: every note in the codings.")
@click.option("--exclude", "exclude_path", type=click.Path(exists=True, path_type=Path), default=None,
              help="Leave these notes out (a file with a note_id column), e.g. the hand codes given to "
                   "`code --train`: a coder scores the notes it learned from too well.")
def command(codings_path: Path, gold_path: Path, out_dir: Path | None, notes_path: Path | None,
            exclude_path: Path | None) -> None:
    """Score codings against gold labels: precision, recall, F1, kappa.

    Per theme precision, recall, F1 and Cohen's kappa against the gold codes,
    micro- and macro-F1 overall, and the same for valence on the themes found correctly.

    Judged per note: a theme is present when any sentence of the note carries it.
    Codings of a trained coder (`code --train`) are scored on the notes it did not learn from
    only when --exclude names its hand codes (it says so when they were not left out).
    A `kvalitativ run` folder with citizen input holds codings and citizen_codings: the table
    whose notes the gold names is scored (it says which).

    \b
    Example:
      kvalitativ code corpora/sample/notes.csv --out out/
      kvalitativ evaluate --codings out/ --gold corpora/sample/gold_codings.csv --out out/
      kvalitativ evaluate --codings out/ --gold gold.csv --exclude hand_codes.csv   # after code --train
      kvalitativ evaluate --codings run_out/ --gold gold_citizen_codings.csv   # scores citizen_codings
    """
    import pandas as pd

    from kvalitativ.coding.evaluate import evaluate_codings
    from kvalitativ.io.readers import read_table
    from kvalitativ.io.store import read_stage_table, write_tables

    gold = read_table(gold_path)
    table = "codings"
    if codings_path.is_dir():
        table, codings = codings_for_gold(codings_path, gold)
    else:
        codings = read_table(codings_path)
    notes = None
    if notes_path is not None:
        from kvalitativ.errors import InputError

        frame = read_stage_table(notes_path, "notes") if notes_path.is_dir() else read_table(notes_path)
        if "note_id" not in frame.columns:  # (was a KeyError traceback)
            raise InputError(f"{notes_path}: --notes needs a note_id column (it has {', '.join(map(str, frame.columns))}); "
                             "give a file of note ids or an ingest --out folder.")
        notes = frame["note_id"].astype(str).tolist()
    codings, left_out = codebook_codings(codings)
    check_overlap(codings, gold)
    notes, excluded = without_excluded(codings, notes, exclude_path)
    per_theme, summary = evaluate_codings(codings, gold, notes=notes)
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        click.echo(per_theme[["theme_id", "support", "n_predicted", "precision", "recall", "f1", "cohen_kappa",
                              "valence_n", "valence_accuracy"]].round(3).to_string(index=False))
    click.echo("")
    lines = [f"notes {summary['n_notes']}, themes {summary['n_themes']}: micro-F1 {summary['micro_f1']:.3f}, "
             f"macro-F1 {summary['macro_f1']:.3f}, mean kappa {summary['mean_kappa']:.3f}, "
             f"exact match {summary['exact_match']:.3f}",
             valence_line(summary, gold)]
    if table != "codings":
        lines.insert(0, f"(scored {table}: the gold names its notes)")
    if excluded is not None:
        lines.append(f"({excluded} notes of {exclude_path.name} were left out)")
    elif trained(codings):  # with --notes too: an ingest folder holds the training notes as well
        lines.append("Caution: these codings come from a coder trained on hand codes (code --train); the notes it "
                     "learned from score too well. Give --exclude with the --train file to score the others only.")
    if left_out:
        lines.append(f"({left_out} codings of discovered topics were left out: topics are not codebook themes)")
    if summary["gold_notes_outside"]:
        where = ("among the --notes" if notes_path is not None else
                 "among the notes left after --exclude" if exclude_path is not None else "in the codings")
        lines.append(f"({summary['gold_notes_outside']} gold notes are not {where} and were left out)")
    if out_dir is not None:
        from kvalitativ.io.atomic import write_text_atomic

        run_id = str(codings["run_id"].iloc[0]) if "run_id" in codings.columns and len(codings) else None
        from kvalitativ.io.lineage import fingerprints

        read = fingerprints([(codings_path, table)]) if codings_path.is_dir() else None
        write_tables(out_dir, {"evaluation": per_theme}, run_id, read=read)
        write_text_atomic(Path(out_dir) / "evaluation.json", json_text(summary))
        lines.append(f"Wrote evaluation and evaluation.json to {out_dir}")
    echo_summary(lines)


def valence_line(summary: dict, gold) -> str:
    """The summary's valence line; words, not nan, where the gold has no valence or no theme was found."""
    if "valence" not in gold.columns or not gold["valence"].astype(str).str.strip().replace("nan", "").any():
        return "valence: the gold has no valence (a valence column), so valence is not scored"
    if not summary["valence_n"]:
        return "valence: no theme of the gold was found on its note, so valence is not scored"
    return (f"valence on {summary['valence_n']} correctly found themes: accuracy {summary['valence_accuracy']:.3f}, "
            f"macro-F1 {summary['valence_macro_f1']:.3f}, kappa {summary['valence_kappa']:.3f}")


def codings_for_gold(folder: Path, gold):
    """(table name, codings) of a stage folder: ``codings``, or ``citizen_codings`` (a run with
    citizen input) where the gold's notes are among those and not among the codings."""
    from kvalitativ.errors import InputError
    from kvalitativ.io.store import read_stage_table

    tables = {name: read_stage_table(folder, name, required=False) for name in ("codings", "citizen_codings")}
    tables = {name: t for name, t in tables.items() if t is not None}
    if not tables:
        read_stage_table(folder, "codings")  # its error: which stage to run
    if len(tables) == 1 or "note_id" not in gold.columns:
        return next(iter(tables.items())) if "codings" not in tables else ("codings", tables["codings"])
    gold_notes = set(gold["note_id"].astype(str))
    fits = [name for name, t in tables.items() if "note_id" in t.columns and gold_notes & set(t["note_id"].astype(str))]
    if len(fits) == 1:
        return fits[0], tables[fits[0]]
    if not fits:
        raise InputError(f"evaluate: no note of the gold file is among the codings or the citizen_codings of {folder}: "
                         "check that --gold belongs to these notes.")
    files = " or ".join(str(folder / "parquet" / f"{name}.parquet") for name in tables)
    raise InputError(f"evaluate: the gold's notes are in both codings tables of {folder} (codings and "
                     f"citizen_codings): give the one to score as --codings {files}.")


def codebook_codings(codings):
    """(the codings of codebook themes, how many codings of discovered topics were dropped): a
    ``discover`` or ``run`` folder holds both, and a topic is no gold theme (it scored as a false
    positive and halved micro-F1)."""
    if "method" not in codings.columns:
        return codings, 0
    topic = codings["method"].astype(str).eq("topic").to_numpy()
    return codings[~topic], int(topic.sum())


def without_excluded(codings, notes, exclude_path):
    """(the notes to score, how many were left out) where --exclude names notes; else (notes, None)."""
    if exclude_path is None:
        return notes, None
    from kvalitativ.errors import InputError
    from kvalitativ.io.readers import read_table

    frame = read_table(exclude_path)
    if "note_id" not in frame.columns:
        raise InputError(f"evaluate: {exclude_path} has no note_id column (--exclude takes e.g. the hand codes "
                         "given to code --train).")
    drop = set(frame["note_id"].dropna().astype(str))
    keep = notes if notes is not None else codings["note_id"].astype(str).unique().tolist()
    kept = [n for n in keep if n not in drop]
    return kept, len(keep) - len(kept)


def trained(codings) -> bool:
    """Whether the codings come from a coder trained on hand codes (``code --train``)."""
    return "method" in codings.columns and codings["method"].astype(str).eq("supervised").any()


def check_overlap(codings, gold) -> None:
    """Stop (exit 2) where the gold cannot belong to these codings: no gold note among them, or
    no gold theme among their themes — scores of 0 or nan would look like a result."""
    from kvalitativ.errors import InputError

    for col in ("note_id", "theme_id"):
        if col not in gold.columns:
            raise InputError(f"evaluate: the gold file has no {col} column (needs note_id, theme_id[, valence]).")
    notes = set(codings["note_id"].astype(str)) if "note_id" in codings.columns else set()
    themes = set(codings["theme_id"].astype(str)) if "theme_id" in codings.columns else set()
    if not notes:
        raise InputError("evaluate: the codings hold no codebook theme (a discover folder holds topics only): "
                         "point --codings at the output of kvalitativ code or kvalitativ run.")
    if not notes & set(gold["note_id"].astype(str)):
        raise InputError("evaluate: no note of the gold file is among the codings: check that --gold belongs to "
                         "these notes (the citizen input has its own gold file).")
    if not themes & set(gold["theme_id"].dropna().astype(str)):
        raise InputError("evaluate: no theme of the gold file is among the codings' themes: check that both use "
                         "the same codebook.")


def json_text(summary: dict) -> str:
    """The summary as strict JSON: an undefined figure (NaN, e.g. kappa with no items) is null,
    since most JSON readers reject NaN."""
    import math

    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        value = value.item() if hasattr(value, "item") else value
        return None if isinstance(value, float) and not math.isfinite(value) else value

    return json.dumps(clean(summary), indent=2, allow_nan=False)
