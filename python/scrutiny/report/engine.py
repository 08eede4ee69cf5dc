"""The analysis of one measure: latest value against target, change on last year, trend, SPC
signals and the areas that stand out.

The engine sequences the steps; each returns its own part of the :class:`MeasureResult` and
what differs between kinds of measure is asked of the measure's kind (:mod:`.kinds`).  Every
step runs on its own: a step that cannot be done (too few periods, no area column, no data a
year earlier) is reported as a data issue and the other steps go on.
"""
from __future__ import annotations

import time

from .. import _narrative as _n
from . import aggregate, areas, similar, steps
from .issues import Issue, MeasureDataError, SourceError
from .result import Change, Journal, Latest, MeasureResult

__all__ = ["analyse", "MeasureResult"]

_NO_VALUE = Latest(value=float("nan"), lower=float("nan"), upper=float("nan"))


def analyse(m, sources, levels, issues: list, groups=None, force=None) -> MeasureResult:
    """Run every analysis of measure ``m``; problems go to ``issues``.  A measure whose source
    holds several forces is analysed on the rows of ``force`` and compared with its most
    similar group of ``groups`` (:mod:`.similar`)."""
    start = time.perf_counter()
    out = Journal(m)
    parts: dict = {}
    ok, error = False, ""
    try:
        frame = own = sources.get(m.source)
        column = similar.force_column(m, frame)
        if column is not None:
            own, force = similar.own_rows(frame, column, force)
        table = aggregate.tabulate(own, m, issues)
        _note_missing(m, table, issues)
        _run_steps(m, table, levels, out, issues, parts)
        if column is not None:
            parts["similar"] = steps.run(issues, m.name, "comparison with the most similar "
                                         "group", similar.analyse, m, frame, column, force,
                                         groups, parts.get("span"), out, levels, issues)
        ok = True
    except (SourceError, MeasureDataError) as exc:
        error = str(exc)
        issues.append(Issue(m.name, error, "measure not analysed"))
    except Exception as exc:  # one measure's failure must not stop the report
        error = f"{type(exc).__name__}: {exc}"
        issues.append(Issue(m.name, f"the analysis failed ({error})", "measure not analysed"))
    return MeasureResult(measure=m, ok=ok, error=error, **parts,
                         findings=tuple(out.findings), rows=tuple(out.rows),
                         methods=frozenset(out.methods), seconds=time.perf_counter() - start)


def _note_missing(m, table, issues: list) -> None:
    if table.missing:
        shown = ", ".join(_n.period_text(p, short=True) for p in table.missing[:6])
        more = f" and {len(table.missing) - 6} more" if len(table.missing) > 6 else ""
        issues.append(Issue(m.name, f"{_n.plural(len(table.missing), 'period')} missing "
                            f"from the series ({shown}{more})",
                            "charted as gaps; no run or trend joins across them"))


def _run_steps(m, table, levels, out, issues: list, parts: dict) -> None:
    """The steps of one measure, in the order of its findings; each part goes to ``parts``
    as soon as it is known."""
    kind = m.measure_kind

    def run(what, func, *args):
        return steps.run(issues, m.name, what, func, *args)

    span = parts["span"] = steps.window(m, table, issues)
    latest = parts["latest"] = run("latest value", kind.latest, m, table, span, out, issues)
    if m.target is not None:
        parts["target_verdict"] = run("test against the target", kind.target_test, m, table,
                                      span, latest or _NO_VALUE, out)
    else:
        out.finding("Target", "No target is set for this measure.")
    parts["change"] = _change(m, table, span, out, issues, run)
    change = parts["change"]
    parts["survival"] = (change.survival if change is not None and change.survival is not None
                         else getattr(latest, "survival", None))
    view = kind.series_view(m, table)
    if view is None:
        return
    series_m, series = view
    parts["glance"] = run("latest month and quarter", steps.glance, series_m, series)
    parts["trend"] = run("trend", steps.trend, series_m, series, out)
    parts["control"] = run("SPC chart", steps.control, series_m, series, out, issues)
    if series.areas is not None:
        area_span = span if series is table else steps.window(series_m, series, [])
        parts["areas"] = run("areas", areas.analyse, series_m, series, area_span, out, levels,
                             issues)


def _change(m, table, span, out, issues: list, run) -> Change:
    """The change on last year: not assessed when a year earlier lies before the series' last
    break, or when too few periods have data in both years."""
    if table.since is not None and span.previous[-1] < table.since:
        out.finding("Change on last year", f"Not assessed: the series is broken at "
                    f"{table.broken_text()}, and a year earlier lies before the break.")
        return Change(verdict=steps.NOT_ASSESSED)
    compared = steps.compare_years(m, table.force.index, span, out, issues)
    if compared is None:
        return Change(verdict=steps.NOT_ASSESSED)
    return run("change on last year", m.measure_kind.change_test, m, table, compared, span, out)
