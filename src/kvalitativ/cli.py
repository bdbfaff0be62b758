"""The `kvalitativ` command line: a thin layer of click commands over library functions.

Commands are loaded lazily (each lives in kvalitativ/commands/<name>.py), so `--help` is
instant and never imports torch. Any KvalitativError becomes one line on stderr and exit
code 2; tracebacks only with --debug.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

#: command name → module under kvalitativ.commands (each defines `command`).
COMMANDS: dict[str, str] = {
    "run": "run",
    "ingest": "ingest",
    "code": "code",
    "evaluate": "evaluate",
    "discover": "discover",
    "tune": "tune",
    "link": "link",
    "summarize": "summarize",
    "report": "report",
    "review": "review",
    "agreement": "agreement",
}

HELP = """Qualitative evidence from Danish municipal free-text notes.

\b
Turns exported notes (about young people's social and personal competences,
or citizens' input) into coded themes, links them to dropout and other
indicators, and writes evidence tables and a report a school leader can read.

\b
The whole job from a config file:
  kvalitativ run --config corpora/sample/kvalitativ.yaml

\b
Or stage by stage, each reading the previous stage's --out folder:
  kvalitativ ingest notes.csv --indicators indicators.csv --out out/
  kvalitativ code out/ --codebook ungekompetencer --out out/
  kvalitativ link --codings out/ --indicators indicators.csv --out out/
  kvalitativ summarize --codings out/ --link out/ --out out/
  kvalitativ report --tables out/ --out out/report.html

Run `kvalitativ COMMAND --help` for each command's options and an example.
"""


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = COMMANDS.get(name)
        if module_name is None:
            return None
        try:
            module = importlib.import_module(f"kvalitativ.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"kvalitativ.commands.{module_name}":
                return _unavailable(name)
            raise
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SHORT_HELP.get(name, "")) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


SHORT_HELP = {
    "run": "The whole pipeline from a config file (ingest → code → link → summarise → report).",
    "ingest": "Read a notes export (CSV/XLSX/JSONL/Parquet), redact it, account for every row.",
    "code": "Code notes into codebook themes (zero-shot, or supervised from human codes).",
    "evaluate": "Score codings against gold labels: precision, recall, F1, kappa.",
    "discover": "Find themes the codebook lacks (BERTopic), mapped to the codebook.",
    "tune": "Grid-search the discovery settings; recommends one by a stated rule.",
    "link": "Associate themes with dropout and other indicators (with honest uncertainty).",
    "summarize": "Evidence per theme and unit: headlines, trends, quotes, joint display.",
    "report": "Write the self-contained HTML report (or a one-unit brief).",
    "review": "Export notes for human coding and import the coded sheets.",
    "agreement": "Inter-coder reliability (kappa, alpha) between people and the model.",
}


def _unavailable(name: str) -> click.Command:
    @click.command(name=name, help=f"(not available in this installation: kvalitativ.commands.{name} is missing)")
    def missing() -> None:
        raise click.UsageError(f"the '{name}' command is not available in this installation.")

    return missing


@click.group(cls=LazyGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars; only errors and the final summary.")
@click.version_option(package_name="kvalitativ")
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool) -> None:
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["quiet"] = quiet


def _offline() -> None:
    """No downloads at run time: models come from installed packages only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    from kvalitativ.errors import KvalitativError

    _offline()
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="kvalitativ", standalone_mode=False)
    except KvalitativError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted; earlier outputs are left as they were.", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
