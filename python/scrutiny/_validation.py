"""Input checks for every public function: one place, one wording.

Each helper takes the argument's public name and raises ``TypeError`` / ``ValueError`` whose
message starts with that name, and (where there is one) the offending position, e.g.
``"denominator must be >= numerator (area 3: 12 < 15)"``.  Helpers return clean float64
arrays; they never modify their input.
"""
from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

NAN_POLICIES = ("propagate", "omit", "raise")


def _where(index, labels=None) -> str:
    i = int(index)
    if labels is not None:
        return f"area {labels[i]!r}"
    return f"area {i}"


def as_float_array(value, name: str, *, allow_empty: bool = False, ndim: int | None = None) -> np.ndarray:
    """``value`` (scalar, list, array, pandas object) as a float64 array (a copy)."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numeric, not a string")
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
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
    arr = np.array(arr, dtype=np.float64, copy=True)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional (got {arr.ndim} dimensions)")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty")
    return arr


def check_no_nan(arr: np.ndarray, name: str, labels=None) -> None:
    bad = np.flatnonzero(~np.isfinite(arr.ravel()))
    if bad.size:
        i = bad[0]
        kind = "NaN" if np.isnan(arr.ravel()[i]) else "infinite"
        raise ValueError(f"{name} must be finite ({_where(i, labels)} is {kind})")


def counts(value, name: str, *, integer: bool = True, labels=None, allow_empty: bool = False) -> np.ndarray:
    """Non-negative (whole, unless ``integer=False``) finite counts."""
    arr = as_float_array(value, name, allow_empty=allow_empty)
    check_no_nan(arr, name, labels)
    flat = arr.ravel()
    neg = np.flatnonzero(flat < 0)
    if neg.size:
        raise ValueError(f"{name} must be non-negative ({_where(neg[0], labels)}: {flat[neg[0]]:g})")
    if integer:
        frac = np.flatnonzero(flat != np.floor(flat))
        if frac.size:
            raise ValueError(f"{name} must be whole counts ({_where(frac[0], labels)}: {flat[frac[0]]:g})")
    return arr


def positive(value, name: str, *, labels=None, allow_empty: bool = False) -> np.ndarray:
    """Strictly positive finite values (denominators, exposures, expected counts)."""
    arr = as_float_array(value, name, allow_empty=allow_empty)
    check_no_nan(arr, name, labels)
    flat = arr.ravel()
    bad = np.flatnonzero(flat <= 0)
    if bad.size:
        raise ValueError(f"{name} must be positive ({_where(bad[0], labels)}: {flat[bad[0]]:g})")
    return arr


def numerator_within(num: np.ndarray, den: np.ndarray, num_name: str, den_name: str, labels=None) -> None:
    """``den >= num`` elementwise (arrays already broadcast)."""
    bad = np.flatnonzero((num > den).ravel())
    if bad.size:
        i = bad[0]
        raise ValueError(
            f"{den_name} must be >= {num_name} ({_where(i, labels)}: "
            f"{den.ravel()[i]:g} < {num.ravel()[i]:g})"
        )


def broadcast(**arrays) -> list[np.ndarray]:
    """Broadcast named arrays together (NumPy rules); the error names the arguments."""
    try:
        out = np.broadcast_arrays(*arrays.values())
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"shape mismatch: {shapes} cannot be broadcast together") from None
    return [np.ascontiguousarray(a) for a in out]


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
    is_seq = isinstance(conf, (Sequence, np.ndarray)) and not isinstance(conf, str)
    if not is_seq and not isinstance(conf, numbers.Real):
        raise TypeError(f"{name} must be a number in (0, 1) or a sequence of them")
    levels = probability(np.atleast_1d(conf).astype(float) if is_seq else [conf], name)
    if levels.ndim != 1:
        raise ValueError(f"{name} must be a number or a flat sequence of numbers")
    return levels, is_seq


def choice(value, name: str, options) -> str:
    if not isinstance(value, str) or value not in options:
        opts = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {opts} (got {value!r})")
    return value


def nan_policy(value) -> str:
    return choice(value, "nan_policy", NAN_POLICIES)


def labels_for(labels, n: int, name: str = "labels"):
    """Labels as a list of length n (default 0..n-1 as strings)."""
    if labels is None:
        return None
    if hasattr(labels, "to_numpy"):
        labels = labels.to_numpy()
    out = list(np.asarray(labels, dtype=object).ravel())
    if len(out) != n:
        raise ValueError(f"{name} has {len(out)} entries but there are {n} units")
    return out
