"""Benchmark: the national screen (``scrutiny.screen``), in memory and from files.

1. Screen of N series x 36 months from a counts table in memory (areas of 44 forces x 14
   crime types): Mann-Kendall + Sen + seasonal Poisson trend + q-values + funnels, without
   change points (the issue's target: 500,000 series in <= 10 s on 2 cores), and the change
   points step on its own.  N is 50,000 and 200,000 by default (``--series``); the time per
   series and its extrapolation to 500,000 are shown.
2. Files to screen, end to end: a synthetic archive of R records x 36 months
   (``scrutiny.data.write_policeuk_archive``, timed too) screened by LSOA from its folder
   (target for 20 million records: <= 60 s on 2 cores).  R is 1,000,000 by default
   (``--records``).

Run ``python tests/benchmarks/bench_screen.py [--series N ...] [--records R]`` or
``make bench``.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings

import numpy as np
import pandas as pd
from _timing import once

import scrutiny as sc
from scrutiny.data import archive
from scrutiny.screen import _wide, counts_table

SEED = 20260101
N_MONTHS = 36
TARGET_SERIES = 500_000
TARGET_SECONDS = 10.0
TARGET_RECORDS = 20_000_000
TARGET_FILES_SECONDS = 60.0


def counts(rng, series: int) -> pd.DataFrame:
    """A counts table: ``series`` / 14 LSOAs shared among the forces, 14 crime types, 36
    months of Poisson counts around a level of 0.5 to 20 a month."""
    types = [c[0] for c in archive.CRIME_TYPES]
    areas = -(-series // len(types))
    forces = np.array([f[1] for f in archive.FORCES])
    force = forces[np.sort(rng.integers(0, forces.size, areas))]
    level = rng.gamma(1.5, 3.0, (areas * len(types), 1))
    values = rng.poisson(level * np.ones(N_MONTHS)).ravel()
    months = pd.period_range("2022-01", periods=N_MONTHS, freq="M")
    n = areas * len(types)
    return pd.DataFrame({
        "falls_within": np.repeat(force, len(types) * N_MONTHS),
        "lsoa_code": np.repeat([f"E01{k:06d}" for k in range(areas)], len(types) * N_MONTHS),
        "lsoa_name": np.repeat([f"Area {k // 4 + 1:03d}{'ABCD'[k % 4]}" for k in range(areas)],
                               len(types) * N_MONTHS),
        "crime_type": np.tile(np.repeat(types, N_MONTHS), areas),
        "month": np.tile(months, n),
        "count": values})


def in_memory(sizes) -> None:
    rng = np.random.default_rng(SEED)
    print(f"Screen of N series x {N_MONTHS} months from a counts table in memory "
          f"(target: {TARGET_SERIES:,} in <= {TARGET_SECONDS:g} s on 2 cores)")
    for n in sizes:
        table = counts(rng, n)
        seconds, out = once(lambda: sc.screen(table, changes=False))
        per = seconds / len(out)
        wide, _ = _wide(counts_table(table), ["falls_within", "lsoa_code", "crime_type"])
        cp, _ = once(lambda: sc.changepoints(wide, cost="poisson"))
        print(f"  {len(out):>9,} series: {seconds:6.2f} s ({per * 1e6:5.1f} us a series; "
              f"{per * TARGET_SERIES:5.1f} s at {TARGET_SERIES:,}); change points alone "
              f"{cp:6.2f} s ({cp / len(out) * 1e6:5.1f} us a series)")


def from_files(records: int) -> None:
    print(f"\nFiles to screen, end to end ({records:,} records x {N_MONTHS} months, every "
          f"force; target {TARGET_RECORDS:,} records in <= {TARGET_FILES_SECONDS:g} s)")
    with tempfile.TemporaryDirectory() as folder:
        write, truth = once(lambda: archive.write_policeuk_archive(
            folder, records=records, months=N_MONTHS, seed=SEED))
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder)
                   for f in fs)
        print(f"  written: {truth.attrs['records']:,} records, {len(truth.attrs['files']):,} "
              f"files, {size / 1e6:,.0f} MB in {write:.1f} s "
              f"({write / truth.attrs['records'] * 1e6:.2f} us a record)")
        read, records_ = once(lambda: sc.read_policeuk(folder))
        screen, out = once(lambda: sc.screen(records_, changes=False))
        seconds = read + screen
        rate = seconds / truth.attrs["records"]
        print(f"  screened: {len(out):,} series in {seconds:.1f} s (read_policeuk "
              f"{read:.1f} s, screen of the records {screen:.1f} s; {rate * 1e6:.2f} us a "
              f"record; {rate * TARGET_RECORDS:,.0f} s at {TARGET_RECORDS:,} records at this "
              f"rate)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--no-machine", action="store_true")
    args = parser.parse_args(argv)
    if not args.no_machine:
        from run import machine_summary

        print(machine_summary())
    warnings.simplefilter("ignore")    # series too short or all zero: statuses, not news
    in_memory(args.series)
    from_files(args.records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
