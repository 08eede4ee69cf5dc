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

COMMANDS = ("report", "demo")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    from .report import cli

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        argv.insert(0, "report")
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        args = argparse.Namespace(data=[], spec=None, out=Path(args.out), only=None,
                                  quiet=args.quiet)
    return cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
