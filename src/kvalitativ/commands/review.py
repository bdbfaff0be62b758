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

    \b
    Rounds with a known design (the correction of links counts the persons of every round):
      kvalitativ review export --codings out/ --strategy active --persons 100 --n 100 --out round1.xlsx
      kvalitativ review import anna1.xlsx --selection round1.selection.csv --out review/
      # code --train with the codes, then the next round leaves out what is coded:
      kvalitativ review export --codings out/ --strategy active --persons 100 --n 100 --seed 2 \\
          --previous round1.selection.csv --out round2.xlsx
      kvalitativ review import anna1.xlsx anna2.xlsx --selection round2.selection.csv --out review/
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
@click.option("--persons", "n_persons", type=int, default=100, show_default=True,
              help="active: number of persons drawn at random (this round), all of whose notes go on the sheet. "
                   "The links' correction for coding error counts only persons coded whole and needs at least 5 "
                   "with and 5 without a theme: with 100, a theme that one person in ten has gives about 10 "
                   "(with 40 or 50, about half of such themes get fewer than 5). Rarer themes need more; rounds "
                   "add up (--previous), so a later round can draw more, and the report says how many would help.")
@click.option("--floor", type=float, default=0.05, show_default=True,
              help="active: the least weight a note gets in the uncertainty draw (above 0: every note can be drawn).")
@click.option("--uncertain-share", type=float, default=0.3, show_default=True,
              help="Share of the notes chosen because the model is least sure about them.")
@click.option("--threshold", type=float, default=0.5, show_default=True,
              help="Score at which the model counts a theme as present (for strata and uncertainty).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same sample).")
@click.option("--previous", "previous", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The .selection.csv of the earlier round (repeat for several): its notes are not drawn again. "
                   "active: the earlier persons are not drawn again either, and the new selection file holds every "
                   "round with the probabilities of all rounds together (give the latest round's).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx); a CSV twin is written beside it.")
def export_command(codings_dir: Path, corpus_dir: Path | None, strategy: str, n: int, n_persons: int, floor: float,
                   uncertain_share: float, threshold: float, seed: int, previous: tuple[Path, ...],
                   out_path: Path) -> None:
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

    A later round gives the earlier round's selection with --previous: notes
    already on a sheet are not drawn again (either strategy), and with active
    the earlier persons are not drawn again, so all rounds' persons together
    are one random sample; the new selection file holds every round
    (p_person = all persons drawn so far / all persons; docs/schema.md).

    \b
    Examples:
      kvalitativ review export --codings out/ --n 200 --out review.xlsx
      kvalitativ review export --codings out/ --strategy active --persons 100 --n 100 --out round1.xlsx
      kvalitativ review export --codings out/ --strategy active --persons 100 --n 100 --seed 2 \\
          --previous round1.selection.csv --out round2.xlsx
    """
    from kvalitativ.io.atomic import atomic_path
    from kvalitativ.io.store import read_stage_table
    from kvalitativ.review.rounds import read_selection
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
    earlier = [(read_selection(p), str(p)) for p in previous]
    if strategy == "active":
        from kvalitativ.review.design import select_active

        before = _previous_design(earlier)
        selection = select_active(codings, corpus, n_persons=n_persons, n_active=n, floor=floor,
                                  thresholds=threshold, themes=theme_ids, random_state=seed, previous=before)
        sheet = selection[selection["round"] == selection["round"].max()]
    else:
        done = set().union(*(set(f["note_id"].astype(str)) for f, _ in earlier)) if earlier else set()
        left = corpus[~corpus["note_id"].astype(str).isin(done)]
        selection = sheet = select_for_review(codings, left, n=n, random_state=seed, uncertain_share=uncertain_share,
                                              thresholds=threshold, themes=theme_ids)
    xlsx, csv = export_review(sheet, corpus, themes, out_path)
    sel_path = out_path.with_suffix(".selection.csv")
    with atomic_path(sel_path) as tmp:
        selection.to_csv(tmp, index=False)
    counts = sheet["reason"].value_counts().to_dict()
    echo_summary([
        f"Selected {len(sheet)} notes ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})"
        + (f", none of them on an earlier sheet ({len(previous)} earlier selection(s))." if previous else "."),
        *_rounds_line(selection),
        f"Wrote {xlsx} and {csv} (give each coder a copy), selection in {sel_path}.",
    ])


def _previous_design(earlier: list):
    """The earlier rounds of an active export as one design (each file checked), or None."""
    from kvalitativ.errors import InputError
    from kvalitativ.review.rounds import combine_selections, design_selection

    if not earlier:
        return None
    for frame, where in earlier:
        if "p_person" not in frame.columns:
            raise InputError(f"{where} is the selection of a stratified sheet: its notes were not drawn with known "
                             "probabilities, so an active round cannot build on it. Give the .selection.csv files "
                             "of active rounds only.")
    return combine_selections([(design_selection(f, w), w) for f, w in earlier])


def _rounds_line(selection) -> list[str]:
    """What a multi-round active selection holds, in one line (nothing for one round)."""
    if "round" not in selection.columns or selection["round"].max() <= 1:
        return []
    first = selection.iloc[0]
    return [f"The selection holds rounds 1-{int(selection['round'].max())}: {len(selection)} notes, "
            f"{int(first['persons_drawn'])} of {int(first['persons_total'])} persons drawn at random in all "
            f"(p_person = {first['p_person']:.4g} on every row)."]


@command.command(name="import", context_settings={"max_content_width": 100})
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@out_option
@click.option("--codings", "codings_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder of `kvalitativ code`: its themes table is the list columns must belong to, and "
                   "its corpus the notes a sheet may hold.")
@click.option("--codebook", default=None,
              help="The codebook (a shipped name or a YAML file) whose themes the columns must be: for a CSV sheet, "
                   "or a workbook re-saved without its hidden sheet, when --codings is not given.")
@click.option("--selection", "selection_paths", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The <sheet>.selection.csv of an active export: its inclusion probabilities (reason, p_person, "
                   "p_active, p_include) are kept on every imported code. After several rounds give the latest "
                   "round's (it holds them all); several files must be rounds of one series.")
def import_command(files: tuple[Path, ...], out_dir: Path, codings_dir: Path | None, codebook: str | None,
                   selection_paths: tuple[Path, ...]) -> None:
    """Read coded sheets (XLSX or CSV, one or more per coder) into the human_codings table
    (written under OUT/work/ only: it holds note ids).

    Stops with the file, row and column named when a sheet has an unknown theme
    column, an unknown note id, a changed note text, a coded row without a coder
    name, a value not in the dropdown, or one coder coding a note twice. Rows
    with no theme cell filled are not coded and left out. A sheet without its
    own record of the themes (a CSV) needs --codings or --codebook. With
    --selection it says which persons drawn at random are not coded whole: they
    do not count in the correction of links until they are.

    \b
    Example:
      kvalitativ review import anna.xlsx bo.xlsx --out review/
      kvalitativ review import anna.csv --codebook ungekompetencer --out review/
      kvalitativ review import round1.xlsx round2.xlsx --selection round2.selection.csv --out review/
    """
    from kvalitativ.errors import InputError
    from kvalitativ.io.store import file_sha256, make_run_id, write_tables
    from kvalitativ.review.sheets import import_reviews

    selection = _selection(selection_paths)
    note_ids, notes_from = _known_notes(selection, selection_paths, codings_dir)
    human = import_reviews(files, themes=_import_themes(codings_dir, codebook), note_ids=note_ids,
                           notes_from=notes_from)
    if human.empty:  # an unfilled sheet wrote an empty table and said "Read 1 file(s): ."
        raise InputError(f"review import: no note is coded in {', '.join(p.name for p in files)}: a row counts once "
                         "a theme cell is filled (ja-styrke / ja-bekymring / ja-neutral / nej) and the coder is named in "
                         "'koder'. Fill the sheet, then import it.")
    if selection is not None:
        from kvalitativ.review.design import attach_design

        human = attach_design(human, selection, where=", ".join(map(str, selection_paths)))
    run_id = make_run_id({"stage": "review_import"}, {p.name: file_sha256(p) for p in files})
    written = write_tables(out_dir, {"human_codings": human}, run_id=run_id)
    coded = human.drop_duplicates(["coder", "note_id"])
    per_coder = coded.groupby("coder").size().to_dict()
    echo_summary([
        f"Read {len(files)} file(s): " + ", ".join(f"{c} coded {k} notes" for c, k in sorted(per_coder.items())) + ".",
        *_stratum_lines(selection, set(human["note_id"].astype(str))),
        *written_summary(written, out_dir),
        f"human_codings is at {table_path(out_dir, 'human_codings')} only (it holds note ids, never "
        "for dashboards); `kvalitativ link --human` reads that file.",
    ])


def _selection(paths: tuple[Path, ...]):
    """The design of the given selection files (several: rounds of one series), or None."""
    if not paths:
        return None
    from kvalitativ.review.rounds import combine_selections, design_selection, read_selection

    return combine_selections([(design_selection(read_selection(p), str(p)), str(p)) for p in paths])


def _known_notes(selection, paths: tuple[Path, ...], codings_dir: Path | None):
    """(note ids a sheet may hold, where they are from): the selection's, else the corpus of --codings."""
    from kvalitativ.io.store import read_stage_table

    if selection is not None:
        return set(selection["note_id"].astype(str)), "the selection (" + ", ".join(p.name for p in paths) + ")"
    if codings_dir is None:
        return None, ""
    table = read_stage_table(codings_dir, "corpus", required=False, columns=["note_id"])
    if table is None:
        table = read_stage_table(codings_dir, "codings", columns=["note_id"])
    return set(table["note_id"].astype(str)), f"the notes of {codings_dir}"


def _import_themes(codings_dir: Path | None, codebook: str | None) -> list[str] | None:
    """The theme ids sheet columns must be: --codings' themes table, else --codebook's themes."""
    from kvalitativ.io.store import read_stage_table

    if codings_dir is not None:
        table = read_stage_table(codings_dir, "themes", required=False)
        if table is None:
            table = read_stage_table(codings_dir, "codings")
        return sorted(t for t in table["theme_id"].dropna().unique().tolist() if t != UNCODED)
    if codebook is not None:
        from kvalitativ.codebook import load_codebook

        return [t.id for t in load_codebook(codebook).leaves()]
    return None


def _stratum_lines(selection, coded: set) -> list[str]:
    """How many persons drawn at random are coded whole, and which are not (their notes to finish)."""
    if selection is None or "reason" not in selection.columns:
        return []
    from kvalitativ.review.rounds import incomplete_persons

    left = incomplete_persons(selection, coded)
    if "person_id" not in selection.columns:  # a selection from before rounds: notes, not persons
        ids = left.get("?", [])
        return [f"Warning: {len(ids)} notes of the persons drawn at random are not coded ({', '.join(ids[:10])}"
                f"{' …' if len(ids) > 10 else ''}); their persons do not count in the correction of links for "
                "coding error until they are."] if ids else []
    n_drawn = selection.loc[selection["reason"] == "person", "person_id"].nunique()
    if not left:
        return [f"All {n_drawn} persons drawn at random are coded whole; they count in the correction of links."]
    shown = "; ".join(f"{p}: {', '.join(ids[:5])}{' …' if len(ids) > 5 else ''}" for p, ids in list(left.items())[:10])
    more = f"; and {len(left) - 10} more persons" if len(left) > 10 else ""
    return [f"Warning: {len(left)} of the {n_drawn} persons drawn at random are not coded whole and do not count in "
            f"the correction of links for coding error until these notes are coded: {shown}{more}."]
