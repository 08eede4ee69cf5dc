"""Tests of scrutiny.graphics: the layering of the charts, read from the import statements
(function-level ones included), and the public per-series view of SPC results that the charts
draw from."""
from __future__ import annotations

import ast
import pathlib

import matplotlib.pyplot as plt
import numpy as np
import pytest

import scrutiny as sc
from scrutiny.spc import SPCSeries

PACKAGE = pathlib.Path(sc.__file__).parent
# What a chart may import besides other charts: the voice and the modules below every family.
GROUND = {"_narrative", "_validation", "_options", "_batch", "_results", "errors", "spc_rules",
          "multitest"}


def _imports(path: pathlib.Path):
    """(enclosing function or None, imported scrutiny module) for every import in ``path``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = list(parts[:-1])
    out = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom) and child.level:
                base = package[:len(package) - child.level + 1]
                target = base + (child.module.split(".") if child.module else [])
                for alias in child.names:
                    name = target + ([alias.name] if not child.module else [])
                    out.append((function, ".".join(name)))
            elif isinstance(child, ast.ImportFrom) and (child.module or "").startswith("scrutiny"):
                out.append((function, child.module))
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                else function
            visit(child, inner)

    visit(ast.parse(path.read_text()), None)
    return out


def test_charts_import_no_family_module():
    for path in sorted((PACKAGE / "graphics").glob("*.py")):
        for _, module in _imports(path):
            name = module.split(".")[1] if module.count(".") else ""
            assert name == "graphics" or name in GROUND, f"{path.name} imports {module}"


def test_families_import_charts_only_when_drawing():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "graphics":
            continue
        for function, module in _imports(path):
            if module.startswith("scrutiny.graphics"):
                assert function in ("plot", "small_multiples"), f"{path.name}: {function}"


def test_spc_rules_is_a_leaf():
    modules = {module for _, module in _imports(PACKAGE / "spc_rules.py")}
    assert modules <= {"scrutiny._validation", "scrutiny._options"}
    assert sc.RuleSet is __import__("scrutiny.spc_rules", fromlist=["RuleSet"]).RuleSet


def test_series_view_holds_one_series():
    y = np.array([[12, 15, 11, 14, 13, 12, 16, 14, 13, 15, 12, 30],
                  [20, 21, 19, 22, 20, 18, 21, 20, 19, 22, 21, 20]], dtype=float)
    res = sc.spc(y, labels=["North", "South"], improvement="decrease", target=[25, 10])
    view = res.series_view("North")
    assert isinstance(view, SPCSeries) and view.index == 0 and view.label == "North"
    assert view.variation == res.variation[0] == "special cause concerning"
    assert view.signals[-1] == "outside upper" and view.codes[-1] == 1
    np.testing.assert_array_equal(view.upper, res.upper[0])
    np.testing.assert_array_equal(view.kinds, res.kinds()[0])
    assert res.series_view(1).target == 10 and res.series_view(1).rebase == [0]
    frame = view.to_frame()
    assert list(frame["position"]) == list(range(12)) and frame["signal"].iloc[-1] == "outside upper"
    assert repr(view).startswith("SPCSeries(index=0, label='North', chart='xmr'")
    with pytest.raises(ValueError, match="name the series"):
        res.series_view()
    one = sc.spc(y[0]).series_view()
    assert one.label is None and one.value.shape == (12,)


def test_charts_draw_from_the_view():
    res = sc.spc(np.arange(24.0) % 7, labels=None)
    ax = res.plot()
    assert ax.get_title(loc="left") == "XmR chart (rules: mdc)"
    plt.close("all")
