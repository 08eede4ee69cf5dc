"""docs/validation.md lists every file of tests/reference, and the tests it names exist."""
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "validation.md"
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import reference_tables as rt  # noqa: E402


def test_every_reference_file_is_in_a_table():
    families = set(re.findall(r"^```\{reference-table\} (\w+)", PAGE.read_text(), re.M))
    missing = [p.name for p in rt.data_files() if rt.family(p) not in families]
    assert not missing, f"docs/validation.md has no {{reference-table}} for {missing}"


def test_every_reference_file_has_its_source_and_a_test():
    for path in rt.data_files():
        assert rt.description(path), path.name
        assert rt.script_of(path) or path.read_text().startswith("#"), path.name
        assert rt.comparisons(path), f"no test reads {path.name}"


def test_every_script_makes_a_file_of_the_tables():
    made = {rt.script_of(p) for p in rt.data_files()}
    # drivers_bruteforce.py is an oracle the tests import, not a writer of files
    unused = [s.name for s in rt._scripts() if s not in made and "oracle" not in
              rt.header(s).lower()]
    assert not unused, unused


def test_the_simulation_checks_named_exist():
    for module, name in re.findall(r"`(test_\w+\.py)::(test_\w+)`", PAGE.read_text()):
        tree = ast.parse((ROOT / "tests" / module).read_text())
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert name in names, f"{module}::{name}"
