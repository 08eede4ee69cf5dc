"""scrutiny: statistics for police performance scrutiny.

Is this area really different, or is it noise from small numbers?  Is that rise real?  What
drives victim satisfaction?  How long do callers and applicants wait, and did the hot-spot
patrols work?  Every function is importable from here and from its family module.
"""
from .errors import ConvergenceError, NumericalError  # noqa: F401  (first: the C core imports it)
from . import _core  # noqa: F401
from .rates import (  # noqa: F401
    compare_proportions,
    compare_rates,
    dsr,
    homogeneity,
    isr,
    multiple_testing,
    proportion_ci,
    rate_ci,
    test_target,
)
from .disparity import disparity_indices, funnel, ratio_significance, shrink  # noqa: F401
from .trend import (  # noqa: F401
    changepoints,
    count_trend,
    its,
    mann_kendall,
    pettitt,
    seasonal_mann_kendall,
    sen_slope,
    trend_table,
)
from .spc import RuleSet, spc, spc_table  # noqa: F401
from .drivers import key_drivers, logistic, ordinal_logistic, relative_importance  # noqa: F401
from .calls import (  # noqa: F401
    agents_needed,
    calls_per_interval,
    erlang_a,
    erlang_c,
    estimate_patience,
    service_level,
    staffing,
)
from .waits import backlog, kaplan_meier, share_waiting_past, waiting_times  # noqa: F401
from .place import poisson_etest, wdd  # noqa: F401
from .harm import harm_funnel, harm_index, harm_trend, harm_weights, read_harm_weights  # noqa: F401
from . import data, report  # noqa: F401
from .report import write_report  # noqa: F401
from .data import aggregate_policeuk, join_population, lsoa_population, read_policeuk  # noqa: F401
from .screen import screen  # noqa: F401  (the function; the module is scrutiny.screen)

__version__ = "0.1.0"

__all__ = [
    "ConvergenceError", "NumericalError",
    "proportion_ci", "rate_ci", "test_target", "compare_proportions", "compare_rates",
    "homogeneity", "multiple_testing", "dsr", "isr",
    "funnel", "ratio_significance", "disparity_indices", "shrink",
    "mann_kendall", "seasonal_mann_kendall", "sen_slope", "pettitt", "trend_table",
    "count_trend", "its", "changepoints",
    "spc", "spc_table", "RuleSet",
    "logistic", "ordinal_logistic", "relative_importance", "key_drivers",
    "erlang_c", "erlang_a", "agents_needed", "service_level", "staffing", "calls_per_interval",
    "estimate_patience",
    "kaplan_meier", "share_waiting_past", "backlog", "waiting_times",
    "wdd", "poisson_etest",
    "harm_weights", "read_harm_weights", "harm_index", "harm_funnel", "harm_trend",
    "data", "report", "write_report", "read_policeuk", "aggregate_policeuk", "lsoa_population", "join_population",
    "screen",
]
