/* Binding of the disparity kernels (sc_disparity): disparity_indices, disparity_bootstrap,
 * disparity_shrink. */
#include "bind.h"


#include "sc_disparity.h"
#include "sc_status.h"

static const char *const RESAMPLE[] = {"poisson", "binomial", "areas", NULL};
static const char *const MODELS[] = {"proportion", "rate", NULL};
static const char *const FITS[] = {"mle", "moments", NULL};

/* Rates and optional weights (None) as arrays of one size; weights may stay NULL. */
static int rates_and_weights(PyObject *rate_obj, PyObject *w_obj, PyArrayObject **arrs,
                             npy_intp *n)
{
    if (w_obj == Py_None) {
        arrs[1] = NULL;
        arrs[0] = sc_py_double_array(rate_obj, "rate");
        if (arrs[0] == NULL) return -1;
        *n = PyArray_SIZE(arrs[0]);
        return 0;
    }
    PyObject *objs[2] = {rate_obj, w_obj};
    const char *names[2] = {"rate", "weights"};
    return sc_py_double_arrays(2, objs, names, arrs, n);
}

static PyObject *py_disparity_indices(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *rate_obj, *w_obj = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &rate_obj, &w_obj)) return NULL;
    PyArrayObject *in[2];
    npy_intp n;
    if (rates_and_weights(rate_obj, w_obj, in, &n) < 0) return NULL;
    double out[SC_DISPARITY_N_INDICES];
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_disparity_indices(SC_DATA(in[0]), 1, in[1] ? SC_DATA(in[1]) : NULL, 1,
                                  (size_t)n, out);
    Py_END_ALLOW_THREADS
    sc_py_release(2, in);
    if (status != SC_SUCCESS) return sc_py_raise(status, "disparity_indices");
    return Py_BuildValue("dddddd", out[0], out[1], out[2], out[3], out[4], out[5]);
}

static PyObject *py_disparity_bootstrap(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[3];
    const char *resample;
    Py_ssize_t reps;
    unsigned long long seed;
    double conf;
    int threads = 0;
    if (!PyArg_ParseTuple(args, "OOOsnKd|i", &objs[0], &objs[1], &objs[2], &resample, &reps,
                          &seed, &conf, &threads))
        return NULL;
    int how = sc_py_lookup(resample, RESAMPLE, "resample");
    if (how < 0) return NULL;
    if (reps < 1) {
        PyErr_SetString(PyExc_ValueError, "bootstrap must be a positive number of replicates");
        return NULL;
    }
    const int weighted = objs[2] != Py_None;
    const char *names[3] = {"x", "n", "weights"};
    PyArrayObject *in[3] = {NULL, NULL, NULL}, *out = NULL, *lower = NULL, *upper = NULL;
    npy_intp n;
    if (sc_py_double_arrays(2 + weighted, objs, names, in, &n) < 0) return NULL;
    npy_intp dims[2] = {(npy_intp)reps, SC_DISPARITY_N_INDICES}, six = SC_DISPARITY_N_INDICES;
    out = sc_py_empty(2, dims);
    lower = sc_py_empty(1, &six);
    upper = sc_py_empty(1, &six);
    if (out == NULL || lower == NULL || upper == NULL) goto fail;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_disparity_bootstrap(SC_DATA(in[0]), SC_DATA(in[1]),
                                    weighted ? SC_DATA(in[2]) : NULL, (size_t)n,
                                    (sc_disparity_resample)how, (size_t)reps, (uint64_t)seed,
                                    threads, SC_DATA(out));
    if (status == SC_SUCCESS)
        status = sc_disparity_percentiles(SC_DATA(out), (size_t)reps, conf, SC_DATA(lower),
                                          SC_DATA(upper));
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "disparity_indices");
        goto fail;
    }
    sc_py_release(3, in);
    return Py_BuildValue("NNN", out, lower, upper);
fail:
    sc_py_release(3, in);
    Py_XDECREF(out);
    Py_XDECREF(lower);
    Py_XDECREF(upper);
    return NULL;
}

static PyObject *py_disparity_shrink(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    const char *kind, *fit_name;
    double conf;
    int threads = 0;
    if (!PyArg_ParseTuple(args, "OOssd|i", &objs[0], &objs[1], &kind, &fit_name, &conf, &threads))
        return NULL;
    int model = sc_py_lookup(kind, MODELS, "kind"), fit = sc_py_lookup(fit_name, FITS, "method");
    if (model < 0 || fit < 0) return NULL;
    const char *names[2] = {"x", "n"};
    PyArrayObject *in[2], *est = NULL, *lower = NULL, *upper = NULL;
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    est = sc_py_empty(1, &n);
    lower = sc_py_empty(1, &n);
    upper = sc_py_empty(1, &n);
    if (est == NULL || lower == NULL || upper == NULL) goto fail;
    sc_shrink_prior prior;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_disparity_shrink_fit(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)n,
                                     (sc_shrink_model)model, (sc_shrink_fit)fit, &prior);
    if (status == SC_SUCCESS)
        status = sc_disparity_shrink_posterior(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)n,
                                               (sc_shrink_model)model, &prior, conf, threads,
                                               SC_DATA(est), SC_DATA(lower), SC_DATA(upper));
    Py_END_ALLOW_THREADS
    if (status != SC_SUCCESS) {
        sc_py_raise(status, "shrink");
        goto fail;
    }
    sc_py_release(2, in);
    return Py_BuildValue("NNNddddii", est, lower, upper, prior.alpha, prior.beta, prior.mean,
                         prior.loglik, prior.iterations, prior.pooled);
fail:
    sc_py_release(2, in);
    Py_XDECREF(est);
    Py_XDECREF(lower);
    Py_XDECREF(upper);
    return NULL;
}

PyMethodDef sc_disparity_methods[] = {
    {"disparity_indices", py_disparity_indices, METH_VARARGS,
     "disparity_indices(rate[, weights]) -> (range, ratio, cv, gini, theil, mld)"},
    {"disparity_bootstrap", py_disparity_bootstrap, METH_VARARGS,
     "disparity_bootstrap(x, n, weights, resample, reps, seed, conf[, threads])"
     " -> (replicates, lower, upper)"},
    {"disparity_shrink", py_disparity_shrink, METH_VARARGS,
     "disparity_shrink(x, n, kind, method, conf[, threads])"
     " -> (estimate, lower, upper, alpha, beta, mean, loglik, iterations, pooled)"},
    {NULL, NULL, 0, NULL},
};
