"""Benchmark: ingest of a generated police.uk folder with the Arrow reader, against the pandas
reader it replaced, and the peak memory of counting as reading.

1. A synthetic download (``YYYY-MM/YYYY-MM-<force>-street.csv.gz``, 36 months, about 13,000
   records a file, as many forces as the size asks; written by ``street_folder`` of
   ``tests/test_policeuk_arrow.py``) read with ``read_policeuk(engine="pyarrow")`` and
   ``engine="pandas"`` in this process, one after the other; the ratio is pandas' time over
   Arrow's.  The two frames are checked equal (but for the categorical columns).
2. ``aggregate_policeuk(path)`` (counting as reading) against ``read_policeuk`` then
   ``aggregate_policeuk(frame)``: time, and peak resident memory above that before the call
   (each in a process of its own, sampled every 2 ms), set beside the counts' size plus one
   file's records.

The size is ``--records`` (default 1,000,000, about a minute here; the national scale of the
issue is 20,000,000).  No timing is asserted.  Run ``python tests/benchmarks/bench_policeuk.py
[--records N]`` or ``make bench``.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from _timing import once

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from test_policeuk_arrow import CODED, PEAK, street_folder  # noqa: E402

import scrutiny as sc  # noqa: E402

PER_FILE = 13_000        # records a force's month, about the national mean
MONTHS = 36


def peak(how: str, one: Path, root: Path) -> tuple[int, int]:
    done = subprocess.run([sys.executable, "-c", PEAK, str(one), how, str(root), "default"],
                          capture_output=True, text=True, check=True)
    used, output = (int(x) for x in done.stdout.split())
    return used, output


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--no-machine", action="store_true")
    args = parser.parse_args()
    forces = max(1, round(args.records / (PER_FILE * MONTHS)))
    rows = max(1, args.records // (forces * MONTHS))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        seconds, _ = once(lambda: street_folder(root, forces=forces, months=MONTHS, rows=rows,
                                                lsoas=800))
        files = sorted(root.rglob("*.csv.gz"))
        size = sum(f.stat().st_size for f in files)
        print(f"Generated {forces} forces x {MONTHS} months, {len(files):,} files "
              f"({size / 2**20:.0f} MiB gzipped) in {seconds:.1f} s", flush=True)

        t_arrow, arrow = once(lambda: sc.data.read_policeuk(root))
        print(f"  read_policeuk  pyarrow {t_arrow:7.2f} s  {len(arrow):,} records "
              f"({len(arrow) / t_arrow / 1e6:.2f} M/s)", flush=True)
        t_pandas, frame = once(lambda: sc.data.read_policeuk(root, engine="pandas"))
        print(f"  read_policeuk  pandas  {t_pandas:7.2f} s  ({t_pandas / t_arrow:.1f}x the "
              f"Arrow time)", flush=True)
        assert arrow.attrs == frame.attrs
        pd.testing.assert_frame_equal(arrow.astype({c: frame[c].dtype for c in CODED}), frame)
        del frame

        t_frame, counts = once(lambda: sc.data.aggregate_policeuk(arrow))
        del arrow
        t_stream, streamed = once(lambda: sc.data.aggregate_policeuk(root))
        pd.testing.assert_frame_equal(streamed, counts)
        print(f"  aggregate  of the frame read {t_frame:6.2f} s (after the read)   as read "
              f"{t_stream:6.2f} s   {len(counts):,} counts", flush=True)
        if Path("/proc/self/statm").exists():
            one = max(files, key=lambda f: f.stat().st_size)
            one_file = sc.data.read_policeuk(one).memory_usage(deep=True).sum()
            used, output = peak("stream", one, root)
            whole, _ = peak("frame", one, root)
            print(f"  peak memory  counting as reading {used / 2**20:7.0f} MiB   reading first "
                  f"{whole / 2**20:7.0f} MiB   counts {output / 2**20:.0f} MiB + one file "
                  f"{one_file / 2**20:.0f} MiB: {used / (output + one_file):.1f}x their sum",
                  flush=True)
    return 0


if __name__ == "__main__":
    if "--no-machine" not in sys.argv:
        from run import machine_summary
        print(machine_summary())
    sys.exit(main())
