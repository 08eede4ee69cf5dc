"""The report as a PDF, printed by a headless Chromium (Debian's ``chromium`` package; nothing is
downloaded) from the self-contained HTML page and its print stylesheet."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = ("the PDF is printed by Chromium, which was not found: install Debian's chromium "
           "(apt-get install chromium) or put a Chromium or Chrome on the PATH")


def browser() -> str:
    """The path of the first Chromium on the PATH; a RuntimeError saying how to get one."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError(INSTALL)


def write_pdf(html_path, pdf_path=None, timeout: float = 180.0) -> Path:
    """Print ``html_path`` to ``pdf_path`` (default: beside it, ``report.pdf``) with headless
    Chromium and return the PDF's path; RuntimeError when Chromium is absent or fails."""
    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path) if pdf_path is not None else html_path.with_name("report.pdf")
    with tempfile.TemporaryDirectory(prefix="scrutiny-chromium-") as profile:
        command = [browser(), "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                   "--no-pdf-header-footer", f"--print-to-pdf={pdf_path.resolve()}",
                   html_path.as_uri()]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Chromium did not print the PDF within {timeout:.0f} s") from None
    if run.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"Chromium could not print the PDF ({detail[0]})")
    return pdf_path
