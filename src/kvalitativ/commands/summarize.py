"""`kvalitativ summarize`: codings (+ link tables) → evidence, quotes, joint display."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import echo_summary, out_option, public_lines, published, wait_option

_DIR = click.Path(file_okay=False, path_type=Path)


@click.command(name="summarize", context_settings={"max_content_width": 100})
@click.option("--codings", "codings_dir", type=_DIR, default=None,
              help="Output folder of `kvalitativ code` (codings, themes; also the corpus unless --notes is given).")
@click.option("--link", "link_dir", type=_DIR, default=None,
              help="Output folder of `kvalitativ link` (prevalence, associations). Without it: no outcome columns.")
@click.option("--notes", "notes_dir", type=_DIR, default=None,
              help="Output folder of `kvalitativ ingest` (the redacted corpus). Default: the --codings folder.")
@click.option("--indicators", "indicators_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Indicators export for the joint display (default: the table stored by `kvalitativ ingest`).")
@click.option("--unit-figures", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV/XLSX with unit_id + numeric unit-level figures (e.g. udgift_pr_elev) for the joint display.")
@click.option("--citizen", "citizen_dir", type=_DIR, default=None,
              help="Folder with coded citizen input (citizen_codings/citizen_corpus, or codings/corpus of its own run).")
@out_option
@wait_option
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="A kvalitativ.yaml whose `summarize:`, `privacy:` and `link:` sections are used; options override it.")
@click.option("--quotes-per-theme", type=click.IntRange(1, 10), default=None,
              help="Quotes per theme × valence for the municipality (default 5).")
@click.option("--min-cell", type=int, default=None, help="Suppress cells of fewer persons than this (default 5, min 3).")
@click.option("--seed", type=int, default=None, help="Random seed (quote subsampling; default 0).")
def command(codings_dir, link_dir, notes_dir, indicators_path, unit_figures, citizen_dir, out_dir, config_path,
            quotes_per_theme, min_cell, seed, wait: bool = False) -> None:
    """Evidence per theme and unit: headlines, trends, quotes, joint display.

    Summarise the evidence: per theme (and per unit) a Danish headline with its numbers,
    short redacted quotes, and the joint display per unit.

    Writes `evidence` (prevalence, trend over school years, outcome rates and odds ratios,
    keywords and a headline whose every number is also a column), `quotes` (the sentence that
    carried the theme, trimmed, redacted twice, only for themes seen in at least --min-cell
    persons) and `joint_display` (per unit: dropout, absence, grades and your unit figures
    beside the municipality's, with the unit's top concerns and strengths and a quote each).
    With --citizen also `citizen_prevalence`, `citizen_evidence`, `citizen_quotes`.

    \b
    Example:
      kvalitativ summarize --codings out/ --link out/ --out out/
      kvalitativ summarize --codings out/ --link out/ --unit-figures udgifter.csv --out out/
      kvalitativ summarize --citizen out_borger/ --out out_borger/
    """
    from kvalitativ.config import RunConfig, load_config, validate
    from kvalitativ.errors import ConfigError
    from kvalitativ.evidence.stage import summarize_from_dirs

    if codings_dir is None and citizen_dir is None:
        raise ConfigError("give --codings DIR (youth notes) and/or --citizen DIR (citizen input).")
    config = load_config(config_path) if config_path else RunConfig()
    if quotes_per_theme is not None:
        config.summarize.quotes_per_theme = quotes_per_theme
    if unit_figures is not None:
        config.summarize.unit_figures = str(unit_figures)
    if min_cell is not None:
        config.privacy.min_cell = min_cell
    if seed is not None:
        config.seed = seed
    validate(config)
    with published(out_dir, "kvalitativ summarize", wait, config=config) as pub:
        result = summarize_from_dirs(codings_dir, pub.staging, config, link_dir=link_dir, notes_dir=notes_dir,
                                     indicators_path=indicators_path, citizen_dir=citizen_dir)
    echo_summary(public_lines(result["summary"], pub))
