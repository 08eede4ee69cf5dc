"""Time axes: the dates of a series read from a pandas DatetimeIndex or PeriodIndex (or ``t=``
given as dates or periods), with their true spacing, their frequency, slope units, seasons from
the calendar and dates given as positions ("2024-04" -> the index of April 2024).

A time axis keeps the times as given (a DatetimeIndex stays one) for labelling results, and
works on periods of the inferred frequency: ``t`` counts whole periods from the first
observation, so a missing month is a step of 2, never collapsed.
"""
from __future__ import annotations

import dataclasses
import math
from functools import reduce

import numpy as np

# The frequencies a time axis knows: pandas period alias, the unit's name, its length in months
# (None for weeks and days) and in days (mean Gregorian lengths).
_FREQS = {
    "M": ("month", 1, 365.25 / 12),
    "Q": ("quarter", 3, 365.25 / 4),
    "Y": ("year", 12, 365.25),
    "W": ("week", None, 7.0),
    "D": ("day", None, 1.0),
}
UNITS = tuple(unit for unit, _, _ in _FREQS.values())
_BY_UNIT = {unit: (months, days) for unit, months, days in _FREQS.values()}
_MONTHS_FREQ = {1: "M", 3: "Q", 12: "Y"}
_DAYS_FREQ = {1: "D", 7: "W"}


def is_time_index(index) -> bool:
    """Whether ``index`` is a pandas DatetimeIndex or PeriodIndex."""
    import pandas as pd

    return isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex))


def _base(freqstr: str) -> str:
    """The letter of a pandas frequency string ("M", "Q-DEC" -> "Q", "Y-DEC"/"A-DEC" -> "Y")."""
    head = freqstr.split("-")[0].lstrip("0123456789")
    head = {"A": "Y", "ME": "M", "QE": "Q", "YE": "Y", "MS": "M", "QS": "Q", "YS": "Y",
            "AS": "Y"}.get(head, head)
    return head


def _gcd(values) -> int:
    return int(reduce(math.gcd, (int(v) for v in values), 0))


def _infer_freq(index, name: str) -> str:
    """The frequency of a DatetimeIndex from its dates: month-aligned dates (one day of the month,
    or month ends) give months, quarters or years by the spacing's greatest common divisor;
    others weeks or days; anything else is refused."""
    days = index.normalize()
    if len(index) > 0 and not (days == index).all():
        raise ValueError(f"{name} has times of day; give one date per period (e.g. month starts) "
                         "or a PeriodIndex")
    month_ends = bool(index.is_month_end.all())
    if month_ends or len(set(index.day)) == 1:
        months = np.asarray(index.year) * 12 + np.asarray(index.month)
        step = _gcd(np.diff(months)) if len(index) > 1 else 1
        if step in _MONTHS_FREQ:
            return _MONTHS_FREQ[step]
        raise ValueError(f"cannot infer the frequency of {name}: its dates are {step} months "
                         "apart; give a PeriodIndex")
    step = _gcd(np.diff(index.as_unit("ns").asi8) // 86_400_000_000_000) if len(index) > 1 else 1
    if step in _DAYS_FREQ:
        return _DAYS_FREQ[step]
    raise ValueError(f"cannot infer the frequency of {name}: its dates are {step} days apart; "
                     "give a PeriodIndex")


def _ordered(index, name: str) -> None:
    """Unique, increasing times; the message names the first offending label."""
    if index.hasnans:
        raise ValueError(f"{name} has a missing time (NaT)")
    values = index.asi8
    if len(values) > 1:
        steps = np.diff(values)
        bad = np.flatnonzero(steps <= 0)
        if bad.size:
            i = int(bad[0]) + 1
            what = "a duplicate" if steps[bad[0]] == 0 else "an unsorted"
            raise ValueError(f"{name} has {what} time label: {index[i]} (position {i}); times "
                             "must be unique and increasing")


@dataclasses.dataclass(frozen=True)
class TimeAxis:
    """The times of a series' observations.

    Attributes
    ----------
    times : pandas.DatetimeIndex or pandas.PeriodIndex
        The times as given, one per observation.
    periods : pandas.PeriodIndex
        The same times as periods of ``freq``.
    freq : str
        ``"M"``, ``"Q"``, ``"Y"``, ``"W"`` or ``"D"``.
    unit : str
        ``"month"``, ``"quarter"``, ``"year"``, ``"week"`` or ``"day"``.
    t : numpy.ndarray
        Whole periods since the first observation (float64): the true spacing.
    """

    times: object
    periods: object
    freq: str
    unit: str
    t: np.ndarray

    def __len__(self) -> int:
        return len(self.times)

    # ---- units of slopes ----------------------------------------------------------------------

    def per(self, per, name: str = "per") -> tuple[float, str]:
        """The factor turning a change per period into a change per ``per`` (a unit name, or
        None for the axis' own unit), and that unit's name."""
        if per is None:
            return 1.0, self.unit
        return unit_factor(self.unit, per, name), per

    # ---- labels -------------------------------------------------------------------------------

    def label(self, i: int):
        """The time of observation ``i`` as given (a Timestamp or Period)."""
        return self.times[int(i)]

    def text(self, i: int, short: bool = False) -> str:
        """Observation ``i``'s time in words: "March 2024", "2024 Q1", "2024", "3 March 2024"."""
        return period_words(self.periods[int(i)], short)

    # ---- positions from dates -----------------------------------------------------------------

    def position(self, value, name: str, *, after_last: bool = False) -> int:
        """The 0-based position of ``value``: a whole number (a position already), or a date,
        period or string ("2024-04") naming a period on this axis (the first observation at or
        after it, when that period itself has no observation).  A time before the first
        observation or after the last (or, with ``after_last``, one past the last) is refused,
        naming ``name`` and the time."""
        import pandas as pd

        if isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be a position or a date (got {value!r})")
        if isinstance(value, (int, np.integer)):
            return int(value)
        try:
            period = (value.asfreq(self.freq) if isinstance(value, pd.Period)
                      else pd.Period(value, freq=self.freq))
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} must be a position or a date (got {value!r})") from err
        ordinal = period.ordinal
        first, last = self.periods[0].ordinal, self.periods[-1].ordinal
        if ordinal < first or ordinal > last + (1 if after_last else 0):
            raise ValueError(f"{name} {period_words(period)} is outside the series "
                             f"({self.text(0)} to {self.text(len(self) - 1)})")
        return int(np.searchsorted(self.periods.asi8, ordinal))

    # ---- seasons ------------------------------------------------------------------------------

    def seasons(self, period: int) -> np.ndarray:
        """The season of each observation from the calendar: month names ("Jan") for monthly
        data with ``period`` 12, quarters ("Q1") for quarterly data with ``period`` 4, else the
        period's ordinal modulo ``period`` (as strings)."""
        if self.freq == "M" and period == 12:
            return np.asarray(self.periods.strftime("%b"), dtype=object)
        if self.freq == "Q" and period == 4:
            return np.asarray([f"Q{q}" for q in self.periods.quarter], dtype=object)
        return np.asarray([str(int(o) % period) for o in self.periods.asi8], dtype=object)

    def take(self, positions) -> "TimeAxis":
        """The axis of the observations at ``positions``."""
        positions = np.asarray(positions)
        periods = self.periods[positions]
        return TimeAxis(self.times[positions], periods, self.freq, self.unit,
                        self.t[positions] - (self.t[positions][0] if positions.size else 0.0))

    def filled(self) -> "TimeAxis":
        """The axis with every period from the first observation to the last (observation
        ``i`` is at position ``t[i]``); an added date keeps the first date's place in its
        period (month ends stay month ends)."""
        import pandas as pd

        periods = pd.period_range(self.periods[0], self.periods[-1], freq=self.periods.freq)
        times = periods
        if not isinstance(self.times, pd.PeriodIndex):
            first = self.times[0].tz_localize(None)
            if self.freq in ("W", "D"):
                dates = first + pd.to_timedelta(np.arange(len(periods)) * _FREQS[self.freq][2],
                                                unit="D")
            elif self.times.is_month_end.all():
                dates = periods.to_timestamp(how="end").normalize()
            else:
                start = self.periods[0].start_time
                dates = periods.to_timestamp(how="start") + pd.DateOffset(
                    months=(first.year - start.year) * 12 + first.month - start.month,
                    days=first.day - 1)
            values = dates.as_unit("ns").to_numpy().copy()
            values[self.t.astype(np.int64)] = self.times.tz_localize(None).as_unit("ns").to_numpy()
            times = pd.DatetimeIndex(values).tz_localize(self.times.tz)
        return TimeAxis(times, periods, self.freq, self.unit,
                        np.arange(len(periods), dtype=np.float64))


def slope_unit(axis: TimeAxis | None, per, name: str = "per") -> tuple[float, str | None]:
    """The factor turning a slope per step of ``t`` into one per ``per`` and ``per``'s name:
    the axis' own unit by default; (1, None) without a time axis, where ``per`` is refused."""
    if axis is None:
        if per is not None:
            raise ValueError(f"{name}={per!r} needs a time axis: give y with a DatetimeIndex or "
                             "PeriodIndex, or t as dates or periods")
        return 1.0, None
    return axis.per(per, name)


def unit_factor(base: str, per, name: str = "per") -> float:
    """How many ``base`` units (e.g. "month") make one ``per`` unit (e.g. "year": 12)."""
    if not isinstance(per, str) or per not in _BY_UNIT:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, UNITS))} (got {per!r})")
    (m_base, d_base), (m_per, d_per) = _BY_UNIT[base], _BY_UNIT[per]
    if m_base is not None and m_per is not None:
        return m_per / m_base
    return d_per / d_base


def period_words(period, short: bool = False) -> str:
    """A period in words: "March 2024" ("Mar 2024" with ``short``), "2024 Q1", "2024",
    "week of 4 March 2024", "4 March 2024"."""
    freq = _base(period.freqstr)
    if freq == "M":
        return period.strftime("%b %Y" if short else "%B %Y")
    if freq == "Q":
        return f"{period.year} Q{period.quarter}"
    if freq == "Y":
        return str(period.year)
    start = period.start_time
    day = f"{start.day} {start.strftime('%b' if short else '%B')} {start.year}"
    return f"week of {day}" if freq == "W" else day


def time_axis(times, name: str) -> TimeAxis:
    """A :class:`TimeAxis` from a DatetimeIndex or PeriodIndex (or anything
    ``pandas.Index`` makes one of: datetimes, periods); ``name`` names it in messages."""
    import pandas as pd

    index = times if is_time_index(times) else _as_time_index(times, name)
    _ordered(index, name)
    if isinstance(index, pd.PeriodIndex):
        freq = _base(index.freqstr)
        if freq not in _FREQS or index.freq.n != 1:
            raise ValueError(f"{name} has frequency {index.freqstr!r}; the time axes known are "
                             "monthly, quarterly, yearly, weekly and daily")
        periods = index
    else:
        if index.tz is not None:
            index = index.tz_localize(None)
        freq = _infer_freq(index, name)
        periods = index.to_period(freq)
    unit = _FREQS[freq][0]
    ordinals = periods.asi8
    t = (ordinals - ordinals[0]).astype(np.float64) if len(ordinals) else np.empty(0)
    return TimeAxis(times, periods, freq, unit, t)


def _as_time_index(values, name: str):
    """Dates or periods (a sequence, array or Series) as a DatetimeIndex or PeriodIndex; None
    when they are numbers; a TypeError for anything else, or a mixture."""
    import pandas as pd

    raw = values.to_numpy() if hasattr(values, "to_numpy") else values
    arr = np.asarray(raw)
    if arr.dtype.kind in "biuf":
        raise TypeError(f"{name} holds numbers, not dates")
    if arr.dtype.kind == "M":
        return pd.DatetimeIndex(arr)
    if isinstance(getattr(values, "dtype", None), pd.PeriodDtype):
        return pd.PeriodIndex(values)
    items = list(arr.ravel())
    kinds = {type(v) for v in items}
    if items and all(isinstance(v, pd.Period) for v in items):
        if len({v.freqstr for v in items}) > 1:
            raise TypeError(f"{name} mixes periods of different frequencies")
        return pd.PeriodIndex(items)
    import datetime

    if items and all(isinstance(v, (datetime.date, np.datetime64)) for v in items):
        return pd.DatetimeIndex(pd.to_datetime(items))
    raise TypeError(f"{name} must hold numbers, datetimes or periods of one kind (got "
                    f"{', '.join(sorted(k.__name__ for k in kinds)) or 'nothing'})")


def numeric_or_axis(t, name: str = "t"):
    """``t`` as given when it is numeric (or None), else a :class:`TimeAxis` of its dates."""
    if t is None:
        return None
    if is_time_index(t):
        return time_axis(t, name)
    arr = np.asarray(t.to_numpy() if hasattr(t, "to_numpy") else t)
    if arr.dtype.kind in "biuf":
        return t
    return time_axis(_as_time_index(t, name), name)
