"""The result base: field roles drive repr, summary, the HTML table, to_dict and to_frame; every
result class declares a role for each field and documents each public one."""
import dataclasses
import importlib
import inspect
import pkgutil
import re

import numpy as np
import pandas as pd
import pytest

import scrutiny
from scrutiny import _results as _r
from scrutiny._results import Result


@dataclasses.dataclass(frozen=True, repr=False)
class Toy(Result):
    """A result with a field of every role.

    Attributes
    ----------
    estimate : numpy.ndarray
        Per unit.
    lower, upper : numpy.ndarray
        Per unit and level.
    conf : float or tuple of float
        The levels.
    method : str
        For all.
    table_of : pandas.DataFrame
        Not a column.
    inputs : numpy.ndarray
        Hidden.
    """

    estimate: np.ndarray = _r.unit()
    lower: np.ndarray = _r.per_level()
    upper: np.ndarray = _r.per_level()
    conf: float | tuple = _r.levels()
    method: str = _r.scalar()
    table_of: pd.DataFrame = _r.detail()
    inputs: np.ndarray = _r.hidden()
    names: list | None = _r.label(default=None)


def toy(conf=(0.9, 0.95), names=None):
    est = np.array([0.2, 0.4, 0.6])
    half = np.array([0.1, 0.2]) if isinstance(conf, tuple) else 0.1
    lower = est[:, None] - half if isinstance(conf, tuple) else est - half
    return Toy(estimate=est, lower=lower, upper=2 * est[:, None] - lower if isinstance(conf, tuple)
               else est + half, conf=conf, method="toy", table_of=pd.DataFrame({"a": [1]}),
               inputs=np.arange(3), names=names)


def test_roles_are_declared_in_field_metadata():
    roles = {f.name: _r.role(f) for f in dataclasses.fields(Toy)}
    assert roles == {"estimate": "unit", "lower": "level", "upper": "level", "conf": "levels",
                     "method": "scalar", "table_of": "detail", "inputs": "hidden",
                     "names": "label"}
    assert dataclasses.fields(Toy)[0].metadata["per"] == "unit"
    assert _r.series().metadata["per"] == "series" and _r.term().metadata["per"] == "term"


def test_hidden_fields_are_hidden_everywhere():
    res = toy()
    assert "inputs" not in repr(res) and "inputs" not in res.summary()
    assert "inputs" not in res.to_dict() and "inputs" not in res.to_frame()
    assert "inputs" not in res._repr_html_()
    assert list(res.to_dict()) == ["estimate", "lower", "upper", "conf", "method", "table_of",
                                   "names"]


def test_repr_and_summary_follow_the_roles():
    res = toy()
    text = repr(res)
    assert text.startswith("Toy(estimate=[0.2, 0.4, 0.6], lower=array(shape=(3, 2))")
    assert "\n" not in text and "table_of=DataFrame(shape=(1, 1))" in text
    lines = res.summary().splitlines()
    assert lines[0] == "Toy"
    heads = [line.strip() for line in lines if line.endswith(":")]
    assert heads == ["names:", "per unit:", "per unit and level:", "levels:", "for all:",
                     "other:"]
    assert any(line.split() == ["method", "'toy'"] for line in lines)


def test_per_level_fields_expand_to_one_row_per_unit_and_level():
    res = toy()
    frame = res.to_frame()
    assert list(frame.columns) == ["unit", "estimate", "lower", "upper", "conf", "method"]
    assert frame["unit"].tolist() == [0, 0, 1, 1, 2, 2]
    assert frame["conf"].tolist() == [0.9, 0.95] * 3
    np.testing.assert_array_equal(frame["lower"], res.lower.reshape(-1))
    np.testing.assert_array_equal(frame["estimate"], np.repeat(res.estimate, 2))
    assert (frame["method"] == "toy").all()


def test_one_level_gives_one_row_per_unit_and_a_constant_level():
    frame = toy(conf=0.95).to_frame()
    assert len(frame) == 3 and (frame["conf"] == 0.95).all()
    assert list(frame.columns) == ["unit", "estimate", "lower", "upper", "conf", "method"]


def test_labels_name_the_units():
    frame = toy(names=["North", "South", "West"]).to_frame()
    assert frame["unit"].tolist() == ["North"] * 2 + ["South"] * 2 + ["West"] * 2


def test_units_on_a_grid_get_axis_columns():
    res = scrutiny.proportion_ci(np.array([[1, 2, 3], [4, 5, 6]]), 20, conf=[0.9, 0.95])
    frame = res.to_frame()
    assert list(frame.columns[:2]) == ["axis0", "axis1"] and len(frame) == 12
    np.testing.assert_array_equal(frame["upper"], res.upper.reshape(-1))
    assert frame[["axis0", "axis1"]].iloc[-1].tolist() == [1, 2]


def test_html_is_the_frame_escaped_and_cut_at_30_rows():
    res = scrutiny.proportion_ci(np.arange(40), 50)
    text = res._repr_html_()
    assert text.count("<tr") == 31 and "first 30 of 40 rows" in text
    labelled = toy(names=["<b>", "a", "b"])._repr_html_()
    assert "&lt;b&gt;" in labelled and "<b>" not in labelled


def test_a_table_field_is_the_frame_and_stays_out_of_repr():
    res = scrutiny.funnel([24, 40, 61], [100, 120, 180], labels=list("ABC"))
    frame = res.to_frame()
    pd.testing.assert_frame_equal(frame, res.table)
    assert frame is not res.table
    assert "table" not in repr(res) and "table" in res.to_dict()


def test_a_fresh_frame_is_held_and_any_other_copied():
    """A frame made on a block the core has just returned (marked fresh) is the result's
    own, uncopied; any other frame given to a result is copied, so the caller's stays apart."""
    given = pd.DataFrame({"a": [1.0, 2.0]})
    fresh = _r.fresh(pd.DataFrame(np.array([[1.0], [2.0]]), columns=["a"], copy=False))
    held = dataclasses.replace(toy(), table_of=given)
    assert held.table_of is not given and not np.shares_memory(held.table_of.to_numpy(),
                                                                given.to_numpy())
    assert dataclasses.replace(toy(), table_of=fresh).table_of is fresh


def test_count_trend_holds_its_coefficient_frames_uncopied():
    """The coefficient frames of several series are the core's blocks: counting the result's
    memory at its peak finds the output (and the kernel's scratch), not a second copy of the
    three 13-column frames (which took the peak to 1.8x the output)."""
    import tracemalloc
    y = np.random.default_rng(5).poisson(10.0, (20_000, 36)).astype(float)
    scrutiny.count_trend(y[:10], period=12)
    tracemalloc.start()
    try:
        res = scrutiny.count_trend(y, period=12, threads=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    output = sum(v.nbytes if isinstance(v, np.ndarray) else v.memory_usage(index=False).sum()
                 for v in vars(res).values() if isinstance(v, (np.ndarray, pd.DataFrame)))
    assert output > 20_000 * 3 * 13 * 8
    assert peak < 1.2 * output, (peak, output)


def test_results_pickle_whole_with_small_arrays_per_unit_packed():
    """A result pickles and unpickles to the same fields (as sent between a Dask cluster's
    processes), read-only; a field of one small array per series (change positions, segment
    means) is packed as one array, so its pickle does not grow by an array a series."""
    import pickle
    rng = np.random.default_rng(8)
    y = rng.poisson(np.repeat([[5.0] * 18 + [12.0] * 18], 2_000, axis=0)).astype(float)
    y[0] = 3.0                                      # a constant series: no change
    res = scrutiny.changepoints(y, cost="poisson")
    buffers = []
    data = pickle.dumps(res, protocol=5, buffer_callback=buffers.append)
    assert len(data) < 20_000 + 60 * len(y)        # strings of status; not an array a series
    back = pickle.loads(data, buffers=buffers)
    assert type(back) is type(res)
    for f in dataclasses.fields(res):
        a, b = getattr(res, f.name), getattr(back, f.name)
        if isinstance(a, np.ndarray):
            assert not b.flags.writeable, f.name
            if a.dtype == object:
                assert all(type(u) is type(v) and np.array_equal(u, v) and
                           getattr(u, "dtype", None) == getattr(v, "dtype", None)
                           for u, v in zip(a, b)), f.name
            else:
                np.testing.assert_array_equal(a, b, err_msg=f.name)
        else:
            assert a == b or (a is None and b is None), f.name
    assert len(back.positions[0]) == 0 and len(back.positions[1]) >= 1
    mixed = np.empty(3, dtype=object)
    mixed[:] = [np.arange(2), np.arange(3.0), None]     # not one numeric type: left as is
    assert _r._Ragged.packed(mixed) is mixed


def test_none_in_a_per_unit_field_is_a_column_of_nan():
    res = scrutiny.disparity_indices([12, 30, 18], [1000, 1500, 1200])
    assert res.lower is None
    share = scrutiny.drivers.relative_importance(np.random.default_rng(3).normal(size=(40, 2)),
                                                np.random.default_rng(4).normal(size=40))
    frame = share.to_frame()
    assert frame["lower"].isna().all() and frame["driver"].tolist()[0] in ("x1", "x2")


# ---- every result class ---------------------------------------------------------------------

def _modules():
    for info in pkgutil.walk_packages(scrutiny.__path__, "scrutiny."):
        yield importlib.import_module(info.name)


def _result_classes():
    seen = {}
    for module in _modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Result) and cls.__module__.startswith("scrutiny.") \
                    and cls not in (Result, _r.TestResult):
                seen[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [seen[k] for k in sorted(seen)]


RESULTS = _result_classes()


def _documented(cls) -> set:
    """The names an ``Attributes`` section of the class docstring documents."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    match = re.search(r"^Attributes\n-{10,}\n(.*?)(?:\n\n[A-Z][A-Za-z ]+\n-{3,}\n|\Z)", doc,
                      re.S | re.M)
    if match is None:
        return set()
    names = set()
    for line in match.group(1).splitlines():
        entry = re.match(r"^(\w[\w, ]*?) : ", line)
        if entry:
            names.update(n.strip() for n in entry.group(1).split(","))
    return names


def test_every_result_class_is_found():
    names = {cls.__name__ for cls in RESULTS}
    assert len(RESULTS) >= 39
    assert {"FunnelResult", "SPCResult", "HarmWeights", "KaplanMeierResult",
            "LogisticResult", "WDDResult", "ErlangCResult"} <= names


@pytest.mark.parametrize("cls", RESULTS, ids=lambda c: c.__name__)
def test_every_field_has_a_role(cls):
    missing = [f.name for f in dataclasses.fields(cls) if _r.role(f) not in _r.ROLES]
    assert not missing, f"{cls.__name__}: fields without a role: {missing}"


@pytest.mark.parametrize("cls", RESULTS, ids=lambda c: c.__name__)
def test_every_public_field_is_documented(cls):
    public = [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    documented = _documented(cls)
    assert documented, f"{cls.__name__} has no Attributes section"
    assert not set(public) - documented, (
        f"{cls.__name__}: undocumented {sorted(set(public) - documented)}")
    assert not documented - set(public), (
        f"{cls.__name__}: documents no such field {sorted(documented - set(public))}")


@pytest.mark.parametrize("cls", RESULTS, ids=lambda c: c.__name__)
def test_one_unit_per_frame(cls):
    """The per-unit fields that make to_frame's columns name one kind of unit."""
    pers = {f.metadata["per"] for f in dataclasses.fields(cls)
            if _r.role(f) in (_r.UNIT, _r.LEVEL) and f.metadata["frame"] is not False}
    assert len(pers) <= 1, f"{cls.__name__}: units {pers}"
