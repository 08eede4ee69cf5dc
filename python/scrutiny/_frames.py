"""pandas inputs: unit labels from Series, series from time-indexed frames, the tidy
``(df, <role>=<column>, ..., by=[...])`` form of every family, and the renamed spellings.

Three layouts reach the families:

* **per-unit values** (counts, denominators, rates): a Series' index names the units;
  :func:`unit_index` checks that every Series argument has the same index;
* **series** (trend, SPC, change points, count models): :func:`series_input` reads a Series or a
  DataFrame with a DatetimeIndex or PeriodIndex (one series per column) as a time axis, a 2-D
  array as one series per row, and refuses any other DataFrame;
* **tidy tables**: :func:`tidy` decorates a family function so that a DataFrame first argument
  with column names for its roles is turned into the Series or wide frame above, labelled by the
  ``label``/``by`` columns.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import warnings

import numpy as np

from ._timeaxis import TimeAxis, is_time_index, numeric_or_axis, time_axis

SERIES_LAYOUTS = ("a Series or DataFrame with a DatetimeIndex or PeriodIndex (one series per "
                  "column), a 1-D or 2-D array (one series per row), or a tidy table with "
                  "value=, time= and by= columns")


def _is_frame(value) -> bool:
    import pandas as pd

    return isinstance(value, pd.DataFrame)


def _is_series(value) -> bool:
    import pandas as pd

    return isinstance(value, pd.Series)


def _index_text(index) -> str:
    items = list(index[:4])
    more = ", ..." if len(index) > 4 else ""
    return "[" + ", ".join(map(repr, items)) + more + f"] ({len(index)} labels)"


# ---- unit labels ------------------------------------------------------------------------------

def unit_index(**values):
    """The index shared by the arguments given as pandas Series (keyword = argument name), or
    None when none is one.  Series whose indexes differ raise a ValueError naming both: nothing
    is aligned silently."""
    found = [(name, v.index) for name, v in values.items() if _is_series(v)]
    if not found:
        return None
    first_name, first = found[0]
    for name, index in found[1:]:
        if not index.equals(first):
            raise ValueError(f"{first_name} and {name} have different indexes: "
                             f"{_index_text(first)} and {_index_text(index)}; give Series with "
                             "the same labels in the same order (or arrays)")
    return first


def labels_or(index, labels, name: str = "labels"):
    """Unit labels from an explicit ``labels`` argument, else from a Series' ``index``, as a
    pandas Index (None when neither names the units)."""
    import pandas as pd

    if labels is not None:
        return labels if isinstance(labels, pd.Index) else pd.Index(list(labels))
    if index is None or isinstance(index, pd.RangeIndex):
        return None
    return index


# ---- series ------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SeriesInput:
    """Series read from an argument.

    Attributes
    ----------
    values : numpy.ndarray or object
        The values to pass on: 1-D (one series) or 2-D (one series per row); a plain argument
        is passed on unchanged.
    labels : pandas.Index or None
        The series' names (a DataFrame's columns).
    axis : TimeAxis or None
        The observations' times (from the index or ``t``).
    t : object
        ``t`` to pass on: the axis' true spacing, or ``t`` as given when numeric.
    """

    values: object
    labels: object
    axis: TimeAxis | None
    t: object

    @property
    def times(self):
        """The observations' times as given, or None."""
        return None if self.axis is None else self.axis.times


def series_input(y, name: str = "y", t=None, t_name: str = "t") -> SeriesInput:
    """Read ``y`` (and ``t``) in the layouts of :data:`SERIES_LAYOUTS`."""
    if _is_frame(y):
        if not is_time_index(y.index):
            raise TypeError(f"{name}: a DataFrame must have a DatetimeIndex or PeriodIndex "
                            f"(got {type(y.index).__name__}); the accepted layouts are "
                            f"{SERIES_LAYOUTS}")
        _no_second_time(t, name, t_name)
        axis = time_axis(y.index, f"{name}'s index")
        values = _numeric_frame(y, name).T
        return SeriesInput(values, y.columns, axis, axis.t)
    if _is_series(y) and is_time_index(y.index):
        _no_second_time(t, name, t_name)
        axis = time_axis(y.index, f"{name}'s index")
        return SeriesInput(_numeric_frame(y.to_frame(), name)[:, 0], None, axis, axis.t)
    if _is_series(y):
        y = y.to_numpy()
    given = numeric_or_axis(t, t_name)
    if isinstance(given, TimeAxis):
        return SeriesInput(y, None, given, given.t)
    return SeriesInput(y, None, None, given)


def _no_second_time(t, name: str, t_name: str) -> None:
    if t is not None:
        raise ValueError(f"give the times either as {name}'s index or as {t_name}, not both")


def _numeric_frame(frame, name: str) -> np.ndarray:
    """A frame's values as float64 (nullable integers and floats; NA becomes NaN); a column
    that is not numeric is named."""
    for column, dtype in frame.dtypes.items():
        if dtype.kind not in "biuf":
            raise TypeError(f"{name} column {column!r} must be numeric (got {dtype})")
    return frame.to_numpy(dtype=np.float64, na_value=np.nan)


def wide_input(value, name: str, axis: TimeAxis | None, columns):
    """A second series argument (exposure, denominators) in the layout of the first: a frame
    with the same time index and columns, a Series with the same time index, or an array."""
    if axis is None or value is None or not (_is_frame(value) or _is_series(value)):
        return value
    if not value.index.equals(axis.times):
        raise ValueError(f"{name}'s index differs from y's: give both the same times")
    if _is_frame(value):
        if columns is None or not value.columns.equals(columns):
            raise ValueError(f"{name}'s columns differ from y's: give both the same series")
        return _numeric_frame(value, name).T
    return _numeric_frame(value.to_frame(), name)[:, 0]


# ---- tidy tables -------------------------------------------------------------------------------

def _columns(df, names, role: str) -> list:
    """Column names given for ``role`` (one name or a list), each checked to exist."""
    cols = [names] if isinstance(names, str) or not np.iterable(names) else list(names)
    for col in cols:
        if col not in df.columns:
            raise ValueError(f"{role}={col!r} is not a column of the table (columns: "
                             f"{', '.join(map(str, df.columns))})")
    return cols


def _keys(df, by, role: str = "by"):
    """The index of the ``by`` columns (a MultiIndex for several), or None."""
    import pandas as pd

    if by is None:
        return None
    cols = _columns(df, by, role)
    if len(cols) == 1:
        return pd.Index(df[cols[0]].to_numpy(), name=cols[0])
    return pd.MultiIndex.from_frame(df[cols])


def per_unit_frame(df, roles: dict, label=None, by=None) -> dict:
    """Per-unit Series from a tidy table: one Series per role (``{argument: column}``) indexed
    by the ``label`` column (or the ``by`` columns, or the table's own index)."""
    keys = _keys(df, label, "label") if label is not None else _keys(df, by)
    index = df.index if keys is None else keys
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise ValueError(f"the table has more than one row for {dup!r}; aggregate it first")
    import pandas as pd

    return {arg: pd.Series(df[_columns(df, col, arg)[0]].to_numpy(), index=index, name=col)
            for arg, col in roles.items() if col is not None}


def series_frame(df, value: str, time: str, by=None, extra=None) -> dict:
    """Wide series from a tidy table: ``value`` (and each ``extra`` role, e.g. exposure) as a
    frame indexed by the ``time`` column's periods with one column per ``by`` group (a Series
    without ``by``).  Two rows for one time and group are refused, naming them."""
    import pandas as pd

    _columns(df, [value, time], "value/time")
    axis_values = df[time]
    times = (pd.PeriodIndex(axis_values) if isinstance(axis_values.dtype, pd.PeriodDtype)
             else pd.Index(axis_values) if axis_values.dtype.kind in "iu"
             else pd.DatetimeIndex(_to_datetime(axis_values, time)))
    keys = _keys(df, by)
    rows = pd.MultiIndex.from_arrays([times] + ([] if keys is None else
                                     [keys.get_level_values(i) for i in range(keys.nlevels)]))
    if rows.has_duplicates:
        dup = rows[rows.duplicated()][0]
        raise ValueError(f"the table has more than one row for time {dup[0]}"
                         + (f" and group {dup[1:] if len(dup) > 2 else dup[1]!r}" if keys
                            is not None else "") + "; aggregate it first")
    out = {}
    for arg, col in {"y": value, **(extra or {})}.items():
        if col is None:
            continue
        series = pd.Series(df[_columns(df, col, arg)[0]].to_numpy(dtype=np.float64,
                                                                na_value=np.nan), index=rows)
        if keys is None:
            series.index = series.index.get_level_values(0)
            out[arg] = series.sort_index()
        else:
            wide = series.unstack(list(range(1, rows.nlevels))).sort_index()
            wide.columns.names = list(keys.names)
            out[arg] = wide
    return out


def _to_datetime(values, name: str):
    import pandas as pd

    try:
        return pd.to_datetime(values)
    except (TypeError, ValueError) as err:
        raise TypeError(f"time={name!r} must hold dates or periods") from err


def tidy(*, roles: tuple, layout: str, label: str | None = None, by: str | None = None,
         names: dict | None = None):
    """Decorator giving a family function its tidy-table form.

    ``layout="units"``: ``f(df, <role>=<column>, ..., label=<column>)`` (or the columns given
    positionally after the table, in the order of ``roles``) calls ``f`` with one Series per
    role indexed by the label column (``by`` columns; the table's index).

    ``layout="series"``: ``f(df, value=<column>, time=<column>, by=[...], <role>=<column>)``
    calls ``f`` with a wide frame per role (the first role receives ``value``).

    ``layout="records"``: ``f(df, <role>=<column>, ...)`` calls ``f`` with the columns
    (lists of column names become frames, e.g. drivers).

    ``label`` / ``by`` name the function's own argument that receives the label or group
    column's values (None: the labels travel in the Series' index); the table form takes them
    as ``label=`` / ``by=`` or as that argument (several ``by`` columns: a MultiIndex).
    ``names`` maps a role to the function's argument where their names differ (records, e.g.
    ``{"time": "durations"}``)."""
    def decorate(func):
        params = inspect.signature(func).parameters
        first = next(iter(params))

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if not (args and _is_frame(args[0]) and _tidy_call(args, kwargs, roles, layout)):
                return func(*args, **kwargs)
            df, rest = args[0], list(args[1:])
            given = {}
            for role in roles:
                if role in kwargs and (isinstance(kwargs[role], str) or _names(kwargs[role])):
                    given[role] = kwargs.pop(role)
                elif rest and (isinstance(rest[0], str) or _names(rest[0])):
                    given[role] = rest.pop(0)
            if rest:
                raise TypeError(f"{func.__name__}: with a table, give its column names as "
                                "keywords after the table")
            if layout == "units":
                series = per_unit_frame(df, given, kwargs.pop("label", None),
                                        kwargs.pop("by", None))
                return func(**series, **kwargs)
            if layout == "series":
                value, time = given.pop(roles[0], None), kwargs.pop("time", None)
                if value is None or time is None:
                    raise TypeError(f"{func.__name__}: a tidy table needs value= and time= "
                                    "column names")
                frames = series_frame(df, value, time, kwargs.pop("by", None),
                                      {role: col for role, col in given.items()})
                frames[first] = frames.pop("y")
                return func(**frames, **kwargs)
            columns = {(names or {}).get(role, role): (
                df[_columns(df, col, role)] if not isinstance(col, str)
                else df[_columns(df, col, role)[0]]) for role, col in given.items()}
            for own, key in ((label, "label"), (by, "by")):
                name = key if own is not None and key in kwargs else own
                value = kwargs.get(name) if own is not None else None
                if isinstance(value, str):
                    columns[own] = df[_columns(df, kwargs.pop(name), key)[0]]
                elif _names(value):
                    columns[own] = _keys(df, kwargs.pop(name), key)
            return func(**columns, **kwargs)

        wrapper.tidy_roles = roles
        return wrapper
    return decorate


def _names(value) -> bool:
    """A list or tuple of column names (strings)."""
    return (isinstance(value, (list, tuple)) and len(value) > 0
            and all(isinstance(v, str) for v in value))


def _tidy_call(args, kwargs, roles, layout) -> bool:
    """Whether a call whose first argument is a DataFrame uses the tidy form: a role (or value=)
    named by a string keyword, or column names given positionally after the table."""
    keys = ("value",) if layout == "series" else roles
    if any(isinstance(kwargs.get(k), str) or _names(kwargs.get(k)) for k in keys):
        return True
    return layout != "series" and len(args) > 1 and isinstance(args[1], str)


# ---- renamed spellings --------------------------------------------------------------------------

def renamed(**old_to_new):
    """Decorator: old keyword spellings keep working with a DeprecationWarning (``conf`` for
    ``alpha=...``-style renames pass a ``(new, convert)`` pair to change the value too)."""
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for old, new in old_to_new.items():
                if old in kwargs:
                    target, convert = new if isinstance(new, tuple) else (new, None)
                    if target in kwargs:
                        raise TypeError(f"{func.__name__}: give {target}= only ({old}= is its "
                                        "old name)")
                    warnings.warn(f"{func.__name__}: {old}= is renamed {target}=",
                                  DeprecationWarning, stacklevel=2)
                    value = kwargs.pop(old)
                    kwargs[target] = value if convert is None else convert(value)
            return func(*args, **kwargs)
        return wrapper
    return decorate


def keyword_only(func):
    """Decorator for a function whose keyword-only arguments could once be given by position:
    such a call keeps working with a DeprecationWarning naming the arguments."""
    params = list(inspect.signature(func).parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keyword = [p.name for p in params if p.kind == p.KEYWORD_ONLY]

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if len(args) > len(positional):
            extra = args[len(positional):]
            names = keyword[:len(extra)]
            if len(extra) > len(keyword):
                raise TypeError(f"{func.__name__}() takes {len(positional)} positional "
                                f"arguments but {len(args)} were given")
            warnings.warn(f"{func.__name__}: give {', '.join(n + '=' for n in names)} by "
                          "keyword", DeprecationWarning, stacklevel=2)
            for n, v in zip(names, extra):
                if n in kwargs:
                    raise TypeError(f"{func.__name__}() got multiple values for {n!r}")
                kwargs[n] = v
            args = args[:len(positional)]
        return func(*args, **kwargs)
    return wrapper
