/* Binding of the funnel kernels (sc_funnel): funnel_fit, funnel_limits, funnel_ratio_ci. */
#include "bind.h"

#include <math.h>

#include "sc_funnel.h"
#include "sc_status.h"

/* Fill a spec from the option codes; levels must stay alive while the spec is used. */
static int make_spec(sc_funnel_spec *spec, int k, int m, int o, double target, double trim,
                     PyArrayObject *levels, int threads)
{
    if (sc_py_code(k, SC_FUNNEL_RATIO + 1, "kind") < 0 ||
        sc_py_code(m, SC_FUNNEL_SQRT + 1, "method") < 0 ||
        sc_py_code(o, SC_FUNNEL_OD_ADDITIVE + 1, "overdispersion") < 0)
        return -1;
    spec->kind = (sc_funnel_kind)k;
    spec->method = (sc_funnel_method)m;
    spec->overdispersion = (sc_funnel_od)o;
    spec->target = target;
    spec->trim = trim;
    spec->levels = SC_DATA(levels);
    spec->n_levels = (size_t)PyArray_SIZE(levels);
    spec->threads = threads;
    return 0;
}

static PyObject *py_funnel_fit(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2], *levels_obj;
    int kind, method, od, threads = 0;
    double target, trim;
    if (!PyArg_ParseTuple(args, "OOiiiddO|i", &objs[0], &objs[1], &kind, &method, &od, &target,
                          &trim, &levels_obj, &threads))
        return NULL;
    const char *names[2] = {"numerator", "denominator"};
    PyArrayObject *in[3], *out[4];               /* in[2]: levels; out: z, s, lower, upper */
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    sc_funnel_spec spec;
    if ((in[2] = sc_py_double_array(levels_obj, "levels")) == NULL ||
        make_spec(&spec, kind, method, od, target, trim, in[2], threads) < 0)
        return sc_py_fail(3, in, 0, NULL);
    const npy_intp m = (npy_intp)spec.n_levels, cols[4] = {0, 0, m, m};
    if (sc_py_outputs(4, NULL, cols, n, out) < 0) return sc_py_fail(3, in, 0, NULL);
    double *z = SC_DATA(out[0]), *s = SC_DATA(out[1]), phi = NAN, tau2 = NAN;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_funnel_scores(SC_DATA(in[0]), 1, SC_DATA(in[1]), 1, (size_t)n, &spec, z, s);
    if (status == SC_SUCCESS)
        status = sc_funnel_dispersion(z, s, (size_t)n, &spec, &phi, &tau2);
    if (status == SC_SUCCESS)
        status = sc_funnel_limits(SC_DATA(in[1]), 1, (size_t)n, &spec, phi, tau2,
                                  SC_DATA(out[2]), SC_DATA(out[3]));
    Py_END_ALLOW_THREADS
    if (sc_py_done(status, "funnel", 3, in, 4, out) < 0) return NULL;
    static const char *const out_names[] = {"z", "s", "lower", "upper", "phi", "tau2"};
    PyObject *values[6] = {(PyObject *)out[0], (PyObject *)out[1], (PyObject *)out[2],
                           (PyObject *)out[3], PyFloat_FromDouble(phi), PyFloat_FromDouble(tau2)};
    return sc_py_named(6, out_names, values);
}

static PyObject *py_funnel_limits(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *den_obj, *levels_obj;
    int kind, method, od, threads = 0;
    double target, phi, tau2;
    if (!PyArg_ParseTuple(args, "OiiidOdd|i", &den_obj, &kind, &method, &od, &target, &levels_obj,
                          &phi, &tau2, &threads))
        return NULL;
    PyArrayObject *in[2] = {NULL}, *out[2];             /* in: denominator, levels */
    sc_funnel_spec spec;
    if ((in[0] = sc_py_double_array(den_obj, "denominator")) == NULL) return NULL;
    if ((in[1] = sc_py_double_array(levels_obj, "levels")) == NULL ||
        make_spec(&spec, kind, method, od, target, 0.0, in[1], threads) < 0)
        return sc_py_fail(2, in, 0, NULL);
    const npy_intp n = PyArray_SIZE(in[0]), m = (npy_intp)spec.n_levels, cols[2] = {m, m};
    if (sc_py_outputs(2, NULL, cols, n, out) < 0) return sc_py_fail(2, in, 0, NULL);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_funnel_limits(SC_DATA(in[0]), 1, (size_t)n, &spec, phi, tau2, SC_DATA(out[0]),
                              SC_DATA(out[1]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "funnel", 2, in, 2, out);
}

static PyObject *py_funnel_ratio_ci(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2], *levels_obj;
    int threads = 0;
    if (!PyArg_ParseTuple(args, "OOO|i", &objs[0], &objs[1], &levels_obj, &threads)) return NULL;
    const char *names[2] = {"observed", "expected"};
    PyArrayObject *in[3], *out[2];                       /* in[2]: levels */
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    if ((in[2] = sc_py_double_array(levels_obj, "levels")) == NULL)
        return sc_py_fail(2, in, 0, NULL);
    const npy_intp m = PyArray_SIZE(in[2]), cols[2] = {m, m};
    if (sc_py_outputs(2, NULL, cols, n, out) < 0) return sc_py_fail(3, in, 0, NULL);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_funnel_ratio_ci(SC_DATA(in[0]), 1, SC_DATA(in[1]), 1, (size_t)n, SC_DATA(in[2]),
                                (size_t)m, threads, SC_DATA(out[0]), SC_DATA(out[1]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "ratio_significance", 3, in, 2, out);
}

PyMethodDef sc_funnel_methods[] = {
    {"funnel_fit", py_funnel_fit, METH_VARARGS,
     "funnel_fit(numerator, denominator, kind, method, overdispersion (codes), target, trim,"
     " levels[, threads]) -> {z, s, lower, upper, phi, tau2}"},
    {"funnel_limits", py_funnel_limits, METH_VARARGS,
     "funnel_limits(denominator, kind, method, overdispersion (codes), target, levels, phi, tau2"
     "[, threads]) -> (lower, upper)"},
    {"funnel_ratio_ci", py_funnel_ratio_ci, METH_VARARGS,
     "funnel_ratio_ci(observed, expected, levels[, threads]) -> (lower, upper)"},
    {NULL, NULL, 0, NULL},
};
