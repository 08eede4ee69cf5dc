"""The tables of docs/validation.md, made at build time from ``tests/reference/``.

``{reference-table} FAMILY`` lists every reference file whose name starts with ``FAMILY_``:
the script that made it, its reference as the family's test module describes it (the
"References" list of its docstring), and the tests that read it with the tolerances they
use.  Nothing is copied by hand, so the page follows the files.
"""
from __future__ import annotations

import ast
import fnmatch
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "reference"
TESTS = ROOT / "tests"
SCRIPTS = (".R", ".py")
TOLERANCES = ("rtol", "atol", "rel", "abs", "tol")


def data_files() -> list[Path]:
    """Every reference file that is not a script."""
    return sorted(p for p in REFERENCE.iterdir() if p.is_file() and p.suffix not in SCRIPTS
                  and not p.name.startswith("."))


def family(path: Path) -> str:
    """The family of a reference file: its name up to the first underscore."""
    return path.name.split("_", 1)[0]


@lru_cache(maxsize=None)
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _scripts() -> list[Path]:
    return sorted(p for p in REFERENCE.iterdir() if p.suffix in SCRIPTS)


def script_of(path: Path) -> Path | None:
    """The script that writes ``path``: one that names it, else the one whose name (without
    its suffix) begins the file's name, longest first."""
    named = [s for s in _scripts() if path.name in _text(s)]
    if named:
        return named[0]
    prefixed = [s for s in _scripts() if path.stem.startswith(s.stem + "_")]
    return max(prefixed, key=lambda s: len(s.stem), default=None)


@lru_cache(maxsize=None)
def _reference_items(test: Path) -> list[tuple[str, str]]:
    """(head, text) of each item of the "References" list of a test module's docstring (the
    head is what comes before the first colon: the files or the script)."""
    doc = ast.get_docstring(ast.parse(_text(test))) or ""
    items = []
    for line in doc.splitlines():
        if re.match(r"^[-*] ", line):
            items.append(line[2:].strip())
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
        elif not line.strip() or not line.startswith(" "):
            items.append(None) if items and items[-1] is not None else None
    out = []
    for item in filter(None, items):
        head, _, text = item.partition(": ")
        out.append((head, " ".join(text.split()) if text else item))
    return out


def _names(path: Path, head: str) -> bool:
    """Whether the head of a references item names ``path`` (by name, glob or "x.R / .csv")."""
    tokens = re.findall(r"[\w*.{},-]+\.csv|[\w*]+\*", head.replace("``", ""))
    if any(fnmatch.fnmatch(path.name, t) or fnmatch.fnmatch(path.name, t + ".csv")
           for t in tokens):
        return True
    braces = [t for t in tokens if "{" in t]
    for t in braces:   # waits_data_{aml,lung}.csv
        stem, _, rest = t.partition("{")
        options, _, tail = rest.partition("}")
        if any(path.name == f"{stem}{o}{tail}" for o in options.split(",")):
            return True
    return bool(re.search(rf"\b{re.escape(path.stem)}\.(R|py) / \.csv", head))


def description(path: Path) -> str:
    """What the file holds and where it comes from, in the words of the test module that
    reads it; else the first lines of its script's header or its own comment lines."""
    tests = sorted(TESTS.glob("test_*.py"))
    for test in tests:
        for head, text in _reference_items(test):
            if _names(path, head):
                return text.rstrip(";.") + "."
    for test in tests:
        for head, text in _reference_items(test):
            if path.name in text:
                return f"{head}: {text}".rstrip(";.") + "."
    return header(script_of(path) or path)


def header(path: Path) -> str:
    """The first paragraph of a script's (or a file's) leading comment or docstring."""
    lines = _text(path).splitlines()
    if path.suffix == ".py":
        lines = (ast.get_docstring(ast.parse(_text(path))) or "").splitlines()
    else:
        lines = [line.lstrip("#").strip() for line in lines
                 if line.startswith("#")] if lines and lines[0].startswith("#") else []
        lines = lines[:next((i for i, l in enumerate(lines) if not l), len(lines))]
    text = " ".join(lines[:next((i for i, l in enumerate(lines) if not l.strip()), len(lines))])
    return " ".join(text.split())


def _patterns(tree) -> list[tuple[str, str, str]]:
    """(function, prefix, suffix) of every f-string ``f"prefix{name}suffix"`` in the module,
    with the function (or "") it sits in: loaders such as ``ref(name)``."""
    out = []
    for fn in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)] + [None]:
        nodes_ = ast.walk(fn) if fn else [n for stmt in tree.body
                                            if not isinstance(stmt, ast.FunctionDef)
                                            for n in ast.walk(stmt)]
        for node in nodes_:
            if isinstance(node, ast.JoinedStr) and len(node.values) == 3 and all(
                    isinstance(v, ast.Constant) for v in node.values[::2]):
                out.append((fn.name if fn else "", node.values[0].value, node.values[2].value))
    return out


def _mentions(segment: str, path: Path, patterns) -> bool:
    """Whether source ``segment`` reads ``path``: by name, or through a loader's f-string."""
    if path.name in segment:
        return True
    for func, prefix, suffix in patterns:
        if path.name.startswith(prefix) and path.name.endswith(suffix):
            piece = path.name[len(prefix):len(path.name) - len(suffix)]
            quoted = rf"""(["']){re.escape(piece)}\1"""
            if func and re.search(rf"\b{func}\(\s*{quoted}", segment):
                return True
            if not func and f"{{{prefix}" not in segment and re.search(quoted, segment) \
                    and prefix in segment:
                return True
    return False


def _constants(tree) -> dict:
    """Module-level names bound to a number (``RTOL = 1e-12``)."""
    out = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) \
                and isinstance(stmt.value.value, (int, float)):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = stmt.value.value
    return out


def _tolerances(fn, constants: dict) -> list[str]:
    tols = []
    for node in ast.walk(fn):
        if isinstance(node, ast.keyword) and node.arg in TOLERANCES:
            value = node.value
            if isinstance(value, ast.Name) and value.id not in constants:
                continue   # a parameter of the test: its values are in the parametrisation
            text = (f"{constants[value.id]:g}" if isinstance(value, ast.Name)
                    else ast.unparse(value))
            shown = f"{node.arg} {text}"
            if shown not in tols:
                tols.append(shown)
    return tols


@lru_cache(maxsize=None)
def _module(test: Path):
    """The tree of a test module, its loaders' f-strings and its number constants."""
    tree = ast.parse(_text(test))
    return tree, _patterns(tree), _constants(tree)


def _segment(lines: list[str], node) -> str:
    """The source of a statement, its decorators (``parametrize``) included."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[first - 1:node.end_lineno])


def comparisons(path: Path, most: int = 6) -> list[str]:
    """The tests that read ``path``, directly or through a module-level name or helper that
    does: ``file::function (tolerances)``, at most ``most`` per test module; and the C test
    programs that read it."""
    out = []
    for test in sorted(TESTS.glob("test_*.py")):
        lines = _text(test).splitlines()
        tree, patterns, constants = _module(test)
        units = {}   # name -> (node, source segment) of top-level statements and functions
        for stmt in tree.body:
            segment = _segment(lines, stmt)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                units[stmt.name] = (stmt, segment)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            units[name.id] = (stmt, segment)
        reading = {name for name, (_, seg) in units.items() if _mentions(seg, path, patterns)}
        for _ in range(3):   # names read through names that read the file
            more = {name for name, (_, seg) in units.items() if name not in reading and any(
                re.search(rf"\b{re.escape(r)}\b", seg) for r in reading)}
            if not more:
                break
            reading |= more
        found = []
        for name in sorted(reading, key=lambda n: units[n][0].lineno):
            node = units[name][0]
            if isinstance(node, ast.FunctionDef) and name.startswith("test_"):
                tols = _tolerances(node, constants)
                found.append(f"{test.name}::{name}" + (f" ({', '.join(tols)})" if tols else ""))
        out += found[:most] + ([f"and {len(found) - most} more tests in {test.name}"]
                               if len(found) > most else [])
    for test in sorted((TESTS / "c").glob("test_*.c")):
        if path.name in _text(test):
            out.append(f"c/{test.name}")
    return out


def _paragraph(text: str, literal: bool = False):
    from docutils import nodes

    para = nodes.paragraph()
    para += nodes.literal(text=text) if literal else nodes.Text(text)
    return para


def table(rows: list[list], headings: list[str], widths: list[int]):
    """A docutils table; a cell is a string, or a list of (text, literal) paragraphs."""
    from docutils import nodes

    tbl = nodes.table(classes=["reference-table"])
    group = nodes.tgroup(cols=len(headings))
    tbl += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    body = nodes.tbody()
    group += body
    for target, cells in ((head, [headings]), (body, rows)):
        for cells_of_row in cells:
            row = nodes.row()
            for cell in cells_of_row:
                entry = nodes.entry()
                parts = cell if isinstance(cell, list) else [(cell, False)]
                for text, literal in parts:
                    entry += _paragraph(text, literal)
                row += entry
            target += row
    return tbl


def setup(app):
    """Register ``{reference-table}`` (Sphinx is imported only here, so the helpers above
    serve the tests without it)."""
    from sphinx.util.docutils import SphinxDirective

    class ReferenceTable(SphinxDirective):
        """``{reference-table} FAMILY``: the reference files of one family."""

        required_arguments = 1

        def run(self):
            name = self.arguments[0]
            files = [p for p in data_files() if family(p) == name]
            if not files:
                raise self.error(f"reference-table: no file {name}_* in tests/reference")
            rows = []
            for path in files:
                self.env.note_dependency(str(path))
                script = script_of(path)
                made = [(script.name, True)] if script else [("given in the file", False)]
                tests = comparisons(path)
                rows.append([[(path.name, True)], made, description(path).replace("``", ""),
                             [(t, True) for t in tests] or [("read through another file", False)]])
            for test in sorted(TESTS.glob("test_*.py")) + sorted(_scripts()):
                self.env.note_dependency(str(test))
            return [table(rows, ["file", "made by", "what it holds and its source",
                                 "compared in (tolerances)"], [18, 12, 40, 30])]

    app.add_directive("reference-table", ReferenceTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
