/* Binding of the GLM kernels (sc_glm): glm_trend (count trends), glm_its (interrupted time
 * series).  Arrays arrive validated and shaped by python/scrutiny/models.py. */
#include "bind.h"

#include "sc_glm.h"
#include "sc_status.h"


/* Counts as a (rows, n) float64 array. */
static PyArrayObject *counts_matrix(PyObject *obj, npy_intp *rows, npy_intp *n)
{
    PyArrayObject *y = sc_py_double_array(obj, "counts");
    if (y == NULL) return NULL;
    if (PyArray_NDIM(y) != 2) {
        PyErr_SetString(PyExc_ValueError, "counts must be a 2-D array (series x observations)");
        Py_DECREF(y);
        return NULL;
    }
    *rows = PyArray_DIM(y, 0);
    *n = PyArray_DIM(y, 1);
    return y;
}

/* Optional exposure read with element strides (exp_row, exp_col); checks the reach. */
static int exposure_input(PyObject *obj, Py_ssize_t exp_row, Py_ssize_t exp_col, npy_intp rows,
                          npy_intp n, PyArrayObject **arr, sc_glm_data *d)
{
    *arr = NULL;
    d->exposure = NULL;
    d->exp_row = d->exp_col = d->exp_len = 0;
    if (obj == Py_None) return 0;
    *arr = sc_py_double_array(obj, "exposure");
    if (*arr == NULL) return -1;
    const npy_intp size = PyArray_SIZE(*arr);
    if (exp_row < 0 || exp_col < 0 ||
        (rows > 0 && n > 0 &&
         (size == 0 || (rows > 1 && exp_row > (size - 1) / (rows - 1)) ||
          (n > 1 && exp_col > (size - 1 - (rows - 1) * exp_row) / (n - 1))))) {
        PyErr_SetString(PyExc_ValueError, "exposure strides reach outside the exposure array");
        Py_CLEAR(*arr);
        return -1;
    }
    d->exposure = SC_DATA(*arr);
    d->exp_row = (size_t)exp_row;
    d->exp_col = (size_t)exp_col;
    d->exp_len = (size_t)size;
    return 0;
}

/* Optional season codes (int) of length n. */
static int season_input(PyObject *obj, npy_intp n, PyArrayObject **arr)
{
    *arr = NULL;
    if (obj == Py_None) return 0;
    *arr = (PyArrayObject *)PyArray_FROM_OTF(obj, NPY_INT, NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST);
    if (*arr == NULL) return -1;
    if (PyArray_SIZE(*arr) != n) {
        PyErr_Format(PyExc_ValueError, "season has %zd values but there are %zd observations",
                     (Py_ssize_t)PyArray_SIZE(*arr), (Py_ssize_t)n);
        Py_CLEAR(*arr);
        return -1;
    }
    return 0;
}

/* The outputs of one fit: params, bse, pvalues (rows x p), crit, deviance, dispersion, theta,
 * nobs, status (one per series); then those an interrupted time series adds: fitted,
 * counterfactual (rows x n), relative effect with its lower and upper limits, HAC lags (one
 * per series). */
enum { N_FIT = 9, N_ITS = 6 };
static const char *const NAMES[N_FIT + N_ITS] = {
    "params", "bse", "pvalues", "crit", "deviance", "dispersion", "theta", "nobs", "status",
    "fitted", "counterfactual", "relative_effect", "relative_lower", "relative_upper",
    "hac_lags"};

/* Make the outputs of one fit and the kernel's view of them.  Returns 0, or -1 with an
 * exception set and none of them held. */
static int fit_outputs(npy_intp rows, npy_intp p, PyArrayObject **f, sc_glm_output *o)
{
    static const int types[N_FIT] = {NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE,
                                     NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE, NPY_INT};
    const npy_intp cols[N_FIT] = {p, p, p};
    if (sc_py_outputs(N_FIT, types, cols, rows, f) < 0) return -1;
    *o = (sc_glm_output){SC_DATA(f[0]), SC_DATA(f[1]), SC_DATA(f[2]), SC_DATA(f[3]),
                         SC_DATA(f[4]), SC_DATA(f[5]), SC_DATA(f[6]), SC_DATA(f[7]),
                         (int *)PyArray_DATA(f[8])};
    return 0;
}

/* The family's code, or -1 with an exception for an unknown family or no seasons. */
static int family_code(int family, Py_ssize_t n_seasons)
{
    if (n_seasons < 1) {
        PyErr_SetString(PyExc_ValueError, "n_seasons must be >= 1");
        return -1;
    }
    return sc_py_code(family, SC_GLM_NEGBIN + 1, "family");
}

static PyObject *py_glm_trend(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj, *exp_obj, *t_obj, *season_obj;
    Py_ssize_t exp_row, exp_col, n_seasons;
    double conf;
    int family, omit, threads = 0;
    if (!PyArg_ParseTuple(args, "OOnnOOnidp|i", &y_obj, &exp_obj, &exp_row, &exp_col, &t_obj,
                          &season_obj, &n_seasons, &family, &conf, &omit, &threads))
        return NULL;
    if (family_code(family, n_seasons) < 0) return NULL;
    npy_intp rows, n;
    PyArrayObject *in[4] = {NULL}, *f[N_FIT] = {NULL};  /* in: counts, exposure, t, season */
    double *x = NULL;
    int *ind = NULL;
    sc_glm_data d;
    if ((in[0] = counts_matrix(y_obj, &rows, &n)) == NULL) goto fail;
    if (exposure_input(exp_obj, exp_row, exp_col, rows, n, &in[1], &d) < 0) goto fail;
    if ((in[2] = sc_py_double_array(t_obj, "t")) == NULL) goto fail;
    if (PyArray_SIZE(in[2]) != n) {
        PyErr_Format(PyExc_ValueError, "t has %zd values but there are %zd observations",
                     (Py_ssize_t)PyArray_SIZE(in[2]), (Py_ssize_t)n);
        goto fail;
    }
    if (season_input(season_obj, n, &in[3]) < 0) goto fail;
    const size_t p = 1 + (size_t)n_seasons;
    x = PyMem_Malloc(((size_t)n * 2 + 1) * sizeof *x);
    ind = PyMem_Malloc(((size_t)n + 1) * sizeof *ind);
    if (x == NULL || ind == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    int status = sc_glm_trend_design(SC_DATA(in[2]),
                                     in[3] ? (const int *)PyArray_DATA(in[3]) : NULL, (size_t)n,
                                     (size_t)n_seasons, x, ind);
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "count_trend");
        goto fail;
    }
    sc_glm_output out;
    if (fit_outputs(rows, (npy_intp)p, f, &out) < 0) goto fail;
    d.y = SC_DATA(in[0]);
    d.rows = (size_t)rows;
    d.n = (size_t)n;
    d.omit_missing = omit;
    const sc_glm_design design = {(size_t)n, p, 2, x, ind};
    Py_BEGIN_ALLOW_THREADS
    status = sc_glm_trend_fit(&d, &design, (sc_glm_family)family, conf, threads, &out);
    Py_END_ALLOW_THREADS
    PyMem_Free(x);
    PyMem_Free(ind);
    return sc_py_finish_named(status, "count_trend", 4, in, N_FIT, f, NAMES);
fail:
    PyMem_Free(x);
    PyMem_Free(ind);
    return sc_py_fail(4, in, N_FIT, f);
}

static PyObject *py_glm_its(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj, *exp_obj, *k_obj, *time_obj, *season_obj;
    Py_ssize_t exp_row, exp_col, n_seasons;
    int family, hac_lags, hac_adjust, omit, threads = 0;
    double conf;
    if (!PyArg_ParseTuple(args, "OOnnOOOniipdp|i", &y_obj, &exp_obj, &exp_row, &exp_col, &k_obj,
                          &time_obj, &season_obj, &n_seasons, &family, &hac_lags, &hac_adjust,
                          &conf, &omit, &threads))
        return NULL;
    if (family_code(family, n_seasons) < 0) return NULL;
    npy_intp rows, n;
    /* in: counts, exposure, intervention, season, time; f: the fit's outputs, then the ITS
     * ones */
    PyArrayObject *in[5] = {NULL}, *f[N_FIT + N_ITS] = {NULL}, **e = f + N_FIT;
    sc_glm_data d;
    if ((in[0] = counts_matrix(y_obj, &rows, &n)) == NULL) goto fail;
    if (exposure_input(exp_obj, exp_row, exp_col, rows, n, &in[1], &d) < 0) goto fail;
    if ((in[2] = sc_py_double_array(k_obj, "intervention")) == NULL) goto fail;
    const npy_intp nk = PyArray_SIZE(in[2]);
    if (nk != 1 && nk != rows) {
        PyErr_SetString(PyExc_ValueError, "intervention must hold one index or one per series");
        goto fail;
    }
    if (season_input(season_obj, n, &in[3]) < 0) goto fail;
    if (time_obj != Py_None) {
        if ((in[4] = sc_py_double_array(time_obj, "time")) == NULL) goto fail;
        if (PyArray_SIZE(in[4]) != n) {
            PyErr_Format(PyExc_ValueError, "time has %zd values but there are %zd observations",
                         (Py_ssize_t)PyArray_SIZE(in[4]), (Py_ssize_t)n);
            goto fail;
        }
    }
    const npy_intp p = SC_ITS_N_TERMS + n_seasons - 1, its_cols[N_ITS] = {n, n};
    sc_glm_output out;
    if (fit_outputs(rows, p, f, &out) < 0 || sc_py_outputs(N_ITS, NULL, its_cols, rows, e) < 0)
        goto fail;
    d.y = SC_DATA(in[0]);
    d.rows = (size_t)rows;
    d.n = (size_t)n;
    d.omit_missing = omit;
    const sc_its_spec spec = {SC_DATA(in[2]), nk == 1 ? 0 : 1,
                              in[3] ? (const int *)PyArray_DATA(in[3]) : NULL, (size_t)n_seasons,
                              (sc_glm_family)family, hac_lags, hac_adjust, conf,
                              in[4] ? SC_DATA(in[4]) : NULL};
    sc_its_output its = {SC_DATA(e[0]), SC_DATA(e[1]), SC_DATA(e[2]), SC_DATA(e[3]),
                         SC_DATA(e[4]), SC_DATA(e[5])};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_glm_its_fit(&d, &spec, threads, &out, &its);
    Py_END_ALLOW_THREADS
    return sc_py_finish_named(status, "its", 5, in, N_FIT + N_ITS, f, NAMES);
fail:
    return sc_py_fail(5, in, N_FIT + N_ITS, f);
}

PyMethodDef sc_glm_methods[] = {
    {"glm_trend", py_glm_trend, METH_VARARGS,
     "glm_trend(counts, exposure, exp_row, exp_col, t, season, n_seasons, family code, conf,"
     " omit[, threads]) -> {params, bse, pvalues, crit, deviance, dispersion, theta, nobs,"
     " status}"},
    {"glm_its", py_glm_its, METH_VARARGS,
     "glm_its(y, exposure, exp_row, exp_col, intervention, time, season, n_seasons,"
     " family code, hac_lags, hac_adjust, conf, omit[, threads]) -> {params, bse, pvalues,"
     " crit, deviance, dispersion, theta, nobs, status, fitted, counterfactual,"
     " relative_effect, relative_lower, relative_upper, hac_lags}"},
    {NULL, NULL, 0, NULL},
};
