"""Change points: where did the level of a series shift?

``changepoints`` segments a series by exact PELT (pruned exact linear time) with the costs and
penalties of R's changepoint package (``cpt.mean`` / ``cpt.meanvar`` with ``method = "PELT"``),
for one series or every row of a 2-D array in one call to the C core, in parallel over series.
A Series or DataFrame with a DatetimeIndex or PeriodIndex (one series per column) dates the
change points, and a tidy table takes ``(df, value=..., time=..., by=[...])``.
"""
from __future__ import annotations

import dataclasses
import numbers

import numpy as np

from . import _batch, _core, _frames
from . import distributed
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import Result
from ._timeaxis import time_axis

__all__ = ["changepoints", "ChangepointResult"]

_PENALTIES = tuple(p for p in _o.PENALTY.names if p != "manual")
# Counts whose noise variance exceeds this are far from the unit variance the "normal-mean"
# cost assumes (as R's cpt.mean): it then takes noise for shifts and finds too many changes.
_UNIT_VARIANCE_LIMIT = 2.0


def _count_noise(mat: np.ndarray) -> np.ndarray:
    """Per series (row), the noise variance of a series of counts, from the mean absolute
    successive difference (little moved by a few shifts in level): for normal noise of standard
    deviation s, E|y[t+1] - y[t]| = 2 s / sqrt(pi); NaN where the observed values are not all
    whole and >= 0.  Differences across a missing value are left out."""
    first = mat[:, 0]
    rows = np.flatnonzero((first >= 0) & (first == np.floor(first)) | np.isnan(first))
    out = np.full(mat.shape[0], np.nan)
    if rows.size == 0:                     # a first value that is not a count settles a row
        return out
    a = mat if rows.size == mat.shape[0] else mat[rows]
    missing = np.isnan(a)
    some = bool(missing.any())
    whole = (a == np.floor(a)) & (a >= 0)
    d = np.abs(np.diff(a, axis=1))
    if some:
        whole |= missing
        seen = ~np.isnan(d)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(seen, d, 0.0).sum(axis=1) / seen.sum(axis=1)
    else:
        mean = d.mean(axis=1)
    out[rows] = np.where(whole.all(axis=1), np.pi / 4.0 * mean ** 2, np.nan)
    return out


def _unit_variance_text(variance: float) -> str:
    """Why the normal-mean cost does not suit these counts, and what does."""
    return (f"these counts vary with a noise variance of about {_n.number(variance, 2)}, not "
            f"the 1 that the normal-mean cost assumes, so it takes noise for shifts and finds "
            f"too many change points; cost='poisson', or y divided by its noise standard "
            f"deviation, suits them")


def _row_status(size: int) -> _batch.RowStatus:
    """The row statuses of the C core, in the order of sc_cpt_row_status
    (csrc/core/sc_changepoint.h)."""
    return _batch.RowStatus(
        ("ok", "too short", "missing values"),
        {1: (ValueError, f"too short (fewer than {2 * size} values)"),
         2: (ValueError, "missing values (nan_policy='propagate')")}, failed="segmented")


@dataclasses.dataclass(frozen=True, repr=False)
class ChangepointResult(Result):
    """Segments of one or more series (see :func:`changepoints`); ``to_frame()`` has one row
    per segment: ``series`` (or the series' labels, e.g. the ``by`` columns), ``segment``,
    ``start``, ``end`` (0-based, inclusive), with a time axis ``start_time`` and ``end_time``,
    and ``mean``.

    Attributes
    ----------
    locations : numpy.ndarray
        The 0-based index of the last point of every segment but the final one (with a time
        axis: its time as given, a Timestamp or Period): an array for one series, an object
        array of arrays (one per series) for several.
    positions : numpy.ndarray
        The 0-based indexes of ``locations``, with or without a time axis, shaped as it.
    segment_means : numpy.ndarray
        The mean of every segment, shaped as ``locations``.
    objective : float or numpy.ndarray
        The minimised penalised cost, per series.
    n_changes : int, float or numpy.ndarray
        The number of change points (NaN where the series was not segmented), per series.
    penalty : float or numpy.ndarray
        The penalty per change used, per series.
    cost : str
        ``"normal-mean"``, ``"normal-meanvar"`` or ``"poisson"``.
    min_size : int
        The shortest segment allowed.
    status : str or numpy.ndarray
        ``"ok"`` or why the series was not segmented, per series.
    method : str
        The search and the penalty.
    labels : pandas.Index or None
        The series' names (a DataFrame's columns; the ``by`` groups of a tidy table).
    times : pandas.Index or None
        The observations' times as given (hidden: for charts and narratives).
    """

    locations: np.ndarray = _r.series(frame=False)
    positions: np.ndarray = _r.series(frame=False)
    segment_means: np.ndarray = _r.series(frame=False)
    objective: float | np.ndarray = _r.series()
    n_changes: int | float | np.ndarray = _r.series()
    penalty: float | np.ndarray = _r.series()
    cost: str = _r.scalar()
    min_size: int = _r.scalar()
    status: str | np.ndarray = _r.series()
    method: str = _r.scalar()
    _y: np.ndarray | None = _r.hidden(default=None)
    labels: object = _r.label(default=None)
    times: object = _r.hidden(default=None)

    def _segments(self):
        """Per series, the (start, end) positions of its segments (0-based, inclusive) and
        their means."""
        single = np.ndim(self.objective) == 0
        locs = [self.positions] if single else list(self.positions)
        means = [self.segment_means] if single else list(self.segment_means)
        n = self._y.shape[-1]
        for loc, mean in zip(locs, means):
            ends = np.append(loc, n - 1).astype(np.int64)
            yield np.concatenate([[0], ends[:-1] + 1]).astype(np.int64), ends, mean

    def _series_columns(self, r: int) -> dict:
        """The columns naming series ``r``: its labels (one per ``by`` column) or position."""
        import pandas as pd

        if self.labels is None:
            return {"series": r}
        if isinstance(self.labels, pd.MultiIndex):
            return dict(zip(self.labels.names, self.labels[r]))
        return {self.labels.name or "series": self.labels[r]}

    def to_frame(self):
        """One row per segment: series (or its labels), segment, start, end (0-based,
        inclusive), start_time and end_time (with a time axis), mean."""
        import pandas as pd

        rows = []
        for r, (starts, ends, mean) in enumerate(self._segments()):
            name = self._series_columns(r)
            for s, (a, b, m) in enumerate(zip(starts, ends, mean)):
                row = {**name, "segment": s, "start": int(a), "end": int(b)}
                if self.times is not None:
                    row.update(start_time=self.times[a], end_time=self.times[b])
                rows.append({**row, "mean": float(m)})
        columns = [*(self._series_columns(0) if rows else {"series": 0}), "segment", "start",
                   "end", *(("start_time", "end_time") if self.times is not None else ()),
                   "mean"]
        return pd.DataFrame(rows, columns=columns)

    def narrative(self, labels=None, measure: str | None = None, time=None) -> str | list[str]:
        """Where the level shifted, with the segment means, e.g. "1 change point, after point 5
        (PELT, normal-mean cost, bic penalty): segment means 2.00 and 5.06. ..."; with a time
        axis "after March 2024 (...): segment means 2.00 (January 2024 to March 2024) and
        5.06 (April 2024 to August 2024)"; for several series a list with one entry each
        (named by ``labels``, default the result's).  ``time`` names the points (default: the
        result's times).

        The segmentation minimises a penalised cost: it is not a significance test, and the
        narrative says so.

        Examples
        --------
        >>> from scrutiny.segmentation import changepoints
        >>> y = [2.2, 1.6, 2.1, 2.3, 1.8, 5.1, 4.8, 5.3, 4.9, 5.2]
        >>> print(changepoints(y, penalty="bic").narrative())  # doctest: +NORMALIZE_WHITESPACE
        1 change point, after point 5 (PELT, normal-mean cost, bic penalty): segment means 2.00 and
        5.06. A change point marks where the level most plausibly shifted given the penalty; it is
        not a significance test, and it does not say what caused the shift.
        """
        labels = self.labels if labels is None else labels
        axis = time_axis(self.times, "times") if time is None and self.times is not None else None
        time = axis if axis is not None else time
        scalar = np.ndim(self.objective) == 0
        k = 1 if scalar else len(self.status)
        segments = list(self._segments())
        status = _n.flat(self.status, k)
        how = self.method.split(", as ")[0].replace(" (", ", ").rstrip(")")
        of = f" in {measure}" if measure else ""
        noise = (_count_noise(self._y) if self.cost == "normal-mean" and self._y is not None
                 else np.full(k, np.nan))
        lines = []
        for i, name in enumerate(_n.names(labels, k, "Series", scalar)):
            if status[i] != "ok":
                lines.append(_n.prefix(name, f"not segmented ({status[i]})."))
                continue
            starts, ends, m = segments[i]
            m = np.asarray(m, dtype=float)
            fmt = _n.matched(float(np.max(np.abs(m))))
            locs = ends[:-1]
            if len(locs) == 0:
                text = (f"no change point{of} ({how}): no evidence of a shift in level large "
                        f"enough to outweigh the penalty; the mean is {fmt(m[0])}.")
            else:
                after = _n.listing(_n.when(j, time) for j in locs)
                spans = ([f" ({axis.text(a)} to {axis.text(b)})" for a, b in zip(starts, ends)]
                         if axis is not None else [""] * len(m))
                text = (f"{_n.plural(len(locs), 'change point')}{of}, after {after} ({how}): "
                        f"segment means {_n.listing(fmt(v) + w for v, w in zip(m, spans))}. A "
                        "change point marks where the level most plausibly shifted given the "
                        "penalty; it is not a significance test, and it does not say what "
                        "caused the shift.")
            if noise[i] > _UNIT_VARIANCE_LIMIT:
                text += f" {_n.capital(_unit_variance_text(noise[i]))}."
            lines.append(_n.prefix(name, text))
        return _n.one_or_many(lines, scalar)

    def plot(self, ax=None, **options):
        """The series and its segment means (single series); the chart options: ``title``,
        ``xlabel``, ``ylabel``, ``per``, ``annotate`` ({date or position: note}).  Returns the
        Axes."""
        from .graphics.segmentation import changepoint_chart

        return changepoint_chart(self, self._y[0], ax=ax, **options)


@dataclasses.dataclass(frozen=True)
class _Segmentation:
    """PELT on every row of ``mat``, as arrays (the batch path of :func:`changepoints` and of
    the national screen): ``mask`` marks the last point of every segment but the final one,
    per row; ``status`` holds the core's codes and ``labels`` their words."""

    src: _frames.SeriesInput
    mat: np.ndarray
    single: bool
    cost: str
    penalty_name: str
    min_size: int
    mask: np.ndarray
    objective: np.ndarray
    penalty: np.ndarray
    changes: np.ndarray
    status: np.ndarray
    labels: np.ndarray

    @property
    def n_changes(self) -> np.ndarray:
        """The number of change points per row, NaN where a row was not segmented."""
        return np.where(self.status == 0, self.changes, np.nan)

    def last_positions(self) -> np.ndarray:
        """Per row, the 0-based position of its last change point (-1: none, or not
        segmented)."""
        marked = self.mask.astype(bool) & (self.status == 0)[:, None]
        last = self.mask.shape[1] - 1 - np.argmax(marked[:, ::-1], axis=1)
        return np.where(marked.any(axis=1), last, -1)

    def ragged(self):
        """Per row, the positions of its change points and the means of its segments (empty
        where a row was not segmented), each as a flat array with the ``offsets`` of every
        row's first entry (one more than the rows)."""
        ok = self.status == 0
        rows, positions = np.nonzero(self.mask.astype(bool) & ok[:, None])
        offsets = np.zeros(len(ok) + 1, dtype=np.intp)
        np.cumsum(np.bincount(rows, minlength=len(ok)), out=offsets[1:])
        means, counts = _segment_means(self.mat, self.mask)
        kept = np.repeat(ok, counts)
        mean_offsets = np.zeros(len(ok) + 1, dtype=np.intp)
        np.cumsum(np.where(ok, counts, 0), out=mean_offsets[1:])
        return positions, offsets, means[kept], mean_offsets


def _segment_means(y: np.ndarray, mask: np.ndarray):
    """The means of the observed values of every segment (segments end where mask is 1 and at
    the end of each row), row after row, and the number of segments of each row."""
    rows, n = y.shape
    ends = mask.astype(bool)
    ends[:, -1] = True
    starts = np.flatnonzero(np.concatenate([[True], ends.reshape(-1)[:-1]]))
    missing = bool(np.isnan(y).any())
    flat = np.where(np.isnan(y), 0.0, y).reshape(-1) if missing else y.reshape(-1)
    sums = np.add.reduceat(flat, starts)
    sizes = (np.add.reduceat((~np.isnan(y)).reshape(-1), starts) if missing
             else np.diff(np.append(starts, flat.size)))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / sizes
    return means, ends.sum(axis=1)


def _split(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """An object array of the pieces ``flat[offsets[i]:offsets[i + 1]]``."""
    out = np.empty(len(offsets) - 1, dtype=object)
    out[:] = np.split(flat, offsets[1:-1]) if len(out) else []
    return out


def _segment(y, cost="normal-mean", penalty="mbic", min_size=1, *, nan_policy="omit", t=None,
             errors="coerce", threads=None) -> _Segmentation:
    """The arguments of :func:`changepoints` checked and every series segmented."""
    cost = _v.choice(cost, "cost", _o.COST.names)
    if isinstance(penalty, str):
        pen_name, pen_value = _v.choice(penalty, "penalty", _PENALTIES), 0.0
    elif isinstance(penalty, numbers.Real) and not isinstance(penalty, (bool, np.bool_)):
        pen_name, pen_value = "manual", _v.number(penalty, "penalty", minimum=0.0)
    else:
        raise TypeError(f"penalty must be 'mbic', 'bic', 'aic' or a number (got {penalty!r})")
    size = _v.whole_number(min_size, "min_size", minimum=1)
    if cost == "normal-meanvar":
        size = max(size, 2)
    policy = _v.nan_policy(nan_policy)
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    nthreads = _v.threads(threads)
    poisson = cost == "poisson"
    src = _frames.dated_series_input(y, "y", t)
    mat, single = _v.series(src.values, "y", nan_policy=policy, nonneg=poisson, whole=poisson)
    _v.series_length(mat.shape[1], "y", 2 * size, f"two segments of min_size {size}")
    if cost == "normal-mean":
        noise = _count_noise(mat)
        loud = noise > _UNIT_VARIANCE_LIMIT
        if loud.any():
            i = int(np.flatnonzero(loud)[0])
            which = "" if single else f"; {loud.sum():,} of {len(loud):,} series, first {i}"
            _n.caution("changepoints", f"cost='normal-mean' on counts (whole numbers >= 0"
                       f"{which}): {_unit_variance_text(noise[i])}")
    out = _core.changepoint_pelt(mat, _o.COST.codes[cost], _o.PENALTY.codes[pen_name],
                                 pen_value, size, policy == "omit", nthreads)
    mask, objective, pen, n_changes, status = (
        out[k] for k in ("mask", "objective", "penalty", "n_changes", "status"))
    _v.computed(np.where(status == 0, objective, 0.0), "the objective", "y", "series")
    labels = _batch.statuses(status, _row_status(size), "changepoints", errors)
    return _Segmentation(src, mat, single, cost, pen_name, size, mask, objective, pen,
                         n_changes, status, labels)


@distributed.dask_aware
@_frames.tidy(roles=("value",), layout="series")
def changepoints(y, cost="normal-mean", penalty="mbic", min_size=1, *, nan_policy="omit",
                 t=None, errors="coerce", threads=None) -> ChangepointResult:
    """Change points by exact PELT, as R ``changepoint`` (``cpt.mean`` / ``cpt.meanvar``).

    Finds the segmentation that minimises the sum of segment costs plus a penalty per change,
    by pruned exact linear time search, for one series or every row of a 2-D array.

    Parameters
    ----------
    y : array_like, pandas.Series or pandas.DataFrame
        One series (1-D) or one series per row (2-D); or a Series or DataFrame with a
        DatetimeIndex or PeriodIndex (one series per column, results labelled by the columns),
        whose times date the change points; or a tidy table ``changepoints(df, value="crimes",
        time="month", by=["force"])``.  Whole, non-negative counts for the ``"poisson"``
        cost.
    cost : {"normal-mean", "normal-meanvar", "poisson"}
        ``"normal-mean"``: change in mean with variance 1, cost = residual sum of squares of
        the data as given (as ``cpt.mean``; standardise first when the variance is not 1).
        ``"normal-meanvar"``: change in mean and variance, cost = m (log 2 pi + log s^2 + 1)
        with s^2 the segment's ML variance (floored at 1e-11), as ``cpt.meanvar``.
        ``"poisson"``: change in a Poisson rate, cost = 2 S (log m - log S) for a segment of
        sum S and length m (0 when S = 0), as ``cpt.meanvar(test.stat = "Poisson")``.
    penalty : {"mbic", "bic", "aic"} or float
        Penalty per change (R's ``penalty_decision``, d = 1 for normal-mean and poisson, 2 for
        normal-meanvar, n the number of values): ``"mbic"`` (d + 2) log n, with log(m) added to
        each segment's cost (so 3 log n for a change in mean); ``"bic"`` (d + 1) log n (2 log n
        for a mean); ``"aic"`` 2 (d + 1); a number >= 0 is used as given.
    min_size : int
        Minimum segment length (>= 1).  ``"normal-meanvar"`` needs 2 and raises smaller values
        to 2, as ``cpt.meanvar`` does.
    nan_policy : {"omit", "propagate", "raise"}
        ``"omit"`` segments the observed values (taken as consecutive) and reports locations
        at their original positions; ``"propagate"`` gives a series with a missing value NaN
        results and status ``"missing values"``; ``"raise"`` refuses missing values.
    t : array_like of dates or periods, optional
        The observations' times, when ``y`` has no time index.
    errors : {"coerce", "raise"}
        ``"raise"``: a series too short for two segments of ``min_size`` raises ValueError.
    threads : int, optional
        Threads for a batch (default: all cores).

    Returns
    -------
    ChangepointResult
        ``locations`` (0-based index of the last point of every segment but the final one, as
        R's ``cpts()`` minus 1; with a time axis, their times as given), ``positions`` (the
        0-based indexes always), ``segment_means``, ``objective`` (sum of segment costs,
        including MBIC's log m terms, + penalty x changes: R's ``lastchangelike[n]``),
        ``n_changes``, ``penalty`` (per change), ``status``, ``labels``.

    Raises
    ------
    ValueError, TypeError
        Non-finite values, negative or non-integer counts for ``"poisson"``, a series shorter
        than 2 ``min_size``, unknown ``cost`` or ``penalty``, a negative penalty.
    scrutiny.NumericalError
        Values so large that a segment cost overflows a double (e.g. squares beyond 1e308).

    Warns
    -----
    UserWarning
        ``cost="normal-mean"`` on counts (every value whole and >= 0) whose noise variance,
        estimated from the mean absolute successive difference d as pi d^2 / 4, is above 2:
        the cost assumes variance 1, so it takes noise for shifts (24 monthly counts around 50
        give a dozen change points).  Use ``cost="poisson"`` or standardise y; the narrative
        says so too.

    Notes
    -----
    The search is R's: the segments (0, j] for min_size <= j < 2 min_size, then for each t the
    first minimum of F(tau) + cost(tau, t] + penalty over the candidates, which keep tau while
    F(tau) + cost(tau, t] <= F(t), t - min_size + 1 joining them.  Cumulative sums are
    accumulated in long double as R's ``cumsum``.  As in R, with min_size > 1 this pruning can
    discard the optimum (it assumes any point may end a segment); with min_size = 1 the result
    is the exact optimum of the penalised cost.

    References
    ----------
    Killick R, Fearnhead P, Eckley IA (2012) J Am Stat Assoc 107:1590-1598.
    Killick R, Eckley IA (2014) J Stat Softw 58(3) (changepoint 2.2.4).
    Zhang NR, Siegmund DO (2007) Biometrics 63:22-32 (MBIC).

    Examples
    --------
    >>> from scrutiny.segmentation import changepoints
    >>> y = [2.2, 1.6, 2.1, 2.3, 1.8, 5.1, 4.8, 5.3, 4.9, 5.2]
    >>> res = changepoints(y, penalty="bic")
    >>> res.locations.tolist(), res.segment_means.round(2).tolist()
    ([4], [2.0, 5.06])

    The same values as a monthly series: the change is dated.

    >>> import pandas as pd
    >>> s = pd.Series(y, index=pd.period_range("2023-11", periods=10, freq="M"))
    >>> res = changepoints(s, penalty="bic")
    >>> res.locations.tolist(), res.positions.tolist()
    ([Period('2024-03', 'M')], [4])
    >>> print(res.narrative())  # doctest: +NORMALIZE_WHITESPACE
    1 change point, after March 2024 (PELT, normal-mean cost, bic penalty): segment means 2.00
    (November 2023 to March 2024) and 5.06 (April 2024 to August 2024). A change point marks
    where the level most plausibly shifted given the penalty; it is not a significance test,
    and it does not say what caused the shift.
    """
    seg = _segment(y, cost, penalty, min_size, nan_policy=nan_policy, t=t, errors=errors,
                   threads=threads)
    positions, offsets, means, mean_offsets = seg.ragged()
    times = seg.src.times_at(positions)
    single = seg.single

    def per_series(values):
        return _batch.single(values, single)

    def ragged(flat, at):
        return flat[at[0]:at[1]] if single else _split(flat, at)

    return ChangepointResult(
        locations=ragged(times, offsets),
        positions=ragged(positions, offsets),
        segment_means=ragged(means, mean_offsets),
        objective=per_series(seg.objective),
        n_changes=per_series(seg.n_changes) if not single else
        (int(seg.changes[0]) if seg.status[0] == 0 else float("nan")),
        penalty=per_series(seg.penalty),
        cost=seg.cost,
        min_size=seg.min_size,
        status=per_series(seg.labels),
        method=f"PELT ({seg.cost} cost, {seg.penalty_name} penalty), as R changepoint",
        _y=seg.mat,
        labels=seg.src.labels,
        times=seg.src.times,
    )
