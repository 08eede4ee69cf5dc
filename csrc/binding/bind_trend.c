/* Binding of the rank-based trend kernels (sc_trend): trend_mk, trend_seasonal, trend_sen,
 * trend_pettitt.  Arrays arrive validated and shaped by python/scrutiny/trend.py; each call
 * returns a dict of per-series arrays. */
#include "bind.h"

#include "sc_status.h"
#include "sc_trend.h"

static const char *const MK_NAMES[] = {"s", "var_s", "z", "pvalue", "tau", "tau_b", "slope",
                                       "intercept", "nobs", "h", "trend", "status"};
static const char *const SEASONAL_NAMES[] = {"s", "var_s", "z", "pvalue", "tau", "slope",
                                             "intercept", "s_season", "var_s_season", "nobs",
                                             "h", "trend", "status"};
static const char *const SEN_NAMES[] = {"slope", "intercept", "lower", "upper", "nobs",
                                        "status"};
static const char *const PETTITT_NAMES[] = {"statistic", "pvalue", "location", "nobs",
                                            "status"};

/* The series as a (rows, n) float64 matrix and the optional shared time index (None or n
 * values), described in *d.  Returns 0, or -1 with an exception set and nothing held. */
static int series_input(PyObject *y_obj, PyObject *t_obj, int omit, PyArrayObject **y,
                        PyArrayObject **t, sc_trend_data *d)
{
    *t = NULL;
    *y = sc_py_double_array(y_obj, "y");
    if (*y == NULL) return -1;
    if (PyArray_NDIM(*y) != 2) {
        PyErr_SetString(PyExc_ValueError, "y must be a 2-D array (series x observations)");
        Py_CLEAR(*y);
        return -1;
    }
    const npy_intp n = PyArray_DIM(*y, 1);
    if (t_obj != Py_None) {
        *t = sc_py_double_array(t_obj, "t");
        if (*t == NULL || PyArray_SIZE(*t) != n) {
            if (*t != NULL)
                PyErr_Format(PyExc_ValueError, "t has %zd values but there are %zd observations",
                             (Py_ssize_t)PyArray_SIZE(*t), (Py_ssize_t)n);
            Py_CLEAR(*t);
            Py_CLEAR(*y);
            return -1;
        }
    }
    *d = (sc_trend_data){SC_DATA(*y), (size_t)PyArray_DIM(*y, 0), (size_t)n,
                         *t ? SC_DATA(*t) : NULL, omit};
    return 0;
}

#define DATA_AS(a, type) ((type *)PyArray_DATA(a))

static PyObject *py_trend_mk(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj, *t_obj;
    double alpha;
    Py_ssize_t lag;
    int method, omit, threads = 0;
    if (!PyArg_ParseTuple(args, "OOidnp|i", &y_obj, &t_obj, &method, &alpha, &lag, &omit,
                          &threads))
        return NULL;
    if (sc_py_code(method, SC_MK_TFPW + 1, "method") < 0) return NULL;
    if (lag < 0) {
        PyErr_SetString(PyExc_ValueError, "lag must be >= 0 (0: all lags)");
        return NULL;
    }
    PyArrayObject *in[2];                                /* y, t */
    sc_trend_data d;
    if (series_input(y_obj, t_obj, omit, &in[0], &in[1], &d) < 0) return NULL;
    enum { K = 12 };
    static const int types[K] = {NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE,
                                 NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_INT64, NPY_BOOL,
                                 NPY_INT8, NPY_INT8};
    PyArrayObject *a[K];
    if (sc_py_outputs(K, types, NULL, (npy_intp)d.rows, a) < 0)
        return sc_py_fail(2, in, 0, NULL);
    sc_mk_output out = {SC_DATA(a[0]), SC_DATA(a[1]), SC_DATA(a[2]), SC_DATA(a[3]), SC_DATA(a[4]),
                        SC_DATA(a[5]), SC_DATA(a[6]), SC_DATA(a[7]), DATA_AS(a[8], int64_t),
                        DATA_AS(a[9], uint8_t), DATA_AS(a[10], int8_t), DATA_AS(a[11], int8_t)};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_trend_mk(&d, (sc_mk_method)method, alpha, (size_t)lag, threads, &out);
    Py_END_ALLOW_THREADS
    return sc_py_finish_named(status, "mann_kendall", 2, in, K, a, MK_NAMES);
}

static PyObject *py_trend_seasonal(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj;
    Py_ssize_t period;
    double alpha;
    int omit, threads = 0;
    if (!PyArg_ParseTuple(args, "Ondp|i", &y_obj, &period, &alpha, &omit, &threads)) return NULL;
    if (period < 1) {
        PyErr_SetString(PyExc_ValueError, "period must be >= 1");
        return NULL;
    }
    PyArrayObject *in[2];                                /* y, t */
    sc_trend_data d;
    if (series_input(y_obj, Py_None, omit, &in[0], &in[1], &d) < 0) return NULL;
    enum { K = 13 };
    static const int types[K] = {NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE,
                                 NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_INT64,
                                 NPY_BOOL, NPY_INT8, NPY_INT8};
    const npy_intp cols[K] = {0, 0, 0, 0, 0, 0, 0, period, period, 0, 0, 0, 0};
    PyArrayObject *a[K];
    if (sc_py_outputs(K, types, cols, (npy_intp)d.rows, a) < 0)
        return sc_py_fail(2, in, 0, NULL);
    sc_seasonal_output out = {SC_DATA(a[0]), SC_DATA(a[1]), SC_DATA(a[2]), SC_DATA(a[3]),
                              SC_DATA(a[4]), SC_DATA(a[5]), SC_DATA(a[6]), SC_DATA(a[7]),
                              SC_DATA(a[8]), DATA_AS(a[9], int64_t), DATA_AS(a[10], uint8_t),
                              DATA_AS(a[11], int8_t), DATA_AS(a[12], int8_t)};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_trend_seasonal(&d, (size_t)period, alpha, threads, &out);
    Py_END_ALLOW_THREADS
    return sc_py_finish_named(status, "seasonal_mann_kendall", 2, in, K, a, SEASONAL_NAMES);
}

static PyObject *py_trend_sen(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj, *t_obj, *conf_obj;
    int omit, threads = 0;
    if (!PyArg_ParseTuple(args, "OOOp|i", &y_obj, &t_obj, &conf_obj, &omit, &threads)) return NULL;
    PyArrayObject *in[3];                                /* y, t, conf */
    if ((in[2] = sc_py_double_array(conf_obj, "conf")) == NULL) return NULL;
    sc_trend_data d;
    if (series_input(y_obj, t_obj, omit, &in[0], &in[1], &d) < 0) {
        Py_DECREF(in[2]);
        return NULL;
    }
    enum { K = 6 };
    static const int types[K] = {NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_INT64,
                                 NPY_INT8};
    const npy_intp levels = PyArray_SIZE(in[2]), cols[K] = {0, 0, levels, levels, 0, 0};
    PyArrayObject *a[K];
    if (sc_py_outputs(K, types, cols, (npy_intp)d.rows, a) < 0)
        return sc_py_fail(3, in, 0, NULL);
    sc_sen_output out = {SC_DATA(a[0]), SC_DATA(a[1]), SC_DATA(a[2]), SC_DATA(a[3]),
                         DATA_AS(a[4], int64_t), DATA_AS(a[5], int8_t)};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_trend_sen(&d, SC_DATA(in[2]), (size_t)levels, threads, &out);
    Py_END_ALLOW_THREADS
    return sc_py_finish_named(status, "sen_slope", 3, in, K, a, SEN_NAMES);
}

static PyObject *py_trend_pettitt(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj;
    int omit, threads = 0;
    if (!PyArg_ParseTuple(args, "Op|i", &y_obj, &omit, &threads)) return NULL;
    PyArrayObject *in[2];                                /* y, t */
    sc_trend_data d;
    if (series_input(y_obj, Py_None, omit, &in[0], &in[1], &d) < 0) return NULL;
    enum { K = 5 };
    static const int types[K] = {NPY_DOUBLE, NPY_DOUBLE, NPY_INT64, NPY_INT64, NPY_INT8};
    PyArrayObject *a[K];
    if (sc_py_outputs(K, types, NULL, (npy_intp)d.rows, a) < 0)
        return sc_py_fail(2, in, 0, NULL);
    sc_pettitt_output out = {SC_DATA(a[0]), SC_DATA(a[1]), DATA_AS(a[2], int64_t),
                             DATA_AS(a[3], int64_t), DATA_AS(a[4], int8_t)};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_trend_pettitt(&d, threads, &out);
    Py_END_ALLOW_THREADS
    return sc_py_finish_named(status, "pettitt", 2, in, K, a, PETTITT_NAMES);
}

PyMethodDef sc_trend_methods[] = {
    {"trend_mk", py_trend_mk, METH_VARARGS,
     "trend_mk(y, t, method code, alpha, lag, omit[, threads]) -> {s, var_s, z, pvalue, tau,"
     " tau_b, slope, intercept, nobs, h, trend, status}"},
    {"trend_seasonal", py_trend_seasonal, METH_VARARGS,
     "trend_seasonal(y, period, alpha, omit[, threads]) -> {s, var_s, z, pvalue, tau, slope,"
     " intercept, s_season, var_s_season, nobs, h, trend, status}"},
    {"trend_sen", py_trend_sen, METH_VARARGS,
     "trend_sen(y, t, conf, omit[, threads]) -> {slope, intercept, lower, upper, nobs, status}"},
    {"trend_pettitt", py_trend_pettitt, METH_VARARGS,
     "trend_pettitt(y, omit[, threads]) -> {statistic, pvalue, location, nobs, status}"},
    {NULL, NULL, 0, NULL},
};
