/* Binding of the disparity kernels (sc_disparity): disparity_indices, disparity_bootstrap,
 * disparity_shrink_fit, disparity_shrink_posterior. */
#include "bind.h"


#include "sc_disparity.h"
#include "sc_status.h"

static const char *const INDICES[SC_DISPARITY_N_INDICES] = {"range", "ratio", "cv", "gini",
                                                             "theil", "mld"};

static PyObject *py_disparity_indices(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2] = {NULL, Py_None};
    if (!PyArg_ParseTuple(args, "O|O", &objs[0], &objs[1])) return NULL;
    const char *names[2] = {"rate", "weights"};
    PyArrayObject *in[2];
    npy_intp n;
    if (sc_py_double_arrays_opt(2, objs, names, in, &n) < 0) return NULL;
    double out[SC_DISPARITY_N_INDICES];
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_disparity_indices(SC_DATA(in[0]), 1, in[1] ? SC_DATA(in[1]) : NULL, 1,
                                  (size_t)n, out);
    Py_END_ALLOW_THREADS
    if (sc_py_done(status, "disparity_indices", 2, in, 0, NULL) < 0) return NULL;
    PyObject *values[SC_DISPARITY_N_INDICES];
    for (int i = 0; i < SC_DISPARITY_N_INDICES; i++) values[i] = PyFloat_FromDouble(out[i]);
    return sc_py_named(SC_DISPARITY_N_INDICES, INDICES, values);
}

static PyObject *py_disparity_bootstrap(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[3];
    Py_ssize_t reps;
    unsigned long long seed;
    double conf;
    int how, threads = 0;
    if (!PyArg_ParseTuple(args, "OOOinKd|i", &objs[0], &objs[1], &objs[2], &how, &reps, &seed,
                          &conf, &threads))
        return NULL;
    if (sc_py_code(how, SC_RESAMPLE_AREAS + 1, "resample") < 0) return NULL;
    if (reps < 1) {
        PyErr_SetString(PyExc_ValueError, "bootstrap must be a positive number of replicates");
        return NULL;
    }
    const char *names[3] = {"x", "n", "weights"};
    PyArrayObject *in[3], *out[3] = {NULL};             /* out: replicates, lower, upper */
    npy_intp n;
    if (sc_py_double_arrays_opt(3, objs, names, in, &n) < 0) return NULL;
    const npy_intp six = SC_DISPARITY_N_INDICES;
    if (sc_py_outputs(1, NULL, &six, (npy_intp)reps, out) < 0 ||
        sc_py_outputs(2, NULL, NULL, six, out + 1) < 0)
        return sc_py_fail(3, in, 3, out);
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_disparity_bootstrap(SC_DATA(in[0]), SC_DATA(in[1]),
                                    in[2] ? SC_DATA(in[2]) : NULL, (size_t)n,
                                    (sc_disparity_resample)how, (size_t)reps, (uint64_t)seed,
                                    threads, SC_DATA(out[0]));
    if (status == SC_SUCCESS)
        status = sc_disparity_percentiles(SC_DATA(out[0]), (size_t)reps, conf, SC_DATA(out[1]),
                                          SC_DATA(out[2]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "disparity_indices", 3, in, 3, out);
}

/* The prior of a shrink from its fields (a tuple as disparity_shrink_fit returns them). */
static PyObject *prior_tuple(const sc_shrink_prior *p)
{
    return Py_BuildValue("ddddiN", p->alpha, p->beta, p->mean, p->loglik, p->iterations,
                         PyBool_FromLong(p->pooled));
}

static PyObject *py_disparity_shrink_fit(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    int model, fit;
    if (!PyArg_ParseTuple(args, "OOii", &objs[0], &objs[1], &model, &fit)) return NULL;
    if (sc_py_code(model, SC_SHRINK_GAMMA_POISSON + 1, "kind") < 0 ||
        sc_py_code(fit, SC_SHRINK_MOMENTS + 1, "method") < 0)
        return NULL;
    const char *names[2] = {"x", "n"};
    PyArrayObject *in[2];
    npy_intp n;
    if (sc_py_double_arrays(2, objs, names, in, &n) < 0) return NULL;
    sc_shrink_prior prior;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_disparity_shrink_fit(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)n,
                                     (sc_shrink_model)model, (sc_shrink_fit)fit, &prior);
    Py_END_ALLOW_THREADS
    if (sc_py_done(status, "shrink", 2, in, 0, NULL) < 0) return NULL;
    return prior_tuple(&prior);
}

static PyObject *py_disparity_shrink_posterior(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[2];
    sc_shrink_prior prior;
    double conf;
    int model, pooled, threads = 0;
    if (!PyArg_ParseTuple(args, "OOi(ddddip)d|i", &objs[0], &objs[1], &model, &prior.alpha,
                          &prior.beta, &prior.mean, &prior.loglik, &prior.iterations, &pooled,
                          &conf, &threads))
        return NULL;
    prior.pooled = pooled;
    if (sc_py_code(model, SC_SHRINK_GAMMA_POISSON + 1, "kind") < 0) return NULL;
    const char *names[2] = {"x", "n"};
    PyArrayObject *in[2], *out[3];                       /* out: estimate, lower, upper */
    npy_intp n;
    if (sc_py_prepare(2, objs, names, in, &n, 3, 0, out) < 0) return NULL;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_disparity_shrink_posterior(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)n,
                                           (sc_shrink_model)model, &prior, conf, threads,
                                           SC_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "shrink", 2, in, 3, out);
}

PyMethodDef sc_disparity_methods[] = {
    {"disparity_indices", py_disparity_indices, METH_VARARGS,
     "disparity_indices(rate[, weights]) -> {range, ratio, cv, gini, theil, mld}"},
    {"disparity_bootstrap", py_disparity_bootstrap, METH_VARARGS,
     "disparity_bootstrap(x, n, weights, resample code, reps, seed, conf[, threads])"
     " -> (replicates, lower, upper)"},
    {"disparity_shrink_fit", py_disparity_shrink_fit, METH_VARARGS,
     "disparity_shrink_fit(x, n, kind code, method code)"
     " -> (alpha, beta, mean, loglik, iterations, pooled): the prior"},
    {"disparity_shrink_posterior", py_disparity_shrink_posterior, METH_VARARGS,
     "disparity_shrink_posterior(x, n, kind code, prior, conf[, threads])"
     " -> (estimate, lower, upper)"},
    {NULL, NULL, 0, NULL},
};
