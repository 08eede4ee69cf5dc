"""The analysis on Dask (the ``scrutiny[dask]`` extra): records read file by file into a Dask
DataFrame, counts aggregated by a Dask groupby, the series functions mapped over blocks of
series, and the functions that need every unit (funnels, shrinkage) as two passes over blocks
of units.

Nothing here imports Dask until a Dask collection is given: the family functions wear
:func:`dask_aware`, which looks at the type of the first argument only, so the default path
runs without Dask installed.  Results are computed to pandas / NumPy and equal the in-memory
results (the same floats): each series or block of units goes through the same steps of the
in-memory function, and the quantities shared by every unit (pooled target, overdispersion,
prior, the ranks behind q-values) are formed on the client from what each block sends back,
with the in-memory code, before the per-unit pass.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import sys

import numpy as np

from . import _joined
from . import _results
from . import _validation


def is_dask(value) -> bool:
    """True when ``value`` is a Dask collection (checked without importing Dask)."""
    module = type(value).__module__ or ""
    return module.split(".")[0] in ("dask", "dask_expr")


def dask_aware(func):
    """Let ``func`` take a Dask collection as its first argument (one dispatch for every
    family): the in-memory ``func`` then runs on blocks of series or after a first pass over
    every unit, through the handler registered for its name in :data:`_HANDLERS` (which is
    given the decorated function: importable by name, so workers receive it by reference).
    Each task runs the C kernels on one thread unless ``threads`` is given.  A call given
    ``threads`` scans its inputs on as many threads (see :func:`_validation.scans_on`)."""
    threads = "threads" in inspect.signature(func).parameters

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if args and is_dask(args[0]):
            if threads and kwargs.get("threads") is None:
                kwargs["threads"] = 1           # a task a core: the workers' threads scale
            return _HANDLERS[func.__name__](wrapper, *args, **kwargs)
        if kwargs.get("threads") is not None:
            with _validation.scans_on(kwargs["threads"]):
                return func(*args, **kwargs)
        return func(*args, **kwargs)
    _FUNCTIONS[func.__name__] = wrapper
    return wrapper


# The functions wearing dask_aware, by name (so that a handler can call another family without
# importing it).
_FUNCTIONS: dict = {}


def _compute(*collections, scheduler=None):
    """The collections computed (``dask.compute``); on the cluster of a distributed client,
    the values are fetched from the workers directly (see :func:`_fetch`)."""
    import dask
    client = _client(scheduler)
    if client is None:
        return dask.compute(*collections, scheduler=scheduler)
    return tuple(_fetch(client, client.compute(list(collections))))


def _fetch(client, futures):
    """The values of ``futures``, fetched from the workers holding them, not through the
    scheduler (unless the client was made with ``direct_to_workers=False``; the client falls
    back to the scheduler for values it cannot fetch).  The scheduler passes values on as
    pickle protocol 4, which copies every array into the pickle (on the worker, and again
    out of it here), while a worker sends them with protocol 5: the arrays as they are."""
    return client.gather(futures, direct=client.direct_to_workers is not False)


# ---------------------------------------------------------------------------------------------
# Records

def read_policeuk_dask(reader, path, kind=None, *, start=None, end=None):
    """:func:`scrutiny.data.read_policeuk` as a Dask DataFrame, one partition per file.

    ``reader`` is the in-memory reader, run on each file of the folder ``path`` (or on the
    one file ``path``; a zip archive is read in memory).  Files are told apart by their
    names (``YYYY-MM-<force>-<kind>.csv``), ``start`` and ``end`` choose them by month.
    Each file is read by the in-memory reader (the same columns and dtypes; categorical
    columns keep the categories of their own file, so they are unknown to Dask until
    computed).  ``attrs`` (the problems report) do not pass through Dask: read in memory for
    the report.
    """
    import dask.dataframe as dd
    from pathlib import Path

    root = Path(path)
    read = functools.partial(_read_file, kind=kind, start=start, end=end, reader=reader)
    if not root.is_dir():                        # one file, or a zip archive: one partition
        return dd.from_map(read, [str(root)], meta=_meta(read(root)), enforce_metadata=False)
    files = sorted(p for p in root.rglob("*") if p.is_file() and
                   p.name.lower().endswith((".csv", ".csv.gz")))
    kinds = {k: [f for f in files if _kind_of(f.name) == k] for k in _KINDS}
    found = [k for k, f in kinds.items() if f]
    if kind is None and len(found) > 1:
        raise ValueError(f"path holds files of several kinds ({', '.join(found)}): give kind")
    files = kinds[kind or (found[0] if found else "street")]
    first, last = (None if m is None else str(m) for m in (start, end))
    files = [f for f in files if _month_of(f.name) is None or
             ((first is None or _month_of(f.name) >= first) and
              (last is None or _month_of(f.name) <= last))]
    if not files:
        raise ValueError(f"path holds no data.police.uk {kind or ''} files (.csv, .csv.gz) "
                         f"in the months asked for ({path})")
    return dd.from_map(read, [str(f) for f in files], meta=_meta(read(files[0])),
                       enforce_metadata=False)


def _meta(frame):
    """The empty frame of a read's columns and dtypes, categories left unknown."""
    meta = frame.iloc[:0].copy()
    for name in meta.columns:
        if isinstance(meta[name].dtype, _categorical()):
            meta[name] = meta[name].cat.set_categories([])
    return meta


_KINDS = ("street", "outcomes", "stop-and-search")


def _kind_of(name: str) -> str | None:
    """The kind of a data.police.uk file from its name (``2024-01-<force>-street.csv``)."""
    stem = name.lower().removesuffix(".gz").removesuffix(".csv")
    return next((k for k in _KINDS if stem.endswith("-" + k)), None)


def _month_of(name: str) -> str | None:
    return name[:7] if len(name) > 7 and name[4] == "-" and name[:4].isdigit() else None


def _categorical():
    import pandas as pd
    return pd.CategoricalDtype


def _read_file(file, *, kind, start, end, reader):
    import warnings
    with warnings.catch_warnings():          # a file's own problems are in its attrs
        warnings.simplefilter("ignore")
        frame = reader(file, kind, start=start, end=end)
    return frame


def _aggregate(func, frame, by=("lsoa_code", "month", "crime_type"), *, complete=True):
    """aggregate_policeuk on a Dask DataFrame: the records are counted by a Dask groupby of
    the ``by`` columns; the in-memory function then runs on one row per combination seen
    (records with a missing key kept one a row, so that its notes count them), which gives
    the zeros, types, order and notes, and the counts are put in."""
    import pandas as pd
    groups = [tuple(g) if isinstance(g, (tuple, list)) else (g,) for g in by]
    keys = [key for group in groups for key in group]
    # categories compared as text: each file's own dictionary of codes cannot be combined
    text = {k: frame[k].astype("string") for k in keys
            if isinstance(frame[k].dtype, _categorical())}
    counts = (frame[keys].assign(_n=1, **text).groupby(keys, dropna=False, observed=True)["_n"]
              .sum())
    (table,) = _compute(counts)
    seen = table.index.to_frame(index=False)
    for key in keys:   # the records' own types; categories sorted, as the reader makes them
        categorical = isinstance(frame[key].dtype, _categorical())
        seen[key] = seen[key].astype(object).astype("category") if categorical else \
            seen[key].astype(frame[key].dtype)
    n = table.to_numpy()
    missing = seen[keys].isna().any(axis=1).to_numpy()
    out = func(seen.loc[seen.index.repeat(np.where(missing, n, 1))].reset_index(drop=True),
               by=by, complete=complete)
    found = pd.Series(n[~missing], index=_object_index(seen.loc[~missing, keys]))
    out["count"] = found.reindex(_object_index(out[keys]), fill_value=0).to_numpy(np.int64)
    return out


def _object_index(frame):
    """The rows of ``frame`` as a MultiIndex of plain values (categories and periods compared
    by value)."""
    import pandas as pd
    return pd.MultiIndex.from_frame(frame.astype(object))


# ---------------------------------------------------------------------------------------------
# Series: blocks of rows (arrays) or of columns (wide frames), one in-memory call per block

SERIES_PER_BLOCK = 25_000   # the series of one task when a wide frame is split by columns


def _series_blocks(collection):
    """Delayed in-memory blocks of series of a Dask Array: row blocks of a 2-D array (whole
    rows, as chunked) or the whole of a 1-D array; and the number of series of each block
    (None when the chunks are unknown)."""
    if collection.ndim == 1:
        return [collection.rechunk(-1).to_delayed()[0]], [1]
    rows = collection.rechunk({1: -1})
    sizes = rows.chunks[0]
    return list(rows.to_delayed()[:, 0]), \
        None if any(math.isnan(s) for s in sizes) else list(sizes)


def _column_blocks(func, frame, width: int, args, kwargs, client=None):
    """Delayed calls of ``func`` on blocks of ``width`` columns of a wide Dask DataFrame (one
    series a column), and the number of series of each.  Each task takes its columns from the
    whole frame itself: a block made a frame of its own, kept on a worker, would be measured
    there column by column (Dask's ``sizeof``: seconds for 100,000 columns).  A frame of one
    partition kept on the cluster of ``client`` is used as kept (``to_delayed`` would copy it
    under a new key, measured again)."""
    import dask
    n = len(frame.columns)
    whole = _kept_whole(frame, client)
    if whole is None:
        whole = frame.repartition(npartitions=1).to_delayed()[0]
    starts = range(0, n, width)
    return ([dask.delayed(_columns)(func, whole, i, min(i + width, n), args, kwargs)
             for i in starts], [min(width, n - i) for i in starts])


def _kept_whole(frame, client):
    """The future of a Dask DataFrame of one partition that is itself kept on the cluster of
    ``client`` (persisted; not a frame made from a kept one, whose futures are those of the
    frame it was made from), or None."""
    if client is None or frame.npartitions != 1 or \
            type(getattr(frame, "expr", None)).__name__ != "FromGraph":
        return None
    kept = client.futures_of(frame)
    return kept[0] if len(kept) == 1 else None


def _columns(func, frame, lo: int, hi: int, args, kwargs):
    """``func`` on the columns lo:hi of a wide frame."""
    return func(frame.iloc[:, lo:hi], *args, **kwargs)


def _series(func, y, *args, scheduler=None, series_per_block=SERIES_PER_BLOCK, **kwargs):
    """A series function on every block of series, the results joined in order."""
    import dask
    if "value" in kwargs:                      # the tidy form: whole groups per partition
        return _tidy_series(func, y, args, kwargs, scheduler)
    client = _client(scheduler)
    if hasattr(y, "columns"):                  # wide frame: one series per column
        tasks, sizes = _column_blocks(func, y, series_per_block, args, kwargs, client)
    else:
        blocks, sizes = _series_blocks(y)
        tasks = []
        for block, home in zip(blocks, _homes(client, y, blocks)):
            with dask.annotate(**({} if home is None else
                                  {"workers": [home], "allow_other_workers": True})):
                tasks.append(dask.delayed(func)(block, *args, **kwargs))
    joined = _joined.Joined(sizes)
    for i, result in _each_done(tasks, client, scheduler):
        joined.add(i, result)
        del result                              # a placed block is let go of
    return joined.result()


def _homes(client, collection, blocks: list) -> list:
    """The worker to run each block of series on, when the blocks are chunks of a collection
    kept on the cluster of ``client`` (None for the others: the scheduler places them).

    The scheduler runs a task where its input is, and a cluster may keep 6 blocks on one
    worker and 4 on the other: a block stays on a worker holding it while that worker has less
    than its share of the blocks (by its threads), and the rest go to the workers with the
    least, so that none is left waiting while another works."""
    homes = [None] * len(blocks)
    kept = [] if client is None else client.futures_of(collection)
    held = client.who_has(kept) if kept else {}
    if not held:
        return homes
    threads = client.nthreads()
    share = {w: math.ceil(len(blocks) * t / sum(threads.values())) for w, t in threads.items()}
    load = dict.fromkeys(threads, 0)
    for i, block in enumerate(blocks):
        home = next((w for w in held.get(block.key, ()) if w in load and load[w] < share[w]),
                    None)
        if home is not None:
            homes[i], load[home] = home, load[home] + 1
    for i in [i for i, b in enumerate(blocks) if homes[i] is None and held.get(b.key)]:
        home = min(load, key=lambda w: load[w] / threads[w])
        homes[i], load[home] = home, load[home] + 1
    return homes


def _each_done(tasks: list, client, scheduler):
    """(position, value) of each of the delayed ``tasks``.  On the cluster of a distributed
    ``client`` the values are brought back as their tasks end, while the others run (those
    done since the last fetch in one fetch), and let go of there (``dask.compute``, for other
    schedulers, brings them once every task is done)."""
    if client is None:
        yield from enumerate(_compute(*tasks, scheduler=scheduler))
        return
    from distributed import as_completed
    futures = client.compute(tasks)
    position = {f.key: i for i, f in enumerate(futures)}
    for done in as_completed(futures).batches():      # those done since the last fetch
        values = dict(zip([f.key for f in done], _fetch(client, done)))
        for future in done:
            future.release()
        for key in list(values):                         # each let go of once placed
            yield position[key], values.pop(key)


def _client(scheduler):
    """The distributed Client that a compute with ``scheduler`` would run on, or None."""
    import dask
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return None
    found = dask.base.get_scheduler(scheduler=scheduler)
    found = getattr(found, "__self__", found)          # a client's get method, or a client
    return found if isinstance(found, distributed.Client) else None


def _tidy_series(func, df, args, kwargs, scheduler):
    """A series function's tidy form on a Dask DataFrame: each shuffled partition on the whole
    table's time points, the results joined and put in the in-memory form's order (sorted
    labels for one ``by`` column, the order of their first rows for several)."""
    import pandas as pd
    by = kwargs.get("by") if kwargs.get("by") is not None else kwargs.get("label")
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    time = kwargs.get("time")
    if not keys or time is None:
        (whole,) = _compute(df, scheduler=scheduler)
        return func(whole, *args, **kwargs)
    (times,) = _compute(df[time].drop_duplicates(), scheduler=scheduler)
    part = functools.partial(_table_part, func=functools.partial(func, *args), keys=keys,
                             time=time, value=kwargs["value"],
                             times=pd.Series(times.to_numpy()), kwargs=kwargs)

    def run(frame):
        result = part(frame)
        if result is None:
            return None
        first = frame.groupby(keys, sort=False, observed=True)["_row"].min()
        return result, first.reindex(_results.unit_labels(result)).to_numpy()
    parts = _table_parts(_numbered(df), keys, run, scheduler)
    joined = _joined.join([p[0] for p in parts])
    labels = _results.unit_labels(joined)
    order = labels.argsort() if len(keys) == 1 else np.argsort(
        np.concatenate([p[1] for p in parts]), kind="stable")
    return _take(joined, np.asarray(order, dtype=np.intp))


def _numbered(df):
    """The Dask DataFrame with a column ``_row``: each row's position in it (from 1)."""
    numbered = df.assign(_row=1)
    return numbered.assign(_row=numbered["_row"].cumsum())


def _take(result, order: np.ndarray):
    """The result with its series in the given order (fields by their roles)."""
    import pandas as pd
    n = order.size
    fields = {}
    for f in (f for f in dataclasses.fields(result) if f.init):
        value = getattr(result, f.name)
        if isinstance(value, np.ndarray) and _results.role(f) != _results.SCALAR and \
                value.ndim and value.shape[0] == n:
            fields[f.name] = value[order]
        elif isinstance(value, pd.DataFrame) and len(value) == n:
            taken = value.iloc[order]
            fields[f.name] = taken.reset_index(drop=True) \
                if isinstance(value.index, pd.RangeIndex) else taken
        elif isinstance(value, pd.Index) and _results.role(f) == _results.LABEL:
            fields[f.name] = value.take(order)
    return dataclasses.replace(result, **fields)


# ---------------------------------------------------------------------------------------------
# Tidy tables: whole groups per partition (shuffled by ``by``), then the q-values over all

def _with_all_times(frame, keys, time, value, times):
    """The partition with a missing (NaN) value at every time point of the whole table that
    none of its groups has, so that its groups share the whole table's time points."""
    import pandas as pd
    missing = times[~times.isin(frame[time])]
    if len(frame) == 0 or len(missing) == 0:
        return frame
    fill = pd.DataFrame({time: missing})
    for key in keys:
        fill[key] = frame[key].iloc[0]
    for column in frame.columns:
        if column not in fill:
            fill[column] = np.nan if column == value else frame[column].iloc[0]
    fill = fill[list(frame.columns)].astype(frame.dtypes.to_dict())
    return pd.concat([frame, fill], ignore_index=True)


def _table_part(frame, func, keys, time, value, times, kwargs):
    if len(frame) == 0:
        return None
    return func(_with_all_times(frame, keys, time, value, times), **kwargs)


def _trend_table(func, df, by, time, value, exposure=None, tests=("mann_kendall", "sen_slope"),
                 *, scheduler=None, **kwargs):
    """trend_table on a Dask DataFrame: each shuffled partition tested on the whole table's
    time points, then the Benjamini-Hochberg q-values over every group."""
    import pandas as pd
    keys = [by] if isinstance(by, str) else list(by)
    (times,) = _compute(df[time].drop_duplicates(), scheduler=scheduler)
    parts = _table_parts(df, keys, functools.partial(
        _table_part, func=func, keys=keys, time=time, value=value,
        times=pd.Series(times.to_numpy()),
        kwargs=dict(by=by, time=time, value=value, exposure=exposure, tests=tests, **kwargs)),
        scheduler)
    out = pd.concat(parts, ignore_index=True).sort_values(keys, kind="stable")
    out = out.reset_index(drop=True)
    for column in [c for c in out.columns if c.endswith("_qvalue")]:
        out[column] = _FUNCTIONS["multiple_testing"](
            out[column[:-len("_qvalue")] + "_pvalue"].to_numpy(dtype=float), "bh")
    return out


def _table_parts(df, keys, run, scheduler):
    import dask
    shuffled = df.shuffle(on=keys) if df.npartitions > 1 else df
    parts = _compute(*[dask.delayed(run)(p) for p in shuffled.to_delayed()],
                     scheduler=scheduler)
    return [p for p in parts if p is not None]


def _spc_table(func, df, value, time, by=None, *args, scheduler=None, **kwargs):
    """spc_table on a Dask DataFrame: whole series per shuffled partition, in the order of
    their first row in ``df``."""
    import pandas as pd
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    if not keys:
        (whole,) = _compute(df, scheduler=scheduler)
        return func(whole, value, time, by, *args, **kwargs)
    def run(frame):
        if len(frame) == 0:
            return None
        frame = frame.sort_values("_row")
        table = func(frame.drop(columns="_row"), value, time, by, *args, **kwargs)
        order = frame.groupby(keys, sort=False, dropna=False)["_row"].min()
        table["_row"] = order.reindex(pd.MultiIndex.from_frame(table[keys])).to_numpy() \
            if len(keys) > 1 else order.reindex(table[keys[0]]).to_numpy()
        return table
    parts = _table_parts(_numbered(df), keys, run, scheduler)
    out = pd.concat(parts, ignore_index=True)
    out["_indicator"] = pd.Categorical(out["indicator"], categories=list(dict.fromkeys(
        [value] if isinstance(value, str) else value)))
    out = out.sort_values(["_indicator", "_row"], kind="stable")
    return out.drop(columns=["_indicator", "_row"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Every unit: two passes over blocks of units, only what the shared quantities need gathered

def _every_unit(func, *args, scheduler=None, **kwargs):
    """``func`` on its Dask arguments computed whole (in order), for what has no two-pass
    form: a tidy Dask DataFrame of units (its table is computed, then the in-memory function
    runs), and q-values, whose every value depends on the ranks of all the p-values (the
    p-values are the one column gathered; the adjustment runs in memory)."""
    positional = list(args)
    lazy = [i for i, a in enumerate(positional) if is_dask(a)]
    lazy_kw = [k for k, a in kwargs.items() if is_dask(a)]
    values = _compute(*[positional[i] for i in lazy], *[kwargs[k] for k in lazy_kw],
                      scheduler=scheduler)
    for i, v in zip(lazy, values[:len(lazy)]):
        positional[i] = v
    for k, v in zip(lazy_kw, values[len(lazy):]):
        kwargs[k] = v
    return func(*positional, **kwargs)


def _unit_blocks(*collections):
    """Aligned blocks of units of 1-D Dask Arrays or Series (or of array-likes broadcast to
    them): (a list of delayed tuples, one value a collection; the Dask Series' index as a
    delayed list of blocks, or None).  Series must share their partitions."""
    import dask
    import dask.array as da
    series = [c for c in collections if hasattr(c, "to_delayed") and hasattr(c, "index")
              and is_dask(c)]
    if series:
        if any(not is_dask(c) or not hasattr(c, "index") for c in collections) or \
                len({c.npartitions for c in series}) > 1:
            raise ValueError("give Dask Series of the same partitions (or Dask Arrays)")
        parts = [c.to_delayed() for c in collections]
        index = [dask.delayed(_index_of)(p) for p in parts[0]]
        return [tuple(p) for p in zip(*parts)], index
    arrays = da.broadcast_arrays(*[da.asarray(c) for c in collections])
    chunks = arrays[0].chunks
    arrays = [a.rechunk(chunks) for a in arrays]
    return [tuple(p) for p in zip(*[a.to_delayed().ravel() for a in arrays])], None


def _index_of(part):
    return part.index


def _labels(index, scheduler):
    """The units' index on a Series of zeros, for the in-memory labelling (or None when the
    units came as arrays)."""
    import pandas as pd
    if index is None:
        return None
    blocks = _compute(*index, scheduler=scheduler)
    return pd.Series(np.zeros(sum(len(b) for b in blocks)), index=blocks[0].append(
        list(blocks[1:])) if len(blocks) > 1 else blocks[0])


def _persist(*collections, scheduler=None):
    """The collections computed and kept where they are (on a cluster's workers)."""
    import dask
    return dask.persist(*collections, scheduler=scheduler)


def _checked(check, blocks, index, *args, scheduler=None):
    """Pass one's start: ``check(*block, *args)`` on every block, and the blocks' index, kept
    on the workers (the input read once): (checked blocks, index blocks or None)."""
    import dask
    done = _persist(*[dask.delayed(_on_one_core)(check, *b, *args) for b in blocks],
                    *(index or []), scheduler=scheduler)
    return done[:len(blocks)], (None if index is None else done[len(blocks):])


def _on_one_core(func, *args):
    """``func(*args)`` with its inputs scanned on one thread, as a task's kernels run."""
    with _validation.scans_on(1):
        return func(*args)


def _funnel(func, *args, scheduler=None, **kwargs):
    """funnel on Dask inputs in two passes over blocks of units, with the in-memory function's
    own steps (so the same floats).

    1. Each block is checked and sends back its number of units, whether any numerator is
       below its denominator, and its totals as a few floats whose exact sum is the block's
       exact sum (:func:`scrutiny._funnel.sum_parts`): the client forms the pooled target,
       correctly rounded like the in-memory total.  Each block then computes its z-scores
       and their standard errors at the target, and these two floats per unit are gathered
       for the overdispersion factor and the between-unit variance (the z quantiles, or the
       z ranks for ``"log"``, and the sums behind ``tau2`` over every unit in order).
    2. Each block computes its limits, values and flags with ``phi``, ``tau2`` and the target
       broadcast; the client gathers the per-unit columns of the result (numerator,
       denominator, value, limits, flag codes) and assembles it.

    A tidy Dask DataFrame of units is computed whole (see :func:`_every_unit`)."""
    import dask
    if hasattr(args[0], "columns"):          # a tidy table of units
        return _every_unit(func, *args, scheduler=scheduler, **kwargs)
    a, steps = _arguments(func, args, kwargs)
    o = steps._funnel_options(a["kind"], a["method"], a["overdispersion"], a["trim"],
                              a["better"], a["levels"], a["conf"], a["per"])
    blocks, index = _unit_blocks(a["numerator"], a["denominator"])
    units, index = _checked(steps._funnel_units, blocks, index, o, scheduler=scheduler)
    first = _compute(*[dask.delayed(_funnel_totals)(u, steps._funnel.sum_parts) for u in units],
                     scheduler=scheduler)
    size = sum(f[0] for f in first)
    if o.overdispersion is not None:
        steps._v.at_least(size, "numerator", 3, "units to estimate overdispersion")
    total = [math.fsum(p for f in first for p in f[i]) for i in (1, 2)]
    t, pooled = steps._funnel_target(a["target"], o.kind, *total, any(f[3] for f in first))
    scores = _persist(*[dask.delayed(steps._funnel.scores)(u[0], u[1], o.kind, o.method, t)
                        for u in units], scheduler=scheduler)
    gathered = _compute(*scores, scheduler=scheduler)
    z, se = (np.concatenate([g[i] for g in gathered]) for i in (0, 1))
    phi, tau2 = steps._funnel.dispersion(z, se, o.method, o.trim)
    second = _compute(*[dask.delayed(_funnel_second)(u, zs[0], t, pooled, phi, tau2, o,
                                                        steps._funnel_limits)
                        for u, zs in zip(units, scores)], scheduler=scheduler)
    num, den, value, lower, upper, code = (np.concatenate([p[i] for p in second])
                                           for i in range(6))
    labelled = _labels(index, scheduler)
    labels = steps._frames.result_labels(num.size, a["labels"], numerator=labelled,
                                         denominator=labelled)
    return steps._funnel_result(o, t, pooled, phi, tau2, num, den, z, se, value, lower, upper,
                                code, labels)


def _arguments(func, args, kwargs):
    """Every argument of a call of ``func`` by name (defaults filled in), and the module
    holding its in-memory steps."""
    bound = inspect.signature(func).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.arguments, _steps(func)


def _funnel_totals(units, sum_parts):
    """Pass one of a block: (units, numerator parts, denominator parts, any below)."""
    num, den = units
    return num.size, sum_parts(num), sum_parts(den), bool(np.any(num < den))


def _funnel_second(units, z, t, pooled, phi, tau2, o, limits):
    """Pass two of a block: its inputs and limits, values and flag codes."""
    num, den = units
    return (num, den, *limits(num, den, z, t, pooled, phi, tau2, o, threads=1))


def _shrink(func, *args, scheduler=None, **kwargs):
    """shrink on Dask inputs in two passes over blocks of areas, with the in-memory function's
    own steps (so the same floats).

    1. Each block is checked; the prior is fitted to every area by marginal likelihood (or
       moments), which needs each area's count and denominator: these two floats per area are
       gathered and the prior fitted on the client, as in memory.
    2. Each block computes its posterior means, intervals (the beta or gamma quantiles) and
       weights with the prior broadcast; the client gathers them and assembles the result.

    A tidy Dask DataFrame of areas is computed whole (see :func:`_every_unit`)."""
    import dask
    if hasattr(args[0], "columns"):          # a tidy table of units
        return _every_unit(func, *args, scheduler=scheduler, **kwargs)
    a, steps = _arguments(func, args, kwargs)
    kind, method, conf = steps._shrink_options(a["kind"], a["method"], a["conf"])
    blocks, index = _unit_blocks(a["x"], a["n"])
    units, index = _checked(steps._shrink_units, blocks, index, kind, scheduler=scheduler)
    gathered = _compute(*units, scheduler=scheduler)
    xs, ns = (np.concatenate([g[i] for g in gathered]) for i in (0, 1))
    steps._v.at_least(xs, "x", 2)
    labelled = _labels(index, scheduler)
    labels = steps._frames.result_labels(xs.size, a["labels"], x=labelled, n=labelled)
    prior = steps._shrink_prior(xs, ns, kind, method)
    second = _compute(*[dask.delayed(steps._shrink_posterior)(u[0], u[1], kind, prior, conf, 1)
                        for u in units], scheduler=scheduler)
    est, lower, upper, weight = (np.concatenate([p[i] for p in second]) for i in range(4))
    return steps._shrink_result(prior, conf, kind, method, xs, ns, est, lower, upper, weight,
                                labels)


def _steps(func):
    """The module of an in-memory function, whose steps a two-pass handler runs (named in the
    handler; the module is not imported here, which would make a cycle)."""
    return sys.modules[func.__module__]


_HANDLERS = {
    "aggregate_policeuk": _aggregate,
    "mann_kendall": _series,
    "sen_slope": _series,
    "count_trend": _series,
    "changepoints": _series,
    "trend_table": _trend_table,
    "spc_table": _spc_table,
    "funnel": _funnel,
    "shrink": _shrink,
    "multiple_testing": _every_unit,
}
