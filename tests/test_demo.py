"""The main job, ``python -m scrutiny demo``: its chart, table and findings."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import scrutiny as sc
from scrutiny.__main__ import latest_months_by_area, main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--output", str(folder), "--quiet"]) == 0
    return folder


def test_writes_the_three_outputs(output):
    assert sorted(p.name for p in output.iterdir()) == ["findings.txt", "funnel.png", "funnel_table.csv"]


def test_chart_is_a_real_png(output):
    import matplotlib.image

    path = output / "funnel.png"
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 400 and image.shape[1] > 1000  # two panels side by side
    assert np.ptp(image[..., :3]) > 0.5  # something is drawn, not a blank canvas


def test_table_holds_both_funnels_for_every_area(output):
    table = pd.read_csv(output / "funnel_table.csv")
    totals, _ = latest_months_by_area(sc.data.sample("lpa_monthly"))
    assert len(table) == 2 * len(totals)
    assert list(table["overdispersion"].unique()) == ["none", "multiplicative"]
    plain = table[table["overdispersion"] == "none"]
    adjusted = table[table["overdispersion"] == "multiplicative"]
    assert list(plain["area"]) == list(totals["area"]) == list(adjusted["area"])
    np.testing.assert_array_equal(plain["da_arrests"], totals["da_arrests"])
    # the planted spread: several areas outside the 99.8 % limits before adjusting, fewer after
    outside = plain["flag"].str.contains("99.8").sum()
    assert outside >= 3
    assert adjusted["flag"].str.contains("99.8").sum() < outside
    assert set(table["flag"]) <= {"high (99.8%)", "high (95%)", "within", "low (95%)", "low (99.8%)"}


def test_table_matches_a_fresh_funnel(output):
    table = pd.read_csv(output / "funnel_table.csv")
    totals, _ = latest_months_by_area(sc.data.sample("lpa_monthly"))
    fresh = sc.funnel(totals["da_arrests"], totals["da_incidents"], overdispersion="multiplicative")
    adjusted = table[table["overdispersion"] == "multiplicative"]
    np.testing.assert_allclose(adjusted["z"], fresh.z, rtol=1e-10)


def test_findings_are_a_plain_english_report(output):
    text = (output / "findings.txt").read_text(encoding="utf-8")
    totals, period = latest_months_by_area(sc.data.sample("lpa_monthly"))
    rate = totals["da_arrests"].sum() / totals["da_incidents"].sum()
    assert period in text and "synthetic" in text
    assert f"{rate:.1%}" in text
    assert "overdispersion" in text and "phi" in text
    assert "share one arrest rate rejects it" in text and "p < 0.001" in text
    # the area with the lowest rate sits far outside the limits and is named
    lowest = totals.loc[(totals["da_arrests"] / totals["da_incidents"]).idxmin(), "area"]
    assert lowest in text
    assert len(text.split()) > 80


def test_command_line_prints_where_the_output_is(tmp_path):
    folder = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "scrutiny", "demo", "--output", str(folder)],
                         capture_output=True, text=True, timeout=120, check=True)
    assert str(folder.resolve()) in run.stdout
    assert "funnel.png" in run.stdout and "chi-square" in run.stdout
    assert (folder / "findings.txt").is_file()


def test_default_output_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == "scrutiny-output"
    assert (tmp_path / "scrutiny-output" / "funnel_table.csv").is_file()


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2
    assert "COMMAND" in capsys.readouterr().err
