"""`run(config)`: the stages in order, each reading and writing the same tables, plus the manifest.

Each stage is also a library function the single-stage commands call, so a researcher can
stop after any stage, look, change one thing and go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from kvalitativ.config import RunConfig
from kvalitativ.errors import ConfigError
from kvalitativ.io.ingest import ingest_notes, read_indicators
from kvalitativ.io.store import file_sha256, make_run_id, write_manifest, write_tables


def input_hashes(config: RunConfig) -> dict[str, str]:
    paths = {
        "notes": config.ingest.notes, "indicators": config.ingest.indicators, "train": config.code.train,
        "citizen": config.citizen.notes, "unit_figures": config.summarize.unit_figures,
    }
    return {k: file_sha256(v) for k, v in paths.items() if v and Path(v).is_file()}


def run_id_for(config: RunConfig) -> str:
    cfg = config.to_dict()
    cfg.pop("out", None)
    return make_run_id(cfg, input_hashes(config))


def run_ingest(config: RunConfig, out_dir: str | Path, run_id: str | None = None) -> dict[str, Any]:
    """Ingest notes (and indicators) and store corpus, notes, rejects, redaction counts."""
    if not config.ingest.notes:
        raise ConfigError("no notes file: give NOTES on the command line or ingest.notes in the config.")
    out_dir = Path(out_dir)
    run_id = run_id or run_id_for(config)
    result = ingest_notes(config.ingest.notes, config.ingest, config.privacy)
    rejects = result.rejects
    tables: dict[str, pd.DataFrame] = {"corpus": result.corpus, "notes": result.notes}
    lines = [f"{config.ingest.notes}: {result.summary()} (encoding {result.encoding or 'n/a'}, "
             f"separator {result.separator!r})" if result.separator else f"{config.ingest.notes}: {result.summary()}"]
    if config.ingest.indicators:
        indicators, ind_rejects = read_indicators(config.ingest.indicators, config.ingest)
        tables["indicators"] = indicators
        rejects = pd.concat([rejects, ind_rejects], ignore_index=True)
        lines.append(f"{config.ingest.indicators}: {len(indicators)} persons kept, {len(ind_rejects)} rows rejected")
    tables["rejects"] = rejects
    tables["redactions"] = pd.DataFrame(
        {"identifier_type": list(result.redactions), "n_redacted": list(result.redactions.values())},
        columns=["identifier_type", "n_redacted"],
    )
    write_tables(out_dir, tables, run_id, min_cell=config.privacy.min_cell)
    if result.redactions:
        lines.append("Redacted: " + ", ".join(f"{k} {v}" for k, v in sorted(result.redactions.items())))
    if len(rejects):
        lines.append("Rejects by reason: " + ", ".join(f"{k} {v}" for k, v in rejects["reason"].value_counts().items()))
    return {"run_id": run_id, "tables": tables, "summary": lines, "n_read": result.n_read,
            "n_kept": len(result.corpus), "n_rejected": len(result.rejects)}


Stage = Callable[[RunConfig, Path, str], dict[str, Any]]


def stages_for(config: RunConfig) -> list[tuple[str, Stage]]:
    """The stages `run` executes for this config, in order."""
    return [("ingest", run_ingest)]


def run(config: RunConfig, *, progress: bool = True) -> dict[str, Any]:
    """Run every configured stage into config.out and write run.json."""
    out_dir = Path(config.out)
    run_id = run_id_for(config)
    timings: dict[str, float] = {}
    summary: list[str] = []
    results: dict[str, Any] = {}
    for name, stage in stages_for(config):
        start = time.perf_counter()
        result = stage(config, out_dir, run_id)
        timings[name] = round(time.perf_counter() - start, 3)
        results[name] = result
        summary.extend(result.get("summary", []))
    tables = {}
    for result in results.values():
        for tname, frame in result.get("tables", {}).items():
            tables[tname] = len(frame)
    write_manifest(out_dir, run_id, config=config.to_dict(), inputs=input_hashes(config),
                   stages={k: {"seconds": v} for k, v in timings.items()}, tables=tables)
    summary.append(f"Run {run_id}: outputs in {out_dir}/ (run.json, parquet/, csv/, csv_da/, kvalitativ.duckdb)")
    return {"run_id": run_id, "summary": summary, "results": results}
