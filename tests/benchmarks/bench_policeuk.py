"""Benchmark: ingest of a generated police.uk folder with the Arrow reader, against the pandas
reader it replaced, and the peak memory of counting as reading.

1. A synthetic download (``YYYY-MM/YYYY-MM-<force>-street.csv``, plain CSV as police.uk
   serves it (``--gzip`` for gzipped files), 36 months, about 13,000
   records a file, as many forces as the size asks; written by ``street_folder`` of
   ``tests/test_policeuk_arrow.py``) read whole with ``read_policeuk(engine="pyarrow")``.
   Its first months, about ``--compare`` records (default 2,000,000: the pandas reader's
   frame of 20 million records would not fit in 24 GiB beside Arrow's), are read with
   ``engine="pyarrow"`` and ``engine="pandas"`` in this process, one after the other; the
   ratio is pandas' time over Arrow's.  The two frames are checked equal (but for the
   categorical columns).
2. ``aggregate_policeuk(path)`` (counting as reading) against ``read_policeuk`` then
   ``aggregate_policeuk(frame)``: time, and the ratio of the pandas read's time to it.
3. Peak memory of ``aggregate_policeuk(path)`` and of reading first, each in a process of its
   own: the resident memory (``/proc/self/statm``, sampled every 2 ms) above that after the
   imports and a warm-up count of one file, and the peak of Arrow's memory pool
   (``pyarrow.default_memory_pool().max_memory()``), set beside the target: twice the counts'
   size (``memory_usage(deep=True)``) plus one file's records as ``read_policeuk`` gives them.

Times are medians of ``--repeats`` runs (default 1).  The size is ``--records`` (default
20,000,000, the national scale: about 5 minutes and 4 GiB of files in the temporary folder;
counting as reading has fixed costs of some 20 MiB, so below a few million records its peak is
above the target, which is for the national scale).  No timing is asserted.  Run
``python tests/benchmarks/bench_policeuk.py [--records N] [--repeats R]`` or ``make bench``.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from test_policeuk_arrow import CODED, PEAK, street_folder  # noqa: E402

import scrutiny as sc  # noqa: E402

PER_FILE = 13_000        # records a force's month, about the national mean
MONTHS = 36


def median(func, repeats: int):
    """Median wall time of ``repeats`` calls of ``func()`` (no warm-up), and the last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak(how: str, one: Path, root: Path) -> tuple[int, int, int]:
    done = subprocess.run([sys.executable, "-c", PEAK, str(one), how, str(root), "default"],
                          capture_output=True, text=True, check=True)
    used, output, pool = (int(x) for x in done.stdout.split())
    return used, output, pool


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--compare", type=int, default=2_000_000,
                        help="records (whole months) read by both readers")
    parser.add_argument("--gzip", action="store_true", help="gzipped files (.csv.gz)")
    parser.add_argument("--no-machine", action="store_true")
    args = parser.parse_args()
    forces = max(1, round(args.records / (PER_FILE * MONTHS)))
    rows = max(1, args.records // (forces * MONTHS))
    mib = 2 ** 20
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        start = time.perf_counter()
        street_folder(root, forces=forces, months=MONTHS, rows=rows, lsoas=800, gz=args.gzip)
        files = sorted(root.rglob("*.csv.gz" if args.gzip else "*.csv"))
        size = sum(f.stat().st_size for f in files)
        print(f"Generated {forces} forces x {MONTHS} months, {len(files):,} files "
              f"({size / mib:.0f} MiB{' gzipped' if args.gzip else ''}) in {time.perf_counter() - start:.1f} s; "
              f"median of {args.repeats}", flush=True)

        t_arrow, arrow = median(lambda: sc.data.read_policeuk(root), args.repeats)
        n = len(arrow)
        print(f"  read_policeuk  pyarrow {t_arrow:7.2f} s  {n:,} records "
              f"({t_arrow / n * 1e6:.2f} s a million)", flush=True)
        end = arrow["month"].min() + max(0, round(MONTHS * min(1.0, args.compare / n)) - 1)
        t_part, part = median(lambda: sc.data.read_policeuk(root, end=end), args.repeats)
        t_pandas, frame = median(lambda: sc.data.read_policeuk(root, engine="pandas", end=end),
                                 args.repeats)
        print(f"  months to {end} ({len(part):,} records): pyarrow {t_part:7.2f} s   pandas "
              f"{t_pandas:7.2f} s   {t_pandas / t_part:.1f}x the Arrow time", flush=True)
        assert part.attrs == frame.attrs
        pd.testing.assert_frame_equal(part.astype({c: frame[c].dtype for c in CODED}), frame)
        del frame, part

        t_frame, counts = median(lambda: sc.data.aggregate_policeuk(arrow), args.repeats)
        del arrow
        t_stream, streamed = median(lambda: sc.data.aggregate_policeuk(root), args.repeats)
        pd.testing.assert_frame_equal(streamed, counts)
        assert streamed.attrs == counts.attrs
        print(f"  aggregate_policeuk  of the path {t_stream:6.2f} s ({t_stream / n * 1e6:.2f} s "
              f"a million)   of "
              f"the frame read {t_frame:6.2f} s (after the read)   {len(counts):,} counts",
              flush=True)
        if Path("/proc/self/statm").exists():
            one = max(files, key=lambda f: f.stat().st_size)
            one_file = sc.data.read_policeuk(one).memory_usage(deep=True).sum()
            used, output, pool = peak("stream", one, root)
            whole, _, _ = peak("frame", one, root)
            target = 2 * output + one_file
            print(f"  peak memory above the baseline  counting as reading {used / mib:.0f} MiB "
                  f"(Arrow's pool {pool / mib:.0f} MiB)   reading first {whole / mib:.0f} MiB   "
                  f"target 2 x counts {output / mib:.0f} MiB + one file {one_file / mib:.0f} MiB"
                  f" = {target / mib:.0f} MiB: {used / target:.2f}x the target", flush=True)
    return 0


if __name__ == "__main__":
    if "--no-machine" not in sys.argv:
        from run import machine_summary
        print(machine_summary())
    sys.exit(main())
