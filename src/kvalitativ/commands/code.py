"""`kvalitativ code`: code notes into the themes of a codebook (zero-shot or supervised)."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import (cache_dir_option, echo_summary, engine_options, is_quiet, out_option,
                                         published)
from kvalitativ.constants import LEVELS


@click.command(name="code", context_settings={"max_content_width": 100})
@click.argument("notes", type=click.Path(exists=True, path_type=Path))
@click.option("--codebook", default=None, metavar="NAME|PATH",
              help="A shipped codebook (ungekompetencer, borgerinput) or a codebook YAML (default: ungekompetencer).")
@click.option("--train", "train_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Human codes (CSV/XLSX: note_id, theme_id[, valence]) for some of the notes: switches to the "
                   "supervised coder. List a note you read and found no theme in with theme_id 'uncoded'.")
@click.option("--embedder", default=None, metavar="NAME",
              help="e5 (default; multilingual-e5-small, offline), static (distilled from e5, very fast), tfidf (no model) or sentence-transformers.")
@click.option("--model", default=None, metavar="PATH|PACKAGE",
              help="For --embedder sentence-transformers: a saved model folder or an installed model package.")
@click.option("--level", type=click.Choice(LEVELS), default=None,
              help="Code each sentence (spans kept; default) or each whole note.")
@click.option("--threshold", type=float, default=None,
              help="One score threshold for all themes (default: the coder's per-theme thresholds).")
@click.option("--exclusive/--multi-label", "exclusive", default=None,
              help="Single-label mode: each sentence or note gets its top theme or 'uncoded' (zero-shot: uncoded "
                   "when nearer the codebook's uncoded_examples, or below --threshold when given), for codebooks "
                   "whose themes exclude each other (topic categories). Default (code.exclusive: auto): single-label "
                   "when --train gives every note at most one theme (sentence level: each note keeps its top theme too), "
                   "else multi-label.")
@cache_dir_option
@out_option
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="A kvalitativ.yaml whose ingest:, embed: and code: sections are used; options override it.")
@click.option("--seed", type=int, default=None, help="Random seed (default 0).")
@engine_options
def command(notes: Path, codebook: str | None, train_path: Path | None, embedder: str | None, model: str | None,
            level: str | None, threshold: float | None, exclusive: bool | None, cache_dir: Path | None, out_dir: Path,
            config_path: Path | None, seed: int | None, engine: str | None, scheduler: str | None) -> None:
    """Code notes into codebook themes (zero-shot, or supervised from human codes).

    NOTES is a notes export (CSV/XLSX/JSONL/Parquet with at least a note id and a text column;
    it is ingested and redacted first) or the --out folder of `kvalitativ ingest`.

    Without --train the zero-shot coder works from the codebook alone (definitions and
    example phrasings). With --train it learns from your human codes (TF-IDF + embedding
    features, calibrated per theme) and codes every note. Writes `codings` (one row per
    coded sentence or note × theme: span, score, valence strength/concern/neutral; a note
    with no theme gets one row with theme_id 'uncoded') and `themes`.

    \b
    Examples:
      kvalitativ code corpora/sample/notes.csv --codebook ungekompetencer --out out/
      kvalitativ code out/ --codebook models/codebooks/borgerinput.yaml --level note --out out/
      kvalitativ code topics.csv --codebook topics.yaml --level note --exclusive --out out/
      kvalitativ code notes.csv --train human_codes.csv --embedder e5 --out out/
      kvalitativ code out/ --embedder static --engine dask --out out/    # partitions on a LocalCluster
    """
    from kvalitativ.config import RunConfig, apply_overrides, load_config, validate
    from kvalitativ.io.store import write_tables
    from kvalitativ.engines.stage_engine import stage_engine
    from kvalitativ.coding.mode import config_mode
    from kvalitativ.coding.stage import coded_line, hand_codes
    from kvalitativ.pipeline import run_id_for

    config = load_config(config_path) if config_path else RunConfig()
    apply_overrides(config, {"code.codebook": codebook, "code.train": str(train_path) if train_path else None,
                             "code.level": level, "code.threshold": threshold,
                             "code.exclusive": exclusive, "embed.name": embedder,
                             "embed.model": model, "embed.cache_dir": str(cache_dir) if cache_dir else None,
                             "seed": seed})
    validate(config)
    progress = not is_quiet()
    method = f"({'supervised' if config.code.train else 'zero-shot'}, {config.embed.name}, level {config.code.level})"
    train = hand_codes(config.code.train)  # read once: the engine's coder and the mode line
    mode = config_mode(config, train).line()  # the engines resolve code.exclusive the same way (coding.stage)
    if notes.is_dir():  # an ingest folder: the engine codes its corpus (the streamed one a chunk at a time)
        run_id = run_id_for(config)
        with published(out_dir, "kvalitativ code", config=config) as pub, \
                stage_engine(engine, scheduler, progress=progress, config=config) as run_on:
            result = run_on.code_to(pub.staging, config.code.codebook, config, run_id, train=train, source_dir=notes)
            where = run_on.summary_lines()
        echo_summary(where + [f"{result.summary[0]} {method}", mode,
                              f"Wrote codings and themes to {out_dir} ({', '.join(sorted(result.rows))})"])
        return
    with stage_engine(engine, scheduler, progress=progress, config=config) as run_on:
        config.ingest.notes = str(notes)
        corpus = run_on.ingest(notes, config.ingest, config.privacy).corpus
        run_id = run_id_for(config)
        codings, themes = run_on.code(corpus, config.code.codebook, config, run_id, train=train)
        where = run_on.summary_lines()
    with published(out_dir, "kvalitativ code", config=config) as pub:  # both tables appear at once, beside the other stages'
        written = write_tables(pub.staging, {"codings": codings, "themes": themes}, run_id,
                               min_cell=config.privacy.min_cell)
    echo_summary(where + [f"{coded_line('notes', codings)} {method}", mode,
                          f"Wrote codings and themes to {out_dir} ({', '.join(sorted(written))})"])
