"""The documentation site builds with no warning, its internal links resolve, every public
function and result class is in the reference with its attributes and methods, and the
notebooks and the gallery show their charts.

The site is built once (``sphinx -W``: any warning fails), into a temporary folder, executing
the notebooks and MyST-NB pages as ``make docs`` does.
"""
import dataclasses
import html.parser
import importlib
import inspect
import os
import pkgutil
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import scrutiny
from scrutiny import gallery

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT = 900


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    html_dir, doctrees = out / "html", out / "doctrees"
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                          "-d", str(doctrees), str(ROOT / "docs"), str(html_dir)],
                         capture_output=True, text=True, timeout=BUILD_TIMEOUT, env=env, cwd=ROOT)
    problems = [line for line in run.stderr.splitlines() if "IPKernelApp" not in line]
    assert run.returncode == 0, "the site did not build:\n" + "\n".join(problems[-60:])
    return html_dir


class _Page(html.parser.HTMLParser):
    """The ids and the links (href, src) of one HTML page, and its images."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.images = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _inventory(site: Path) -> dict:
    from sphinx.util.inventory import InventoryFile

    with open(site / "objects.inv", "rb") as f:
        inventory = InventoryFile.load(f, "", posixpath.join)
    data = getattr(inventory, "data", inventory)
    return {kind: {name: getattr(item, "uri", None) or item[2] for name, item in items.items()}
            for kind, items in data.items()}


def _result_classes() -> list:
    """Every ``*Result`` class of the public modules, with HarmWeights, RuleSet, the report
    and the report's MeasureResult."""
    from scrutiny.report import Report
    from scrutiny.report.result import MeasureResult

    found = []
    for info in pkgutil.walk_packages(scrutiny.__path__, "scrutiny."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        found += [c for n, c in vars(module).items() if inspect.isclass(c)
                  and c.__module__ == info.name and n.endswith("Result")]
    return found + [scrutiny.harm.HarmWeights, scrutiny.RuleSet, Report, MeasureResult]


def test_internal_links_resolve(site):
    pages = {p: _parse(p) for p in site.rglob("*.html")
             if p.relative_to(site).parts[0] != "_static"}    # not the theme's own templates
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{path.relative_to(site)}: {link} (no file)")
            elif parts.fragment and target.suffix == ".html":
                ids = (pages.get(target) or _parse(target)).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site)}: {link} (no anchor)")
    assert not broken, "\n".join(sorted(set(broken))[:50])


def test_every_public_function_in_the_reference(site):
    inventory = _inventory(site)
    documented = {**inventory.get("py:function", {}), **inventory.get("py:class", {}),
                  **inventory.get("py:exception", {})}
    public = [n for n in scrutiny.__all__ if not inspect.ismodule(getattr(scrutiny, n))]
    assert [n for n in public if f"scrutiny.{n}" not in documented] == []
    for name in ("scrutiny.data.sample", "scrutiny.data.available",
                 "scrutiny.data.write_policeuk_archive", "scrutiny.report.load_spec",
                 "scrutiny.distributed.read_policeuk_dask"):
        assert name in documented, name


@pytest.mark.parametrize("cls", _result_classes(), ids=lambda c: c.__qualname__)
def test_every_result_class_with_attributes_and_methods(site, cls):
    inventory = _inventory(site)
    name = f"{cls.__module__}.{cls.__qualname__}"
    uri = inventory["py:class"].get(name)
    assert uri is not None, f"{name} is not in the reference"
    text = (site / uri.split("#")[0]).read_text(encoding="utf-8")
    shown = {n.strip() for group in re.findall(r"<strong>([^<]+)</strong>", text)
             for n in group.split(",")}
    fields = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []
    assert [f for f in fields if not f.startswith("_") and f not in shown] == []
    methods = inventory.get("py:method", {})
    public = [m for m, v in inspect.getmembers(cls) if not m.startswith("_") and
              inspect.isfunction(v) and v.__qualname__.split(".")[0] not in ("Mapping", "object")]
    canonical = {n for n in (name, f"scrutiny.{cls.__qualname__}")}
    assert [m for m in public if not any(f"{c}.{m}" in methods for c in canonical)] == []


def test_report_methods_documented(site):
    methods = _inventory(site).get("py:method", {})
    for method in ("overview", "result", "charts"):
        assert f"scrutiny.report.Report.{method}" in methods


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_notebooks_rendered_with_charts(site, notebook):
    page = site / "notebooks" / f"{notebook.stem}.html"
    assert page.is_file(), f"{notebook.name} is not in the site"
    images = [src for src in _parse(page).images if src.endswith(".png")]
    assert images, f"{notebook.name}: no chart in the rendered page"
    assert all((page.parent / src).resolve().is_file() for src in images)


def test_gallery_shows_every_chart(site):
    page = site / "gallery" / "index.html"
    images = {Path(src).name for src in _parse(page).images}
    names = {f"{e.name}.png" for e in gallery.bundled_entries()}
    assert names <= images
