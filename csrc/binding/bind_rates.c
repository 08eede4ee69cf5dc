/* Binding of the rates family (sc_rates): arrays in, arrays out, the core run without the GIL.
 * The Python layer (scrutiny/rates.py) validates, broadcasts and passes equal-length 1-D
 * arrays; methods and alternatives arrive as the integer codes of sc_rates.h. */
#include "bind.h"
#include "sc_rates.h"
#include "sc_status.h"


/* x and n as int64 when both already are (no conversion), else as float64. */
static int proportion_inputs(PyObject *x_obj, PyObject *n_obj, PyArrayObject **x,
                             PyArrayObject **n, int *int64)
{
    *int64 = PyArray_Check(x_obj) && PyArray_Check(n_obj) &&
             PyArray_TYPE((PyArrayObject *)x_obj) == NPY_INT64 &&
             PyArray_TYPE((PyArrayObject *)n_obj) == NPY_INT64;
    if (!*int64) {
        PyObject *objs[2] = {x_obj, n_obj};
        static const char *names[] = {"x", "n"};
        PyArrayObject *in[2];
        npy_intp len;
        if (sc_py_double_arrays(2, objs, names, in, &len) < 0) return -1;
        *x = in[0];
        *n = in[1];
        return 0;
    }
    const int flags = NPY_ARRAY_IN_ARRAY;
    *x = (PyArrayObject *)PyArray_FROM_OTF(x_obj, NPY_INT64, flags);
    *n = *x ? (PyArrayObject *)PyArray_FROM_OTF(n_obj, NPY_INT64, flags) : NULL;
    if (*n != NULL && PyArray_SIZE(*x) == PyArray_SIZE(*n)) return 0;
    if (*n != NULL) PyErr_SetString(PyExc_ValueError, "x and n must have one length");
    Py_XDECREF(*x);
    Py_XDECREF(*n);
    return -1;
}

/* (estimate, lower, upper), or None when some count is impossible: the Python layer's
 * detailed checks then name the argument and the area. */
static PyObject *py_rates_proportion_ci(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *x_obj, *n_obj, *conf_obj;
    int method, threads, int64;
    if (!PyArg_ParseTuple(args, "OOOii:rates_proportion_ci", &x_obj, &n_obj, &conf_obj, &method,
                          &threads))
        return NULL;
    PyArrayObject *in[3], *out[1];
    if ((in[2] = sc_py_double_array(conf_obj, "conf")) == NULL) return NULL;
    if (proportion_inputs(x_obj, n_obj, &in[0], &in[1], &int64) < 0) {
        Py_DECREF(in[2]);
        return NULL;
    }
    /* One block, (1 + 2 nconf) rows of len: the estimates, then the lower and the upper limits
     * level by level.  A single allocation is one page-fault pattern, reused call to call. */
    const npy_intp len = PyArray_SIZE(in[0]), nconf = PyArray_SIZE(in[2]);
    const npy_intp dims[2] = {1 + 2 * nconf, len};
    if ((out[0] = sc_py_empty(2, dims)) == NULL) return sc_py_fail(3, in, 0, NULL);
    double *estimate = SC_DATA(out[0]), *lower = estimate + len, *upper = lower + nconf * len;
    int status;
    Py_BEGIN_ALLOW_THREADS
    if (int64)
        status = sc_rates_proportion_ci_int64(
            (const int64_t *)PyArray_DATA(in[0]), (const int64_t *)PyArray_DATA(in[1]),
            (size_t)len, SC_DATA(in[2]), (size_t)nconf, (sc_prop_method)method, threads,
            estimate, lower, upper);
    else
        status = sc_rates_proportion_ci(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)len,
                                        SC_DATA(in[2]), (size_t)nconf, (sc_prop_method)method,
                                        threads, estimate, lower, upper);
    Py_END_ALLOW_THREADS
    if (status == SC_EDOM) {
        sc_py_fail(3, in, 1, out);
        Py_RETURN_NONE;
    }
    if (sc_py_done(status, "proportion_ci", 3, in, 1, out) < 0) return NULL;
    return (PyObject *)out[0];
}

static PyObject *py_rates_rate_ci(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[4];
    int method, threads;
    if (!PyArg_ParseTuple(args, "OOOOii:rates_rate_ci", &objs[0], &objs[1], &objs[2], &objs[3],
                          &method, &threads))
        return NULL;
    static const char *names[] = {"count", "exposure", "per"};
    PyArrayObject *in[4], *out[2];                       /* in[3]: conf */
    if ((in[3] = sc_py_double_array(objs[3], "conf")) == NULL) return NULL;
    npy_intp n, nconf = PyArray_SIZE(in[3]);
    if (sc_py_prepare(3, objs, names, in, &n, 2, nconf, out) < 0)
        return sc_py_fail(4, in, 0, NULL);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_rates_rate_ci(SC_DATA(in[0]), SC_DATA(in[1]), SC_DATA(in[2]), (size_t)n,
                              SC_DATA(in[3]), (size_t)nconf, (sc_rate_method)method, threads,
                              SC_DATA(out[0]), SC_DATA(out[1]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "rate_ci", 4, in, 2, out);
}

static PyObject *py_rates_binom_test(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[3];
    int alternative, threads;
    double conf;
    if (!PyArg_ParseTuple(args, "OOOidi:rates_binom_test", &objs[0], &objs[1], &objs[2],
                          &alternative, &conf, &threads))
        return NULL;
    static const char *names[] = {"x", "n", "target"};
    PyArrayObject *in[3], *out[3];
    npy_intp n;
    if (sc_py_prepare(3, objs, names, in, &n, 3, 0, out) < 0) return NULL;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_rates_binom_test(SC_DATA(in[0]), SC_DATA(in[1]), SC_DATA(in[2]), (size_t)n,
                                 (sc_alternative)alternative, conf, threads, SC_DATA(out[0]),
                                 SC_DATA(out[1]), SC_DATA(out[2]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "test_target", 3, in, 3, out);
}

static PyObject *py_rates_poisson_test2(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[4];
    int alternative, threads;
    double conf;
    if (!PyArg_ParseTuple(args, "OOOOidi:rates_poisson_test2", &objs[0], &objs[1], &objs[2],
                          &objs[3], &alternative, &conf, &threads))
        return NULL;
    static const char *names[] = {"count1", "exposure1", "count2", "exposure2"};
    PyArrayObject *in[4], *out[3];
    npy_intp n;
    if (sc_py_prepare(4, objs, names, in, &n, 3, 0, out) < 0) return NULL;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_rates_poisson_test2(SC_DATA(in[0]), SC_DATA(in[1]), SC_DATA(in[2]), SC_DATA(in[3]),
                                    (size_t)n, (sc_alternative)alternative, conf, threads,
                                    SC_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "compare_rates", 4, in, 3, out);
}

static PyObject *py_rates_prop_test2(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[4];
    int correct, threads;
    double conf;
    if (!PyArg_ParseTuple(args, "OOOOdpi:rates_prop_test2", &objs[0], &objs[1], &objs[2],
                          &objs[3], &conf, &correct, &threads))
        return NULL;
    static const char *names[] = {"x1", "n1", "x2", "n2"};
    PyArrayObject *in[4], *out[4];
    npy_intp n;
    if (sc_py_prepare(4, objs, names, in, &n, 4, 0, out) < 0) return NULL;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_rates_prop_test2(SC_DATA(in[0]), SC_DATA(in[1]), SC_DATA(in[2]), SC_DATA(in[3]),
                                 (size_t)n, conf, correct, threads, SC_DATA(out[0]),
                                 SC_DATA(out[1]), SC_DATA(out[2]), SC_DATA(out[3]));
    Py_END_ALLOW_THREADS
    static const char *const out_names[] = {"statistic", "pvalue", "lower", "upper"};
    return sc_py_finish_named(status, "compare_proportions", 4, in, 4, out, out_names);
}

static PyObject *py_rates_homogeneity(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    int correct;
    if (!PyArg_ParseTuple(args, "OOp:rates_homogeneity", &objs[0], &objs[1], &correct)) return NULL;
    static const char *names[] = {"x", "n"};
    PyArrayObject *in[2];
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    double statistic, pvalue;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_rates_homogeneity(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)n, correct, &statistic,
                                  &pvalue);
    Py_END_ALLOW_THREADS
    sc_py_release(2, in);
    if (status != 0) return sc_py_raise(status, "homogeneity");
    return Py_BuildValue("dd", statistic, pvalue);
}

static PyObject *py_rates_dsr(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[4];
    double min_count, per;
    int threads;
    if (!PyArg_ParseTuple(args, "OOOOddi:rates_dsr", &objs[0], &objs[1], &objs[2], &objs[3],
                          &min_count, &per, &threads))
        return NULL;
    static const char *names[] = {"counts", "populations"};
    PyArrayObject *in[4] = {NULL, NULL, NULL, NULL}, *out[3];
    npy_intp n;
    in[2] = sc_py_double_array(objs[2], "standard");
    in[3] = in[2] ? sc_py_double_array(objs[3], "conf") : NULL;
    if (in[3] == NULL) return sc_py_fail(4, in, 0, NULL);
    npy_intp bands = PyArray_SIZE(in[2]), nconf = PyArray_SIZE(in[3]);
    if (bands == 0) {
        sc_py_fail(4, in, 0, NULL);
        return sc_py_raise(SC_EEMPTY, "dsr");
    }
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return sc_py_fail(4, in, 0, NULL);
    if (PyArray_NDIM(in[0]) != 2 || PyArray_DIM(in[0], 1) != bands) {
        sc_py_fail(4, in, 0, NULL);
        PyErr_Format(PyExc_ValueError, "dsr: counts must be a 2-D table with one column per band (%zd)",
                     (Py_ssize_t)bands);
        return NULL;
    }
    const npy_intp areas = n / bands, cols[3] = {0, nconf, nconf};
    if (sc_py_outputs(3, NULL, cols, areas, out) < 0) return sc_py_fail(4, in, 0, NULL);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_rates_dsr(SC_DATA(in[0]), SC_DATA(in[1]), SC_DATA(in[2]), (size_t)areas,
                          (size_t)bands, SC_DATA(in[3]), (size_t)nconf, min_count, per, threads,
                          SC_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "dsr", 4, in, 3, out);
}

PyMethodDef sc_rates_methods[] = {
    {"rates_proportion_ci", py_rates_proportion_ci, METH_VARARGS,
     "rates_proportion_ci(x, n, conf, method, threads) -> array (1 + 2 nconf, len): estimates, "
     "lower limits by level, upper limits by level; None when a count is impossible"},
    {"rates_rate_ci", py_rates_rate_ci, METH_VARARGS,
     "rates_rate_ci(count, exposure, per, conf, method, threads) -> (lower, upper)"},
    {"rates_binom_test", py_rates_binom_test, METH_VARARGS,
     "rates_binom_test(x, n, target, alternative, conf, threads) -> (pvalue, lower, upper)"},
    {"rates_poisson_test2", py_rates_poisson_test2, METH_VARARGS,
     "rates_poisson_test2(count1, exposure1, count2, exposure2, alternative, conf, threads)"
     " -> (pvalue, lower, upper)"},
    {"rates_prop_test2", py_rates_prop_test2, METH_VARARGS,
     "rates_prop_test2(x1, n1, x2, n2, conf, correct, threads) -> {statistic, pvalue, lower,"
     " upper}"},
    {"rates_homogeneity", py_rates_homogeneity, METH_VARARGS,
     "rates_homogeneity(x, n, correct) -> (statistic, pvalue)"},
    {"rates_dsr", py_rates_dsr, METH_VARARGS,
     "rates_dsr(counts, populations, standard, conf, min_count, per, threads)"
     " -> (value, lower, upper)"},
    {NULL, NULL, 0, NULL},
};
