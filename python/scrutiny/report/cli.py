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
    parser.add_argument("--force", default=None, metavar="NAME",
                        help="data.police.uk files: the force to report on (as its records "
                             "name it, e.g. 'West Mercia'); needed when the files hold several")
    parser.add_argument("--areas", default=None, metavar="A,B,...",
                        help="data.police.uk files: the force's local authorities, separated "
                             "by commas (default: those holding 2%% of its records or more)")
    parser.add_argument("--title", default=None, help="the report's title")
    parser.add_argument("--quarters", choices=("calendar", "financial"), default=None,
                        help="quarters and years of the latest window ('quarter', 'year'): "
                             "calendar, or UK financial (April to March, '2024/25 Q3')")
    parser.add_argument("--pdf", action="store_true",
                        help="also print the report to report.pdf (A4, with Debian's chromium)")
    parser.add_argument("--similar-groups", dest="similar_groups", default=None, metavar="FILE",
                        help="a CSV of force and group (e.g. the Home Office's Most Similar "
                             "Groups): compare the force with its group")
    parser.add_argument("--as-at", dest="as_at", default=None, metavar="YYYY-MM",
                        help="the last month reported (later records are left out)")


class Progress:
    """Progress on stderr, steps counted from 1: a tqdm bar on a terminal, one line a step
    otherwise (logs of batch jobs)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.bar = None
        self.start = time.perf_counter()

    def __call__(self, step: int, steps: int, name: str) -> None:
        if not self.tty:
            self.stream.write(f"[{step}/{steps}] {name}\n")
            self.stream.flush()
            return
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=steps, file=self.stream, unit="step", leave=True,
                            bar_format="{n_fmt}/{total_fmt} |{bar:24}| {desc} [{elapsed}]")
        self.bar.set_description_str(name[:48])
        self.bar.update(step - self.bar.n)
        if step >= steps:
            self.bar.close()


def missing_paths(spec, data: dict) -> list[str]:
    """The files and folders named on the command line or by the sources the measures read
    that do not exist, each once."""
    from .sources import Sources

    sources = Sources(spec, overrides=data)
    used = dict.fromkeys(m.source for m in spec.measures)
    missing = []
    for name in used:
        path = sources.file_of(name)
        if path is not None and not path.exists() and str(path) not in missing:
            missing.append(str(path))
    return missing


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
        groups = getattr(args, "similar_groups", None)
        spec = load_spec(args.spec).with_settings(
            **{k: getattr(args, k, None) for k in ("force", "areas", "title", "as_at",
                                                   "quarters")},
            similar_groups=None if groups is None else str(Path(groups).expanduser().absolute()))
        data = split_data(args.data, spec)
        missing = missing_paths(spec, data)
    except (ValueError, TypeError) as exc:
        print(f"scrutiny report: {exc}", file=sys.stderr)
        return 2
    if missing:
        print(f"scrutiny report: no such file or folder: {', '.join(missing)}", file=sys.stderr)
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
            print(f"  {x.kind}: {x.measure}: {x.problem} ({x.consequence})", file=sys.stderr)
        notes = sum(x.note for x in report.issues)
        print(f"{report.analysed} of {len(report.results)} measures analysed, "
              f"{_n.plural(len(report.issues) - notes, 'data issue')}, "
              f"{_n.plural(notes, 'note')}; tidy results in {report.csv.resolve()}",
              file=sys.stderr)
    print(report.html.resolve())
    if getattr(args, "pdf", False):
        from .pdf import write_pdf

        try:
            print(write_pdf(report.html))
        except RuntimeError as exc:
            print(f"scrutiny report: {exc}", file=sys.stderr)
            return 1
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
