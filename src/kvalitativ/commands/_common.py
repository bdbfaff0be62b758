"""Small helpers shared by the commands: the common options and the closing summary."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click

from kvalitativ.constants import ENGINES

out_option = click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (created if needed). Tables go to parquet/, csv/, csv_da/ and kvalitativ.duckdb.",
)


#: The embedding cache, as `code` takes it: a second run over the same notes embeds nothing.
cache_dir_option = click.option(
    "--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Embedding cache folder (default .kvalitativ-cache); a second run over the same notes embeds nothing.")


def engine_options(func):
    """``--engine`` and ``--scheduler`` for a stage command that can run on the Dask engine."""
    func = click.option("--scheduler", default=None, metavar="ADDRESS",
                        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --engine dask; "
                             "default: a LocalCluster with one worker per core).")(func)
    func = click.option("--engine", type=click.Choice(ENGINES), default=None,
                        help="auto (default): streamed for a notes file over 50 MB, else local. streamed: "
                             "ingest, redact and code a chunk of rows at a time (memory does not grow with "
                             "the export). dask: the per-note work over partitions on a dask.distributed "
                             "cluster. Every engine writes the same tables.")(func)
    return func


def is_quiet(ctx: click.Context | None = None) -> bool:
    ctx = ctx or click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.obj and ctx.obj.get("quiet"):
            return True
        ctx = ctx.parent
    return False


def echo_summary(lines: list[str] | str) -> None:
    """The short report a command ends with: what was written where."""
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line)


wait_option = click.option(
    "--wait", is_flag=True, default=False,
    help="If another kvalitativ run is writing the output folder, wait for it instead of stopping.")


#: The config sections each stage command's settings live in (recorded in run.json when the
#: command writes into a `kvalitativ run` folder).
STAGE_SECTIONS = {"kvalitativ ingest": ("ingest",), "kvalitativ code": ("code", "embed"),
                  "kvalitativ discover": ("discover", "embed"), "kvalitativ tune": ("discover", "embed"),
                  "kvalitativ link": ("link",), "kvalitativ summarize": ("summarize", "citizen")}
#: The input files (run.json's roles) each stage command reads from its config.
STAGE_INPUTS = {"kvalitativ ingest": ("notes", "indicators"), "kvalitativ code": ("train",),
                "kvalitativ link": ("indicators",), "kvalitativ summarize": ("unit_figures", "citizen")}


def stage_details(what: str, config=None, inputs: dict | None = None) -> dict:
    """What a stage command read and how it was set, as public as run.json's own record
    (:mod:`kvalitativ.privacy.manifest`: file names and content hashes, never a path)."""
    if config is None:
        return {}
    from kvalitativ.io.store import file_sha256
    from kvalitativ.privacy.manifest import public_config, public_inputs

    public = public_config(config)
    read = {role: v for role, v in public_inputs(config).items() if role in STAGE_INPUTS.get(what, ())}
    files = {role: {"file": Path(path).name, "sha256": file_sha256(path)}
             for role, path in (inputs or {}).items() if path and Path(path).is_file()}
    return {"inputs": {**read, **files},
            "config": {k: public[k] for k in STAGE_SECTIONS.get(what, ()) if k in public}}


@contextlib.contextmanager
def published(out_dir: Path, what: str, wait: bool = False, config=None, inputs: dict | None = None) -> Iterator:
    """Build a stage command's tables beside ``out_dir`` and publish them all at once.

    Yields the :class:`~kvalitativ.io.publish.Publication`: write into its ``staging`` folder (a
    copy of what is published, so the other stages' tables stay), and pass the summary lines
    through :func:`public_lines`. ``config`` and ``inputs`` (role → file the command read beside
    the config's): recorded in a run folder's run.json (:func:`stage_details`).
    """
    from kvalitativ.io.lineage import stale_message
    from kvalitativ.io.publish import publishing

    from kvalitativ.io.store import record_stage_command

    with publishing(out_dir, keep_published=True, wait=wait, what=what) as pub:
        # what a report in the folder showed (none there: nothing to compare, nothing read)
        shown = report_inputs(pub.staging) if (pub.staging / "report.html").is_file() else None
        yield pub
        stale = mark_stale(pub.staging)  # what this command made out of date, published with its tables
        old_report = drop_outdated_report(pub.staging, shown, stale)
        if (pub.staging / "run.json").is_file():  # a `kvalitativ run` folder: its run.json says so
            record_stage_command(pub.staging, what, stage_details(what, config, inputs))
    if stale:
        click.echo("Warning: " + stale_message(out_dir, stale) + " Until then `kvalitativ report` stops.",
                   err=True)
    if old_report:
        click.echo(f"Removed {old_report} from {out_dir}: it showed the tables as they were before `{what}`. "
                   f"Write it again with `kvalitativ report --tables {out_dir} --out {out_dir / old_report}` (and the "
                   "--unit, --title or --language it was made with).", err=True)


def report_inputs(folder: Path) -> dict[str, str]:
    """The fingerprints of the tables the report reads, as ``folder`` holds them now."""
    from kvalitativ.io.lineage import fingerprints
    from kvalitativ.report.stage import REPORT_TABLES

    return fingerprints([(folder, name) for name in REPORT_TABLES])


def drop_outdated_report(folder: Path, shown: dict[str, str] | None, stale: list) -> str | None:
    """Remove ``folder``'s report.html when the tables it showed (``shown``, before a stage command)
    have changed or are stale (``shown`` None: the folder had no report): a `kvalitativ run` folder kept its report beside the new codings of a
    later `kvalitativ code`, unmarked, while `kvalitativ report` refused to write it again (a trial).
    Returns the file's name when removed."""
    from kvalitativ.report.stage import REPORT_TABLES

    report = folder / "report.html"
    stale = [s for s in stale if s.table in REPORT_TABLES]  # as `kvalitativ report` judges it
    if shown is None or not report.is_file() or (not stale and report_inputs(folder) == shown):
        return None
    report.unlink()
    return report.name


def mark_stale(folder: Path) -> list:
    """The tables of ``folder`` built from inputs written again since (:func:`kvalitativ.io.lineage.stale_tables`),
    also as the dashboard table ``stale_tables`` (one row each: table, what changed, the command
    that rebuilds it), so a dashboard reading the folder can say so; removed when nothing is stale."""
    import pandas as pd

    from kvalitativ.io.lineage import STAGE_OF, stale_tables
    from kvalitativ.io.store import remove_tables, write_tables

    stale = stale_tables(folder)
    if stale:
        rows = pd.DataFrame({"table_name": [s.table for s in stale], "built_from_old": [s.changed for s in stale],
                             "rerun": [f"kvalitativ {STAGE_OF.get(s.table, 'the stage that made it')}" for s in stale]})
        write_tables(folder, {"stale_tables": rows})
    else:
        remove_tables(folder, ["stale_tables"])
    return stale


def public_lines(lines: list[str], pub) -> list[str]:
    """The summary as the user sees the result: the published folder, not the staging one."""
    return [*pub.notes, *(line.replace(str(pub.staging), str(pub.out)) for line in lines)]


def written_summary(written: dict[str, list[Path]], out_dir: Path) -> list[str]:
    names = ", ".join(sorted(written))
    return [f"Wrote {len(written)} table(s) to {out_dir}: {names}"]
