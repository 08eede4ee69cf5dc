/* Binding of the funnel kernels (sc_funnel): funnel_fit, funnel_limits, funnel_ratio_ci. */
#include "bind.h"

#include <math.h>

#include "sc_funnel.h"
#include "sc_status.h"

static const char *const KINDS[] = {"proportion", "rate", "ratio", NULL};
static const char *const METHODS[] = {"exact", "normal", "arcsine", "wilson", "log", "sqrt", NULL};
static const char *const OVERDISPERSION[] = {"none", "multiplicative", "additive", NULL};

/* Fill a spec from the names; levels must stay alive while the spec is used. */
static int make_spec(sc_funnel_spec *spec, const char *kind, const char *method, const char *od,
                     double target, double trim, PyArrayObject *levels, int threads)
{
    int k = sc_py_lookup(kind, KINDS, "kind"), m = sc_py_lookup(method, METHODS, "method");
    int o = sc_py_lookup(od, OVERDISPERSION, "overdispersion");
    if (k < 0 || m < 0 || o < 0) return -1;
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

/* Two new (n, m) arrays, or -1 with an exception set and nothing held. */
static int empty_pair(npy_intp n, npy_intp m, PyArrayObject **a, PyArrayObject **b)
{
    npy_intp dims[2] = {n, m};
    *a = sc_py_empty(2, dims);
    *b = sc_py_empty(2, dims);
    if (*a == NULL || *b == NULL) {
        Py_XDECREF(*a);
        Py_XDECREF(*b);
        return -1;
    }
    return 0;
}

static PyObject *py_funnel_fit(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2], *levels_obj;
    const char *kind, *method, *od;
    double target, trim;
    int threads = 0;
    if (!PyArg_ParseTuple(args, "OOsssddO|i", &objs[0], &objs[1], &kind, &method, &od, &target,
                          &trim, &levels_obj, &threads))
        return NULL;
    const char *names[2] = {"numerator", "denominator"};
    PyArrayObject *in[2], *levels = NULL, *z = NULL, *s = NULL, *lower = NULL, *upper = NULL;
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    levels = sc_py_double_array(levels_obj, "levels");
    sc_funnel_spec spec;
    if (levels == NULL || make_spec(&spec, kind, method, od, target, trim, levels, threads) < 0)
        goto fail;
    z = sc_py_empty(1, &n);
    s = sc_py_empty(1, &n);
    if (z == NULL || s == NULL || empty_pair(n, (npy_intp)spec.n_levels, &lower, &upper) < 0)
        goto fail;
    double phi = NAN, tau2 = NAN;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_funnel_scores(SC_DATA(in[0]), 1, SC_DATA(in[1]), 1, (size_t)n, &spec,
                              SC_DATA(z), SC_DATA(s));
    if (status == SC_SUCCESS)
        status = sc_funnel_dispersion(SC_DATA(z), SC_DATA(s), (size_t)n, &spec, &phi, &tau2);
    if (status == SC_SUCCESS)
        status = sc_funnel_limits(SC_DATA(in[1]), 1, (size_t)n, &spec, phi, tau2,
                                  SC_DATA(lower), SC_DATA(upper));
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "funnel");
        goto fail;
    }
    sc_py_release(2, in);
    Py_DECREF(levels);
    return Py_BuildValue("NNddNN", z, s, phi, tau2, lower, upper);
fail:
    sc_py_release(2, in);
    Py_XDECREF(levels);
    Py_XDECREF(z);
    Py_XDECREF(s);
    Py_XDECREF(lower);
    Py_XDECREF(upper);
    return NULL;
}

static PyObject *py_funnel_limits(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *den_obj, *levels_obj;
    const char *kind, *method, *od;
    double target, phi, tau2;
    int threads = 0;
    if (!PyArg_ParseTuple(args, "OsssdOdd|i", &den_obj, &kind, &method, &od, &target, &levels_obj,
                          &phi, &tau2, &threads))
        return NULL;
    PyArrayObject *den = sc_py_double_array(den_obj, "denominator");
    PyArrayObject *levels = NULL, *lower = NULL, *upper = NULL;
    sc_funnel_spec spec;
    if (den == NULL) return NULL;
    levels = sc_py_double_array(levels_obj, "levels");
    if (levels == NULL || make_spec(&spec, kind, method, od, target, 0.0, levels, threads) < 0 ||
        empty_pair(PyArray_SIZE(den), (npy_intp)spec.n_levels, &lower, &upper) < 0)
        goto fail;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_funnel_limits(SC_DATA(den), 1, (size_t)PyArray_SIZE(den), &spec, phi, tau2,
                              SC_DATA(lower), SC_DATA(upper));
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "funnel");
        goto fail;
    }
    Py_DECREF(den);
    Py_DECREF(levels);
    return Py_BuildValue("NN", lower, upper);
fail:
    Py_DECREF(den);
    Py_XDECREF(levels);
    Py_XDECREF(lower);
    Py_XDECREF(upper);
    return NULL;
}

static PyObject *py_funnel_ratio_ci(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2], *levels_obj;
    int threads = 0;
    if (!PyArg_ParseTuple(args, "OOO|i", &objs[0], &objs[1], &levels_obj, &threads)) return NULL;
    const char *names[2] = {"observed", "expected"};
    PyArrayObject *in[2], *levels = NULL, *lower = NULL, *upper = NULL;
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    levels = sc_py_double_array(levels_obj, "levels");
    if (levels == NULL || empty_pair(n, PyArray_SIZE(levels), &lower, &upper) < 0) goto fail;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_funnel_ratio_ci(SC_DATA(in[0]), 1, SC_DATA(in[1]), 1, (size_t)n, SC_DATA(levels),
                                (size_t)PyArray_SIZE(levels), threads, SC_DATA(lower),
                                SC_DATA(upper));
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "ratio_significance");
        goto fail;
    }
    sc_py_release(2, in);
    Py_DECREF(levels);
    return Py_BuildValue("NN", lower, upper);
fail:
    sc_py_release(2, in);
    Py_XDECREF(levels);
    Py_XDECREF(lower);
    Py_XDECREF(upper);
    return NULL;
}

PyMethodDef sc_funnel_methods[] = {
    {"funnel_fit", py_funnel_fit, METH_VARARGS,
     "funnel_fit(numerator, denominator, kind, method, overdispersion, target, trim, levels"
     "[, threads]) -> (z, s, phi, tau2, lower, upper)"},
    {"funnel_limits", py_funnel_limits, METH_VARARGS,
     "funnel_limits(denominator, kind, method, overdispersion, target, levels, phi, tau2"
     "[, threads]) -> (lower, upper)"},
    {"funnel_ratio_ci", py_funnel_ratio_ci, METH_VARARGS,
     "funnel_ratio_ci(observed, expected, levels[, threads]) -> (lower, upper)"},
    {NULL, NULL, 0, NULL},
};
