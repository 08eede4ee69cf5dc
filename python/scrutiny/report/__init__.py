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

from .. import _validation as _v
from . import charts, engine, html, overview, similar
from .issues import Issue
from .sources import Sources
from .spec import Measure, Spec, load_spec

__all__ = ["write_report", "load_spec", "Report", "Spec", "Measure", "Issue"]


FILES = {"html": "report.html", "csv": "results.csv", "issues_csv": "data_issues.csv"}


@dataclasses.dataclass(frozen=True)
class Report:
    """What :func:`write_report` wrote to ``folder``: the measure results, every ``issues``
    entry and how long it took.

    :meth:`overview` gives the overview table as data, :meth:`result` one measure's results
    and :meth:`charts` its charts as PNG images.

    Attributes
    ----------
    folder : pathlib.Path
        The folder the report was written to.
    results : tuple of MeasureResult
        One per measure, in the order of the specification
        (:class:`scrutiny.report.result.MeasureResult`).
    issues : tuple of Issue
        The data issues, as listed in the report.
    seconds : float
        How long the report took.
    html, csv, issues_csv : pathlib.Path
        The paths of ``report.html``, ``results.csv`` and ``data_issues.csv``.
    analysed : int
        How many measures could be analysed.

    Examples
    --------
    >>> report = write_report(out="scrutiny-output")          # doctest: +SKIP
    >>> report.overview()[["measure", "latest value", "trend"]]  # doctest: +SKIP
    >>> report.charts("Domestic-abuse arrest rate").keys()     # doctest: +SKIP
    dict_keys(['SPC chart', 'Trend', 'Funnel plot by area'])
    """

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

    def overview(self):
        """The overview table of the report, one row per measure (the HTML page's overview
        is drawn from it).

        Returns
        -------
        pandas.DataFrame
            Columns: ``measure``, ``kind``, ``latest period`` (with how many periods have
            data when not all), ``periods with data``, ``periods in window``, ``latest
            value`` (in words and units), ``value``, ``lower``, ``upper`` (the estimate and
            its 95% CI: a proportion, a rate per ``per``, a count, or a median wait in days),
            ``latest month``, ``month value``, ``latest quarter`` and ``quarter value`` (the
            last month and last whole quarter, named with their value beside a year
            earlier's, e.g. "Mar 2025: 33.5% (Mar 2024: 34.6%)", and the value),
            ``target`` (in words), ``against target``, ``change on last year`` (the verdicts:
            e.g. "better", "not significantly different", "not assessed"), ``change`` (its
            size, e.g. "-3.2%"), ``trend``, ``variation`` and ``variation side`` (SPC, Making
            Data Count; "high" or "low" for special cause), ``assurance``, ``areas outside
            limits`` and ``areas compared`` (funnel plot).  Missing where not applicable or
            not analysed.
        """
        return overview.frame(self.results)

    def result(self, name: str):
        """The results of measure ``name``: findings, values, SPC, funnel, the tidy rows...

        Raises
        ------
        TypeError
            If ``name`` is not a string.
        ValueError
            If no measure of the report has that name (the message lists them).
        """
        if not isinstance(name, str):
            raise TypeError(f"name must be a measure name (got {type(name).__name__})")
        for res in self.results:
            if res.measure.name == name:
                return res
        names = ", ".join(repr(r.measure.name) for r in self.results) or "none"
        raise ValueError(f"name: no measure {name!r} in this report (measures: {names})")

    def charts(self, name: str) -> dict:
        """The charts of measure ``name`` as PNG images: {title: PNG bytes}, in the order of
        the page ("SPC chart", "Trend", "Waiting times", "Funnel plot by ...", "Funnel plot of
        the most similar group (...)")."""
        import base64

        res = self.result(name)
        figures = res.figures + ((res.similar.figure,) if res.similar is not None
                                 and res.similar.figure is not None else ())
        return {title: base64.b64decode(uri.split(",", 1)[1]) for title, uri, _ in figures}


def _check_arguments(data, frames, only, progress) -> None:
    import os

    import pandas as pd

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
    if only is not None:
        _v.strings(only, "only", "measure names")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable (got {type(progress).__name__})")


def _groups(spec, sources, issues: list):
    """The most similar groups named by the specification (None when none or unreadable)."""
    from .issues import SourceError

    if spec.similar_groups is None:
        return None
    try:
        path = sources._path(spec.similar_groups)
    except SourceError as exc:
        issues.append(Issue(similar.WHERE, str(exc), "no comparison with the most similar "
                            "group"))
        return None
    return similar.read_groups(path, issues)


def _similar_chart(res, issues: list):
    """The comparison with the most similar group with its funnel chart (when it has one)."""
    sim = res.similar
    if sim is None or sim.funnel is None:
        return sim
    try:
        return dataclasses.replace(sim, figure=similar.chart(sim, res.measure))
    except Exception as exc:  # the numbers remain in the report and the CSV
        issues.append(Issue(res.measure.name, f"the funnel plot of the most similar group "
                            f"could not be drawn ({exc})", "chart left out"))
        return sim


def output_folder(out) -> Path:
    """The folder ``out``, created if needed, checked to take the report's files before any
    work is done.

    Raises
    ------
    TypeError
        If ``out`` is not a path.
    ValueError
        If ``out`` is a file, cannot be created, is not writable, or holds a folder where a
        file of the report goes.
    """
    import os

    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder name (got {type(out).__name__})")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"out: {str(folder)!r} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"out: cannot create the folder {str(folder)!r} "
                         f"({exc.strerror or exc})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"out: cannot write in the folder {str(folder)!r}")
    for name in FILES.values():
        if (folder / name).is_dir():
            raise ValueError(f"out: {str(folder / name)!r} is a folder, so the report's "
                             f"{name} cannot be written")
    return folder


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
        Called as ``progress(step, steps, name)`` at the start of each step, counting from 1:
        one step per measure, then writing the report.

    Returns
    -------
    Report

    Raises
    ------
    TypeError
        If an argument has the wrong type (the message names it).
    ValueError
        If ``spec`` cannot be read as a specification, or ``out`` cannot take the report's
        files (a file, or a folder that cannot be created or written in; checked before any
        work).  Problems within the specification or the data never raise: they are listed
        in the report's "data issues" section and ``issues``.

    Examples
    --------
    >>> from scrutiny.report import write_report
    >>> report = write_report(out="scrutiny-output")          # doctest: +SKIP
    >>> report.html                                          # doctest: +SKIP
    PosixPath('scrutiny-output/report.html')
    """
    import pandas as pd

    start = time.perf_counter()
    _check_arguments(data, frames, only, progress)
    folder = output_folder(out)
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
    groups = _groups(spec, sources, issues)
    results = []
    for i, m in enumerate(measures):
        if progress is not None:
            progress(i + 1, len(measures) + 1, m.name)
        res = engine.analyse(m, sources, spec.levels, issues, groups=groups,
                             force=spec.force or sources.force())
        if res.ok:
            res = dataclasses.replace(res, figures=tuple(charts.charts(res, issues)),
                                      similar=_similar_chart(res, issues))
        results.append(res)
    if groups is not None and not any(r.similar for r in results) and \
            not any("most similar" in x.consequence for x in issues):
        issues.append(Issue(similar.WHERE, "no measure compares forces (a measure does when "
                            "its source holds several forces: see similar = in the "
                            "specification)", "no comparison with the most similar group",
                            note=True))
    if progress is not None:
        progress(len(measures) + 1, len(measures) + 1, "writing the report")
    issues[len(spec.issues):len(spec.issues)] = sources.issues
    spec = spec.for_force(sources.force())
    columns = ["measure", "kind", "area", "analysis", "quantity", "period", "value", "lower",
               "upper", "unit", "pvalue", "flag", "method", "note"]
    pd.DataFrame([row for r in results for row in r.rows], columns=columns).to_csv(
        folder / FILES["csv"], index=False)
    pd.DataFrame([dict(dataclasses.asdict(x), note=x.kind) for x in issues],
                 columns=["measure", "note", "problem", "consequence"]).rename(
        columns={"note": "type"}).to_csv(
        folder / FILES["issues_csv"], index=False)
    (folder / FILES["html"]).write_text(
        html.page(spec, results, overview.frame(results), issues, sources.described,
                  time.perf_counter() - start),
        encoding="utf-8")
    return Report(folder=folder, results=tuple(results), issues=tuple(issues),
                  seconds=time.perf_counter() - start)
