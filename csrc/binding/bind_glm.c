/* Binding of the GLM kernels (sc_glm): glm_trend (count trends), glm_its (interrupted time
 * series).  Arrays arrive validated and shaped by python/scrutiny/models.py. */
#include "bind.h"

#include "sc_glm.h"
#include "sc_status.h"

static const char *const FAMILIES[] = {"gaussian", "poisson", "negbin", NULL};

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
    d->exp_row = d->exp_col = 0;
    if (obj == Py_None) return 0;
    *arr = sc_py_double_array(obj, "exposure");
    if (*arr == NULL) return -1;
    if (exp_row < 0 || exp_col < 0 ||
        (rows > 0 && n > 0 &&
         (rows - 1) * exp_row + (n - 1) * exp_col >= PyArray_SIZE(*arr))) {
        PyErr_SetString(PyExc_ValueError, "exposure strides reach outside the exposure array");
        Py_CLEAR(*arr);
        return -1;
    }
    d->exposure = SC_DATA(*arr);
    d->exp_row = (size_t)exp_row;
    d->exp_col = (size_t)exp_col;
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

/* Output arrays of one fit: params, bse, pvalues (rows x p) and per-series vectors. */
typedef struct {
    PyArrayObject *params, *bse, *pvalues, *crit, *deviance, *dispersion, *theta, *nobs, *status;
} fit_arrays;

static int fit_arrays_new(fit_arrays *f, npy_intp rows, npy_intp p, sc_glm_output *o)
{
    npy_intp dims[2] = {rows, p};
    f->params = sc_py_empty(2, dims);
    f->bse = sc_py_empty(2, dims);
    f->pvalues = sc_py_empty(2, dims);
    f->crit = sc_py_empty(1, &rows);
    f->deviance = sc_py_empty(1, &rows);
    f->dispersion = sc_py_empty(1, &rows);
    f->theta = sc_py_empty(1, &rows);
    f->nobs = sc_py_empty(1, &rows);
    f->status = (PyArrayObject *)PyArray_EMPTY(1, &rows, NPY_INT, 0);
    if (!f->params || !f->bse || !f->pvalues || !f->crit || !f->deviance || !f->dispersion ||
        !f->theta || !f->nobs || !f->status)
        return -1;
    *o = (sc_glm_output){SC_DATA(f->params), SC_DATA(f->bse), SC_DATA(f->pvalues),
                         SC_DATA(f->crit), SC_DATA(f->deviance), SC_DATA(f->dispersion),
                         SC_DATA(f->theta), SC_DATA(f->nobs), (int *)PyArray_DATA(f->status)};
    return 0;
}

static void fit_arrays_clear(fit_arrays *f)
{
    Py_XDECREF(f->params); Py_XDECREF(f->bse); Py_XDECREF(f->pvalues); Py_XDECREF(f->crit);
    Py_XDECREF(f->deviance); Py_XDECREF(f->dispersion); Py_XDECREF(f->theta);
    Py_XDECREF(f->nobs); Py_XDECREF(f->status);
}

/* The tuple (params, bse, pvalues, crit, deviance, dispersion, theta, nobs, status); steals. */
/* The family's code, or -1 with an exception for an unknown family or no seasons. */
static int family_code(const char *family_name, Py_ssize_t n_seasons)
{
    if (n_seasons < 1) {
        PyErr_SetString(PyExc_ValueError, "n_seasons must be >= 1");
        return -1;
    }
    return sc_py_lookup(family_name, FAMILIES, "family");
}

static PyObject *fit_tuple(fit_arrays *f)
{
    return Py_BuildValue("NNNNNNNNN", f->params, f->bse, f->pvalues, f->crit, f->deviance,
                         f->dispersion, f->theta, f->nobs, f->status);
}

static PyObject *py_glm_trend(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj, *exp_obj, *t_obj, *season_obj;
    Py_ssize_t exp_row, exp_col, n_seasons;
    const char *family_name;
    double conf;
    int omit, threads = 0;
    if (!PyArg_ParseTuple(args, "OOnnOOnsdp|i", &y_obj, &exp_obj, &exp_row, &exp_col, &t_obj,
                          &season_obj, &n_seasons, &family_name, &conf, &omit, &threads))
        return NULL;
    const int family = family_code(family_name, n_seasons);
    if (family < 0) return NULL;
    npy_intp rows, n;
    PyArrayObject *y = NULL, *expo = NULL, *t = NULL, *season = NULL;
    fit_arrays f = {0};
    double *x = NULL;
    int *ind = NULL;
    sc_glm_data d;
    if ((y = counts_matrix(y_obj, &rows, &n)) == NULL) goto fail;
    if (exposure_input(exp_obj, exp_row, exp_col, rows, n, &expo, &d) < 0) goto fail;
    if ((t = sc_py_double_array(t_obj, "t")) == NULL) goto fail;
    if (PyArray_SIZE(t) != n) {
        PyErr_Format(PyExc_ValueError, "t has %zd values but there are %zd observations",
                     (Py_ssize_t)PyArray_SIZE(t), (Py_ssize_t)n);
        goto fail;
    }
    if (season_input(season_obj, n, &season) < 0) goto fail;
    const size_t p = 1 + (size_t)n_seasons;
    x = PyMem_Malloc(((size_t)n * 2 + 1) * sizeof *x);
    ind = PyMem_Malloc(((size_t)n + 1) * sizeof *ind);
    if (x == NULL || ind == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    int status = sc_glm_trend_design(SC_DATA(t), season ? (const int *)PyArray_DATA(season) : NULL,
                                     (size_t)n, (size_t)n_seasons, x, ind);
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "count_trend");
        goto fail;
    }
    sc_glm_output out;
    if (fit_arrays_new(&f, rows, (npy_intp)p, &out) < 0) goto fail;
    d.y = SC_DATA(y);
    d.rows = (size_t)rows;
    d.n = (size_t)n;
    d.omit_missing = omit;
    const sc_glm_design design = {(size_t)n, p, 2, x, ind};
    Py_BEGIN_ALLOW_THREADS
    status = sc_glm_trend_fit(&d, &design, (sc_glm_family)family, conf, threads, &out);
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "count_trend");
        goto fail;
    }
    PyMem_Free(x);
    PyMem_Free(ind);
    Py_DECREF(y); Py_XDECREF(expo); Py_DECREF(t); Py_XDECREF(season);
    return fit_tuple(&f);
fail:
    PyMem_Free(x);
    PyMem_Free(ind);
    Py_XDECREF(y); Py_XDECREF(expo); Py_XDECREF(t); Py_XDECREF(season);
    fit_arrays_clear(&f);
    return NULL;
}

static PyObject *py_glm_its(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *y_obj, *exp_obj, *k_obj, *season_obj;
    Py_ssize_t exp_row, exp_col, n_seasons;
    const char *family_name;
    int hac_lags, hac_adjust, omit, threads = 0;
    double conf;
    if (!PyArg_ParseTuple(args, "OOnnOOnsipdp|i", &y_obj, &exp_obj, &exp_row, &exp_col, &k_obj,
                          &season_obj, &n_seasons, &family_name, &hac_lags, &hac_adjust, &conf,
                          &omit, &threads))
        return NULL;
    const int family = family_code(family_name, n_seasons);
    if (family < 0) return NULL;
    npy_intp rows, n;
    PyArrayObject *y = NULL, *expo = NULL, *k = NULL, *season = NULL;
    PyArrayObject *fitted = NULL, *cf = NULL, *rel = NULL, *rlo = NULL, *rhi = NULL, *lags = NULL;
    fit_arrays f = {0};
    sc_glm_data d;
    if ((y = counts_matrix(y_obj, &rows, &n)) == NULL) goto fail;
    if (exposure_input(exp_obj, exp_row, exp_col, rows, n, &expo, &d) < 0) goto fail;
    if ((k = sc_py_double_array(k_obj, "intervention")) == NULL) goto fail;
    if (PyArray_SIZE(k) != 1 && PyArray_SIZE(k) != rows) {
        PyErr_SetString(PyExc_ValueError, "intervention must hold one index or one per series");
        goto fail;
    }
    if (season_input(season_obj, n, &season) < 0) goto fail;
    const npy_intp p = SC_ITS_N_TERMS + n_seasons - 1, dims[2] = {rows, n};
    sc_glm_output out;
    if (fit_arrays_new(&f, rows, p, &out) < 0) goto fail;
    fitted = sc_py_empty(2, dims);
    cf = sc_py_empty(2, dims);
    rel = sc_py_empty(1, &rows);
    rlo = sc_py_empty(1, &rows);
    rhi = sc_py_empty(1, &rows);
    lags = sc_py_empty(1, &rows);
    if (!fitted || !cf || !rel || !rlo || !rhi || !lags) goto fail;
    d.y = SC_DATA(y);
    d.rows = (size_t)rows;
    d.n = (size_t)n;
    d.omit_missing = omit;
    const sc_its_spec spec = {SC_DATA(k), PyArray_SIZE(k) == 1 ? 0 : 1,
                              season ? (const int *)PyArray_DATA(season) : NULL, (size_t)n_seasons,
                              (sc_glm_family)family, hac_lags, hac_adjust, conf};
    sc_its_output its = {SC_DATA(fitted), SC_DATA(cf), SC_DATA(rel), SC_DATA(rlo), SC_DATA(rhi),
                         SC_DATA(lags)};
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_glm_its_fit(&d, &spec, threads, &out, &its);
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "its");
        goto fail;
    }
    Py_DECREF(y); Py_XDECREF(expo); Py_DECREF(k); Py_XDECREF(season);
    return Py_BuildValue("NNNNNNN", fit_tuple(&f), fitted, cf, rel, rlo, rhi, lags);
fail:
    Py_XDECREF(y); Py_XDECREF(expo); Py_XDECREF(k); Py_XDECREF(season);
    Py_XDECREF(fitted); Py_XDECREF(cf); Py_XDECREF(rel); Py_XDECREF(rlo); Py_XDECREF(rhi);
    Py_XDECREF(lags);
    fit_arrays_clear(&f);
    return NULL;
}

PyMethodDef sc_glm_methods[] = {
    {"glm_trend", py_glm_trend, METH_VARARGS,
     "glm_trend(counts, exposure, exp_row, exp_col, t, season, n_seasons, family, conf, omit"
     "[, threads]) -> (params, bse, pvalues, crit, deviance, dispersion, theta, nobs, status)"},
    {"glm_its", py_glm_its, METH_VARARGS,
     "glm_its(y, exposure, exp_row, exp_col, intervention, season, n_seasons, family, hac_lags,"
     " hac_adjust, conf, omit[, threads]) -> ((params, bse, pvalues, crit, deviance, dispersion,"
     " theta, nobs, status), fitted, counterfactual, relative_effect, relative_lower,"
     " relative_upper, hac_lags)"},
    {NULL, NULL, 0, NULL},
};
