/* PyInit__core: import NumPy, switch GSL's abort handler off, add every family's table. */
#define SC_BIND_MODULE
#include "bind.h"
#include <gsl/gsl_errno.h>

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "scrutiny._core",
    "C kernels of scrutiny (GSL numerics).  Use the public functions in scrutiny instead.",
    -1, NULL, NULL, NULL, NULL, NULL,
};

static PyMethodDef *const tables[] = {
    sc_check_methods, sc_dist_methods, sc_rates_methods, sc_funnel_methods, sc_disparity_methods,
    sc_trend_methods, sc_glm_methods, sc_changepoint_methods, sc_spc_methods, sc_drivers_methods,
    sc_calls_methods, sc_waits_methods, sc_place_methods, sc_harm_methods, sc_options_methods,
};

static int load_errors(void)
{
    PyObject *errors = PyImport_ImportModule("scrutiny.errors");
    if (errors == NULL) return -1;
    sc_NumericalError = PyObject_GetAttrString(errors, "NumericalError");
    sc_ConvergenceError = PyObject_GetAttrString(errors, "ConvergenceError");
    Py_DECREF(errors);
    return (sc_NumericalError && sc_ConvergenceError) ? 0 : -1;
}

PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    gsl_set_error_handler_off();
    if (load_errors() < 0) return NULL;
    PyObject *m = PyModule_Create(&core_module);
    if (m == NULL) return NULL;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        if (PyModule_AddFunctions(m, tables[i]) < 0) {
            Py_DECREF(m);
            return NULL;
        }
    }
    return m;
}
