/* Binding of the drivers kernels (sc_logit, sc_drivers): logit_fit (binary and ordinal
 * logistic regression), logit_wald, drivers_importance, drivers_bootstrap,
 * drivers_percentiles, drivers_correlation, drivers_limit.  Arrays arrive validated and
 * shaped by python/scrutiny/drivers.py: x is (n, p) float64, y has n values (0/1 or level codes 0..levels-1 where it matters),
 * weights are n values >= 0 or None. */
#include "bind.h"

#include "sc_drivers.h"
#include "sc_logit.h"
#include "sc_status.h"


/* x (2-D), y and optional weights as float64 arrays of matching size; in[2] stays NULL without
 * weights.  Returns 0, or -1 with an exception set and nothing held. */
static int data_arrays(PyObject *x_obj, PyObject *y_obj, PyObject *w_obj, PyArrayObject **in,
                       npy_intp *n, npy_intp *p)
{
    in[0] = in[1] = in[2] = NULL;
    in[0] = sc_py_double_array(x_obj, "X");
    if (in[0] == NULL) return -1;
    if (PyArray_NDIM(in[0]) != 2) {
        PyErr_SetString(PyExc_ValueError, "X must be a 2-D array (observations x drivers)");
        goto fail;
    }
    *n = PyArray_DIM(in[0], 0);
    *p = PyArray_DIM(in[0], 1);
    PyObject *objs[2] = {y_obj, w_obj};
    const char *names[2] = {"y", "weights"};
    npy_intp m;
    if (sc_py_double_arrays_opt(2, objs, names, in + 1, &m) < 0) goto fail;
    if (m != *n) {
        PyErr_Format(PyExc_ValueError, "y has %zd values but X has %zd rows", (Py_ssize_t)m,
                     (Py_ssize_t)*n);
        goto fail;
    }
    return 0;
fail:
    sc_py_release(3, in);
    return -1;
}

static PyObject *py_logit_fit(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *x_obj, *y_obj, *w_obj;
    Py_ssize_t levels;
    int ordinal, robust;
    if (!PyArg_ParseTuple(args, "OOOnpp", &x_obj, &y_obj, &w_obj, &levels, &ordinal, &robust))
        return NULL;
    if (levels < 2 || (!ordinal && levels != 2)) {
        PyErr_SetString(PyExc_ValueError, "y must have 2 levels (binary) or at least 2 (ordinal)");
        return NULL;
    }
    PyArrayObject *in[3], *out[3] = {NULL};             /* out: coef, cov, robust cov */
    npy_intp n, p;
    if (data_arrays(x_obj, y_obj, w_obj, in, &n, &p) < 0) return NULL;
    const npy_intp np = p + (ordinal ? levels - 1 : 1), cols[3] = {0, np, np};
    const int robust_cov = robust && !ordinal;
    if (sc_py_outputs(robust_cov ? 3 : 2, NULL, cols, np, out) < 0)
        return sc_py_fail(3, in, 0, NULL);
    sc_logit_data d = {SC_DATA(in[0]), (size_t)p, NULL, (size_t)p, SC_DATA(in[1]),
                       in[2] ? SC_DATA(in[2]) : NULL, (size_t)n};
    sc_logit_result r = {SC_DATA(out[0]), SC_DATA(out[1]), 0, 0, 0, SC_LOGIT_OK, 0};
    int status;
    Py_BEGIN_ALLOW_THREADS
    sc_logit_workspace *ws = sc_logit_alloc((size_t)n, (size_t)p, (size_t)levels);
    if (ws == NULL) {
        status = SC_ENOMEM;
    } else {
        status = ordinal ? sc_logit_ordinal_fit(&d, (size_t)levels, NULL, ws, &r)
                         : sc_logit_fit(&d, NULL, ws, &r);
        if (status == SC_SUCCESS && robust_cov && r.outcome == SC_LOGIT_OK)
            status = sc_logit_robust_cov(&d, &r, ws, SC_DATA(out[2]));
    }
    sc_logit_free(ws);
    Py_END_ALLOW_THREADS
    if (sc_py_done(status, ordinal ? "ordinal_logistic" : "logistic", 3, in, 3, out) < 0)
        return NULL;
    static const char *const out_names[] = {"outcome", "coef", "cov", "robust_cov", "loglik",
                                            "loglik_null", "iterations", "max_step"};
    PyObject *values[8] = {PyLong_FromLong((long)r.outcome), (PyObject *)out[0],
                           (PyObject *)out[1], (PyObject *)out[2], PyFloat_FromDouble(r.loglik),
                           PyFloat_FromDouble(r.loglik_null), PyLong_FromLong(r.iterations),
                           PyFloat_FromDouble(r.max_step)};
    return sc_py_named(8, out_names, values);
}

static PyObject *py_logit_wald(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    double df, conf;
    if (!PyArg_ParseTuple(args, "OOdd", &objs[0], &objs[1], &df, &conf)) return NULL;
    const char *names[2] = {"coef", "se"};
    PyArrayObject *in[2], *out[2];                       /* out: stat, pvalue */
    npy_intp m;
    if (sc_py_prepare(2, objs, names, in, &m, 2, 0, out) < 0) return NULL;
    double crit = NAN;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_logit_wald(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)m, df, conf, SC_DATA(out[0]),
                           SC_DATA(out[1]), &crit);
    Py_END_ALLOW_THREADS
    if (sc_py_done(status, "logistic", 2, in, 2, out) < 0) return NULL;
    return Py_BuildValue("NNd", out[0], out[1], crit);
}

/* Model and method codes, checked alone and with the number of drivers (p < 0: alone). */
static int model_method(int model, int method, npy_intp p)
{
    if (sc_py_code(model, SC_DRIVERS_ORDINAL + 1, "model") < 0 ||
        sc_py_code(method, SC_DRIVERS_PRATT + 1, "method") < 0)
        return -1;
    if (p < 0) return 0;
    int status = sc_drivers_check((sc_drivers_model)model, (sc_drivers_method)method, (size_t)p);
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "relative_importance");
        return -1;
    }
    return 0;
}

static PyObject *py_drivers_importance(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *x_obj, *y_obj, *w_obj;
    Py_ssize_t levels;
    int model, method, threads = 0, want_complete = 1;
    if (!PyArg_ParseTuple(args, "OOOnii|ip", &x_obj, &y_obj, &w_obj, &levels, &model, &method,
                          &threads, &want_complete))
        return NULL;
    PyArrayObject *in[3], *out[3] = {NULL};   /* out: importance, conditional, complete */
    npy_intp n, p;
    if (data_arrays(x_obj, y_obj, w_obj, in, &n, &p) < 0) return NULL;
    if (model_method(model, method, p) < 0)
        return sc_py_fail(3, in, 0, NULL);
    const npy_intp cols[3] = {0, p, p};
    const int wanted = method != SC_DRIVERS_DOMINANCE ? 1 : want_complete ? 3 : 2;
    if (sc_py_outputs(wanted, NULL, cols, p, out) < 0) return sc_py_fail(3, in, 0, NULL);
    sc_drivers_data d = {SC_DATA(in[0]), SC_DATA(in[1]), in[2] ? SC_DATA(in[2]) : NULL,
                         (size_t)n, (size_t)p, (size_t)levels};
    sc_drivers_output o = {SC_DATA(out[0]), NAN, out[1] ? SC_DATA(out[1]) : NULL,
                           out[2] ? SC_DATA(out[2]) : NULL};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_drivers_importance(&d, (sc_drivers_model)model, (sc_drivers_method)method,
                                   threads, &o);
    Py_END_ALLOW_THREADS
    if (sc_py_done(status, "relative_importance", 3, in, 3, out) < 0) return NULL;
    static const char *const out_names[] = {"importance", "r2", "conditional", "complete"};
    PyObject *values[4] = {(PyObject *)out[0], PyFloat_FromDouble(o.r2), (PyObject *)out[1],
                           (PyObject *)out[2]};
    return sc_py_named(4, out_names, values);
}

static PyObject *py_drivers_bootstrap(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *x_obj, *y_obj, *w_obj;
    Py_ssize_t levels, reps;
    unsigned long long seed;
    int model, method, threads = 0;
    if (!PyArg_ParseTuple(args, "OOOniinK|i", &x_obj, &y_obj, &w_obj, &levels, &model, &method,
                          &reps, &seed, &threads))
        return NULL;
    if (reps < 1) {
        PyErr_SetString(PyExc_ValueError, "bootstrap must be a positive number of replicates");
        return NULL;
    }
    PyArrayObject *in[3], *out[2];                       /* out: importance, r2 replicates */
    npy_intp n, p;
    if (data_arrays(x_obj, y_obj, w_obj, in, &n, &p) < 0) return NULL;
    if (model_method(model, method, p) < 0)
        return sc_py_fail(3, in, 0, NULL);
    const npy_intp cols[2] = {p, 0};
    if (sc_py_outputs(2, NULL, cols, (npy_intp)reps, out) < 0) return sc_py_fail(3, in, 0, NULL);
    sc_drivers_data d = {SC_DATA(in[0]), SC_DATA(in[1]), in[2] ? SC_DATA(in[2]) : NULL,
                         (size_t)n, (size_t)p, (size_t)levels};
    size_t failed = 0;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_drivers_bootstrap(&d, (sc_drivers_model)model, (sc_drivers_method)method,
                                  (size_t)reps, (uint64_t)seed, threads, SC_DATA(out[0]),
                                  SC_DATA(out[1]), &failed);
    Py_END_ALLOW_THREADS
    if (sc_py_done(status, "relative_importance", 3, in, 2, out) < 0) return NULL;
    return Py_BuildValue("NNn", out[0], out[1], (Py_ssize_t)failed);
}

static PyObject *py_drivers_percentiles(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *obj;
    double conf;
    if (!PyArg_ParseTuple(args, "Od", &obj, &conf)) return NULL;
    PyArrayObject *rep = sc_py_double_array(obj, "replicates"), *out[2];
    if (rep == NULL) return NULL;
    if (PyArray_NDIM(rep) != 2) {
        Py_DECREF(rep);
        PyErr_SetString(PyExc_ValueError, "replicates must be a 2-D array (replicates x values)");
        return NULL;
    }
    npy_intp reps = PyArray_DIM(rep, 0), m = PyArray_DIM(rep, 1);
    if (sc_py_outputs(2, NULL, NULL, m, out) < 0) return sc_py_fail(1, &rep, 0, NULL);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_drivers_percentiles(SC_DATA(rep), (size_t)reps, (size_t)m, conf, SC_DATA(out[0]),
                                    SC_DATA(out[1]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "relative_importance", 1, &rep, 2, out);
}

static PyObject *py_drivers_correlation(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *x_obj, *y_obj, *w_obj;
    if (!PyArg_ParseTuple(args, "OOO", &x_obj, &y_obj, &w_obj)) return NULL;
    PyArrayObject *in[3], *c;
    npy_intp n, p;
    if (data_arrays(x_obj, y_obj, w_obj, in, &n, &p) < 0) return NULL;
    const npy_intp p1 = p + 1;
    if (sc_py_outputs(1, NULL, &p1, p1, &c) < 0) return sc_py_fail(3, in, 0, NULL);
    sc_drivers_data d = {SC_DATA(in[0]), SC_DATA(in[1]), in[2] ? SC_DATA(in[2]) : NULL,
                         (size_t)n, (size_t)p, 0};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_drivers_correlation(&d, SC_DATA(c));
    Py_END_ALLOW_THREADS
    if (sc_py_done(status, "relative_importance", 3, in, 1, &c) < 0) return NULL;
    return (PyObject *)c;
}

static PyObject *py_drivers_limit(PyObject *self, PyObject *args)
{
    (void)self;
    int model, method;
    if (!PyArg_ParseTuple(args, "ii", &model, &method)) return NULL;
    if (model_method(model, method, -1) < 0) return NULL;
    return PyLong_FromSize_t(sc_drivers_limit((sc_drivers_model)model, (sc_drivers_method)method));
}

PyMethodDef sc_drivers_methods[] = {
    {"drivers_correlation", py_drivers_correlation, METH_VARARGS,
     "drivers_correlation(x, y, weights) -> weighted correlation matrix of (x, y), y last"},
    {"drivers_limit", py_drivers_limit, METH_VARARGS,
     "drivers_limit(model code, method code) -> largest number of drivers (0: no limit)"},
    {"logit_fit", py_logit_fit, METH_VARARGS,
     "logit_fit(x, y, weights, levels, ordinal, robust) -> {outcome, coef, cov, robust_cov,"
     " loglik, loglik_null, iterations, max_step}"},
    {"logit_wald", py_logit_wald, METH_VARARGS,
     "logit_wald(coef, se, df, conf) -> (stat, pvalue, crit); df <= 0: normal"},
    {"drivers_importance", py_drivers_importance, METH_VARARGS,
     "drivers_importance(x, y, weights, levels, model code, method code[, threads, complete])"
     " -> {importance, r2, conditional, complete}"},
    {"drivers_bootstrap", py_drivers_bootstrap, METH_VARARGS,
     "drivers_bootstrap(x, y, weights, levels, model code, method code, reps, seed[, threads])"
     " -> (importance replicates, r2 replicates, failed)"},
    {"drivers_percentiles", py_drivers_percentiles, METH_VARARGS,
     "drivers_percentiles(replicates, conf) -> (lower, upper)"},
    {NULL, NULL, 0, NULL},
};
