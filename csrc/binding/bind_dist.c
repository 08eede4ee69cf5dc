/* Distribution functions of sc_dist, elementwise over arrays (used by the tests and by the
 * Python layer where a quantile is needed outside a family kernel). */
#include "bind.h"
#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

typedef void (*elementwise_fn)(const double *in, double *out);

static void beta_quantile(const double *v, double *o) { o[0] = sc_dist_beta_quantile(v[0], v[1], v[2]); }
static void gamma_quantile(const double *v, double *o) { o[0] = sc_dist_gamma_quantile(v[0], v[1]); }
static void norm_quantile(const double *v, double *o) { o[0] = sc_dist_norm_quantile(v[0]); }
static void beta_inc(const double *v, double *o) { sc_dist_beta_inc(v[0], 1.0 - v[0], v[1], v[2], &o[0], &o[1]); }
static void gamma_inc(const double *v, double *o) { sc_dist_gamma_inc(v[0], v[1], &o[0], &o[1]); }
static void binom_cdf(const double *v, double *o) { o[0] = sc_dist_binom_cdf(v[0], v[1], v[2]); o[1] = sc_dist_binom_pmf(v[0], v[1], v[2]); }
static void pois_cdf(const double *v, double *o) { o[0] = sc_dist_pois_cdf(v[0], v[1]); o[1] = sc_dist_pois_pmf(v[0], v[1]); }
static void binom_quantile(const double *v, double *o) { o[0] = sc_dist_binom_quantile(v[0], v[1], v[2], &o[1], &o[2]); }
static void pois_quantile(const double *v, double *o) { o[0] = sc_dist_pois_quantile(v[0], v[1], &o[1], &o[2]); }

/* Apply fn over k equal-length input arrays, giving nout output arrays (a tuple when > 1). */
static PyObject *map(PyObject *args, const char *func, int k, const char **names, int nout, elementwise_fn fn)
{
    PyObject *objs[4];
    PyArrayObject *in[4], *out[3];
    npy_intp n;
    if (!PyArg_UnpackTuple(args, func, k, k, &objs[0], &objs[1], &objs[2], &objs[3])) return NULL;
    if (sc_py_prepare(k, objs, names, in, &n, nout, 0, out) < 0) return NULL;
    double *src[4], *dst[3];
    for (int i = 0; i < k; i++) src[i] = SC_DATA(in[i]);
    for (int j = 0; j < nout; j++) dst[j] = SC_DATA(out[j]);
    Py_BEGIN_ALLOW_THREADS
    #pragma omp parallel for num_threads(sc_threads(0, (size_t)n)) schedule(static)
    for (npy_intp e = 0; e < n; e++) {
        double v[4], o[3];
        for (int i = 0; i < k; i++) v[i] = src[i][e];
        fn(v, o);
        for (int j = 0; j < nout; j++) dst[j][e] = o[j];
    }
    Py_END_ALLOW_THREADS
    if (nout > 1) return sc_py_finish(SC_SUCCESS, func, k, in, nout, out);
    sc_py_release(k, in);
    return (PyObject *)out[0];
}

static const char *n_pab[] = {"p", "a", "b"}, *n_pa[] = {"p", "a"}, *n_xab[] = {"x", "a", "b"},
                  *n_ax[] = {"a", "x"}, *n_rnp[] = {"r", "n", "prob"}, *n_rmu[] = {"r", "mu"},
                  *n_pnp[] = {"p", "n", "prob"}, *n_pmu[] = {"p", "mu"};

static PyObject *py_dist_beta_quantile(PyObject *s, PyObject *a) { (void)s; return map(a, "beta_quantile", 3, n_pab, 1, beta_quantile); }
static PyObject *py_dist_gamma_quantile(PyObject *s, PyObject *a) { (void)s; return map(a, "gamma_quantile", 2, n_pa, 1, gamma_quantile); }
static PyObject *py_dist_norm_quantile(PyObject *s, PyObject *a) { (void)s; return map(a, "norm_quantile", 1, n_pa, 1, norm_quantile); }
static PyObject *py_dist_beta_inc(PyObject *s, PyObject *a) { (void)s; return map(a, "beta_inc", 3, n_xab, 2, beta_inc); }
static PyObject *py_dist_gamma_inc(PyObject *s, PyObject *a) { (void)s; return map(a, "gamma_inc", 2, n_ax, 2, gamma_inc); }
static PyObject *py_dist_binom_cdf(PyObject *s, PyObject *a) { (void)s; return map(a, "binom_cdf", 3, n_rnp, 2, binom_cdf); }
static PyObject *py_dist_pois_cdf(PyObject *s, PyObject *a) { (void)s; return map(a, "pois_cdf", 2, n_rmu, 2, pois_cdf); }
static PyObject *py_dist_binom_quantile(PyObject *s, PyObject *a) { (void)s; return map(a, "binom_quantile", 3, n_pnp, 3, binom_quantile); }
static PyObject *py_dist_pois_quantile(PyObject *s, PyObject *a) { (void)s; return map(a, "pois_quantile", 2, n_pmu, 3, pois_quantile); }

PyMethodDef sc_dist_methods[] = {
    {"dist_beta_quantile", py_dist_beta_quantile, METH_VARARGS, "beta_quantile(p, a, b)"},
    {"dist_gamma_quantile", py_dist_gamma_quantile, METH_VARARGS, "gamma_quantile(p, a)"},
    {"dist_norm_quantile", py_dist_norm_quantile, METH_VARARGS, "norm_quantile(p)"},
    {"dist_beta_inc", py_dist_beta_inc, METH_VARARGS, "beta_inc(x, a, b) -> (P, Q)"},
    {"dist_gamma_inc", py_dist_gamma_inc, METH_VARARGS, "gamma_inc(a, x) -> (P, Q)"},
    {"dist_binom_cdf", py_dist_binom_cdf, METH_VARARGS, "binom_cdf(r, n, prob) -> (cdf, pmf)"},
    {"dist_pois_cdf", py_dist_pois_cdf, METH_VARARGS, "pois_cdf(r, mu) -> (cdf, pmf)"},
    {"dist_binom_quantile", py_dist_binom_quantile, METH_VARARGS, "binom_quantile(p, n, prob) -> (r, cdf, pmf)"},
    {"dist_pois_quantile", py_dist_pois_quantile, METH_VARARGS, "pois_quantile(p, mu) -> (r, cdf, pmf)"},
    {NULL, NULL, 0, NULL},
};
