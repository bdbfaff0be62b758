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
from kvalitativ.engines.stage_engine import StageEngine, stage_engine
from kvalitativ.errors import ConfigError
from kvalitativ.io.ingest import read_indicators
from kvalitativ.io.lineage import fingerprints
from kvalitativ.io.store import file_sha256, make_run_id, table_rows, write_manifest, write_tables
from kvalitativ.memory import release_memory
from kvalitativ.stage_result import StageResult


def input_hashes(config: RunConfig) -> dict[str, str]:
    paths = {
        "notes": config.ingest.notes, "indicators": config.ingest.indicators, "train": config.code.train,
        "citizen": config.citizen.notes, "unit_figures": config.summarize.unit_figures,
    }
    return {k: file_sha256(v) for k, v in paths.items() if v and Path(v).is_file()}


def run_id_for(config: RunConfig) -> str:
    """The run id: a hash of the config, the inputs' content, the pseudonym key's fingerprint and
    the version — the same run gives the same id wherever its folders lie.

    Paths enter only as file names (what run.json publishes): a copy of the project in another
    folder, or on another machine, gives the same id. Another key gives other pseudonyms, so
    another id. Where the work runs (engine, scheduler) and where it is written do not change
    the tables, so not the id either.
    """
    from kvalitativ.privacy.manifest import public_manifest

    public = public_manifest(config)
    cfg = public["config"]
    for key in ("out", "engine", "scheduler", "chunk_size"):
        cfg.pop(key, None)
    cfg["pseudonym_key"] = public["pseudonym_key"].get("fingerprint")
    return make_run_id(cfg, input_hashes(config))


def run_ingest(config: RunConfig, out_dir: str | Path, run_id: str | None = None,
               engine: StageEngine | None = None) -> StageResult:
    """Ingest notes (and indicators) and store corpus, notes, rejects, redaction counts.

    ``engine``: where the per-note work runs (default the local engine)."""
    if not config.ingest.notes:
        raise ConfigError("no notes file: give NOTES on the command line or ingest.notes in the config.")
    run_id = run_id or run_id_for(config)
    extra, extra_rejects, indicator_lines = {}, None, []
    if config.ingest.indicators:
        indicators, extra_rejects = read_indicators(config.ingest.indicators, config.ingest, config.privacy)
        extra["indicators"] = indicators
        indicator_lines = [f"{config.ingest.indicators}: {len(indicators)} persons kept, "
                           f"{len(extra_rejects)} rows rejected"]
    result = (engine or StageEngine("local")).ingest_to(
        out_dir, config.ingest.notes, config.ingest, config.privacy, run_id, min_cell=config.privacy.min_cell,
        extra_tables=extra, extra_rejects=extra_rejects)
    d = result.details
    line = f"{config.ingest.notes}: {d['n_read']} rows read: {d['n_kept']} kept, {d['n_rejected']} rejected"
    if d["separator"]:
        line += f" (encoding {d['encoding'] or 'n/a'}, separator {d['separator']!r})"
    lines = [line, *indicator_lines]
    if d["redactions"]:
        lines.append("Redacted: " + ", ".join(f"{k} {v}" for k, v in sorted(d["redactions"].items())))
    if d["reasons"]:
        lines.append("Rejects by reason: " + ", ".join(f"{k} {v}" for k, v in d["reasons"].most_common()))
    if d["reasons"] and d["reasons"].get("preamble"):  # a title above the header (io/header.py)
        lines.append("The header is not in the first row: the rows above it are in rejects (reason preamble).")
    if d.get("shared_texts"):
        lines.append(d["shared_texts"])
    result.summary = lines
    result.details["run_id"] = run_id
    return result


Stage = Callable[..., StageResult]


def run_citizen_ingest(config: RunConfig, out_dir: str | Path, run_id: str, engine: StageEngine) -> StageResult:
    """Ingest the optional citizen-input export (its own column mapping) as `citizen_corpus`."""
    from dataclasses import replace

    path = config.citizen.notes
    ingest_config = replace(config.ingest, columns=config.citizen.columns, indicators=None)
    result = engine.ingest(path, ingest_config, config.privacy)
    tables = {"citizen_corpus": result.corpus, "citizen_notes": result.notes}
    # rejects of both exports live in one table (source_file tells them apart)
    from kvalitativ.io.store import read_stage_table

    previous = read_stage_table(out_dir, "rejects", required=False)
    if previous is not None:
        previous = previous.drop(columns=["run_id"], errors="ignore")
        previous = previous[previous["source_file"] != Path(path).name]
        tables["rejects"] = pd.concat([previous, result.rejects], ignore_index=True)
    write_tables(out_dir, tables, run_id, min_cell=config.privacy.min_cell)
    return StageResult.from_tables(tables, [f"{path}: {result.summary()} (citizen input)"])


def run_code(config: RunConfig, out_dir: str | Path, run_id: str, engine: StageEngine) -> StageResult:
    """Code the notes (and the citizen input) into the codebooks' themes."""
    from kvalitativ.coding.mode import config_mode
    from kvalitativ.coding.stage import coded_line, hand_codes
    from kvalitativ.io.store import read_stage_table

    train = hand_codes(config.code.train)  # read once: the engine's coder and the mode line
    result = engine.code_to(out_dir, config.code.codebook, config, run_id, train=train)
    result.summary.append(config_mode(config, train).line())
    citizen = read_stage_table(out_dir, "citizen_corpus", required=False) if config.citizen.notes else None
    if citizen is not None:
        c_codings, c_themes = engine.code(citizen, config.citizen.codebook, config, run_id)
        tables = {"citizen_codings": c_codings, "citizen_themes": c_themes}
        write_tables(out_dir, tables, run_id, min_cell=config.privacy.min_cell,
                     read=fingerprints([(out_dir, "citizen_corpus")]))
        result.tables.update(tables)
        result.rows.update({name: len(frame) for name, frame in tables.items()})
        result.summary.append(coded_line("citizen input", c_codings))
    return result


def run_discover(config: RunConfig, out_dir: str | Path, run_id: str, engine: StageEngine) -> StageResult:
    """Optional: find themes the codebook lacks; written beside the codebook themes."""
    from kvalitativ.discover.stage import discover_stage

    return StageResult.of(discover_stage(config, out_dir, run_id, engine))


def run_link_stage(config: RunConfig, out_dir: str | Path, run_id: str, engine: StageEngine) -> StageResult:
    from kvalitativ.link.stage import run_link

    return StageResult.of(run_link(config, out_dir, run_id))


def run_summarize(config: RunConfig, out_dir: str | Path, run_id: str, engine: StageEngine) -> StageResult:
    from kvalitativ.evidence.stage import summarize_from_dirs

    has_link = config.link.enabled and bool(config.ingest.indicators)
    return StageResult.of(summarize_from_dirs(out_dir, out_dir, config, link_dir=out_dir if has_link else None,
                                              citizen_dir=out_dir if config.citizen.notes else None))


def run_report(config: RunConfig, out_dir: str | Path, run_id: str, engine: StageEngine) -> StageResult:
    from kvalitativ.report.stage import report_from_dir

    meta = {"run_id": run_id, "title": config.report.title, "window_months": config.link.window_months,
            "min_cell": config.privacy.min_cell, "language": config.ingest.language}
    path = report_from_dir(out_dir, Path(out_dir) / "report.html", unit=config.report.unit, meta=meta)
    return StageResult(summary=[f"Report: {path}"])


def stages_for(config: RunConfig) -> list[tuple[str, Stage]]:
    """The stages `run` executes for this config, in order."""
    stages: list[tuple[str, Stage]] = [("ingest", run_ingest)]
    if config.citizen.notes:
        stages.append(("ingest_citizen", run_citizen_ingest))
    stages.append(("code", run_code))
    if config.discover.enabled:
        stages.append(("discover", run_discover))
    if config.link.enabled and config.ingest.indicators:
        stages.append(("link", run_link_stage))
    stages.append(("summarize", run_summarize))
    if config.report.enabled:
        stages.append(("report", run_report))
    return stages


def run(config: RunConfig, *, progress: bool = True, wait: bool = False) -> dict[str, Any]:
    """Run every configured stage on the configured engine and publish the outputs at config.out.

    One transaction (:mod:`kvalitativ.io.publish`): the stages write into a staging folder
    beside config.out, and only a run that finished replaces the published folder, in one
    switch. A second run into the same folder stops with one line (or waits, ``wait``).
    """
    from kvalitativ.io.publish import manifest_entry, publishing

    with publishing(config.out, keep_published=False, wait=wait, what="kvalitativ run") as pub:
        with stage_engine(config=config, progress=progress) as engine:
            result = run_stages(config, engine, build_dir=pub.staging, publication=manifest_entry(pub))
    # the stages spoke of the staging folder; the user knows the published one
    result["summary"] = [*pub.notes, *(line.replace(str(pub.staging), str(pub.out)) for line in result["summary"])]
    return result


def run_stages(config: RunConfig, engine: StageEngine, *, build_dir: str | Path | None = None,
               publication: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the configured stages in order and write run.json, into ``build_dir`` (default config.out).

    Knows no engine: ``engine`` supplies the per-note work (ingest, code, discover) and the
    stages here are the same for every engine, so every engine writes the same tables.
    ``publication``: how the folder will be published (recorded in run.json).
    """
    out_dir = Path(build_dir or config.out)
    run_id = run_id_for(config)
    timings: dict[str, float] = {}
    summary: list[str] = list(engine.summary_lines())
    results: dict[str, StageResult] = {}
    for name, stage in stages_for(config):
        start = time.perf_counter()
        result = stage(config, out_dir, run_id, engine)
        timings[name] = round(time.perf_counter() - start, 3)
        # the tables are on disk now: keep the summary and the counts, not a second copy in memory
        results[name] = StageResult(result.summary, result.rows, details=result.details)
        del result
        release_memory()
        summary.extend(results[name].summary)
    tables = table_rows(out_dir)  # on disk: discovery adds its rows to codings and themes
    from kvalitativ.privacy.manifest import public_manifest

    public = public_manifest(config)  # file names and hashes, a key fingerprint: nothing secret or local
    write_manifest(out_dir, run_id, config=public["config"], inputs=public["inputs"],
                   stages={k: {"seconds": v} for k, v in timings.items()}, tables=tables,
                   extra={"pseudonym_key": public["pseudonym_key"], "redaction": public["redaction"],
                          **({"publish": publication} if publication else {})})
    summary.append(f"Run {run_id}: outputs in {config.out}/ (report.html, run.json, parquet/, csv/, csv_da/, "
                   "kvalitativ.duckdb)")
    return {"run_id": run_id, "summary": summary, "results": results}
