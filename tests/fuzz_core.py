"""Fuzz every entry point of ``scrutiny._core`` with broken arguments (run by ``make asan``).

The binding is a boundary too: whatever a caller passes, ``_core`` must raise a Python exception
or return, never read or write out of bounds, overflow or hang.  The valid arguments of each
entry point are recorded while the registry's examples (``scrutiny._registry``) run through the
public API; each iteration then changes one to three of them at random: an array's values
(NaN, ±inf, 0, negative, 1e308, 5e-324, 2**53 + 1, huge and out-of-range indexes and codes), its
length, number of dimensions, dtype or layout; an integer or float argument's value (negative,
zero, huge, out-of-range codes); a None where an array was and an array where None was.  Any
Python exception is an answer; the sanitizers (AddressSanitizer + UBSan, preloaded) abort the
process on a memory or undefined-behaviour error, and a call that runs past ``--timeout``
seconds ends the run with a traceback.

    python tests/fuzz_core.py [--iterations N] [--seed S] [--timeout T] [-v] [entry point ...]

The run is deterministic for a seed and entry point; ``-v`` prints each call before making it.
"""
import argparse
import faulthandler
import inspect
import pathlib
import sys
import tempfile
import warnings
import zlib

import numpy as np

import scrutiny
from scrutiny import _core
from scrutiny import _registry as reg

VALUES = np.array([np.nan, np.inf, -np.inf, 0.0, -1.0, -2.385, 1e308, -1e308, 5e-324,
                   2.0**53 + 1, 2.0**63, 1e12, 0.5, 1.0, 2.0, 3.0, 7.0, 1e6])
INTS = [-(2**63), -(2**31), -1, 0, 1, 2, 3, 5, 17, 99, 255, 2**31 - 1, 2**31, 2**53 + 1,
        2**63 - 1]
DTYPES = [np.float32, np.int64, np.int32, np.uint8, np.bool_, np.complex128, object]


_P, _A, _B = np.array([0.025, 0.5, 0.975]), np.array([2.385, 0.5, 41.0]), np.array([7.1, 3.0, 0.5])
# Entry points the public API reaches only outside the examples (distribution helpers for the
# tests, a quantile method): valid calls by hand.
SEEDS = {
    "dist_beta_inc": ((_P, _A, _B), {}), "dist_beta_quantile": ((_P, _A, _B), {}),
    "dist_gamma_inc": ((_A, _B), {}), "dist_gamma_quantile": ((_P, _A), {}),
    "dist_binom_cdf": ((np.array([3.0, 0.0, 17.0]), np.array([10.0, 5.0, 40.0]), _P), {}),
    "dist_binom_quantile": ((_P, np.array([10.0, 5.0, 40.0]), _P), {}),
    "dist_pois_cdf": ((np.array([3.0, 0.0, 17.0]), _A), {}),
    "dist_pois_quantile": ((_P, _A), {}),
    "options": ((), {}),
    "waits_quantile": ((np.array([0.0, 3.0, 7.5, 12.0]), np.array([1.0, 0.8, 0.45, 0.2]),
                        np.array([0.25, 0.5, 0.75]), 0.0, 1e-8), {}),
}


def entry_points():
    """Every function of ``_core``, by name."""
    return {n: getattr(_core, n) for n in dir(_core)
            if not n.startswith("_") and callable(getattr(_core, n))}


def record():
    """Valid ``(args, kwargs)`` for each entry point, as the public API calls it on the
    registry's examples (the first call of each)."""
    seen = {}
    names = entry_points()

    def recorder(name, func):
        def wrapper(*args, **kwargs):
            seen.setdefault(name, (args, kwargs))
            return func(*args, **kwargs)
        return wrapper

    for name, func in names.items():
        setattr(_core, name, recorder(name, func))
    try:
        with warnings.catch_warnings(), tempfile.TemporaryDirectory() as folder:
            warnings.simplefilter("ignore")
            for entry in reg.ENTRIES:
                func = scrutiny
                for part in entry.name.split("."):
                    func = getattr(func, part)
                for k, example in enumerate(entry.examples):
                    rng = np.random.default_rng(zlib.crc32(f"{entry.name} {k}".encode()))
                    args, kwargs = example(rng, reg.SIZE, pathlib.Path(folder))
                    try:
                        result = func(*args, **kwargs)
                        for method in ("narrative", "summary"):    # helpers some of these call
                            if hasattr(result, method):
                                getattr(result, method)()
                    except Exception:   # noqa: BLE001 - only the recorded calls matter here
                        pass
    finally:
        for name, func in names.items():
            setattr(_core, name, func)
    return {**SEEDS, **seen}


def broken_array(rng, a):
    """The array ``a`` with broken values, shape, dtype or layout."""
    a = np.array(a)
    how = rng.integers(6)
    if how == 0 and a.size:                              # extreme or out-of-range values
        out = a.astype(float) if a.dtype.kind in "fc" else a.astype(np.float64)
        k = rng.integers(1, a.size + 1)
        out.flat[rng.choice(a.size, k, replace=False)] = rng.choice(VALUES, k)
        return out if a.dtype.kind in "fc" or rng.random() < 0.5 else \
            np.nan_to_num(out, posinf=2**62, neginf=-2**62).astype(a.dtype, casting="unsafe")
    if how == 1:                                         # another length
        n = int(rng.choice([0, 1, 2, max(a.shape[-1:] or [1]) + 3]))
        return np.resize(a, a.shape[:-1] + (n,)) if a.ndim else np.resize(a, n)
    if how == 2:                                         # other dimensions
        return rng.choice([lambda: np.asarray(a.flat[0] if a.size else 1.0),
                           lambda: a.reshape((1,) + a.shape),
                           lambda: a.reshape(a.shape + (1, 1)),
                           lambda: a.ravel()])()
    if how == 3:                                         # another dtype
        dtype = DTYPES[rng.integers(len(DTYPES))]
        return a.astype(dtype)
    if how == 4 and a.ndim:                              # layout
        return rng.choice([lambda: np.asfortranarray(a), lambda: np.repeat(a, 2, -1)[..., ::2],
                           lambda: a[..., ::-1], lambda: a.astype(a.dtype.newbyteorder())])()
    return rng.standard_normal(a.shape) * 10.0 ** rng.integers(-3, 12)


def broken(rng, value):
    """A broken stand-in for one argument."""
    if isinstance(value, bool) or value is None:
        return rng.choice([lambda: None, lambda: 2, lambda: np.zeros(3), lambda: True])()
    if isinstance(value, (int, np.integer)):
        return int(rng.choice(INTS)) if rng.random() < 0.8 else float(rng.choice(VALUES))
    if isinstance(value, (float, np.floating)):
        return float(rng.choice(VALUES)) if rng.random() < 0.8 else int(rng.choice(INTS))
    if isinstance(value, np.ndarray):
        return broken_array(rng, value)
    if isinstance(value, (tuple, list)):
        if value and rng.random() < 0.5:
            k = rng.integers(len(value))
            return type(value)([broken(rng, v) if j == k else v for j, v in enumerate(value)])
        return broken_array(rng, np.asarray(value, dtype=float) if all(
            isinstance(v, (int, float)) for v in value) else np.zeros(2))
    return rng.choice([lambda: None, lambda: -1, lambda: "x"])()


def describe(value):
    """A short description of an argument: an array's shape, dtype, layout and range."""
    if isinstance(value, np.ndarray):
        text = f"array{value.shape} {value.dtype}"
        if not value.flags.c_contiguous:
            text += " strided"
        if value.dtype.kind in "biuf" and value.size:
            text += f" [{np.nanmin(value) if not np.isnan(value).all() else np.nan}" \
                    f"..{np.nanmax(value) if not np.isnan(value).all() else np.nan}]"
            text += f" {int(np.isnan(value).sum())} NaN" if value.dtype.kind == "f" else ""
        return text
    return repr(value)


def fuzz(seed=0, iterations=150, timeout=60.0, verbose=False, only=None):
    """Fuzz every recorded entry point (or those named in ``only``); returns (calls, Python
    exceptions, entry points missed)."""
    seeds = record()
    calls = raised = 0
    for name, func in entry_points().items():
        if name not in seeds or (only and name not in only):
            continue
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        print(f"fuzz_core: {name}", file=sys.stderr, flush=True)
        args, kwargs = seeds[name]
        for _ in range(iterations):
            new_args, new_kwargs = list(args), dict(kwargs)
            slots = [("a", k) for k in range(len(args))] + [("k", k) for k in kwargs]
            for kind, k in (slots[j] for j in rng.choice(len(slots), min(len(slots), rng.integers(
                    1, 4)), replace=False)) if slots else ():
                if kind == "a":
                    new_args[k] = broken(rng, args[k])
                else:
                    new_kwargs[k] = broken(rng, kwargs[k])
            if verbose:
                shown = [*map(describe, new_args),
                         *(f"{k}={describe(v)}" for k, v in new_kwargs.items())]
                print(f"{name}({', '.join(shown)})", file=sys.stderr, flush=True)
            faulthandler.dump_traceback_later(timeout, exit=True)
            try:
                func(*new_args, **new_kwargs)
            except Exception:   # noqa: BLE001 - any Python exception is an answer
                raised += 1
            finally:
                faulthandler.cancel_dump_traceback_later()
            calls += 1
    return calls, raised, sorted(set(entry_points()) - set(seeds))


def main(argv=None):
    parser = argparse.ArgumentParser(description=inspect.getdoc(sys.modules[__name__]))
    parser.add_argument("--iterations", type=int, default=150, help="calls per entry point")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per call")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("only", nargs="*", help="entry points to fuzz (all by default)")
    options = parser.parse_args(argv)
    faulthandler.enable()
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")
    calls, raised, missed = fuzz(options.seed, options.iterations, options.timeout,
                                 options.verbose, options.only)
    print(f"fuzz_core: {calls} calls, "
          f"{raised} raised a Python exception; entry points without a valid call: "
          f"{', '.join(missed) or 'none'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
