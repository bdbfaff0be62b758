"""`kvalitativ report`: the stored tables → one self-contained HTML report (or a one-unit brief)."""

from __future__ import annotations

from pathlib import Path

import click

from kvalitativ.commands._common import echo_summary


@click.command(name="report", context_settings={"max_content_width": 100})
@click.option("--tables", "tables_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder holding the evidence tables (from `kvalitativ summarize` or `kvalitativ run`).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write, e.g. out/report.html.")
@click.option("--unit", default=None, metavar="NAME",
              help="Write a one-unit brief for this unit (school) instead of the whole report; case is ignored.")
@click.option("--title", default=None, help="Report title (default: from the config, else 'Kvalitativ evidens').")
@click.option("--municipality", default=None, help="Municipality name shown under the title.")
@click.option("--language", type=click.Choice(["auto", "da", "en"]), default=None,
              help="The report's language (default: the run's ingest.language; auto: the language of most notes).")
def command(tables_dir: Path, out_path: Path, unit: str | None, title: str | None, municipality: str | None,
            language: str | None) -> None:
    """Write the self-contained HTML report (or a one-unit brief).

    The report holds an overview, theme prevalence, the theme × dropout forest plot, trends
    over school years, one section per unit with its joint display and quotes, citizen input
    when present, and the method, dropout definition, suppression rule and caveats.
    With --unit it writes the one-unit brief for the annual quality dialogue. A folder with
    discovered topics but no evidence (the --out of `kvalitativ discover`) gives a topics page:
    sizes, names, keywords, stability, the nearest codebook theme (when discover had
    --codebook), emergent topics first.

    \b
    Example:
      kvalitativ report --tables out/sample --out out/report.html
      kvalitativ report --tables out/sample --unit Østerbyskolen --out out/oesterbyskolen.html
      kvalitativ report --tables out/discover --out out/topics.html      # the topics page
    """
    from kvalitativ.report.stage import report_from_dir

    path = report_from_dir(tables_dir, out_path, unit=unit, meta={"title": title, "municipality": municipality,
                                                                    "language": language})
    from kvalitativ.privacy.guard import IdentifierError, assert_no_identifiers_in_report, guard_types_of_folder

    try:  # the writer's last guard, as for every table: a page with an identifier is not left behind
        assert_no_identifiers_in_report(path, guard_types_of_folder(tables_dir))
    except IdentifierError:
        path.unlink(missing_ok=True)
        raise
    size = path.stat().st_size / 1e6
    echo_summary(f"Wrote {'the brief for ' + unit if unit else 'the report'} to {path} ({size:.1f} MB, self-contained).")
