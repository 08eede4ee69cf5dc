"""Counting as reading: ``aggregate_policeuk`` of a path counts the files that need no note
with Arrow and types the others as ``read_policeuk`` does; either way it gives the counts and
``attrs`` of counting the frame read.  The pieces: crime IDs compared by 64-bit hashes, and the
counts by integer codes, which equal the counts by values."""
import numpy as np
import pandas as pd
import pytest
from test_policeuk import FORCE, STREET, STREET_ROWS, write

import scrutiny as sc
from scrutiny.data import _policeuk_count

BY = [("lsoa_code", "month", "crime_type"), (("lsoa_code", "lsoa_name"), "month", "crime_type"),
      ("falls_within", "month", "last_outcome_category"), ("month",)]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """A generated national archive with its quirks: blank LSOAs, months missing for two
    forces, crime IDs on more than one row, LSOA names with commas."""
    folder = tmp_path_factory.mktemp("archive")
    sc.data.write_policeuk_archive(folder, records=20_000, months=6, seed=3)
    return folder


# keys that are not months or text of few values: counted from the typed records, not tallied
NOT_CODED = [("longitude", "month"), ("crime_id",), ("context", "crime_type")]


@pytest.mark.parametrize("by", BY + NOT_CODED, ids=str)
def test_counting_as_reading_equals_counting_the_frame(archive, by):
    frame = sc.data.read_policeuk(archive)
    for complete in (True, False):
        counted = sc.data.aggregate_policeuk(archive, by=by, complete=complete)
        expected = sc.data.aggregate_policeuk(frame, by=by, complete=complete)
        pd.testing.assert_frame_equal(counted, expected)
        assert counted.attrs == expected.attrs
    assert any("crime_id value" in note for note in counted.attrs["problems"])
    assert counted.attrs["missing_months"] == frame.attrs["missing_months"]


def test_clean_and_noted_files_in_one_count(tmp_path, monkeypatch):
    """Files counted by Arrow and files typed by pandas (a bad month, an extra field, no crime
    type) between them: the same counts, notes and order of notes as the frame read."""
    counted_by_arrow = []
    count_clean = _policeuk_count._count_clean

    def spy(*args):
        got = count_clean(*args)
        counted_by_arrow.append(got is not None)
        return got

    monkeypatch.setattr(_policeuk_count, "_count_clean", spy)
    folder = tmp_path / "mixed"
    rows = [STREET_ROWS[0], STREET_ROWS[1] + ",extra",
            f"b2,2024-13,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,Burglary,,"]
    noted = [f"b5,2024-03,{FORCE},-2.1,52.1,On or near X,E01000001,Northmoor 001A,,,",
             f"b6,2024-03,{FORCE},-2.1,91,On or near X,E01000001,Northmoor 001A,Drugs,,"]
    write(folder / "2024-01-n-street.csv", STREET, STREET_ROWS)
    write(folder / "2024-02-n-street.csv", STREET, [r.replace("2024-01", "2024-02")
                                                    for r in rows])
    write(folder / "2024-03-n-street.csv", STREET, [r.replace("2024-01", "2024-03")
                                                    for r in STREET_ROWS] + noted)
    write(folder / "2024-04-n-street.csv", STREET, [r.replace("2024-01", "2024-05")
                                                    for r in STREET_ROWS])   # month outside
    for options in ({}, {"start": "2024-02", "end": "2024-03"}):
        frame = sc.data.read_policeuk(folder, **options)
        for by in BY:
            counted = sc.data.aggregate_policeuk(folder, by=by, **options)
            pd.testing.assert_frame_equal(counted, sc.data.aggregate_policeuk(frame, by=by))
            assert counted.attrs == sc.data.aggregate_policeuk(frame, by=by).attrs
    assert len(frame.attrs["problems"]) >= 4
    assert any(counted_by_arrow) and not all(counted_by_arrow)


def test_id_hashes_depend_on_the_id_alone():
    long_ids = [f"{i:064x}" for i in range(1000)]
    mixed = pd.Series(long_ids[:500] + ["short", "x" * 63, "é" * 32], dtype="str")
    alone = _policeuk_count._id_hashes(pd.Series(long_ids, dtype="str"))
    with_others = _policeuk_count._id_hashes(mixed)
    assert (with_others[:500] == alone[:500]).all()
    assert len(np.unique(alone)) == 1000 and len(np.unique(with_others)) == 503
    assert _policeuk_count._id_hashes(pd.Series([], dtype="str")).shape == (0,)
    twice = _policeuk_count._twice(np.array([5, 3, 5, 9, 3, 1], dtype=np.uint64))
    assert twice.tolist() == [True, True, True, False, True, False]


@pytest.mark.parametrize("complete", [True, False])
def test_counts_by_codes_equal_counts_by_values(complete):
    rng = np.random.default_rng(5)
    n = 5_000
    frame = pd.DataFrame({
        "area": pd.Categorical(rng.choice([f"E{i:03d}" for i in range(40)], n),
                               categories=sorted(f"E{i:03d}" for i in range(45))),
        "name": pd.Categorical(rng.choice(["North", "South"], n)),
        "month": pd.PeriodIndex(rng.choice(["2024-01", "2024-03", "2023-12"], n), freq="M"),
        "kind": pd.Categorical(rng.choice(["b", "a", "c"], n), categories=["a", "b", "c"],
                               ordered=True),
        "_n": rng.integers(1, 4, n)})
    for groups in ([("area",), ("month",), ("kind",)], [("area", "name"), ("month",)],
                   [("kind", "month")]):
        keys = [k for g in groups for k in g]
        for weights in (None, "_n"):
            coded = _policeuk_count._aggregate_coded(frame, groups, keys, complete, weights)
            pd.testing.assert_frame_equal(
                coded, _policeuk_count._aggregate_values(frame, groups, keys, complete, weights))
    unsorted = frame.assign(kind=frame["kind"].cat.reorder_categories(["c", "a", "b"]))
    assert _policeuk_count._aggregate_coded(unsorted, [("kind",)], ["kind"], complete, None) is None


def test_counting_with_every_record_missing_a_key(tmp_path):
    """No record has an LSOA (blank in every file, clean and noted files alike): nothing is
    counted, and the notes, months and empty table are those of counting the frame read."""
    folder = tmp_path / "blank"
    blank = [",".join(r.split(",")[:7] + ["", ""] + r.split(",")[9:]) for r in STREET_ROWS]
    write(folder / "2024-01-n-street.csv", STREET, blank)
    write(folder / "2024-02-n-street.csv", STREET,
          [r.replace("2024-01", "2024-02") for r in blank] + [blank[0] + ",extra"])
    frame = sc.data.read_policeuk(folder)
    for by in BY[:2]:
        for complete in (True, False):
            counted = sc.data.aggregate_policeuk(folder, by=by, complete=complete)
            expected = sc.data.aggregate_policeuk(frame, by=by, complete=complete)
            assert len(counted) == 0
            pd.testing.assert_frame_equal(counted, expected)
            assert counted.attrs == expected.attrs
            assert any("with no lsoa_code not counted" in n for n in counted.attrs["problems"])


def test_repeated_hashes_found_a_part_of_the_range_at_a_time():
    """Hashes over the whole 64-bit range, in pieces of every size (empty ones too): the
    repeats found part by part are those of one sort of them all."""
    rng = np.random.default_rng(11)
    pieces = [rng.integers(0, 2 ** 64, size, dtype=np.uint64, endpoint=False)
              for size in (0, 1, 500, 7, 3_000, 0, 64)]
    pieces[1][0] = pieces[2][10]
    pieces[3][:3] = pieces[4][[5, 6, 7]]
    pieces[4][100] = pieces[4][200] = pieces[6][0] = np.uint64(2 ** 64 - 1)
    everything = np.concatenate(pieces)
    expected = _policeuk_count._repeats(np.sort(everything))
    assert len(expected) == 5
    for parts in (1, 2, 8, 16):
        found = _policeuk_count._repeats_among(pieces, parts)
        assert found.dtype == np.uint64 and np.array_equal(found, expected)
    assert _policeuk_count._repeats_among([]).shape == (0,)


def test_hashes_kept_in_blocks_across_their_ends(monkeypatch):
    """Hashes copied into blocks (made small here), file by file: the records found twice, and
    their files and lines, do not depend on where a block ends."""
    rng = np.random.default_rng(12)
    files = [rng.integers(0, 50, size).astype(np.uint64) for size in (7, 0, 13, 5, 21)]

    def found(block):
        monkeypatch.setattr(_policeuk_count._HashedIds, "BLOCK", block)
        kept = _policeuk_count._HashedIds()
        for position, hashes in enumerate(files):
            kept.add(hashes, np.full(len(hashes), position, np.int32),
                     np.arange(2, 2 + len(hashes), dtype=np.int32))
        assert np.array_equal(np.concatenate(kept.hashes), np.concatenate(files))
        return kept.repeated()

    everything = np.concatenate(files)
    twice = _policeuk_count._twice(everything)
    expected = found(1 << 18)
    assert np.array_equal(expected["Crime ID"].to_numpy(), everything[twice])
    for block in (1, 4, 13, 61):
        pd.testing.assert_frame_equal(found(block), expected)

