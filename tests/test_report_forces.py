"""The police.uk report for any force, on the real files in ../shared/data: the force and its
areas found from the files (or given), figures withheld when they would rest on the records of
other areas or on a small part of the expected months, and the command line's checks.

Hand computations: counts of the records as published, residents from the ONS files summed by
local authority name (SOURCE.md gives West Mercia's totals: 1,291,577 residents in mid-2019 on
2011 LSOAs, used by the 2022 files)."""
import gzip
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import scrutiny as sc
from scrutiny.report import load_spec, write_report
from scrutiny.__main__ import main

SHARED = Path(os.environ.get("SCRUTINY_SHARED_DATA",
                             Path(__file__).resolve().parents[2] / "shared" / "data"))
WEST_MERCIA = SHARED / "police-uk-west-mercia-street"
CITY = SHARED / "police-uk-city-of-london-street"
POPULATIONS = SHARED / "ons-lsoa-population"
NINE = ["Shropshire", "Telford and Wrekin", "Herefordshire", "Worcester", "Wyre Forest",
        "Wychavon", "Redditch", "Bromsgrove", "Malvern Hills"]

pytestmark = pytest.mark.skipif(not (WEST_MERCIA.is_dir() and CITY.is_dir()
                                     and POPULATIONS.is_dir()),
                                reason="the shared police.uk and ONS files are absent")


@pytest.fixture(autouse=True)
def shared(monkeypatch):
    monkeypatch.setenv("SCRUTINY_SHARED_DATA", str(SHARED))


def report(tmp_path, path, **settings):
    spec = load_spec("policeuk").with_settings(**settings)
    return write_report(spec, out=tmp_path, data={"street": str(path)})


def local_authority(records):
    return records["lsoa_name"].astype("string").str.replace(r"\s+\S+$", "", regex=True)


def test_west_mercia_is_found_from_its_files(tmp_path):
    rep = report(tmp_path, WEST_MERCIA, as_at="2022-11")
    html = rep.html.read_text(encoding="utf-8")
    assert "<h1>Recorded crime: West Mercia Police</h1>" in html
    rate = rep.results[0]
    assert rep.analysed == 4 and sorted(rate.area_table.index) == sorted(NINE)
    crimes = sc.data.read_policeuk(WEST_MERCIA)
    crimes = crimes[crimes["month"] <= pd.Period("2022-11", "M")]
    counted = crimes[(crimes["crime_type"] != "Anti-social behaviour")
                     & local_authority(crimes).isin(NINE)]
    # December 2021 to November 2022: 11 months with data, 1,291,577 residents (SOURCE.md)
    assert rate.window == "December 2021 to November 2022"
    assert rate.value == pytest.approx(len(counted) / (1_291_577 * 11 / 12) * 1000, rel=1e-9)


def test_west_mercia_latest_year_resting_on_four_months_is_not_reported(tmp_path):
    rep = report(tmp_path, WEST_MERCIA)
    assert rep.analysed == 0
    why = [x.problem for x in rep.issues if x.consequence == "measure not analysed"]
    assert len(why) == 4 and all("(May 2023 to April 2024) have data for only 4" in w
                                 for w in why)
    run = subprocess.run([sys.executable, "-m", "scrutiny", "report", "--spec", "policeuk",
                          str(WEST_MERCIA), "--out", str(tmp_path / "cli")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and "no measure could be analysed" in run.stderr


def test_city_of_london_is_its_own_force(tmp_path):
    rep = report(tmp_path, CITY)
    html = rep.html.read_text(encoding="utf-8")
    assert "<h1>Recorded crime: City of London Police</h1>" in html and "West Mercia" not in html
    rate = rep.results[0]
    assert rep.analysed == 4 and list(rate.area_table.index) == ["City of London"]
    crimes = sc.data.read_policeuk(CITY)
    latest = crimes[crimes["month"] >= pd.Period("2025-01", "M")]
    counted = latest[(latest["crime_type"] != "Anti-social behaviour")
                     & (local_authority(latest) == "City of London")]
    people = pd.read_csv(POPULATIONS / "lsoa21_population_mid2022.csv")
    names = pd.read_csv(POPULATIONS / "lsoa21_to_utla23_lookup.csv.gz")
    city = names.loc[names["LSOA21NM"].str.startswith("City of London "), "LSOA21CD"]
    residents = people.loc[people["lsoa21cd"].isin(city), "population_mid2022"].sum()
    assert len(city) > 0 and 5_000 < residents < 20_000
    assert rate.window == "January 2025 to December 2025"
    assert rate.value == pytest.approx(len(counted) / residents * 1000, rel=1e-9)


def test_areas_of_another_force_leave_the_rates_unreported(tmp_path):
    rep = report(tmp_path, CITY, areas="Shropshire")
    rates = {r.measure.name: r for r in rep.results}
    for name in ("Recorded crime per 1,000 residents",
                 "Violence and sexual offences per 1,000 residents"):
        assert not rates[name].ok
        assert "the area filter 'in_force_area' keeps 0.0% of the records" in rates[name].error
    assert rates["Recorded crime by crime type"].ok


def multi_force_folder(root: Path) -> Path:
    """Seven months of the City files, each written twice: as published and with every record
    relabelled as falling within an imaginary second force."""
    folder = root / "two-forces"
    for month in pd.period_range("2025-06", "2025-12", freq="M").astype(str):
        frame = pd.read_csv(CITY / f"{month}-city-of-london-street.csv.gz", dtype=str)
        other = frame.assign(**{"Falls within": "Imaginary Police",
                                "Reported by": "Imaginary Police"})
        (folder / month).mkdir(parents=True)
        frame.to_csv(folder / month / f"{month}-city-of-london-street.csv", index=False)
        other.to_csv(folder / month / f"{month}-imaginary-street.csv", index=False)
    return folder


def test_a_folder_of_several_forces_needs_one_named(tmp_path):
    folder = multi_force_folder(tmp_path)
    rep = report(tmp_path / "none", folder)
    assert rep.analysed == 0
    assert any("the files hold records of 2 forces" in x.problem and "--force" in x.problem
               for x in rep.issues)
    one = report(tmp_path / "city", folder, force="city of london", as_at="2025-12")
    assert "<h1>Recorded crime: City of London Police</h1>" in one.html.read_text("utf-8")
    crimes = sc.data.read_policeuk(CITY)
    crimes = crimes[crimes["month"] >= pd.Period("2025-06", "M")]
    by_type = one.results[2]
    assert by_type.ok and by_type.latest.value == (crimes["crime_type"]
                                                   != "Anti-social behaviour").sum()
    other = report(tmp_path / "imaginary", folder, force="Imaginary", title="Imaginary review")
    assert "<h1>Imaginary review</h1>" in other.html.read_text("utf-8")


def test_command_line_checks_paths_once_and_first(tmp_path, capsys):
    status = main(["report", "--spec", "policeuk", str(tmp_path / "nowhere"),
                   "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("no such file or folder") == 1
    assert not (tmp_path / "out" / "report.html").exists()
    assert main(["report", "--spec", "policeuk", str(CITY), "--as-at", "soon",
                 "--out", str(tmp_path / "x")]) == 2
    assert "as_at = 'soon' is not a month" in capsys.readouterr().err


def test_west_mercia_breaks_are_listed_and_the_series_rebaselined(tmp_path):
    import dataclasses

    spec = load_spec("policeuk")
    quarter = dataclasses.replace(spec, measures=tuple(dataclasses.replace(m, latest="quarter")
                                                       for m in spec.measures))
    rep = write_report(quarter, out=tmp_path, data={"street": str(WEST_MERCIA)})
    breaks = [x for x in rep.issues if x.problem.startswith("the series is broken at")]
    assert len(breaks) == 4                      # one a measure, with both reasons and dates
    assert all(x.problem == "the series is broken at January 2024, after 13 months without "
               "data (December 2022 to December 2023) and where the records move from 2011 to "
               "2021 LSOA boundaries (a new vintage of the files)" for x in breaks)
    assert rep.analysed == 4
    rate = rep.results[0]
    crimes = sc.data.read_policeuk(WEST_MERCIA)
    latest = crimes[(crimes["month"] >= pd.Period("2024-01", "M"))
                    & (crimes["month"] <= pd.Period("2024-03", "M"))]
    counted = latest[(latest["crime_type"] != "Anti-social behaviour")
                     & local_authority(latest).isin(NINE)]
    # the last whole quarter, January to March 2024, on 2021 LSOAs: 1,313,984 residents
    # (SOURCE.md), 3 months
    assert rate.window == "2024 Q1 (January 2024 to March 2024)"
    assert rate.value == pytest.approx(len(counted) / (1_313_984 * 3 / 12) * 1000, rel=1e-9)
    for r in rep.results:                         # nothing compared across the break
        assert r.change_verdict == "not assessed"
        assert "broken at January 2024" in dict(r.findings)["Change on last year"]
        assert r.series is None or str(r.series["period"].iloc[0]) == "2024-01"
