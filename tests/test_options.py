"""The option table of scrutiny._options against the C core's enums, and its use."""
from __future__ import annotations

import pytest

from scrutiny import _core
from scrutiny import _options as _o


def test_codes_equal_the_core_enums():
    core = _core.options()
    assert {opt.key for opt in _o.ALL} == set(core)
    for opt in _o.ALL:
        assert dict(opt.codes) == core[opt.key], opt.key


def test_wording_falls_back_to_the_name():
    assert _o.CHART.word("pp") == "p'" and _o.CHART.word("c") == "c"
    assert _o.MK_METHOD.word("original") == "Mann-Kendall trend test"


@pytest.mark.parametrize("call", [
    lambda: _core.spc_fit([[1.0, 2.0]], None, None, len(_o.CHART.names), 0, False, True, 0, 0,
                          False, 0),
    lambda: _core.trend_mk([[1.0, 2.0, 3.0]], None, -1, 0.05, 0, True),
])
def test_bindings_refuse_an_unknown_code(call):
    with pytest.raises(ValueError, match="unknown value"):
        call()
