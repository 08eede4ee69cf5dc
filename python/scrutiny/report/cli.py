"""``scrutiny report``: the command line of the performance report.

Exit status: 0 when at least one measure was analysed (problems with the others are listed
in the report's "data issues" section), 1 when nothing could be analysed, 2 for a command-line
mistake.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import _narrative as _n
from . import load_spec, output_folder, write_report


def add_arguments(parser: argparse.ArgumentParser, default_out: str) -> None:
    parser.add_argument("data", nargs="*", metavar="DATA",
                        help="data for the specification's sources: NAME=PATH, or just PATH when "
                             "the specification has one source read from files (a CSV or "
                             "Parquet file, or a folder or zip of data.police.uk files)")
    parser.add_argument("--spec", default=None, metavar="FILE",
                        help="measures specification (TOML, or YAML with PyYAML), or a bundled "
                             "one: 'default' (every priority measure on the bundled synthetic "
                             "data; the default) or 'policeuk' (recorded crime from "
                             "data.police.uk street files)")
    parser.add_argument("--out", "--output", dest="out", type=Path, default=Path(default_out),
                        metavar="DIR", help=f"folder for report.html, results.csv and "
                                            f"data_issues.csv (default: ./{default_out})")
    parser.add_argument("--measure", action="append", dest="only", metavar="NAME",
                        help="analyse only this measure (repeat for several)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress and no summary: print only the report's path")


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line a step otherwise."""

    def __init__(self, stream=None, width: int = 28):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int, name: str) -> None:
        total = max(total, 1)
        if self.tty:
            filled = round(self.width * done / total)
            bar = "#" * filled + "-" * (self.width - filled)
            text = f"\r[{bar}] {done}/{total} {name[:48]:<48}"
            self.stream.write(text)
            if done >= total:
                self.stream.write(f"\r[{'#' * self.width}] {total}/{total} done in "
                                  f"{time.perf_counter() - self.start:.1f} s{' ' * 40}\n")
        else:
            self.stream.write(f"[{done}/{total}] {name}\n")
        self.stream.flush()


def split_data(items, spec) -> dict:
    """``NAME=PATH`` pairs (or one bare PATH for the one file source) as {name: path}."""
    out = {}
    file_sources = [n for n, s in spec.sources.items() if "sample" not in s]
    for item in items:
        name, sep, path = item.partition("=")
        if sep and name and not Path(item).exists():
            out[name] = path
        elif len(file_sources) == 1:
            out[file_sources[0]] = item
        else:
            names = ", ".join(file_sources) or "none"
            raise ValueError(f"data {item!r}: say which source it is for, as NAME=PATH "
                             f"(sources read from files: {names})")
    return out


def run(args) -> int:
    try:
        output_folder(args.out)
        spec = load_spec(args.spec)
        data = split_data(args.data, spec)
    except (ValueError, TypeError) as exc:
        print(f"scrutiny report: {exc}", file=sys.stderr)
        return 2
    progress = None if args.quiet else Progress()
    try:
        report = write_report(spec, out=args.out, data=data, only=args.only, progress=progress)
    except (OSError, ValueError) as exc:   # e.g. the disk filled while writing
        print(f"scrutiny report: cannot write the report in {str(args.out)!r} ({exc})",
              file=sys.stderr)
        return 1
    if not args.quiet:
        for x in report.issues:
            print(f"  data issue: {x.measure}: {x.problem} ({x.consequence})", file=sys.stderr)
        print(f"{report.analysed} of {len(report.results)} measures analysed, "
              f"{_n.plural(len(report.issues), 'data issue')}; "
              f"tidy results in {report.csv.resolve()}", file=sys.stderr)
    print(report.html.resolve())
    if report.analysed == 0:
        print("scrutiny report: no measure could be analysed (see the data issues)",
              file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    """Entry point of the ``scrutiny-report`` style console script."""
    parser = argparse.ArgumentParser(prog="scrutiny report", description=__doc__.splitlines()[0])
    add_arguments(parser, "scrutiny-report")
    return run(parser.parse_args(argv))
