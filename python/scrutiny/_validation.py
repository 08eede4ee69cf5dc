"""Input checks for every public function: one place, one wording.

Each helper takes the argument's public name and raises ``TypeError`` / ``ValueError`` whose
message starts with that name, and (where there is one) the offending element, e.g.
``"denominator must be >= numerator (area 3: 12 < 15)"``; ``where`` words the element for
inputs that are not areas (``"position 3"``, ``"row 3"``).  Helpers return clean float64
arrays; they never modify their input.
"""
from __future__ import annotations

import contextlib
import contextvars
import math
import numbers
from collections.abc import Sequence

import numpy as np

from . import _core
from . import _options as _o
from .errors import NumericalError

NAN_POLICIES = ("propagate", "omit", "raise")
# rule bits of the C scan (csrc/core/sc_check.h)
_FINITE, _NONNEG, _POSITIVE, _WHOLE = 1, 2, 4, 8
# the largest whole-number argument (a count of threads, replicates, lags, agents, points in a
# row ...): the C core's int
MAX_WHOLE = 2**31 - 1
# the most points of a drawn curve
MAX_POINTS = 100_000
# the largest case weight: weighted sums of squares of any size stay finite
MAX_WEIGHT = 1e100


def one_value(value):
    """A 0-d array as the one value it holds (a 0-d array is a scalar argument); anything
    else as it is."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def _is_bool(value) -> bool:
    """A single True / False: never a number."""
    return isinstance(value, (bool, np.bool_))
# counts are whole numbers below 2^53 (sc_check.h)
_MAX_COUNT = 2.0 ** 53


def _where(index, labels=None, where: str = "area") -> str:
    """'area 3', or "area 'North'" with labels; ``where`` names the element ('position 3')."""
    i = int(index)
    if labels is not None:
        return f"{where} {labels[i]!r}"
    return f"{where} {i}"


def element(arr, index, where: str = "position") -> str:
    """What locates element ``index`` of ``arr`` in a message: '' for a single value (0-d),
    else e.g. 'position 3: '."""
    return "" if np.ndim(arr) == 0 else f"{_where(index, where=where)}: "


def is_pandas(value) -> bool:
    """A pandas (or other array-like) object that converts with ``to_numpy()``."""
    return hasattr(value, "to_numpy") and not isinstance(value, np.ndarray)


def as_float_array(value, name: str, *, allow_empty: bool = False, ndim: int | None = None) -> np.ndarray:
    """``value`` (scalar, list, array, pandas object) as a float64 array (a copy)."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numeric, not a string")
    if _is_bool(one_value(value)):
        raise TypeError(f"{name} must be a number, not {bool(value)!r}")
    if value is None:
        raise TypeError(f"{name} must be numeric (got None)")
    if is_pandas(value):
        value = value.to_numpy()
    arr = np.asarray(value)
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be numeric (it holds non-numbers)") from None
    elif arr.dtype.kind == "b":
        arr = arr.astype(float)
    elif arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be numeric (got dtype {arr.dtype})")
    arr = np.asarray(arr, dtype=np.float64)
    if np.may_share_memory(arr, value):
        arr = arr.view()
        arr.flags.writeable = False  # the caller's data: read, never written
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional (got {arr.ndim} dimensions)")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty")
    return arr


# the threads the C scans of inputs run on (0: all cores); see scans_on
_SCAN_THREADS = contextvars.ContextVar("scan_threads", default=0)


@contextlib.contextmanager
def scans_on(count):
    """The inputs scanned on ``count`` threads (checked as the argument ``threads``; None: all
    cores) within the block, as the call given that thread count computes: ``threads=1``
    keeps the whole call on one core."""
    token = _SCAN_THREADS.set(threads(count))
    try:
        yield
    finally:
        _SCAN_THREADS.reset(token)


def _scan(arr: np.ndarray, rules: int) -> tuple[int, int]:
    """(index of the first value breaking one of ``rules``, that rule), or (-1, 0): one C pass."""
    return _core.check_values(arr.ravel(), rules, _SCAN_THREADS.get())


def _fail(name: str, arr: np.ndarray, index: int, rule: int, labels=None) -> None:
    _broken_rule(name, arr.ravel()[index], _where(index, labels), rule)


def _broken_rule(name: str, v: float, where: str, rule: int) -> None:
    """Raise the ValueError for value ``v`` at ``where`` breaking one scan ``rule``."""
    if rule == _FINITE:
        raise ValueError(f"{name} must be finite ({where} is {'NaN' if np.isnan(v) else 'infinite'})")
    if rule == _NONNEG:
        raise ValueError(f"{name} must be non-negative ({where}: {v:g})")
    if rule == _POSITIVE:
        raise ValueError(f"{name} must be positive ({where}: {v:g})")
    below = " below 2**53" if abs(v) >= _MAX_COUNT else ""
    raise ValueError(f"{name} must be whole counts{below} ({where}: {v:g})")


def check_no_nan(arr: np.ndarray, name: str, labels=None) -> None:
    index, rule = _scan(arr, _FINITE)
    if index >= 0:
        _fail(name, arr, index, rule, labels)


def counts(value, name: str, *, integer: bool = True, positive: bool = False, labels=None,
           allow_empty: bool = False) -> np.ndarray:
    """Non-negative (whole, unless ``integer=False``; > 0 with ``positive``) finite counts."""
    arr = as_float_array(value, name, allow_empty=allow_empty)
    rules = _FINITE | _NONNEG | (_WHOLE if integer else 0) | (_POSITIVE if positive else 0)
    index, rule = _scan(arr, rules)
    if index >= 0:
        _fail(name, arr, index, rule, labels)
    return arr


def positive(value, name: str, *, labels=None, allow_empty: bool = False) -> np.ndarray:
    """Strictly positive finite values (denominators, exposures, expected counts)."""
    arr = as_float_array(value, name, allow_empty=allow_empty)
    index, rule = _scan(arr, _FINITE | _POSITIVE)
    if index >= 0:
        _fail(name, arr, index, rule, labels)
    return arr


def numerator_within(num: np.ndarray, den: np.ndarray, num_name: str, den_name: str, labels=None) -> None:
    """``den >= num`` elementwise (arrays already broadcast)."""
    i = _core.check_not_above(np.ravel(num), np.ravel(den), _SCAN_THREADS.get())
    if i >= 0:
        raise ValueError(
            f"{den_name} must be >= {num_name} ({_where(i, labels)}: "
            f"{den.ravel()[i]:g} < {num.ravel()[i]:g})"
        )


def broadcast(**arrays) -> list[np.ndarray]:
    """Broadcast named arrays together (NumPy rules); the error names the arguments.

    Arrays already of the common shape and C-contiguous are returned as they are (read-only
    views stay read-only); the others are broadcast into new arrays (0-d stays 0-d)."""
    try:
        shape = np.broadcast_shapes(*(np.shape(v) for v in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"shape mismatch: {shapes} cannot be broadcast together") from None
    out = []
    for a in arrays.values():
        a = np.asarray(a)
        if a.shape == shape and a.flags.c_contiguous:
            out.append(a)
        else:
            out.append(np.array(np.broadcast_to(a, shape), order="C"))
    return out


def same_length(**arrays) -> None:
    """1-D arrays of one length."""
    items = list(arrays.items())
    first_name, first = items[0]
    for name, arr in items[1:]:
        if arr.shape != first.shape:
            raise ValueError(f"{name} has shape {arr.shape} but {first_name} has shape {first.shape}")


def probability(value, name: str, *, open_interval: bool = True) -> np.ndarray:
    """Values in (0, 1) (or [0, 1] with ``open_interval=False``)."""
    arr = as_float_array(value, name)
    check_no_nan(arr, name)
    lo_bad = arr <= 0 if open_interval else arr < 0
    hi_bad = arr >= 1 if open_interval else arr > 1
    if np.any(lo_bad | hi_bad):
        v = arr.ravel()[np.flatnonzero((lo_bad | hi_bad).ravel())[0]]
        interval = "(0, 1)" if open_interval else "[0, 1]"
        raise ValueError(f"{name} must lie in {interval} (got {v:g})")
    return arr


def conf_levels(conf, name: str = "conf") -> tuple[np.ndarray, bool]:
    """Confidence level(s) in (0, 1).  Returns (levels as 1-D array, was_a_sequence)."""
    conf = one_value(conf)
    is_seq = isinstance(conf, (Sequence, np.ndarray)) and not isinstance(conf, str)
    if not is_seq and (_is_bool(conf) or not isinstance(conf, numbers.Real)):
        raise TypeError(f"{name} must be a number in (0, 1) or a sequence of them")
    levels = probability(conf if is_seq else [conf], name)   # non-numbers: a TypeError
    if levels.ndim != 1:
        raise ValueError(f"{name} must be a number or a flat sequence of numbers")
    return levels, is_seq


def choice(value, name: str, options) -> str:
    if not isinstance(value, str) or value not in options:
        opts = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {opts} (got {value!r})")
    return value


def better(value, name: str = "better"):
    """The direction of improvement: ``"higher"``, ``"lower"`` or None."""
    return None if value is None else choice(value, name, ("higher", "lower"))


def nan_policy(value) -> str:
    return choice(value, "nan_policy", NAN_POLICIES)


def seasons(n: int, period, season):
    """Season codes of n observations (0 = the reference, in order of first appearance), their
    count and the names of the dummies, from ``period`` (position modulo period) or ``season``
    (labels), not both; (None, 1, []) without either."""
    if period is not None and season is not None:
        raise ValueError("give period or season, not both")
    if season is not None:
        import pandas as pd

        labels = labels_for(season, n, "season")
        codes, uniques = pd.factorize(pd.Series(labels, dtype=object), sort=False)
        if np.any(codes < 0):
            raise ValueError(f"season has a missing label (position "
                             f"{int(np.flatnonzero(codes < 0)[0])})")
        return codes.astype(np.int32), len(uniques), [f"season_{u}" for u in uniques[1:]]
    if period is not None:
        period = whole_number(period, "period", minimum=2)
        if period > n:
            raise ValueError(f"period must be at most the number of observations per series "
                             f"({n}), got {period}")
        k = period
        return (np.arange(n) % period).astype(np.int32), k, [f"season_{j}" for j in range(1, k)]
    return None, 1, []


def flat_sequence(value, name: str, what: str = "values") -> np.ndarray:
    """A flat (1-D) sequence of ``what`` as an array: a single value (a string, a number, a 0-d
    array) is a TypeError, more dimensions a ValueError, each naming the argument."""
    arr = np.asarray(value) if not isinstance(value, (str, bytes)) else np.asarray(None)
    if arr.ndim == 0:
        raise TypeError(f"{name} must be a sequence of {what} (got {value!r})")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of {what} (got {arr.ndim} "
                         "dimensions)")
    return arr


def labels_for(labels, n: int, name: str = "labels", unit: str = "units"):
    """Labels as a list of length n, one per unit (None stays None)."""
    if labels is None:
        return None
    if hasattr(labels, "to_numpy"):
        labels = labels.to_numpy()
    out = list(np.asarray(labels, dtype=object).ravel())
    if len(out) != n:
        one = unit if unit == "series" else unit.rstrip("s")
        there = f"is 1 {one}" if n == 1 else f"are {n} {unit}"
        raise ValueError(f"{name} has {len(out)} entries but there {there}")
    return out


def number(value, name: str, *, positive: bool = False, minimum: float | None = None) -> float:
    """One finite real number (optionally > 0, or >= ``minimum``); a 0-d array is one number,
    a bool none."""
    value = one_value(value)
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a single number (got {type(value).__name__})")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite (got {v:g})")
    if positive and v <= 0:
        raise ValueError(f"{name} must be positive (got {v:g})")
    if minimum is not None and v < minimum:
        raise ValueError(f"{name} must be >= {minimum:g} (got {v:g})")
    return v


def conf_level(conf, name: str = "conf") -> float:
    """One confidence level in (0, 1), where a sequence of levels makes no sense."""
    levels, is_seq = conf_levels(conf, name)
    if is_seq:
        raise TypeError(f"{name} must be a single number in (0, 1), not a sequence")
    return float(levels[0])


def pvalues(value, name: str = "pvalues") -> np.ndarray:
    """P-values in [0, 1]; NaN (missing) allowed, infinities not."""
    arr = as_float_array(value, name)
    flat = arr.ravel()
    bad = np.flatnonzero(~np.isnan(flat) & ~((flat >= 0) & (flat <= 1)))
    if bad.size:
        raise ValueError(f"{name} must lie in [0, 1] ({_where(bad[0], where='position')}: "
                         f"{flat[bad[0]]:g})")
    return arr


def dimensions(arr: np.ndarray, name: str, allowed: tuple, meaning: str) -> None:
    """``arr.ndim`` in ``allowed``; ``meaning`` says what the shapes stand for."""
    if arr.ndim not in allowed:
        raise ValueError(f"{name} must be {meaning} (got {arr.ndim} dimensions)")


def size_is(arr: np.ndarray, name: str, n: int, meaning: str) -> None:
    """A 1-D array of ``n`` values, e.g. one per band."""
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"{name} must hold {meaning} ({n} values), got shape {arr.shape}")


def at_least(arr, name: str, k: int, unit: str = "areas") -> None:
    """At least ``k`` values in ``arr`` (an array, or its number of values)."""
    size = arr if isinstance(arr, (int, np.integer)) else arr.size
    if size < k:
        raise ValueError(f"{name} must hold at least {k} {unit} (got {size})")


def positive_total(arr, name: str) -> None:
    """A positive total of ``arr`` (values, or their total)."""
    if not np.sum(arr) > 0:
        raise ValueError(f"{name} must have a positive total")


def shape_is(arr: np.ndarray, name: str, shape: tuple, meaning: str) -> None:
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)} ({meaning}), got {arr.shape}")


def whole_number(value, name: str, *, minimum: int = 0, maximum: int | None = MAX_WHOLE) -> int:
    """One whole number from ``minimum`` to ``maximum`` (None: no upper bound), e.g. a
    replicate count or a seed; bools are refused, a 0-d array is one number."""
    value = one_value(value)
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number (got {value!r})")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum} (got {value})")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,} (got {value:,})")
    return int(value)


def in_range(value, name: str, *, low: float = 0.0, low_open: bool = False,
             high: float = math.inf, high_open: bool = False, whole: bool = False,
             where: str = "position") -> np.ndarray:
    """Finite numbers from ``low`` to ``high`` (an end left out with ``low_open`` /
    ``high_open``; whole numbers with ``whole``) as a float64 array.  The message names the
    argument, what it must be and, for arrays, the first offending element by ``where``:
    ``"handle_time must be finite and > 0 (position 2: got -180)"``,
    ``"service_level must be in (0, 1) (got NaN)"``.  Whole numbers are at most
    :data:`MAX_WHOLE`."""
    arr = as_float_array(value, name)
    flat = arr.reshape(-1)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(flat) | (flat <= low if low_open else flat < low)
        bad |= flat >= high if high_open else flat > high
        if whole:
            bad |= (flat != np.floor(flat)) | (flat > MAX_WHOLE)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        v = flat[i]
        shown = "NaN" if np.isnan(v) else f"{v:g}"
        if whole and np.isfinite(v) and v >= low and v != np.floor(v):
            need = "a whole number"
        elif whole and np.isfinite(v) and v > MAX_WHOLE and v <= high:
            need = f"at most {MAX_WHOLE:,}"
        elif math.isinf(high):
            need = f"finite and {'>' if low_open else '>='} {low:g}"
        else:
            need = (f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}")
        raise ValueError(f"{name} must be {need} ({element(arr, i, where)}got {shown})")
    return arr


def number_in(value, name: str, low: float, high: float) -> float:
    """One finite number in the half-open interval [low, high)."""
    v = number(value, name)
    if not low <= v < high:
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}) (got {v:g})")
    return v


def distinct(arr: np.ndarray, name: str) -> None:
    """No value repeated."""
    if np.unique(arr).size != arr.size:
        shown = ", ".join(f"{v:g}" for v in np.ravel(arr))
        raise ValueError(f"{name} must be distinct (got {shown})")


def below(arr: np.ndarray, name: str, bound: float, why: str) -> None:
    """Every value < ``bound``; ``why`` says what needs it."""
    bad = np.flatnonzero(np.ravel(arr) >= bound)
    if bad.size:
        raise ValueError(f"{name} must be below {bound:g} {why} "
                         f"({_where(bad[0])}: {np.ravel(arr)[bad[0]]:g})")


def power_of_two_scaled(values) -> tuple[np.ndarray, int]:
    """``values`` times the exact power of 2 that brings the largest into [0.5, 1), and the
    exponent taken off (0 when no value is positive): squares and products stay finite, and a
    statistic free of scale is unchanged to the bit."""
    values = np.asarray(values, dtype=float)
    top = values.max() if values.size else 0.0
    exponent = int(np.frexp(top)[1]) if top > 0 else 0
    return np.ldexp(values, -exponent), exponent


def representable(values, what: str, names: str, labels=None) -> None:
    """Every value of a result finite (NaN left alone): else a NumericalError saying which
    arguments take ``what`` beyond the range of a double, e.g. ``"the rate count / exposure x
    per is beyond the range of a double (area 0: inf): exposure or per too extreme"``."""
    flat = np.ravel(values)
    bad = np.flatnonzero(np.isinf(flat))
    if bad.size:
        raise NumericalError(f"{what} is beyond the range of a double "
                             f"({_where(bad[0], labels)}: {flat[bad[0]]:g}): {names} too extreme")


def not_underflowing(values, what: str, names: str, least: float = 2.0**-500) -> None:
    """Every nonzero value at least ``least`` (default 2^-500, whose square is still a normal
    double): else a NumericalError naming the arguments, e.g. ``"the multiplier weight /
    (period x area size) is too small for its square in a double (area 0: 5e-324): weights
    too extreme"``."""
    flat = np.ravel(values)
    bad = np.flatnonzero((flat != 0) & (np.abs(flat) < least))
    if bad.size:
        raise NumericalError(f"{what} is too small for its square in a double "
                             f"({_where(bad[0])}: {flat[bad[0]]:g}): {names} too extreme")


def computed(values, what: str, names: str, where: str = "area") -> None:
    """Every value of a result that should exist finite: else a NumericalError saying which
    arguments are too extreme to compute ``what`` in doubles, e.g. ``"the objective could not be
    computed in double precision (series 0: nan): y too extreme"``."""
    flat = np.ravel(values)
    bad = np.flatnonzero(~np.isfinite(flat))
    if bad.size:
        raise NumericalError(f"{what} could not be computed in double precision "
                             f"({_where(bad[0], None, where)}: {flat[bad[0]]:g}): "
                             f"{names} too extreme")


def not_all_full(num: np.ndarray, den: np.ndarray, num_name: str, den_name: str) -> None:
    """``num < den`` in at least one area (the pooled proportion is below 1)."""
    some_below(bool(np.any(num < den)), num_name, den_name)


def some_below(below: bool, num_name: str, den_name: str) -> None:
    """:func:`not_all_full`, told whether any numerator is below its denominator."""
    if not below:
        raise ValueError(f"{num_name} equals {den_name} in every area (the pooled proportion is 1)")


# ---- series: one per row (trends, count models, change points) ------------------------------

def _series_where(index: int, ncols: int, rows: int) -> str:
    r, i = divmod(int(index), ncols)
    return f"position {i}" if rows == 1 else f"series {r}, position {i}"


def _series_fail(name: str, mat: np.ndarray, index: int, rule: int) -> None:
    _broken_rule(name, mat.reshape(-1)[index], _series_where(index, mat.shape[1], mat.shape[0]),
                 rule)


def _series_scan_with_nan(name: str, mat: np.ndarray, rules: int, chunk: int = 1 << 16) -> None:
    """The rules on the values that are not NaN (missing values allowed), a block of rows at a time."""
    step = max(1, chunk // max(1, mat.shape[1]))
    for start in range(0, mat.shape[0], step):
        block = mat[start:start + step]
        bad = np.isinf(block)
        if rules & _NONNEG:
            bad |= block < 0
        if rules & _POSITIVE:
            bad |= block <= 0
        if rules & _WHOLE:
            with np.errstate(invalid="ignore"):
                bad |= np.isfinite(block) & ((block != np.floor(block)) | (np.abs(block) >= _MAX_COUNT))
        if bad.any():
            r, i = np.unravel_index(np.flatnonzero(bad)[0], block.shape)
            index = (start + r) * mat.shape[1] + i
            v = mat[start + r, i]
            rule = (_FINITE if np.isinf(v) else _NONNEG if (rules & _NONNEG and v < 0)
                    else _POSITIVE if (rules & _POSITIVE and v <= 0) else _WHOLE)
            _series_fail(name, mat, index, rule)


def series(value, name: str, *, nan_policy: str | None = "omit", nonneg: bool = False,
           whole: bool = False, positive: bool = False) -> tuple[np.ndarray, bool]:
    """One series (1-D) or one series per row (2-D) as a 2-D float64 array (a read-only view of
    the input when it already is float64), and whether the input was a single series.  Infinite
    values are refused; NaN (missing) is allowed under ``nan_policy`` "omit" or "propagate",
    refused under "raise" and, with ``nan_policy=None``, refused as not finite;
    ``nonneg`` / ``whole`` / ``positive`` apply to the other values.  Messages name the series
    and position, e.g. ``"counts must be whole counts (series 3, position 7: 2.5)"``."""
    arr = as_float_array(value, name)
    dimensions(arr, name, (1, 2), "one series (1-D) or one series per row (2-D)")
    single = arr.ndim == 1
    mat = arr.reshape(1, -1) if single else arr
    if mat.shape[1] == 0:
        raise ValueError(f"{name} is empty")
    rules = (_FINITE | (_NONNEG if nonneg else 0) | (_WHOLE if whole else 0)
             | (_POSITIVE if positive else 0))
    index, rule = _scan(mat, rules)
    if index >= 0:
        if rule == _FINITE and np.isnan(mat.reshape(-1)[index]) and nan_policy in ("omit", "propagate"):
            _series_scan_with_nan(name, mat, rules)
        else:
            if rule == _FINITE and np.isnan(mat.reshape(-1)[index]) and nan_policy == "raise":
                where = _series_where(index, mat.shape[1], mat.shape[0])
                raise ValueError(f"{name} has a missing value ({where}) and nan_policy='raise'")
            _series_fail(name, mat, index, rule)
    return mat, single


def series_length(ncols: int, name: str, minimum: int, why: str) -> None:
    """At least ``minimum`` observations per series; ``why`` says what needs them."""
    if ncols < minimum:
        raise ValueError(f"{name} is too short: {why} needs at least {minimum} observations "
                         f"per series (got {ncols})")


def strictly_increasing(value, name: str, n: int) -> np.ndarray:
    """A finite, strictly increasing 1-D array of ``n`` values (a time index)."""
    arr = as_float_array(value, name)
    size_is(arr, name, n, "one value per observation")
    check_no_nan(arr, name)
    steps = np.diff(arr)
    if np.any(steps <= 0):
        i = int(np.flatnonzero(steps <= 0)[0])
        raise ValueError(f"{name} must be strictly increasing (position {i + 1}: {arr[i + 1]:g} "
                         f"after {arr[i]:g})")
    return arr


def index_within(value, name: str, low: int, high: int, what: str) -> np.ndarray:
    """Whole number(s) in [low, high] (one, or one per series); ``what`` says why."""
    arr = as_float_array(value, name)
    dimensions(arr, name, (0, 1), "one index or one per series")
    flat = arr.reshape(-1)
    check_no_nan(flat, name)
    bad = np.flatnonzero((flat != np.floor(flat)) | (flat < low) | (flat > high))
    if bad.size:
        where = "" if arr.ndim == 0 else f"series {bad[0]}: "
        raise ValueError(f"{name} must be a whole index from {low} to {high} {what} "
                         f"({where}got {flat[bad[0]]:g})")
    return arr


def threads(value) -> int:
    """A thread count: None (all cores, passed as 0) or a whole number >= 1."""
    return 0 if value is None else whole_number(value, "threads", minimum=1)


# ---- SPC charts -------------------------------------------------------------------------------

def boolean(value, name: str) -> bool:
    """A bool (True / False, NumPy bools included): anything else (a string, a number, NaN, a
    list) is refused rather than taken by its truth value."""
    value = one_value(value)
    if not _is_bool(value):
        raise TypeError(f"{name} must be True or False (got {value!r})")
    return bool(value)


def switch(value, name: str) -> bool:
    """A rule switch: True / False, or None (off, as False)."""
    return False if value is None else boolean(value, name)


def optional_whole(value, name: str, *, minimum: int, maximum: int | None = MAX_WHOLE):
    """None, or one whole number from ``minimum`` to ``maximum``."""
    return None if value is None else whole_number(value, name, minimum=minimum,
                                                   maximum=maximum)


def seed(value) -> None:
    """A replicate seed: None or a whole number >= 0 (checked even when no replicate uses it)."""
    optional_whole(value, "seed", minimum=0, maximum=None)


def series_not_above(num: np.ndarray, den: np.ndarray, num_name: str, den_name: str) -> None:
    """``num <= den`` wherever both are present (series x points arrays of one shape)."""
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero((num > den).reshape(-1))
    if bad.size:
        i = int(bad[0])
        where = _series_where(i, num.shape[1], num.shape[0])
        raise ValueError(f"{den_name} must be >= {num_name} ({where}: "
                         f"{den.reshape(-1)[i]:g} < {num.reshape(-1)[i]:g})")


def per_series(value, name: str, rows: int):
    """One entry per series: a scalar (or None) repeated, or a sequence of ``rows`` entries."""
    if value is None or isinstance(value, (str, numbers.Number)):
        return [value] * rows
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    out = list(np.asarray(value, dtype=object).reshape(-1))
    if len(out) != rows:
        raise ValueError(f"{name} has {len(out)} entries but there are {rows} series")
    return out


def positions(value, name: str, low: int, high: int) -> np.ndarray:
    """Whole numbers in [low, high] (one or a flat sequence), sorted and without repeats;
    True / False are not positions."""
    if np.asarray(value).dtype.kind == "b":
        raise TypeError(f"{name} must hold whole positions, not True or False")
    arr = as_float_array(np.atleast_1d(value) if np.ndim(value) == 0 else value, name)
    dimensions(arr, name, (1,), "a position or a flat sequence of positions")
    check_no_nan(arr, name)
    bad = np.flatnonzero((arr != np.floor(arr)) | (arr < low) | (arr > high))
    if bad.size:
        raise ValueError(f"{name} must hold whole positions from {low} to {high} "
                         f"(got {arr[bad[0]]:g})")
    return np.unique(arr.astype(np.int64))


def unique_times(ordinals: np.ndarray, name: str, label=str) -> None:
    """No time point repeated (one observation per period); ``label`` names an ordinal."""
    values, counts = np.unique(ordinals, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"{name} must not repeat a period (got {label(values[counts > 1][0])} "
                         "twice)")


def enough_per_segment(counts: np.ndarray, rows: np.ndarray, starts: np.ndarray, need: int,
                       name: str, what: str, unit: str, single: bool) -> None:
    """Every (series, segment) has ``counts >= need`` ``unit``; ``what`` says what needs them."""
    bad = np.flatnonzero(counts < need)
    if bad.size:
        k = int(bad[0])
        where = f"segment from position {int(starts[k])}"
        if not single:
            where = f"series {int(rows[k])}, {where}"
        raise ValueError(f"{name} is too short: {what} ({where} has {int(counts[k])} {unit})")


def column_labels(values, name: str, several: bool = True) -> None:
    """Every value can name a column (a string or other hashable label, not a list);
    ``several`` when the argument may give a list of them."""
    for v in values:
        try:
            hash(v)
        except TypeError:
            them = " or a list of them" if several else ""
            raise TypeError(f"{name} must be a column name{them} (got {v!r})") from None


def columns_present(df, names, name: str = "df", given=None) -> None:
    """Every name is a column of the DataFrame ``name``; ``given`` is the argument that gave
    the names (one for all, or a sequence with one per name), said in the message:
    ``"df has no column 'nope' (named by drivers)"``."""
    for i, col in enumerate(names):
        if col not in df.columns:
            by = given if given is None or isinstance(given, str) else given[i]
            raise ValueError(f"{name} has no column {col!r}"
                             + ("" if by is None else f" (named by {by})"))


def no_missing(missing: np.ndarray, name: str, series_names, point_names) -> None:
    """No True in ``missing`` (series x points): else the message names the first series with
    gaps, up to six of its missing points, and how to chart them as gaps instead."""
    rows = np.flatnonzero(missing.any(axis=1))
    if rows.size == 0:
        return
    r = int(rows[0])
    points = [str(point_names[i]) for i in np.flatnonzero(missing[r])]
    shown = ", ".join(points[:6]) + (f" and {len(points) - 6} more" if len(points) > 6 else "")
    who = "" if missing.shape[0] == 1 else f" in series {series_names[r]!r}"
    raise ValueError(f"{name} has missing values{who} ({shown}) and nan_policy='raise'; "
                     f"nan_policy='omit' charts them as gaps")


def numeric_column(df, col: str) -> np.ndarray:
    """A DataFrame column as float64 (missing values, nullable integers included, become NaN);
    complex numbers are refused, never silently made real."""
    if getattr(df[col].dtype, "kind", "") == "c":
        raise TypeError(f"column {col!r} must be numeric and real (got dtype {df[col].dtype})")
    try:
        return df[col].astype("float64").to_numpy()
    except (TypeError, ValueError):
        raise TypeError(f"column {col!r} must be numeric (got dtype {df[col].dtype})") from None


# ---- models: drivers (a design matrix), an outcome and case weights -------------------------

def design(value, name: str = "X") -> tuple[np.ndarray, list[str]]:
    """Drivers as a C-contiguous (observations x drivers) float64 array (the input itself, read
    only, when it already is one) and their names:
    a DataFrame (its column names), a 2-D array (``x1``, ``x2``, ...) or one driver as a 1-D
    array or Series.  Missing values stay NaN (see :func:`complete_rows`)."""
    if hasattr(value, "columns"):
        names = [str(c) for c in value.columns]
        repeated(names, name, "driver names")
        for column, dtype in zip(value.columns, value.dtypes):
            if getattr(dtype, "kind", "O") not in "biuf":
                raise TypeError(f"{name} must hold numbers (column {column!r} has dtype "
                                f"{dtype})")
        arr = value.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        arr = as_float_array(value, name, allow_empty=True)
        if arr.ndim == 1:
            arr = arr.reshape(-1, 1)
            names = [str(getattr(value, "name", None) or "x1")]
        elif arr.ndim == 2:
            names = [f"x{j + 1}" for j in range(arr.shape[1])]
        else:
            raise ValueError(f"{name} must be 2-dimensional (observations x drivers), got "
                             f"{arr.ndim} dimensions")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no drivers (no columns)")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty")
    return np.ascontiguousarray(arr, dtype=np.float64), names


def complete_rows(arrays: dict, nan_policy: str, columns: dict | None = None) -> np.ndarray:
    """Rows with no missing value (NaN) in any of the named arrays (1-D, or 2-D with one row
    per observation).  Infinite values are refused; a NaN is refused under
    ``nan_policy="raise"``, with the argument, row and (for 2-D arrays, whose column names are
    in ``columns``) the column in the message.  Returns the boolean mask of complete rows."""
    n = len(next(iter(arrays.values())))
    keep = np.ones(n, dtype=bool)
    if all(np.isfinite(arr).all() for arr in arrays.values()):
        return keep
    for name, arr in arrays.items():
        mat = arr.reshape(n, -1)
        inf = np.isinf(mat)
        nan = np.isnan(mat)
        for bad, what in ((inf, "infinite"), (nan if nan_policy == "raise" else None, "missing")):
            if bad is None or not bad.any():
                continue
            row, col = divmod(int(np.flatnonzero(bad)[0]), mat.shape[1])
            where = f"row {row}"
            if columns and name in columns:
                where += f", driver {columns[name][col]!r}"
            if what == "infinite":
                raise ValueError(f"{name} must be finite ({where} is infinite)")
            raise ValueError(f"{name} has a missing value ({where}) and nan_policy='raise'")
        keep &= ~nan.any(axis=1)
    return keep


def case_weights(value, n: int, name: str = "weights") -> np.ndarray:
    """Case (survey) weights: one finite value >= 0 per observation, with a positive total."""
    arr = as_float_array(value, name)
    if arr.shape != (n,):
        raise ValueError(f"{name} must hold one value per observation ({n}), got shape {arr.shape}")
    flat = arr.ravel()
    bad = np.flatnonzero(~np.isfinite(flat) | (flat < 0))
    if bad.size:
        i = int(bad[0])
        what = "NaN" if np.isnan(flat[i]) else f"{flat[i]:g}"
        raise ValueError(f"{name} must be finite and non-negative (row {i}: {what})")
    big = np.flatnonzero(flat > MAX_WEIGHT)
    if big.size:
        i = int(big[0])
        raise ValueError(f"{name} must be at most {MAX_WEIGHT:g} (row {i}: {flat[i]:g}); "
                         "rescale them, e.g. to a mean of 1")
    positive_total(arr, name)
    return arr


def few_effective_rows(weights, p: int, name: str = "weights") -> str:
    """For the message of a failed fit: a clause naming the case weights when they leave an
    effective sample (Kish, (sum w)^2 / sum w^2) of fewer rows than p drivers + 2, as when
    one row outweighs the rest; else ''."""
    if weights is None:
        return ""
    w = np.asarray(weights, dtype=np.float64) / np.max(weights)   # no overflow in the squares
    rows = float(w.sum() ** 2 / np.dot(w, w))
    if rows >= p + 2:
        return ""
    return (f" ({name} leave an effective sample of {rows:.3g} rows, too few for {p} "
            f"driver(s): a few rows outweigh the rest)")


def full_rank(mat: np.ndarray, y: np.ndarray, names: list, weights, name: str = "X") -> None:
    """No constant driver and no set of perfectly collinear drivers (weighted, intercept
    included), naming them: the smallest eigenvalue of the drivers' weighted correlation matrix
    (from the C core, with the outcome y) must exceed 1e-12, and the drivers with weight in its
    eigenvector are the collinear set."""
    spread = np.ptp(mat, axis=0)
    constant = [names[j] for j in np.flatnonzero(spread == 0)]
    if constant:
        shown = ", ".join(repr(c) for c in constant)
        raise ValueError(f"{name} has a constant driver ({shown}: one value in every complete "
                         f"row); it cannot explain anything, so leave it out")
    if mat.shape[1] < 2:
        return
    p = mat.shape[1]
    corr = _core.drivers_correlation(mat, y, weights)[:p, :p]
    if not np.isfinite(corr).all():
        bad = ~np.isfinite(np.diag(corr))      # the drivers whose own spread overflows
        bad = bad if bad.any() else ~np.isfinite(corr).all(axis=0)
        far = ", ".join(repr(names[j]) for j in np.flatnonzero(bad))
        raise NumericalError(f"{name} is too extreme in magnitude to compute with (the "
                             f"correlations of {far} overflow); rescale it")
    values, vectors = np.linalg.eigh(corr)
    if values[0] <= 1e-12:
        v = np.abs(vectors[:, 0])
        involved = ", ".join(repr(names[j]) for j in np.flatnonzero(v > 1e-3 * v.max()))
        raise ValueError(f"{name} has perfectly collinear drivers ({involved}): one is a linear "
                         f"combination of the others; leave one of them out")


def enough_rows(mat: np.ndarray, n_dropped: int, name: str = "X") -> None:
    """At least p + 2 complete rows of positive weight for p drivers."""
    n, p = mat.shape
    if n < p + 2:
        raise ValueError(f"{name} has too few complete rows of positive weight: {n} for {p} "
                         f"driver(s) (at least {p + 2} needed; {n_dropped} row(s) with missing "
                         f"values left out)")


def varies(y: np.ndarray, name: str = "y") -> None:
    """An outcome that is not the same in every (complete) row."""
    if np.ptp(y) == 0:
        raise ValueError(f"{name} is constant (every complete row has {name} = {y[0]:g}): there "
                         f"is nothing to explain")


def binary_outcome(y: np.ndarray, name: str = "y") -> np.ndarray:
    """A binary outcome coded 0/1 (complete rows), with both values present."""
    flat = y.ravel()
    bad = np.flatnonzero(~np.isnan(flat) & (flat != 0) & (flat != 1))
    if bad.size:
        raise ValueError(f"{name} must be 0 or 1 (row {int(bad[0])}: {flat[bad[0]]:g}); code "
                         f"'satisfied' as 1 and the rest as 0")
    if np.ptp(flat) == 0:
        raise ValueError(f"{name} has only one level (every complete row has {name} = "
                         f"{flat[0]:g}): there is nothing to explain")
    return y


def ordinal_outcome(value, name: str = "y", levels=None) -> tuple[np.ndarray, list]:
    """An ordered outcome as level codes 0..K-1 (NaN = missing) and the level labels: the
    categories of a pandas Categorical, the given ``levels`` (in order), or the sorted distinct
    values."""
    import pandas as pd

    if levels is None and isinstance(getattr(value, "dtype", None), pd.CategoricalDtype):
        cat = pd.Categorical(value)
        codes = cat.codes.astype(np.float64)
        codes[cat.codes < 0] = np.nan
        return codes, list(cat.categories)
    if levels is not None:
        flat_sequence(levels, "levels", "outcome levels")
        labels = list(levels)
        column_labels(labels, "levels")
        if len(set(labels)) != len(labels):
            raise ValueError(f"levels must be distinct (got {labels})")
        series = pd.Series(np.asarray(value, dtype=object).ravel())
        missing = series.isna().to_numpy()
        lookup = {v: i for i, v in enumerate(labels)}
        codes = np.array([np.nan if m else lookup.get(v, -1.0) for v, m in zip(series, missing)])
        bad = np.flatnonzero(codes == -1)
        if bad.size:
            raise ValueError(f"{name} has a value outside levels (row {int(bad[0])}: "
                             f"{series.iloc[bad[0]]!r})")
        return codes, labels
    arr = as_float_array(value, name)
    dimensions(arr, name, (1,), "one-dimensional (one value per row)")
    flat = arr.ravel()
    if np.isinf(flat).any():
        raise ValueError(f"{name} must be finite (row {int(np.flatnonzero(np.isinf(flat))[0])} "
                         "is infinite)")
    labels = np.unique(flat[~np.isnan(flat)])
    codes = np.full(flat.shape, np.nan)
    ok = ~np.isnan(flat)
    codes[ok] = np.searchsorted(labels, flat[ok])
    return codes, [int(v) if float(v).is_integer() else v.item() for v in labels]


def levels_present(codes: np.ndarray, labels: list, weights, name: str = "y") -> None:
    """Every level of an ordinal outcome observed (with positive weight), at least two."""
    w = np.ones(codes.shape[0]) if weights is None else weights
    seen = np.zeros(len(labels), dtype=bool)
    seen[codes[w > 0].astype(np.intp)] = True
    if len(labels) < 2 or seen.sum() < 2:
        raise ValueError(f"{name} has only one level ({labels[int(np.flatnonzero(seen)[0])]!r}) "
                         f"among the complete rows: there is nothing to explain")
    if not seen.all():
        empty = ", ".join(repr(labels[c]) for c in np.flatnonzero(~seen))
        raise ValueError(f"{name} has empty levels ({empty}: no complete row has them); merge "
                         f"them with a neighbouring level or leave them out of levels")


def importance_method(model: str, method: str, p: int) -> None:
    """A relative-importance method defined for the model, within its limit of drivers (the
    C core's, for methods that fit every subset), else a message with an alternative."""
    if model != "linear" and method in ("betasq", "pratt"):
        raise ValueError(f"method={method!r} is defined for linear models only; for "
                         f"model={model!r} use 'lmg', 'dominance', 'first' or 'last'")
    if model == "ordinal" and method == "relative_weights":
        raise ValueError("method='relative_weights' is not defined for ordinal models; use "
                         "'lmg', 'dominance', 'first' or 'last' (or model='linear')")
    limit = _core.drivers_limit(_o.DRIVERS_MODEL.codes[model], _o.DRIVERS_METHOD.codes[method])
    if limit and p > limit:
        alternative = ("use method='relative_weights' (Johnson's relative weights agree closely "
                       "with LMG and need one fit)" if model != "ordinal" else
                       "use method='first' or 'last', or fewer drivers")
        raise ValueError(f"method={method!r} fits every subset of the drivers (2^p models) and "
                         f"allows at most {limit} drivers for model={model!r} (got {p}); "
                         f"{alternative}")


def data_frame(value, name: str = "df", *, allow_empty: bool = True) -> None:
    """A pandas DataFrame (with at least one row unless ``allow_empty``)."""
    if not hasattr(value, "columns") or not hasattr(value, "iloc"):
        raise TypeError(f"{name} must be a pandas DataFrame (got {type(value).__name__})")
    if not allow_empty and len(value) == 0:
        raise ValueError(f"{name} is empty (no rows)")


def column_complete(df, col: str, name: str) -> None:
    """No missing value in column ``col`` of ``df`` (the argument ``name`` names it)."""
    missing = df[col].isna().to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{name} column {col!r} has a missing value (row {df.index[i]!r})")


def distinct_columns(df, name: str = "df") -> None:
    """No column name of a DataFrame given twice."""
    repeated = df.columns[df.columns.duplicated()]
    if len(repeated):
        raise ValueError(f"{name} has more than one column named "
                         f"{', '.join(map(repr, dict.fromkeys(repeated)))}")


def read_csv(path, name: str, **options):
    """``pandas.read_csv(path, **options)``; a file that cannot be read as CSV (empty, not
    text, malformed, lacking ``usecols``) raises ValueError naming argument ``name`` and the
    file."""
    import os

    import pandas as pd

    try:
        return pd.read_csv(path, **options)
    except FileNotFoundError:
        raise FileNotFoundError(f"{name}: no file {str(path)!r}") from None
    except IsADirectoryError:
        raise ValueError(f"{name}: {str(path)!r} is a folder, not a CSV file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{name}: cannot read {os.path.basename(str(path))!r} as a CSV file "
                         f"({reason})") from None


def column_names(value, name: str) -> list:
    """A non-empty sequence of distinct column names (a single string is refused)."""
    if isinstance(value, str) or not hasattr(value, "__iter__") or (
            isinstance(value, np.ndarray) and value.ndim == 0):
        raise TypeError(f"{name} must be a sequence of column names (got {value!r})")
    names = list(value)
    if not names:
        raise ValueError(f"{name} is empty")
    repeated(names, name, "column names")
    return names


def repeated(names: list, name: str, what: str) -> None:
    """No name given twice; ``what`` says what the names are."""
    seen = set()
    for n in names:
        key = tuple(n) if isinstance(n, list) else n     # a group of names, as in ``by``
        try:
            if key in seen:
                raise ValueError(f"{name} has repeated {what} ({n!r} twice)")
            seen.add(key)
        except TypeError:
            if isinstance(n, list):                     # nested groups: the caller says
                continue
            raise TypeError(f"{name} must hold column names (got {n!r})") from None


# ---- column, option and name arguments of the table and data functions --------------------

def _items(value) -> list:
    """One item (a string, a scalar, a 0-d array) as a list of it; a sequence as a list."""
    value = one_value(value)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [value]
    return list(value)


def column_arguments(value, name: str, *, several: bool = True, optional: bool = False) -> list:
    """The column name(s) argument ``name`` gives, as a list: one name (a string or another
    label; a 0-d array is one) or, with ``several``, a non-empty sequence of distinct ones;
    None (and, with ``several``, an empty sequence) is ``[]`` with ``optional``."""
    if optional and one_value(value) is None:
        return []
    names = _items(value) if several else [one_value(value)]
    if not names and not optional:
        raise ValueError(f"{name} must name at least one column (got an empty sequence)")
    column_labels(names, name, several)
    repeated(names, name, "column names")
    return names


def columns(df, value, name: str, *, frame: str = "df", several: bool = True,
            optional: bool = False) -> list:
    """:func:`column_arguments`, each a column of ``df`` (``frame`` names it in the message)."""
    names = column_arguments(value, name, several=several, optional=optional)
    for col in names:
        if col not in df.columns:
            raise ValueError(f"{name}: column {col!r} is not in {frame}")
    return names


def choices(value, name: str, options) -> list:
    """One of ``options`` or a sequence of them, as a list."""
    return [choice(v, name, options) for v in _items(value)]


def keyword_options(value, name: str, keys) -> dict:
    """None or a dict (each key one of ``keys``) of dicts of keyword arguments, as a new dict."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict of keyword arguments by "
                        f"{', '.join(map(repr, keys))} (got {type(value).__name__})")
    for key, kwargs in value.items():
        choice(key, name, keys)
        if not isinstance(kwargs, dict):
            raise TypeError(f"{name}[{key!r}] must be a dict of keyword arguments (got "
                            f"{type(kwargs).__name__})")
    return {key: dict(kwargs) for key, kwargs in value.items()}


def strings(value, name: str, what: str) -> list:
    """A sequence of strings (not a single string), e.g. names of measures; ``what`` says what
    they are."""
    value = one_value(value)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a list of {what} (got {value!r})")
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{name} must be a list of {what} (got {item!r} in it)")
    return items


def optional_string(value, name: str):
    """None or a string (a description, such as where data come from)."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None (got {value!r})")
    return value


def finite_columns(df, name: str) -> None:
    """No infinite value in a numeric column of DataFrame ``name`` (missing values allowed)."""
    for col in df.columns:
        values = df[col]
        if getattr(values.dtype, "kind", "O") not in "fc":
            continue
        bad = np.isinf(values.to_numpy(dtype=np.complex128 if values.dtype.kind == "c" else
                                       np.float64, na_value=np.nan))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name} column {col!r} must be finite (row {df.index[i]!r} is "
                             f"infinite)")


# ---- dates ------------------------------------------------------------------------------------

_DATE_RANGE = "between 1677 and 2262"   # what a nanosecond Timestamp holds


def _one_date(value, name: str, where: str):
    """``value`` as a nanosecond Timestamp: TypeError when it is not a date, ValueError when it
    lies outside 1677-2262 (a mistyped year such as 2924)."""
    import pandas as pd

    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name} must {'hold dates' if where else 'be a date'} "
                        f"({where}got {value!r})") from None
    try:
        return stamp.as_unit("ns")
    except (ValueError, OverflowError):
        raise ValueError(f"{name} must {'hold dates' if where else 'be a date'} {_DATE_RANGE} "
                         f"({where}got {value!r})") from None


def date(value, name: str):
    """One date (a string, datetime or Timestamp) as a nanosecond pandas Timestamp; a missing
    one (None, NaN, NaT) is refused."""
    import pandas as pd

    stamp = _one_date(value, name, "")
    if stamp is pd.NaT:
        raise ValueError(f"{name} must be a date, not missing")
    return stamp


def dates(value, name: str):
    """Dates (a sequence, array or Series) as a nanosecond pandas DatetimeIndex (NaT for
    missing ones); the first date that is not one, or lies outside 1677-2262, is named by row."""
    import pandas as pd

    if isinstance(value, (str, bytes)) or np.ndim(value) == 0:
        raise TypeError(f"{name} must hold one date per case (got a single value)")
    if np.ndim(value) > 1:
        raise ValueError(f"{name} must hold one date per case (got {np.ndim(value)} "
                         "dimensions)")
    raw = pd.Series(value if hasattr(value, "dtype") else np.asarray(value, dtype=object))
    try:
        return pd.DatetimeIndex(pd.to_datetime(raw)).as_unit("ns")
    except (TypeError, ValueError, OverflowError):
        pass
    for i, v in enumerate(raw.to_numpy(dtype=object)):
        if not (v is None or (isinstance(v, float) and math.isnan(v))):
            _one_date(v, name, f"row {i}: ")
    raise TypeError(f"{name} must hold dates of one kind (dates, or dates and times)")


# ---- the core's own domain --------------------------------------------------------------------

# The core's words for its statuses (csrc/core/sc_status.c, GSL's gsl_strerror), raised by the
# binding as "<function>: <words>", and what each says of the arguments that gave it.
_TOO_EXTREME = ("are too extreme in magnitude to compute with (their sums or ratios "
                "overflow); rescale them")
_STATUS = {
    "input domain error": _TOO_EXTREME,
    "invalid argument supplied by user": _TOO_EXTREME,
    "exceeded max number of iterations": "are too extreme in magnitude for the computation to "
                                         "finish within its iteration limit; rescale them",
    "iterative solver did not converge": "are too extreme in magnitude for the iterative "
                                         "solver to converge; rescale them",
    "singular or rank-deficient system": "are too extreme in magnitude to compute with (they "
                                         "make a singular system); rescale them",
    "result is not a number": "are too extreme in magnitude to compute with (a result is not "
                              "a number); rescale them",
}
_ITERATIONS = ("exceeded max number of iterations", "iterative solver did not converge")


def core_status(error: Exception) -> str | None:
    """The core's status words in ``error`` (``"agents_needed: input domain error"``), or None
    when the error is not a bare status of the core."""
    func, sep, words = str(error).partition(": ")
    return words if sep and func.isidentifier() and words in _STATUS else None


@contextlib.contextmanager
def core_domain(names: str, unmet: str | None = None, note: str = ""):
    """Run core computations on checked inputs that the core may still find outside its domain
    (values of extreme magnitude, such as 1e308 or 5e-324, whose sums or ratios overflow): a
    bare status of the core becomes an error of the same type naming the arguments ``names``
    (e.g. ``"count and weights are too extreme in magnitude ..."``); ``unmet`` is the whole
    message for a search or iteration that stopped at its limit, when it says more; ``note``
    ends the message."""
    try:
        yield
    except (ValueError, NumericalError) as error:
        words = core_status(error)
        if words is None:
            raise
        message = (unmet if unmet is not None and words in _ITERATIONS
                   else f"{names} {_STATUS[words]}")
        raise type(error)(message + note) from None
