"""The chart gallery in the site: every chart of :mod:`scrutiny.gallery` drawn at the start of
the build into ``docs/gallery/`` (ignored by git), as PNG images with ``index.md`` showing
each with its caption."""
from pathlib import Path

INTRO = ("Every chart the package draws, made by `make gallery` (`python -m scrutiny.gallery"
         " --out DIR`) and redrawn at each build of this site. Each caption names the chart "
         "function, in `scrutiny.graphics`; every chart is drawn by a result's `plot()`.")


def _write(app, config):
    import matplotlib

    matplotlib.use("Agg")
    from scrutiny import gallery

    folder = Path(app.srcdir) / "gallery"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    parts = gallery.sections()
    gallery.draw(folder, parts, suffixes=("png",))
    page = gallery.markdown(parts, intro=INTRO)
    index = folder / "index.md"
    if not index.exists() or index.read_text(encoding="utf-8") != page:
        index.write_text(page, encoding="utf-8")


def setup(app):
    app.connect("config-inited", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
