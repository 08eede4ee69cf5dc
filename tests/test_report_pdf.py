"""``scrutiny report --pdf``: the report printed to A4 by Debian's headless chromium and read
back with poppler's ``pdftotext`` (``make test`` installs both when missing; without them the
test fails rather than skips)."""
import shutil
import subprocess
import sys

import pytest

from scrutiny.report import pdf

OVERVIEW_HEADERS = ("Measure", "Latest", "period", "Latest value", "Target", "Against target",
                    "Change on last year", "Trend", "Variation", "Assurance", "Areas")


def pdftotext(path, page=None):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (Debian's poppler-utils) is not installed: run `make test`")
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def page_count(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in info.stdout.splitlines()
                    if line.startswith("Pages:")))


def test_pdf_of_the_bundled_report(tmp_path):
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "scrutiny", "report", "--out", str(out), "--pdf",
                          "--quiet"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    path = out / "report.pdf"
    assert run.stdout.split() == [str((out / "report.html").resolve()), str(path.resolve())]
    first = pdftotext(path, page=1)
    for header in OVERVIEW_HEADERS:       # no column clipped off the landscape overview
        assert header in first, header
    assert "Firearms licence" in first   # the last measure's row is on it too
    n = page_count(path)
    assert 9 < n < 40
    for page in range(1, n + 1):          # every page holds something
        assert len(pdftotext(path, page=page).split()) > 20, page


def test_without_chromium_the_message_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="install Debian's chromium"):
        pdf.write_pdf(tmp_path / "report.html")
