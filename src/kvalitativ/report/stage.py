"""`report_from_dir()`: read the stored tables (and run.json) of an output folder and render."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kvalitativ.report.render import render_report

__all__ = ["report_from_dir", "REPORT_TABLES", "read_report_tables"]

#: Tables the report uses when present (the corpus is never read: the report shows only
#: published tables and redacted quotes).
REPORT_TABLES = ("evidence", "quotes", "joint_display", "prevalence", "associations", "added_value", "themes",
                 "notes", "codings", "citizen_evidence", "citizen_quotes", "citizen_prevalence", "citizen_themes", "reliability",
                 "topic_map", "topic_terms", "topic_representatives")


def read_report_tables(tables_dir: str | Path) -> dict[str, pd.DataFrame]:
    from kvalitativ.io.store import read_stage_table

    out = {}
    for name in REPORT_TABLES:
        df = read_stage_table(Path(tables_dir), name, required=False)
        if df is not None:
            out[name] = df
    return out


def _manifest_meta(tables_dir: Path) -> dict:
    """run_id, date, dropout window, min_cell, title and language (ingest.language) from run.json,
    when the folder has one (only min_cell, title and language once a stage command has written
    into the folder since the run)."""
    path = tables_dir / "run.json"
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    cfg = manifest.get("config") or {}
    if manifest.get("changed_since_run"):
        # stage commands replaced tables after the run: its run id and link settings may describe
        # none of them; the report takes both from the tables themselves
        return {k: v for k, v in {"min_cell": (cfg.get("privacy") or {}).get("min_cell"),
                                  "title": (cfg.get("report") or {}).get("title"),
                                  "language": (cfg.get("ingest") or {}).get("language")}.items() if v}
    meta = {"run_id": manifest.get("run_id"), "created": str(manifest.get("created_at", ""))[:10] or None}
    meta["window_months"] = (cfg.get("link") or {}).get("window_months")
    meta["min_cell"] = (cfg.get("privacy") or {}).get("min_cell")
    meta["title"] = (cfg.get("report") or {}).get("title")
    meta["language"] = (cfg.get("ingest") or {}).get("language")  # auto: the notes decide (report_language)
    return {k: v for k, v in meta.items() if v}


def report_from_dir(tables_dir: str | Path, out_path: str | Path, *, unit: str | None = None,
                    meta: dict | None = None) -> Path:
    """Render the report from an output folder; ``meta`` overrides what run.json says.

    Stops (:class:`~kvalitativ.errors.InputError`) when a table it would show was built from
    codings or notes that have since been written again (:func:`kvalitativ.io.lineage.stale_tables`):
    the report would put new codings beside old associations without a word."""
    from kvalitativ.errors import InputError
    from kvalitativ.io.lineage import stale_message, stale_tables

    tables_dir = Path(tables_dir)
    stale = [s for s in stale_tables(tables_dir) if s.table in REPORT_TABLES]
    if stale:
        raise InputError(stale_message(tables_dir, stale) + " The report was not written.")
    tables = read_report_tables(tables_dir)
    merged = {**_manifest_meta(tables_dir), **{k: v for k, v in (meta or {}).items() if v is not None}}
    if "evidence" not in tables and "citizen_evidence" not in tables and unit is None:
        from kvalitativ.report.topics import render_topics_report, topic_overview

        if topic_overview(tables) is not None:  # discovery without summarize (with or without a codebook)
            return render_topics_report(tables, out_path, meta=merged)
    return render_report(tables, out_path, unit=unit, meta=merged)
