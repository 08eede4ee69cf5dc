"""One worker of the bad-input matrix (``test_hostile.py``): calls from stdin, outcomes to stdout.

Each line read is a JSON case ``[function, argument, kind]``; the worker answers ``start`` before
the call and one JSON outcome after it, so the parent knows which call hung or crashed:
``["ok"]``, ``["nonfinite", paths]``, ``["error", type, message, named]`` or ``["other", type,
message]`` (an exception outside ValueError, TypeError and scrutiny's errors; FileNotFoundError
is allowed for a path).

The bad values (``KINDS``) are made from the argument's value in the entry's first example: an
array gets the value in its first element or a changed shape, dtype or layout, a scalar is
replaced, a frame gets the value in the first row of every numeric column, anything else (an
option, a path, a column name) is replaced by the plain value.
"""
import functools
import inspect
import json
import math
import pathlib
import re
import shutil
import sys
import tempfile
import warnings
import zlib

import numpy as np
import pandas as pd

import scrutiny
from scrutiny import _registry as reg

# name -> the plain value put in an array's first element, a frame's first row or in place of a
# scalar; None for the kinds that change type, shape or layout instead.
KINDS = {
    "nan": math.nan, "inf": math.inf, "-inf": -math.inf, "None": None, "empty": None,
    "0-d": None, "3-D": None, "str dtype": None, "object dtype": None, "complex dtype": None,
    "bool": None, "negative": None, "zero": 0.0, "1e308": 1e308, "5e-324": 5e-324,
    "2**53+1": 2**53 + 1, "2**63": 2**63, "string": "abc", "list": None,
    "misaligned pandas": None, "read-only": None, "strided": None,
}
ALLOWED = (ValueError, TypeError, scrutiny.NumericalError)   # ConvergenceError is a NumericalError
SIZE = 7


def function(name):
    obj = scrutiny
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def parameters(name):
    """The arguments of a public function (not ``*args``/``**kwargs``)."""
    return [p.name for p in inspect.signature(function(name)).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def example(name, folder):
    """The entry's first example, bound to argument names, the same numbers on every call."""
    entry = reg.REGISTRY[name]
    rng = np.random.default_rng(zlib.crc32(f"{name} hostile".encode()))
    args, kwargs = entry.examples[0](rng, SIZE, folder)
    return dict(inspect.signature(function(name)).bind(*args, **kwargs).arguments)


def _numeric(value):
    """The value as a numeric ndarray, or None when it is not one."""
    if isinstance(value, (bool, np.bool_, str, bytes, dict, pd.DataFrame)) or value is None:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return None
    try:
        a = np.asarray(value)
    except Exception:   # ragged or odd: not an array argument
        return None
    return a if a.dtype.kind in "iuf" and a.ndim >= 1 else None


def _scalar(kind, v):
    """A bad value in place of a number (or of a non-numeric option)."""
    number = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
    v = float(v) if number else 2.385
    return {"empty": np.array([]), "0-d": np.asarray(v), "3-D": np.full((2, 2, 2), v),
            "str dtype": np.array(["abc"]), "object dtype": np.array([v, "abc"], dtype=object),
            "complex dtype": complex(v, 1.0), "bool": True, "negative": -abs(v) or -2.385,
            "list": [v, v]}.get(kind, KINDS.get(kind))


def _array(kind, a, bound, arg):
    """A bad value made from the numeric array ``a``."""
    if kind == "None":
        return None
    if KINDS[kind] is not None:
        value = KINDS[kind]
        if isinstance(value, str):
            out = a.astype(object)
        elif isinstance(value, int) and np.array_equal(a, np.round(a)):
            out = a.astype(np.int64 if value < 2**63 else np.uint64)   # the integer exactly
        else:
            out = a.astype(float)
        out.flat[0] = value
        return out
    if kind == "negative":
        out = a.astype(float)
        out.flat[0] = -abs(out.flat[0]) or -2.385
        return out
    if kind == "empty":
        return a[..., :0] if a.ndim > 1 else a[:0]
    if kind == "0-d":
        return np.asarray(a.flat[0])
    if kind == "3-D":
        return a.reshape((1,) * max(3 - a.ndim, 1) + a.shape) if a.ndim < 3 else a[None]
    if kind == "str dtype":
        return np.full(a.shape, "abc")
    if kind == "object dtype":
        out = a.astype(object)
        out.flat[0] = "abc"
        return out
    if kind == "complex dtype":
        return a.astype(complex) + 1j
    if kind == "bool":
        return a.astype(bool)
    if kind == "list":
        return a.tolist()
    if kind == "read-only":
        out = a.copy()
        out.flags.writeable = False
        return out
    if kind == "strided":
        return np.repeat(a, 2, axis=-1)[..., ::2]
    if kind == "misaligned pandas":
        # this argument labelled 1000, 1001, ...; every other 1-D argument of its length 0, 1, ...
        for other, value in bound.items():
            b = _numeric(value)
            if other != arg and b is not None and b.ndim == 1 and len(b) == len(a):
                bound[other] = pd.Series(b)
        index = np.arange(len(a)) + 1000
        return pd.Series(a, index=index) if a.ndim == 1 else pd.DataFrame(a, index=index)
    raise AssertionError(kind)


def _frame(kind, df):
    """A bad value made from a data frame: its numeric columns changed in the first row."""
    numeric = [c for c in df.columns if df[c].dtype.kind in "iuf"]
    if kind == "empty":
        return df.iloc[:0]
    if kind == "misaligned pandas":
        return df.set_axis(np.arange(len(df))[::-1] + 1000)
    if kind in ("None", "0-d", "3-D", "string", "list", "read-only", "strided") or not numeric:
        return _scalar(kind, None)
    out = df.copy()
    for c in numeric:
        column = out[c].to_numpy(copy=True)
        out[c] = _array(kind, column, {}, c)
    return out


def bad_value(kind, value, bound, arg):
    """The bad value of ``kind`` for argument ``arg`` whose example value is ``value``."""
    a = _numeric(value)
    if a is not None:
        out = _array(kind, a, bound, arg)
        if isinstance(value, pd.Series) and isinstance(out, np.ndarray) and out.shape == a.shape:
            out = pd.Series(out, index=value.index)
        return out
    if isinstance(value, pd.DataFrame):
        return _frame(kind, value)
    if isinstance(value, dict) and value and all(
            isinstance(v, (int, float)) for v in value.values()):
        first = next(iter(value))
        return {**value, first: _scalar(kind, value[first])} if kind not in (
            "empty", "None") else ({} if kind == "empty" else None)
    return _scalar(kind, value)


@functools.cache
def _example_values(name):
    with tempfile.TemporaryDirectory() as folder:
        return example(name, pathlib.Path(folder))


def applies(kind, name, arg):
    """Whether ``kind`` means something for the argument (layouts need an array)."""
    if kind not in ("misaligned pandas", "read-only", "strided"):
        return True
    value = _example_values(name).get(arg)
    return _numeric(value) is not None or (isinstance(value, pd.DataFrame)
                                           and kind == "misaligned pandas")


def nonfinite(value, path, found, depth=0, ok=None):
    """``[path, "NaN" or "inf"]`` of every non-finite number in a result (public fields, arrays,
    frames, dicts).  Rows whose ``status`` is not "ok" are left out: a batch family documents
    a row it could not compute by its status (``_batch.py``); so are a table's rows whose
    ``status`` or ``<test>_status`` column (for the ``<test>_...`` columns) is not "ok"."""
    def check(values):
        values = np.asarray(values)
        if ok is not None and values.shape[:1] == ok.shape:
            values = values[ok]
        if np.isnan(values).any():
            found.append([path, "NaN"])
        if np.isinf(values).any():
            found.append([path, "inf"])

    if depth > 4:
        return found
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        status = getattr(value, "status", None)
        if status is not None:
            ok = np.atleast_1d(np.asarray(status) == "ok")
            if not ok.any():
                return found
        for f in value.__dataclass_fields__:
            if not f.startswith("_"):
                nonfinite(getattr(value, f), f if not path else f"{path}.{f}", found, depth + 1, ok)
    elif isinstance(value, pd.DataFrame):
        for c in value.columns:
            # a table of batch results: rows whose "<test>_status" (or "status") is not "ok"
            status = next((s for s in (f"{str(c).split('_')[0]}_status", "status")
                           if s in value.columns), None)
            rows = ok if status is None else value[status].to_numpy() == "ok"
            nonfinite(value[c], f"{path}[{c}]", found, depth + 1, rows)
    elif isinstance(value, (pd.Series, pd.Index)):
        if value.dtype.kind in "fc":
            check(value.to_numpy())
    elif isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            check(value)
        elif value.dtype == object and value.size < 10_000:
            for v in value.ravel():
                nonfinite(v, path, found, depth + 1)
    elif isinstance(value, (float, np.floating, complex)):
        check(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            nonfinite(v, f"{path}[{k!r}]", found, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            nonfinite(v, path, found, depth + 1)
    return found


def named(message, arg, value, bound):
    """Whether the message names the argument (or, for a frame, one of its columns or an
    argument that names a column)."""
    names = [arg]
    if isinstance(value, pd.DataFrame):
        columns = {str(c) for c in value.columns}
        names += list(columns) + [k for k, v in bound.items()
                                  if isinstance(v, str) and v in columns]
    return any(re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", message) for n in names)


def run(name, arg, kind):
    """One call: the outcome (see the module's docstring)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="call", dir=".")).resolve()
    try:
        bound = example(name, folder)
        if kind != "control":
            original = bound.get(arg)
            bound[arg] = bad_value(kind, original, bound, arg)
        else:
            original = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = function(name)(**bound)
        except FileNotFoundError as e:   # a path that does not exist: the usual exception
            if "path" in arg or arg in ("spec", "out"):
                return ["error", type(e).__name__, str(e)[:300], named(str(e), arg, original,
                                                                       bound)]
            return ["other", type(e).__name__, str(e)[:300]]
        except ALLOWED as e:
            return ["error", type(e).__name__, str(e)[:300], named(str(e), arg, original, bound)]
        except Exception as e:   # noqa: BLE001 - any other exception is what the matrix reports
            return ["other", type(e).__name__, str(e)[:300]]
        paths = nonfinite(result, "", [])
        return ["nonfinite", paths] if paths else ["ok"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    for line in sys.stdin:
        name, arg, kind = json.loads(line)
        print("start", flush=True)
        print(json.dumps(run(name, arg, kind)), flush=True)


if __name__ == "__main__":
    main()
