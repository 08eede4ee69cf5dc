/* options(): the C code of every enumerated argument, read from the core's enums, so that a
 * test can check the table of python/scrutiny/_options.py against them. */
#include "bind.h"

#include "sc_changepoint.h"
#include "sc_disparity.h"
#include "sc_drivers.h"
#include "sc_funnel.h"
#include "sc_glm.h"
#include "sc_harm.h"
#include "sc_place.h"
#include "sc_rates.h"
#include "sc_spc.h"
#include "sc_trend.h"
#include "sc_waits.h"

typedef struct {
    const char *option, *name;
    int code;
} option_code;

static const option_code CODES[] = {
    {"funnel_kind", "proportion", SC_FUNNEL_PROPORTION},
    {"funnel_kind", "rate", SC_FUNNEL_RATE},
    {"funnel_kind", "ratio", SC_FUNNEL_RATIO},
    {"funnel_method", "exact", SC_FUNNEL_EXACT},
    {"funnel_method", "normal", SC_FUNNEL_NORMAL},
    {"funnel_method", "arcsine", SC_FUNNEL_ARCSINE},
    {"funnel_method", "wilson", SC_FUNNEL_WILSON},
    {"funnel_method", "log", SC_FUNNEL_LOG},
    {"funnel_method", "sqrt", SC_FUNNEL_SQRT},
    {"overdispersion", "none", SC_FUNNEL_OD_NONE},
    {"overdispersion", "multiplicative", SC_FUNNEL_OD_MULTIPLICATIVE},
    {"overdispersion", "additive", SC_FUNNEL_OD_ADDITIVE},
    {"resample", "poisson", SC_RESAMPLE_POISSON},
    {"resample", "binomial", SC_RESAMPLE_BINOMIAL},
    {"resample", "areas", SC_RESAMPLE_AREAS},
    {"shrink_kind", "proportion", SC_SHRINK_BETA_BINOMIAL},
    {"shrink_kind", "rate", SC_SHRINK_GAMMA_POISSON},
    {"shrink_method", "mle", SC_SHRINK_MLE},
    {"shrink_method", "moments", SC_SHRINK_MOMENTS},
    {"mk_method", "original", SC_MK_ORIGINAL},
    {"mk_method", "hamed_rao", SC_MK_HAMED_RAO},
    {"mk_method", "yue_wang", SC_MK_YUE_WANG},
    {"mk_method", "prewhiten", SC_MK_PREWHITEN},
    {"mk_method", "tfpw", SC_MK_TFPW},
    {"glm_family", "gaussian", SC_GLM_GAUSSIAN},
    {"glm_family", "poisson", SC_GLM_POISSON},
    {"glm_family", "negbin", SC_GLM_NEGBIN},
    {"cost", "normal-mean", SC_CPT_NORMAL_MEAN},
    {"cost", "normal-meanvar", SC_CPT_NORMAL_MEANVAR},
    {"cost", "poisson", SC_CPT_POISSON},
    {"penalty", "mbic", SC_CPT_MBIC},
    {"penalty", "bic", SC_CPT_BIC},
    {"penalty", "aic", SC_CPT_AIC},
    {"penalty", "manual", SC_CPT_MANUAL},
    {"chart", "xmr", SC_SPC_XMR},
    {"chart", "i", SC_SPC_I},
    {"chart", "p", SC_SPC_P},
    {"chart", "u", SC_SPC_U},
    {"chart", "c", SC_SPC_C},
    {"chart", "pp", SC_SPC_PP},
    {"chart", "up", SC_SPC_UP},
    {"chart", "run", SC_SPC_RUN},
    {"two_of_three", "off", SC_SPC_23_OFF},
    {"two_of_three", "mdc", SC_SPC_23_MDC},
    {"two_of_three", "western-electric", SC_SPC_23_WE},
    {"drivers_model", "linear", SC_DRIVERS_LINEAR},
    {"drivers_model", "logistic", SC_DRIVERS_LOGISTIC},
    {"drivers_model", "ordinal", SC_DRIVERS_ORDINAL},
    {"drivers_method", "lmg", SC_DRIVERS_LMG},
    {"drivers_method", "relative_weights", SC_DRIVERS_RELATIVE_WEIGHTS},
    {"drivers_method", "dominance", SC_DRIVERS_DOMINANCE},
    {"drivers_method", "first", SC_DRIVERS_FIRST},
    {"drivers_method", "last", SC_DRIVERS_LAST},
    {"drivers_method", "betasq", SC_DRIVERS_BETASQ},
    {"drivers_method", "pratt", SC_DRIVERS_PRATT},
    {"conf_type", "log", SC_WAITS_LOG},
    {"conf_type", "log-log", SC_WAITS_LOGLOG},
    {"conf_type", "plain", SC_WAITS_PLAIN},
    {"conf_type", "logit", SC_WAITS_LOGIT},
    {"conf_type", "arcsin", SC_WAITS_ARCSIN},
    {"harm_ci_method", "gamma", SC_HARM_GAMMA},
    {"harm_ci_method", "normal", SC_HARM_NORMAL},
    {"harm_dispersion", "compound", SC_HARM_COMPOUND},
    {"harm_dispersion", "estimate", SC_HARM_ESTIMATE},
    {"proportion_method", "wilson", SC_PROP_WILSON},
    {"proportion_method", "exact", SC_PROP_EXACT},
    {"proportion_method", "jeffreys", SC_PROP_JEFFREYS},
    {"proportion_method", "agresti-coull", SC_PROP_AGRESTI_COULL},
    {"proportion_method", "wald", SC_PROP_WALD},
    {"rate_method", "byar", SC_RATE_BYAR},
    {"rate_method", "exact", SC_RATE_EXACT},
    {"rate_method", "phe", SC_RATE_PHE},
    {"alternative", "two-sided", SC_TWO_SIDED},
    {"alternative", "less", SC_LESS},
    {"alternative", "greater", SC_GREATER},
    {"etest_statistic", "wald", SC_ETEST_WALD},
    {"etest_statistic", "score", SC_ETEST_SCORE},
};

static PyObject *py_options(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    PyObject *all = PyDict_New();
    if (all == NULL) return NULL;
    for (size_t i = 0; i < sizeof CODES / sizeof CODES[0]; i++) {
        PyObject *one = PyDict_GetItemString(all, CODES[i].option);     /* borrowed */
        if (one == NULL) {
            if ((one = PyDict_New()) == NULL ||
                PyDict_SetItemString(all, CODES[i].option, one) < 0) {
                Py_XDECREF(one);
                Py_DECREF(all);
                return NULL;
            }
            Py_DECREF(one);                              /* all holds it */
        }
        PyObject *code = PyLong_FromLong(CODES[i].code);
        if (code == NULL || PyDict_SetItemString(one, CODES[i].name, code) < 0) {
            Py_XDECREF(code);
            Py_DECREF(all);
            return NULL;
        }
        Py_DECREF(code);
    }
    return all;
}

PyMethodDef sc_options_methods[] = {
    {"options", py_options, METH_NOARGS,
     "options() -> {option: {name: code}}, the codes of the core's enums"},
    {NULL, NULL, 0, NULL},
};
