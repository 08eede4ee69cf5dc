"""The HTML report in a real browser: Debian's headless Chromium, driven by Playwright.

Nothing here downloads a browser: Playwright is pointed at ``/usr/bin/chromium`` (``make test``
installs Debian's ``chromium`` package when it is missing).  Without it the test fails, so a
machine that cannot run it is noticed rather than skipped.
"""
import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from scrutiny.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
WIDTH, HEIGHT = 1280, 900


def chromium() -> str:
    path = CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is not installed (/usr/bin/chromium): run `make test`, "
                    "which installs it, or `apt-get install -y chromium`")
    return str(path)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Load the default report in headless Chromium; collect errors, requests, images and
    screenshots."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is not installed: pip install -e '.[test]'")
    executable = chromium()
    folder = tmp_path_factory.mktemp("browser")
    report = write_report(out=folder / "report")
    seen = {"console": [], "errors": [], "requests": []}
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(folder / "profile"), executable_path=executable, headless=True, args=ARGS,
            viewport={"width": WIDTH, "height": HEIGHT})
        try:
            page = context.new_page()
            page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.goto(report.html.as_uri(), wait_until="load")
            seen["images"] = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight, e.alt])")
            seen["sections"] = page.eval_on_selector_all("section", "els => els.map(e => e.id)")
            seen["overview_rows"] = page.locator("#overview table tr").count()
            seen["screenshot"] = page.screenshot()
            seen["full"] = page.screenshot(full_page=True)
            seen["height"] = page.evaluate("document.documentElement.scrollHeight")
        finally:
            context.close()
    seen["report"] = report
    return seen


def pixels(png: bytes) -> np.ndarray:
    import matplotlib.image

    return matplotlib.image.imread(io.BytesIO(png), format="png")


def test_every_chart_loads(rendered):
    images = rendered["images"]
    expected = sum(len(r.figures) for r in rendered["report"].results)
    assert len(images) == expected >= 20
    for complete, width, height, alt in images:
        assert complete and width > 0 and height > 0, alt
        assert alt  # every chart says what it shows


def test_nothing_logs_an_error(rendered):
    assert rendered["errors"] == []
    assert [m for m in rendered["console"] if m.startswith(("error", "warning"))] == []


def test_no_external_request(rendered):
    schemes = {url.split(":", 1)[0] for url in rendered["requests"]}
    assert schemes <= {"file", "data"}, rendered["requests"]


def test_page_structure(rendered):
    sections = rendered["sections"]
    assert sections[0] == "overview" and sections[-3:] == ["issues", "methods", "data"]
    n = len(rendered["report"].results)
    assert sections[1:1 + n] == [f"m{i}" for i in range(n)]
    assert rendered["overview_rows"] == n + 1  # a header and one row per measure


def test_screenshot_is_the_report_not_a_blank_page(rendered):
    shot = pixels(rendered["screenshot"])
    assert shot.shape[:2] == (HEIGHT, WIDTH)
    rgb = np.round(shot[..., :3] * 255).astype(np.uint32).reshape(-1, 3)
    colours, counts = np.unique(rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2], return_counts=True)
    assert len(colours) > 50                       # text, badges, icons, table shading
    assert counts.max() / counts.sum() < 0.8        # no single colour fills the page
    header = shot[:60, :, :3].mean(axis=(0, 1))
    assert header[2] > header[0] + 0.1             # the dark blue banner is drawn
    full = pixels(rendered["full"])
    assert full.shape[1] == WIDTH and full.shape[0] == rendered["height"] > 10 * HEIGHT
