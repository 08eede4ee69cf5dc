"""The pandas contract of every family, run over ``scrutiny._registry``.

For every function of ``_registry.PER_UNIT`` its per-unit arguments given as pandas Series with
labels name the result's units: ``unit_labels(result)`` is the index and ``to_frame()`` has a
column of the labels.  For every function of ``_registry.SERIES`` its series given as a wide
frame with a monthly PeriodIndex (one column per series) give a result labelled by the columns.
Each starts from the entry's first example (the plain call), so a new function or a change of its
example is covered without a new test here.
"""
import inspect
import zlib

import numpy as np
import pandas as pd
import pytest

import scrutiny
from scrutiny import _registry as reg
from scrutiny._results import unit_labels

LABELS = ["Northmoor", "Westmoor", "Eastvale", "Southby", "Hillside", "Riverside", "Oldtown"]


def function(name):
    obj = scrutiny
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def example(name, size):
    """The entry's first example bound to the function's arguments (seeded by the name)."""
    rng = np.random.default_rng(zlib.crc32(f"{name} pandas".encode()))
    args, kwargs = reg.REGISTRY[name].examples[0](rng, size, None)
    return inspect.signature(function(name)).bind(*args, **kwargs)


def assert_labelled(result, labels):
    """The result names its units by ``labels``: its label field, and a column of to_frame()
    holding them in order (repeated per level where there are several)."""
    named = unit_labels(result)
    assert named is not None, "the result has no unit labels"
    assert list(named) == list(labels)
    frame = result.to_frame()
    columns = [c for c in frame.columns if list(pd.unique(frame[c])) == list(labels)]
    assert columns, f"no column of to_frame() holds the labels {list(labels)}"


def test_the_tables_name_registered_functions_and_their_arguments():
    for table in (reg.PER_UNIT, reg.SERIES):
        for name, arguments in table.items():
            assert name in reg.REGISTRY, name
            params = inspect.signature(function(name)).parameters
            assert set(arguments) <= set(params), (name, arguments)


@pytest.mark.parametrize("name", list(reg.PER_UNIT))
def test_labelled_series_name_the_units(name):
    size = len(LABELS)
    bound = example(name, size)
    labels = pd.Index(LABELS)
    wrapped = []
    for arg in reg.PER_UNIT[name]:
        value = bound.arguments.get(arg)
        if value is not None and np.ndim(value) == 1 and len(value) == size:
            bound.arguments[arg] = pd.Series(np.asarray(value), index=labels)
            wrapped.append(arg)
    assert wrapped, f"{name}: the first example has no per-unit argument of {size} values"
    result = function(name)(*bound.args, **bound.kwargs)
    assert_labelled(result, labels)


@pytest.mark.parametrize("name", list(reg.SERIES))
def test_wide_period_frames_name_the_series(name):
    bound = example(name, 3)
    columns = pd.Index(LABELS[:3], name="area")
    bound.arguments.pop("t", None)               # the times are the frame's index
    freq = {4: "Q"}.get(bound.arguments.get("period"), "M")
    wrapped = []
    for arg in reg.SERIES[name]:
        value = bound.arguments.get(arg)
        if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] == 3:
            times = pd.period_range("2022-01", periods=value.shape[1], freq=freq)
            bound.arguments[arg] = pd.DataFrame(value.T, index=times, columns=columns)
            wrapped.append(arg)
    assert wrapped, f"{name}: the first example has no series argument of 3 series"
    result = function(name)(*bound.args, **bound.kwargs)
    assert_labelled(result, columns)
