"""``make demo`` / ``python -m scrutiny demo``: the performance report on the bundled data."""
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scrutiny.__main__ import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo run as ``make demo`` runs it, from a fresh folder (default output folder)."""
    folder = tmp_path_factory.mktemp("demo")
    run = subprocess.run([sys.executable, "-m", "scrutiny", "demo"], cwd=folder,
                         capture_output=True, text=True, timeout=300)
    return folder, run


def test_demo_writes_the_report_and_prints_its_path(demo):
    folder, run = demo
    assert run.returncode == 0, run.stderr
    out = folder / "scrutiny-output"
    assert sorted(p.name for p in out.iterdir()) == ["data_issues.csv", "report.html",
                                                     "results.csv"]
    # stdout is the path of the report, and only that; the progress and summary are on stderr
    assert run.stdout.strip() == str((out / "report.html").resolve())
    assert "9 of 9 measures analysed, 0 data issues, 2 notes" in run.stderr
    assert "[1/10] 999 calls" in run.stderr and "[10/10] writing the report" in run.stderr
    assert "[0/" not in run.stderr and "data issue:" not in run.stderr


def test_demo_report_covers_the_priority_measures(demo):
    folder, _ = demo
    page = (folder / "scrutiny-output" / "report.html").read_text(encoding="utf-8")
    for name in ("999 calls answered within 10 seconds", "Victim satisfaction by crime type",
                 "Domestic-abuse arrest rate", "Firearms licence applications: waiting time"):
        assert name in page
    results = pd.read_csv(folder / "scrutiny-output" / "results.csv")
    assert results["measure"].nunique() == 9 and len(results) > 200


def test_output_folder_and_quiet(tmp_path, capsys, monkeypatch):
    # one measure keeps this quick: the demo itself is the default report
    from scrutiny.report import cli

    seen = {}

    def fake_run(args):
        seen.update(vars(args))
        return 0

    monkeypatch.setattr(cli, "run", fake_run)
    assert main(["demo", "--output", str(tmp_path), "--quiet"]) == 0
    assert seen == {"data": [], "spec": None, "out": tmp_path, "only": None, "quiet": True}
    assert main([]) == 0                     # no command: the report with its defaults
    assert seen["out"] == Path("scrutiny-output") and seen["spec"] is None
    assert main(["--spec", "policeuk", "folder/"]) == 0
    assert seen["spec"] == "policeuk" and seen["data"] == ["folder/"]


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "scrutiny"
    assert script.is_file(), "the console script comes with pip install -e ."
    run = subprocess.run([str(script), "report", "--help"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0
    for option in ("--spec", "--out", "--quiet", "--measure", "DATA"):
        assert option in run.stdout


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "report" in text and "demo" in text
