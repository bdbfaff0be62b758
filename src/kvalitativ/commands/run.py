"""`kvalitativ run`: the whole pipeline from one config file."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import echo_summary, engine_options, is_quiet


@click.command(name="run", context_settings={"max_content_width": 100})
@click.option("--config", "config_path", required=True, type=click.Path(path_type=Path),
              help="The run configuration (YAML). Relative paths in it are taken from its own folder.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Override the config's output folder.")
@engine_options
@click.option("--embedder", default=None, help="Override embed.name: e5, tfidf, sentence-transformers, static.")
@click.option("--wait", is_flag=True, default=False,
              help="If another run is writing the output folder, wait for it instead of stopping.")
def command(config_path: Path, out_dir: Path | None, engine: str | None, scheduler: str | None, embedder: str | None,
            wait: bool) -> None:
    """The whole pipeline from a config file (ingest → code → link → summarise → report).

    Every stage writes its tables (Parquet, CSV, Danish-Excel CSV, DuckDB) and the run ends
    with run.json: run id, versions, config and input hashes. The run is built beside the
    output folder and replaces it in one switch at the end, so a dashboard never sees half a
    run; the run before is kept as <out>.previous until the next one starts.

    \b
    Example:
      kvalitativ run --config corpora/sample/kvalitativ.yaml
      kvalitativ run --config kvalitativ.yaml --out out/2025 --embedder tfidf
      kvalitativ run --config kvalitativ.yaml --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from kvalitativ.config import apply_overrides, load_config, validate
    from kvalitativ.engines.stage_engine import resolve_engine
    from kvalitativ.pipeline import run

    config = load_config(config_path)
    apply_overrides(config, {"out": str(out_dir) if out_dir else None, "embed.name": embedder})
    config.engine, config.scheduler = resolve_engine(engine, scheduler, config.engine, config.scheduler,
                                                     config.ingest.notes)
    validate(config)
    result = run(config, progress=not is_quiet(), wait=wait)
    echo_summary(result["summary"])
