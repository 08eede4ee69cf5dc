"""The Arrow reader of data.police.uk files against the pandas reader, and counting as reading.

``read_policeuk`` reads with Arrow by default (``engine="pyarrow"``); ``engine="pandas"`` is
the reader as it was.  Both must give the same records and the same ``attrs`` (the problems
report word for word) on every shared police.uk file and folder and on every hostile file of
``test_policeuk.py``; the only difference is that ``location``, ``lsoa_code`` and ``lsoa_name``
are categorical with Arrow.  ``aggregate_policeuk`` given a path counts the files as it reads
them: its counts equal those of the frame read in memory, and its peak memory is measured here
on a generated folder.
"""
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_policeuk import (CITY, FORCE, OUTCOME_ROWS, OUTCOMES, SEARCH, SEARCH_ROWS, STREET,
                           STREET_ROWS, WEST_MERCIA, write)

import scrutiny as sc
from scrutiny.data import _policeuk_arrow, _policeuk_files

SHARED_FOLDERS = [f for f in (WEST_MERCIA, CITY) if f.is_dir()]
SHARED_FILES = sorted(p for f in SHARED_FOLDERS for p in f.glob("*.csv.gz"))
needs_shared = pytest.mark.skipif(not SHARED_FOLDERS, reason="shared police.uk folders not found "
                                  "(set SCRUTINY_SHARED_DATA)")
CODED = ["location", "lsoa_code", "lsoa_name"]   # categorical with Arrow, text with pandas
CRIME_TYPES = ["Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson",
               "Drugs", "Other crime", "Other theft", "Possession of weapons", "Public order",
               "Robbery", "Shoplifting", "Theft from the person", "Vehicle crime",
               "Violence and sexual offences"]
OUTCOME_TYPES = ["Under investigation", "Investigation complete; no suspect identified",
                 "Unable to prosecute suspect", "Awaiting court outcome", "Local resolution"]


def street_folder(root: Path, *, forces: int = 2, months: int = 12, rows: int = 2_000,
                  lsoas: int = 300, seed: int = 1, gz: bool = True) -> Path:
    """A synthetic folder laid out as a data.police.uk download: ``YYYY-MM/YYYY-MM-<force>-
    street.csv[.gz]`` for ``forces`` invented forces and ``months`` months from 2023-01, about
    ``rows`` records a file, with the quirks of the real files (anti-social behaviour without a
    crime ID or outcome, records without a location or LSOA, a few crime IDs twice)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rng = np.random.default_rng(seed)
    for f in range(forces):
        force, slug = f"Force {f + 1} Police", f"force-{f + 1}"
        codes = np.array([f"E01{f:02d}{i:04d}" for i in range(lsoas)])
        names = np.array([f"Area {f + 1} {i // 4:03d}{'ABCD'[i % 4]}" for i in range(lsoas)])
        weight = rng.gamma(2.0, size=lsoas)
        for m, month in enumerate(pd.period_range("2023-01", periods=months, freq="M")):
            n = int(rows * (1 + 0.1 * np.sin(2 * np.pi * m / 12)))
            ids = np.frombuffer(rng.bytes(32 * n).hex().encode(), dtype="S64").astype(str)
            ids[1:4] = ids[0]                             # a crime ID on four rows
            crime = rng.choice(len(CRIME_TYPES), n, p=np.r_[0.2, [0.8 / 13] * 13])
            asb = crime == 0
            area = rng.choice(lsoas, n, p=weight / weight.sum())
            placed = rng.random(n) > 0.02
            lon = np.round(-2.0 - area / lsoas + rng.normal(0, 0.01, n), 6)
            lat = np.round(52.0 + area / lsoas + rng.normal(0, 0.01, n), 6)
            table = pa.table({
                "Crime ID": pa.array(ids, mask=asb),
                "Month": [str(month)] * n,
                "Reported by": [force] * n, "Falls within": [force] * n,
                "Longitude": pa.array(lon, mask=~placed), "Latitude": pa.array(lat, mask=~placed),
                "Location": np.where(placed, np.char.add("On or near Street ",
                                                         (area % 97).astype(str)), "No Location"),
                "LSOA code": pa.array(codes[area], mask=~placed),
                "LSOA name": pa.array(names[area], mask=~placed),
                "Crime type": np.array(CRIME_TYPES)[crime],
                "Last outcome category": pa.array(
                    np.array(OUTCOME_TYPES)[rng.integers(0, len(OUTCOME_TYPES), n)], mask=asb),
                "Context": pa.nulls(n, pa.string())})
            path = root / str(month) / f"{month}-{slug}-street.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            options = pcsv.WriteOptions(quoting_style="needed")
            if gz:
                with pa.output_stream(str(path) + ".gz", compression="gzip") as out:
                    pcsv.write_csv(table, out, options)
            else:
                pcsv.write_csv(table, str(path), options)
    return root


def same(path, **options):
    """The frame read with Arrow, checked equal to the pandas reader's (records and attrs)."""
    arrow = sc.data.read_policeuk(path, **options)
    frame = sc.data.read_policeuk(path, engine="pandas", **options)
    assert arrow.attrs == frame.attrs
    for name in CODED:
        if name in arrow:
            assert isinstance(arrow[name].dtype, pd.CategoricalDtype), name
    pd.testing.assert_frame_equal(arrow.astype({c: frame[c].dtype for c in CODED if c in arrow}),
                                  frame)
    return arrow


def same_error(path, error=ValueError, **options):
    """Both readers refuse ``path`` with the same message."""
    with pytest.raises(error) as arrow:
        sc.data.read_policeuk(path, **options)
    with pytest.raises(error) as frame:
        sc.data.read_policeuk(path, engine="pandas", **options)
    assert str(arrow.value) == str(frame.value)
    return str(arrow.value)


# ---- the shared files ---------------------------------------------------------------------------

@needs_shared
@pytest.mark.parametrize("path", SHARED_FILES + SHARED_FOLDERS, ids=lambda p: p.name)
def test_arrow_reader_equals_pandas_reader_on_shared_files(path):
    frame = same(path)
    assert frame.attrs["kind"] == "street" and len(frame) > 0


@needs_shared
def test_shared_folders_with_month_bounds():
    frame = same(WEST_MERCIA, start="2022-06", end="2024-02")
    assert frame.attrs["missing_months"][0] == "2022-12"
    assert frame.attrs["problems"][0].startswith("2 crime_id values appear")
    same(CITY, start="2025-01")


@needs_shared
@pytest.mark.parametrize("folder", SHARED_FOLDERS, ids=lambda p: p.name)
def test_streaming_aggregate_equals_in_memory_on_shared_folders(folder):
    frame = sc.data.read_policeuk(folder)
    for by in (("lsoa_code", "month", "crime_type"),
               (("lsoa_code", "lsoa_name"), "month", "crime_type"),
               ("falls_within", "month", "last_outcome_category")):
        counted = sc.data.aggregate_policeuk(folder, by=by)
        expected = sc.data.aggregate_policeuk(frame, by=by)
        pd.testing.assert_frame_equal(counted, expected)
        assert counted.attrs == expected.attrs
    today = sc.data.aggregate_policeuk(sc.data.read_policeuk(folder, engine="pandas"))
    counted = sc.data.aggregate_policeuk(folder)
    assert counted.attrs == today.attrs
    pd.testing.assert_frame_equal(counted.astype({"lsoa_code": object}),
                                  today.astype({"lsoa_code": object}))


# ---- small and hostile files: the same records, problems and errors -----------------------------

def test_synthetic_kinds_and_layouts(tmp_path):
    street = same(write(tmp_path / "2024-01-northmoor-street.csv", STREET, STREET_ROWS))
    assert street["lsoa_code"].isna().tolist() == [False, False, True, False]
    same(write(tmp_path / "o" / "2024-02-northmoor-outcomes.csv.gz", OUTCOMES, OUTCOME_ROWS,
               gz=True))
    same(write(tmp_path / "s" / "2024-08-northmoor-stop-and-search.csv", SEARCH, SEARCH_ROWS))
    same(write(tmp_path / "h" / "2024-01-northmoor-street.csv", STREET, []))      # header only
    windows = tmp_path / "windows.csv"
    windows.write_bytes(("\ufeff" + "\r\n".join([STREET, *STREET_ROWS]) + "\r\n").encode())
    same(windows)
    old = write(tmp_path / "old.csv", STREET.removesuffix(",Context"),
                [r.removesuffix(",") for r in STREET_ROWS])
    same(old)


def test_download_folder_and_zip(tmp_path):
    root = tmp_path / "download"
    write(root / "2024-01" / "2024-01-northmoor-street.csv", STREET, STREET_ROWS[:2])
    write(root / "2024-02" / "2024-02-northmoor-street.csv", STREET, STREET_ROWS[2:])
    write(root / "2024-02" / "2024-02-northmoor-outcomes.csv", OUTCOMES, OUTCOME_ROWS)
    write(root / "2024-05" / "2024-05-northmoor-street.csv", STREET, [])
    write(root / "notes.csv", "area,measure,value", ["North,crime,3"])
    (root / "empty.csv").write_bytes(b"")
    for kind in ("street", "outcomes"):
        same(root, kind=kind)
        same(root, kind=kind, start="2024-02")
        same(root, kind=kind, start="2030-01")
    archive = Path(shutil.make_archive(str(tmp_path / "download"), "zip", root))
    frame = same(archive, kind="street")
    assert "'empty.csv' is empty; skipped" in " | ".join(frame.attrs["problems"])
    assert "several kinds" in same_error(root)


def test_malformed_rows_give_the_same_problems(tmp_path, monkeypatch):
    rows = [
        STREET_ROWS[0],
        STREET_ROWS[1] + ",extra",
        f"b1,Jan 2024,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"b2,2024-13,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"b3,2024-01,{FORCE},west,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"b4,2024-01,{FORCE},-2.1,152.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"b5,2024-01,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,,,",
        "",
        f"a1,2024-01,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Robbery,,",
    ]
    frame = same(write(tmp_path / "2024-01-northmoor-street.csv", STREET, rows))
    assert len(frame.attrs["problems"]) == 6
    # one clean file between two bad ones: the notes in the order of a read of all at once
    folder = tmp_path / "mixed"
    write(folder / "2024-01-n-street.csv", STREET, rows)
    write(folder / "2024-02-n-street.csv", STREET, [r.replace("2024-01", "2024-02")
                                                    for r in STREET_ROWS])
    write(folder / "2024-03-n-street.csv", STREET, [
        f"c1,2024-03,{FORCE},nan,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"c2,2024-03,{FORCE},-2.1,-95,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"a1,2024-03,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,,,",
        f"c3,2024-3,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Drugs,,",
        f"c4,2024-03,{FORCE},-2.1,-95,On or near X,,,Drugs,,"])
    write(folder / "2024-04-n-street.csv", STREET, [
        f"d1,2024-04,{FORCE},-2.1,95,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"d2,2024-04,{FORCE},-2.1,52.1,On or near X,E01000009,Northmoor 001B,,,",
        f"d3,2024-04,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Robbery,,"])
    write(folder / "2024-05-n-street.csv", STREET, [     # no crime ID at all
        f",2024-05,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,"
        "Anti-social behaviour,,"])
    monkeypatch.setattr(_policeuk_arrow, "_BATCH", 1)        # each file typed alone
    frame = same(folder)
    assert len(frame.attrs["problems"]) > 8
    counted = sc.data.aggregate_policeuk(folder)
    assert counted.attrs == sc.data.aggregate_policeuk(frame).attrs


def test_bad_lines_blank_lines_and_line_numbers(tmp_path):
    rows = ([STREET_ROWS[0] + ",x"] * 8 + [STREET_ROWS[1]] + [STREET_ROWS[0] + ",x" * 9]
            + [STREET_ROWS[0].removesuffix(",")[:40]])
    same(write(tmp_path / "s.csv", STREET, rows))
    rows = ["", STREET_ROWS[0] + ",x", "   ", "", STREET_ROWS[1],
            f"b1,Jan 2024,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
            "\t", STREET_ROWS[0] + ",x" * 9, "", f"b2,2024-13,{FORCE},-2.1,52.1,X,E1,N,Burglary,,"]
    path = write(tmp_path / "t.csv", STREET, rows)
    path.write_bytes(b"\n \n" + path.read_bytes().replace(b"\n", b"\r\n"))
    same(path)
    # empty lines alone are read by Arrow: the rows after them keep their line numbers
    rows = [STREET_ROWS[0], "", "", STREET_ROWS[1], "", STREET_ROWS[0],
            f"b1,Jan 2024,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
            ",,,,,,,,,,,", STREET_ROWS[3]]
    frame = same(write(tmp_path / "u.csv", STREET, rows))
    assert frame.attrs["problems"] == [
        "u.csv: 1 row had a month that is not YYYY-MM (line 8); left out",
        "1 crime_id value appears on more than one row (2 rows, e.g. u.csv lines 2, 7); kept"]
    assert _policeuk_arrow._arrow_one(_policeuk_files._Source("u.csv", path=tmp_path / "u.csv"),
                                      STREET.split(","), "street") is not None


def test_bad_values_and_encodings(tmp_path):
    rows = [SEARCH_ROWS[0], SEARCH_ROWS[0].replace("2024-03-01T09:58:14+00:00", "yesterday"),
            SEARCH_ROWS[0].replace(",False,,52.019256", ",maybe,,52.019256")]
    same(write(tmp_path / "s.csv", SEARCH, rows))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("\n".join([STREET, STREET_ROWS[0].replace("High", "H\xe9gh")])
                      .encode("latin-1"))
    same(latin)
    quoted = write(tmp_path / "q.csv", STREET, [
        STREET_ROWS[0].replace("On or near High Street", '"On or near High Street, North"'),
        STREET_ROWS[1].replace("Anti-social behaviour", '"Anti-social behaviour"'),
        f'"",2024-01,{FORCE},"",,"",,,Drugs,"",'])
    same(quoted)
    spaced = write(tmp_path / "sp.csv", STREET, [STREET_ROWS[0].replace("-2.11", " -2.11 "),
                                                 STREET_ROWS[0].replace("-2.11", "1e1"),
                                                 STREET_ROWS[0].replace("-2.11", "inf")])
    same(spaced)


def test_hostile_files_give_the_same_errors(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "is empty" in same_error(tmp_path / "empty.csv")
    assert "is not a data.police.uk" in same_error(
        write(tmp_path / "budget.csv", "area,spend,year", ["North,12.5,2024"]))
    cut = write(tmp_path / "cut.csv", STREET.replace(",Crime type", ""), [])
    assert "has no column 'Crime type'" in same_error(cut)
    text = "\n".join([STREET, *STREET_ROWS * 200]).encode()
    (tmp_path / "gz").mkdir()
    (tmp_path / "gz" / "2024-01-n-street.csv.gz").write_bytes(gzip.compress(text)[:600])
    assert "a compressed file is damaged or cut short" in same_error(tmp_path / "gz")
    garbage = tmp_path / "junk" / "2024-01-n-street.csv.gz"
    garbage.parent.mkdir()
    garbage.write_bytes(gzip.compress(STREET.encode() + b"\n") + b"not gzip at all" * 10)
    assert "a compressed file is damaged or cut short" in same_error(garbage.parent)
    folder = tmp_path / "download"
    write(folder / "2024-01" / "2024-01-n-street.csv", STREET, STREET_ROWS)
    archive = Path(shutil.make_archive(str(tmp_path / "download"), "zip", folder))
    (tmp_path / "cut.zip").write_bytes(archive.read_bytes()[:200])
    assert "cannot be opened" in same_error(tmp_path / "cut.zip")
    same_error(write(tmp_path / "s.csv", STREET, STREET_ROWS), kind="outcomes")
    with pytest.raises(ValueError, match="engine must be one of 'pyarrow', 'pandas'"):
        sc.data.read_policeuk(tmp_path / "s.csv", engine="polars")


# ---- counting as reading ------------------------------------------------------------------------

def test_streaming_aggregate_equals_in_memory_on_a_generated_folder(tmp_path, monkeypatch):
    root = street_folder(tmp_path / "archive", forces=2, months=5, rows=1_500)
    monkeypatch.setattr(_policeuk_arrow, "_BATCH", 2_000)     # a few files at a time
    frame = same(root)
    assert frame.attrs["problems"][0].startswith("10 crime_id values appear on more than one row")
    for options in ({}, {"start": "2023-02", "end": "2023-04"}):
        for by in (("lsoa_code", "month", "crime_type"), ("falls_within", "month")):
            counted = sc.data.aggregate_policeuk(root, by=by, **options)
            expected = sc.data.aggregate_policeuk(sc.data.read_policeuk(root, **options), by=by)
            pd.testing.assert_frame_equal(counted, expected)
            assert counted.attrs == expected.attrs
    sparse = sc.data.aggregate_policeuk(root, complete=False)
    pd.testing.assert_frame_equal(sparse, sc.data.aggregate_policeuk(frame, complete=False))
    assert sparse["count"].sum() == frame["lsoa_code"].notna().sum()


def test_streaming_aggregate_arguments(tmp_path):
    path = write(tmp_path / "2024-01-n-street.csv", STREET, STREET_ROWS)
    frame = sc.data.read_policeuk(path)
    with pytest.raises(ValueError, match="by names column 'lpa', which frame does not have"):
        sc.data.aggregate_policeuk(path, by=["lpa", "month"])
    with pytest.raises(TypeError, match="complete must be True or False"):
        sc.data.aggregate_policeuk(path, complete="yes")
    with pytest.raises(ValueError, match="start applies only when frame is a path"):
        sc.data.aggregate_policeuk(frame, start="2024-01")
    with pytest.raises(ValueError, match="frame must be a pandas DataFrame or a file or folder "
                                         "that exists .*nowhere', which does not exist"):
        sc.data.aggregate_policeuk(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="kind='outcomes' but path"):
        sc.data.aggregate_policeuk(path, kind="outcomes")
    search = write(tmp_path / "s" / "2024-08-n-stop-and-search.csv", SEARCH, SEARCH_ROWS)
    counted = sc.data.aggregate_policeuk(search, by=("force", "month", "object_of_search"))
    pd.testing.assert_frame_equal(counted, sc.data.aggregate_policeuk(
        sc.data.read_policeuk(search), by=("force", "month", "object_of_search")))


# argv: one file (a warm-up), "stream" or "frame", the folder, and the batch size or "default";
# prints the peak resident memory above that before the call, the size of the counts and the
# peak of Arrow's memory pool
PEAK = """
import os, sys, threading, time
import pyarrow as pa
import scrutiny as sc
from scrutiny.data import _policeuk_arrow
if sys.argv[4] != "default":
    _policeuk_arrow._BATCH = int(sys.argv[4])
page = os.sysconf("SC_PAGE_SIZE")

def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page

sc.data.aggregate_policeuk(sys.argv[1], by=("lsoa_code", "month"))   # warm-up on one file
base = peak = resident()
done = False

def watch():
    global peak
    while not done:
        peak = max(peak, resident())
        time.sleep(0.002)

watcher = threading.Thread(target=watch)
watcher.start()
if sys.argv[2] == "stream":
    counts = sc.data.aggregate_policeuk(sys.argv[3])
else:
    counts = sc.data.aggregate_policeuk(sc.data.read_policeuk(sys.argv[3]))
done = True
watcher.join()
print(max(peak, resident()) - base, counts.memory_usage(deep=True).sum(),
      pa.default_memory_pool().max_memory())
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="resident memory read from "
                    "/proc/self/statm (Linux)")
def test_streaming_aggregate_peak_memory(tmp_path):
    """24 files of 30,000 records: counting as reading holds the counts and a batch of files,
    reading first holds every record (resident memory sampled every 2 ms, above that before
    the call)."""
    root = street_folder(tmp_path / "archive", forces=2, months=12, rows=30_000, lsoas=500)
    one = next(root.rglob("*.csv.gz"))

    def peak(how):
        done = subprocess.run([sys.executable, "-c", PEAK, str(one), how, str(root), "20000"],
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
        assert done.returncode == 0, done.stderr[-2000:]
        return [int(x) for x in done.stdout.split()]

    streamed, output, _ = peak("stream")
    whole, _, _ = peak("frame")
    print(f"peak above baseline: streaming {streamed / 2**20:.0f} MiB, reading first "
          f"{whole / 2**20:.0f} MiB; counts {output / 2**20:.1f} MiB")
    assert streamed < 0.6 * whole
