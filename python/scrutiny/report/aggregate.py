"""From rows to the series a measure is analysed on: period x area totals.

For a proportion, ``x`` is the numerator and ``n`` the denominator; with survey weights they are
weighted sums, and ``w2`` = Σ(w·d)² gives Kish's effective sample size (see :func:`effective`).
For a rate, ``x`` is the count and ``n`` the exposure in person-years (residents × months / 12).
For a count, ``n`` is 1 per period.

The population of a rate is a column repeated on the rows it applies to, so each population
must count once a period, however many rows carry it.  Which rows share one population:

* the columns of the measure's ``population_by`` (e.g. ``population_by = "local_authority"``
  for records, or a table of local authority x crime type, whose population is that of the
  local authority): each combination's population counts once a period, and the force's is
  their sum;
* otherwise the measure's ``area``: each area's population counts once a period;
* otherwise, when the population does not vary within a period: it counts once (one
  population, e.g. the force's, repeated on every row);
* otherwise, when a text column names each row of a period once and recurs from period to
  period (a table of areas x periods): the rows' populations are summed.

Anything else (records each carrying the population of their area, with no area named) cannot
be told apart safely, so the measure is not analysed and the data issue asks for
``population_by``.  A population that varies within one of those groups is refused the same
way: it is never averaged or summed into a wrong denominator.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .. import _narrative as _n
from . import expr
from .issues import Issue, MeasureDataError

MONTHS = {"M": 1, "Q": 3}


@dataclasses.dataclass
class Table:
    """Totals per period (and area) of one measure."""

    force: object          # DataFrame indexed by period: x, n, rows (and w2)
    areas: object | None   # DataFrame indexed by (area, period), same columns; None without area
    freq: str              # "M" or "Q"
    periods: object        # PeriodIndex from the first to the last period, gaps included
    missing: list          # periods of that range with no data
    rows: object | None = None  # wait measures: the row-level frame (period, area, duration, event)
    population: str = ""   # rates: how the population was counted
    breaks: tuple = ()     # (first period after the break, why), oldest first
    since: object = None   # the first period analysed, after the last break (None: no break)

    def broken_text(self) -> str:
        """The last break in words: "January 2024 (13 months without data before it)"."""
        if not self.breaks:
            return ""
        period, why = self.breaks[-1]
        return f"{_n.period_text(period)}, {why}"


@dataclasses.dataclass(frozen=True)
class Prepared:
    """The rows of a measure after its filter: each row's period (``keep``: those with one),
    the frequency, and the columns every kind keeps (``period``, and ``area`` when named)."""

    period: object
    freq: str
    keep: object
    cols: dict


def tabulate(frame, m, issues: list) -> Table:
    """Filter, type and total the rows of ``frame`` for measure ``m`` (how they are totalled
    is the measure kind's :meth:`~.kinds.MeasureKind.table`), then keep the periods after the
    last break of the series (:func:`rebaseline`)."""
    _check_columns(frame, m)
    rows = _filtered(frame, m)
    table = m.measure_kind.table(rows, m, _prepare(rows, m, issues), issues)
    return rebaseline(table, m, frame.attrs.get("breaks", ()), issues)


def breaks_of(table: Table, m, source_breaks=()) -> list:
    """The breaks of a series: each run of more than ``m.max_gap`` periods without data, and
    the breaks its source names (e.g. new LSOA boundaries), as (first period after, why)."""
    found = {}
    run, missing = [], set(table.missing)
    for p in table.periods:
        if p in missing:
            run.append(p)
            continue
        if len(run) > m.max_gap:
            found[p] = (f"after {_n.plural(len(run), 'month' if table.freq == 'M' else 'quarter')}"
                        f" without data ({words_span(run)})")
        run = []
    for period, why in source_breaks:
        p = period.asfreq(table.freq) if hasattr(period, "asfreq") else period
        if table.periods[0] < p <= table.periods[-1]:
            found[p] = " and ".join(t for t in (found.get(p), why) if t)
    return sorted(found.items())


def words_span(periods) -> str:
    """A run of periods: "December 2022 to December 2023"."""
    first, last = _n.period_text(periods[0]), _n.period_text(periods[-1])
    return first if first == last else f"{first} to {last}"


def rebaseline(table: Table, m, source_breaks, issues: list) -> Table:
    """The table from its last break on (each break listed as an issue with its dates), or as
    it is without breaks."""
    import pandas as pd

    breaks = breaks_of(table, m, source_breaks)
    if not breaks:
        return table
    since = breaks[-1][0]
    for period, why in breaks:
        issues.append(Issue(m.name, f"the series is broken at {_n.period_text(period)}, {why}",
                            f"analysed from {_n.period_text(since)} on (re-baselined); the "
                            "periods before are left out of every figure"))
    periods = pd.period_range(since, table.periods[-1], freq=table.freq)
    force = table.force[table.force.index >= since]
    areas = table.areas
    if areas is not None:
        areas = areas[areas.index.get_level_values("period") >= since]
    rows = table.rows
    if rows is not None:
        rows = rows[(rows["period"] >= since).to_numpy(dtype=bool)]
    return dataclasses.replace(table, force=force, areas=areas, periods=periods, rows=rows,
                               missing=[p for p in table.missing if p >= since],
                               breaks=tuple(breaks), since=since)


def _check_columns(frame, m) -> None:
    missing = sorted(c for c in m.columns() if c not in frame.columns)
    if missing:
        raise MeasureDataError(
            f"no column {', '.join(repr(c) for c in missing)} in the data (columns: "
            f"{', '.join(map(str, frame.columns))})")


def _filtered(frame, m):
    """The rows that pass the measure's filter, then its area filter.  An area filter that
    keeps less than ``m.min_area_kept`` of the rows leaves the measure unreported: the rows
    are mostly elsewhere (e.g. the areas of another force), so any figure would mislead."""
    rows = _passing(frame, m.filter, "filter")
    if m.area_filter:
        kept = _passing(rows, m.area_filter, "area_filter")
        if len(kept) < m.min_area_kept * len(rows):
            raise MeasureDataError(
                f"the area filter {m.area_filter!r} keeps {_n.percent(len(kept) / len(rows))} "
                f"of the records ({len(kept):,} of {len(rows):,}); at least "
                f"{_n.percent(m.min_area_kept, 0)} must lie in the areas for a sound figure "
                "(choose the force's areas with --areas or areas = in the specification)")
        rows = kept
    return rows


def _passing(frame, text, what: str):
    """The rows of ``frame`` where the expression ``text`` holds (all rows without one)."""
    if not text:
        return frame
    try:
        keep = expr._truth(expr.evaluate(text, frame, what), text, what)
    except expr.ExpressionError as exc:
        raise MeasureDataError(str(exc)) from None
    rows = frame[np.asarray(keep, dtype=bool)]
    if rows.empty and what == "filter":
        raise MeasureDataError(f"no row passes the filter {text!r}")
    return rows


def _prepare(rows, m, issues) -> Prepared:
    """Each row's period and area (a row without an area counts in the force total only)."""
    period, freq = _periods(rows[m.period], m, issues)
    cols = {"period": period}
    if m.area:
        area = rows[m.area]
        bad_area = area.isna().to_numpy()
        if bad_area.any():
            issues.append(Issue(m.name, f"{rows_have(bad_area.sum())} no {m.area_label} "
                                f"(column {m.area!r})", "they count in the force total only"))
        cols["area"] = area.astype(str).where(~bad_area, None)
    keep = ~period.isna()
    if m.as_at is not None:
        keep &= ~(period.dt.start_time > m.as_at.start_time).fillna(False)
    return Prepared(period=period, freq=freq, keep=keep, cols=cols)


def totals_table(rows, m, kind, prepared: Prepared, issues: list) -> Table:
    """The totals of a kind whose rows carry a numerator and a denominator (proportions,
    rates, counts): the rows with a period and usable values, weighted, totalled by period
    (and area) by the kind."""
    import pandas as pd

    x, n = kind.read(rows, m, lambda text, what: _values(rows, text, what, m, issues))
    w = np.ones(len(rows)) if m.weight is None else _values(rows, m.weight, "weight", m, issues)
    ok = kind.screen(rows, m, x, n, _usable(rows, m, prepared, x, n, w, issues), issues)
    unit, how = kind.population(rows, m, prepared.period, prepared.freq, n, ok)
    cols = dict(prepared.cols, **({} if unit is None else {"unit": unit}))
    data = pd.DataFrame({k: _plain(v)[ok] for k, v in cols.items()})
    for name, values in kind.weighted(x, n, w, ok).items():
        data[name] = values
    data["rows"] = 1
    if data.empty:
        raise MeasureDataError("no usable rows")
    freq = prepared.freq
    force = kind.nonempty(_as_periods(kind.totals(data, ["period"], freq), freq))
    areas = None
    if m.area:
        areas = kind.nonempty(_as_periods(
            kind.totals(data[data["area"].notna()], ["area", "period"], freq), freq))
    periods = pd.period_range(force.index.min(), force.index.max(), freq=freq)
    absent = [p for p in periods if p not in force.index]
    return Table(force=force, areas=areas, freq=freq, periods=periods, missing=absent,
                 population=how)


def _usable(rows, m, prepared: Prepared, x, n, w, issues) -> np.ndarray:
    """The rows with a period and finite, non-negative values (the others are listed)."""
    no_period = (rows[m.period].isna()).to_numpy()
    if no_period.any():
        issues.append(Issue(m.name, f"{rows_have(no_period.sum())} no {m.period}",
                            "those rows are left out"))
    keep = prepared.keep.to_numpy()
    finite = np.isfinite(x) & np.isfinite(n) & np.isfinite(w)
    unusable = keep & ~finite
    if unusable.any():
        k = int(unusable.sum())
        issues.append(Issue(m.name, f"{k:,} of {len(rows):,} rows {'has' if k == 1 else 'have'} "
                            "a missing or unreadable value", "those rows are left out"))
    ok = keep & finite
    negative = ok & ((x < 0) | (n < 0) | (w < 0))
    if negative.any():
        issues.append(Issue(m.name, f"{rows_have(negative.sum())} a negative value",
                            "those rows are left out"))
    return ok & ~negative


def window_totals(frame, periods, cols=("x", "n", "w2", "rows")):
    """The totals of ``periods`` ({column: sum}) and how many of them have data."""
    part = frame.reindex(periods)
    present = int(part["x"].notna().sum())
    return {c: float(part[c].sum()) for c in cols if c in part.columns}, present


def rows_have(k) -> str:
    """'1 row has', '3 rows have'."""
    k = int(k)
    return f"{k:,} row has" if k == 1 else f"{k:,} rows have"


def _plain(values) -> np.ndarray:
    """A column as a NumPy array; periods as their integer ordinals (NaT as the minimum
    int64), which group far faster than Period objects."""
    import pandas as pd

    if isinstance(getattr(values, "dtype", None), pd.PeriodDtype):
        return np.asarray(values.array.asi8)
    return np.asarray(values)


def _as_periods(totals, freq: str):
    """Turn the ordinals of a totals index back into periods."""
    import pandas as pd

    def convert(ordinals):
        lookup = {o: pd.Period(ordinal=int(o), freq=freq) for o in pd.unique(ordinals)}
        return pd.PeriodIndex([lookup[o] for o in ordinals], freq=freq, name="period")

    if isinstance(totals.index, pd.MultiIndex):
        level = totals.index.names.index("period")
        totals.index = totals.index.set_levels(convert(totals.index.levels[level]), level=level)
    else:
        totals.index = convert(totals.index)
    return totals


def _periods(column, m, issues):
    """Period of each row, as a pandas PeriodIndex-like Series, and the frequency letter."""
    import pandas as pd

    want = m.freq
    dtype = column.dtype
    if isinstance(dtype, pd.PeriodDtype):
        name = str(dtype)  # "period[M]", "period[Q-DEC]", ...
        freq = name[7] if name[7:8] in ("M", "Q") else None
        if freq is None:
            raise MeasureDataError(f"period column {m.period!r} is {dtype}; monthly or "
                                   "quarterly periods are needed")
        values = column
        if want and want != freq:
            if want == "Q":
                values, freq = column.dt.asfreq("Q"), "Q"
            else:
                raise MeasureDataError(f"period column {m.period!r} is quarterly; monthly "
                                       "analysis (freq = 'M') is not possible")
        return values, freq
    freq = want or "M"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = column
    else:
        text = column.astype("string").str.strip()
        quarterly = text.str.fullmatch(r"\d{4}\s*-?\s*[Qq][1-4]").fillna(False).to_numpy(bool)
        stamps = pd.Series(pd.NaT, index=column.index, dtype="datetime64[ns]")
        if (~quarterly).any():
            stamps[~quarterly] = pd.to_datetime(text[~quarterly], errors="coerce", format="mixed")
        if quarterly.any():
            codes = text[quarterly].str.replace(r"[\s-]", "", regex=True).str.upper()
            first_day = {q: pd.Period(q, freq="Q").start_time for q in codes.unique()}
            stamps[quarterly] = codes.map(first_day).to_numpy()
            freq = "M" if want == "M" else "Q"
    bad = stamps.isna() & column.notna()
    if bad.any():
        shown = ", ".join(repr(v) for v in column[bad].astype(str).unique()[:3])
        issues.append(Issue(m.name, f"{rows_have(bad.sum())} a {m.period} that is not a date or "
                            f"month ({shown})", "those rows are left out"))
    periods = pd.Series(pd.PeriodIndex(pd.DatetimeIndex(stamps), freq=freq), index=column.index)
    return periods, freq


def _values(rows, text: str, what: str, m, issues) -> np.ndarray:
    """Per-row values of a column or expression: booleans as 0/1, numbers as they are."""
    import pandas as pd

    try:
        value = expr.evaluate(text, rows, what)
    except expr.ExpressionError as exc:
        raise MeasureDataError(str(exc)) from None
    if not isinstance(value, pd.Series):
        value = pd.Series(np.full(len(rows), value), index=rows.index)
    if value.dtype == bool or str(value.dtype) == "boolean":
        return value.astype("float64").to_numpy(na_value=np.nan)
    numeric = pd.to_numeric(value, errors="coerce")
    bad = numeric.isna() & value.notna()
    if bad.any():
        shown = ", ".join(repr(v) for v in value[bad].astype(str).unique()[:3])
        k = int(bad.sum())
        issues.append(Issue(m.name, f"{_n.plural(k, 'value')} of the {what} "
                            f"({text!r}) {_n.agree(k, 'is not a number', 'are not numbers')} "
                            f"({shown})", "those rows are left out"))
    return numeric.astype("float64").to_numpy(na_value=np.nan)


def sum_totals(data, keys):
    """The sums of ``x``, ``n``, ``w2`` and ``rows`` by ``keys``."""
    return data.groupby(keys, sort=True).agg(x=("x", "sum"), n=("n", "sum"),
                                             w2=("w2", "sum"), rows=("rows", "sum"))


def population_totals(data, keys, freq: str):
    """The counts by ``keys`` over person-years: each population once a period (the same on
    every row of a cell: checked), summed; the force's over its units, an area's over the
    units with rows in it."""
    cells = ["area", "unit", "period"] if "area" in keys else ["unit", "period"]
    population = data.groupby(cells, sort=True)["n"].first()
    population = population.groupby(level=keys, sort=True).sum()
    totals = data.groupby(keys, sort=True).agg(x=("x", "sum"), rows=("rows", "sum"))
    totals["n"] = population.reindex(totals.index).to_numpy() * MONTHS[freq] / 12.0
    return totals


def population_units(rows, m, period, freq: str, population, ok):
    """Which rows share one population: a code per row, and how it was decided (see the
    module docstring).  Raises MeasureDataError when it cannot be told or the population
    varies within a group."""
    import pandas as pd

    unit = "month" if freq == "M" else "quarter"
    pop = population[ok]
    when = _plain(period)[ok]
    by = list(m.population_by or ([m.area] if m.area else []))
    if by:
        codes = rows.groupby(by, dropna=False, sort=False).ngroup().to_numpy()
        varied = _varies(pop, [codes[ok], when])
        if varied is not None:
            example = ", ".join(f"{c} = {rows[c].to_numpy()[ok][varied]!r}" for c in by)
            raise MeasureDataError(
                f"the population ({m.denominator!r}) differs between rows of the same "
                f"{', '.join(repr(c) for c in by)} and {unit} (e.g. {example} in "
                f"{pd.Period(ordinal=int(when[varied]), freq=freq)}), so it is not one "
                "population per group: set population_by to the columns whose values each "
                "have one population (such as the areas the population counts)")
        return codes, f"the population of each {' x '.join(by)} counted once a {unit}"
    if _varies(pop, [when]) is None:
        return np.zeros(len(rows), dtype=np.int64), f"one population a {unit}"
    if _area_table(rows, m, when, ok):
        return np.arange(len(rows)), ("the populations of the rows summed (one row per area "
                                      f"and {unit})")
    hint = [c for c in _text_columns(rows, m)
            if _varies(pop, [rows[c].to_numpy()[ok], when]) is None][:3]
    raise MeasureDataError(
        f"the population ({m.denominator!r}) varies between rows of the same {unit} and no "
        "column names one area per row, so which rows share one population cannot be told: "
        "set population_by to the column of the areas the population counts"
        + (f" (e.g. population_by = {hint[0]!r}; the population does not vary within "
           f"{', '.join(repr(c) for c in hint)})" if hint else ""))


def _varies(values, keys):
    """The first row (position) of a group of ``keys`` in which ``values`` are not all equal
    (to 1e-9 relative), or None."""
    import pandas as pd

    frame = pd.DataFrame({f"k{i}": np.asarray(k) for i, k in enumerate(keys)})
    frame["v"] = np.asarray(values, dtype=float)
    group = frame.groupby([f"k{i}" for i in range(len(keys))], dropna=False, sort=False)["v"]
    low, high = group.transform("min"), group.transform("max")
    bad = (high - low) > 1e-9 * np.maximum(np.abs(high), 1.0)
    return int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else None


def _text_columns(rows, m) -> list:
    """Columns that may name areas: text or categories, not the period."""
    import pandas as pd

    return [c for c in rows.columns if c != m.period
            and not pd.api.types.is_numeric_dtype(rows[c])
            and not pd.api.types.is_datetime64_any_dtype(rows[c])
            and not isinstance(rows[c].dtype, pd.PeriodDtype)]


def _area_table(rows, m, when, ok) -> bool:
    """Whether a text column names each row of a period once, and its values recur from
    period to period (areas, not record identifiers)."""
    import pandas as pd

    for c in _text_columns(rows, m):
        names = pd.Series(rows[c].to_numpy()[ok])
        if names.isna().any() or names.nunique() < 2:
            continue
        pairs = pd.DataFrame({"c": names, "p": when})
        if not pairs.duplicated().any() and len(pairs) >= 2 * names.nunique():
            return True
    return False


def effective(x, n, w2, weighted: bool):
    """Whole-number counts for the binomial methods: Kish's effective sample size
    n_eff = (Σw)²/Σw² with the weighted proportion, x_eff = n_eff·x/n (rounded), when the
    data are weighted; the counts themselves (rounded) otherwise."""
    x, n, w2 = (np.asarray(v, dtype=float) for v in (x, n, w2))
    if weighted:
        n_eff = np.where(w2 > 0, n ** 2 / np.where(w2 > 0, w2, 1.0), 0.0)
        share = np.where(n > 0, x / np.where(n > 0, n, 1.0), 0.0)
        n_r = np.rint(n_eff)
        return np.rint(share * n_r), n_r
    return np.rint(x), np.rint(n)


def wait_table(rows, m, prepared: Prepared, issues) -> Table:
    """The rows of a wait (period, area, duration, event), with the cases a period."""
    import pandas as pd

    cols, keep, freq = prepared.cols, prepared.keep, prepared.freq
    duration = pd.to_numeric(rows[m.duration], errors="coerce").to_numpy(dtype=float,
                                                                           na_value=np.nan)
    still_open = rows[m.open]
    if still_open.dtype != bool:
        still_open = still_open.astype("string").str.lower().isin(["true", "1", "yes"])
    ok = keep.to_numpy() & np.isfinite(duration) & (duration >= 0)
    if (~ok).sum():
        issues.append(Issue(m.name, f"{rows_have((~ok).sum())} a missing, negative or "
                            f"unreadable {m.duration} or {m.period}", "those rows are left out"))
    data = pd.DataFrame({k: np.asarray(v)[ok] for k, v in cols.items()})
    data["duration"] = duration[ok]
    data["event"] = ~still_open.to_numpy(dtype=bool)[ok]
    if data.empty:
        raise MeasureDataError("no usable rows")
    force = data.groupby("period").agg(x=("event", "sum"), n=("event", "size"))
    periods = pd.period_range(force.index.min(), force.index.max(), freq=freq)
    absent = [p for p in periods if p not in force.index]
    return Table(force=force, areas=None, freq=freq, periods=periods, missing=absent, rows=data)
