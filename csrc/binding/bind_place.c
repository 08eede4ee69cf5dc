/* Binding of the place kernels (sc_place): place_wdd and place_etest.  The Python layer
 * (scrutiny/place.py) validates, broadcasts and groups the inputs; alternatives and statistics
 * arrive as the integer codes of sc_rates.h / sc_place.h. */
#include "bind.h"

#include "sc_place.h"
#include "sc_status.h"

/* Outputs of place_wdd: totals (groups x parts), then ten values per group. */
enum { N_WDD_OUT = 11 };
static const char *const WDD_NAMES[N_WDD_OUT] = {
    "totals", "local", "local_se", "displacement", "displacement_se", "estimate", "se",
    "statistic", "pvalue", "lower", "upper"};

/* A (SC_PLACE_PARTS, len) float64 array from obj, or NULL with an exception naming `name`. */
static PyArrayObject *parts_array(PyObject *obj, const char *name)
{
    PyArrayObject *a = sc_py_double_array(obj, name);
    if (a != NULL && (PyArray_NDIM(a) != 2 || PyArray_DIM(a, 0) != SC_PLACE_PARTS)) {
        PyErr_Format(PyExc_ValueError, "%s must have shape (%d, units)", name, SC_PLACE_PARTS);
        Py_CLEAR(a);
    }
    return a;
}

static PyObject *py_place_wdd(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *counts_obj, *scale_obj;
    Py_ssize_t members;
    int alternative, threads;
    double conf;
    if (!PyArg_ParseTuple(args, "OOnidi:place_wdd", &counts_obj, &scale_obj, &members,
                          &alternative, &conf, &threads))
        return NULL;
    PyArrayObject *in[2] = {NULL}, *out[N_WDD_OUT] = {NULL};        /* in: counts, scale */
    if ((in[0] = parts_array(counts_obj, "counts")) == NULL) return NULL;
    if ((in[1] = parts_array(scale_obj, "scale")) == NULL) return sc_py_fail(1, in, 0, NULL);
    const npy_intp len = PyArray_DIM(in[0], 1);
    if (PyArray_DIM(in[1], 1) != len || members < 1 || len % members != 0) {
        PyErr_SetString(PyExc_ValueError,
                        "wdd: scale must match counts, whose units must split into groups");
        return sc_py_fail(2, in, 0, NULL);
    }
    const npy_intp groups = len / members, cols[N_WDD_OUT] = {SC_PLACE_PARTS};
    if (sc_py_outputs(N_WDD_OUT, NULL, cols, groups, out) < 0) return sc_py_fail(2, in, 0, NULL);
    const sc_place_wdd_result res = {
        SC_DATA(out[0]), SC_DATA(out[1]), SC_DATA(out[2]), SC_DATA(out[3]), SC_DATA(out[4]),
        SC_DATA(out[5]), SC_DATA(out[6]), SC_DATA(out[7]), SC_DATA(out[8]), SC_DATA(out[9]),
        SC_DATA(out[10]),
    };
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_place_wdd(SC_DATA(in[0]), SC_DATA(in[1]), (size_t)groups, (size_t)members,
                          (sc_alternative)alternative, conf, threads, &res);
    Py_END_ALLOW_THREADS
    return sc_py_finish_named(status, "wdd", 2, in, N_WDD_OUT, out, WDD_NAMES);
}

static PyObject *py_place_etest(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *objs[5];
    int stat, alternative, threads;
    if (!PyArg_ParseTuple(args, "OOOOOiii:place_etest", &objs[0], &objs[1], &objs[2], &objs[3],
                          &objs[4], &stat, &alternative, &threads))
        return NULL;
    static const char *names[] = {"count_after", "exposure_after", "count_before",
                                  "exposure_before", "ratio"};
    PyArrayObject *in[5], *out[2];
    npy_intp n;
    if (sc_py_prepare(5, objs, names, in, &n, 2, 0, out) < 0) return NULL;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = sc_place_etest(SC_DATA(in[0]), SC_DATA(in[1]), SC_DATA(in[2]), SC_DATA(in[3]),
                            SC_DATA(in[4]), (size_t)n, (sc_etest_statistic)stat,
                            (sc_alternative)alternative, threads, SC_DATA(out[0]),
                            SC_DATA(out[1]));
    Py_END_ALLOW_THREADS
    return sc_py_finish(status, "poisson_etest", 5, in, 2, out);
}

PyMethodDef sc_place_methods[] = {
    {"place_wdd", py_place_wdd, METH_VARARGS,
     "place_wdd(counts, scale, members, alternative, conf, threads) -> {totals, local, local_se,"
     " displacement, displacement_se, estimate, se, statistic, pvalue, lower, upper}"},
    {"place_etest", py_place_etest, METH_VARARGS,
     "place_etest(count_after, exposure_after, count_before, exposure_before, ratio, statistic,"
     " alternative, threads) -> (statistic, pvalue)"},
    {NULL, NULL, 0, NULL},
};
