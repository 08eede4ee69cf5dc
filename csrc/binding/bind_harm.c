/* Binding of the harm kernels (sc_harm): harm_sums, harm_ci, harm_trend.  Arrays arrive
 * validated and shaped by python/scrutiny/harm.py. */
#include "bind.h"

#include <stdint.h>

#include "sc_harm.h"
#include "sc_status.h"

static const char *const CI_METHODS[] = {"gamma", "normal", NULL};
static const char *const DISPERSIONS[] = {"compound", "estimate", NULL};

/* obj as a C-contiguous array of `type` (new reference), or NULL with a TypeError naming it. */
static PyArrayObject *typed_array(PyObject *obj, int type, const char *name)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROM_OTF(
        obj, type, NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
    if (a == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "%s must be numeric (got %.100s)", name,
                     Py_TYPE(obj)->tp_name);
    }
    return a;
}

static PyObject *py_harm_sums(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2], *group_obj;
    Py_ssize_t groups;
    if (!PyArg_ParseTuple(args, "OOOn", &objs[0], &objs[1], &group_obj, &groups)) return NULL;
    if (groups < 0) {
        PyErr_SetString(PyExc_ValueError, "harm_sums: groups must be >= 0");
        return NULL;
    }
    const char *names[2] = {"count", "weight"};
    PyArrayObject *in[2], *group = NULL, *out[3] = {NULL, NULL, NULL};
    npy_intp n, g = groups;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    if ((group = typed_array(group_obj, NPY_INT64, "group")) == NULL) goto fail;
    if (PyArray_SIZE(group) != n) {
        PyErr_Format(PyExc_ValueError, "group has %zd values but count has %zd",
                     (Py_ssize_t)PyArray_SIZE(group), (Py_ssize_t)n);
        goto fail;
    }
    for (int k = 0; k < 3; k++)
        if ((out[k] = sc_py_empty(1, &g)) == NULL) goto fail;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_harm_sums(SC_DATA(in[0]), SC_DATA(in[1]), (const int64_t *)PyArray_DATA(group),
                          (size_t)n, (size_t)g, SC_DATA(out[0]), SC_DATA(out[1]),
                          SC_DATA(out[2]));
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "harm_index");
        goto fail;
    }
    sc_py_release(2, in);
    Py_DECREF(group);
    return Py_BuildValue("NNN", out[0], out[1], out[2]);
fail:
    sc_py_release(2, in);
    Py_XDECREF(group);
    for (int k = 0; k < 3; k++) Py_XDECREF(out[k]);
    return NULL;
}

static PyObject *py_harm_ci(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[3], *conf_obj;
    const char *method_name;
    double max_weight;
    int threads = 0;
    if (!PyArg_ParseTuple(args, "OOOdOs|i", &objs[0], &objs[1], &objs[2], &max_weight, &conf_obj,
                          &method_name, &threads))
        return NULL;
    const int method = sc_py_lookup(method_name, CI_METHODS, "method");
    if (method < 0) return NULL;
    const char *names[3] = {"harm", "variance", "scale"};
    PyArrayObject *in[3], *conf = NULL, *lower = NULL, *upper = NULL;
    npy_intp n;
    if (sc_py_double_arrays(3, objs, names, in, &n) < 0) return NULL;
    if ((conf = sc_py_double_array(conf_obj, "conf")) == NULL) goto fail;
    npy_intp dims[2] = {n, PyArray_SIZE(conf)};
    if ((lower = sc_py_empty(2, dims)) == NULL || (upper = sc_py_empty(2, dims)) == NULL)
        goto fail;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_harm_ci(SC_DATA(in[0]), SC_DATA(in[1]), SC_DATA(in[2]), (size_t)n, max_weight,
                        SC_DATA(conf), (size_t)dims[1], (sc_harm_ci_method)method, threads,
                        SC_DATA(lower), SC_DATA(upper));
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "harm_index");
        goto fail;
    }
    sc_py_release(3, in);
    Py_DECREF(conf);
    return Py_BuildValue("NN", lower, upper);
fail:
    sc_py_release(3, in);
    Py_XDECREF(conf);
    Py_XDECREF(lower);
    Py_XDECREF(upper);
    return NULL;
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

enum { N_WIDE = 3, N_ROW = 7 };

static PyObject *py_harm_trend(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj, *v_obj, *exp_obj, *t_obj, *season_obj;
    Py_ssize_t exp_row, exp_col, n_seasons;
    const char *dispersion_name;
    double conf;
    int omit, threads = 0;
    if (!PyArg_ParseTuple(args, "OOOnnOOnsdp|i", &y_obj, &v_obj, &exp_obj, &exp_row, &exp_col,
                          &t_obj, &season_obj, &n_seasons, &dispersion_name, &conf, &omit,
                          &threads))
        return NULL;
    const int dispersion = sc_py_lookup(dispersion_name, DISPERSIONS, "dispersion");
    if (dispersion < 0) return NULL;
    if (n_seasons < 1 || exp_row < 0 || exp_col < 0) {
        PyErr_SetString(PyExc_ValueError, "harm_trend: n_seasons must be >= 1, strides >= 0");
        return NULL;
    }
    PyArrayObject *y = NULL, *v = NULL, *expo = NULL, *t = NULL, *season = NULL, *status_arr = NULL;
    PyArrayObject *wide[N_WIDE] = {NULL}, *row[N_ROW] = {NULL};
    if ((y = matrix(y_obj, "harm", -1, 0)) == NULL) return NULL;
    const npy_intp rows = PyArray_DIM(y, 0), n = PyArray_DIM(y, 1), p = 1 + n_seasons;
    if ((v = matrix(v_obj, "variance", rows, n)) == NULL) goto fail;
    if (exp_obj != Py_None) {
        if ((expo = sc_py_double_array(exp_obj, "exposure")) == NULL) goto fail;
        if (rows > 0 && n > 0 && (rows - 1) * exp_row + (n - 1) * exp_col >= PyArray_SIZE(expo)) {
            PyErr_SetString(PyExc_ValueError, "exposure strides reach outside the exposure array");
            goto fail;
        }
    }
    if ((t = sc_py_double_array(t_obj, "t")) == NULL) goto fail;
    if (PyArray_SIZE(t) != n) {
        PyErr_SetString(PyExc_ValueError, "t must hold one value per period");
        goto fail;
    }
    if (season_obj != Py_None) {
        if ((season = typed_array(season_obj, NPY_INT, "season")) == NULL) goto fail;
        if (PyArray_SIZE(season) != n) {
            PyErr_SetString(PyExc_ValueError, "season must hold one code per period");
            goto fail;
        }
    }
    npy_intp dims[2] = {rows, p};
    for (int k = 0; k < N_WIDE; k++)
        if ((wide[k] = sc_py_empty(2, dims)) == NULL) goto fail;
    for (int k = 0; k < N_ROW; k++)
        if ((row[k] = sc_py_empty(1, &rows)) == NULL) goto fail;
    if ((status_arr = (PyArrayObject *)PyArray_EMPTY(1, &rows, NPY_INT, 0)) == NULL) goto fail;
    const sc_glm_data data = {SC_DATA(y), (size_t)rows, (size_t)n,
                              expo ? SC_DATA(expo) : NULL, (size_t)exp_row, (size_t)exp_col,
                              omit};
    sc_glm_output out = {SC_DATA(wide[0]), SC_DATA(wide[1]), SC_DATA(wide[2]), SC_DATA(row[0]),
                         SC_DATA(row[1]), SC_DATA(row[2]), SC_DATA(row[3]), SC_DATA(row[4]),
                         (int *)PyArray_DATA(status_arr)};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_harm_trend(&data, SC_DATA(v), SC_DATA(t),
                           season ? (const int *)PyArray_DATA(season) : NULL, (size_t)n_seasons,
                           (sc_harm_dispersion)dispersion, conf, threads, &out, SC_DATA(row[5]),
                           SC_DATA(row[6]));
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "harm_trend");
        goto fail;
    }
    Py_DECREF(y); Py_DECREF(v); Py_XDECREF(expo); Py_DECREF(t); Py_XDECREF(season);
    Py_DECREF(row[3]);                                   /* theta: not used for Poisson */
    /* (params, bse, pvalues, crit, deviance, dispersion, nobs, status, compound, scale) */
    return Py_BuildValue("NNNNNNNNNN", wide[0], wide[1], wide[2], row[0], row[1], row[2],
                         row[4], status_arr, row[5], row[6]);
fail:
    Py_XDECREF(y); Py_XDECREF(v); Py_XDECREF(expo); Py_XDECREF(t); Py_XDECREF(season);
    Py_XDECREF(status_arr);
    for (int k = 0; k < N_WIDE; k++) Py_XDECREF(wide[k]);
    for (int k = 0; k < N_ROW; k++) Py_XDECREF(row[k]);
    return NULL;
}

PyMethodDef sc_harm_methods[] = {
    {"harm_sums", py_harm_sums, METH_VARARGS,
     "harm_sums(count, weight, group, groups) -> (total, harm, variance)"},
    {"harm_ci", py_harm_ci, METH_VARARGS,
     "harm_ci(harm, variance, scale, max_weight, conf, method[, threads]) -> (lower, upper)"},
    {"harm_trend", py_harm_trend, METH_VARARGS,
     "harm_trend(harm, variance, exposure, exp_row, exp_col, t, season, n_seasons, dispersion,"
     " conf, omit[, threads]) -> (params, bse, pvalues, crit, deviance, dispersion, nobs,"
     " status, compound, scale)"},
    {NULL, NULL, 0, NULL},
};
