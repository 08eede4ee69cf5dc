"""The enumerated arguments: one table each of public name <-> C code <-> wording.

A family validates an argument against ``OPTION.names`` (or the subset it accepts) and passes
``OPTION.codes[name]`` to the binding, which takes the code of the core's enum.  The codes
equal the enums of ``csrc/core`` (checked against ``_core.options()`` by the tests); the
wording is what results and narratives say for a name.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping


@dataclasses.dataclass(frozen=True)
class Option:
    """One enumerated argument.

    Attributes
    ----------
    key : str
        The argument's key in ``_core.options()``.
    codes : Mapping[str, int]
        Public name -> code of the core's enum, in the enum's order.
    words : Mapping[str, str]
        Public name -> wording in results and narratives (names without wording say
        themselves).
    """

    key: str
    codes: Mapping[str, int]
    words: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """The public names, in the enum's order."""
        return tuple(self.codes)

    def word(self, name: str) -> str:
        """The wording of ``name``."""
        return self.words.get(name, name)


def _enum(key: str, *names: str, words=None) -> Option:
    return Option(key, {name: code for code, name in enumerate(names)}, words or {})


# ---- funnels and disparity (sc_funnel.h, sc_disparity.h) ----------------------------------
FUNNEL_KIND = _enum("funnel_kind", "proportion", "rate", "ratio")
FUNNEL_METHOD = _enum("funnel_method", "exact", "normal", "arcsine", "wilson", "log", "sqrt")
OVERDISPERSION = _enum("overdispersion", "none", "multiplicative", "additive")
RESAMPLE = _enum("resample", "poisson", "binomial", "areas")
SHRINK_KIND = _enum("shrink_kind", "proportion", "rate")
SHRINK_METHOD = _enum("shrink_method", "mle", "moments")

# ---- rates and place (sc_rates.h, sc_place.h) ---------------------------------------------
PROPORTION_METHOD = _enum("proportion_method", "wilson", "exact", "jeffreys", "agresti-coull",
                          "wald")
RATE_METHOD = _enum("rate_method", "byar", "exact", "phe")
ALTERNATIVE = _enum("alternative", "two-sided", "less", "greater")
ETEST_STATISTIC = _enum("etest_statistic", "wald", "score")

# ---- trends (sc_trend.h, sc_glm.h, sc_changepoint.h, sc_harm.h) ---------------------------
MK_METHOD = _enum(
    "mk_method", "original", "hamed_rao", "yue_wang", "prewhiten", "tfpw", words={
        "original": "Mann-Kendall trend test",
        "hamed_rao": "Mann-Kendall trend test, Hamed-Rao variance correction",
        "yue_wang": "Mann-Kendall trend test, Yue-Wang variance correction",
        "prewhiten": "Mann-Kendall trend test on the prewhitened series",
        "tfpw": "Mann-Kendall trend test, trend-free prewhitening",
    })
GLM_FAMILY = _enum("glm_family", "gaussian", "poisson", "negbin")
COST = _enum("cost", "normal-mean", "normal-meanvar", "poisson")
PENALTY = _enum("penalty", "mbic", "bic", "aic", "manual")
HARM_CI_METHOD = _enum("harm_ci_method", "gamma", "normal")
HARM_DISPERSION = _enum(
    "harm_dispersion", "compound", "estimate", words={
        "compound": "k mu (compound Poisson)",
        "estimate": "max(k, Pearson) mu (quasi-Poisson)",
    })

# ---- SPC (sc_spc.h) -----------------------------------------------------------------------
CHART = _enum("chart", "xmr", "i", "p", "u", "c", "pp", "up", "run",
               words={"xmr": "XmR", "i": "I", "pp": "p'", "up": "u'"})
TWO_OF_THREE = _enum("two_of_three", "off", "mdc", "western-electric")

# ---- drivers (sc_drivers.h) ---------------------------------------------------------------
DRIVERS_MODEL = _enum("drivers_model", "linear", "logistic", "ordinal")
DRIVERS_METHOD = _enum("drivers_method", "lmg", "relative_weights", "dominance", "first",
                       "last", "betasq", "pratt")

# ---- waits (sc_waits.h) -------------------------------------------------------------------
CONF_TYPE = _enum("conf_type", "log", "log-log", "plain", "logit", "arcsin")

ALL = (FUNNEL_KIND, FUNNEL_METHOD, OVERDISPERSION, RESAMPLE, SHRINK_KIND, SHRINK_METHOD,
       PROPORTION_METHOD, RATE_METHOD, ALTERNATIVE, ETEST_STATISTIC, MK_METHOD, GLM_FAMILY,
       COST, PENALTY, HARM_CI_METHOD, HARM_DISPERSION, CHART, TWO_OF_THREE, DRIVERS_MODEL,
       DRIVERS_METHOD, CONF_TYPE)
