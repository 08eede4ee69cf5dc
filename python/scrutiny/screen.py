"""The national screen: every area x crime type of data.police.uk records, tested at once.

:func:`screen` goes from street files (a folder, zip or file of data.police.uk), their records
or a table of counts to one row per force x area x crime type: the latest 12 months' count
(and rate, with populations), a Mann-Kendall test and Sen slope on the true monthly spacing, a
seasonal Poisson trend, change points, Benjamini-Hochberg q-values across the whole screen, and
funnel flags of each area within its force.  It is a composition of the families' batch
functions on one time-indexed table of series (months x series), built once.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

from . import _funnel
from . import _validation as _v
from .data.policeuk import aggregate_policeuk, read_policeuk
from .models import count_trend
from .multitest import multiple_testing
from .segmentation import _segment
from .trend import mann_kendall, sen_slope

__all__ = ["screen"]

AREAS = {"lsoa": ("lsoa_code", "lsoa_name"), "local_authority": ("local_authority",),
         "force": ()}
FORCE, TYPE, MONTH, COUNT = "falls_within", "crime_type", "month", "count"
LATEST = 12          # months of the latest window
_LSOA_SUFFIX = r" \d{3}[A-Z]$"   # "Leeds 012C" -> "Leeds"
_KEPT = ("problems", "missing_months", "attribution")   # attrs of the records kept


def _local_authorities(names):
    """The local authority of each LSOA name ("Leeds 012C" -> "Leeds"), as a categorical."""
    import pandas as pd

    names = pd.Categorical(names)
    authorities = np.append(np.asarray(names.categories.str.replace(_LSOA_SUFFIX, "",
                                                                    regex=True), dtype=object),
                            None)
    return pd.Categorical(authorities[names.codes])   # code -1 (no name): None


def counts_table(data, area: str = "lsoa", *, start=None, end=None):
    """The counts a screen runs on: one row per force, area, crime type and month.

    Parameters
    ----------
    data : str, os.PathLike or pandas.DataFrame
        data.police.uk street files (a file, folder or zip, read with
        :func:`scrutiny.data.read_policeuk`), their records (a frame with ``crime_type`` and
        ``month``), or a counts table (a frame, or a CSV or Parquet file, with a ``count``
        column).
    area : {"lsoa", "local_authority", "force"}
        The areas: LSOAs (``lsoa_code`` and ``lsoa_name``), local authorities (from the LSOA
        names, "Leeds 012C" -> "Leeds") or whole forces.
    start, end : str, optional
        First and last month read from files.

    Returns
    -------
    pandas.DataFrame
        ``falls_within``, the area columns, ``crime_type``, ``month``, ``count`` (float64:
        NaN for a month in which a force published no records at all), every combination of
        a force's areas, the crime types and the months present.
    """
    import pandas as pd

    keys = AREAS[_v.choice(area, "area", tuple(AREAS))]
    by = ((FORCE, *keys), MONTH, TYPE)
    counted = None
    if isinstance(data, (str, os.PathLike)):
        data = _read(Path(data), start, end)
        if isinstance(data, Path):     # police.uk files: counted as read, unless the areas
            if area == "local_authority":   # are derived from the records' LSOA names
                data = read_policeuk(data, "street", start=start, end=end)
            else:
                counted = aggregate_policeuk(data, by=by, kind="street", start=start, end=end)
                data = counted
    _v.data_frame(data, "data", allow_empty=False)
    derived = area == "local_authority" and "local_authority" not in data.columns
    if derived:
        _v.columns_present(data, ["lsoa_name"], "data")
        data = data.assign(local_authority=_local_authorities(data["lsoa_name"]))
    if counted is not None:
        table = counted
    elif COUNT in data.columns:
        _v.columns_present(data, [FORCE, *keys, TYPE, MONTH, COUNT], "data")
        table = data[[FORCE, *keys, TYPE, MONTH, COUNT]].copy()
        if not isinstance(table[MONTH].dtype, pd.PeriodDtype):
            table[MONTH] = pd.PeriodIndex(table[MONTH].astype(str), freq="M")
        if derived:    # LSOAs' counts summed to their local authorities
            table = table.groupby([FORCE, *keys, TYPE, MONTH], observed=True, sort=True)[
                COUNT].sum(min_count=1).reset_index()
    else:
        table = aggregate_policeuk(data, by=by)
    # not the list of files: pandas copies attrs at every step (the table is a new frame)
    table.attrs = {k: table.attrs[k] for k in _KEPT if k in table.attrs}
    values = _v.as_float_array(table[COUNT], "count", allow_empty=True)
    missing = np.isnan(values)
    gaps = bool(missing.any())
    observed = np.where(missing, 0.0, values) if gaps else values
    _v.counts(values[~missing] if gaps else values, "count",
              allow_empty=True)                              # missing: not published
    # a month in which a force has no records at all was not published: missing, not zero
    force = _ordered_codes(table[FORCE]).astype(np.int64)
    month = _month_numbers(table[MONTH])
    cell = force * (month.max() + 1) + month
    unpublished = np.bincount(cell, weights=observed) == 0
    table[COUNT] = np.where(unpublished[cell], np.nan, values) if unpublished.any() else values
    return table


def _factorize(column):
    """Codes 0, 1, ... of a column's values in sorted order, and the values (missing values
    refused)."""
    import pandas as pd

    codes, uniques = pd.factorize(column, sort=True)
    if (codes < 0).any():
        raise ValueError(f"data has missing values in column {column.name!r}")
    return codes, uniques


def _month_numbers(column) -> np.ndarray:
    """The periods of a column counted from its first, 0, 1, ... (missing ones refused); the
    codes of other months (e.g. strings)."""
    import pandas as pd

    if not isinstance(column.dtype, pd.PeriodDtype):
        return _factorize(column)[0]
    if column.isna().any():
        raise ValueError(f"data has missing values in column {column.name!r}")
    ordinals = column.array.asi8
    return ordinals - ordinals.min()


def _read(path: Path, start, end):
    """A counts table from a CSV or Parquet file, or else ``path`` itself (data.police.uk
    files)."""
    import pandas as pd

    if not path.exists():
        raise ValueError(f"data {str(path)!r} is not a file or folder that exists")
    name = path.name.lower()
    if path.is_file() and name.endswith(".parquet"):
        return pd.read_parquet(path)
    if path.is_file() and name.endswith((".csv", ".csv.gz")):
        head = pd.read_csv(path, nrows=0)
        if COUNT in head.columns:
            return pd.read_csv(path)
    return path


def _ordered_codes(column) -> np.ndarray:
    """Whole numbers in the order of a column's values as :func:`_factorize` sorts them, not
    necessarily consecutive: a categorical's own codes (it sorts by category), else
    :func:`_factorize`'s."""
    import pandas as pd

    if not isinstance(column.dtype, pd.CategoricalDtype):
        return _factorize(column)[0]
    codes = column.cat.codes.to_numpy()
    if (codes < 0).any():
        raise ValueError(f"data has missing values in column {column.name!r}")
    return codes


def _series_codes(columns) -> np.ndarray:
    """Codes 0, 1, ... of every row's combination of the ``columns``' values, in sorted
    order: one integer per row from their codes, ranked by hashing (no sort of the rows)."""
    import pandas as pd

    key, size = np.zeros(len(columns[0]), dtype=np.int64), 1
    for column in columns:
        codes = _ordered_codes(column)
        n = int(codes.max()) + 1 if codes.size else 1
        if size * n >= 2 ** 62:             # too many combinations for one integer: rank first
            key = pd.factorize(key, sort=True)[0]
            size = int(key.max()) + 1
        key, size = key * n + codes, size * n
    return pd.factorize(key, sort=True)[0]


def _wide(table, keys):
    """The counts as a time-indexed frame, months x series (columns the ``keys``), with every
    calendar month from the first to the last (a month missing for all is all NaN), and the
    series' labels as a frame; series in the order of their keys."""
    import pandas as pd

    row = _series_codes([table[k] for k in keys])
    size = row.max() + 1 if row.size else 0
    first = np.empty(size, dtype=np.intp)
    first[row] = np.arange(row.size)     # a row of each series (their keys are the same)
    labels = table[keys].iloc[first].reset_index(drop=True)
    months = pd.PeriodIndex(table[MONTH], freq="M")
    axis = pd.period_range(months.min(), months.max(), freq="M")
    values = np.full((axis.size, size), np.nan)
    values[months.asi8 - axis[0].ordinal, row] = table[COUNT].to_numpy(dtype=float)
    columns = pd.MultiIndex.from_frame(labels.astype(object))
    return pd.DataFrame(values, index=axis, columns=columns, copy=False), labels


def _funnel_flags(latest, base, force, ctype, population):
    """Funnel z-score and flag of each series among its force's areas (``force``: one group
    for a screen of forces) for the same crime type: the latest 12 months as a rate of
    ``population`` when given, otherwise as a share of the latest 24 months (an area whose
    rise or fall stands out from its force's).  Each group is one :func:`scrutiny.funnel`
    (exact limits, pooled target, default levels), through its array steps: the groups are
    checked here (counts, positive bases) rather than by the public function."""
    import pandas as pd

    z = np.full(latest.size, np.nan)
    flag = np.full(latest.size, None, dtype=object)
    usable = np.flatnonzero(np.isfinite(latest) & np.isfinite(base) & (base > 0))
    kind = "rate" if population is not None else "proportion"
    levels = _funnel.levels(_funnel.LEVELS)[0]
    group = (pd.factorize(force[usable])[0] * np.int64(len(ctype) + 1)
             + pd.factorize(ctype[usable])[0])
    sorter = np.argsort(group, kind="stable")       # each group's rows in their order
    bounds = np.flatnonzero(np.diff(group[sorter])) + 1
    for rows in np.split(usable[sorter], bounds):
        num, den = latest[rows], base[rows]
        total = num.sum()
        if rows.size < 3 or total == 0 or (population is None and total == den.sum()):
            continue
        fit = _funnel.fit(num, den, kind, "exact", None, float(total / den.sum()),
                          0.1, levels)         # funnel's default trim (for phi, not used)
        value = num / den
        z[rows] = fit["z"]
        flag[rows] = _funnel.flags(value[:, None] > fit["upper"],
                                   value[:, None] < fit["lower"], levels)
    return z, flag


def _population(population):
    """``population`` checked: a Series of positive residents indexed by area."""
    import pandas as pd

    if not isinstance(population, pd.Series):
        raise TypeError(f"population must be a pandas Series of residents indexed by area "
                        f"(got {type(population).__name__})")
    values = _v.positive(population, "population")
    return pd.Series(values, index=population.index.astype(str))


@contextlib.contextmanager
def _cluster(scheduler):
    """The Dask client named by ``scheduler`` while the screen runs (None or "local": none)."""
    if scheduler is None or (isinstance(scheduler, str) and scheduler == "local"):
        yield None
        return
    if not isinstance(scheduler, str):
        raise TypeError(f"scheduler must be None, 'local' or the address of a Dask scheduler "
                        f"(got {type(scheduler).__name__})")
    try:
        from dask.distributed import Client
    except ImportError:
        raise ImportError(f"scheduler={scheduler!r} needs Dask: pip install "
                          "'scrutiny[dask]' (or leave scheduler as 'local')") from None
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, ValueError, TimeoutError) as exc:
        raise ValueError(f"scheduler {scheduler!r} cannot be reached ({exc})") from None
    with client:
        yield client


def screen(data, area="lsoa", *, population=None, per=1000, changes=True, start=None,
           end=None, scheduler=None, progress=False, threads=None):
    """Screen every force x area x crime type at once: latest count, trends, change points.

    Parameters
    ----------
    data : str, os.PathLike or pandas.DataFrame
        data.police.uk street files (one file, a folder, or a zip), their records as read by
        :func:`scrutiny.data.read_policeuk`, or a counts table (a frame, or a CSV or Parquet
        file) with ``falls_within``, the area columns, ``crime_type``, ``month`` and
        ``count``.
    area : {"lsoa", "local_authority", "force"}
        Screen LSOAs (``lsoa_code``, ``lsoa_name``), local authorities (from the LSOA names)
        or whole forces.
    population : pandas.Series, optional
        Residents of each area, indexed by its code (``lsoa_code``, ``local_authority`` or
        ``falls_within``): gives ``rate`` (latest 12 months per ``per`` residents) and
        funnels of rates.  Without it the funnels compare each area's share of its latest 24
        months that fell in the latest 12 with its force's.
    per : float
        Rates per this many residents.
    changes : bool
        Look for change points (Poisson PELT, MBIC penalty); the slowest part of the screen.
    start, end : str, optional
        First and last month read from files.
    scheduler : str, optional
        ``None`` or ``"local"`` (default): in this process.  Otherwise the address of a Dask
        scheduler (needs the ``dask`` extra): the months x series table is sent to its
        workers and the trend tests, count trends and change points run there in blocks of
        series (:mod:`scrutiny.distributed`), with the same results.
    progress : bool
        Show a ``tqdm`` progress bar over the steps.
    threads : int, optional
        Threads for the batch kernels (default: all cores).

    Returns
    -------
    pandas.DataFrame
        One row per series: ``falls_within``, the area columns, ``crime_type``; ``months``
        (months with a count), ``latest_12m`` (records in the latest 12 calendar months),
        ``previous_12m`` (the 12 before), ``rate`` (with ``population``); ``mk_trend``,
        ``mk_pvalue``, ``mk_qvalue``, ``sen_slope`` (records a month), ``sen_lower``,
        ``sen_upper`` (Mann-Kendall and Sen on the true spacing: a missing month is a gap);
        ``ct_rate_ratio`` (a year), ``ct_lower``, ``ct_upper``, ``ct_pvalue``, ``ct_qvalue``
        (Poisson log-linear trend, with calendar-month seasons when a series has 24 months
        or more); ``cp_changes`` and ``cp_month`` (the first month of the latest level),
        with ``changes``; ``funnel_z`` and ``funnel_flag`` (within the force and crime
        type: ``"within"``, ``"high (95%)"``, ...; missing for a series not compared, e.g.
        one of fewer than 3 areas, or with no records); ``mk_status``, ``sen_status``,
        ``ct_status`` and ``cp_status`` say "ok" or why a series has no result.  q-values
        are Benjamini-Hochberg across every series of the screen.  ``attrs`` carries ``problems`` and
        ``missing_months`` of the records, and ``months`` (the screen's first and last).

    Raises
    ------
    ValueError, TypeError
        A path that does not exist, files that are not data.police.uk street files, a table
        without the needed columns or with counts that are not whole numbers >= 0, an
        unknown ``area``, a ``population`` that is not a Series of positive numbers, a
        ``scheduler`` that cannot be reached.
    ImportError
        A ``scheduler`` other than local without Dask installed.

    Examples
    --------
    >>> import scrutiny as sc
    >>> truth = sc.data.write_policeuk_archive("archive", records=50_000)   # doctest: +SKIP
    >>> table = sc.screen("archive", area="local_authority")                # doctest: +SKIP
    """
    import pandas as pd

    area = _v.choice(area, "area", tuple(AREAS))
    per = _v.number(per, "per", positive=True)
    if population is not None:
        population = _population(population)
    changes = _v.boolean(changes, "changes")
    progress = _v.boolean(progress, "progress")
    steps = ["read and count", "Mann-Kendall and Sen", "seasonal Poisson trend",
             "change points", "funnels"]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(steps), unit="step", desc=steps[0])

    def step(done: str) -> None:
        if bar is not None:
            bar.update()
            nxt = steps.index(done) + 1
            if nxt < len(steps):
                bar.set_description_str(steps[nxt])

    try:
        with _cluster(scheduler) as client:
            table = counts_table(data, area, start=start, end=end)
            wide, out = _wide(table, [FORCE, *AREAS[area], TYPE])
            step("read and count")
            out = _screen(wide, out, area, population, per, changes, threads, step,
                          None if client is None else _on_cluster(wide, client))
    finally:
        if bar is not None:
            bar.close()
    out.attrs = {k: table.attrs[k] for k in _KEPT if k in table.attrs}
    out.attrs["months"] = (str(wide.index[0]), str(wide.index[-1]))
    return out


def _on_cluster(wide, client):
    """The series of the months x series frame as a Dask Array held by the workers of
    ``client``'s cluster (one series a row), so that the series functions below run there,
    block by block (:mod:`scrutiny.distributed`).  An array, not a frame of as many columns
    as series: Dask's frames are made for many rows of few columns, and a frame of 500,000
    columns took a minute a function.  Blocks of a quarter of a thread's share of the
    series (so that a slow worker is caught up), from 2,000 to
    :data:`scrutiny.distributed.SERIES_PER_BLOCK`."""
    import dask.array as da
    from .distributed import SERIES_PER_BLOCK
    series = np.ascontiguousarray(wide.to_numpy(dtype=float).T)
    threads = max(1, sum(client.nthreads().values()))
    block = min(SERIES_PER_BLOCK, max(2_000, -(-len(series) // (4 * threads))))
    return da.from_array(series, chunks=(block, -1), name=False).persist()


def _screen(wide, out, area, population, per, changes, threads, step, lazy=None):
    """The screen's columns beside the series' labels ``out``, from the months x series
    frame ``wide`` (its series analysed from ``lazy``, the same series as a Dask Array on a
    cluster, when given); ``step(name)`` is called after each step."""
    import pandas as pd

    values = wide.to_numpy()
    latest = np.nansum(values[-LATEST:], axis=0)
    previous = (np.nansum(values[-2 * LATEST:-LATEST], axis=0) if len(wide.index) > LATEST
                else np.full(values.shape[1], np.nan))
    months = np.sum(~np.isnan(values), axis=0)
    col = {"months": months, "latest_12m": latest, "previous_12m": previous}
    base = latest + np.nan_to_num(previous)
    if population is not None:
        code = (AREAS[area] or (FORCE,))[0]
        base = population.reindex(out[code].astype(str)).to_numpy(float)
        col["rate"] = latest / base * per

    seasons = 12 if months.max() >= 2 * LATEST else None   # two years to see seasons
    if lazy is None:   # one series per row, dated by the months: no labels to carry
        found = _series_columns(np.ascontiguousarray(values.T), wide.index, seasons, changes,
                                threads, step)
    else:
        found = _series_columns_on_cluster(lazy, wide.index, seasons, changes, threads)
        for name in ("Mann-Kendall and Sen", "seasonal Poisson trend", "change points"):
            step(name)
    start = found.pop("cp_start", None)
    for name, value in found.items():
        col[name] = value
        if name in ("mk_status", "ct_status"):   # q-values across every series
            col[name[:3] + "qvalue"] = multiple_testing(
                np.asarray(found[name[:3] + "pvalue"], float), "bh")
    if start is not None:
        col["cp_month"] = pd.Series(wide.index.take(start)).where(start > 0).array
    within = np.zeros(len(out)) if area == "force" else out[FORCE].to_numpy()
    col["funnel_z"], col["funnel_flag"] = _funnel_flags(
        latest, base, within, out[TYPE].to_numpy(), population)
    step("funnels")
    return pd.concat([out, pd.DataFrame(col, index=out.index)], axis=1)


def _no_step(name: str) -> None:
    """A step done, told to no one."""


def _series_columns(series, months, seasons, changes, threads, step=_no_step) -> dict:
    """The screen's columns of series (one a row, dated by ``months``) from Mann-Kendall and
    Sen, the count trend and the change points (as arrays alone: no result object of 500,000
    series), in order; the change points' ``cp_start``, the position of the first month of
    the latest level (0 without a change).  q-values are left to the caller: they need every
    series.  ``step(name)`` is called after each step."""
    mk = mann_kendall(series, threads=threads, t=months)
    sen = sen_slope(series, threads=threads, t=months)
    col = dict(mk_trend=mk.trend, mk_pvalue=mk.pvalue, mk_status=mk.status,
               sen_slope=sen.slope, sen_lower=sen.lower, sen_upper=sen.upper,
               sen_status=sen.status)
    step("Mann-Kendall and Sen")
    ct = count_trend(series, period=seasons, per="year", threads=threads, t=months)
    col.update(ct_rate_ratio=ct.rate_ratio, ct_lower=ct.lower, ct_upper=ct.upper,
               ct_pvalue=ct.pvalue, ct_status=ct.status)
    step("seasonal Poisson trend")
    if changes:
        seg = _segment(series, cost="poisson", threads=threads, t=months)
        col.update(cp_changes=seg.n_changes, cp_status=seg.labels,
                   cp_start=seg.last_positions() + 1)
    step("change points")
    return col


def _series_columns_on_cluster(lazy, months, seasons, changes, threads) -> dict:
    """:func:`_series_columns` of each block of series of a Dask Array, on the workers (on
    ``threads`` threads, one by default, the inputs scanned on one, as the series functions'
    tasks): one task a block, whose columns alone come back; joined in order."""
    import dask
    from . import distributed
    blocks, _ = distributed._series_blocks(lazy)
    parts = distributed._compute(*[dask.delayed(distributed._on_one_core)(
        _series_columns, block, months, seasons, changes, threads or 1) for block in blocks])
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def write_screen(table, out) -> list[Path]:
    """Write a screen as ``screen.csv`` and, with pyarrow installed, ``screen.parquet`` in the
    folder ``out`` (made if needed); returns the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "screen.csv"]
    table.to_csv(paths[0], index=False)
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return paths
    paths.append(out / "screen.parquet")
    table.to_parquet(paths[1], index=False)
    return paths
