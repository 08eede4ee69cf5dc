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
import sys
import warnings

import numpy as np

from . import _validation as _v
from ._timeaxis import TimeAxis, is_time_index, numeric_or_axis, time_axis

SERIES_LAYOUTS = ("a Series or DataFrame with a DatetimeIndex or PeriodIndex (one series per "
                  "column), a 1-D or 2-D array (one series per row), or a tidy table with "
                  "value=, time= and by= columns")


def _is_frame(value) -> bool:
    pd = sys.modules.get("pandas")   # no pandas imported: no pandas object (nor its import)
    return pd is not None and isinstance(value, pd.DataFrame)


def _is_series(value) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.Series)


def is_index(value) -> bool:
    """Whether ``value`` is a pandas Index (unit names that keep their name)."""
    import pandas as pd

    return isinstance(value, pd.Index)


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


def index_labels(index, shape):
    """The units' names from a Series' ``index`` for a result of ``shape`` with one unit per
    label; None for a default RangeIndex, no index, or a result broadcast to another shape."""
    names = labels_or(index, None)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return names if names is not None and shape == (len(names),) else None


def result_labels(shape, labels=None, /, **values):
    """The names of a result's units: ``labels`` when given (a one-dimensional result only),
    else the index shared by the Series among ``values`` (:func:`unit_index`; a ValueError
    naming two that differ), as :func:`index_labels` reads it."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    index = unit_index(**values)
    if labels is None:
        return index_labels(index, shape)
    if len(shape) != 1:
        raise ValueError(f"labels name the units of a one-dimensional result; this result has "
                         f"shape {shape}")
    checked = _v.labels_for(labels, shape[0])
    return labels_or(None, labels if is_index(labels) else checked)


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

    def times_at(self, positions):
        """The times as given (Timestamps or Periods) at 0-based ``positions`` (an int or an
        array of them; a negative position, "none", gives None), or the positions themselves
        without a time axis."""
        if self.axis is None:
            return positions
        if np.ndim(positions) == 0:
            return None if positions < 0 else self.axis.label(positions)
        positions = np.asarray(positions, dtype=np.intp)
        out = np.full(positions.shape, None, dtype=object)
        known = positions >= 0
        out[known] = np.asarray(self.axis.times[positions[known]], dtype=object)
        return out


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


def dated_series_input(y, name: str = "y", t=None, t_name: str = "t") -> SeriesInput:
    """As :func:`series_input` for a function whose ``t`` only names the observations' times
    (change points, Pettitt's location): numbers for ``t`` are refused."""
    src = series_input(y, name, t, t_name)
    if t is not None and src.axis is None:
        raise TypeError(f"{t_name} must hold dates or periods here (it names the times of the "
                        "observations); without it positions are reported")
    return src


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
    if label is not None and by is not None:
        raise ValueError("give label= (one column naming the units) or by= (the columns that "
                         "name them), not both")
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
         to: dict | None = None, columns: tuple = ()):
    """Decorator giving a family function its tidy-table form.

    ``layout="units"``: ``f(df, <role>=<column>, ..., label=<column>)`` (or the columns given
    positionally after the table, in the order of ``roles``) calls ``f`` with one Series per
    role indexed by the label column (``by`` columns; the table's index).

    ``layout="series"``: ``f(df, value=<column>, time=<column>, by=[...], <role>=<column>)``
    calls ``f`` with a wide frame per role (the first role receives ``value``).

    ``layout="records"``: ``f(df, <role>=<column>, ...)`` calls ``f`` with the columns
    (lists of column names become frames, e.g. drivers); a column plays one role only.

    ``label`` / ``by`` name the function's own argument that receives the label or group
    column's values, a frame for several columns (None: the labels travel in the Series'
    index).  ``to`` maps a role to the
    function's argument that receives it where the names differ (``{"outcome": "y"}``);
    ``columns`` names further arguments that take a column name in the table form (e.g.
    ``weights``).  Positional arguments after the table fill the roles while they are column
    names, then the function's arguments not yet given, in order; roles the function requires
    must be given."""
    to = dict(to or {})

    def decorate(func):
        params = inspect.signature(func).parameters
        first = next(iter(params))
        target = {role: (first if layout == "series" and role == roles[0] else to.get(role, role))
                  for role in roles}
        positional = [n for n, p in params.items()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if not (args and _is_frame(args[0]) and _tidy_call(args, kwargs, roles, layout)):
                return func(*args, **kwargs)
            df, rest, kwargs = args[0], list(args[1:]), _bind(func, roles, target, kwargs)
            for role in roles:
                if target[role] in kwargs:
                    continue
                if not (rest and _is_column(rest[0])):
                    break
                kwargs[target[role]] = rest.pop(0)
            free = [n for n in positional if n not in kwargs and n != first]
            if len(rest) > len(free):
                raise TypeError(f"{func.__name__}: with a table, give its column names as "
                                "keywords after the table")
            kwargs.update(zip(free, rest))
            given = {n: kwargs.pop(n) for n in (*target.values(), *columns)
                     if _is_column(kwargs.get(n))}
            if layout != "series":
                _required(func, params, roles, target, given, kwargs)
            if layout == "units":
                series = per_unit_frame(df, given, kwargs.pop("label", None),
                                        kwargs.pop("by", None))
                return func(**series, **kwargs)
            if layout == "series":
                value, time = given.pop(first, None), kwargs.pop("time", None)
                if value is None or time is None:
                    raise TypeError(f"{func.__name__}: a tidy table needs value= and time= "
                                    "column names")
                frames = series_frame(df, value, time, kwargs.pop("by", None), given)
                frames[first] = frames.pop("y")
                return func(**frames, **kwargs)
            roles_of = {n: r for r, n in target.items()}
            _one_role_each({roles_of.get(n, n): col for n, col in given.items()})
            cols = {n: (df[_columns(df, col, roles_of.get(n, n))] if not isinstance(col, str)
                        else df[_columns(df, col, roles_of.get(n, n))[0]])
                    for n, col in given.items()}
            for own in (label, by):
                if own is not None and _is_column(kwargs.get(own)):
                    names = _columns(df, kwargs.pop(own), own)
                    cols[own] = df[names[0]] if len(names) == 1 else df[names]
            return func(**cols, **kwargs)

        wrapper.tidy_roles = roles
        wrapper.__signature__ = _tidy_signature(inspect.signature(func), layout)
        return wrapper
    return decorate


def _bind(func, roles, target, kwargs) -> dict:
    """The keywords with each role under the argument that receives it."""
    out = dict(kwargs)
    for role in roles:
        if role in out and target[role] != role:
            if target[role] in out:
                raise TypeError(f"{func.__name__}() got multiple values for {role!r}")
            out[target[role]] = out.pop(role)
    return out


def _required(func, params, roles, target, given, kwargs) -> None:
    """Every role the function requires is given (a column, or a value)."""
    missing = [role for role in roles if params[target[role]].default is inspect.Parameter.empty
               and target[role] not in given and target[role] not in kwargs]
    if missing:
        raise TypeError(f"{func.__name__}: with a table, give "
                        f"{' and '.join(r + '=' for r in missing)} (column names)")


def _one_role_each(given: dict) -> None:
    """No column named for two roles of a record table (e.g. the outcome among the drivers)."""
    seen = {}
    for role, col in given.items():
        for c in [col] if isinstance(col, str) else list(col):
            if c in seen and seen[c] != role:
                raise ValueError(f"column {c!r} is given for both {seen[c]} and {role}: a "
                                 "column plays one role")
            seen[c] = role


def _is_column(value) -> bool:
    """A column name, or a list of them."""
    return isinstance(value, str) or _names(value)


_TIDY_KEYWORDS = {"units": ("label", "by"), "series": ("value", "time", "by"), "records": ()}


def _tidy_signature(sig, layout: str):
    """The function's signature with the tidy form's own keywords (``label``, ``by``, ...)
    added as keyword-only arguments, so the tidy calls bind to it."""
    params = list(sig.parameters.values())
    extra = [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=None)
             for k in _TIDY_KEYWORDS[layout] if k not in sig.parameters]
    var = [p for p in params if p.kind == p.VAR_KEYWORD]
    rest = [p for p in params if p.kind != p.VAR_KEYWORD]
    return sig.replace(parameters=rest + extra + var)


def _names(value) -> bool:
    """A list, tuple or pandas Index of column names (strings)."""
    import pandas as pd

    return (isinstance(value, (list, tuple, pd.Index)) and len(value) > 0
            and all(isinstance(v, str) for v in value))


def _tidy_call(args, kwargs, roles, layout) -> bool:
    """Whether a call whose first argument is a DataFrame uses the tidy form: a role (or value=)
    named by a string keyword, or column names given positionally after the table."""
    keys = ("value",) if layout == "series" else roles
    if any(_is_column(kwargs.get(k)) for k in keys):
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
