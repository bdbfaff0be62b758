"""`kvalitativ ingest`: read a notes export (and indicators), redact, and store the tables."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import (echo_summary, engine_options, is_quiet, out_option, public_lines,
                                         published, wait_option)
from kvalitativ.config import RunConfig, apply_overrides, load_config


def column_options(func):
    """--text-col, --note-id-col … : name the export's header for each canonical column."""
    for canonical in reversed(("note_id", "person_id", "unit_id", "date", "source", "category", "text")):
        func = click.option(f"--{canonical.replace('_', '-')}-col", canonical, default=None, metavar="HEADER",
                            help=f"Header of the {canonical} column (default: guessed).")(func)
    func = click.option("--names-col", "names", multiple=True, metavar="HEADER",
                        help="Header of a column of person names, used only to redact them (repeatable; default: guessed).")(func)
    return func


def apply_column_options(config: RunConfig, options: dict) -> None:
    for canonical in ("note_id", "person_id", "unit_id", "date", "source", "category", "text"):
        if options.get(canonical):
            setattr(config.ingest.columns, canonical, options[canonical])
    if options.get("names"):
        config.ingest.columns.names = list(options["names"])


@click.command(name="ingest", context_settings={"max_content_width": 100})
@click.argument("notes", type=click.Path(path_type=Path))
@click.option("--indicators", type=click.Path(path_type=Path), default=None,
              help="Indicators export: one row per person (person_id + dropout, absence_pct, …).")
@out_option
@wait_option
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="A kvalitativ.yaml whose `ingest:` section sets column mapping, encoding, limits.")
@click.option("--encoding", default=None, help="Force a text encoding (default: detect UTF-8 / UTF-8-BOM / cp1252).")
@click.option("--separator", default=None, help="Force the CSV separator (default: sniff , ; or tab).")
@click.option("--max-chars", type=int, default=None, help="Reject notes longer than this (default 20000).")
@click.option("--indicator-person-col", default=None, metavar="HEADER",
              help="Header of the person id column of --indicators (default: guessed; ingest.indicator_person_col).")
@column_options
@engine_options
def command(notes: Path, indicators: Path | None, out_dir: Path, config_path: Path | None, encoding: str | None,
            separator: str | None, max_chars: int | None, engine: str | None, scheduler: str | None,
            wait: bool = False, indicator_person_col: str | None = None, **columns) -> None:
    """Read a notes export (CSV/XLSX/JSONL/Parquet), redact it, account for every row.

    NOTES is a CSV (separator and encoding detected), XLSX, JSON Lines or Parquet file.
    Columns are matched to note_id, person_id, unit_id, date, source, category and text
    from common Danish headers (Notat, Tekst, CPR, Elev-ID, Skole, Dato …) unless you name
    them. Rows that cannot be used go to the `rejects` table with their row number and reason.
    CPR-shaped person ids become keyed pseudonyms under a secret key, created on first use:
    kvalitativ-pseudonym.key beside --config (privacy.key_file), without --config
    ~/.config/kvalitativ/pseudonym.key; KVALITATIV_PSEUDONYM_KEY_FILE overrides. Use one key for
    every command of an analysis, keep it out of the output folder (docs/privacy.md).

    \b
    Example:
      kvalitativ ingest corpora/sample/notes.csv --indicators corpora/sample/indicators.csv --out out/
      kvalitativ ingest export.xlsx --text-col "Notat tekst" --person-id-col "Elev ID" --out out/
      kvalitativ ingest notes.csv --engine dask --scheduler tcp://10.0.0.5:8786 --out out/
    """
    from kvalitativ.engines.stage_engine import stage_engine
    from kvalitativ.pipeline import run_ingest

    config = load_config(config_path) if config_path else RunConfig()
    apply_column_options(config, columns)
    apply_overrides(config, {"ingest.encoding": encoding or None, "ingest.max_chars": max_chars or None,
                             "ingest.separator": separator.replace("\\t", "\t") if separator else None})
    config.ingest.notes = str(notes)
    if indicators:  # else the config's ingest.indicators, if any
        config.ingest.indicators = str(indicators)
    if indicator_person_col:
        config.ingest.indicator_person_col = indicator_person_col
    with published(out_dir, "kvalitativ ingest", wait, config=config) as pub, \
            stage_engine(engine, scheduler, progress=not is_quiet(), config=config) as run_on:
        result = run_ingest(config, pub.staging, engine=run_on)
        lines = result.summary + run_on.summary_lines()
    echo_summary(public_lines(lines, pub))
