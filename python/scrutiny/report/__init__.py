"""The performance report: every measure of a specification analysed, in one HTML page and a
tidy CSV.

For each measure: the latest value against its target, the change on the same period a year
earlier, the trend, the SPC signals (Making Data Count variation and assurance) and the areas
that stand out of a funnel plot, each in careful plain English.  Problems in the specification
or the data never stop the report: they are listed in its "data issues" section.

Command line: ``scrutiny report`` (or ``python -m scrutiny report``); see :mod:`.cli`.
"""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from .spec import Issue, Measure, Spec, load_spec

__all__ = ["write_report", "load_spec", "Report", "Spec", "Measure", "Issue"]


FILES = {"html": "report.html", "csv": "results.csv", "issues_csv": "data_issues.csv"}


@dataclasses.dataclass(frozen=True)
class Report:
    """What :func:`write_report` wrote to ``folder``: the measure results, every ``issues``
    entry and how long it took; ``html``, ``csv`` and ``issues_csv`` are the paths of its
    files and ``analysed`` how many measures could be analysed."""

    folder: Path
    results: tuple
    issues: tuple
    seconds: float

    html = property(lambda self: self.folder / FILES["html"])
    csv = property(lambda self: self.folder / FILES["csv"])
    issues_csv = property(lambda self: self.folder / FILES["issues_csv"])
    analysed = property(lambda self: sum(r.ok for r in self.results))

    def __repr__(self) -> str:
        return (f"Report(html={str(self.html)!r}, analysed={self.analysed} of "
                f"{len(self.results)}, issues={len(self.issues)})")


def _check_arguments(out, data, frames, only, progress) -> None:
    import os

    import pandas as pd

    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder name (got {type(out).__name__})")
    for name, value, kind, what in (("data", data, (str, os.PathLike), "a path"),
                                    ("frames", frames, pd.DataFrame, "a DataFrame")):
        if value is None:
            continue
        if not isinstance(value, dict):
            raise TypeError(f"{name} must be a dict of source name -> {what} "
                            f"(got {type(value).__name__})")
        for key, item in value.items():
            if not isinstance(item, kind):
                raise TypeError(f"{name}[{key!r}] must be {what} (got {type(item).__name__})")
    if only is not None and (isinstance(only, str) or not all(isinstance(n, str) for n in only)):
        raise TypeError("only must be a list of measure names")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable (got {type(progress).__name__})")


def write_report(spec=None, out="scrutiny-report", data=None, frames=None, only=None,
                 progress=None) -> Report:
    """Analyse every measure of a specification; write ``report.html`` and ``results.csv``.

    Parameters
    ----------
    spec : str, path, dict or Spec, optional
        The measures specification (see :func:`load_spec`); default: the bundled
        specification of every priority measure on the bundled synthetic data.
    out : str or path
        Folder for ``report.html``, ``results.csv`` (one row per result: measure, area,
        analysis, quantity, period, value, lower, upper, pvalue, flag, method, note) and
        ``data_issues.csv``; created if needed.
    data : dict, optional
        ``{source name: path}``: files or folders read in place of the specification's.
    frames : dict, optional
        ``{source name: DataFrame}``: data already loaded (never modified).
    only : sequence of str, optional
        Analyse only these measures (an unknown name is listed as a data issue).
    progress : callable, optional
        Called as ``progress(done, total, name)`` before each measure and once at the end.

    Returns
    -------
    Report

    Raises
    ------
    TypeError
        If an argument has the wrong type (the message names it).
    ValueError
        If ``spec`` cannot be read as a specification.  Problems within it or within the data
        never raise: they are listed in the report's "data issues" section and ``issues``.

    Examples
    --------
    >>> from scrutiny.report import write_report
    >>> report = write_report(out="scrutiny-output")          # doctest: +SKIP
    >>> report.html                                          # doctest: +SKIP
    PosixPath('scrutiny-output/report.html')
    """
    import pandas as pd

    from . import charts, engine, html
    from .sources import Sources

    start = time.perf_counter()
    _check_arguments(out, data, frames, only, progress)
    spec = spec if isinstance(spec, Spec) else load_spec(spec)
    issues = list(spec.issues)
    measures = list(spec.measures)
    if only is not None:
        names = [m.name for m in measures]
        for name in only:
            if name not in names:
                issues.append(Issue(str(name), "no measure of this name in the specification "
                                    f"({', '.join(names)})", "nothing analysed for it"))
        measures = [m for m in measures if m.name in set(only)]
    sources = Sources(spec, overrides=data, frames=frames)
    results = []
    for i, m in enumerate(measures):
        if progress is not None:
            progress(i, len(measures), m.name)
        res = engine.analyse(m, sources, spec.levels, issues)
        if res.ok:
            res.figures = charts.charts(res, issues)
        results.append(res)
    if progress is not None:
        progress(len(measures), len(measures), "writing the report")
    issues[len(spec.issues):len(spec.issues)] = sources.issues
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    columns = ["measure", "kind", "area", "analysis", "quantity", "period", "value", "lower",
               "upper", "pvalue", "flag", "method", "note"]
    pd.DataFrame([row for r in results for row in r.rows], columns=columns).to_csv(
        folder / FILES["csv"], index=False)
    pd.DataFrame([dataclasses.asdict(x) for x in issues],
                 columns=["measure", "problem", "consequence"]).to_csv(
        folder / FILES["issues_csv"], index=False)
    (folder / FILES["html"]).write_text(
        html.page(spec, results, issues, sources.described, time.perf_counter() - start),
        encoding="utf-8")
    return Report(folder=folder, results=tuple(results), issues=tuple(issues),
                  seconds=time.perf_counter() - start)
