"""The Dask paths (scrutiny.distributed) on a LocalCluster of two worker processes: every result
equals the in-memory result exactly (the same floats), and the default path imports no Dask."""
from __future__ import annotations

import dataclasses
import math
import os
import pathlib
import subprocess
import sys
import warnings

import dask
import dask.array as da
import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

import scrutiny as sc

# The shared street files of one force (``../shared/data`` beside the project, or
# ``SCRUTINY_SHARED_DATA``), read too when present.
SHARED = pathlib.Path(os.environ.get("SCRUTINY_SHARED_DATA",
                                     pathlib.Path(__file__).resolve().parents[2] / "shared" /
                                     "data"))
POLICEUK = next((SHARED / name for name in ("police-uk-city-of-london-street",)
                 if (SHARED / name).is_dir()), None)
HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")


def _street_folder(root: pathlib.Path) -> pathlib.Path:
    """A small folder of street files (two forces, four months; blank LSOAs, a repeated
    crime ID, a force missing a month)."""
    rng = np.random.default_rng(11)
    types = ["Burglary", "Drugs", "Robbery", "Shoplifting", "Vehicle crime"]
    for month in ["2024-01", "2024-02", "2024-03", "2024-04"]:
        for force in ["north-shire", "south-shire"]:
            if force == "south-shire" and month == "2024-03":
                continue
            folder = root / month
            folder.mkdir(parents=True, exist_ok=True)
            lines = [HEADER]
            for i in range(int(rng.integers(40, 80))):
                lsoa = "" if i % 17 == 0 else f"E0100{int(rng.integers(0, 9))}"
                name = f"Area {lsoa[-1]}" if lsoa else ""
                crime_id = "abc" if i in (3, 4) else f"{month}{force}{i}"
                lines.append(f"{crime_id},{month},{force},{force},-1.{i},52.{i},On or near X,"
                             f"{lsoa},{name},{types[int(rng.integers(0, 5))]},"
                             "Under investigation,")
            (folder / f"{month}-{force}-street.csv").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two single-threaded worker processes, and its client."""
    with dask.config.set({"dataframe.convert-string": False,
                          "distributed.worker.daemon": False}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cluster = distributed.LocalCluster(n_workers=2, processes=True,
                                               threads_per_worker=1, dashboard_address=None)
            with distributed.Client(cluster) as c:
                yield c
            cluster.close()


@pytest.fixture(scope="module")
def counts():
    rng = np.random.default_rng(16)
    base = rng.gamma(4.0, 3.0, (60, 1)) * np.exp(np.linspace(0, 0.4, 36))[None, :] * \
        np.exp(rng.normal(0.0, 0.3, (60, 1)) * np.linspace(-1, 1, 36)[None, :])
    return rng.poisson(base).astype(float)


def _same(a, b):
    """Every field of two results equal: arrays and frames exactly, the rest by ==."""
    assert type(a) is type(b)
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            if x.dtype == object:
                assert len(x) == len(y)
                for u, v in zip(x, y):
                    assert_array_equal(u, v, err_msg=f.name)
            else:
                assert_array_equal(x, y, err_msg=f.name)
        elif isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True)
        elif isinstance(x, pd.Index):
            assert x.equals(y), f.name
        else:
            assert x == y or (x is None and y is None), f.name


@pytest.mark.parametrize("name, kwargs", [
    ("mann_kendall", {}), ("mann_kendall", {"method": "hamed_rao"}),
    ("count_trend", {}), ("count_trend", {"period": 12}), ("sen_slope", {}),
    ("changepoints", {"cost": "poisson"}),
])
def test_series_array(client, counts, name, kwargs):
    func = getattr(sc, name)
    blocks = da.from_array(counts, chunks=(16, 36))
    _same(func(counts, **kwargs), func(blocks, **kwargs))


def test_series_wide_frame(client, counts):
    wide = pd.DataFrame(counts.T, index=pd.period_range("2022-01", periods=36, freq="M"),
                        columns=[f"E{i:03d}" for i in range(len(counts))])
    lazy = dd.from_pandas(wide, npartitions=3)
    for func in (sc.mann_kendall, sc.count_trend, sc.sen_slope):
        _same(func(wide), func(lazy, series_per_block=16))
    _same(sc.changepoints(wide, cost="poisson"),
          sc.changepoints(lazy, cost="poisson", series_per_block=16))


def test_series_of_unknown_chunk_sizes(client, counts):
    """Row blocks of unknown sizes (an array from a frame's partitions) are kept until every
    block is in, then joined in order."""
    from scrutiny.distributed import _series_blocks
    lazy = dd.from_pandas(pd.DataFrame(counts), npartitions=3).to_dask_array()
    assert _series_blocks(lazy)[1] is None
    _same(sc.count_trend(counts, period=12), sc.count_trend(lazy, period=12))


def test_series_wide_frame_kept_on_the_cluster(client, counts):
    """A wide frame of one partition kept on the cluster is used as kept: each task takes its
    columns from it, and nothing computes the frame again (under a new key, where the worker
    would measure it column by column) or keeps a block of columns as a frame of its own."""
    wide = pd.DataFrame(counts.T, index=pd.period_range("2022-01", periods=36, freq="M"),
                        columns=[f"E{i:03d}" for i in range(len(counts))])
    kept = dd.from_pandas(wide, npartitions=1).persist()
    distributed.wait(kept)
    with distributed.get_task_stream(client) as stream:
        _same(sc.count_trend(wide, period=12), sc.count_trend(kept, period=12,
                                                              series_per_block=16))
    assert sorted(str(t["key"]).split("-")[0] for t in stream.data) == ["_columns"] * 4
    some = [f"E{i:03d}" for i in range(50, 10, -3)]         # a frame made from the kept one
    _same(sc.count_trend(wide[some], period=12),
          sc.count_trend(kept[some], period=12, series_per_block=4))


SERIES = [("mann_kendall", {}), ("sen_slope", {"conf": (0.9, 0.95)}),
          ("count_trend", {"period": 12}), ("changepoints", {"cost": "poisson"})]


@pytest.fixture(scope="module")
def gappy(counts):
    """The counts with missing months, one series constant and one too short (statuses other
    than ok, in some blocks of 16 series only)."""
    y = counts.copy()
    y[5, :30] = np.nan
    y[20] = 0.0
    y[40:, ::7] = np.nan
    y[50, 2:] = np.nan
    return y


@pytest.mark.parametrize("name, kwargs", SERIES)
def test_blocks_combine_to_the_whole(gappy, name, kwargs):
    """The results of consecutive blocks of series (rows, or a wide frame's columns) combine
    to the result of every series, whose arrays are read-only and whose frames hold no memory
    of the blocks' results."""
    from scrutiny._joined import Joined, join
    func = getattr(sc, name)
    wide = pd.DataFrame(gappy.T, index=pd.period_range("2022-01", periods=36, freq="M"),
                        columns=[f"E{i:03d}" for i in range(len(gappy))])
    for data, block in ((gappy, lambda i: gappy[i:i + 16]),
                        (wide, lambda i: wide.iloc[:, i:i + 16])):
        whole = func(data, **kwargs)
        parts = [func(block(i), **kwargs) for i in range(0, len(gappy), 16)]
        joined = join(parts)
        _same(whole, joined)
        sizes = [len(data[i:i + 16]) if data is gappy else data.iloc[:, i:i + 16].shape[1]
                 for i in range(0, len(gappy), 16)]
        for order in (range(len(parts))[::-1], np.random.default_rng(3).permutation(len(parts))):
            placed = Joined(sizes)                  # blocks as their tasks end: any order
            for i in order:
                placed.add(int(i), parts[i])
            _same(whole, placed.result())
        for f in dataclasses.fields(whole):
            value = getattr(joined, f.name)
            if isinstance(value, np.ndarray):
                assert not value.flags.writeable, f.name
            if isinstance(value, pd.DataFrame):
                assert not any(np.shares_memory(value.to_numpy(), getattr(p, f.name).to_numpy())
                               for p in parts), f.name


@dataclasses.dataclass(frozen=True, repr=False)
class _Blocky(sc._results.Result):
    """A result whose blocks differ in type: names of several widths, whole and decimal
    numbers, a frame of one type in some blocks and of two in others."""
    status: np.ndarray = sc._results.series()
    value: np.ndarray = sc._results.series()
    table: object = sc._results.detail()
    method: str = sc._results.scalar()


def _blocky(i: int, n: int):
    rows = np.arange(n)
    table = pd.DataFrame({"a": rows * 1.0, "b": rows * 2.0})
    if i == 2:
        table["b"] = table["b"].astype(np.int64)
    return _Blocky(status=np.array(["ok" if i else "too short"] * n),
                   value=(rows + 10 * i).astype(np.int32 if i % 2 else np.float64),
                   table=table, method="m")


def test_blocks_of_different_types_join_as_concatenated():
    """Blocks whose arrays differ in type join to the common type, and frames of mixed
    types are joined by pandas, in any order of arrival: the same as concatenating."""
    from scrutiny._joined import Joined
    sizes = [3, 4, 2, 5]
    parts = [_blocky(i, n) for i, n in enumerate(sizes)]
    expected = dict(status=np.concatenate([p.status for p in parts]),
                    value=np.concatenate([p.value for p in parts]),
                    table=pd.concat([p.table for p in parts]).reset_index(drop=True))
    for order in ([0, 1, 2, 3], [3, 1, 0, 2], [2, 3, 1, 0]):
        for known in (sizes, None):
            joined = Joined(known)
            for i in order:
                joined.add(i, parts[i])
            out = joined.result()
            assert out.status.dtype == expected["status"].dtype
            assert_array_equal(out.status, expected["status"])
            assert out.value.dtype == expected["value"].dtype
            assert_array_equal(out.value, expected["value"])
            pd.testing.assert_frame_equal(out.table, expected["table"], check_exact=True)
            assert out.method == "m"
    with pytest.raises(ValueError, match="a block of 4 series gave 3 rows"):
        Joined([4, 3]).add(0, parts[0])


def test_series_gathered_one_by_one(client, counts, monkeypatch):
    """On a distributed client the blocks' results come back as each task ends (not by
    dask.compute); with another scheduler, by dask.compute."""
    from scrutiny.distributed import _client
    assert _client(None) is client and _client(client) is client
    assert _client("threads") is None and _client("sync") is None
    computed = []
    compute = sc.distributed._compute
    monkeypatch.setattr(sc.distributed, "_compute",
                        lambda *c, scheduler=None: computed.append(scheduler) or
                        compute(*c, scheduler=scheduler))
    blocks = da.from_array(counts, chunks=(16, 36))
    _same(sc.count_trend(counts), sc.count_trend(blocks))
    assert computed == []
    _same(sc.count_trend(counts), sc.count_trend(blocks, scheduler="threads"))
    assert computed == ["threads"]


def test_values_fetched_from_the_workers(client, counts, monkeypatch):
    """Values come from the workers holding them (pickle protocol 5: arrays as they are), not
    through the scheduler (protocol 4: every array copied into the pickle and out of it),
    unless the client was made with direct_to_workers=False."""
    asked = []
    gather = client.gather
    monkeypatch.setattr(client, "gather", lambda futures, direct=None, **kw:
                        asked.append(direct) or gather(futures, direct=direct, **kw))
    blocks = da.from_array(counts, chunks=(16, 36))
    _same(sc.count_trend(counts), sc.count_trend(blocks))
    x, n = counts[:, 0], counts[:, 0] + 50
    _same(sc.funnel(x, n), sc.funnel(da.from_array(x, chunks=20), da.from_array(n, chunks=20)))
    assert len(asked) > 3 and all(d is True for d in asked)
    asked.clear()
    monkeypatch.setattr(client, "direct_to_workers", False)
    _same(sc.count_trend(counts), sc.count_trend(blocks))
    assert asked and all(d is False for d in asked)


def test_series_blocks_shared_between_workers(client, counts):
    """Blocks kept on one worker are shared out: each worker runs its share of them."""
    from scrutiny.distributed import _homes, _series_blocks
    first, second = sorted(client.nthreads())
    lazy = client.persist(da.from_array(counts, chunks=(6, 36)), workers=[first])  # 10 blocks
    distributed.wait(lazy)
    homes = _homes(client, lazy, _series_blocks(lazy)[0])
    assert homes.count(first) == homes.count(second) == 5 and homes[:5] == [first] * 5
    with distributed.get_task_stream(client) as stream:
        _same(sc.count_trend(counts), sc.count_trend(lazy))
    ran = [t["worker"] for t in stream.data if str(t["key"]).startswith("count_trend")]
    assert sorted(ran) == sorted(homes)
    blocks, sizes = _series_blocks(lazy)
    assert sizes == [6] * 10
    assert _homes(client, da.from_array(counts, chunks=(6, 36)), blocks) == \
        [None] * 10                                  # not on the cluster: the scheduler places


@pytest.fixture(scope="module")
def tidy(counts):
    wide = pd.DataFrame(counts.T, index=pd.period_range("2022-01", periods=36, freq="M"),
                        columns=[f"E{i:03d}" for i in range(len(counts))])
    long = wide.stack().rename("crimes").rename_axis(["month", "area"]).reset_index()
    long["force"] = np.where(long["area"] < "E030", "north", "south")
    long = long[(long["area"] != "E007") | (long["month"] != long["month"].iloc[0])]
    return long.reset_index(drop=True)


@pytest.mark.parametrize("name, by", [("mann_kendall", ["force", "area"]),
                                      ("count_trend", ["force", "area"]),
                                      ("sen_slope", "area"), ("changepoints", "area")])
def test_series_tidy_frame(client, tidy, name, by):
    func = getattr(sc, name)
    lazy = dd.from_pandas(tidy, npartitions=4)
    kwargs = dict(value="crimes", time="month", by=by)
    if name == "changepoints":
        kwargs["cost"] = "poisson"
    _same(func(tidy, **kwargs), func(lazy, **kwargs))


def test_trend_table(client, tidy):
    lazy = dd.from_pandas(tidy, npartitions=4)
    kwargs = dict(by=["force", "area"], time="month", value="crimes",
                  tests=("mann_kendall", "sen_slope", "pettitt"))
    pd.testing.assert_frame_equal(sc.trend_table(tidy, **kwargs),
                                  sc.trend_table(lazy, **kwargs), check_exact=True)


def test_spc_table(client, tidy):
    whole = tidy[tidy["area"] != "E007"].reset_index(drop=True)
    lazy = dd.from_pandas(whole, npartitions=4)
    pd.testing.assert_frame_equal(sc.spc_table(whole, "crimes", "month", by="area"),
                                  sc.spc_table(lazy, "crimes", "month", by="area"),
                                  check_exact=True)


@pytest.fixture(scope="module")
def units():
    rng = np.random.default_rng(7)
    n = rng.integers(200, 5000, 2000).astype(float)
    x = rng.binomial(n.astype(int), rng.beta(20, 180, n.size)).astype(float)
    return x, n


@pytest.fixture(scope="module")
def overdispersed():
    """Units whose rates vary more than chance: counts, trials, exposures that are not whole,
    expected counts."""
    rng = np.random.default_rng(29)
    n = rng.integers(20, 4000, 1500).astype(float)
    x = rng.binomial(n.astype(int), rng.beta(4, 30, n.size)).astype(float)
    exposure = n * rng.uniform(0.3, 3.0, n.size)
    expected = rng.gamma(3.0, 8.0, n.size)
    observed = rng.poisson(expected * rng.gamma(6.0, 1 / 6.0, n.size)).astype(float) + 1.0
    return x, n, exposure, expected, observed


FUNNELS = [dict(kind=kind, method=method, overdispersion=od, **extra)
           for kind, methods in (("proportion", ("exact", "normal", "arcsine", "wilson")),
                                 ("rate", ("exact", "normal")),
                                 ("ratio", ("exact", "log", "sqrt")))
           for method in methods
           for od in (None, "multiplicative", "additive")
           for extra in ({},) + (({"trim": 0.05, "per": 1000, "levels": (0.9, 0.99, 0.999)},)
                                 if od == "additive" else ())]


@pytest.mark.parametrize("kwargs", FUNNELS, ids=lambda k: "-".join(str(v) for v in k.values()))
def test_funnel(client, overdispersed, kwargs):
    x, n, exposure, expected, observed = overdispersed
    num, den = {"proportion": (x, n), "rate": (x, exposure),
                "ratio": (observed, expected)}[kwargs["kind"]]
    lazy = [da.from_array(v, chunks=97) for v in (num, den)]       # 16 blocks
    _same(sc.funnel(num, den, **kwargs), sc.funnel(*lazy, **kwargs))


def test_funnel_target_of_many_blocks():
    """The pooled target is the correctly rounded total, however the units are split."""
    from scrutiny import _funnel
    rng = np.random.default_rng(5)
    values = rng.uniform(0, 1, 10_000) * 10.0 ** rng.integers(-6, 9, 10_000)
    cuts = np.sort(rng.choice(values.size, 40, replace=False))
    parts = [p for block in np.split(values, cuts) for p in _funnel.sum_parts(block)]
    assert math.fsum(parts) == _funnel.total(values) == math.fsum(values)
    whole = rng.integers(0, 1000, 10_000).astype(float)
    assert _funnel.sum_parts(whole) == [whole.sum()] and _funnel.total(whole) == whole.sum()


def test_funnel_series_and_labels(client, units):
    x, n = units
    index = pd.Index([f"E{i:05d}" for i in range(x.size)], name="lsoa")
    frame = pd.DataFrame({"x": x, "n": n}, index=index)
    lazy = dd.from_pandas(frame, npartitions=7)
    _same(sc.funnel(frame["x"], frame["n"], overdispersion="additive"),
          sc.funnel(lazy["x"], lazy["n"], overdispersion="additive"))
    names = [f"A{i}" for i in range(x.size)]
    _same(sc.funnel(x, n, labels=names),
          sc.funnel(da.from_array(x, chunks=300), da.from_array(n, chunks=300), labels=names))
    _same(sc.shrink(frame["x"], frame["n"]), sc.shrink(lazy["x"], lazy["n"]))


class _Gathered:
    """What each compute of the client brings back (its arrays' sizes)."""

    def __init__(self, monkeypatch):
        self.floats = []
        compute = sc.distributed._compute

        def recording(*collections, scheduler=None):
            out = compute(*collections, scheduler=scheduler)
            self.floats.append(sum(a.size for a in _arrays(out)))
            return out
        monkeypatch.setattr(sc.distributed, "_compute", recording)


def _arrays(value):
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (tuple, list)):
        return [a for v in value for a in _arrays(v)]
    if isinstance(value, float):
        return [np.array(value)]
    return []


@pytest.mark.parametrize("overdispersion, method", [(None, "exact"), ("additive", "exact"),
                                                    ("multiplicative", "log")])
def test_funnel_two_passes(client, overdispersed, monkeypatch, overdispersion, method):
    """The target from a few floats a block, the dispersion from z and s; the limits never on
    the client."""
    x, n, exposure, expected, observed = overdispersed
    num, den = (observed, expected) if method == "log" else (x, n)
    kind = "ratio" if method == "log" else "proportion"
    expected_result = sc.funnel(num, den, kind=kind, method=method,
                                overdispersion=overdispersion)
    gathered = _Gathered(monkeypatch)

    def refused(*args, **kwargs):
        raise AssertionError("limits computed on the client")
    monkeypatch.setattr(sc._funnel, "limits", refused)
    got = sc.funnel(da.from_array(num, chunks=97), da.from_array(den, chunks=97), kind=kind,
                    method=method, overdispersion=overdispersion)
    _same(expected_result, got)
    totals, scores, columns = gathered.floats
    assert totals <= 4 * 16                          # a few floats per block
    assert scores == 2 * num.size                    # z and s
    assert columns == num.size * (4 + 2 * 2)         # the result's columns (2 levels)


def test_shrink_two_passes(client, overdispersed, monkeypatch):
    """The prior from every area's count and denominator; the posterior never on the
    client."""
    x, n, exposure = overdispersed[:3]
    expected_result = sc.shrink(x, exposure, kind="rate")
    gathered = _Gathered(monkeypatch)

    def refused(*args, **kwargs):
        raise AssertionError("posterior computed on the client")
    monkeypatch.setattr(sc._core, "disparity_shrink_posterior", refused)
    got = sc.shrink(da.from_array(x, chunks=97), da.from_array(exposure, chunks=97),
                    kind="rate")
    _same(expected_result, got)
    assert gathered.floats == [2 * x.size, 4 * x.size]


@pytest.mark.parametrize("kind, method", [("proportion", "mle"), ("proportion", "moments"),
                                          ("rate", "mle"), ("rate", "moments")])
def test_shrink(client, overdispersed, kind, method):
    x, n, exposure = overdispersed[:3]
    den = n if kind == "proportion" else exposure
    lazy = [da.from_array(v, chunks=97) for v in (x, den)]
    _same(sc.shrink(x, den, kind=kind, method=method, conf=0.9),
          sc.shrink(*lazy, kind=kind, method=method, conf=0.9))


def test_qvalues(client):
    p = np.random.default_rng(3).uniform(size=5000) ** 3
    p[::97] = p[1]                                  # ties
    assert_array_equal(sc.multiple_testing(p, "bh"),
                       sc.multiple_testing(da.from_array(p, chunks=700), "bh"))


@pytest.fixture(scope="module")
def street_folders(tmp_path_factory):
    made = _street_folder(tmp_path_factory.mktemp("street"))
    return [made] + ([POLICEUK] if POLICEUK is not None else [])


def test_read_and_aggregate(client, street_folders):
    for folder in street_folders:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            records = sc.data.read_policeuk(folder)
        lazy = sc.data.read_policeuk(folder, engine="dask")
        assert lazy.npartitions == len(records.attrs["files"])
        assert list(lazy.columns) == list(records.columns)
        assert [str(t) for t in lazy.dtypes] == [str(t) for t in records.dtypes]
        whole = lazy.compute().reset_index(drop=True)
        for column in records.columns:
            pd.testing.assert_series_equal(whole[column].astype(object),
                                           records[column].astype(object))
        for by in (("lsoa_code", "month", "crime_type"), ("falls_within", "crime_type"),
                   (("lsoa_code", "lsoa_name"), "month")):
            expected = sc.data.aggregate_policeuk(records, by=by)
            got = sc.data.aggregate_policeuk(lazy, by=by)
            pd.testing.assert_frame_equal(expected, got, check_exact=True)
            # the counting notes (records with no key); the reader's own notes stay per file
            assert got.attrs["problems"] == expected.attrs["problems"][
                len(records.attrs["problems"]):]
            if "month" in by:
                assert got.attrs["missing_months"] == expected.attrs["missing_months"]


def test_default_path_imports_no_dask():
    code = ("import sys, numpy as np, scrutiny as sc\n"
            "sc.mann_kendall(np.arange(12.0)); sc.funnel([3, 4, 5], [30, 40, 50])\n"
            "sc.trend_table\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=os.environ | {"PYTHONPATH": str(
                             pathlib.Path(sc.__file__).parents[1])})
    assert out.stdout.strip() == "[]"


def test_screen_on_the_cluster(client, tmp_path, monkeypatch):
    """The screen with a scheduler equals the screen in memory; its series go to the workers
    as an array in blocks (of SERIES_PER_BLOCK series at most), each block's trend tests,
    count trend and change points one task."""
    monkeypatch.setattr(sc.distributed, "SERIES_PER_BLOCK", 20)
    folder = tmp_path / "archive"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc.data.write_policeuk_archive(folder, records=6_000, months=24,
                                       forces=["durham", "cleveland"], seed=5)
    from scrutiny.screen import counts_table, screen
    table = counts_table(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = screen(table)
        with distributed.get_task_stream(client) as stream:
            got = screen(table, scheduler=client.scheduler.address)
    pd.testing.assert_frame_equal(expected, got, check_exact=True)
    blocks = -(-len(expected) // 20)
    assert blocks > 2
    ran = [str(t["key"]).split("-")[0] for t in stream.data]
    assert ran.count("_on_one_core") == blocks  # a task a block: trends and change points


def test_read_one_file_and_months(client, street_folders):
    folder = street_folders[0]
    one = next(folder.rglob("*.csv"))
    lazy = sc.data.read_policeuk(one, engine="dask")
    assert lazy.npartitions == 1
    assert len(lazy.compute()) == len(sc.data.read_policeuk(one))
    some = sc.data.read_policeuk(folder, engine="dask", start="2024-02", end="2024-03")
    assert some.npartitions == 3
    assert sorted(some["month"].astype(str).unique().compute()) == ["2024-02", "2024-03"]


def test_funnel_tidy_frame(client, units):
    x, n = units
    table = pd.DataFrame({"area": [f"A{i:04d}" for i in range(x.size)], "x": x, "n": n})
    lazy = dd.from_pandas(table, npartitions=3)
    kwargs = dict(numerator="x", denominator="n", label="area", overdispersion="additive")
    _same(sc.funnel(table, **kwargs), sc.funnel(lazy, **kwargs))



def _recording_scans(monkeypatch) -> list:
    """(thread count, values) of each C scan of inputs, recorded as they run."""
    from scrutiny import _core, _validation
    seen = []

    def values(x, rules, threads=0):
        seen.append((threads, x.size))
        return check_values(x, rules, threads)

    def not_above(num, den, threads=0):
        seen.append((threads, num.size))
        return check_not_above(num, den, threads)
    check_values, check_not_above = _core.check_values, _core.check_not_above
    monkeypatch.setattr(_validation._core, "check_values", values)
    monkeypatch.setattr(_validation._core, "check_not_above", not_above)
    return seen


def test_inputs_scanned_on_the_threads_of_the_call(monkeypatch):
    """A call given ``threads`` scans its inputs on as many threads (a Dask task: one), and
    the setting ends with the call; a call without it scans on every core (0)."""
    seen = _recording_scans(monkeypatch)
    y = np.random.default_rng(3).poisson(9.0, (40, 24)).astype(float)

    def threads_of(call, size):
        seen.clear()
        call()
        return {t for t, n in seen if n == size}

    assert threads_of(lambda: sc.mann_kendall(y, threads=1), y.size) == {1}
    assert threads_of(lambda: sc.count_trend(y, period=12, threads=2), y.size) == {2}
    assert threads_of(lambda: sc.mann_kendall(y), y.size) == {0}
    blocks = da.from_array(y, chunks=(10, 24))
    assert threads_of(lambda: sc.mann_kendall(blocks, scheduler="threads"), 240) == {1}
    num = da.from_array(np.arange(1.0, 41.0), chunks=10)
    assert threads_of(lambda: sc.funnel(num, num * 3, scheduler="threads"), 10) == {1}
    with pytest.raises(ValueError, match="must be non-negative"):
        sc.count_trend(-y, period=12, threads=1)
    assert threads_of(lambda: sc.mann_kendall(y), y.size) == {0}
