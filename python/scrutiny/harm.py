"""Harm weighting: crime counts weighted by the harm of each crime type.

A count of offences treats a homicide like a shoplifting.  A harm index weights each crime
type by a harm weight that the analyst supplies from a published table (the ONS Crime
Severity Score, the Cambridge Crime Harm Index, or a local scheme): scrutiny ships no weights,
and ``harm_weights`` / ``read_harm_weights`` check the table that is given.  ``harm_index``
totals the weighted counts per group with confidence intervals, ``harm_funnel`` compares the
harm rates of areas on a funnel plot, and ``harm_trend`` tests for a trend in a harm series.

Every variance accounts for the weights.  With counts x_c ~ Poisson of crime types c and
weights w_c, the harm H = sum w_c x_c is a weighted sum of Poisson counts (compound Poisson)
with variance sum w_c^2 lambda_c, estimated by V = sum w_c^2 x_c: a few heavily weighted
crimes make the harm far more variable than the count.  The sums, intervals and trend fits
run in the C core.
"""
from __future__ import annotations

import dataclasses
import numbers
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from . import _batch, _core, _funnel
from . import _narrative as _n
from . import _options as _o
from . import _results as _r
from . import _validation as _v
from ._results import Result
from ._timeaxis import is_time_index, time_axis
from .disparity import FunnelResult
from .models import LogLinearTrend
from .rates import dsr
from .trend import MannKendallResult, mann_kendall, seasonal_mann_kendall, sen_slope

if TYPE_CHECKING:
    import pandas as pd

    from .trend import SeasonalMannKendallResult, SenSlopeResult

__all__ = [
    "harm_weights", "read_harm_weights", "harm_index", "harm_funnel", "harm_trend",
    "HarmWeights", "HarmIndexResult", "HarmFunnelResult", "HarmTrendResult",
]

_CI_METHODS = (*_o.HARM_CI_METHOD.names, "dobson")     # Dobson's limits are computed here
_MISSING = ("raise", "drop")
_level_label = _n.level     # 0.95 -> '95%', as the funnel's columns and limits say
# The row status a series without harm gets beside the GLM kernel's statuses.
_NO_HARM = len(_batch.GLM_STATUS.labels)
_TREND_STATUS = _batch.RowStatus(
    (*_batch.GLM_STATUS.labels, "no harm"),
    {**_batch.GLM_STATUS.raises,
     _NO_HARM: (ValueError, "{series} has no harm (every weighted count is 0)")})


# ---- weights ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class HarmWeights(Result, Mapping):
    """A validated mapping crime type -> harm weight (see :func:`harm_weights`).  Behaves as a
    read-only ``dict``: ``w["Burglary"]``, ``len(w)``, ``"Robbery" in w``.

    Attributes
    ----------
    weights : pandas.Series
        The weight of each crime type, indexed by crime type.
    source : str or None
        Where the weights come from (a citation or a file name), repeated in narratives.
    """

    weights: pd.Series = _r.unit("crime_type", frame="weight")
    source: str | None = _r.detail(default=None)

    def __getitem__(self, key) -> float:
        return float(self.weights.loc[key])

    def __iter__(self):
        return iter(self.weights.index)

    def __len__(self) -> int:
        return len(self.weights)

    def __repr__(self) -> str:
        w = self.weights
        src = "" if self.source is None else f", source={self.source!r}"
        return (f"HarmWeights({len(w)} crime types, weights {w.min():g} to {w.max():g}{src})")


def _weights_from(table, crime_type: str, weight: str, name: str):
    """(crime types, raw weights, what the weights are called) from a frame, Series or mapping."""
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        for argument, col in (("crime_type", crime_type), ("weight", weight)):
            _v.columns_present(table, _v.column_arguments(col, argument, several=False), name,
                               given=argument)
        return (list(table[crime_type]), table[weight].to_numpy(dtype=object),
                f"{name} column {weight!r}")
    if isinstance(table, pd.Series):
        return list(table.index), table.to_numpy(dtype=object), name
    if isinstance(table, Mapping):
        return list(table.keys()), np.array(list(table.values()), dtype=object), name
    raise TypeError(f"{name} must be a DataFrame, a pandas Series or a mapping of crime type to "
                    f"weight (got {type(table).__name__})")


def _as_weights(table, name: str, crime_type: str = "crime_type", weight: str = "weight",
                source=None) -> HarmWeights:
    import pandas as pd

    source = _v.optional_string(source, "source")
    if isinstance(table, HarmWeights):
        return table if source is None else dataclasses.replace(table, source=source)
    types, raw, what = _weights_from(table, crime_type, weight, name)
    if not types:
        raise ValueError(f"{name} has no crime types")
    missing = [i for i, t in enumerate(types)
               if t is None or (isinstance(t, float) and np.isnan(t))]
    if missing:
        raise ValueError(f"{name} has a missing crime type (row {missing[0]})")
    counts = pd.Series(types, dtype=object).value_counts(sort=False)
    if (counts > 1).any():
        repeated = ", ".join(f"{t!r} ({c} times)" for t, c in counts[counts > 1].items())
        raise ValueError(f"{name} must list each crime type once: {repeated}")
    values = np.empty(len(raw))
    for i, v in enumerate(raw):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.number)):
            raise TypeError(f"{what} must be numeric (crime type {types[i]!r}: {v!r})")
        values[i] = float(v)
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0) | (values > _v.MAX_WEIGHT))
    if bad.size:
        i = int(bad[0])
        most = f" and at most {_v.MAX_WEIGHT:g}" if values[i] > _v.MAX_WEIGHT else ""
        raise ValueError(f"{what} must be finite and >= 0{most} (crime type {types[i]!r}: "
                         f"{values[i]:g})")
    if not (values > 0).any():
        raise ValueError(f"{what} are all 0: a harm index needs a positive weight")
    series = pd.Series(values, index=pd.Index(types, dtype=object, name="crime_type"),
                       name="weight")
    return HarmWeights(weights=series, source=source)


def harm_weights(table, crime_type="crime_type", weight="weight", *, source=None) -> HarmWeights:
    """A validated table of harm weights: crime type -> weight.

    Parameters
    ----------
    table : DataFrame, Series or mapping
        The published weights: a DataFrame with a crime-type column and a weight column, a
        Series indexed by crime type, a ``dict``, or a :class:`HarmWeights` (returned as it is).
    crime_type, weight : str
        Column names in a DataFrame ``table``.
    source : str, optional
        Where the weights come from (e.g. "ONS Crime Severity Score weights, 2016"), kept with
        them and repeated in narratives.

    Returns
    -------
    HarmWeights
        A read-only mapping with ``weights`` (pandas Series) and ``source``.

    Raises
    ------
    ValueError
        A missing column, no crime types, a crime type missing or listed twice, a weight that
        is negative, NaN or infinite, or every weight 0.
    TypeError
        A ``table`` of another type, or a weight that is not a number.

    Notes
    -----
    scrutiny ships no weight table.  Load the published one: the ONS Crime Severity Score
    weights (one per Home Office offence code, from sentencing data) or the Cambridge Crime
    Harm Index (days of imprisonment at the starting point of the sentencing guidelines;
    Sherman, Neyroud & Neyroud 2016), mapped to the crime types of your data.

    References
    ----------
    Sherman L, Neyroud P, Neyroud E (2016). The Cambridge Crime Harm Index: measuring total harm
    from crime based on sentencing guidelines. Policing 10(3):171-183.
    Office for National Statistics (2016). Research outputs: developing a Crime Severity Score
    for England and Wales using data on crimes recorded by the police.

    Examples
    --------
    >>> from scrutiny.harm import harm_weights
    >>> w = harm_weights({"Burglary": 40.0, "Robbery": 365.0, "Shoplifting": 1.0},
    ...                  source="illustrative weights")
    >>> w["Robbery"], len(w)
    (365.0, 3)
    """
    for arg, value in (("crime_type", crime_type), ("weight", weight)):
        if not isinstance(value, str):
            raise TypeError(f"{arg} must be a column name (a string), got {value!r}")
    return _as_weights(table, "table", crime_type, weight, source)


def read_harm_weights(path, crime_type="crime_type", weight="weight", *, source=None,
                      **read_csv) -> HarmWeights:
    """Harm weights from a CSV file (see :func:`harm_weights`).

    Parameters
    ----------
    path : str or path-like
        The CSV file of published weights (for a spreadsheet, read it with
        ``pandas.read_excel`` and pass the frame to :func:`harm_weights`).
    crime_type, weight : str
        Its crime-type and weight columns.
    source : str, optional
        Where the weights come from; default: the file name.
    **read_csv
        Passed to ``pandas.read_csv`` (e.g. ``encoding``, ``skiprows``).

    Returns
    -------
    HarmWeights

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from scrutiny.harm import read_harm_weights
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "weights.csv"
    >>> _ = path.write_text("crime_type,weight\\nBurglary,40\\nRobbery,365\\n")
    >>> read_harm_weights(path)["Burglary"]
    40.0
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name (got {type(path).__name__})")
    table = _v.read_csv(path, "path", **read_csv)
    return harm_weights(table, crime_type, weight, source=str(path) if source is None else source)


# ---- long data ----------------------------------------------------------------------------

@dataclasses.dataclass
class _Long:
    """Rows of the frame that count, ready for the C core."""

    count: np.ndarray          # per row
    weight: np.ndarray         # per row
    type_code: np.ndarray      # per row, into types
    types: list                # crime types present (after dropping)
    type_weight: np.ndarray    # per type
    keep: np.ndarray           # rows of the frame used
    dropped: tuple             # crime types left out (no weight)
    dropped_count: float


def _column_name(value, name: str, df) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a column name (a string), got {value!r}")
    _v.columns_present(df, [value], "frame", name)
    return value


def _key_columns(by, df) -> list:
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(_v.column_names(by, "by"))
    for c in cols:
        _column_name(c, "by", df)
    return cols


def _row(frame, i: int):
    return frame.index[int(i)]


def _positive_column(value, name: str, frame) -> tuple[str, np.ndarray]:
    """The column named by ``value`` (the ``name`` argument) and its values, which must be
    positive and finite."""
    column = _column_name(value, name, frame)
    values = _v.numeric_column(frame, column)
    bad = np.flatnonzero(~np.isfinite(values) | (values <= 0))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name} column {column!r} must be positive and finite (row "
                         f"{_row(frame, i)!r}: {values[i]:g})")
    return column, values


def _long(frame, crime_type, count, weights, missing) -> tuple[_Long, HarmWeights]:
    """Validate the crime types, counts and weights of every row."""
    import pandas as pd

    w = _as_weights(weights, "weights")
    types_col = frame[crime_type]
    codes, uniques = pd.factorize(types_col.astype(object), sort=False)
    if (codes < 0).any():
        i = int(np.flatnonzero(codes < 0)[0])
        raise ValueError(f"crime_type column {crime_type!r} has a missing value (row "
                         f"{_row(frame, i)!r})")
    if count is None:
        x = np.ones(len(frame))
    else:
        x = _v.numeric_column(frame, count)
        bad = np.flatnonzero(~np.isfinite(x) | (x < 0) | (x != np.floor(x)))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"count column {count!r} must hold whole numbers >= 0 (row "
                             f"{_row(frame, i)!r}: {x[i]:g})")
    lookup = dict(zip(w.weights.index, w.weights.to_numpy()))
    present = np.array([t in lookup for t in uniques], dtype=bool)
    unknown = [uniques[j] for j in np.flatnonzero(~present)]
    if unknown and missing == "raise":
        shown = ", ".join(repr(t) for t in unknown[:8]) + (
            f" and {len(unknown) - 8} more" if len(unknown) > 8 else "")
        raise ValueError(f"weights has no weight for crime type(s) {shown} in column "
                         f"{crime_type!r}; add them to weights, or pass missing='drop' to "
                         f"leave them out")
    new_code = np.cumsum(present) - 1
    keep = present[codes]
    kept_types = [uniques[j] for j in np.flatnonzero(present)]
    if not kept_types:
        raise ValueError(f"weights has no weight for any crime type in column {crime_type!r}")
    type_weight = np.array([lookup[t] for t in kept_types], dtype=float)
    long = _Long(count=np.ascontiguousarray(x[keep]),
                 type_code=new_code[codes[keep]].astype(np.int64),
                 weight=np.ascontiguousarray(type_weight[new_code[codes[keep]]]),
                 types=kept_types, type_weight=type_weight, keep=keep, dropped=tuple(unknown),
                 dropped_count=float(x[~keep].sum()))
    return long, w


def _group_codes(frame, cols: list):
    """Group code of every row of the frame (0 when there are no key columns) and the group
    index (None without key columns)."""
    import pandas as pd

    if not cols:
        return np.zeros(len(frame), dtype=np.int64), None
    for c in cols:
        nan = frame[c].isna().to_numpy()
        if nan.any():
            raise ValueError(f"by column {c!r} has a missing value (row "
                             f"{_row(frame, np.flatnonzero(nan)[0])!r})")
    grouped = frame.groupby(cols, sort=True, observed=True)
    codes = grouped.ngroup().to_numpy().astype(np.int64)
    index = grouped.size().index
    if len(cols) == 1 and not isinstance(index, pd.MultiIndex):
        index = pd.Index(index, name=cols[0])
    return codes, index


def _labels(index) -> list:
    if index is None:
        return ["all"]
    return [", ".join(str(v) for v in k) if isinstance(k, tuple) else str(k) for k in index]


def _group_values(values: np.ndarray, codes: np.ndarray, groups: int, name: str, labels,
                  grouping: str = "by"):
    """One value per group from a per-row array, which must be constant within a group;
    ``grouping`` names the arguments that make the groups."""
    first = np.full(groups, np.nan)
    first[codes[::-1]] = values[::-1]
    differs = np.flatnonzero(values != first[codes])
    if differs.size:
        g = int(codes[differs[0]])
        raise ValueError(f"{name} must take one value per group (group {labels[g]!r} has "
                         f"{first[g]:g} and {values[differs[0]]:g}); the groups are those of "
                         f"{grouping}")
    return first


def _population(population, frame, codes_all, index, groups: int, labels):
    """Population per group: a column (constant within groups), a mapping or a number."""
    if population is None:
        return None
    if isinstance(population, str):
        _, values = _positive_column(population, "population", frame)
        return _group_values(values, codes_all, groups, f"population column {population!r}",
                             labels)
    if isinstance(population, Mapping) or _v.is_pandas(population):
        if index is None:
            raise ValueError("population must be a number or a column name when by is None")
        lookup = dict(population.items())
        absent = [labels[g] for g, k in enumerate(index) if k not in lookup]
        if absent:
            raise ValueError(f"population has no value for group(s) "
                             f"{', '.join(repr(a) for a in absent[:8])}")
        values = np.array([lookup[k] for k in index], dtype=object)
        try:
            arr = values.astype(float)
        except (TypeError, ValueError):
            raise TypeError("population must hold numbers") from None
    else:
        if groups != 1:
            raise ValueError("population must be a column name or a mapping from group to "
                             "population when by is given")
        arr = np.array([_v.number(population, "population", positive=True)])
    bad = np.flatnonzero(~np.isfinite(arr) | (arr <= 0))
    if bad.size:
        raise ValueError(f"population must be positive and finite (group "
                         f"{labels[int(bad[0])]!r}: {arr[bad[0]]:g})")
    return arr


def _prepare(frame, crime_type, count, weights, by, missing):
    """Validated rows, group codes and index of a frame."""
    _v.data_frame(frame, "frame")
    if len(frame) == 0:
        raise ValueError("frame is empty")
    crime_type = _column_name(crime_type, "crime_type", frame)
    if count is not None:
        count = _column_name(count, "count", frame)
    missing = _v.choice(missing, "missing", _MISSING)
    cols = _key_columns(by, frame)
    long, w = _long(frame, crime_type, count, weights, missing)
    codes_all, index = _group_codes(frame, cols)
    return long, w, cols, codes_all, index


# ---- harm index ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class HarmIndexResult(Result):
    """Harm-weighted totals per group with confidence intervals (see :func:`harm_index`).
    Floats for one group (``by=None``), arrays otherwise; ``to_frame()`` is a copy of
    ``table``.

    Attributes
    ----------
    harm : float or numpy.ndarray
        The harm, sum of weight x count, per group.
    variance : float or numpy.ndarray
        Sum of weight^2 x count, per group.
    se : float or numpy.ndarray
        The square root of ``variance``, per group.
    lower, upper : float or numpy.ndarray
        The interval of the harm per group, with a trailing axis (one column per level) when
        ``conf`` is a sequence.
    count : float or numpy.ndarray
        The crimes counted, per group.
    population : float, numpy.ndarray or None
        The population of each group (None without one).
    rate : float, numpy.ndarray or None
        Harm per ``per`` population, per group (None without a population).
    rate_lower, rate_upper : float, numpy.ndarray or None
        The interval of the rate, as ``lower``, ``upper``.
    conf : float or tuple of float
        The confidence level(s).
    per : float
        The multiplier of ``rate``.
    method : str
        The interval method.
    max_weight : float
        The largest weight of a crime type counted.
    dropped : tuple
        Crime types left out for want of a weight.
    dropped_count : float
        The crimes of those types.
    table : pandas.DataFrame
        One row per group (and level): the ``by`` columns, count, harm, variance, limits and
        rates.
    by_type : pandas.DataFrame
        One row per crime type: count, weight, harm and the shares of each (hidden from the
        displays).
    source : str or None
        Where the weights come from (hidden from the displays).
    labels : list
        The name of each group ("West / Redditch" for several ``by`` columns; ``table`` has
        the ``by`` columns themselves).
    """

    harm: float | np.ndarray = _r.unit("group")
    variance: float | np.ndarray = _r.unit("group")
    se: float | np.ndarray = _r.unit("group")
    lower: float | np.ndarray = _r.per_level("group")
    upper: float | np.ndarray = _r.per_level("group")
    count: float | np.ndarray = _r.unit("group")
    population: float | np.ndarray | None = _r.unit("group")
    rate: float | np.ndarray | None = _r.unit("group")
    rate_lower: float | np.ndarray | None = _r.per_level("group")
    rate_upper: float | np.ndarray | None = _r.per_level("group")
    conf: float | tuple = _r.levels()
    per: float = _r.scalar()
    method: str = _r.scalar()
    max_weight: float = _r.scalar()
    dropped: tuple = _r.detail()
    dropped_count: float = _r.scalar()
    table: pd.DataFrame = _r.table()
    by_type: pd.DataFrame = _r.hidden()
    source: str | None = _r.hidden()
    labels: list = _r.label()

    def plot(self, ax=None):
        """Harm (or harm rate) per group with its interval; for a single group, each crime
        type's share of the harm beside its share of the crimes.  Returns the Axes."""
        from .graphics.harm import harm_chart

        return harm_chart(self, ax=ax)

    def narrative(self, unit: str = "population") -> str | list[str]:
        """The harm in careful plain English: each group's harm (and rate per ``per``
        ``unit``) with its interval.  For a single total, also the crime type that carries most
        of the harm and any crime types left out for want of a weight; for several groups, a
        list with one sentence per group."""
        t = self.table
        level = self.conf[0] if isinstance(self.conf, tuple) else self.conf
        if isinstance(self.conf, tuple):
            t = t[t["conf"] == level]
        weights = self.source or "the harm weights"
        method = self.method.split(" ")[0]
        scalar = np.ndim(self.harm) == 0
        lines = []
        for label, row in zip(self.labels, t.itertuples(index=False)):
            text = (f"the harm index, weighted by {weights}, is {_n.number(row.harm)} "
                    f"({_n.interval(row.lower, row.upper, level)}; {method} interval) from "
                    f"{_n.plural(row.count, 'crime')}")
            if self.rate is not None:
                text += (f": {_n.rate(row.rate, self.per, unit)} "
                         f"({_n.interval(row.rate_lower, row.rate_upper, level)})")
            lines.append(_n.prefix(None if scalar else label, text + "."))
        if scalar:
            top = self.by_type.iloc[0]
            lines.append(f"{top['crime_type']} carries {_n.percent(top['harm_share'], 0)} of "
                         f"the harm and {_n.percent(top['count_share'], 0)} of the crimes.")
            if self.dropped:
                lines.append(f"{_n.capital(_n.plural(self.dropped_count, 'crime'))} of types "
                             f"without a weight {_n.agree(self.dropped_count, 'was', 'were')} "
                             f"left out ({_n.listing(self.dropped)}).")
            return " ".join(lines)
        return lines


def _by_type(long: _Long):
    """Count, weight, harm and shares per crime type (sorted by harm, largest first)."""
    import pandas as pd

    n_types = len(long.types)
    total, harm, _ = _harm_sums(long, long.type_code, n_types)
    frame = pd.DataFrame({
        "crime_type": np.array(long.types, dtype=object), "weight": long.type_weight,
        "count": total, "harm": harm,
        "harm_share": harm / harm.sum() if harm.sum() > 0 else np.full(n_types, np.nan),
        "count_share": total / total.sum() if total.sum() > 0 else np.full(n_types, np.nan),
    })
    return frame.sort_values("harm", ascending=False, kind="stable").reset_index(drop=True)


def _dobson(long: _Long, codes, groups, levels):
    """Dobson limits of the harm totals through scrutiny.rates.dsr: the harm is a directly
    standardised rate over unit populations whose standard population is the weights."""
    n_types = len(long.types)
    mat = np.zeros((groups, n_types))
    np.add.at(mat, (codes, long.type_code), long.count)
    res = dsr(mat, np.ones_like(mat), long.type_weight, conf=list(levels),
              per=float(long.type_weight.sum()), min_count=1)
    return (np.asarray(res.lower).reshape(groups, -1),
            np.asarray(res.upper).reshape(groups, -1))


def _harm_sums(long, codes, groups: int):
    """Counts, harm and its variance summed per group by the core; sums beyond a double are a
    ValueError naming the count and the weights."""
    with _v.core_domain("count and weights"):
        return _core.harm_sums(long.count, long.weight, codes, groups)


def harm_index(frame, crime_type, count, weights, by=None, population=None, per=1000,
               conf=0.95, method="gamma", missing="raise", *, threads=None) -> HarmIndexResult:
    """Harm-weighted totals and rates per group, with confidence intervals that account for
    the weights.

    Parameters
    ----------
    frame : pandas.DataFrame
        Crimes in long form: one row per crime (``count=None``) or per group and crime type.
    crime_type : str
        The column of crime types, matched exactly to the crime types of ``weights``.
    count : str or None
        The column of counts (whole numbers >= 0), or None when each row is one crime.
    weights : HarmWeights, DataFrame, Series or mapping
        The harm weight of each crime type (see :func:`harm_weights`).
    by : str or list of str, optional
        Columns that define the groups (areas, periods).  None: one total.
    population : str, mapping or float, optional
        The population (or other exposure) of each group: a column that takes one value per
        group, a mapping (or Series) from group to population, or a number when ``by`` is None.
        Gives harm rates per ``per``.
    per : float
        Rates per this many of the population (default 1,000).
    conf : float or sequence of float
        Confidence level(s) in (0, 1); a sequence adds a column per level to the limits.
    method : {"gamma", "normal", "dobson"}
        The interval: Fay & Feuer's gamma interval (default), the normal approximation, or
        Dobson's (as PHEindicatormethods' directly standardised rates).
    missing : {"raise", "drop"}
        A crime type in the data with no weight raises a ValueError naming it; ``"drop"``
        leaves its crimes out (listed in ``dropped`` and in the narrative).
    threads : int, optional
        Threads for the intervals (default: all cores).

    Returns
    -------
    HarmIndexResult
        ``harm``, ``variance``, ``se``, ``lower``, ``upper``, ``count``, ``population``,
        ``rate``, ``rate_lower``, ``rate_upper`` (None without a population), ``conf``, ``per``,
        ``method``, ``max_weight`` (wM), ``dropped`` (crime types left out) and
        ``dropped_count`` (their crimes), ``table`` (one row per group, and per level: the
        ``by`` columns, then the numbers), ``by_type`` (one row per crime type: ``count``,
        ``weight``, ``harm``, ``harm_share``, ``count_share``).

    Raises
    ------
    ValueError
        A missing column, a missing crime type or group key, a count that is not a whole number
        >= 0, a crime type without a weight (``missing="raise"``), a population that is not
        positive or differs within a group, ``conf`` outside (0, 1), an unknown ``method`` or
        ``missing``, bad weights (see :func:`harm_weights`).
    TypeError
        ``frame`` not a DataFrame, a column name that is not a string, non-numeric counts,
        population or weights.

    Notes
    -----
    For group g with counts x_c of crime types c and weights w_c: harm H = sum w_c x_c,
    variance V = sum w_c^2 x_c (the unbiased estimate of the compound-Poisson variance
    sum w_c^2 lambda_c), se = sqrt(V); rates are H per / P with limits scaled the same way.

    * ``"gamma"`` (Fay & Feuer 1997): lower = G^-1(a; H^2/V) V/H, upper =
      G^-1(1 - a; (H + wM)^2/(V + wM^2)) (V + wM^2)/(H + wM), with a = (1 - conf)/2, G the
      Gamma(shape, 1) distribution function and wM the largest weight among the crime types in
      the data (every group's, since a type absent from a group's rows could have occurred
      there).  Exact when every weight is the same; conservative otherwise.  With H = 0 the limits
      are 0 and -wM log(a).  This is epitools' ``ageadjust.direct`` with the weights as the
      standard weights over unit populations.
    * ``"normal"``: H -+ z sqrt(V), the lower limit kept >= 0; adequate for large counts.
    * ``"dobson"``: H + sqrt(V / X) (B(X) - X), X = sum x and B Byar's limits of X (Dobson et
      al. 1991; PHEindicatormethods' ``calculate_dsr``; undefined with no crimes).  It can be
      too narrow when a few heavily weighted crimes dominate.

    References
    ----------
    Fay MP, Feuer EJ (1997). Confidence intervals for directly standardized rates: a method
    based on the gamma distribution. Statistics in Medicine 16:791-801.
    Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991). Statistics in Medicine 10:457-462.
    Sherman L, Neyroud P, Neyroud E (2016). Policing 10(3):171-183.

    Examples
    --------
    >>> import pandas as pd
    >>> from scrutiny.harm import harm_index
    >>> crimes = pd.DataFrame({"type": ["Burglary", "Robbery", "Shoplifting"],
    ...                        "n": [120, 14, 310]})
    >>> res = harm_index(crimes, "type", "n", {"Burglary": 40, "Robbery": 365, "Shoplifting": 1},
    ...                  population=84500)
    >>> res.harm, round(res.se, 1), round(res.rate, 2)
    (10220.0, 1434.4, 120.95)
    >>> round(res.lower, 1), round(res.upper, 1)
    (7603.9, 13676.7)
    """
    method = _v.choice(method, "method", _CI_METHODS)
    levels, several = _v.conf_levels(conf)
    per = _v.number(per, "per", positive=True)
    nthreads = _v.threads(threads)
    long, w, cols, codes_all, index = _prepare(frame, crime_type, count, weights, by, missing)
    codes = codes_all[long.keep]
    groups = 1 if index is None else len(index)
    labels = _labels(index)
    pop = _population(population, frame, codes_all, index, groups, labels)
    max_weight = float(long.type_weight.max())
    total, harm, var = _harm_sums(long, codes, groups)
    with _v.core_domain("count and weights"):
        if method == "dobson":
            lower, upper = _dobson(long, codes, groups, levels)
        else:
            lower, upper = _core.harm_ci(harm, var, np.ones(groups), max_weight, levels,
                                         _o.HARM_CI_METHOD.codes[method], nthreads)
    scale = None if pop is None else per / pop
    table = _index_table(index, cols, total, harm, var, lower, upper, pop, scale, levels)
    single = index is None

    def out(a, per_level=False):
        if a is None:
            return None
        if per_level and not several:
            a = a[:, 0]
        return float(a[0]) if single and a.ndim == 1 else (a[0] if single else a)

    rate = None if pop is None else harm * scale
    return HarmIndexResult(
        harm=out(harm), variance=out(var), se=out(np.sqrt(var)), lower=out(lower, True),
        upper=out(upper, True), count=out(total), population=out(pop), rate=out(rate),
        rate_lower=None if pop is None else out(lower * scale[:, None], True),
        rate_upper=None if pop is None else out(upper * scale[:, None], True),
        conf=tuple(float(c) for c in levels) if several else float(levels[0]), per=per,
        method={"gamma": "gamma (Fay-Feuer)", "normal": "normal",
                "dobson": "Dobson"}[method],
        max_weight=max_weight, dropped=long.dropped, dropped_count=long.dropped_count,
        table=table, by_type=_by_type(long), source=w.source, labels=labels)


def _group_frame(index, cols, total, harm, var):
    """One row per group: the key columns, count, harm, variance."""
    import pandas as pd

    if index is None:
        frame = pd.DataFrame(index=range(1))
    elif isinstance(index, pd.MultiIndex):
        frame = index.to_frame(index=False)
    else:
        frame = pd.DataFrame({cols[0]: index.to_numpy()})
    frame["count"] = total
    frame["harm"] = harm
    frame["variance"] = var
    return frame


def _index_table(index, cols, total, harm, var, lower, upper, pop, scale, levels):
    frame = _group_frame(index, cols, total, harm, var)
    frame["se"] = np.sqrt(var)
    if pop is not None:
        frame["population"] = pop
        frame["rate"] = harm * scale
    m = len(levels)
    out = frame.loc[np.repeat(np.arange(len(frame)), m)].reset_index(drop=True)
    out["conf"] = np.tile(np.asarray(levels, dtype=float), len(frame))
    out["lower"] = lower.reshape(-1)
    out["upper"] = upper.reshape(-1)
    if pop is not None:
        out["rate_lower"] = (lower * scale[:, None]).reshape(-1)
        out["rate_upper"] = (upper * scale[:, None]).reshape(-1)
    return out


# ---- harm funnel --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class HarmFunnelResult(FunnelResult):
    """A funnel plot of harm rates (see :func:`harm_funnel`): a :class:`FunnelResult` whose
    values and limits are harm per unit of population.  ``table`` shows rates and limits per
    ``per``; ``to_frame()`` is a copy of it.

    Attributes
    ----------
    target : float
        The centre line: the force-wide harm per unit of population.
    z : numpy.ndarray
        Each area's z-score.
    phi, tau2 : float
        The multiplicative and additive overdispersion (1 and 0 without).
    levels : tuple of float
        The control-limit levels.
    lower, upper : numpy.ndarray
        The limits per unit of population at each area's population, areas x levels.
    flag : numpy.ndarray
        Per area ``"within"``, or the side and widest level crossed.
    table : pandas.DataFrame
        One row per area: the ``by`` columns, count, harm, variance, population, harm per
        ``per``, z, the limits per ``per`` at each level, flag.
    value : numpy.ndarray
        Each area's harm per unit of population.
    se : numpy.ndarray
        The standard error of each area's value around the target (hidden from the displays).
    kind, method : str
        ``"rate"`` and ``"normal"``.
    overdispersion : str or None
        ``"multiplicative"``, ``"additive"`` or None.
    trim : float
        The share of extreme z-scores trimmed in estimating overdispersion.
    pooled_target : bool
        Whether the target is the pooled value.
    numerator, denominator : numpy.ndarray
        The harm and the population of each area (hidden from the displays).
    per : float
        The population multiplier of the table, ``narrative()`` and the charts (``target``,
        ``value``, the limits and ``curve()`` stay per unit of population).
    labels : list
        The areas' names ("West / Redditch" for several ``by`` columns; ``table`` has the
        ``by`` columns themselves).
    count : numpy.ndarray
        The crimes counted per area (hidden from the displays).
    variance : numpy.ndarray
        Sum of weight^2 x count per area (hidden from the displays).
    dispersion : float
        The force-wide k = sum w^2 x / sum w x.
    dropped : tuple
        Crime types left out for want of a weight.
    source : str or None
        Where the weights come from (hidden from the displays).
    """

    count: np.ndarray = _r.hidden()
    variance: np.ndarray = _r.hidden()
    dispersion: float = _r.scalar()
    dropped: tuple = _r.detail()
    source: str | None = _r.hidden()

    def _scaled(self) -> float:
        """``target``, ``value`` and the limits are per unit of population (``per`` applies
        to the table, narrative and charts only)."""
        return 1.0

    def curve(self, n_points: int = 200):
        """Limits over a grid of populations (per unit of population, as ``value``): see
        :meth:`FunnelResult.curve`."""
        k = self.dispersion
        scaled = dataclasses.replace(self, target=self.target / k, tau2=self.tau2 / k**2)
        frame = FunnelResult.curve(scaled, n_points)
        for col in ("target", "lower", "upper"):
            frame[col] = frame[col] * k
        return frame

    def plot(self, ax=None, n_points: int = 200):
        """Draw the funnel with harm per ``per`` on the vertical axis; returns the Axes."""
        from .graphics.harm import harm_funnel_chart

        return harm_funnel_chart(self, ax=ax, n_points=n_points)

    def narrative(self, measure: str | None = None, reference: str | None = None,
                  per: float | None = None, which: str = "all", **options) -> str:
        """Each area's harm rate in careful plain English (see :meth:`FunnelResult.narrative`,
        which takes the other ``options``; by default the measure is "harm rate", shown per
        ``per``)."""
        if reference is None:
            reference = "overall harm rate" if self.pooled_target else "target"
        return super().narrative(measure=measure or "harm rate", reference=reference,
                                 per=self.per if per is None else per, which=which, **options)


def harm_funnel(frame, crime_type, count, weights, by, population, target=None,
                levels=_funnel.LEVELS, overdispersion=None, trim=0.1, per=1000,
                missing="raise", *, conf=None) -> HarmFunnelResult:
    """Funnel plot of harm rates across areas, with limits from the weighted variance.

    Parameters
    ----------
    frame, crime_type, count, weights, missing
        As :func:`harm_index`.
    by : str or list of str
        The columns that define the areas.
    population : str or mapping
        Each area's population: a column that takes one value per area, or a mapping (or
        Series) from area to population.
    target : float, optional
        The centre line in harm per ``per`` of the population.  Default: the force-wide rate,
        sum of harm / sum of population.
    levels : sequence of float
        Two-sided limit levels in (0, 1), distinct; default (0.95, 0.998).  ``conf=`` is the
        same argument under the house's name.
    overdispersion : {None, "multiplicative", "additive"}
        As :func:`scrutiny.disparity.funnel` (``phi`` and ``tau2`` are reported either way).
    trim : float
        Fraction winsorised at each end before estimating overdispersion, in [0, 0.5).
    per : float
        Rates are reported per this many of the population (default 1,000) in the table, the
        narrative and the plot.
    conf : sequence of float, optional
        The same as ``levels`` (give one of them).

    Returns
    -------
    HarmFunnelResult
        As :class:`~scrutiny.disparity.FunnelResult` (``target``, ``z``, ``phi``, ``tau2``,
        ``levels``, ``lower``, ``upper``, ``flag``, ``table``, ``curve()``, ``plot()``,
        ``narrative()``), plus ``per``, ``count``, ``variance``, ``dispersion``, ``dropped``.

    Raises
    ------
    ValueError, TypeError
        As :func:`harm_index`; also no harm at all, an unknown ``overdispersion``, ``trim``
        outside [0, 0.5), ``levels`` outside (0, 1) or repeated, a ``target`` that is not
        positive, or overdispersion with fewer than three areas.

    Notes
    -----
    Under the hypothesis that every area has the force-wide rate of each crime type, the
    expected count of type c in area i is lambda_ic = P_i X_c / P (X_c the force total of type
    c, P the force population), so area i's harm rate H_i / P_i has mean r0 = H / P and
    variance sum_c w_c^2 lambda_ic / P_i^2 = v0 / P_i, with v0 = V / P (H, V the force's sum
    w x and sum w^2 x).  The limits are the normal approximation r0 -+ q sqrt(v0 / P_i): a
    rate funnel (``funnel(kind="rate", method="normal")``) whose Poisson variance r0 / P_i is
    replaced by the compound-Poisson variance, i.e. multiplied by k = v0 / r0 = V / H, and
    z_i = (H_i / P_i - r0) / sqrt(v0 / P_i).  With a given target, v0 = k r0.  Overdispersion
    (Spiegelhalter 2005) is estimated from these z-scores exactly as in ``funnel``; ``tau2`` is
    on the scale of the harm rate per unit of population.  The normal approximation needs
    enough crimes per area for the weighted sum to be near normal.  The harm is skewed to the
    right when a rare crime type carries much of the variance: in simulations with such a type
    (weight 5,475, a few expected per area) about 4.5% of areas fell outside the 95% limits
    but 0.5% outside the 99.8% limits, against 0.2% expected, so treat a single area just
    beyond the upper 99.8% limit with caution.

    References
    ----------
    Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Statistics
    in Medicine 24:1185-1202; Handling over-dispersion of performance indicators. Quality and
    Safety in Health Care 14:347-351.

    Examples
    --------
    >>> import pandas as pd
    >>> from scrutiny.harm import harm_funnel
    >>> crimes = pd.DataFrame({
    ...     "area": ["A"] * 2 + ["B"] * 2 + ["C"] * 2,
    ...     "type": ["Burglary", "Shoplifting"] * 3,
    ...     "n": [52, 130, 31, 95, 88, 171],
    ...     "pop": [41200] * 2 + [35800] * 2 + [52100] * 2})
    >>> res = harm_funnel(crimes, "type", "n", {"Burglary": 40, "Shoplifting": 1}, "area", "pop")
    >>> res.flag.tolist()
    ['within', 'low (95%)', 'high (95%)']
    >>> round(1000 * res.target, 1), round(res.dispersion, 2)
    (56.0, 37.87)
    """
    if overdispersion is not None:
        overdispersion = _v.choice(overdispersion, "overdispersion", _o.OVERDISPERSION.names[1:])
    trim = _v.number_in(trim, "trim", 0.0, 0.5)
    level_arr, _ = _funnel.levels(levels, conf)
    per = _v.number(per, "per", positive=True)
    if by is None:
        raise ValueError("by must name the column(s) that define the areas")
    long, w, cols, codes_all, index = _prepare(frame, crime_type, count, weights, by, missing)
    areas = len(index)
    labels = _labels(index)
    if population is None:
        raise ValueError("population must give each area's population (a column or mapping)")
    pop = _population(population, frame, codes_all, index, areas, labels)
    total, harm, var = _harm_sums(long, codes_all[long.keep], areas)
    if overdispersion is not None and areas < 3:
        raise ValueError(f"by must define at least 3 areas to estimate overdispersion "
                         f"(got {areas})")
    if not harm.sum() > 0:
        raise ValueError("frame has no harm: every weighted count is 0")
    k = float(var.sum() / harm.sum())
    if target is None:
        r0, pooled = float(harm.sum() / pop.sum()), True
    else:
        r0, pooled = _v.number(target, "target", positive=True) / per, False
    # A rate funnel on harm / k: its Poisson variance times k is the compound-Poisson one.
    given = "population, count and weights" if pooled else "target, per and population"
    with _v.core_domain(given):
        fit = _funnel.fit(harm / k, pop, "rate", "normal", overdispersion, r0 / k, trim,
                          level_arr)
    z, se, phi = fit["z"], fit["s"], fit["phi"]
    lower, upper, tau2 = fit["lower"] * k, fit["upper"] * k, fit["tau2"] * k * k
    value = harm / pop
    flag = _funnel.flags(value[:, None] > upper, value[:, None] < lower, level_arr)
    levels_out = tuple(float(v) for v in level_arr)
    table = _funnel_table(index, cols, total, harm, var, pop, value, z, lower, upper, flag,
                          levels_out, per)
    return HarmFunnelResult(
        target=r0, z=z, phi=float(phi), tau2=float(tau2), levels=levels_out, lower=lower,
        upper=upper, flag=flag, table=table, value=value, se=se * k, kind="rate",
        method="normal", overdispersion=overdispersion, trim=trim, pooled_target=pooled,
        numerator=harm, denominator=pop, labels=labels, per=per, count=total, variance=var,
        dispersion=k, dropped=long.dropped, source=w.source)


def _funnel_table(index, cols, total, harm, var, pop, value, z, lower, upper, flag, levels,
                  per):
    table = _group_frame(index, cols, total, harm, var)
    table["population"] = pop
    table[f"harm per {per:,g}"] = value * per
    table["z"] = z
    for j, level in enumerate(levels):
        table[f"lower ({_level_label(level)})"] = lower[:, j] * per
        table[f"upper ({_level_label(level)})"] = upper[:, j] * per
    table["flag"] = flag
    return table


# ---- harm trend ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, repr=False)
class HarmTrendResult(LogLinearTrend, Result):
    """A trend in a harm series (see :func:`harm_trend`).  Floats and Series for one series,
    arrays and DataFrames for several.

    Attributes
    ----------
    rate_ratio : float or numpy.ndarray
        The harm ratio per unit of time, per series.
    lower, upper : float or numpy.ndarray
        Its interval at ``conf``, per series.
    pvalue : float or numpy.ndarray
        The p-value of the time coefficient, per series.
    percent_change : float or numpy.ndarray
        100 (rate_ratio - 1), per series.
    params, bse, pvalues : pandas.Series or pandas.DataFrame
        The coefficients on the log scale, their standard errors and p-values (a Series by
        term for one series, a DataFrame series x terms for several).
    compound_dispersion : float or numpy.ndarray
        k = sum w^2 x / sum w x, per series.
    dispersion : float or numpy.ndarray
        Pearson chi-square / df of the Poisson fit, per series.
    scale : float or numpy.ndarray
        The variance multiplier used, per series.
    nobs : int or numpy.ndarray
        The periods used, per series.
    status : str or numpy.ndarray
        ``"ok"`` or why the series could not be fitted, per series.
    method : str
        How the trend and its interval are computed.
    conf : float
        The confidence level of the intervals.
    mann_kendall : scrutiny.trend.MannKendallResult or scrutiny.trend.SeasonalMannKendallResult
        The (seasonal) Mann-Kendall test on the same series (hidden from the displays).
    sen : scrutiny.trend.SenSlopeResult
        Sen's slope of the same series (hidden from the displays).
    harm, variance, exposure : pandas.Series or pandas.DataFrame
        The series (periods as columns for several; hidden from the displays).
    t : numpy.ndarray
        The time of each period (hidden from the displays): whole periods since the first
        for dates and periods (gaps count), in units of ``per`` when it is given.
    dropped : tuple
        Crime types left out for want of a weight.
    source : str or None
        Where the weights come from (hidden from the displays).
    per : str
        The unit of time of ``rate_ratio`` and Sen's slope: ``per`` as given, else the
        periods' frequency (``"month"``, ``"quarter"``, ...) for dates and periods, else
        ``"period"``.
    times : pandas.DatetimeIndex, pandas.PeriodIndex or None
        The periods as given, for dates and periods (hidden from the displays).
    labels : pandas.Index or None
        The series' ``by`` keys (a MultiIndex for several ``by`` columns; None without
        ``by``): ``to_frame()``'s first columns.
    """

    compound_dispersion: float | np.ndarray = _r.series()
    dispersion: float | np.ndarray = _r.series()
    scale: float | np.ndarray = _r.series()
    nobs: int | np.ndarray = _r.series()
    status: str | np.ndarray = _r.series()
    method: str = _r.scalar()
    conf: float = _r.levels()
    mann_kendall: MannKendallResult | SeasonalMannKendallResult = _r.hidden()
    sen: SenSlopeResult = _r.hidden()
    harm: pd.Series | pd.DataFrame = _r.hidden()
    variance: pd.Series | pd.DataFrame = _r.hidden()
    exposure: pd.Series | pd.DataFrame = _r.hidden()
    t: np.ndarray = _r.hidden()
    dropped: tuple = _r.detail()
    source: str | None = _r.hidden()
    per: str = _r.scalar()
    times: pd.Index | None = _r.hidden()
    labels: pd.Index | None = _r.label()

    def _series_labels(self) -> list:
        return _labels(None if np.ndim(self.rate_ratio) == 0 else self.labels)

    def to_frame(self):
        """One row per series: the ``by`` columns and its name (``series``), the log-linear
        trend, its dispersion, and the Mann-Kendall and Sen results (``mk_trend``, ``mk_z``,
        ``mk_pvalue``, ``sen_slope``, ``sen_lower``, ``sen_upper``)."""
        frame = super().to_frame()
        if "series" in frame:
            frame["series"] = self._series_labels()
        else:
            frame.insert(self.labels.nlevels, "series", self._series_labels())
        mk, sen = self.mann_kendall, self.sen
        for name, value in (("mk_trend", mk.trend), ("mk_z", mk.z), ("mk_pvalue", mk.pvalue),
                            ("sen_slope", sen.slope), ("sen_lower", sen.lower),
                            ("sen_upper", sen.upper)):
            frame[name] = np.atleast_1d(value)
        return frame

    def narrative(self, unit: str | None = None, adjust=None) -> str | list[str]:
        """The trend per ``unit`` of time in words (default ``per``: "month" for monthly
        dates or periods), as
        :meth:`scrutiny.models.CountTrendResult.narrative` (``adjust`` decides on p-values
        adjusted across series), followed by the rank-based Mann-Kendall test's finding and
        how much the harm weights widen the interval.  A list with one entry per series when
        there are several."""
        scalar = np.ndim(self.rate_ratio) == 0
        labels = None if scalar else self._series_labels()
        lines = super().narrative(unit=self.per if unit is None else unit, labels=labels,
                                  measure="harm", adjust=adjust)
        lines = [lines] if scalar else list(lines)
        k = len(lines)
        status = _n.flat(self.status, k)
        mk_trend = _n.flat(self.mann_kendall.trend, k)
        mk_p = _n.flat(self.mann_kendall.pvalue, k).astype(float)
        pct = _n.flat(self.percent_change, k).astype(float)
        kk = _n.flat(self.compound_dispersion, k).astype(float)
        scale = _n.flat(self.scale, k).astype(float)
        alpha = self.mann_kendall.alpha
        test = "Mann-Kendall" if isinstance(self.mann_kendall, MannKendallResult) else \
            "seasonal Mann-Kendall"
        for i in range(k):
            if status[i] != "ok":
                continue
            if mk_trend[i] in ("no trend", "undefined") or not mk_p[i] < alpha:
                mk = (f"the {test} test finds {_n.no_evidence('a monotonic trend', alpha)} "
                      f"({_n.p_text(mk_p[i], alpha)})")
            else:
                agrees = (mk_trend[i] == "increasing") == (pct[i] > 0)
                mk = (f"the {test} test finds {'an' if mk_trend[i][0] == 'i' else 'a'} "
                      f"{mk_trend[i]} trend{' too' if agrees else ''} "
                      f"({_n.p_text(mk_p[i], alpha)})")
            lines[i] += (f" {_n.capital(mk)}. The interval allows for the harm weights: the "
                         f"variance of the harm is {_n.number(scale[i])} times its mean "
                         f"(compound-Poisson dispersion {_n.number(kk[i])}).")
        return _n.one_or_many(lines, scalar)

    def plot(self, ax=None):
        """Harm (or harm rate) per period and the fitted trend of a single series; returns the
        Axes."""
        from .graphics.harm import harm_trend_chart

        return harm_trend_chart(self, ax=ax)


def _time_index(frame, time: str):
    """Time code of every row, the sorted distinct times, their t values and their time axis
    (None but for dates and periods): whole periods since the first for dates and periods (a
    missing month is a step of 2), the values for numbers, positions otherwise."""
    import pandas as pd

    col = frame[time]
    nan = col.isna().to_numpy()
    if nan.any():
        raise ValueError(f"time column {time!r} has a missing value (row "
                         f"{_row(frame, np.flatnonzero(nan)[0])!r})")
    codes, uniques = pd.factorize(col, sort=True)
    times = pd.Index(uniques)
    axis = None
    if is_time_index(times):
        axis = time_axis(times, f"time column {time!r}")
        t = axis.t
    elif col.dtype.kind in "iuf":
        t = times.to_numpy(dtype=float)
    else:
        t = np.arange(len(times), dtype=float)
    return codes.astype(np.int64), times, t, axis


def harm_trend(frame, crime_type, count, weights, time, by=None, exposure=None, period=None,
               conf=0.95, dispersion="estimate", alpha=0.05, missing="raise", *,
               errors="coerce", threads=None, per=None) -> HarmTrendResult:
    """Trend in a harm series: a log-linear trend whose variance accounts for the harm
    weights, with the rank-based Mann-Kendall test and Sen's slope beside it.

    Parameters
    ----------
    frame, crime_type, count, weights, missing
        As :func:`harm_index`.
    time : str
        The column of periods (e.g. a monthly ``Period``, a year, a date).  Periods and dates
        are read as a time axis (the frequency inferred from month starts, month ends, weekly
        or daily dates) and spaced by whole periods, so a missing month counts as a gap;
        numbers are spaced by their values; other values are taken as consecutive, in sorted
        order.
    by : str or list of str, optional
        Columns that define separate series (e.g. areas), all fitted in one call.
    exposure : str, optional
        A column giving the population (or other exposure) of each series and period (one value
        per series and period); enters as the offset log(exposure).  Without it, a period with
        no rows for a series has harm 0; with it, such a period is left out (its exposure is
        unknown).
    period : int, optional
        Season length (e.g. 12 for monthly data): season dummies from the calendar for dates
        and periods (months "Jan" to "Dec", quarters "Q1" to "Q4"), else by position modulo
        ``period``.
    conf : float
        Confidence level of the intervals, in (0, 1).
    dispersion : {"estimate", "compound"}
        ``"compound"``: the variance is k mu, the compound-Poisson variance alone (normal
        intervals).  ``"estimate"`` (default): max(k, Pearson chi-square / df) mu, so extra
        variation between periods also widens the interval (Student t intervals, as R's
        quasi-Poisson GLM), never narrower than the weights alone imply.
    alpha : float
        Significance level of the Mann-Kendall test.
    errors : {"coerce", "raise"}
        A series that cannot be fitted gets NaN results and its ``status`` (``"coerce"``; e.g.
        ``"no harm"`` when every weighted count is 0, ``"too short"``) or raises
        (``"raise"``).
    threads : int, optional
        Threads for the fits (default: all cores).
    per : {"month", "quarter", "year", "week", "day"}, optional
        With dates or periods in ``time``: the unit of time of the trend and Sen's slope
        (default the periods' own, e.g. ``"year"`` reports a monthly series' harm ratio per
        year, the monthly ratio to the 12th power).  Refused for other times.

    Returns
    -------
    HarmTrendResult
        ``rate_ratio`` (exp of the coefficient of time: the ratio of harm from one period to
        the next, or per ``per``), ``lower``, ``upper``, ``pvalue``, ``percent_change``, ``params``, ``bse``,
        ``pvalues`` (terms ``"intercept"``, ``"t"``, ``"season_<j>"``), ``compound_dispersion``,
        ``dispersion``, ``scale``, ``nobs``, ``status``, ``mann_kendall``
        (:class:`~scrutiny.trend.MannKendallResult`, or
        :class:`~scrutiny.trend.SeasonalMannKendallResult` with ``period``), ``sen``
        (:class:`~scrutiny.trend.SenSlopeResult`, per unit of ``t``), ``harm``, ``variance``.

    Raises
    ------
    ValueError, TypeError
        As :func:`harm_index`; also a missing time, an exposure that is not positive or differs
        within a series and period, fewer periods than coefficients + 1, an unknown
        ``dispersion``, ``conf`` or ``alpha`` outside (0, 1).

    Notes
    -----
    log E[H_t] = log(exposure_t) + b0 + b1 t (+ season effects), fitted by the Poisson
    quasi-likelihood equations X'(H - mu) = 0, which need no integer counts and give the same
    coefficients whatever the scale of the weights.  If the mix of crime types is stable,
    Var(H_t) = sum_c w_c^2 lambda_ct = k mu_t with k = sum_c w_c^2 lambda_c / sum_c w_c
    lambda_c, estimated by k = sum_t V_t / sum_t H_t (V_t = sum_c w_c^2 x_ct).  The covariance
    of the coefficients is s (X' diag(mu) X)^-1 with s = k (``"compound"``) or s = max(k,
    X^2 / (n - p)), X^2 the Pearson statistic sum (H - mu)^2 / mu (``"estimate"``): R's
    ``summary(glm(H ~ t, family = quasipoisson), dispersion = k)`` and the quasi-Poisson
    summary.  A plain Poisson trend on the harm would use s = 1 and, with weights in days of
    imprisonment, claim trends that are noise.  The Mann-Kendall test and Sen's slope are
    applied to the harm (per unit of exposure) as they stand (with ``period``, the seasonal
    Hirsch-Slack test): rank-based, they need no variance model, but they do assume
    independent periods.

    References
    ----------
    McCullagh P, Nelder JA (1989) Generalized Linear Models, 2nd ed., ch. 9.
    Sherman L, Neyroud P, Neyroud E (2016). Policing 10(3):171-183.

    Examples
    --------
    >>> import pandas as pd
    >>> from scrutiny.harm import harm_trend
    >>> crimes = pd.DataFrame({
    ...     "year": [2019, 2019, 2020, 2020, 2021, 2021, 2022, 2022, 2023, 2023],
    ...     "type": ["Burglary", "Robbery"] * 5,
    ...     "n": [412, 38, 385, 41, 371, 33, 348, 36, 322, 30]})
    >>> res = harm_trend(crimes, "type", "n", {"Burglary": 40, "Robbery": 365}, "year")
    >>> round(res.percent_change, 2), res.status
    (-5.74, 'ok')

    Monthly dates with March missing: the months keep their true spacing.

    >>> monthly = pd.DataFrame({
    ...     "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01", "2024-05-01"]),
    ...     "type": "Burglary", "n": [30, 33, 38, 41]})
    >>> res = harm_trend(monthly, "type", "n", {"Burglary": 40}, "month")
    >>> res.t.tolist(), res.per
    ([0.0, 1.0, 3.0, 4.0], 'month')
    """
    dispersion = _v.choice(dispersion, "dispersion", _o.HARM_DISPERSION.names)
    conf = _v.conf_level(conf)
    alpha = _v.conf_level(alpha, "alpha")
    errors = _v.choice(errors, "errors", _batch.ERRORS)
    nthreads = _v.threads(threads)
    _v.data_frame(frame, "frame")
    time = _column_name(time, "time", frame)
    long, w, cols, series_all, index = _prepare(frame, crime_type, count, weights, by, missing)
    data = _trend_series(frame, long, series_all, index, time, exposure, per)
    fit = _trend_fit(data, period, dispersion, conf, nthreads)
    status = np.where(np.nansum(data.harm, axis=1) > 0, fit["status"], _NO_HARM)
    labels = _batch.statuses(status, _TREND_STATUS, "harm_trend", errors,
                             names=_labels(index))
    single = index is None
    rates = data.harm if data.exposure is None else data.harm / data.exposure
    y = rates[0] if single else rates
    mk = (mann_kendall(y, t=data.t, alpha=alpha) if period is None else
          seasonal_mann_kendall(_calendar_grid(y, data.axis), period=period, alpha=alpha))
    sen = sen_slope(y, t=data.t, conf=conf)
    method = f"log-linear trend in harm, variance {_o.HARM_DISPERSION.word(dispersion)}"
    return HarmTrendResult(
        **_trend_fields(fit, labels, data, index, time), method=method, conf=conf,
        mann_kendall=mk, sen=sen, dropped=long.dropped, source=w.source)


@dataclasses.dataclass(frozen=True)
class _TrendSeries:
    """Harm and its variance per series and period (rows x periods), the exposure (or None),
    the distinct periods, their t values and the season codes."""

    harm: np.ndarray
    variance: np.ndarray
    exposure: np.ndarray | None
    times: pd.Index
    t: np.ndarray
    axis: object        # the TimeAxis of dates and periods, else None
    per: str            # the unit of time of t


def _calendar_grid(y: np.ndarray, axis):
    """Series on dates or periods spread over every period from the first to the last (NaN
    where one is missing), so that seasons by position are the calendar's; others as given."""
    if axis is None:
        return y
    positions = axis.t.astype(np.intp)
    grid = np.full(y.shape[:-1] + (int(positions[-1]) + 1,), np.nan)
    grid[..., positions] = y
    return grid


def _trend_series(frame, long: _Long, series_all, index, time: str, exposure,
                  per=None) -> _TrendSeries:
    """The harm series of every group, summed per period in the C core; with an exposure, a
    period without one is missing.  With ``per``, t counts that unit of time."""
    time_all, times, t, axis = _time_index(frame, time)
    unit = "period" if axis is None else axis.unit
    if per is not None:
        if axis is None:
            raise ValueError(f"per needs dates or periods in the time column ({time!r} holds "
                             f"{frame[time].dtype}); without them t is in the column's own "
                             "units")
        factor, unit = axis.per(per, "per")
        t = t / factor
    rows, n = (1 if index is None else len(index)), len(times)
    cells_all = series_all * n + time_all
    _, harm, var = _harm_sums(long, cells_all[long.keep], rows * n)
    harm, var = harm.reshape(rows, n), var.reshape(rows, n)
    expo = None
    if exposure is not None:
        exposure, values = _positive_column(exposure, "exposure", frame)
        cell_labels = [f"{s}, {p}" for s in _labels(index) for p in times]
        expo = _group_values(values, cells_all, rows * n,
                             f"exposure column {exposure!r} (per series and period)",
                             cell_labels, "by and time").reshape(rows, n)
        harm[np.isnan(expo)] = np.nan
    return _TrendSeries(harm, var, expo, times, t, axis, unit)


def _trend_fit(data: _TrendSeries, period, dispersion: str, conf: float, nthreads: int) -> dict:
    """The log-linear trend of every series in one call to the C core, with the names of its
    coefficients."""
    n = data.harm.shape[1]
    if data.axis is not None and period is not None:     # seasons from the calendar
        period = _v.whole_number(period, "period", minimum=2)
        codes, n_seasons, season_names = _v.seasons(n, None, data.axis.seasons(period))
    else:
        codes, n_seasons, season_names = _v.seasons(n, period, None)
    p = 1 + n_seasons
    _v.series_length(n, "time", p + 1, f"a trend with {p} coefficients")
    expo = data.exposure
    offset = None if expo is None else np.where(np.isnan(expo), 1.0, expo).reshape(-1)
    fit = _core.harm_trend(data.harm, data.variance, offset, 0 if expo is None else n,
                           0 if expo is None else 1, data.t, codes, n_seasons,
                           _o.HARM_DISPERSION.codes[dispersion], conf, True, nthreads)
    fit["names"] = ["intercept", "t", *season_names]
    return fit


def _trend_fields(fit: dict, labels, data: _TrendSeries, index, time: str) -> dict:
    """The per-series fields of a HarmTrendResult: floats and Series for one series, arrays
    and DataFrames (one row per series) for several."""
    import pandas as pd

    single = index is None
    b, se, crit = fit["params"][:, 1], fit["bse"][:, 1], fit["crit"]
    with np.errstate(over="ignore"):
        rate_ratio, lower, upper = np.exp(b), np.exp(b - crit * se), np.exp(b + crit * se)

    def out(a):
        return _batch.single(a, single)

    def wide(a):
        return (pd.Series(a[0], index=fit["names"]) if single else
                pd.DataFrame(a, index=index, columns=fit["names"]))

    def series(a):
        if a is None:
            return None
        return (pd.Series(a[0], index=data.times, name=time) if single else
                pd.DataFrame(a, index=index, columns=data.times))

    return dict(
        rate_ratio=out(rate_ratio), lower=out(lower), upper=out(upper),
        pvalue=out(fit["pvalues"][:, 1]), percent_change=out(100 * (rate_ratio - 1)),
        params=wide(fit["params"]), bse=wide(fit["bse"]), pvalues=wide(fit["pvalues"]),
        compound_dispersion=out(fit["compound"]), dispersion=out(fit["dispersion"]),
        scale=out(fit["scale"]), nobs=out(fit["nobs"].astype(np.int64)), status=out(labels),
        harm=series(data.harm), variance=series(data.variance),
        exposure=series(data.exposure), t=data.t,
        per=data.per,
        times=None if data.axis is None else data.axis.times, labels=index)
