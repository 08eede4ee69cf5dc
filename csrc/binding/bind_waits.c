/* Binding of the waits kernels (sc_waits): waits_fit, waits_band, waits_quantile,
 * waits_median, waits_backlog.  Arrays arrive validated by python/scrutiny/waits.py. */
#include "bind.h"

#include <string.h>

#include "sc_status.h"
#include "sc_waits.h"

/* The Kaplan-Meier columns of waits_fit, then the rows of each group and the counts per
 * group; the G-rho test's per-group outputs, then its statistic. */
enum { N_COLS = 6 };
static const char *const FIT_NAMES[N_COLS + 3] = {"time", "n_risk", "n_event", "n_censor",
                                                  "surv", "std_err", "rows", "counts", "test"};
static const char *const TEST_NAMES[6] = {"observed", "expected", "var", "chisq", "df",
                                          "pvalue"};

/* One call's data: durations and observed as float64, group (optional) as int64 labels
 * 0..k-1, all of length *n.  Returns 0, or -1 with an exception set and nothing held. */
static int fit_inputs(PyObject *t_obj, PyObject *s_obj, PyObject *g_obj, PyArrayObject **in,
                      npy_intp *n)
{
    PyObject *objs[2] = {t_obj, s_obj};
    const char *names[2] = {"durations", "observed"};
    in[2] = NULL;
    if (sc_py_double_arrays(2, objs, names, in, n) < 0) return -1;
    if (g_obj == Py_None) return 0;
    if ((in[2] = sc_py_typed_array(g_obj, NPY_INT64, "group")) != NULL &&
        PyArray_SIZE(in[2]) == *n)
        return 0;
    if (in[2] != NULL) PyErr_SetString(PyExc_ValueError, "group must hold one label per duration");
    sc_py_release(3, in);
    return -1;
}

/* The G-rho test's outputs and statistic of one call. */
typedef struct {
    double chisq, df, pvalue;
} fit_test;

/* The kernel, without the GIL: load the data, the Kaplan-Meier columns into buf (N_COLS
 * blocks of n) and rows[k], and, when lr[1] is set, the G-rho test into lr[1..3] and *test.
 * Returns the core status (a singular test is no error: its statistic stays NaN). */
static int fit_kernel(PyArrayObject **in, npy_intp n, Py_ssize_t k, double tol, double rho,
                      double *buf, size_t *rows, PyArrayObject **lr, fit_test *test)
{
    const double *tp = SC_DATA(in[0]), *sp = SC_DATA(in[1]);
    const int64_t *gp = in[2] ? (const int64_t *)PyArray_DATA(in[2]) : NULL;
    int status;
    Py_BEGIN_ALLOW_THREADS
    sc_waits_workspace *w = sc_waits_alloc((size_t)n, (size_t)k);
    if (w == NULL) {
        status = SC_ENOMEM;
    } else {
        status = sc_waits_load(tp, sp, gp, (size_t)n, (size_t)k, tol, w, SC_DATA(lr[0]));
        if (status == SC_SUCCESS)
            status = sc_waits_km(w, buf, buf + n, buf + 2 * n, buf + 3 * n, buf + 4 * n,
                                 buf + 5 * n, rows);
        if (status == SC_SUCCESS && lr[1] != NULL) {
            status = sc_waits_logrank(w, rho, SC_DATA(lr[1]), SC_DATA(lr[2]), SC_DATA(lr[3]),
                                      &test->chisq, &test->df, &test->pvalue);
            if (status == SC_ESINGULAR) status = SC_SUCCESS;   /* no test: NaN statistic */
        }
    }
    sc_waits_free(w);
    Py_END_ALLOW_THREADS
    return status;
}

/* The Kaplan-Meier columns (the first total rows of each block of buf) and the rows of each
 * group as new arrays in km[0..N_COLS].  Returns 0, or -1 with an exception set and none held. */
static int km_arrays(const double *buf, npy_intp n, const size_t *rows, Py_ssize_t k,
                     PyArrayObject **km)
{
    npy_intp total = 0;
    const npy_intp kk = k;
    for (Py_ssize_t g = 0; g < k; g++) total += (npy_intp)rows[g];
    if (sc_py_outputs(N_COLS, NULL, NULL, total, km) < 0) return -1;
    for (int c = 0; c < N_COLS; c++)
        memcpy(PyArray_DATA(km[c]), buf + c * n, (size_t)total * sizeof *buf);
    if ((km[N_COLS] = (PyArrayObject *)PyArray_EMPTY(1, &kk, NPY_INT64, 0)) == NULL) {
        sc_py_release(N_COLS, km);
        return -1;
    }
    for (Py_ssize_t g = 0; g < k; g++) ((int64_t *)PyArray_DATA(km[N_COLS]))[g] = (int64_t)rows[g];
    return 0;
}

/* waits_fit(time, status, group, k, tol, rho): the Kaplan-Meier rows of every group and, when
 * rho >= 0, the G-rho test. */
static PyObject *py_waits_fit(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *t_obj, *s_obj, *g_obj;
    Py_ssize_t k;
    double tol, rho;
    if (!PyArg_ParseTuple(args, "OOOndd", &t_obj, &s_obj, &g_obj, &k, &tol, &rho)) return NULL;
    if (k < 1 || (size_t)k > (rho >= 0 ? SC_WAITS_MAX_TEST_GROUPS : SC_WAITS_MAX_GROUPS)) {
        PyErr_Format(PyExc_ValueError, "waits_fit: k must be >= 1 and <= %zu",
                     rho >= 0 ? SC_WAITS_MAX_TEST_GROUPS : SC_WAITS_MAX_GROUPS);
        return NULL;
    }
    /* in: durations, observed, group; lr: counts per group, then (with the test) observed,
     * expected, var; km: the Kaplan-Meier columns, then the rows of each group */
    PyArrayObject *in[3], *lr[4] = {NULL}, *km[N_COLS + 1] = {NULL};
    double *buf = NULL;
    size_t *rows = NULL;
    npy_intp n;
    if (fit_inputs(t_obj, s_obj, g_obj, in, &n) < 0) return NULL;
    const npy_intp lr_cols[4] = {0, 0, 0, k};
    const int test = rho >= 0;
    fit_test stat = {0.0, 0.0, 1.0};
    if (sc_py_outputs(test ? 4 : 1, NULL, lr_cols, k, lr) < 0) goto fail;
    buf = malloc((size_t)(n > 0 ? n : 1) * N_COLS * sizeof *buf);
    rows = malloc((size_t)k * sizeof *rows);
    if (buf == NULL || rows == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    const int status = fit_kernel(in, n, k, tol, rho, buf, rows, lr, &stat);
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "kaplan_meier");
        goto fail;
    }
    if (km_arrays(buf, n, rows, k, km) < 0) goto fail;
    free(buf);
    free(rows);
    sc_py_release(3, in);
    PyObject *values[N_COLS + 3] = {NULL};
    for (int c = 0; c <= N_COLS; c++) values[c] = (PyObject *)km[c];
    values[N_COLS + 1] = (PyObject *)lr[0];
    if (test) {
        PyObject *t[6] = {(PyObject *)lr[1], (PyObject *)lr[2], (PyObject *)lr[3],
                          PyFloat_FromDouble(stat.chisq), PyFloat_FromDouble(stat.df),
                          PyFloat_FromDouble(stat.pvalue)};
        values[N_COLS + 2] = sc_py_named(6, TEST_NAMES, t);
    }
    return sc_py_named(N_COLS + 3, FIT_NAMES, values);
fail:
    free(buf);
    free(rows);
    sc_py_release(N_COLS + 1, km);
    return sc_py_fail(3, in, 4, lr);
}

/* waits_band(surv, std_err, conf_type code, conf) -> (lower, upper) */
static PyObject *py_waits_band(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    int type;
    double conf;
    if (!PyArg_ParseTuple(args, "OOid", &objs[0], &objs[1], &type, &conf)) return NULL;
    if (sc_py_code(type, SC_WAITS_ARCSIN + 1, "conf_type") < 0) return NULL;
    if (!(conf > 0 && conf < 1)) {
        PyErr_SetString(PyExc_ValueError, "conf must lie in (0, 1)");
        return NULL;
    }
    const char *names[2] = {"surv", "std_err"};
    PyArrayObject *in[2], *out[2];
    npy_intp n;
    if (sc_py_prepare(2, objs, names, in, &n, 2, 0, out) < 0) return NULL;
    Py_BEGIN_ALLOW_THREADS
    sc_waits_band(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)n, (sc_waits_conf)type, conf,
                  SC_DATA(out[0]), SC_DATA(out[1]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(SC_SUCCESS, "waits_band", 2, in, 2, out);
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

/* waits_backlog(received, decided, bounds, target) -> {arrivals, completions, open, over} */
static PyObject *py_waits_backlog(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2], *b_obj;
    double target;
    if (!PyArg_ParseTuple(args, "OOOd", &objs[0], &objs[1], &b_obj, &target)) return NULL;
    const char *names[2] = {"received", "decided"};
    PyArrayObject *in[3], *out[4];                       /* in[2]: bounds */
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    if ((in[2] = sc_py_double_array(b_obj, "bounds")) == NULL) return sc_py_fail(2, in, 0, NULL);
    const npy_intp periods = PyArray_SIZE(in[2]) - 1;
    if (periods < 1) {
        PyErr_SetString(PyExc_ValueError, "backlog: at least one period is needed");
        return sc_py_fail(3, in, 0, NULL);
    }
    if (sc_py_outputs(4, NULL, NULL, periods, out) < 0) return sc_py_fail(3, in, 0, NULL);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_waits_backlog(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)n, SC_DATA(in[2]),
                              (size_t)periods, target, SC_DATA(out[0]), SC_DATA(out[1]),
                              SC_DATA(out[2]), SC_DATA(out[3]));
    Py_END_ALLOW_THREADS
    static const char *const out_names[] = {"arrivals", "completions", "open", "over"};
    return sc_py_finish_named(status, "backlog", 3, in, 4, out, out_names);
}

PyMethodDef sc_waits_methods[] = {
    {"waits_fit", py_waits_fit, METH_VARARGS,
     "waits_fit(time, status, group, k, tol, rho) -> {time, n_risk, n_event, n_censor, surv,"
     " std_err, rows, counts, test}; test = {observed, expected, var, chisq, df, pvalue} when"
     " rho >= 0, else None"},
    {"waits_band", py_waits_band, METH_VARARGS,
     "waits_band(surv, std_err, conf_type code, conf) -> (lower, upper)"},
    {"waits_quantile", py_waits_quantile, METH_VARARGS,
     "waits_quantile(time, curve, probs, firstx, tol) -> quantiles (quantile.survfit)"},
    {"waits_median", py_waits_median, METH_VARARGS,
     "waits_median(time, curve, tol) -> median (print.survfit)"},
    {"waits_backlog", py_waits_backlog, METH_VARARGS,
     "waits_backlog(received, decided, bounds, target) -> {arrivals, completions, open, over}"},
    {NULL, NULL, 0, NULL},
};
