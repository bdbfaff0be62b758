"""`kvalitativ discover`: find themes the codebook lacks (BERTopic), mapped to the codebook."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import (cache_dir_option, echo_summary, engine_options, is_quiet, out_option,
                                         published)
from kvalitativ.constants import CLUSTERINGS


def parse_curation(merges: tuple[str, ...], renames: tuple[str, ...]) -> tuple[list[list[int]], dict[int, str]]:
    """``("2,5",)``, ``("0=Søvn",)`` -> ([[2, 5]], {0: "Søvn"}), with errors a person can act on."""
    from kvalitativ.errors import ConfigError

    groups = []
    for spec in merges:
        try:
            groups.append([int(x) for x in spec.split(",") if x.strip()])
        except ValueError:
            raise ConfigError(f"--merge {spec!r}: give topic ids separated by commas, e.g. --merge 2,5") from None
    labels = {}
    for spec in renames:
        tid, sep, label = spec.partition("=")
        try:
            labels[int(tid)] = label.strip()
        except ValueError:
            raise ConfigError(f"--rename {spec!r}: give ID=LABEL, e.g. --rename '0=Søvn og træthed'") from None
        if not sep or not label.strip():
            raise ConfigError(f"--rename {spec!r}: give ID=LABEL, e.g. --rename '0=Søvn og træthed'")
    return groups, labels


def parse_threshold(text: str) -> float | str:
    """``"auto"`` -> "auto" (calibrated), ``"0.2"`` -> 0.2, with an error a person can act on."""
    from kvalitativ.errors import ConfigError

    if text.strip().lower() == "auto":
        return "auto"
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"--emergent-threshold {text!r}: give a number (e.g. 0.2) or auto") from None


@click.command(name="discover", context_settings={"max_content_width": 100})
@click.argument("notes", type=click.Path(path_type=Path))
@out_option
@click.option("--codebook", default=None, metavar="CB",
              help="Codebook (shipped name such as ungekompetencer, or a YAML path) to map topics to; topics "
                   "near no theme are reported as emergent. Default: none (or the --config codebook).")
@click.option("--model-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Save the fitted model here (JSON + Parquet/NumPy + safetensors, no pickle).")
@click.option("--previous-model", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A model saved last time: its merges and renames are re-applied to this fit.")
@click.option("--use-model", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Do not fit: assign the notes to the topics of this saved model.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="A kvalitativ.yaml whose `discover:`, `embed:` and `ingest:` sections are used.")
@click.option("--embedder", default=None, help="e5 (default), static (fast, e5-like), tfidf or sentence-transformers.")
@cache_dir_option
@click.option("--min-topic-size", type=int, default=None, help="Smallest topic worth reporting (default 10 notes).")
@click.option("--min-topic-share", type=float, default=None,
              help="On large corpora the smallest topic is at least this share of the notes (default 0.002: "
                   "200 notes of 100,000; no effect below 5,000 notes; 0 = off).")
@click.option("--clustering", type=click.Choice(CLUSTERINGS), default=None,
              help="leiden (default: consensus Leiden communities of the notes' neighbour graph, steady across "
                   "seeds, every note in a topic) or hdbscan (UMAP + HDBSCAN, BERTopic's own pipeline; leaves "
                   "outliers). See docs/benchmarks.md, Discovery quality.")
@click.option("--resolution", type=float, default=None,
              help="Leiden's resolution per 1,000 notes (default 1.0): higher = more, smaller topics.")
@click.option("--n-neighbors", type=int, default=None, help="Neighbours of each note in the graph (default 30 with leiden, 15 with hdbscan).")
@click.option("--n-components", type=int, default=None, help="UMAP dimensions (default 5; hdbscan only).")
@click.option("--outlier-target", type=float, default=None,
              help="hdbscan only: bring the share of unassigned notes to at most this (default 0: assign all).")
@click.option("--guided/--no-guided", default=None,
              help="Guide topics towards the codebook's themes (seed words from labels and keywords).")
@click.option("--emergent-threshold", default=None, metavar="NUMBER|auto",
              help="Centred cosine below which a topic counts as emergent, for every topic; 'auto' = calibrated "
                   "per topic without labels: what random groups of notes of the topic's size reach (0.95 "
                   "quantile). Default: 0.15 with e5, auto with other embedders.")
@click.option("--merge", "merges", multiple=True, metavar="IDS",
              help="Merge topics after fitting, e.g. --merge 2,5 (repeatable). Ids are those of a run with the "
                   "same notes and seed. Kept in the saved model and re-applied by --previous-model.")
@click.option("--rename", "renames", multiple=True, metavar="ID=LABEL",
              help="Name a topic after fitting, e.g. --rename '0=Søvn og træthed' (repeatable; the ids you saw, "
                   "applied before --merge; a merged topic keeps its first named member's label).")
@click.option("--stability-seeds", type=int, default=None,
              help="Refits of the clustering with other seeds (plus one shuffled order), each on its own seeded "
                   "80 % of the notes, for the per-topic stability column: the share of a topic's notes that stay "
                   "together (default 5; 0 = off, faster on large corpora).")
@click.option("--seed", type=int, default=None, help="Random seed (default 0): same seed, same topics.")
@engine_options
def command(notes: Path, out_dir: Path, codebook: str | None, model_dir: Path | None, previous_model: Path | None,
            use_model: Path | None, config_path: Path | None, embedder: str | None, cache_dir: Path | None,
            min_topic_size: int | None,
            min_topic_share: float | None, clustering: str | None, resolution: float | None,
            n_neighbors: int | None, n_components: int | None, outlier_target: float | None,
            guided: bool | None, emergent_threshold: str | None, merges: tuple[str, ...],
            renames: tuple[str, ...], stability_seeds: int | None, seed: int | None, engine: str | None,
            scheduler: str | None) -> None:
    """Find themes the codebook lacks (BERTopic), mapped to the codebook.

    NOTES is the --out folder of `kvalitativ ingest` (its redacted corpus) or a notes export.
    Writes `themes` (origin 'discovered', theme_id topic_N, label from the top terms),
    `codings` (method 'topic', score = cosine to the topic centre), `topic_terms`,
    `topic_representatives` (the notes that show each topic, by note_id) and, with a codebook,
    `topic_map` (nearest codebook theme, similarity, is_emergent, stability). Rows of `code` in the same
    folder are kept. The same --seed on the same machine gives the same topics.

    \b
    Example:
      kvalitativ discover out/ --codebook ungekompetencer --model-dir models/topics-2025 --out out/
      kvalitativ discover notes-2026.csv --previous-model models/topics-2025 --out out26/
      kvalitativ discover new-notes.csv --use-model models/topics-2025 --out out-new/
      kvalitativ discover out/ --engine dask --out out/   # embed on a cluster; > 20,000 notes: fit on a sample

    
    Curating (same notes and seed as the run you looked at, so the ids match):
      kvalitativ discover out/ --merge 2,5 --rename "0=Søvn og træthed" --model-dir models/topics-2025 --out out/
    """
    from kvalitativ.codebook import load_codebook
    from kvalitativ.config import RunConfig, apply_overrides, load_config, validate
    from kvalitativ.discover.stage import read_notes, summary_lines, write_discovery
    from kvalitativ.engines.stage_engine import stage_engine
    from kvalitativ.io.lineage import fingerprints
    from kvalitativ.io.store import make_run_id

    config = load_config(config_path) if config_path else RunConfig()
    apply_overrides(config, {"discover.min_topic_size": min_topic_size, "discover.min_topic_share": min_topic_share,
                             "discover.n_neighbors": n_neighbors, "discover.n_components": n_components,
                             "discover.outlier_target": outlier_target, "discover.guided": guided,
                             "seed": seed, "embed.name": embedder,
                             "embed.cache_dir": str(cache_dir) if cache_dir else None,
                             "discover.stability_seeds": stability_seeds, "discover.clustering": clustering,
                             "discover.resolution": resolution})
    if emergent_threshold is not None:
        config.discover.emergent_threshold = parse_threshold(emergent_threshold)
    validate(config)
    model_dir = model_dir or config.discover.model_dir  # --model-dir, else the config's (its folder resolved)
    cb_name = codebook or (config.code.codebook if config_path else None)
    cb = load_codebook(cb_name) if cb_name else None
    merge_groups, labels = parse_curation(merges, renames)
    progress = not is_quiet()
    read = fingerprints([(notes if notes.is_dir() else None, "corpus")])
    corpus, run_id = read_notes(notes, config)
    with stage_engine(engine, scheduler, progress=progress, config=config) as run_on:
        result = run_on.discover(corpus, config, codebook=cb, model_dir=model_dir, previous_model=previous_model,
                                 use_model=use_model, merges=merge_groups, renames=labels)
        where = run_on.summary_lines()  # while the cluster is still connected
    run_id = run_id or make_run_id({"discover": config.to_dict()["discover"], "seed": config.seed,
                                    "embed": config.embed.name}, {"notes": str(len(corpus))})
    with published(out_dir, "kvalitativ discover", config=config) as pub:  # every discovery table appears at once
        written = write_discovery(result, pub.staging, run_id, config, read=read)
    lines = where + summary_lines(result)
    if cb is None:
        lines.append("No codebook given: add --codebook ungekompetencer to see which topics are emergent.")
    if model_dir:
        lines.append(f"Model saved to {model_dir}")
    lines.append(f"Wrote {len(written)} table(s) to {out_dir}: {', '.join(sorted(written))}")
    echo_summary(lines)
