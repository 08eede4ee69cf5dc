"""Reading data.police.uk files, counting their records, and joining LSOA populations.

Real files are read from the shared data folder (``../shared/data`` beside the project, or
``SCRUTINY_SHARED_DATA``); the tests that need them are skipped, saying so, only when that
folder is absent.  The expected row counts are those of each folder's SOURCE.md (checked there
with ``zcat f | wc -l`` minus the header, and with pandas).  Every error path and malformed row
is checked on small CSV files written here.
"""
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import RESIDENT_FACTOR, address_space_cap

import scrutiny as sc
from scrutiny.data import policeuk, population

SHARED = Path(os.environ.get("SCRUTINY_SHARED_DATA",
                             Path(__file__).resolve().parents[2] / "shared" / "data"))
WEST_MERCIA = SHARED / "police-uk-west-mercia-street"
CITY = SHARED / "police-uk-city-of-london-street"
ONS = SHARED / "ons-lsoa-population"
needs_shared = pytest.mark.skipif(
    not (WEST_MERCIA.is_dir() and CITY.is_dir() and ONS.is_dir()),
    reason=f"real data.police.uk and ONS files not found in {SHARED} (set SCRUTINY_SHARED_DATA)")
# West Mercia's nine local authorities, its local policing areas (SOURCE.md).
WEST_MERCIA_LAS = ["Shropshire", "Telford and Wrekin", "Herefordshire", "Worcester",
                   "Wyre Forest", "Wychavon", "Redditch", "Bromsgrove", "Malvern Hills"]

STREET = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
OUTCOMES = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
            "LSOA name,Outcome type")
SEARCH = ("Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
          "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,"
          "Object of search,Outcome,Outcome linked to object of search,"
          "Removal of more than just outer clothing")
FORCE = "Northmoor Police,Northmoor Police"
STREET_ROWS = [
    f"a1,2024-01,{FORCE},-2.110000,52.190000,On or near High Street,E01000001,Northmoor 001A,"
    "Burglary,Under investigation,",
    f",2024-01,{FORCE},-2.120000,52.200000,On or near Mill Lane,E01000002,Northmoor 001B,"
    "Anti-social behaviour,,",
    f"a3,2024-02,{FORCE},,,No location,,,Robbery,Awaiting court outcome,",
    f"a4,2024-02,{FORCE},-2.130000,52.210000,On or near Bridge Street,E01000001,Northmoor 001A,"
    "Burglary,Offender given a caution,",
]
OUTCOME_ROWS = [
    f"a1,2024-02,{FORCE},-2.110000,52.190000,On or near High Street,E01000001,Northmoor 001A,"
    "Suspect charged",
    f"a9,2024-02,{FORCE},-2.140000,52.220000,On or near Church Road,E01000003,Westmoor 002A,"
    "Investigation complete; no suspect identified",
]
SEARCH_ROWS = [
    "Person search,2024-03-01T09:58:14+00:00,False,,52.019256,-0.225046,Male,18-24,"
    "White - English/Welsh/Scottish/Northern Irish/British,White,"
    "Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,,False",
    # just after midnight local time on 1 August: still July in UTC, August as published
    "Person and Vehicle search,2024-08-01T00:30:00+01:00,True,Operation Nightjar,52.1,-2.2,"
    "Female,over 34,,Black,Police and Criminal Evidence Act 1984 (section 1),Stolen goods,"
    "Arrest,True,",
]


def write(path: Path, header: str, rows, gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join([header, *rows]) + "\n"
    if gz:
        with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def plain(frame):
    """Text and categorical columns as plain objects (categories differ between reads)."""
    return frame.astype({c: object for c in frame.columns
                         if isinstance(frame[c].dtype, pd.CategoricalDtype)
                         or pd.api.types.is_string_dtype(frame[c])})


def digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def download(tmp_path):
    """A folder laid out as an unzipped data.police.uk download: YYYY-MM/ folders."""
    root = tmp_path / "download"
    write(root / "2024-01" / "2024-01-northmoor-street.csv", STREET, STREET_ROWS[:2])
    write(root / "2024-02" / "2024-02-northmoor-street.csv", STREET, STREET_ROWS[2:])
    write(root / "2024-02" / "2024-02-northmoor-outcomes.csv", OUTCOMES, OUTCOME_ROWS)
    write(root / "2024-03" / "2024-03-northmoor-stop-and-search.csv", SEARCH, SEARCH_ROWS[:1])
    write(root / "2024-08" / "2024-08-northmoor-stop-and-search.csv", SEARCH, SEARCH_ROWS[1:])
    return root


# ---- synthetic files: the three kinds, typed ----------------------------------------------------

def test_street_file_typed(tmp_path):
    path = write(tmp_path / "2024-01-northmoor-street.csv", STREET, STREET_ROWS)
    frame = sc.data.read_policeuk(path)
    assert list(frame.columns) == ["crime_id", "month", "reported_by", "falls_within",
                                   "longitude", "latitude", "location", "lsoa_code", "lsoa_name",
                                   "crime_type", "last_outcome_category", "context"]
    assert frame["month"].dtype == pd.PeriodDtype("M")
    assert frame["month"].astype(str).tolist() == ["2024-01", "2024-01", "2024-02", "2024-02"]
    for column in ("reported_by", "falls_within", "crime_type", "last_outcome_category"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    assert frame["longitude"].dtype == np.float64 and frame["latitude"].dtype == np.float64
    np.testing.assert_array_equal(frame["longitude"], [-2.11, -2.12, np.nan, -2.13])
    assert frame["crime_id"].isna().tolist() == [False, True, False, False]
    assert frame["lsoa_code"].isna().tolist() == [False, False, True, False]
    assert frame["crime_type"].tolist() == ["Burglary", "Anti-social behaviour", "Robbery",
                                            "Burglary"]
    assert frame.attrs["kind"] == "street"
    assert frame.attrs["files"] == ["2024-01-northmoor-street.csv"]
    assert frame.attrs["problems"] == [] and frame.attrs["missing_months"] == []
    assert frame.attrs["attribution"] == (
        "Contains public sector information licensed under the Open Government Licence v3.0. "
        "Source: data.police.uk (Northmoor Police).")


def test_outcomes_file_typed(tmp_path):
    path = write(tmp_path / "2024-02-northmoor-outcomes.csv.gz", OUTCOMES, OUTCOME_ROWS, gz=True)
    frame = sc.data.read_policeuk(path)
    assert frame.attrs["kind"] == "outcomes"
    assert list(frame.columns)[-1] == "outcome_type" and "crime_type" not in frame
    assert isinstance(frame["outcome_type"].dtype, pd.CategoricalDtype)
    assert frame["outcome_type"].tolist() == ["Suspect charged",
                                              "Investigation complete; no suspect identified"]
    assert (frame["month"] == pd.Period("2024-02", "M")).all()


def test_stop_and_search_file_typed(tmp_path):
    path = write(tmp_path / "2024-08-northmoor-stop-and-search.csv", SEARCH, SEARCH_ROWS)
    frame = sc.data.read_policeuk(path)
    assert frame.attrs["kind"] == "stop-and-search"
    assert frame.columns[:3].tolist() == ["type", "date", "month"]
    assert "officer_defined_ethnicity" in frame
    assert "removal_of_more_than_just_outer_clothing" in frame
    assert frame["date"].dtype == pd.DatetimeTZDtype("ns", "UTC")
    assert frame["date"].iloc[1] == pd.Timestamp("2024-07-31 23:30", tz="UTC")
    # the month of the date as published (local time), not of the UTC time
    assert frame["month"].astype(str).tolist() == ["2024-03", "2024-08"]
    assert frame["part_of_a_policing_operation"].dtype == "boolean"
    assert frame["part_of_a_policing_operation"].tolist() == [False, True]
    assert frame["outcome_linked_to_object_of_search"].isna().tolist() == [True, False]
    assert frame["removal_of_more_than_just_outer_clothing"].isna().tolist() == [False, True]
    assert frame["latitude"].tolist() == [52.019256, 52.1]
    assert frame["force"].astype(str).tolist() == ["northmoor", "northmoor"]
    assert isinstance(frame["object_of_search"].dtype, pd.CategoricalDtype)
    assert frame.attrs["attribution"].endswith("Source: data.police.uk.")


def test_header_only_bom_and_windows_line_ends(tmp_path):
    empty = sc.data.read_policeuk(write(tmp_path / "2024-01-northmoor-street.csv", STREET, []))
    assert len(empty) == 0 and empty["month"].dtype == pd.PeriodDtype("M")
    assert empty.attrs["problems"] == []
    path = tmp_path / "windows.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([STREET, *STREET_ROWS]) + "\r\n").encode("utf-8"))
    frame = sc.data.read_policeuk(path)
    unix = sc.data.read_policeuk(write(tmp_path / "unix.csv", STREET, STREET_ROWS))
    pd.testing.assert_frame_equal(frame, unix)
    both = tmp_path / "both"
    both.mkdir()
    shutil.copy(path, both / "a.csv")
    write(both / "b.csv", STREET, [])
    assert len(sc.data.read_policeuk(both)) == 4


def test_older_files_without_optional_columns(tmp_path):
    header = STREET.removesuffix(",Context")
    rows = [r.removesuffix(",") for r in STREET_ROWS]
    frame = sc.data.read_policeuk(write(tmp_path / "old.csv", header, rows))
    assert frame["context"].isna().all() and len(frame) == 4


# ---- folders and archives -----------------------------------------------------------------------

def test_folder_of_monthly_folders_with_several_kinds(download):
    before = digest(download)
    with pytest.raises(ValueError, match=r"several kinds of file: street \(2 files\), outcomes "
                                         r"\(1 files\), stop-and-search \(2 files\).*kind="):
        sc.data.read_policeuk(download)
    street = sc.data.read_policeuk(download, kind="street")
    assert street.attrs["files"] == ["2024-01/2024-01-northmoor-street.csv",
                                     "2024-02/2024-02-northmoor-street.csv"]
    assert len(street) == 4 and street["crime_type"].tolist()[-1] == "Burglary"
    single = sc.data.read_policeuk(write(download.parent / "all.csv", STREET, STREET_ROWS))
    pd.testing.assert_frame_equal(street, single)
    outcomes = sc.data.read_policeuk(download, kind="outcomes")
    assert len(outcomes) == 2 and outcomes.attrs["kind"] == "outcomes"
    searches = sc.data.read_policeuk(download, kind="stop-and-search")
    assert len(searches) == 2
    assert searches.attrs["missing_months"] == ["2024-04", "2024-05", "2024-06", "2024-07"]
    assert any("2024-04 to 2024-07" in p for p in searches.attrs["problems"])
    assert digest(download) == before  # inputs not modified


def test_zip_archive_as_downloaded(download, tmp_path):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(download.rglob("*.csv")):
            z.write(path, path.relative_to(download).as_posix())
        z.writestr("__MACOSX/2024-01/._2024-01-northmoor-street.csv", "not a csv")
    before = archive.read_bytes()
    for kind in policeuk.KINDS:
        from_zip = sc.data.read_policeuk(archive, kind=kind)
        from_folder = sc.data.read_policeuk(download, kind=kind)
        pd.testing.assert_frame_equal(from_zip, from_folder)
        assert from_zip.attrs["files"] == from_folder.attrs["files"]
    with pytest.raises(ValueError, match="several kinds"):
        sc.data.read_policeuk(archive)
    assert archive.read_bytes() == before


def test_months_filter(download):
    street = sc.data.read_policeuk(download, kind="street", start="2024-02")
    assert street.attrs["files"] == ["2024-02/2024-02-northmoor-street.csv"]
    assert (street["month"] == pd.Period("2024-02", "M")).all() and len(street) == 2
    street = sc.data.read_policeuk(download, kind="street", end=pd.Period("2024-01", "M"))
    assert street["month"].astype(str).unique().tolist() == ["2024-01"]
    # the file name's month does not have to match its rows: rows are filtered too
    mixed = write(download.parent / "mixed.csv", STREET, STREET_ROWS)
    assert len(sc.data.read_policeuk(mixed, start="2024-02", end="2024-02")) == 2
    none = sc.data.read_policeuk(download, kind="street", start="2030-01")
    assert len(none) == 0 and list(none.columns) == list(street.columns)
    assert none["month"].dtype == pd.PeriodDtype("M")


def test_folder_skips_files_that_are_not_policeuk(download):
    write(download / "notes.csv", "area,measure,value", ["North,crime,3"])
    (download / "empty.csv").write_bytes(b"")
    frame = sc.data.read_policeuk(download, kind="street")
    assert len(frame) == 4
    notes = " | ".join(frame.attrs["problems"])
    assert "'notes.csv' is not a data.police.uk street, outcomes or stop-and-search file" in notes
    assert "'empty.csv' is empty; skipped" in notes


# ---- malformed rows: reported, never a crash ----------------------------------------------------

def test_malformed_rows_are_reported(tmp_path):
    rows = [
        STREET_ROWS[0],
        STREET_ROWS[1] + ",extra",                                    # line 3: 13 fields
        f"b1,Jan 2024,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"b2,2024-13,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"b3,2024-01,{FORCE},west,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"b4,2024-01,{FORCE},-2.1,152.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
        f"b5,2024-01,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,,,",   # line 8
        "",                                                           # a blank line: ignored
        f"a1,2024-01,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Robbery,,",
    ]
    path = write(tmp_path / "2024-01-northmoor-street.csv", STREET, rows)
    before = path.read_bytes()
    frame = sc.data.read_policeuk(path)
    assert frame["crime_id"].tolist() == ["a1", "b3", "b4", "a1"]
    assert np.isnan(frame["longitude"].iloc[1]) and np.isnan(frame["latitude"].iloc[2])
    problems = frame.attrs["problems"]
    expected = [
        "2024-01-northmoor-street.csv: 1 row had 13 fields where 12 were expected (line 3); "
        "left out",
        "2024-01-northmoor-street.csv: 2 rows had a month that is not YYYY-MM (lines 4, 5); "
        "left out",
        "2024-01-northmoor-street.csv: 1 row had no crime_type (line 8); left out",
        "2024-01-northmoor-street.csv: 1 row had a longitude that is not a number (line 6); "
        "set to missing",
        "2024-01-northmoor-street.csv: 1 row had a latitude outside -90 to 90 (line 7); "
        "set to missing",
        "1 crime_id value appears on more than one row (2 rows, e.g. "
        "2024-01-northmoor-street.csv lines 2, 10); kept",
    ]
    assert sorted(problems) == sorted(expected)
    assert path.read_bytes() == before


def test_many_bad_lines_are_summarised(tmp_path):
    rows = ([STREET_ROWS[0] + ",x"] * 8 + [STREET_ROWS[1]] + [STREET_ROWS[0] + ",x" * 9]
            + [STREET_ROWS[0].removesuffix(",")[:40]])
    frame = sc.data.read_policeuk(write(tmp_path / "s.csv", STREET, rows))
    assert frame["crime_type"].tolist() == ["Anti-social behaviour"]
    assert frame.attrs["problems"] == [
        "s.csv: 1 row had 21 fields where 12 were expected (line 11); left out",
        "s.csv: 8 rows had 13 fields where 12 were expected (lines 2, 3, 4, 5, 6 and 3 more); "
        "left out",
        "s.csv: 1 row had no crime_type (line 12); left out"]   # a row cut short


def test_bad_values_in_stop_and_search(tmp_path):
    rows = [SEARCH_ROWS[0], SEARCH_ROWS[0].replace("2024-03-01T09:58:14+00:00", "yesterday"),
            SEARCH_ROWS[0].replace(",False,,52.019256", ",maybe,,52.019256")]
    frame = sc.data.read_policeuk(write(tmp_path / "s.csv", SEARCH, rows))
    assert len(frame) == 2
    problems = " | ".join(frame.attrs["problems"])
    assert "1 row had no date, or one that is not a date and time (line 3); left out" in problems
    assert ("1 row had a part_of_a_policing_operation that is not True or False (line 4); "
            "set to missing") in problems
    assert frame["part_of_a_policing_operation"].isna().tolist() == [False, True]
    assert frame["force"].isna().all()  # the file name does not say


# ---- files that are not in the format: clear errors ---------------------------------------------

@pytest.mark.parametrize("dropped", ["Crime type", "Month", "LSOA code", "Longitude"])
def test_missing_column_is_named(tmp_path, dropped):
    names = STREET.split(",")
    keep = [i for i, n in enumerate(names) if n != dropped]
    rows = [",".join(r.split(",")[i] for i in keep) for r in STREET_ROWS]
    path = write(tmp_path / "cut.csv", ",".join(names[i] for i in keep), rows)
    with pytest.raises(ValueError, match=f"path 'cut.csv' looks like a data.police.uk street "
                                         f"file but has no column '{dropped}'"):
        sc.data.read_policeuk(path)


def test_missing_columns_of_stop_and_search_are_named(tmp_path):
    path = write(tmp_path / "s.csv", SEARCH.replace("Gender,", "").replace(",Outcome,", ","),
                 [])
    with pytest.raises(ValueError, match=r"stop-and-search file but has no column 'Gender', "
                                         r"'Outcome'"):
        sc.data.read_policeuk(path)


def test_not_a_policeuk_file(tmp_path):
    path = write(tmp_path / "budget.csv", "area,spend,year", ["North,12.5,2024"])
    with pytest.raises(ValueError, match=r"path 'budget.csv' is not a data.police.uk street, "
                                         r"outcomes or stop-and-search file: its columns are "
                                         r"'area', 'spend', 'year'; a street file would also "
                                         r"need 'Crime ID', 'Month'"):
        sc.data.read_policeuk(path)


def test_empty_file_and_empty_folders(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(ValueError, match="path 'empty.csv' is empty"):
        sc.data.read_policeuk(tmp_path / "empty.csv")
    folder = tmp_path / "nothing"
    (folder / "2024-01").mkdir(parents=True)
    (folder / "2024-01" / "readme.txt").write_text("no data here")
    with pytest.raises(ValueError, match=r"path '.*nothing': no CSV files \(.csv or .csv.gz\) "
                                         r"in the folder"):
        sc.data.read_policeuk(folder)
    write(folder / "budget.csv", "area,spend", ["North,1"])
    with pytest.raises(ValueError, match=r"none of its 1 CSV files is a data.police.uk file "
                                         r"\('budget.csv' is not"):
        sc.data.read_policeuk(folder)
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "nothing")
    with pytest.raises(ValueError, match="no CSV files .* in the archive"):
        sc.data.read_policeuk(archive)


def test_argument_errors(tmp_path, download):
    path = write(tmp_path / "s.csv", STREET, STREET_ROWS)
    with pytest.raises(TypeError, match="path must be a file or folder name"):
        sc.data.read_policeuk(3)
    with pytest.raises(FileNotFoundError, match="path '.*missing.csv' does not exist"):
        sc.data.read_policeuk(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="kind must be one of 'street', 'outcomes', "
                                         "'stop-and-search' or None"):
        sc.data.read_policeuk(path, kind="crimes")
    with pytest.raises(ValueError, match=r"kind='outcomes' but path '.*s.csv' holds no outcomes "
                                         r"file, only street \(1 file\)"):
        sc.data.read_policeuk(path, kind="outcomes")
    with pytest.raises(ValueError, match="start must be a month such as '2024-03'"):
        sc.data.read_policeuk(path, start="spring")
    with pytest.raises(ValueError, match="end must be a month"):
        sc.data.read_policeuk(path, end=[2024])
    with pytest.raises(ValueError, match="start must not be after end"):
        sc.data.read_policeuk(path, start="2024-03", end="2024-01")


# ---- counting records ---------------------------------------------------------------------------

def test_aggregate_zero_fills_and_reports(tmp_path):
    frame = sc.data.read_policeuk(write(tmp_path / "s.csv", STREET, STREET_ROWS))
    copy = frame.copy()
    counts = sc.data.aggregate_policeuk(frame)
    pd.testing.assert_frame_equal(frame, copy)  # not modified
    # 2 LSOAs x 2 months x 2 crime types (the Robbery has no LSOA: not counted)
    assert len(counts) == 8 and list(counts.columns) == ["lsoa_code", "month", "crime_type",
                                                         "count"]
    assert counts["count"].dtype == np.int64 and counts["count"].sum() == 3
    assert counts["month"].dtype == pd.PeriodDtype("M")
    assert isinstance(counts["crime_type"].dtype, pd.CategoricalDtype)
    assert list(counts["crime_type"].cat.categories) == ["Anti-social behaviour", "Burglary"]
    hit = counts.set_index(["lsoa_code", "month", "crime_type"])["count"]
    assert hit[("E01000001", pd.Period("2024-02", "M"), "Burglary")] == 1
    assert hit[("E01000002", pd.Period("2024-02", "M"), "Anti-social behaviour")] == 0
    assert "1 record with no lsoa_code not counted" in counts.attrs["problems"]
    assert counts.attrs["kind"] == "street" and counts.attrs["missing_months"] == []
    sparse = sc.data.aggregate_policeuk(frame, complete=False)
    assert len(sparse) == 3 and (sparse["count"] > 0).all()


def test_aggregate_keeps_linked_columns_together(tmp_path):
    frame = sc.data.read_policeuk(write(tmp_path / "s.csv", STREET, STREET_ROWS))
    counts = sc.data.aggregate_policeuk(frame, by=(("lsoa_code", "lsoa_name"), "month"))
    assert len(counts) == 4  # 2 (code, name) pairs x 2 months, not 2 x 2 x 2
    assert counts["lsoa_name"].tolist() == ["Northmoor 001A"] * 2 + ["Northmoor 001B"] * 2


def test_aggregate_does_not_fill_missing_months():
    frame = pd.DataFrame({"area": ["A", "B", "A"],
                          "month": pd.PeriodIndex(["2024-01", "2024-01", "2024-04"], freq="M")})
    counts = sc.data.aggregate_policeuk(frame, by=["area", "month"])
    assert counts["month"].astype(str).tolist() == ["2024-01", "2024-04"] * 2
    assert counts["count"].tolist() == [1, 1, 1, 0]
    assert counts.attrs["missing_months"] == ["2024-02", "2024-03"]


def test_aggregate_argument_errors(tmp_path):
    frame = sc.data.read_policeuk(write(tmp_path / "s.csv", STREET, STREET_ROWS))
    with pytest.raises(TypeError, match="frame must be a pandas DataFrame"):
        sc.data.aggregate_policeuk([1, 2])
    with pytest.raises(ValueError, match="by names column 'lpa', which frame does not have"):
        sc.data.aggregate_policeuk(frame, by=["lpa", "month"])
    with pytest.raises(ValueError, match="by names a column twice"):
        sc.data.aggregate_policeuk(frame, by=["month", ("month", "crime_type")])
    with pytest.raises(TypeError, match="by must be a sequence of column names"):
        sc.data.aggregate_policeuk(frame, by="month")
    with pytest.raises(ValueError, match="by is empty"):
        sc.data.aggregate_policeuk(frame, by=[])
    with pytest.raises(TypeError, match="complete must be True or False"):
        sc.data.aggregate_policeuk(frame, complete="yes")



def test_aggregate_names_the_column_of_values_it_cannot_count_by():
    months = pd.PeriodIndex(["2024-01", "2024-02", "2024-01"], freq="M")
    records = pd.DataFrame({"lsoa_code": ["E1", 5, "E2"], "month": months,
                            "crime_type": ["Burglary", "Burglary", "Robbery"]})
    with pytest.raises(TypeError, match=r"by column 'lsoa_code' of frame must hold values of one "
                                        r"type to be counted by \(it holds int, str\)"):
        sc.data.aggregate_policeuk(records)
    with pytest.raises(TypeError, match=r"by column 'lsoa_code' .* \(it holds list or dict\)"):
        sc.data.aggregate_policeuk(records.assign(lsoa_code=[["E1"], ["E1"], "E2"]))
    records = records.assign(lsoa_code=["E1", "E1", "E2"])
    assert len(sc.data.aggregate_policeuk(records, by=[["lsoa_code"], "month"])) == 4
    with pytest.raises(TypeError, match=r"by must hold column names, or tuples of column names "
                                        r"\(got \['lsoa_code'\]\)"):
        sc.data.aggregate_policeuk(records, by=[[["lsoa_code"]], "month"])
    with pytest.raises(TypeError, match="by must hold column names"):
        sc.data.aggregate_policeuk(records, by=[{"a": 1}, "month"])
    with pytest.raises(ValueError, match="frame has more than one column named 'month'"):
        sc.data.aggregate_policeuk(pd.concat([records, records[["month"]]], axis=1))


def test_blank_lines_are_skipped_while_parsing_in_bounded_memory(tmp_path):
    """20 MiB of blank lines (20 KB zipped) once took 5.2 GB and 21 s: each blank line was a
    row.  Read under a 1 GiB address-space limit, the rows after them keep their line numbers."""
    rows = "\n".join([STREET, STREET_ROWS[0], *(["", "  ", "\t\r"] * 3), STREET_ROWS[1]])
    path = tmp_path / "2024-01-northmoor-street.csv"
    path.write_text(rows + "\n" * (20 * 2**20) + STREET_ROWS[0] + "\n", encoding="utf-8")
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(path, "2024-01/" + path.name)
    path.unlink()
    assert archive.stat().st_size < 100_000
    script = (
        "import resource, sys, time\n"
        f"{address_space_cap(2**30)}\n"
        "import scrutiny as sc\n"
        "start = time.perf_counter()\n"
        "frame = sc.data.read_policeuk(sys.argv[1])\n"
        "print(time.perf_counter() - start)\n"
        "print(frame['crime_id'].tolist())\n"
        "print(frame.attrs['problems'])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)\n")
    done = subprocess.run([sys.executable, "-c", script, str(archive)], capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    seconds, ids, problems, peak = done.stdout.splitlines()
    assert int(peak) < 2**30 * RESIDENT_FACTOR
    assert float(seconds) < 15
    assert ids == "['a1', nan, 'a1']"
    last = 1 + rows.count("\n") + 20 * 2**20     # the line of the last row
    assert problems == ("['1 crime_id value appears on more than one row (2 rows, e.g. "
                        f"2024-01/2024-01-northmoor-street.csv lines 2, {last}); kept']")


def test_line_numbers_after_blank_lines_and_bad_rows(tmp_path):
    rows = ["", STREET_ROWS[0] + ",x", "   ", "", STREET_ROWS[1],
            f"b1,Jan 2024,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,",
            "\t", STREET_ROWS[0] + ",x" * 9, "", f"b2,2024-13,{FORCE},-2.1,52.1,X,E1,N,Burglary,,"]
    path = write(tmp_path / "s.csv", STREET, rows)
    path.write_bytes(b"\n \n" + path.read_bytes().replace(b"\n", b"\r\n"))  # the header on line 3
    frame = sc.data.read_policeuk(path)
    assert frame["crime_type"].tolist() == ["Anti-social behaviour"]
    assert sorted(frame.attrs["problems"]) == sorted([
        "s.csv: 1 row had 13 fields where 12 were expected (line 5); left out",
        "s.csv: 1 row had 21 fields where 12 were expected (line 11); left out",
        "s.csv: 2 rows had a month that is not YYYY-MM (lines 9, 13); left out"])



def test_damaged_archives_are_named(tmp_path, download):
    archive = shutil.make_archive(str(tmp_path / "download"), "zip", download)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(Path(archive).read_bytes()[:400])
    with pytest.raises(ValueError, match="path '.*cut.zip' is a zip archive that cannot be "
                                         r"opened \(damaged or cut short\)"):
        sc.data.read_policeuk(cut)
    text = "\n".join([STREET, *STREET_ROWS * 200]).encode()
    (tmp_path / "gz").mkdir()
    (tmp_path / "gz" / "2024-01-n-street.csv.gz").write_bytes(gzip.compress(text)[:600])
    with pytest.raises(ValueError, match="a compressed file is damaged or cut short"):
        sc.data.read_policeuk(tmp_path / "gz")


# ---- populations --------------------------------------------------------------------------------

@pytest.fixture
def ons(tmp_path):
    """A small folder laid out as ons-lsoa-population, 2021 vintage."""
    folder = tmp_path / "ons"
    write(folder / "lsoa21_population_mid2022.csv", "lsoa21cd,population_mid2022",
          ["E01000001,1500", "E01000002,1700", "E01000003,1600", "E01000004,1450"])
    write(folder / "lsoa21_to_utla23_lookup.csv.gz",
          "LSOA21CD,LSOA21NM,LSOA21NMW,UTLA23CD,UTLA23NM,UTLA23NMW,ObjectId",
          ["E01000001,Northmoor 001A,,E06000001,Northmoor,,1",
           "E01000002,Northmoor 001B,,E06000001,Northmoor,,2",
           "E01000003,Westmoor 002A,,E06000002,Westmoor,,3",
           "E01000004,Westmoor 002B,,E06000002,Westmoor,,4"], gz=True)
    return folder


def test_lsoa_population_from_a_folder(ons):
    before = digest(ons)
    table = sc.data.lsoa_population(ons)
    assert list(table.columns) == ["lsoa_code", "lsoa_name", "local_authority", "population"]
    assert table["population"].dtype == np.int64
    assert table["local_authority"].tolist() == ["Northmoor", "Northmoor", "Westmoor", "Westmoor"]
    assert table.attrs["vintage"] == "2021" and table.attrs["year"] == "mid-2022"
    assert "Office for National Statistics" in table.attrs["attribution"]
    one = sc.data.lsoa_population(ons / "lsoa21_population_mid2022.csv")
    pd.testing.assert_frame_equal(one, table)
    (ons / "lsoa21_to_utla23_lookup.csv.gz").unlink()
    bare = sc.data.lsoa_population(ons)
    assert bare["local_authority"].isna().all() and bare["population"].sum() == 6250
    assert digest(ons) == {k: v for k, v in before.items() if "lookup" not in k}


def test_lsoa_population_errors(ons, tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="vintage must be one of '2011', '2021'"):
        sc.data.lsoa_population(ons, vintage="2019")
    with pytest.raises(FileNotFoundError, match=r"has no lsoa11_population_mid2019.csv \(the "
                                                r"2011 LSOA population file\)"):
        sc.data.lsoa_population(ons, vintage=2011)
    with pytest.raises(FileNotFoundError, match="path '.*nowhere' does not exist"):
        sc.data.lsoa_population(tmp_path / "nowhere")
    with pytest.raises(TypeError, match="path must be a file or folder name"):
        sc.data.lsoa_population(2021)
    bad = write(tmp_path / "pop.csv", "code,residents", ["E01000001,10"])
    with pytest.raises(ValueError, match=r"path 'pop.csv' has no LSOA code \(lsoa11cd, lsoa21cd "
                                         r"or lsoa_code\) column"):
        sc.data.lsoa_population(bad)
    bad = write(tmp_path / "pop2.csv", "lsoa_code,residents", ["E01000001,10"])
    with pytest.raises(ValueError, match="path 'pop2.csv' has no population column"):
        sc.data.lsoa_population(bad)
    bad = write(tmp_path / "pop3.csv", "lsoa_code,population", ["E01000001,ten"])
    with pytest.raises(ValueError, match="column 'population' must hold non-negative numbers "
                                         r"\(not for E01000001\)"):
        sc.data.lsoa_population(bad)
    monkeypatch.setenv("SCRUTINY_SHARED_DATA", str(tmp_path / "no-shared-data"))
    with pytest.raises(FileNotFoundError, match="set SCRUTINY_SHARED_DATA"):
        sc.data.lsoa_population()
    monkeypatch.setenv("SCRUTINY_SHARED_DATA", str(ons.parent))
    (ons.parent / "ons-lsoa-population").symlink_to(ons)
    assert len(sc.data.lsoa_population()) == 4


def test_join_population_by_lsoa_and_local_authority(download, ons):
    frame = sc.data.read_policeuk(download, kind="street")
    # a record in an LSOA the table lacks, named in a known authority
    extra = write(download.parent / "x" / "2024-02-northmoor-street.csv", STREET, [
        f"c1,2024-02,{FORCE},-2.1,52.1,On or near Y,E01009999,Westmoor 009Z,Burglary,,"])
    frame = pd.concat([frame, sc.data.read_policeuk(extra)], ignore_index=True)
    frame.attrs = {"problems": ["earlier note"]}
    counts = sc.data.aggregate_policeuk(frame, by=(("lsoa_code", "lsoa_name"), "month",
                                                   "crime_type"))
    table = sc.data.lsoa_population(ons)
    copy = counts.copy()
    joined = sc.data.join_population(counts, table)
    pd.testing.assert_frame_equal(counts, copy)
    assert list(joined.columns) == [*counts.columns, "local_authority", "population"]
    assert joined["population"].dtype == np.int64
    assert set(joined["lsoa_code"]) == {"E01000001", "E01000002"}
    assert joined.attrs["unmatched_lsoas"] == ["E01009999"]
    assert joined.attrs["problems"][0] == "earlier note"
    assert joined.attrs["problems"][1:] == [
        "1 record with no lsoa_code not counted",
        "1 LSOA code (4 rows) had no population; left out: E01009999"]
    kept = sc.data.join_population(counts, table, drop_unmatched=False)
    assert kept["population"].isna().sum() == 4 and len(kept) == len(counts)

    rolled = sc.data.join_population(counts, table, level="local_authority")
    assert list(rolled.columns) == ["local_authority", "month", "crime_type", "count",
                                    "population"]
    totals = rolled.groupby("local_authority")[["count", "population"]].agg(
        {"count": "sum", "population": "first"})
    # Westmoor: population of all its LSOAs, though only one record, placed by its name
    assert totals.loc["Westmoor"].tolist() == [1, 3050]
    assert totals.loc["Northmoor"].tolist() == [3, 3200]
    assert any("placed in a local authority by their LSOA name: E01009999" in p
               for p in rolled.attrs["problems"])
    north = sc.data.join_population(counts, table, level="local_authority", areas=["Northmoor"])
    assert set(north["local_authority"]) == {"Northmoor"}


def test_join_population_errors(ons):
    table = sc.data.lsoa_population(ons)
    counts = pd.DataFrame({"lsoa_code": ["E01000001"], "count": [2]})
    with pytest.raises(TypeError, match="counts must be a pandas DataFrame"):
        sc.data.join_population({"lsoa_code": []}, table)
    with pytest.raises(TypeError, match="population must be a pandas DataFrame"):
        sc.data.join_population(counts, None)
    with pytest.raises(ValueError, match="on must name the LSOA code column of counts"):
        sc.data.join_population(counts, table, on="lsoa")
    with pytest.raises(ValueError, match="level must be one of 'lsoa', 'local_authority'"):
        sc.data.join_population(counts, table, level="force")
    with pytest.raises(ValueError, match="population has no column 'local_authority'"):
        sc.data.join_population(counts, table.drop(columns="local_authority"),
                                level="local_authority")
    with pytest.raises(ValueError, match="population has no column 'population'"):
        sc.data.join_population(counts, table.drop(columns="population"))
    with pytest.raises(ValueError, match="areas names local authorities not in population: "
                                         "'Eastmoor'"):
        sc.data.join_population(counts, table, areas=["Northmoor", "Eastmoor"])
    with pytest.raises(TypeError, match="drop_unmatched must be True or False"):
        sc.data.join_population(counts, table, drop_unmatched=1)
    for value, shown in ((np.nan, "nan"), (-3, "-3")):   # once a pandas IntCastingNaNError
        gap = table.assign(population=table["population"].astype(float))
        gap.loc[1, "population"] = value
        for level in ("lsoa", "local_authority"):
            with pytest.raises(ValueError, match=r"population: column 'population' must hold a "
                               r"non-negative number for every LSOA \(LSOA "
                               f"'{gap['lsoa_code'][1]}': {shown}\\)"):
                sc.data.join_population(counts, gap, level=level)
    with pytest.raises(TypeError, match="column 'population' must be numeric"):
        sc.data.join_population(counts, table.assign(population="many"))
    with pytest.raises(ValueError, match="counts has more than one column named 'count'"):
        sc.data.join_population(pd.concat([counts, counts[["count"]]], axis=1), table)


@pytest.mark.parametrize("content, reason", [
    (b"", "No columns to parse from file"),
    (bytes(range(256)) * 20, "codec can't decode"),
    (b'lsoa21cd,population\n"E01000001,10\n', "EOF inside string"),
    ("lsoa21cd,population\nE0100000\xe9,10\n".encode("latin-1"), "codec can't decode"),
])
def test_unreadable_population_files_are_named(tmp_path, content, reason):
    path = tmp_path / "lsoa21_population_mid2022.csv"
    path.write_bytes(content)
    for where in (path, tmp_path):
        with pytest.raises(ValueError, match=f"path: cannot read 'lsoa21_population_mid2022.csv' "
                                             f"as a CSV file \\(.*{reason}"):
            sc.data.lsoa_population(where)


def test_records_population_takes_each_months_vintage(ons):
    # 2011 LSOAs (mid-2019 estimates) for Northmoor split differently from the 2021 ones
    write(ons / "lsoa11_population_mid2019.csv", "lsoa11cd,population_mid2019",
          ["E01000091,1000", "E01000092,1100", "E01000093,900"])
    write(ons / "lsoa11_lsoa21_lad22_lookup.csv.gz", "LSOA11CD,LSOA11NM,LAD22NM",
          ["E01000091,Northmoor 001A,Northmoor", "E01000092,Northmoor 001B,Northmoor",
           "E01000093,Westmoor 002A,Westmoor"], gz=True)
    months = pd.PeriodIndex(["2022-05", "2022-05", "2024-01", "2024-01", "2023-06"], freq="M")
    records = pd.DataFrame({
        "month": months,
        "lsoa_code": ["E01000091", "E01000093", "E01000001", "E01000004", "E09999999"],
        "lsoa_name": ["Northmoor 001A", "Westmoor 002A", "Northmoor 001A", "Westmoor 002B",
                      "Northmoor 009Z"]})
    before = records.copy()
    got = population.records_population(records, ons)
    # 2022-05: the 2011 codes (Northmoor 1000 + 1100); 2024-01: the 2021 codes (1500 + 1700);
    # 2023-06 knows no code of either: the tie goes to the nearer estimate (mid-2022)
    assert got.tolist() == [2100.0, 900.0, 3200.0, 3050.0, 3200.0]
    pd.testing.assert_frame_equal(records, before)
    named = records.assign(local_authority=["Westmoor"] * 5).drop(columns="lsoa_name")
    assert population.records_population(named, ons).tolist() == [900.0, 900.0, 3050.0,
                                                                  3050.0, 3050.0]


def test_local_authority_from_lsoa_name():
    names = ["Wyre Forest 004E", "Telford and Wrekin 012A", None, "Herefordshire 001A"]
    assert population.local_authority_of(names).tolist()[:2] == ["Wyre Forest",
                                                                  "Telford and Wrekin"]
    assert pd.isna(population.local_authority_of(names).iloc[2])


# ---- the real files -----------------------------------------------------------------------------

@needs_shared
def test_real_single_file():
    path = WEST_MERCIA / "2022-01-west-mercia-street.csv.gz"
    frame = sc.data.read_policeuk(path)
    assert len(frame) == 9_740                              # SOURCE.md
    assert frame.attrs["kind"] == "street" and frame.attrs["problems"] == []
    assert (frame["month"] == pd.Period("2022-01", "M")).all()
    assert frame["falls_within"].astype(str).unique().tolist() == ["West Mercia Police"]
    assert frame["latitude"].between(51, 54).sum() == frame["latitude"].notna().sum()
    assert frame["context"].isna().all()                   # always empty (SOURCE.md)
    asb = frame["crime_type"] == "Anti-social behaviour"
    assert frame.loc[asb, "crime_id"].isna().all()
    assert frame.loc[asb, "last_outcome_category"].isna().all()
    assert frame.attrs["attribution"].endswith("Source: data.police.uk (West Mercia Police).")


@needs_shared
def test_real_folder_west_mercia():
    before = digest(WEST_MERCIA)
    frame = sc.data.read_policeuk(WEST_MERCIA)
    # SOURCE.md: 144,402 rows over 15 months, 25,927 ASB, 2,991 with no LSOA, 5 crime IDs twice,
    # and no files from 2022-12 to 2023-12
    assert len(frame) == 144_402 and len(frame.attrs["files"]) == 15
    assert (frame["crime_type"] == "Anti-social behaviour").sum() == 25_927
    assert frame["lsoa_code"].isna().sum() == 2_991
    assert frame["longitude"].isna().sum() == 2_991
    assert frame.attrs["missing_months"] == [str(m) for m in pd.period_range("2022-12", "2023-12",
                                                                             freq="M")]
    assert frame.attrs["problems"][0].startswith("5 crime_id values appear on more than one "
                                                 "row (10 rows")
    per_month = frame.groupby("month").size()
    assert per_month[pd.Period("2022-07", "M")] == 10_571
    assert per_month[pd.Period("2024-04", "M")] == 8_540
    assert digest(WEST_MERCIA) == before


@needs_shared
def test_real_folder_city_of_london():
    frame = sc.data.read_policeuk(CITY, start="2024-01", end="2025-12")
    # SOURCE.md: 18,867 rows over 24 consecutive months, 526 ASB, 1,589 with no LSOA
    assert len(frame) == 18_867 and frame.attrs["missing_months"] == []
    assert frame.groupby("month").size().iloc[:3].tolist() == [734, 826, 757]
    assert (frame["crime_type"] == "Anti-social behaviour").sum() == 526
    assert frame["lsoa_code"].isna().sum() == 1_589
    assert frame["lsoa_code"].nunique() == 198
    assert (frame["last_outcome_category"] == "Status update unavailable").sum() == 2_823


@needs_shared
def test_real_files_in_a_zip_and_monthly_folders(tmp_path):
    names = ["2024-01-west-mercia-street.csv.gz", "2024-02-west-mercia-street.csv.gz"]
    archive = tmp_path / "download.zip"
    folder = tmp_path / "download"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            month = name[:7]
            with gzip.open(WEST_MERCIA / name, "rb") as f:
                raw = f.read()
            z.writestr(f"{month}/{name.removesuffix('.gz')}", raw)
            (folder / month).mkdir(parents=True)
            shutil.copy(WEST_MERCIA / name, folder / month / name)
        z.writestr(f"2024-01/2024-01-west-mercia-outcomes.csv", "\n".join([OUTCOMES,
                                                                            *OUTCOME_ROWS]))
    from_zip = sc.data.read_policeuk(archive, kind="street")
    from_folder = sc.data.read_policeuk(folder)
    assert len(from_zip) == 7_700 + 7_654                  # SOURCE.md
    pd.testing.assert_frame_equal(from_zip, from_folder)
    single = pd.concat([sc.data.read_policeuk(WEST_MERCIA / n) for n in names], ignore_index=True)
    pd.testing.assert_frame_equal(plain(from_zip), plain(single))


@needs_shared
def test_real_counts_and_populations():
    frame = sc.data.read_policeuk(WEST_MERCIA, start="2024-01")
    counts = sc.data.aggregate_policeuk(frame, by=(("lsoa_code", "lsoa_name"), "month",
                                                   "crime_type"))
    assert counts["count"].sum() == frame["lsoa_code"].notna().sum()
    n_lsoa = frame["lsoa_code"].nunique()
    assert len(counts) == n_lsoa * 4 * frame["crime_type"].nunique()
    table = sc.data.lsoa_population(ONS, vintage="2021")
    assert table["population"].sum() == 60_238_038        # SOURCE.md: ONS mid-2022 E&W total
    joined = sc.data.join_population(counts, table)
    assert joined.attrs["unmatched_lsoas"] == []           # SOURCE.md: every 2024 code is found
    rolled = sc.data.join_population(counts, table, level="local_authority",
                                     areas=WEST_MERCIA_LAS)
    residents = rolled.groupby("local_authority")["population"].first()
    assert sorted(residents.index) == sorted(WEST_MERCIA_LAS)
    assert residents.sum() == 1_313_984                    # SOURCE.md: 804 LSOAs, mid-2022
    assert rolled["count"].sum() == frame["lsoa_name"].str.rsplit(" ", n=1).str[0].isin(
        WEST_MERCIA_LAS).sum()

    early = sc.data.read_policeuk(WEST_MERCIA, end="2022-11")
    counts = sc.data.aggregate_policeuk(early)
    old = sc.data.lsoa_population(ONS, vintage="2011")
    assert old["population"].sum() == 59_439_840          # SOURCE.md: ONS mid-2019 E&W total
    assert sc.data.join_population(counts, old).attrs["unmatched_lsoas"] == []
    wrong = sc.data.join_population(counts, table)        # 2011 codes against 2021 LSOAs
    assert len(wrong.attrs["unmatched_lsoas"]) > 0
    assert any("had no population" in p for p in wrong.attrs["problems"])
    rolled = sc.data.join_population(counts, old, level="local_authority", areas=WEST_MERCIA_LAS)
    assert rolled.groupby("local_authority")["population"].first().sum() == 1_291_577
