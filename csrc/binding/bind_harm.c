/* Binding of the harm kernels (sc_harm): harm_sums, harm_ci, harm_trend.  Arrays arrive
 * validated and shaped by python/scrutiny/harm.py. */
#include "bind.h"

#include <stdint.h>

#include "sc_harm.h"
#include "sc_status.h"


static PyObject *py_harm_sums(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2], *group_obj;
    Py_ssize_t groups;
    if (!PyArg_ParseTuple(args, "OOOn", &objs[0], &objs[1], &group_obj, &groups)) return NULL;
    if (groups < 0 || (size_t)groups > SC_HARM_MAX_GROUPS) {
        PyErr_Format(PyExc_ValueError, "harm_sums: groups must be >= 0 and <= %zu",
                     SC_HARM_MAX_GROUPS);
        return NULL;
    }
    const char *names[2] = {"count", "weight"};
    PyArrayObject *in[3], *out[3];                       /* in[2]: group */
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    if ((in[2] = sc_py_typed_array(group_obj, NPY_INT64, "group")) == NULL)
        return sc_py_fail(2, in, 0, NULL);
    if (PyArray_SIZE(in[2]) != n) {
        PyErr_Format(PyExc_ValueError, "group has %zd values but count has %zd",
                     (Py_ssize_t)PyArray_SIZE(in[2]), (Py_ssize_t)n);
        return sc_py_fail(3, in, 0, NULL);
    }
    if (sc_py_outputs(3, NULL, NULL, groups, out) < 0) return sc_py_fail(3, in, 0, NULL);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_harm_sums(SC_DATA(in[0]), SC_DATA(in[1]), (const int64_t *)PyArray_DATA(in[2]),
                          (size_t)n, (size_t)groups, SC_DATA(out[0]), SC_DATA(out[1]),
                          SC_DATA(out[2]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "harm_index", 3, in, 3, out);
}

static PyObject *py_harm_ci(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[3], *conf_obj;
    double max_weight;
    int method, threads = 0;
    if (!PyArg_ParseTuple(args, "OOOdOi|i", &objs[0], &objs[1], &objs[2], &max_weight, &conf_obj,
                          &method, &threads))
        return NULL;
    if (sc_py_code(method, SC_HARM_NORMAL + 1, "method") < 0) return NULL;
    const char *names[3] = {"harm", "variance", "scale"};
    PyArrayObject *in[4], *out[2];                       /* in[3]: conf */
    npy_intp n;
    if (sc_py_double_arrays(3, objs, names, in, &n) < 0) return NULL;
    if ((in[3] = sc_py_double_array(conf_obj, "conf")) == NULL) return sc_py_fail(3, in, 0, NULL);
    const npy_intp nconf = PyArray_SIZE(in[3]), cols[2] = {nconf, nconf};
    if (sc_py_outputs(2, NULL, cols, n, out) < 0) return sc_py_fail(4, in, 0, NULL);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_harm_ci(SC_DATA(in[0]), SC_DATA(in[1]), SC_DATA(in[2]), (size_t)n, max_weight,
                        SC_DATA(in[3]), (size_t)nconf, (sc_harm_ci_method)method, threads,
                        SC_DATA(out[0]), SC_DATA(out[1]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "harm_index", 4, in, 2, out);
}

/* A (rows, n) float64 array, or NULL with an exception. */
static PyArrayObject *matrix(PyObject *obj, const char *name, npy_intp rows, npy_intp n)
{
    PyArrayObject *a = sc_py_double_array(obj, name);
    if (a != NULL && (PyArray_NDIM(a) != 2 || (rows >= 0 && (PyArray_DIM(a, 0) != rows ||
                                                             PyArray_DIM(a, 1) != n)))) {
        PyErr_Format(PyExc_ValueError, "%s must be a 2-D array (series x periods) of the shape "
                     "of harm", name);
        Py_CLEAR(a);
    }
    return a;
}

/* Inputs: harm, variance, exposure (optional), t, season (optional).  Outputs: params, bse,
 * pvalues (rows x p), crit, deviance, dispersion, theta, nobs, compound, scale, status. */
enum { N_IN = 5, N_OUT = 11 };
static const char *const NAMES[N_OUT] = {"params", "bse", "pvalues", "crit", "deviance",
                                         "dispersion", "theta", "nobs", "compound", "scale",
                                         "status"};

static PyObject *py_harm_trend(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj, *v_obj, *exp_obj, *t_obj, *season_obj;
    Py_ssize_t exp_row, exp_col, n_seasons;
    double conf;
    int dispersion, omit, threads = 0;
    if (!PyArg_ParseTuple(args, "OOOnnOOnidp|i", &y_obj, &v_obj, &exp_obj, &exp_row, &exp_col,
                          &t_obj, &season_obj, &n_seasons, &dispersion, &conf, &omit, &threads))
        return NULL;
    if (sc_py_code(dispersion, SC_HARM_ESTIMATE + 1, "dispersion") < 0) return NULL;
    if (n_seasons < 1 || exp_row < 0 || exp_col < 0) {
        PyErr_SetString(PyExc_ValueError, "harm_trend: n_seasons must be >= 1, strides >= 0");
        return NULL;
    }
    PyArrayObject *in[N_IN] = {NULL}, *out[N_OUT] = {NULL};
    if ((in[0] = matrix(y_obj, "harm", -1, 0)) == NULL) return NULL;
    const npy_intp rows = PyArray_DIM(in[0], 0), n = PyArray_DIM(in[0], 1), p = 1 + n_seasons;
    if ((in[1] = matrix(v_obj, "variance", rows, n)) == NULL) goto fail;
    if (exp_obj != Py_None) {
        if ((in[2] = sc_py_double_array(exp_obj, "exposure")) == NULL) goto fail;
        const npy_intp size = PyArray_SIZE(in[2]);      /* reach checked without overflow */
        if (rows > 0 && n > 0 &&
            (size == 0 || (rows > 1 && exp_row > (size - 1) / (rows - 1)) ||
             (n > 1 && exp_col > (size - 1 - (rows - 1) * exp_row) / (n - 1)))) {
            PyErr_SetString(PyExc_ValueError, "exposure strides reach outside the exposure array");
            goto fail;
        }
    }
    if ((in[3] = sc_py_double_array(t_obj, "t")) == NULL) goto fail;
    if (PyArray_SIZE(in[3]) != n) {
        PyErr_SetString(PyExc_ValueError, "t must hold one value per period");
        goto fail;
    }
    if (season_obj != Py_None) {
        if ((in[4] = sc_py_typed_array(season_obj, NPY_INT, "season")) == NULL) goto fail;
        if (PyArray_SIZE(in[4]) != n) {
            PyErr_SetString(PyExc_ValueError, "season must hold one code per period");
            goto fail;
        }
    }
    static const int types[N_OUT] = {NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE,
                                     NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE,
                                     NPY_INT};
    const npy_intp cols[N_OUT] = {p, p, p};
    if (sc_py_outputs(N_OUT, types, cols, rows, out) < 0) goto fail;
    const sc_glm_data data = {SC_DATA(in[0]), (size_t)rows, (size_t)n,
                              in[2] ? SC_DATA(in[2]) : NULL, (size_t)exp_row, (size_t)exp_col,
                              omit, in[2] ? (size_t)PyArray_SIZE(in[2]) : 0};
    sc_glm_output res = {SC_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]), SC_DATA(out[3]),
                         SC_DATA(out[4]), SC_DATA(out[5]), SC_DATA(out[6]), SC_DATA(out[7]),
                         (int *)PyArray_DATA(out[10])};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_harm_trend(&data, SC_DATA(in[1]), SC_DATA(in[3]),
                           in[4] ? (const int *)PyArray_DATA(in[4]) : NULL, (size_t)n_seasons,
                           (sc_harm_dispersion)dispersion, conf, threads, &res, SC_DATA(out[8]),
                           SC_DATA(out[9]));
    Py_END_ALLOW_THREADS
    return sc_py_finish_named(status, "harm_trend", N_IN, in, N_OUT, out, NAMES);
fail:
    return sc_py_fail(N_IN, in, N_OUT, out);
}

PyMethodDef sc_harm_methods[] = {
    {"harm_sums", py_harm_sums, METH_VARARGS,
     "harm_sums(count, weight, group, groups) -> (total, harm, variance)"},
    {"harm_ci", py_harm_ci, METH_VARARGS,
     "harm_ci(harm, variance, scale, max_weight, conf, method code[, threads]) -> (lower, upper)"},
    {"harm_trend", py_harm_trend, METH_VARARGS,
     "harm_trend(harm, variance, exposure, exp_row, exp_col, t, season, n_seasons, dispersion"
     " code, conf, omit[, threads]) -> {params, bse, pvalues, crit, deviance, dispersion, theta,"
     " nobs, compound, scale, status}"},
    {NULL, NULL, 0, NULL},
};
