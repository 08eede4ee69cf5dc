"""The examples in every module's docstrings run and print what they show.

Every module of the package is collected (``pkgutil.walk_packages``), so a new module's
examples run without being listed here.  Charts are drawn on the Agg backend (conftest.py).
"""
import doctest
import importlib
import pkgutil

import pytest

import scrutiny

MODULES = sorted(info.name for info in pkgutil.walk_packages(scrutiny.__path__, "scrutiny."))
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS

# The families' examples, at least: a module cannot lose its examples unnoticed.
AT_LEAST = {"scrutiny.calls": 20, "scrutiny.data": 5, "scrutiny.data.policeuk": 5,
            "scrutiny.data.population": 5, "scrutiny.disparity": 20, "scrutiny.drivers": 10,
            "scrutiny.harm": 20, "scrutiny.models": 10, "scrutiny.place": 8, "scrutiny.rates": 50,
            "scrutiny.segmentation": 5, "scrutiny.spc": 8, "scrutiny.spc_rules": 1,
            "scrutiny.trend": 30, "scrutiny.waits": 8}


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    for test in finder.find(module, name):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
    assert runner.tries >= AT_LEAST.get(name, 0), runner.tries


def test_every_family_is_collected():
    assert set(AT_LEAST) <= set(MODULES)
