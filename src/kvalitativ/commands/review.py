"""`kvalitativ review export|import`: sheets for independent human coding, and reading them back."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import echo_summary, out_option, written_summary
from kvalitativ.constants import UNCODED
from kvalitativ.io.paths import table_path


@click.group(name="review", context_settings={"max_content_width": 100})
def command() -> None:
    """Export notes for human coding and import the coded sheets.

    \b
    Example (two coders, then agreement and retraining):
      kvalitativ review export --codings out/ --n 200 --out review.xlsx
      # give review.xlsx to two people; each fills in a copy (anna.xlsx, bo.xlsx)
      kvalitativ review import anna.xlsx bo.xlsx --out review/
      kvalitativ agreement --human review/ --codings out/ --out review/ --retrain
    """


@command.command(name="export", context_settings={"max_content_width": 100})
@click.option("--codings", "codings_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder of `kvalitativ code` (holds the codings and themes tables).")
@click.option("--corpus", "corpus_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder of `kvalitativ ingest` with the redacted corpus (default: the --codings folder).")
@click.option("--strategy", type=click.Choice(["stratified", "active"]), default="stratified", show_default=True,
              help="stratified: a floor per theme, uncertain notes, the rest in proportion. active: --persons "
                   "persons at random (all their notes) plus about --n notes drawn with probability proportional "
                   "to the model's uncertainty (floored above 0); every note's inclusion probability is recorded "
                   "in the selection file (see docs/schema.md).")
@click.option("--n", "n", type=int, default=200, show_default=True,
              help="Number of notes to code (active: the expected number of uncertainty-drawn notes).")
@click.option("--persons", "n_persons", type=int, default=50, show_default=True,
              help="active: number of persons drawn at random, all of whose notes go on the sheet. The links' "
                   "correction for coding error counts only these persons and needs at least 5 with and 5 without "
                   "a theme: draw enough for the rarer themes (the report says how many would help).")
@click.option("--floor", type=float, default=0.05, show_default=True,
              help="active: the least weight a note gets in the uncertainty draw (above 0: every note can be drawn).")
@click.option("--uncertain-share", type=float, default=0.3, show_default=True,
              help="Share of the notes chosen because the model is least sure about them.")
@click.option("--threshold", type=float, default=0.5, show_default=True,
              help="Score at which the model counts a theme as present (for strata and uncertainty).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same sample).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx); a CSV twin is written beside it.")
def export_command(codings_dir: Path, corpus_dir: Path | None, strategy: str, n: int, n_persons: int, floor: float,
                   uncertain_share: float, threshold: float, seed: int, out_path: Path) -> None:
    """Pick notes for independent human coding and write them as an XLSX (+ CSV) sheet.

    The sample covers every theme (a floor per theme, the rest in proportion)
    plus the notes the model is least sure about. The sheet holds the redacted
    text and one dropdown column per theme (ja-styrke / ja-bekymring /
    ja-neutral / nej); the model's codings are not shown. Instructions in
    Danish are in the workbook's first sheet. The selection (with why each note
    was picked) is written next to it as <out>.selection.csv.

    With --strategy active the sample has a known design (persons at random,
    plus notes drawn by uncertainty), and <out>.selection.csv records each
    note's inclusion probabilities, for active learning and for weighting.

    \b
    Examples:
      kvalitativ review export --codings out/ --n 200 --out review.xlsx
      kvalitativ review export --codings out/ --strategy active --persons 40 --n 100 --out review.xlsx
    """
    from kvalitativ.io.atomic import atomic_path
    from kvalitativ.io.store import read_stage_table
    from kvalitativ.review.sample import select_for_review
    from kvalitativ.review.sheets import theme_frame, export_review

    codings = read_stage_table(codings_dir, "codings")
    corpus = read_stage_table(corpus_dir or codings_dir, "corpus")
    themes = read_stage_table(codings_dir, "themes", required=False)
    if themes is None:
        themes = sorted(t for t in codings["theme_id"].dropna().unique().tolist() if t != UNCODED)
    else:
        themes = theme_frame(themes)  # leaves only: groups are not coded
    theme_ids = themes["theme_id"].tolist() if hasattr(themes, "columns") else list(themes)
    if strategy == "active":
        from kvalitativ.review.design import select_active

        selection = select_active(codings, corpus, n_persons=n_persons, n_active=n, floor=floor,
                                  thresholds=threshold, themes=theme_ids, random_state=seed)
    else:
        selection = select_for_review(codings, corpus, n=n, random_state=seed, uncertain_share=uncertain_share,
                                      thresholds=threshold, themes=theme_ids)
    xlsx, csv = export_review(selection, corpus, themes, out_path)
    sel_path = out_path.with_suffix(".selection.csv")
    with atomic_path(sel_path) as tmp:
        selection.to_csv(tmp, index=False)
    counts = selection["reason"].value_counts().to_dict()
    echo_summary([
        f"Selected {len(selection)} notes ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}).",
        f"Wrote {xlsx} and {csv} (give each coder a copy), selection in {sel_path}.",
    ])


@command.command(name="import", context_settings={"max_content_width": 100})
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@out_option
@click.option("--codings", "codings_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder of `kvalitativ code`: its themes table is the list columns must belong to.")
@click.option("--selection", "selection_path", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The <sheet>.selection.csv of an active export: its inclusion probabilities (reason, p_person, "
                   "p_active, p_include) are kept on every imported code.")
def import_command(files: tuple[Path, ...], out_dir: Path, codings_dir: Path | None, selection_path: Path | None) -> None:
    """Read coded sheets (XLSX or CSV, one or more per coder) into the human_codings table
    (written under OUT/work/ only: it holds note ids).

    Stops with the file, row and column named when a sheet has an unknown theme
    column, a changed note text, a coded row without a coder name, a value not
    in the dropdown, or one coder coding a note twice. Rows with no theme cell
    filled are not coded and left out.

    \b
    Example:
      kvalitativ review import anna.xlsx bo.xlsx --out review/
      kvalitativ review import anna.xlsx bo.xlsx --selection review.selection.csv --out review/
    """
    from kvalitativ.io.store import file_sha256, make_run_id, read_stage_table, write_tables
    from kvalitativ.review.sheets import import_reviews
    from kvalitativ.errors import InputError

    themes = None
    if codings_dir is not None:
        table = read_stage_table(codings_dir, "themes", required=False)
        if table is None:
            table = read_stage_table(codings_dir, "codings")
        themes = sorted(t for t in table["theme_id"].dropna().unique().tolist() if t != UNCODED)
    human = import_reviews(files, themes=themes)
    if human.empty:  # an unfilled sheet wrote an empty table and said "Read 1 file(s): ."
        raise InputError(f"review import: no note is coded in {', '.join(p.name for p in files)}: a row counts once "
                         "a theme cell is filled (ja-styrke / ja-bekymring / ja-neutral / nej) and the coder is named in "
                         "'koder'. Fill the sheet, then import it.")
    if selection_path is not None:
        from kvalitativ.io.readers import read_table
        from kvalitativ.review.design import attach_design

        human = attach_design(human, read_table(selection_path), where=str(selection_path))
    run_id = make_run_id({"stage": "review_import"}, {p.name: file_sha256(p) for p in files})
    written = write_tables(out_dir, {"human_codings": human}, run_id=run_id)
    coded = human.drop_duplicates(["coder", "note_id"])
    per_coder = coded.groupby("coder").size().to_dict()
    echo_summary([
        f"Read {len(files)} file(s): " + ", ".join(f"{c} coded {k} notes" for c, k in sorted(per_coder.items())) + ".",
        *written_summary(written, out_dir),
        f"human_codings is at {table_path(out_dir, 'human_codings')} only (it holds note ids, never "
        "for dashboards); `kvalitativ link --human` reads that file.",
    ])
