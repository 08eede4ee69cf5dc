/* Binding of the funnel kernels (sc_funnel): funnel_scores, funnel_dispersion,
 * funnel_limits, funnel_ratio_ci. */
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

/* A spec for the scores and the dispersion, which use no levels. */
static int plain_spec(sc_funnel_spec *spec, int k, int m, double target, double trim)
{
    if (sc_py_code(k, SC_FUNNEL_RATIO + 1, "kind") < 0 ||
        sc_py_code(m, SC_FUNNEL_SQRT + 1, "method") < 0)
        return -1;
    *spec = (sc_funnel_spec){.kind = (sc_funnel_kind)k, .method = (sc_funnel_method)m,
                             .overdispersion = SC_FUNNEL_OD_NONE, .target = target,
                             .trim = trim, .levels = NULL, .n_levels = 0, .threads = 1};
    return 0;
}

static PyObject *py_funnel_scores(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    int kind, method;
    double target;
    if (!PyArg_ParseTuple(args, "OOiid", &objs[0], &objs[1], &kind, &method, &target))
        return NULL;
    sc_funnel_spec spec;
    if (plain_spec(&spec, kind, method, target, 0.0) < 0) return NULL;
    const char *names[2] = {"numerator", "denominator"};
    PyArrayObject *in[2], *out[2];                       /* out: z, s */
    npy_intp n;
    if (sc_py_prepare(2, objs, names, in, &n, 2, 0, out) < 0) return NULL;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_funnel_scores(SC_DATA(in[0]), 1, SC_DATA(in[1]), 1, (size_t)n, &spec,
                              SC_DATA(out[0]), SC_DATA(out[1]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "funnel", 2, in, 2, out);
}

static PyObject *py_funnel_dispersion(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    int method;
    double trim;
    if (!PyArg_ParseTuple(args, "OOid", &objs[0], &objs[1], &method, &trim)) return NULL;
    sc_funnel_spec spec;
    if (plain_spec(&spec, SC_FUNNEL_PROPORTION, method, 0.5, trim) < 0) return NULL;
    const char *names[2] = {"z", "s"};
    PyArrayObject *in[2];
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    double phi = NAN, tau2 = NAN;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_funnel_dispersion(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)n, &spec, &phi, &tau2);
    Py_END_ALLOW_THREADS
    if (sc_py_done(status, "funnel", 2, in, 0, NULL) < 0) return NULL;
    return Py_BuildValue("dd", phi, tau2);
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
    {"funnel_scores", py_funnel_scores, METH_VARARGS,
     "funnel_scores(numerator, denominator, kind, method (codes), target) -> (z, s)"},
    {"funnel_dispersion", py_funnel_dispersion, METH_VARARGS,
     "funnel_dispersion(z, s, method code, trim) -> (phi, tau2)"},
    {"funnel_limits", py_funnel_limits, METH_VARARGS,
     "funnel_limits(denominator, kind, method, overdispersion (codes), target, levels, phi, tau2"
     "[, threads]) -> (lower, upper)"},
    {"funnel_ratio_ci", py_funnel_ratio_ci, METH_VARARGS,
     "funnel_ratio_ci(observed, expected, levels[, threads]) -> (lower, upper)"},
    {NULL, NULL, 0, NULL},
};
