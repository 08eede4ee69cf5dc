"""Benchmark: the national screen (``scrutiny.screen``), in memory and from files.

1. Screen of N series x 36 months from a counts table in memory (areas of 44 forces x 14
   crime types, key columns categorical as ``aggregate_policeuk`` gives them): Mann-Kendall +
   Sen + seasonal Poisson trend + change points + q-values + funnels (the issue's target:
   500,000 series in <= 10 s on 2 cores).  N is 50,000 and 500,000 by default
   (``--series``): the time per series shows whether the screen scales linearly.  The
   table step (counts table checked, series laid out as months x series) and each family's
   step are timed too.
   With Dask installed (and without ``--no-cluster``), the same screens run with
   ``scheduler=`` a ``distributed.LocalCluster`` of 2 worker processes (one thread each),
   started here: the series go to the workers as a Dask Array and the trend tests, count
   trends and change points run there (target: within 1.5x of in memory); the tables are
   checked equal.
2. Files to screen, end to end: a synthetic archive of R records x 36 months
   (``scrutiny.data.write_policeuk_archive``, timed too) read and counted by LSOA
   (``counts_table`` of the folder: ``read_policeuk`` + ``aggregate_policeuk``), then the
   counts table screened; the two stages are reported apart (target for 20 million records:
   <= 60 s on 2 cores).  R is 20,000,000 by default (``--records``).

Times are medians of ``--repeats`` runs (default 3).  Run
``python tests/benchmarks/bench_screen.py [--series N ...] [--records R]`` or ``make bench``.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
from _timing import once

import scrutiny as sc
from scrutiny.data import archive
from scrutiny.screen import _wide, counts_table

SEED = 20260101
N_MONTHS = 36
KEYS = ["falls_within", "lsoa_code", "lsoa_name", "crime_type"]
TARGET_SERIES = 500_000
TARGET_SECONDS = 10.0
TARGET_RECORDS = 20_000_000
TARGET_FILES_SECONDS = 60.0


def counts(rng, series: int) -> pd.DataFrame:
    """A counts table: ``series`` / 14 LSOAs shared among the forces, 14 crime types, 36
    months of Poisson counts around a level of 0.5 to 20 a month; rows by area, month and
    crime type and key columns categorical, as ``aggregate_policeuk`` gives them."""
    types = [c[0] for c in archive.CRIME_TYPES]
    areas = -(-series // len(types))
    forces = np.array([f[1] for f in archive.FORCES])
    force = forces[np.sort(rng.integers(0, forces.size, areas))]
    level = rng.gamma(1.5, 3.0, (areas, 1, len(types)))
    values = rng.poisson(level * np.ones((1, N_MONTHS, 1))).ravel()
    months = pd.period_range("2022-01", periods=N_MONTHS, freq="M")
    cells = N_MONTHS * len(types)
    return pd.DataFrame({
        "falls_within": pd.Categorical(np.repeat(force, cells)),
        "lsoa_code": pd.Categorical(np.repeat([f"E01{k:06d}" for k in range(areas)], cells)),
        "lsoa_name": pd.Categorical(np.repeat(
            [f"Area {k // 4 + 1:03d}{'ABCD'[k % 4]}" for k in range(areas)], cells)),
        "month": np.tile(np.repeat(months, len(types)), areas),
        "crime_type": pd.Categorical(np.tile(types, areas * N_MONTHS)),
        "count": values})


@contextlib.contextmanager
def local_cluster(wanted: bool):
    """The address of a LocalCluster of 2 single-threaded worker processes (None when not
    wanted or Dask is not installed)."""
    try:
        import dask
        import distributed
    except ImportError:
        wanted = False
    if not wanted:
        yield None
        return
    quiet = {"distributed.worker.profile.enabled": False,
             "distributed.admin.system-monitor.gil.enabled": False}
    with dask.config.set(quiet), distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1,
            dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def median_of(func, repeats: int):
    """Median wall time of ``repeats`` calls of ``func()``, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        seconds, result = once(func)
        times.append(seconds)
    return statistics.median(times), result


def steps(table) -> dict:
    """Seconds of the screen's steps, one call each, on the same counts table."""
    out = {}
    start = time.perf_counter()
    wide, _ = _wide(counts_table(table), KEYS)
    out["table"] = time.perf_counter() - start
    mat, t = np.ascontiguousarray(wide.to_numpy().T), wide.index
    for name, func in [
            ("Mann-Kendall + Sen", lambda: (sc.mann_kendall(mat, t=t), sc.sen_slope(mat, t=t))),
            ("Poisson trend", lambda: sc.count_trend(mat, t=t, period=12, per="year")),
            ("change points", lambda: sc.changepoints(mat, t=t, cost="poisson"))]:
        out[name], _ = once(func)
    return out


def in_memory(sizes, repeats: int, cluster=None) -> None:
    print(f"Screen of N series x {N_MONTHS} months from a counts table in memory, change "
          f"points included (target: {TARGET_SERIES:,} in <= {TARGET_SECONDS:g} s on 2 cores)")
    first = None
    for n in sizes:
        table = counts(np.random.default_rng(SEED), n)
        seconds, out = median_of(lambda: sc.screen(table), repeats)
        per = seconds / len(out)
        first = first or per
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in steps(table).items())
        print(f"  {len(out):>9,} series: {seconds:6.2f} s ({per * 1e6:5.1f} us a series, "
              f"{per / first:4.2f} x the first size's; {per * TARGET_SERIES:5.1f} s at "
              f"{TARGET_SERIES:,}); steps alone: {parts}", flush=True)
        if cluster is not None:
            on, got = median_of(lambda: sc.screen(table, scheduler=cluster), repeats)
            pd.testing.assert_frame_equal(out, got, check_exact=True)
            print(f"  {'':>9}  on a LocalCluster of 2 worker processes: {on:6.2f} s, "
                  f"{on / seconds:.2f} x in memory (target <= 1.5 x)", flush=True)


def from_files(records: int, repeats: int) -> None:
    print(f"\nFiles to screen, end to end ({records:,} records x {N_MONTHS} months, every "
          f"force; target {TARGET_RECORDS:,} records in <= {TARGET_FILES_SECONDS:g} s)")
    with tempfile.TemporaryDirectory() as folder:
        write, truth = once(lambda: archive.write_policeuk_archive(
            folder, records=records, months=N_MONTHS, seed=SEED))
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder)
                   for f in fs)
        written = truth.attrs["records"]
        print(f"  written: {written:,} records, {len(truth.attrs['files']):,} files, "
              f"{size / 1e6:,.0f} MB in {write:.1f} s ({write / written * 1e6:.2f} us a "
              "record)")
        read, table = median_of(lambda: counts_table(folder), repeats)
        screen, out = median_of(lambda: sc.screen(table), repeats)
        rate = read / written
        print(f"  read and counted (read_policeuk + aggregate_policeuk): {read:.1f} s "
              f"({rate * 1e6:.2f} us a record; {rate * TARGET_RECORDS:,.0f} s at "
              f"{TARGET_RECORDS:,} records)\n"
              f"  screened from the counts table: {len(out):,} series in {screen:.1f} s\n"
              f"  end to end: {read + screen:.1f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, nargs="+", default=[50_000, 500_000])
    parser.add_argument("--records", type=int, default=20_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-machine", action="store_true")
    parser.add_argument("--no-cluster", action="store_true",
                        help="skip the screens on a Dask LocalCluster")
    args = parser.parse_args(argv)
    if not args.no_machine:
        from run import machine_summary

        print(machine_summary())
    print(f"Load average: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    warnings.simplefilter("ignore")    # series too short or all zero: statuses, not news
    with local_cluster(not args.no_cluster) as address:
        in_memory(args.series, args.repeats, address)
    if args.records:
        from_files(args.records, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
