/* Binding of the waits kernels (sc_waits): waits_fit, waits_band, waits_quantile,
 * waits_median, waits_backlog.  Arrays arrive validated by python/scrutiny/waits.py. */
#include "bind.h"

#include <string.h>

#include "sc_status.h"
#include "sc_waits.h"

static const char *const CONF_TYPES[] = {"log", "log-log", "plain", "logit", "arcsin", NULL};

enum { N_COLS = 6 };

/* waits_fit(time, status, group, k, tol, rho): the Kaplan-Meier rows of every group and, when
 * rho >= 0, the G-rho test. */
static PyObject *py_waits_fit(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *t_obj, *s_obj, *g_obj;
    Py_ssize_t k;
    double tol, rho;
    if (!PyArg_ParseTuple(args, "OOOndd", &t_obj, &s_obj, &g_obj, &k, &tol, &rho)) return NULL;
    if (k < 1) {
        PyErr_SetString(PyExc_ValueError, "waits_fit: k must be >= 1");
        return NULL;
    }
    PyObject *objs[2] = {t_obj, s_obj};
    const char *names[2] = {"durations", "observed"};
    PyArrayObject *arr[2], *group = NULL, *cols[N_COLS] = {NULL}, *rows_arr = NULL;
    PyArrayObject *counts = NULL, *obs = NULL, *expd = NULL, *var = NULL;
    double *buf = NULL;
    size_t *rows = NULL;
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, arr, &n) < 0) return NULL;
    if (g_obj != Py_None) {
        group = (PyArrayObject *)PyArray_FROM_OTF(g_obj, NPY_INT64,
                                                  NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
        if (group == NULL) goto fail;
        if (PyArray_SIZE(group) != n) {
            PyErr_SetString(PyExc_ValueError, "group must hold one label per duration");
            goto fail;
        }
    }
    const npy_intp kk = k, kdims[2] = {k, k};
    const int test = rho >= 0;
    buf = malloc((size_t)(n > 0 ? n : 1) * N_COLS * sizeof *buf);
    rows = malloc((size_t)k * sizeof *rows);
    counts = sc_py_empty(1, &kk);
    if (test) {
        obs = sc_py_empty(1, &kk);
        expd = sc_py_empty(1, &kk);
        var = sc_py_empty(2, kdims);
    }
    if (buf == NULL || rows == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    if (counts == NULL || (test && (obs == NULL || expd == NULL || var == NULL))) goto fail;

    double chisq = 0.0, df = 0.0, pvalue = 1.0;
    int status;
    const double *tp = SC_DATA(arr[0]), *sp = SC_DATA(arr[1]);
    const int64_t *gp = group ? (const int64_t *)PyArray_DATA(group) : NULL;
    Py_BEGIN_ALLOW_THREADS
    sc_waits_workspace *w = sc_waits_alloc((size_t)n, (size_t)k);
    if (w == NULL) {
        status = SC_ENOMEM;
    } else {
        status = sc_waits_load(tp, sp, gp, (size_t)n, (size_t)k, tol, w, SC_DATA(counts));
        if (status == SC_SUCCESS)
            status = sc_waits_km(w, buf, buf + n, buf + 2 * n, buf + 3 * n, buf + 4 * n,
                                 buf + 5 * n, rows);
        if (status == SC_SUCCESS && test) {
            status = sc_waits_logrank(w, rho, SC_DATA(obs), SC_DATA(expd), SC_DATA(var),
                                      &chisq, &df, &pvalue);
            if (status == SC_ESINGULAR) status = SC_SUCCESS;   /* no test: NaN statistic */
        }
    }
    sc_waits_free(w);
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "kaplan_meier");
        goto fail;
    }
    npy_intp total = 0;
    for (Py_ssize_t g = 0; g < k; g++) total += (npy_intp)rows[g];
    for (int c = 0; c < N_COLS; c++) {
        if ((cols[c] = sc_py_empty(1, &total)) == NULL) goto fail;
        memcpy(PyArray_DATA(cols[c]), buf + c * n, (size_t)total * sizeof *buf);
    }
    if ((rows_arr = (PyArrayObject *)PyArray_EMPTY(1, &kk, NPY_INT64, 0)) == NULL) goto fail;
    for (Py_ssize_t g = 0; g < k; g++) ((int64_t *)PyArray_DATA(rows_arr))[g] = (int64_t)rows[g];
    free(buf);
    free(rows);
    sc_py_release(2, arr);
    Py_XDECREF(group);
    PyObject *tested = test ? Py_BuildValue("NNNddd", obs, expd, var, chisq, df, pvalue)
                            : (Py_INCREF(Py_None), Py_None);
    if (tested == NULL) {
        obs = expd = var = NULL;
        for (int c = 0; c < N_COLS; c++) Py_XDECREF(cols[c]);
        Py_DECREF(rows_arr);
        Py_DECREF(counts);
        return NULL;
    }
    return Py_BuildValue("NNNNNNNNN", cols[0], cols[1], cols[2], cols[3], cols[4], cols[5],
                         rows_arr, counts, tested);
fail:
    free(buf);
    free(rows);
    sc_py_release(2, arr);
    Py_XDECREF(group);
    for (int c = 0; c < N_COLS; c++) Py_XDECREF(cols[c]);
    Py_XDECREF(rows_arr);
    Py_XDECREF(counts);
    Py_XDECREF(obs);
    Py_XDECREF(expd);
    Py_XDECREF(var);
    return NULL;
}

/* waits_band(surv, std_err, conf_type, conf) -> (lower, upper) */
static PyObject *py_waits_band(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    const char *type_name;
    double conf;
    if (!PyArg_ParseTuple(args, "OOsd", &objs[0], &objs[1], &type_name, &conf)) return NULL;
    const int type = sc_py_lookup(type_name, CONF_TYPES, "conf_type");
    if (type < 0) return NULL;
    if (!(conf > 0 && conf < 1)) {
        PyErr_SetString(PyExc_ValueError, "conf must lie in (0, 1)");
        return NULL;
    }
    const char *names[2] = {"surv", "std_err"};
    PyArrayObject *arr[2];
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, arr, &n) < 0) return NULL;
    PyArrayObject *lower = sc_py_empty(1, &n), *upper = sc_py_empty(1, &n);
    if (lower == NULL || upper == NULL) {
        sc_py_release(2, arr);
        Py_XDECREF(lower);
        Py_XDECREF(upper);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    sc_waits_band(SC_DATA(arr[0]), SC_DATA(arr[1]), (size_t)n, (sc_waits_conf)type, conf,
                  SC_DATA(lower), SC_DATA(upper));
    Py_END_ALLOW_THREADS
    sc_py_release(2, arr);
    return Py_BuildValue("NN", lower, upper);
}

/* waits_quantile(time, curve, probs, firstx, tol) -> quantiles */
static PyObject *py_waits_quantile(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2], *p_obj;
    double firstx, tol;
    if (!PyArg_ParseTuple(args, "OOOdd", &objs[0], &objs[1], &p_obj, &firstx, &tol)) return NULL;
    const char *names[2] = {"time", "curve"};
    PyArrayObject *arr[2];
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, arr, &n) < 0) return NULL;
    PyArrayObject *p = sc_py_double_array(p_obj, "q"), *out = NULL;
    if (p == NULL) goto done;
    npy_intp m = PyArray_SIZE(p);
    if ((out = sc_py_empty(1, &m)) == NULL) goto done;
    const double *tp = SC_DATA(arr[0]), *cp = SC_DATA(arr[1]), *pp = SC_DATA(p);
    double *op = SC_DATA(out);
    Py_BEGIN_ALLOW_THREADS
    for (npy_intp j = 0; j < m; j++)
        op[j] = sc_waits_quantile(tp, cp, (size_t)n, firstx, pp[j], tol);
    Py_END_ALLOW_THREADS
done:
    sc_py_release(2, arr);
    Py_XDECREF(p);
    return (PyObject *)out;
}

/* waits_median(time, curve, tol) -> float */
static PyObject *py_waits_median(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    double tol;
    if (!PyArg_ParseTuple(args, "OOd", &objs[0], &objs[1], &tol)) return NULL;
    const char *names[2] = {"time", "curve"};
    PyArrayObject *arr[2];
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, arr, &n) < 0) return NULL;
    double med;
    Py_BEGIN_ALLOW_THREADS
    med = sc_waits_median(SC_DATA(arr[0]), SC_DATA(arr[1]), (size_t)n, tol);
    Py_END_ALLOW_THREADS
    sc_py_release(2, arr);
    return PyFloat_FromDouble(med);
}

/* waits_backlog(received, decided, bounds, target) -> (arrivals, completions, open, over) */
static PyObject *py_waits_backlog(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2], *b_obj;
    double target;
    if (!PyArg_ParseTuple(args, "OOOd", &objs[0], &objs[1], &b_obj, &target)) return NULL;
    const char *names[2] = {"received", "decided"};
    PyArrayObject *arr[2], *bounds = NULL, *out[4] = {NULL};
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, arr, &n) < 0) return NULL;
    if ((bounds = sc_py_double_array(b_obj, "bounds")) == NULL) goto fail;
    npy_intp periods = PyArray_SIZE(bounds) - 1;
    if (periods < 1) {
        PyErr_SetString(PyExc_ValueError, "backlog: at least one period is needed");
        goto fail;
    }
    for (int c = 0; c < 4; c++)
        if ((out[c] = sc_py_empty(1, &periods)) == NULL) goto fail;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_waits_backlog(SC_DATA(arr[0]), SC_DATA(arr[1]), (size_t)n, SC_DATA(bounds),
                              (size_t)periods, target, SC_DATA(out[0]), SC_DATA(out[1]),
                              SC_DATA(out[2]), SC_DATA(out[3]));
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "backlog");
        goto fail;
    }
    sc_py_release(2, arr);
    Py_DECREF(bounds);
    return Py_BuildValue("NNNN", out[0], out[1], out[2], out[3]);
fail:
    sc_py_release(2, arr);
    Py_XDECREF(bounds);
    for (int c = 0; c < 4; c++) Py_XDECREF(out[c]);
    return NULL;
}

PyMethodDef sc_waits_methods[] = {
    {"waits_fit", py_waits_fit, METH_VARARGS,
     "waits_fit(time, status, group, k, tol, rho) -> (time, n_risk, n_event, n_censor, surv,"
     " std_err, rows, counts, test); test = (observed, expected, var, chisq, df, pvalue) when"
     " rho >= 0, else None"},
    {"waits_band", py_waits_band, METH_VARARGS,
     "waits_band(surv, std_err, conf_type, conf) -> (lower, upper)"},
    {"waits_quantile", py_waits_quantile, METH_VARARGS,
     "waits_quantile(time, curve, probs, firstx, tol) -> quantiles (quantile.survfit)"},
    {"waits_median", py_waits_median, METH_VARARGS,
     "waits_median(time, curve, tol) -> median (print.survfit)"},
    {"waits_backlog", py_waits_backlog, METH_VARARGS,
     "waits_backlog(received, decided, bounds, target) -> (arrivals, completions, open, over)"},
    {NULL, NULL, 0, NULL},
};
