"""The contracts every public function keeps, run over ``scrutiny._registry``.

What is checked, for each registered function on each of its example calls: 8 Python threads
calling at once give the serial answer, and ``threads=1`` and ``threads=2`` give the same answer
where the core runs OpenMP threads; the inputs are not modified, and a result shares no memory
with them (changing them afterwards leaves it as it was); read-only, strided,
Fortran-order and byte-swapped arrays, narrower dtypes and lists give the answer of C-ordered
float64; a result has a one-line ``repr``, a summary, an HTML table, ``to_dict`` and
``to_frame``; a narrative keeps the house vocabulary (the rules of ``test_narrative.py``) and
leaves the result as it was; a chart is drawn on axes.  Answers are compared exactly: the same
computation on the same numbers.

The registry itself is checked too: every public function is in it, and its tags say what the
function does (a result with a narrative is tagged so, a ``threads`` argument is tagged so), so
a new public function or result cannot escape these tests.
"""
import copy
import dataclasses
import importlib
import inspect
import pkgutil
import zlib
from concurrent.futures import ThreadPoolExecutor

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

import scrutiny
from scrutiny import _registry as reg
from scrutiny import _results
from scrutiny._results import Result
from test_narrative import assert_careful, assert_house_vocabulary

ENTRIES = reg.ENTRIES
BASES = (Result, _results.TestResult)           # the result classes no function returns as such


def cases(tag=None):
    """(entry, example) pairs: every example of every entry with the tag."""
    return [pytest.param(e, k, id=e.name if k == 0 else f"{e.name}-{k}") for e in ENTRIES
            if tag is None or tag in e.tags for k in range(len(e.examples))]


def build(entry, k, folder, size=reg.SIZE):
    """Example k's inputs: the same numbers on every call (seeded by the name)."""
    rng = np.random.default_rng(zlib.crc32(f"{entry.name} {k}".encode()))
    return entry.examples[k](rng, size, folder)


def function(entry):
    """The public function the entry names: ``scrutiny.<name>``."""
    obj = scrutiny
    for part in entry.name.split("."):
        obj = getattr(obj, part)
    return obj


def run(entry, k, folder, size=reg.SIZE, **extra):
    args, kwargs = build(entry, k, folder, size)
    return function(entry)(*args, **kwargs, **extra)


@pytest.fixture
def folder(tmp_path_factory):
    """A fresh empty folder for each call (examples that write files write there)."""
    return lambda: tmp_path_factory.mktemp("example")


def assert_same(a, b, where="result"):
    """``a`` and ``b`` hold the same values, field by field (NaN equals NaN)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, pd.Index):
        pd.testing.assert_index_equal(a, b, exact=True, obj=where)
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.shape == b.shape, where
        assert a.dtype.newbyteorder("=") == b.dtype.newbyteorder("="), where
        if a.dtype == object:
            for k, (u, v) in enumerate(zip(a.ravel(), b.ravel())):
                assert_same(u, v, f"{where}[{k}]")
        else:
            np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for k, (u, v) in enumerate(zip(a, b)):
            assert_same(u, v, f"{where}[{k}]")
    elif isinstance(a, (float, np.floating)) and np.isnan(a):
        assert isinstance(b, (float, np.floating)) and np.isnan(b), where
    else:
        assert type(a) is type(b) and a == b, (where, a, b)


def nested_results(result):
    """The result and every result held in its fields."""
    found = [result]
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if isinstance(value, Result):
            found += nested_results(value)
    return found


# ---- the registry ---------------------------------------------------------------------------

def public_functions():
    """Every public function (the callables of ``__all__`` that are not classes), by the shortest
    name under ``scrutiny``: ``proportion_ci``, ``data.sample``."""
    found = {}
    for prefix, module in (("", scrutiny), ("data.", scrutiny.data), ("report.", scrutiny.report)):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, type):
                found.setdefault(obj, prefix + name)
    return {name: obj for obj, name in found.items()}


def test_every_public_function_is_registered():
    public = public_functions()
    assert set(reg.REGISTRY) == set(public), set(reg.REGISTRY) ^ set(public)
    assert len(reg.REGISTRY) == len(ENTRIES)


@pytest.mark.parametrize("entry, k", cases())
def test_tags_say_what_the_function_does(entry, k, folder):
    func = function(entry)
    params = inspect.signature(func).parameters
    assert set(entry.arrays) <= set(params), entry.arrays
    assert (reg.OPENMP in entry.tags) == ("threads" in params)
    args, kwargs = build(entry, k, folder())
    bound = inspect.signature(func).bind(*args, **kwargs).arguments
    numeric = {n for n, v in bound.items() if isinstance(v, np.ndarray) and v.dtype.kind in "iuf"}
    assert numeric <= set(entry.arrays), "numeric array arguments not varied by the layout test"
    result = func(*args, **kwargs)
    is_result = isinstance(result, Result)
    assert (reg.RESULT in entry.tags) == is_result
    assert (reg.NARRATIVE in entry.tags) == (is_result and hasattr(result, "narrative"))
    assert (reg.PLOT in entry.tags) == (is_result and hasattr(result, "plot"))


def test_every_result_class_is_reached(folder):
    """Every result class is returned (or held) by a registered example, so the contracts on
    results (display, narrative, chart) reach it."""
    kinds = set()
    for info in pkgutil.walk_packages(scrutiny.__path__, "scrutiny."):
        for obj in vars(importlib.import_module(info.name)).values():
            if isinstance(obj, type) and issubclass(obj, Result) and obj not in BASES:
                kinds.add(obj)
    reached = {type(r) for e in ENTRIES if reg.RESULT in e.tags
               for k in range(len(e.examples)) for r in nested_results(run(e, k, folder()))}
    assert kinds <= reached, {k.__name__ for k in kinds - reached}


# ---- threads --------------------------------------------------------------------------------

@pytest.mark.parametrize("entry, k", cases(reg.THREADS))
def test_threads_give_the_serial_answer(entry, k, folder):
    # the first example as large as makes the core run its own threads too
    size = reg.PARALLEL_SIZE if k == 0 and (entry.arrays or reg.OPENMP in entry.tags) else reg.SIZE
    serial = run(entry, k, folder(), size)
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda _: run(entry, k, folder(), size), range(8)))
    for result in threaded:
        assert_same(result, serial)


@pytest.mark.parametrize("entry, k", [c for c in cases(reg.OPENMP) if c.values[1] == 0])
def test_openmp_threads_give_the_serial_answer(entry, k, folder):
    """Above the size where the core runs threads, the answer does not depend on their number."""
    one = run(entry, k, folder(), reg.PARALLEL_SIZE, threads=1)
    assert_same(run(entry, k, folder(), reg.PARALLEL_SIZE, threads=2), one)
    assert_same(run(entry, k, folder(), reg.PARALLEL_SIZE), one)


# ---- inputs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("entry, k", cases())
def test_inputs_are_not_modified(entry, k, folder):
    args, kwargs = build(entry, k, folder())
    before = copy.deepcopy((args, kwargs))
    function(entry)(*args, **kwargs)
    assert_same((args, kwargs), before, "inputs")


def read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


def strided(a):
    wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],))
    wide[..., ::2] = a
    return wide[..., ::2]


def narrow(a):
    """Whole numbers as 32-bit integers, others as 32-bit floats where that is exact."""
    if np.isfinite(a).all() and np.array_equal(np.round(a), a):
        return a.astype(np.int32)
    return a.astype(np.float32) if np.array_equal(a.astype(np.float32), a, equal_nan=True) else a


LAYOUTS = {"read-only": read_only, "strided": strided, "fortran": np.asfortranarray,
           "byte-swapped": lambda a: a.astype(a.dtype.newbyteorder()), "narrow": narrow,
           "list": lambda a: a.tolist()}


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("entry, k", [c for c in cases() if c.values[0].arrays])
def test_array_layouts_give_the_answer_of_c_ordered_float64(entry, k, layout, folder):
    args, kwargs = build(entry, k, folder())
    func = function(entry)
    bound = inspect.signature(func).bind(*args, **kwargs)
    varied = [n for n in entry.arrays if isinstance(bound.arguments.get(n), np.ndarray)]
    for name in varied:
        bound.arguments[name] = np.ascontiguousarray(bound.arguments[name], dtype=np.float64)
    plain = func(*bound.args, **bound.kwargs)
    for name in varied:
        bound.arguments[name] = LAYOUTS[layout](bound.arguments[name])
    assert_same(func(*bound.args, **bound.kwargs), plain)


# ---- results ---------------------------------------------------------------------------------

@pytest.mark.parametrize("entry, k", cases(reg.RESULT))
def test_results_display_and_convert(entry, k, folder):
    res = run(entry, k, folder())
    name = type(res).__name__
    text = repr(res)
    assert text.startswith(name + "(") and "\n" not in text and len(text) > len(name) + 8, text
    assert res.summary().startswith(name)
    html = res._repr_html_()
    assert name in html and "<table" in html
    fields = res.to_dict()
    assert isinstance(fields, dict) and fields
    frame = res.to_frame()
    assert isinstance(frame, pd.DataFrame) and frame.shape[0] >= 1 and frame.shape[1] >= 1


@pytest.mark.parametrize("size", [reg.SIZE, 1])
@pytest.mark.parametrize("entry, k", cases(reg.NARRATIVE))
def test_narratives_keep_the_house_vocabulary(entry, k, size, folder):
    """For several units and for one (a sentence, or one a unit)."""
    for res in nested_results(run(entry, k, folder(), size)):
        if not hasattr(res, "narrative"):
            continue
        before = copy.deepcopy(res)
        text = res.narrative()
        assert isinstance(text, (str, list)) and len(text) > 0, type(res).__name__
        assert_careful(text)            # non-empty strings without overclaims
        assert_house_vocabulary(text, type(res).__name__)   # p-values, plurals, units, numbers
        assert_same(res, before)        # narrative() leaves the result as it was


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in ENTRIES
                                   if reg.PLOT in e.tags])
def test_plots_draw_on_axes(entry, folder):
    ax = run(entry, 0, folder(), size=1 if reg.ONE_SERIES in entry.tags else reg.SIZE).plot()
    try:
        assert isinstance(ax, Axes) and ax.has_data()
    finally:
        plt.close("all")


def _arrays(obj, seen=None):
    """Every NumPy array in ``obj``: itself, in lists, tuples, dicts, pandas objects and the
    fields of results (nested results included)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return [obj] if obj.dtype != object else [obj] + [a for v in obj.ravel()
                                                         for a in _arrays(v, seen)]
    if isinstance(obj, pd.DataFrame):
        return [a for c in range(obj.shape[1]) for a in _arrays(obj.iloc[:, c], seen)]
    if isinstance(obj, (pd.Series, pd.Index)):
        values = obj.to_numpy()
        return [values] if isinstance(values, np.ndarray) else []
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in _arrays(v, seen)]
    if isinstance(obj, (list, tuple)):
        return [a for v in obj for a in _arrays(v, seen)]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [a for f in dataclasses.fields(obj) for a in _arrays(getattr(obj, f.name), seen)]
    return []


def _mutate(a):
    """Change every value of a writeable numeric array in place."""
    if not a.flags.writeable or a.size == 0:
        return
    if a.dtype.kind == "b":
        a[...] = ~a
    elif a.dtype.kind in "iuf":
        with np.errstate(all="ignore"):
            a[...] = a * 3 + 1


@pytest.mark.parametrize("entry, k", cases(reg.RESULT))
def test_results_do_not_share_memory_with_inputs(entry, k, folder):
    """A result holds its own copies: it shares no memory with any input, and changing the
    inputs afterwards leaves it as it was."""
    args, kwargs = build(entry, k, folder())
    result = function(entry)(*args, **kwargs)
    inputs = [a for a in _arrays((args, kwargs)) if a.dtype.kind in "biuf"]
    held = _arrays(result)
    for a in inputs:
        for b in held:
            assert not np.shares_memory(a, b), "a result field is a view of an input"
    before = copy.deepcopy(result)
    for a in inputs:
        _mutate(a)
    assert_same(result, before)


@pytest.mark.parametrize("call", [
    lambda x, n: scrutiny.test_target(x, n, 0.3),
    lambda x, n: scrutiny.compare_rates(x, n, x[::-1], n),
    lambda x, n: scrutiny.funnel(x, n),
    lambda x, n: scrutiny.funnel(x, n, kind="rate"),
    lambda x, n: scrutiny.poisson_etest(x, x[::-1]),
    lambda x, n: scrutiny.spc(x),
    lambda x, n: scrutiny.spc(x, n=n, chart="p"),
    lambda x, n: scrutiny.changepoints(x, cost="poisson"),
    lambda x, n: scrutiny.count_trend(x, t=n),
    lambda x, n: scrutiny.agents_needed(100.0, 1800.0, 180.0, 20.0, 0.8, patience=n[:3]),
], ids=["test_target", "compare_rates", "funnel", "funnel-rate", "poisson_etest", "spc",
        "spc-p", "changepoints", "count_trend", "agents_needed"])
def test_results_keep_their_values_when_inputs_change(call):
    """The cases of issue 12: each result once held a live view of its caller's arrays."""
    x = np.array([5.0, 9, 7, 12, 6, 8, 11, 7, 9, 10, 6, 8])
    n = np.arange(20.0, 32.0)
    result = call(x, n)
    before = copy.deepcopy(result)
    x[:] = 0.0
    n[:] = 1e6
    assert_same(result, before)
