"""The synthetic national archive of data.police.uk street files (scrutiny.data.archive)."""
import re

import pandas as pd
import pytest

import scrutiny as sc
from scrutiny.data import archive

FORCE_NAMES = {name for _slug, name, _size, _las in archive.FORCES}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    truth = sc.data.write_policeuk_archive(folder, records=8_000, months=8, seed=7)
    return folder, truth


def files_of(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_same_seed_same_bytes(small, tmp_path):
    folder, truth = small
    again = sc.data.write_policeuk_archive(tmp_path / "again", records=8_000, months=8, seed=7)
    assert [p.relative_to(folder) for p in files_of(folder)] == \
        [p.relative_to(tmp_path / "again") for p in files_of(tmp_path / "again")]
    for path in files_of(folder):
        assert path.read_bytes() == (tmp_path / "again" / path.relative_to(folder)).read_bytes()
    pd.testing.assert_frame_equal(truth, again)


def test_another_seed_other_records(small, tmp_path):
    folder, _ = small
    sc.data.write_policeuk_archive(tmp_path / "other", records=8_000, months=8, seed=8)
    name = "2022-01/2022-01-west-mercia-street.csv"
    assert (folder / name).read_bytes() != (tmp_path / "other" / name).read_bytes()


def test_layout_every_force_every_month(small):
    folder, truth = small
    months = [str(p) for p in pd.period_range("2022-01", periods=8, freq="M")]
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == months
    gaps = truth.attrs["missing_months"]
    assert len(gaps) == 2      # two forces miss a few months, never the first or last
    expected = {f"{m}/{m}-{slug}-street.csv" for m in months for slug, *_ in archive.FORCES
                if m not in gaps.get(slug, [])}
    found = {str(p.relative_to(folder)) for p in folder.rglob("*-street.csv")}
    assert found == expected == set(truth.attrs["files"])
    assert len(archive.FORCES) == 44
    for slug, ms in gaps.items():
        assert months[0] not in ms and months[-1] not in ms
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert readme.startswith("SYNTHETIC DATA") and "seed=7" in readme


def test_readable_by_read_policeuk(small):
    folder, truth = small
    records = sc.data.read_policeuk(folder)
    assert len(records) == truth.attrs["records"]
    assert set(records["falls_within"].cat.categories) == FORCE_NAMES
    assert set(records["crime_type"].cat.categories) == {c[0] for c in archive.CRIME_TYPES}
    codes = records["lsoa_code"].dropna()
    assert codes.str.fullmatch(r"[EW]01\d{6}").all()
    assert records["lsoa_name"].dropna().str.contains(r" \d{3}[A-D]$").all()
    # a name with a comma is quoted in the file and read whole
    assert records["lsoa_name"].str.startswith("Bournemouth, Christchurch and Poole ").any()
    welsh = records.loc[records["falls_within"] == "Gwent Police", "lsoa_code"].dropna()
    assert welsh.str.startswith("W01").all()
    asb = records["crime_type"] == "Anti-social behaviour"
    assert records.loc[asb, "crime_id"].isna().all()
    assert records.loc[asb, "last_outcome_category"].isna().all()
    assert records.loc[~asb, "crime_id"].notna().all()
    btp = records["falls_within"] == "British Transport Police"
    assert records.loc[btp, "last_outcome_category"].isna().all()


def test_quirks_present(small):
    folder, truth = small
    records = sc.data.read_policeuk(folder)
    blank = records["lsoa_code"].isna()
    assert blank.sum() == truth.attrs["blank_lsoa"] > 0
    assert (records.loc[blank, "location"] == "No location").all()
    assert records.loc[blank, "longitude"].isna().all()
    assert truth.attrs["repeated_ids"] > 0
    assert any("more than one row" in p for p in records.attrs["problems"])
    ids = records["crime_id"].dropna()
    assert ids.duplicated().sum() == truth.attrs["repeated_ids"]
    for slug, months in truth.attrs["missing_months"].items():
        name = next(n for s, n, *_ in archive.FORCES if s == slug)
        seen = set(records.loc[records["falls_within"] == name, "month"].astype(str))
        assert seen and not seen & set(months)


def test_truth_table(tmp_path):
    truth = sc.data.write_policeuk_archive(tmp_path, records=60_000, months=24, lsoas=300,
                                           forces=["west-mercia", "Kent Police", "btp"],
                                           seed=3, planted=0.05)
    assert list(truth.columns) == ["falls_within", "force", "lsoa_code", "lsoa_name",
                                   "local_authority", "crime_type", "kind", "effect", "month",
                                   "baseline"]
    assert set(truth["kind"]) == {"trend", "change"}
    assert set(truth["force"]) <= {"west-mercia", "kent"}       # nothing planted in BTP
    assert (truth["baseline"] >= archive.MIN_PLANTED_MEAN).all()
    change = truth["kind"] == "change"
    assert truth.loc[change, "month"].notna().all() and truth.loc[~change, "month"].isna().all()
    assert ((truth["effect"] > 1.4) | (truth["effect"] < 1 / 1.4)).all()
    assert not truth.duplicated(["lsoa_code", "crime_type"]).any()
    files = {p.name for p in tmp_path.rglob("*-street.csv")}
    assert {re.sub(r"^\d{4}-\d{2}-", "", f) for f in files} == \
        {"west-mercia-street.csv", "kent-street.csv", "btp-street.csv"}


def test_volumes_follow_force_size(tmp_path):
    truth = sc.data.write_policeuk_archive(tmp_path, records=30_000, months=3, quirks=False,
                                           forces=["metropolitan", "cumbria"], seed=1)
    records = sc.data.read_policeuk(tmp_path)
    n = records["falls_within"].value_counts()
    assert n["Metropolitan Police Service"] / n["Cumbria Constabulary"] == \
        pytest.approx(95_000 / 3_600, rel=0.1)
    assert abs(len(records) - 30_000) < 5 * 30_000 ** 0.5
    assert truth.attrs["blank_lsoa"] == truth.attrs["repeated_ids"] == 0
    assert truth.attrs["missing_months"] == {}


@pytest.mark.parametrize("kwargs, error", [
    ({"records": 0}, ValueError), ({"months": 0}, ValueError), ({"records": 1.5}, TypeError),
    ({"forces": ["atlantis"]}, ValueError), ({"first": "2024-13"}, ValueError),
    ({"planted": 0.9}, ValueError), ({"lsoas": 0}, ValueError)])
def test_bad_arguments(tmp_path, kwargs, error):
    with pytest.raises(error):
        sc.data.write_policeuk_archive(tmp_path, **{"records": 100, "months": 2, **kwargs})
