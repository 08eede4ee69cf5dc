"""Command line: ``scrutiny report`` (also ``python -m scrutiny``) writes the performance report.

``scrutiny report [DATA ...] [--spec FILE] [--out DIR] [--measure NAME] [--quiet]`` analyses
every measure of a specification (by default the bundled one, on the bundled synthetic data)
and writes ``report.html``, ``results.csv`` and ``data_issues.csv``; it prints the path of the
report.  ``scrutiny demo`` is the same on the bundled data only.  With no command, ``report``
is run.
"""
from __future__ import annotations

import argparse
import sys

COMMANDS = ("report", "demo", "screen")
OUTPUT = "scrutiny-output"


def build_parser() -> argparse.ArgumentParser:
    from .report import cli

    parser = argparse.ArgumentParser(prog="scrutiny",
                                     description="Statistics for police performance scrutiny.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = commands.add_parser(
        "report", help="write the performance report (HTML and a tidy CSV)",
        description="Analyse every measure of a specification (latest value against target, "
                    "change on last year, trend, SPC signals, areas that stand out) and write "
                    "a self-contained HTML report, a tidy CSV of every result and the data "
                    "issues.")
    cli.add_arguments(report, OUTPUT)
    demo = commands.add_parser("demo", help="the report on the bundled synthetic data",
                               description="The performance report on the bundled synthetic "
                                           "data (scrutiny report with the default "
                                           "specification).")
    demo.add_argument("--out", "--output", dest="out", default=OUTPUT, metavar="DIR",
                      help=f"folder for the report (default: ./{OUTPUT})")
    demo.add_argument("--quiet", action="store_true", help="print only the report's path")
    add_screen_arguments(commands.add_parser(
        "screen", help="screen every area and crime type (trends, change points, funnels)",
        description="From data.police.uk street files (a folder, zip or file) or a counts "
                    "table (CSV or Parquet), screen every force x area x crime type: latest "
                    "12 months, Mann-Kendall and Sen, a seasonal Poisson trend, change "
                    "points, q-values across the screen, funnel flags within each force; "
                    "written as screen.csv and screen.parquet."))
    return parser


def add_screen_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", metavar="PATH",
                        help="data.police.uk street files (folder, zip or file), or a counts "
                             "table (CSV or Parquet with falls_within, the area, crime_type, "
                             "month and count)")
    parser.add_argument("--out", "--output", dest="out", default="scrutiny-screen",
                        metavar="DIR", help="folder for screen.csv and screen.parquet "
                                            "(default: ./scrutiny-screen)")
    parser.add_argument("--area", choices=("lsoa", "local_authority", "force"), default="lsoa",
                        help="the areas screened (default: lsoa)")
    parser.add_argument("--start", default=None, metavar="YYYY-MM", help="first month read")
    parser.add_argument("--end", default=None, metavar="YYYY-MM", help="last month read")
    parser.add_argument("--no-changes", dest="changes", action="store_false",
                        help="skip the change points (the slowest step)")
    parser.add_argument("--scheduler", default="local", metavar="ADDRESS",
                        help="'local' (default: this process) or a Dask scheduler's address")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run_screen(args) -> int:
    """``scrutiny screen``: 0 when written, 2 for a path or data that cannot be screened."""
    from .screen import screen, write_screen

    try:
        table = screen(args.data, args.area, changes=args.changes, start=args.start,
                       end=args.end, scheduler=args.scheduler,
                       progress=not args.quiet and sys.stderr.isatty())
        paths = write_screen(table, args.out)
    except (OSError, ValueError, TypeError, ImportError) as exc:
        print(f"scrutiny screen: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    from .report import cli

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        argv.insert(0, "report")
    args = build_parser().parse_args(argv)
    if args.command == "screen":
        return run_screen(args)
    if args.command == "demo":
        args = argparse.Namespace(data=[], spec=None, out=Path(args.out), only=None,
                                  quiet=args.quiet)
    return cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
