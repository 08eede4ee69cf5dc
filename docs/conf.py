"""Sphinx configuration of the scrutiny documentation (``make docs`` writes docs/_build/html)."""
import sys
from importlib.metadata import version as _version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "scrutiny"
author = "The scrutiny developers"
copyright = "the scrutiny developers; GPL-3.0-or-later"
release = _version("scrutiny")
version = release

extensions = [
    "myst_nb",
    "numpydoc",
    "reference_tables",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = "scrutiny"
